//! Time expressions: absolute dates, datelines and relative dates resolved against the publication date.
//!
//! Every relative expression ("on Tuesday", "last week", "in January") is resolved toward the past
//! from the publication date. Without a publication date it stays unresolved, never guessed.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use regex::Regex;
use sitrep_model::{last_day_of_month, DatePrecision, DateRange, Mention, MentionKind, Span};
use std::sync::LazyLock;

const MONTHS: &str = "January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec|JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER|JAN|FEB|MAR|APR|JUN|JUL|AUG|SEPT|SEP|OCT|NOV|DEC";
const WEEKDAYS: &str = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday";

/// One pattern of the time grammar: a regex and what its match means.
struct Pattern {
    id: &'static str,
    re: Regex,
}

fn month_number(s: &str) -> Option<u32> {
    let s = s.to_ascii_lowercase();
    let key = s.get(..3)?;
    let n = match key {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(n)
}

fn weekday(s: &str) -> Option<Weekday> {
    match s.to_ascii_lowercase().get(..3)? {
        "mon" => Some(Weekday::Mon),
        "tue" => Some(Weekday::Tue),
        "wed" => Some(Weekday::Wed),
        "thu" => Some(Weekday::Thu),
        "fri" => Some(Weekday::Fri),
        "sat" => Some(Weekday::Sat),
        "sun" => Some(Weekday::Sun),
        _ => None,
    }
}

pub(crate) fn small_number(s: &str) -> Option<i64> {
    super::quantity::parse_number(s).map(i64::from)
}

static PATTERNS: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    let p = |id: &'static str, re: String| Pattern {
        id,
        re: sitrep_text::regex::compile(&re).expect("time pattern compiles"),
    };
    vec![
        p("iso_date", r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})\b".to_string()),
        p(
            "day_month_year",
            format!(
                r"\b(?:(?:{WEEKDAYS}),?\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{MONTHS})\.?(?:,?\s+(?P<y>(?:19|20)\d{{2}}))?\b"
            ),
        ),
        p(
            "month_day_year",
            format!(
                r"\b(?:(?:{WEEKDAYS}),?\s+)?(?P<mon>{MONTHS})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>(?:19|20)\d{{2}})\b)?"
            ),
        ),
        p(
            "month_year",
            format!(r"\b(?P<q>(?i:early|late|mid|mid-|end of|the end of))?\s*(?P<mon>{MONTHS})\.?,?\s+(?P<y>(?:19|20)\d{{2}})\b"),
        ),
        p(
            "in_month",
            format!(r"\b(?P<q>(?i:in|since|during|early|late|mid-|mid|until|by|last|this))\s+(?P<mon>{MONTHS})\b"),
        ),
        p("year", r"\b(?P<q>(?i:in|since|during|until|by|of|the|early|late|mid-|mid|from|before|after))\s+(?P<y>(?:19|20)\d{2})\b".to_string()),
        p(
            "weekday",
            format!(
                r"\b(?P<q>(?i:last|this|on|late on|early on|late|early|since|until|by))?\s*(?P<wd>{WEEKDAYS})(?:'s)?(?:\s+(?i:night|morning|evening|afternoon))?\b"
            ),
        ),
        p("today", r"\b(?i:today|tonight|this morning|this afternoon|this evening|earlier today)\b".to_string()),
        p("yesterday", r"\b(?i:yesterday|last night|overnight)\b".to_string()),
        p("days_ago", r"\b(?P<n>\d{1,2}|(?i:a|one|two|three|four|five|six|seven|eight|nine|ten))\s+(?P<u>(?i:days?|weeks?|months?|years?))\s+(?i:ago|earlier)\b".to_string()),
        p("last_week", r"\b(?P<q>(?i:last|this|earlier this|later this|past|previous|at the|over the))\s+(?P<u>(?i:week|weekend|month|year))\b".to_string()),
        p("late_last_year", r"\b(?P<q>(?i:late|early|earlier|the end of))\s+(?P<w>(?i:last|this))\s+(?i:year)\b".to_string()),
    ]
});

/// Finds and resolves the time expressions in `text`. `published` anchors relative expressions.
pub fn find_times(text: &str, published: Option<NaiveDate>) -> Vec<Mention> {
    let mut found: Vec<Mention> = Vec::new();
    for pat in PATTERNS.iter() {
        for caps in pat.re.captures_iter(text) {
            let Some(whole) = caps.get(0) else { continue };
            // Trim leading spaces a pattern with an optional qualifier may have eaten.
            let lead = whole.as_str().len() - whole.as_str().trim_start().len();
            let span = Span::new(whole.start() + lead, whole.end());
            if span.is_empty() {
                continue;
            }
            let qualifier = caps.name("q").map(|q| q.as_str().trim().to_ascii_lowercase()).unwrap_or_default();
            let kind = resolve(pat.id, &caps, &qualifier, published)
                .map(MentionKind::Time)
                .unwrap_or_else(|| MentionKind::UnresolvedTime { expression: span.slice(text).to_string() });
            if let MentionKind::UnresolvedTime { .. } = kind {
                // Absolute dates that fail to resolve are impossible dates ("31 February"); skip them.
                if matches!(pat.id, "iso_date") || published.is_some() || caps.name("y").is_some() {
                    continue;
                }
            }
            found.push(Mention { span, kind, qualifier });
        }
    }
    keep_longest(found)
}

/// Of overlapping mentions keep the longest (earlier patterns win ties: they are more specific).
fn keep_longest(mut found: Vec<Mention>) -> Vec<Mention> {
    let mut order: Vec<usize> = (0..found.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(found[i].span.len()), i));
    let mut kept: Vec<usize> = Vec::new();
    for i in order {
        if kept.iter().all(|&k| !found[k].span.overlaps(found[i].span)) {
            kept.push(i);
        }
    }
    kept.sort_by_key(|&i| found[i].span.start);
    let mut out = Vec::with_capacity(kept.len());
    for (pos, m) in found.drain(..).enumerate() {
        if kept.contains(&pos) {
            out.push(m);
        }
    }
    out.sort_by_key(|m| m.span.start);
    out
}

fn cap<'t>(caps: &regex::Captures<'t>, name: &str) -> Option<&'t str> {
    caps.name(name).map(|m| m.as_str())
}

/// The latest date on or before `anchor` (plus one day of slack for time zones) with this month and day.
fn past_month_day(anchor: NaiveDate, month: u32, day: u32) -> Option<NaiveDate> {
    for year in [anchor.year(), anchor.year() - 1] {
        if let Some(d) = NaiveDate::from_ymd_opt(year, month, day) {
            if d <= anchor + Duration::days(1) {
                return Some(d);
            }
        }
    }
    None
}

fn resolve(id: &str, caps: &regex::Captures<'_>, q: &str, published: Option<NaiveDate>) -> Option<DateRange> {
    match id {
        "iso_date" => {
            let d = NaiveDate::from_ymd_opt(
                cap(caps, "y")?.parse().ok()?,
                cap(caps, "m")?.parse().ok()?,
                cap(caps, "d")?.parse().ok()?,
            )?;
            Some(DateRange::day(d))
        }
        "day_month_year" | "month_day_year" => {
            let month = month_number(cap(caps, "mon")?)?;
            let day: u32 = cap(caps, "d")?.parse().ok()?;
            let date = match cap(caps, "y") {
                Some(y) => NaiveDate::from_ymd_opt(y.parse().ok()?, month, day)?,
                None => past_month_day(published?, month, day)?,
            };
            Some(DateRange::day(date))
        }
        "month_year" => {
            let month = month_number(cap(caps, "mon")?)?;
            let year: i32 = cap(caps, "y")?.parse().ok()?;
            Some(DateRange::month_of(NaiveDate::from_ymd_opt(year, month, 1)?))
        }
        "in_month" => {
            let month = month_number(cap(caps, "mon")?)?;
            let anchor = published?;
            let year = match q {
                "last" if month >= anchor.month() => anchor.year() - 1,
                "this" => anchor.year(),
                _ if month > anchor.month() => anchor.year() - 1,
                _ => anchor.year(),
            };
            Some(DateRange::month_of(NaiveDate::from_ymd_opt(year, month, 1)?))
        }
        "year" => {
            let year: i32 = cap(caps, "y")?.parse().ok()?;
            if let Some(p) = published {
                // A year after publication is a plan or a threat, not something that happened.
                if year > p.year() {
                    return None;
                }
            }
            DateRange::year(year)
        }
        "weekday" => {
            let wd = weekday(cap(caps, "wd")?)?;
            let anchor = published?;
            let mut back =
                (anchor.weekday().num_days_from_monday() as i64 - wd.num_days_from_monday() as i64).rem_euclid(7);
            if q == "last" && back == 0 {
                back = 7;
            }
            Some(DateRange::day(anchor - Duration::days(back)))
        }
        "today" => Some(DateRange::day(published?)),
        "yesterday" => {
            let p = published?;
            // "Overnight" and "last night" in a morning report may be the small hours of the
            // publication day itself: the night spans both days.
            if whole_lower(caps).contains("night") {
                Some(DateRange { start: p - Duration::days(1), end: p, precision: DatePrecision::Day })
            } else {
                Some(DateRange::day(p - Duration::days(1)))
            }
        }
        "days_ago" => {
            let n = small_number(cap(caps, "n")?)?;
            let anchor = published?;
            let unit = cap(caps, "u")?.to_ascii_lowercase();
            if unit.starts_with("day") {
                Some(DateRange::day(anchor - Duration::days(n)))
            } else if unit.starts_with("week") {
                let start = anchor - Duration::days(7 * n);
                week_of(start)
            } else if unit.starts_with("month") {
                let m0 = anchor.year() * 12 + anchor.month0() as i32 - n as i32;
                Some(DateRange::month_of(NaiveDate::from_ymd_opt(m0.div_euclid(12), m0.rem_euclid(12) as u32 + 1, 1)?))
            } else {
                DateRange::year(anchor.year() - n as i32)
            }
        }
        "last_week" => {
            let anchor = published?;
            let unit = cap(caps, "u")?.to_ascii_lowercase();
            let this = matches!(q, "this" | "earlier this" | "later this");
            match unit.as_str() {
                "week" => {
                    let monday = anchor - Duration::days(anchor.weekday().num_days_from_monday() as i64);
                    if this {
                        Some(DateRange { start: monday, end: anchor, precision: DatePrecision::Week })
                    } else {
                        week_of(monday - Duration::days(7))
                    }
                }
                "weekend" => {
                    let back_to_sat = (anchor.weekday().num_days_from_monday() as i64 + 2).rem_euclid(7);
                    let back_to_sat = if back_to_sat == 0 && !this { 7 } else { back_to_sat };
                    let sat = anchor - Duration::days(back_to_sat);
                    Some(DateRange {
                        start: sat,
                        end: (sat + Duration::days(1)).min(anchor),
                        precision: DatePrecision::Week,
                    })
                }
                "month" => {
                    if this {
                        let start = anchor.with_day(1)?;
                        Some(DateRange { start, end: anchor, precision: DatePrecision::Month })
                    } else {
                        let prev = anchor.with_day(1)?.pred_opt()?;
                        Some(DateRange::month_of(prev))
                    }
                }
                _ => {
                    if this {
                        Some(DateRange {
                            start: NaiveDate::from_ymd_opt(anchor.year(), 1, 1)?,
                            end: anchor,
                            precision: DatePrecision::Year,
                        })
                    } else {
                        DateRange::year(anchor.year() - 1)
                    }
                }
            }
        }
        "late_last_year" => {
            let anchor = published?;
            let w = cap(caps, "w")?.to_ascii_lowercase();
            let year = if w == "last" { anchor.year() - 1 } else { anchor.year() };
            let (m1, m2) = if q.starts_with("early") || q.starts_with("earlier") { (1, 4) } else { (9, 12) };
            let start = NaiveDate::from_ymd_opt(year, m1, 1)?;
            let end = last_day_of_month(year, m2)?.min(if year == anchor.year() { anchor } else { NaiveDate::MAX });
            if q.starts_with("earlier") && w == "this" {
                return Some(DateRange {
                    start: NaiveDate::from_ymd_opt(year, 1, 1)?,
                    end: anchor,
                    precision: DatePrecision::Year,
                });
            }
            Some(DateRange { start, end: end.max(start), precision: DatePrecision::Month })
        }
        _ => None,
    }
}

fn whole_lower(caps: &regex::Captures<'_>) -> String {
    caps.get(0).map(|m| m.as_str().to_ascii_lowercase()).unwrap_or_default()
}

fn week_of(start: NaiveDate) -> Option<DateRange> {
    let monday = start - Duration::days(start.weekday().num_days_from_monday() as i64);
    Some(DateRange { start: monday, end: monday + Duration::days(6), precision: DatePrecision::Week })
}

/// A news dateline at the start of an article: "BAGHDAD, Dec 31 (Reuters) -" or "KIRKUK, Iraq (AFP) —".
#[derive(Debug, Clone, PartialEq)]
pub struct Dateline {
    pub span: Span,
    /// The place as written ("BAGHDAD", "KIRKUK, Iraq").
    pub place: Span,
    /// The date when the dateline gives one and it can be resolved (needs a year or a publication date).
    pub date: Option<NaiveDate>,
    pub outlet: Option<String>,
}

static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    sitrep_text::regex::compile(&format!(
        r"^\s*(?P<place>[A-Z][A-Z'’.\- ]{{2,40}}(?:,\s*[A-Z][A-Za-z'’.\- ]{{1,30}})?)\s*,?\s*(?:(?P<mon>{MONTHS})\.?\s+(?P<d>\d{{1,2}})(?:,?\s+(?P<y>(?:19|20)\d{{2}}))?\s*)?(?:\((?P<outlet>[^)]{{1,60}})\))?\s*[-–—:]+\s"
    ))
    .expect("dateline pattern compiles")
});

/// Finds the dateline at the start of `text`, if any.
pub fn dateline(text: &str, published: Option<NaiveDate>) -> Option<Dateline> {
    let head = text.get(..text.len().min(200)).or_else(|| {
        let mut end = text.len().min(200);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.get(..end)
    })?;
    let caps = DATELINE.captures(head)?;
    let whole = caps.get(0)?;
    let place = caps.name("place")?;
    // A dateline needs either a date or an outlet in parentheses; a capitalised first word alone is not one.
    if caps.name("mon").is_none() && caps.name("outlet").is_none() {
        return None;
    }
    let date = match (cap(&caps, "mon").and_then(month_number), cap(&caps, "d").and_then(|d| d.parse::<u32>().ok())) {
        (Some(m), Some(d)) => match cap(&caps, "y").and_then(|y| y.parse::<i32>().ok()) {
            Some(y) => NaiveDate::from_ymd_opt(y, m, d),
            None => published.and_then(|p| past_month_day(p, m, d)),
        },
        _ => None,
    };
    Some(Dateline {
        span: Span::new(whole.start(), whole.end()),
        place: Span::new(place.start(), place.start() + place.as_str().trim_end().len()),
        date,
        outlet: caps.name("outlet").map(|o| o.as_str().trim().to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// (text, published, expected: (matched text, start, end, precision) of the first mention, or "unresolved" / "none").
    fn check(text: &str, published: Option<&str>, expect: &str) {
        let got = find_times(text, published.map(d));
        let shown = match got.first() {
            None => "none".to_string(),
            Some(m) => match &m.kind {
                MentionKind::Time(r) => {
                    format!("{} => {}..{} {}", m.span.slice(text), r.start, r.end, r.precision.as_str())
                }
                MentionKind::UnresolvedTime { expression } => format!("{expression} => unresolved"),
                other => format!("{other:?}"),
            },
        };
        assert_eq!(shown, expect, "text: {text:?}");
    }

    #[test]
    fn absolute_dates() {
        check("It happened on 2019-12-27 near Kirkuk.", None, "2019-12-27 => 2019-12-27..2019-12-27 day");
        check("On 27 December 2019, rockets hit K1.", None, "27 December 2019 => 2019-12-27..2019-12-27 day");
        check("On December 27, 2019, rockets hit K1.", None, "December 27, 2019 => 2019-12-27..2019-12-27 day");
        check("On Dec. 27, 2019 rockets hit.", None, "Dec. 27, 2019 => 2019-12-27..2019-12-27 day");
        check("On Friday, Dec 27, 2019 rockets hit.", None, "Friday, Dec 27, 2019 => 2019-12-27..2019-12-27 day");
        check("The attack on 31 February 2020 is impossible.", None, "February 2020 => 2020-02-01..2020-02-29 month");
    }

    #[test]
    fn dates_without_a_year_resolve_to_the_past() {
        check("on October 17 the attacks began", Some("2023-11-15"), "October 17 => 2023-10-17..2023-10-17 day");
        check("on December 31 protesters stormed", Some("2020-01-02"), "December 31 => 2019-12-31..2019-12-31 day");
        check("on October 17 the attacks began", None, "October 17 => unresolved");
    }

    #[test]
    fn months_and_years() {
        check("in January 2020 a drone strike", None, "January 2020 => 2020-01-01..2020-01-31 month");
        check("attacks in January continued", Some("2020-03-05"), "in January => 2020-01-01..2020-01-31 month");
        check("attacks in November continued", Some("2020-03-05"), "in November => 2019-11-01..2019-11-30 month");
        check(
            "US troops have been in Iraq since 2014.",
            Some("2020-01-03"),
            "since 2014 => 2014-01-01..2014-12-31 year",
        );
        check("after the 2003 invasion", Some("2020-01-03"), "the 2003 => 2003-01-01..2003-12-31 year");
    }

    #[test]
    fn weekdays_resolve_backwards() {
        // 2019-12-28 was a Saturday; "on Friday" is the day before.
        check("Rockets hit the base on Friday.", Some("2019-12-28"), "on Friday => 2019-12-27..2019-12-27 day");
        check("Rockets hit late on Tuesday.", Some("2020-11-18"), "late on Tuesday => 2020-11-17..2020-11-17 day");
        check("Tuesday night's attack", Some("2020-11-18"), "Tuesday night => 2020-11-17..2020-11-17 day");
        check("The strike on Sunday killed 25.", Some("2019-12-29"), "on Sunday => 2019-12-29..2019-12-29 day");
        check("last Sunday", Some("2019-12-29"), "last Sunday => 2019-12-22..2019-12-22 day");
        check("Rockets hit the base on Friday.", None, "on Friday => unresolved");
    }

    #[test]
    fn relative_periods() {
        check("It happened yesterday.", Some("2020-01-04"), "yesterday => 2020-01-03..2020-01-03 day");
        check("Earlier today a drone", Some("2020-01-03"), "Earlier today => 2020-01-03..2020-01-03 day");
        check("three days ago", Some("2020-01-04"), "three days ago => 2020-01-01..2020-01-01 day");
        check("attacks last week", Some("2023-11-15"), "last week => 2023-11-06..2023-11-12 week");
        check("attacks this week", Some("2023-11-15"), "this week => 2023-11-13..2023-11-15 week");
        check("attacks last month", Some("2023-11-15"), "last month => 2023-10-01..2023-10-31 month");
        check("the truce agreed late last year", Some("2020-11-18"), "late last year => 2019-09-01..2019-12-31 month");
        check("more than 160 attacks last year", Some("2024-01-29"), "last year => 2023-01-01..2023-12-31 year");
    }

    #[test]
    fn datelines() {
        let t = "BAGHDAD, Dec 31 (Capital Dispatch) - Supporters of the militia stormed the compound.";
        let dl = dateline(t, Some(d("2019-12-31"))).unwrap();
        assert_eq!(dl.place.slice(t), "BAGHDAD");
        assert_eq!(dl.date, Some(d("2019-12-31")));
        assert_eq!(dl.outlet.as_deref(), Some("Capital Dispatch"));
        let t = "KIRKUK, Iraq (Tigris Wire) - More than 30 rockets struck.";
        let dl = dateline(t, None).unwrap();
        assert_eq!(dl.place.slice(t), "KIRKUK, Iraq");
        assert_eq!(dl.date, None);
        assert!(dateline("Rockets hit the base on Friday - officials said.", None).is_none());
        assert!(dateline("", None).is_none());
        assert!(dateline("ÉÉÉÉ", None).is_none());
    }
}
