//! Plain-text articles: optional `key: value` header lines, or a legacy `date YYYY-MM-DD` line,
//! then the body.
//!
//! Header form: the first line is `title:`, `url:`, `outlet:`, `published:` or `date:` (keys are
//! case-insensitive), and the header block runs to the first blank line, or to the first line that
//! is not `key: value`. Unknown keys inside the block are ignored with an info diagnostic. If the
//! first line is not a recognised header, the whole file is the body.

use crate::Fields;
use sitrep_model::Diagnostic;

/// Keys that open a header block.
const KNOWN_KEYS: &[&str] = &["title", "url", "outlet", "published", "date"];

/// Splits `text` into header fields and the body (trimmed).
pub(crate) fn parse(text: &str) -> (Fields, String) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut fields = Fields::default();
    let mut lines = text.split_inclusive('\n');
    let Some(first) = lines.next() else {
        return (fields, String::new());
    };

    if let Some(date) = legacy_date(first) {
        fields.published = Some(date.to_string());
        let rest = text.get(first.len()..).unwrap_or("");
        return (fields, rest.trim().to_string());
    }
    if !header(first).is_some_and(|(key, _)| KNOWN_KEYS.contains(&key.as_str())) {
        return (fields, text.trim().to_string());
    }

    let mut consumed = 0;
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            consumed += line.len();
            break;
        }
        let Some((key, value)) = header(line) else {
            break;
        };
        consumed += line.len();
        let slot = match key.as_str() {
            "title" => &mut fields.title,
            "url" => &mut fields.url,
            "outlet" => &mut fields.outlet,
            "published" | "date" => &mut fields.published,
            "lang" | "language" => &mut fields.lang,
            _ => {
                fields.warnings.push(Diagnostic::info("unknown_header", format!("ignored header line \"{key}\"")));
                continue;
            }
        };
        if slot.is_none() && !value.is_empty() {
            *slot = Some(value.to_string());
        }
    }
    let body = text.get(consumed..).unwrap_or("");
    (fields, body.trim().to_string())
}

/// `key: value` where the key is a short run of letters, digits, `-`, `_` or spaces starting with
/// a letter. Returns the key lowercased and the value trimmed.
fn header(line: &str) -> Option<(String, &str)> {
    let (key, value) = line.split_once(':')?;
    let key = key.trim();
    let plausible = key.len() <= 30
        && key.starts_with(|c: char| c.is_ascii_alphabetic())
        && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ' '));
    plausible.then(|| (key.to_ascii_lowercase(), value.trim()))
}

/// The legacy first line `date YYYY-MM-DD`: returns the date text (validated later).
fn legacy_date(line: &str) -> Option<&str> {
    let line = line.trim();
    let (key, value) = line.split_once(char::is_whitespace)?;
    let value = value.trim();
    let iso_shaped =
        value.len() >= 8 && value.bytes().all(|b| b.is_ascii_digit() || b == b'-') && value.split('-').count() == 3;
    (key.eq_ignore_ascii_case("date") && iso_shaped).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (file text, (title, url, outlet, published), body)
    type Case = (&'static str, [Option<&'static str>; 4], &'static str);
    const CASES: &[Case] = &[
        ("Rockets hit the base.", [None, None, None, None], "Rockets hit the base."),
        ("\u{feff}Rockets hit.\n", [None, None, None, None], "Rockets hit."),
        (
            "Title: Rockets hit K1\nURL: https://example.com/a\nOutlet: Example\nPublished: 2019-12-28\n\nRockets hit.\n\nMore.",
            [Some("Rockets hit K1"), Some("https://example.com/a"), Some("Example"), Some("2019-12-28")],
            "Rockets hit.\n\nMore.",
        ),
        (
            "date: 31 December 2019\r\ntitle: Embassy stormed\r\n\r\nProtesters stormed the compound.\r\n",
            [Some("Embassy stormed"), None, None, Some("31 December 2019")],
            "Protesters stormed the compound.",
        ),
        (
            "title: No blank line\nThe body starts here.\nSecond line: with a colon? no, it has spaces.",
            [Some("No blank line"), None, None, None],
            "The body starts here.\nSecond line: with a colon? no, it has spaces.",
        ),
        (
            "title: A\nauthor: Someone\n\nBody.",
            [Some("A"), None, None, None],
            "Body.",
        ),
        ("title: Only headers\n", [Some("Only headers"), None, None, None], ""),
        ("date 2020-01-03\nA US drone strike killed Soleimani.", [None, None, None, Some("2020-01-03")], "A US drone strike killed Soleimani."),
        ("DATE 2020-13-45\n\nBody.", [None, None, None, Some("2020-13-45")], "Body."),
        ("date night in Baghdad\nwas quiet.", [None, None, None, None], "date night in Baghdad\nwas quiet."),
        ("Baghdad: rockets hit the Green Zone.\n\nMore.", [None, None, None, None], "Baghdad: rockets hit the Green Zone.\n\nMore."),
        ("", [None, None, None, None], ""),
    ];

    fn check(text: &str, expected: [Option<&str>; 4], body: &str) {
        let (fields, got) = parse(text);
        let got_fields =
            [fields.title.as_deref(), fields.url.as_deref(), fields.outlet.as_deref(), fields.published.as_deref()];
        assert_eq!(got_fields, expected, "{text:?}");
        assert_eq!(got, body, "{text:?}");
    }

    #[test]
    fn headers() {
        for (text, expected, body) in CASES {
            check(text, *expected, body);
        }
    }
}
