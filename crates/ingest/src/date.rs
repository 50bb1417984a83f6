//! Publication dates as sources write them: ISO 8601 / RFC 3339, RFC 2822, and the usual English
//! "31 December 2019" / "Dec 31, 2019" forms.

use chrono::{DateTime, NaiveDate};

/// Parses a publication date. A date-time gives the calendar date in its own time zone (the date
/// the outlet printed). Returns `None` for anything else; callers report that as `bad_date`.
///
/// Accepted: `2019-12-31`, `2019/12/31`, `2019.12.31`, any RFC 3339 date-time, an ISO date
/// followed by a time (`2019-12-31T10:00:00.000+0000`, `2019-12-31 10:00`), RFC 2822
/// (`Tue, 31 Dec 2019 10:00:00 +0000`), `31 December 2019`, `December 31, 2019`, `Dec. 31, 2019`,
/// `31st Dec 2019`, optionally after a weekday and followed by a time.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    // Placeholder dates ("0001-01-01", "9999-12-31") in page metadata are no dates at all.
    parse_any(s).filter(|d| (1900..=2100).contains(&chrono::Datelike::year(d)))
}

/// A date written in a URL's path, as news sites do: `/2019/12/31/`, `/2019-12-31/`,
/// `/20191231/` or `/2019/12/31` at the end. Host and query are not looked at.
pub fn date_in_url(url: &str) -> Option<NaiveDate> {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme.split_once('/').map_or("", |(_, path)| path);
    let path = path.split(['?', '#']).next().unwrap_or("");
    let parts: Vec<&str> = path.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let found = if digits(part, 4) {
            // /2019/12/31/ (a day may carry a slug: /2019/12/31-slug is not taken, too unsure)
            match (parts.get(i + 1), parts.get(i + 2)) {
                (Some(m), Some(d))
                    if (1..=2).contains(&m.len()) && digits(d, d.len()) && (1..=2).contains(&d.len()) =>
                {
                    numeric(&format!("{part}-{m}-{d}"))
                }
                _ => None,
            }
        } else if digits(part, 8) {
            numeric(&format!("{}-{}-{}", &part[..4], &part[4..6], &part[6..]))
        } else {
            // /2019-12-31/ or /2019-12-31-slug/
            part.get(..10)
                .filter(|d| d.as_bytes().get(4) == Some(&b'-') && d.as_bytes().get(7) == Some(&b'-'))
                .and_then(numeric)
        };
        if let Some(date) = found.filter(|d| (1990..=2100).contains(&chrono::Datelike::year(d))) {
            return Some(date);
        }
    }
    None
}

fn parse_any(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.date_naive());
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(s) {
        return Some(dt.date_naive());
    }
    numeric(s).or_else(|| textual(s))
}

/// `YYYY-MM-DD` (or `/`, `.` separated), optionally followed by `T` or a space and anything.
fn numeric(s: &str) -> Option<NaiveDate> {
    let end = s.find(['T', ' ']).unwrap_or(s.len());
    let date = s.get(..end)?;
    let sep = date.chars().find(|c| !c.is_ascii_digit())?;
    if !matches!(sep, '-' | '/' | '.') {
        return None;
    }
    let mut parts = date.split(sep);
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || !(1..=2).contains(&m.len()) || !(1..=2).contains(&d.len()) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// `[Weekday,] 31 December 2019 ...` or `[Weekday,] December 31, 2019 ...`.
fn textual(s: &str) -> Option<NaiveDate> {
    let mut tokens = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|t| t.trim_end_matches('.'))
        .filter(|t| !t.is_empty())
        .peekable();
    if tokens.peek().is_some_and(|t| is_weekday(t)) {
        tokens.next();
    }
    let (a, b, y) = (tokens.next()?, tokens.next()?, tokens.next()?);
    let (day, month) = match (day_number(a), month_number(b)) {
        (Some(d), Some(m)) => (d, m),
        _ => (day_number(b)?, month_number(a)?),
    };
    if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, month, day)
}

/// "31", "1st", "22nd", "3rd", "4th".
fn day_number(t: &str) -> Option<u32> {
    let digits = t.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = t.get(digits.len()..).unwrap_or("");
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !matches!(suffix.to_ascii_lowercase().as_str(), "" | "st" | "nd" | "rd" | "th") {
        return None;
    }
    digits.parse().ok()
}

fn month_number(t: &str) -> Option<u32> {
    const MONTHS: &[&str] = &[
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let t = t.to_lowercase();
    if t == "sept" {
        return Some(9);
    }
    let found = MONTHS.iter().position(|m| *m == t || (t.len() == 3 && m.starts_with(t.as_str())))?;
    u32::try_from(found + 1).ok()
}

fn is_weekday(t: &str) -> bool {
    const DAYS: &[&str] = &["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    let t = t.to_lowercase();
    DAYS.iter().any(|d| *d == t || (t.len() >= 3 && d.starts_with(t.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    type Ymd = (i32, u32, u32);

    const CASES: &[(&str, Option<Ymd>)] = &[
        ("2019-12-31", Some((2019, 12, 31))),
        (" 2019-12-31 ", Some((2019, 12, 31))),
        ("2019-12-31T10:00:00Z", Some((2019, 12, 31))),
        ("2019-12-31T23:30:00-05:00", Some((2019, 12, 31))),
        ("2020-01-03T01:00:00+03:00", Some((2020, 1, 3))),
        ("2019-12-31T10:00:00.000+0000", Some((2019, 12, 31))),
        ("2019-12-31 10:00", Some((2019, 12, 31))),
        ("2019/12/31", Some((2019, 12, 31))),
        ("2019.12.31", Some((2019, 12, 31))),
        ("2020-1-3", Some((2020, 1, 3))),
        ("31 December 2019", Some((2019, 12, 31))),
        ("December 31, 2019", Some((2019, 12, 31))),
        ("Dec 31, 2019", Some((2019, 12, 31))),
        ("Dec. 31, 2019", Some((2019, 12, 31))),
        ("31 Dec 2019", Some((2019, 12, 31))),
        ("31st Dec 2019", Some((2019, 12, 31))),
        ("Sept 17, 2020", Some((2020, 9, 17))),
        ("Tuesday, 17 November 2020", Some((2020, 11, 17))),
        ("Tue, 31 Dec 2019 10:00:00 +0000", Some((2019, 12, 31))),
        ("Tue, 31 Dec 2019 10:00:00 GMT", Some((2019, 12, 31))),
        ("January 3, 2020 10:15 AM", Some((2020, 1, 3))),
        ("", None),
        ("yesterday", None),
        ("2019-13-45", None),
        ("2019-02-30", None),
        ("31/12/2019", None),
        ("12-31", None),
        ("Dec 2019", None),
        ("31 Foo 2019", None),
        ("31 Dec 19", None),
        ("١٢/٣١/٢٠١٩", None),
        ("32 December 2019", None),
        ("31xx December 2019", None),
    ];

    fn check(input: &str, expected: Option<Ymd>) {
        let expected = expected.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d));
        assert_eq!(parse_date(input), expected, "{input:?}");
    }

    const URLS: &[(&str, Option<Ymd>)] = &[
        ("https://www.example.com/2019/12/31/embassy-stormed", Some((2019, 12, 31))),
        ("https://example.com/news/2020/1/3/airport", Some((2020, 1, 3))),
        ("https://example.com/2020-11-17-green-zone-rockets.html", Some((2020, 11, 17))),
        ("https://example.com/a/20240128/tower-22", Some((2024, 1, 28))),
        ("https://example.com/2019/12/31", Some((2019, 12, 31))),
        ("https://example.com/2019/12/embassy", None),
        ("https://example.com/story/471031-man-pleads", None),
        ("https://example.com/2019/13/45/x", None),
        ("https://20191231.example.com/x", None),
        ("https://example.com/x?date=2019-12-31", None),
        ("https://example.com/1066/10/14/hastings", None),
        ("not a url", None),
        ("", None),
    ];

    #[test]
    fn dates_in_urls() {
        for (url, expected) in URLS {
            let expected = expected.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d));
            assert_eq!(date_in_url(url), expected, "{url:?}");
        }
    }

    #[test]
    fn dates() {
        for (input, expected) in CASES {
            check(input, *expected);
        }
    }
}
