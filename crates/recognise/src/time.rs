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
    /// How to find the matches without running `re` over the whole text, when there is a way.
    near: Option<Near>,
}

/// Where to look for a pattern's matches: around the occurrences of a piece every match contains.
///
/// Most patterns open with an optional or case-insensitive word, which leaves the regex crate no
/// literal to skip ahead with, so it runs its DFA over every byte. But each one needs a rarer piece
/// further on (a month or weekday name, a year, "ago"), found by a regex of its own that does have a
/// literal prefilter. A match around such an occurrence cannot start before `back` walked back from it
/// or end after `ahead` walked forward from it, so the pattern only has to run over that window.
#[derive(Clone, Copy)]
struct Near {
    anchor: Anchor,
    /// Bounds the part of a match before its anchor, read from the anchor backwards.
    back: &'static [Step],
    /// Bounds the anchor and the rest of the match, read from the anchor's start forwards.
    ahead: &'static [Step],
}

/// One step of a walk bounding a match: at most this many characters of any kind, or a run of
/// whitespace of any length (every character `\s` matches).
#[derive(Clone, Copy)]
enum Step {
    Chars(usize),
    Space,
}

/// The pieces that anchor the searches; patterns sharing one share its occurrences.
#[derive(Clone, Copy)]
enum Anchor {
    Month,
    Weekday,
    Year,
    TodayWord,
    Ago,
    Unit,
    YearWord,
}

const ANCHOR_KINDS: usize = 7;

/// The anchor regexes, in the order of [`Anchor`]. Each is, or is contained in, a piece of the
/// patterns that use it, with the same flags, so it occurs wherever that piece matches.
static ANCHORS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        format!("(?:{MONTHS})"),
        format!("(?:{WEEKDAYS})"),
        r"(?:19|20)\d{2}".to_string(),
        "(?i:today|tonight|morning|afternoon|evening)".to_string(),
        "(?i:ago|earlier)".to_string(),
        "(?i:week|weekend|month|year)".to_string(),
        "(?i:year)".to_string(),
    ]
    .iter()
    .map(|re| Regex::new(re).expect("time anchor compiles"))
    .collect()
});

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
    use Step::{Chars, Space};
    let p = |id: &'static str, re: String, near: Option<Near>| Pattern {
        id,
        re: sitrep_text::regex::compile(&re).expect("time pattern compiles"),
        near,
    };
    // The walks count characters, not bytes: a case-insensitive letter may match a longer one ("ſ").
    // Month and weekday names have at most 9 characters, the qualifiers as many as their longest.
    let near = |anchor: Anchor, back: &'static [Step], ahead: &'static [Step]| Some(Near { anchor, back, ahead });
    vec![
        p("iso_date", r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})\b".to_string(), None),
        p(
            "day_month_year",
            format!(
                r"\b(?:(?:{WEEKDAYS}),?\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{MONTHS})\.?(?:,?\s+(?P<y>(?:19|20)\d{{2}}))?\b"
            ),
            // back: "of", the day and its suffix, the weekday and its comma; ahead: the month, ".", ",", the year.
            near(Anchor::Month, &[Space, Chars(2), Space, Chars(4), Space, Chars(10)], &[Chars(11), Space, Chars(4)]),
        ),
        p(
            "month_day_year",
            format!(
                r"\b(?:(?:{WEEKDAYS}),?\s+)?(?P<mon>{MONTHS})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>(?:19|20)\d{{2}})\b)?"
            ),
            // back: the weekday and its comma; ahead: the month and ".", the day and its suffix, ",", the year.
            near(Anchor::Month, &[Space, Chars(10)], &[Chars(10), Space, Chars(5), Space, Chars(4)]),
        ),
        p(
            "month_year",
            format!(r"\b(?P<q>(?i:early|late|mid|mid-|end of|the end of))?\s*(?P<mon>{MONTHS})\.?,?\s+(?P<y>(?:19|20)\d{{2}})\b"),
            // back: "the end of"; ahead: the month, ".", ",", the year.
            near(Anchor::Month, &[Space, Chars(10)], &[Chars(11), Space, Chars(4)]),
        ),
        p(
            "in_month",
            format!(r"\b(?P<q>(?i:in|since|during|early|late|mid-|mid|until|by|last|this))\s+(?P<mon>{MONTHS})\b"),
            None,
        ),
        p(
            "year",
            r"\b(?P<q>(?i:in|since|during|until|by|of|the|early|late|mid-|mid|from|before|after))\s+(?P<y>(?:19|20)\d{2})\b".to_string(),
            // back: "during"; ahead: the year.
            near(Anchor::Year, &[Space, Chars(6)], &[Chars(4)]),
        ),
        p(
            "weekday",
            format!(
                r"\b(?P<q>(?i:last|this|on|late on|early on|late|early|since|until|by))?\s*(?P<wd>{WEEKDAYS})(?:'s)?(?:\s+(?i:night|morning|evening|afternoon))?\b"
            ),
            // back: "early on"; ahead: the weekday and "'s", "afternoon".
            near(Anchor::Weekday, &[Space, Chars(8)], &[Chars(11), Space, Chars(9)]),
        ),
        p(
            "today",
            r"\b(?i:today|tonight|this morning|this afternoon|this evening|earlier today)\b".to_string(),
            // back: "earlier " before "today"; ahead: "afternoon".
            near(Anchor::TodayWord, &[Chars(8)], &[Chars(9)]),
        ),
        p("yesterday", r"\b(?i:yesterday|last night|overnight)\b".to_string(), None),
        p(
            "days_ago",
            r"\b(?P<n>\d{1,2}|(?i:a|one|two|three|four|five|six|seven|eight|nine|ten))\s+(?P<u>(?i:days?|weeks?|months?|years?))\s+(?i:ago|earlier)\b".to_string(),
            // back: "months", "three"; ahead: "earlier".
            near(Anchor::Ago, &[Space, Chars(6), Space, Chars(5)], &[Chars(7)]),
        ),
        p(
            "last_week",
            r"\b(?P<q>(?i:last|this|earlier this|later this|past|previous|at the|over the))\s+(?P<u>(?i:week|weekend|month|year))\b".to_string(),
            // back: "earlier this"; ahead: "weekend".
            near(Anchor::Unit, &[Space, Chars(12)], &[Chars(7)]),
        ),
        p(
            "late_last_year",
            r"\b(?P<q>(?i:late|early|earlier|the end of))\s+(?P<w>(?i:last|this))\s+(?i:year)\b".to_string(),
            // back: "last", "the end of"; ahead: "year".
            near(Anchor::YearWord, &[Space, Chars(4), Space, Chars(10)], &[Chars(4)]),
        ),
    ]
});

/// Finds and resolves the time expressions in `text`. `published` anchors relative expressions.
pub fn find_times(text: &str, published: Option<NaiveDate>) -> Vec<Mention> {
    let mut found: Vec<Mention> = Vec::new();
    let mut anchors: [Option<Vec<usize>>; ANCHOR_KINDS] = Default::default();
    let mut matches = Vec::new();
    for pat in PATTERNS.iter() {
        matches.clear();
        match pat.near {
            Some(near) => {
                let at = anchors[near.anchor as usize]
                    .get_or_insert_with(|| anchor_starts(&ANCHORS[near.anchor as usize], text));
                matches_near(&pat.re, near, text, at, &mut matches);
            }
            None => matches.extend(pat.re.captures_iter(text)),
        }
        for caps in &matches {
            if let Some(m) = mention(pat.id, caps, text, published) {
                found.push(m);
            }
        }
    }
    keep_longest(found)
}

/// The mention a match of pattern `id` makes, if it makes one.
fn mention(id: &str, caps: &regex::Captures<'_>, text: &str, published: Option<NaiveDate>) -> Option<Mention> {
    let whole = caps.get(0)?;
    // Trim leading spaces a pattern with an optional qualifier may have eaten.
    let lead = whole.as_str().len() - whole.as_str().trim_start().len();
    let span = Span::new(whole.start() + lead, whole.end());
    if span.is_empty() {
        return None;
    }
    let qualifier = caps.name("q").map(|q| q.as_str().trim().to_ascii_lowercase()).unwrap_or_default();
    let kind = resolve(id, caps, &qualifier, published)
        .map(MentionKind::Time)
        .unwrap_or_else(|| MentionKind::UnresolvedTime { expression: span.slice(text).to_string() });
    if let MentionKind::UnresolvedTime { .. } = kind {
        // Absolute dates that fail to resolve are impossible dates ("31 February"); skip them.
        if matches!(id, "iso_date") || published.is_some() || caps.name("y").is_some() {
            return None;
        }
    }
    Some(Mention { span, kind, qualifier })
}

/// Every offset where `anchor` matches, overlapping ones included, in order.
fn anchor_starts(anchor: &Regex, text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(m) = anchor.find_at(text, from) {
        out.push(m.start());
        from = next_char(text, m.start());
    }
    out
}

/// The offset after the character at `at` (the end of `text` at its end).
fn next_char(text: &str, at: usize) -> usize {
    at + text.get(at..).and_then(|t| t.chars().next()).map_or(1, char::len_utf8)
}

/// Walks from `at` toward the start of `text` as far as `steps` allow.
fn walk_back(text: &str, at: usize, steps: &[Step]) -> usize {
    at - walk(text.get(..at).unwrap_or_default().chars().rev(), steps)
}

/// Walks from `at` toward the end of `text` as far as `steps` allow.
fn walk_ahead(text: &str, at: usize, steps: &[Step]) -> usize {
    at + walk(text.get(at..).unwrap_or_default().chars(), steps)
}

/// How many bytes of `chars` (read in walking order) `steps` cover.
fn walk(chars: impl Iterator<Item = char>, steps: &[Step]) -> usize {
    let mut chars = chars.peekable();
    let mut bytes = 0;
    for step in steps {
        match *step {
            Step::Chars(n) => bytes += chars.by_ref().take(n).map(char::len_utf8).sum::<usize>(),
            Step::Space => {
                while let Some(c) = chars.next_if(|c| c.is_whitespace()) {
                    bytes += c.len_utf8();
                }
            }
        }
    }
    bytes
}

/// The matches of `re` in `text`, exactly those of `re.captures_iter(text)`, found by running `re` only
/// around the offsets `anchors` where `near.anchor` matches.
///
/// Every match holds an anchor at some offset `a`, starts no earlier than `walk_back(a)` and ends no
/// later than `walk_ahead(a)`; `walk_back` never decreases as `a` grows. So, searching on from `pos` with
/// `a` the first anchor at or after `pos`: no match starts between `pos` and `walk_back(a)`, and every
/// match (and every way `re` could match) that starts between there and `a` ends inside the window of
/// the anchors whose walk back reaches `a`, plus one character for the `\b` that looks past its end.
/// Cut there, the text gives the same matches starting up to `a` as the whole text. If the first of them
/// starts after `a`, there is none up to `a` and the search goes on from the next character.
fn matches_near<'t>(re: &Regex, near: Near, text: &'t str, anchors: &[usize], out: &mut Vec<regex::Captures<'t>>) {
    let bounds: Vec<(usize, usize, usize)> = anchors
        .iter()
        .map(|&a| {
            let end = walk_ahead(text, a, near.ahead);
            (a, walk_back(text, a, near.back), next_char(text, end).min(text.len()))
        })
        .collect();
    let mut pos = 0;
    for (i, &(a, lo, _)) in bounds.iter().enumerate() {
        if a < pos {
            continue;
        }
        let end = bounds[i..].iter().take_while(|b| b.1 <= a).map(|b| b.2).max().unwrap_or(text.len());
        // Every bound is a character boundary; were one not, the whole text is a window too.
        let window = text.get(..end).unwrap_or(text);
        match re.captures_at(window, pos.max(lo)) {
            Some(caps) if caps.get(0).is_some_and(|m| m.start() <= a) => {
                // The match holds an anchor at or after `a`, so it ends past `a`; the `max` only guards progress.
                pos = caps.get(0).map_or(a, |m| m.end()).max(next_char(text, a));
                out.push(caps);
            }
            _ => pos = next_char(text, a),
        }
    }
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

    /// `find_times` as it was before the anchored searches: every pattern over the whole text.
    fn find_times_by_full_scan(text: &str, published: Option<NaiveDate>) -> Vec<Mention> {
        let mut found = Vec::new();
        for pat in PATTERNS.iter() {
            found.extend(pat.re.captures_iter(text).filter_map(|caps| mention(pat.id, &caps, text, published)));
        }
        keep_longest(found)
    }

    /// Checks that every pattern's anchored search finds exactly the matches, with the same groups, of a
    /// scan of the whole text, and that the mentions come out the same.
    fn assert_same_as_full_scan(text: &str) {
        let groups = |caps: &regex::Captures<'_>| -> Vec<Option<(usize, usize)>> {
            caps.iter().map(|g| g.map(|g| (g.start(), g.end()))).collect()
        };
        for pat in PATTERNS.iter() {
            let Some(near) = pat.near else { continue };
            let anchors = anchor_starts(&ANCHORS[near.anchor as usize], text);
            let mut near_matches = Vec::new();
            matches_near(&pat.re, near, text, &anchors, &mut near_matches);
            let near_matches: Vec<_> = near_matches.iter().map(groups).collect();
            let full: Vec<_> = pat.re.captures_iter(text).map(|c| groups(&c)).collect();
            assert_eq!(near_matches, full, "pattern {} in {text:?}", pat.id);
        }
        for published in [None, Some(d("2020-01-03"))] {
            assert_eq!(find_times(text, published), find_times_by_full_scan(text, published), "{text:?}");
        }
    }

    #[test]
    fn anchored_search_finds_what_a_full_scan_finds() {
        let tricky = [
            "",
            "Monday",
            "on Monday",
            "It happened on Monday",
            "Monday it happened",
            "MondayMonday Monday,Monday xMonday Monday2019 Monday_",
            "last  Monday's night and late on\u{a0}Tuesday evening, early on\n\n\nWednesday afternoon",
            "TUESDAY, tuesday, Sunni and Saturn; since Sunday's MORNING",
            "on Friday's night rockets; by Thursday's",
            "12\u{a0}January 2020, 12 of January, 2020 and 3rd of\u{2003}May",
            "27 December 2019",
            "Sept. 11, 2001 and Sept 11 2001, SEPT 2001, Sep.\u{a0}9",
            "mid-March 2003, mid- March 2003, the end of December 2019, THE END OF JANUARY 2020",
            "In 2019, since\u{2003}2014, during  1999, of 2020, before\t2003 and after 20199",
            "Friday, 27 December 2019 and Friday,\u{a0}Dec 27, 2019 and Friday 27th December",
            "\u{663} January and \u{661}\u{662} January 20\u{661}\u{669} and in 19\u{660}\u{661}",
            "text with no digits and nothing else",
            "قتل ١٢ شخصا يوم الاثنين في ١٢ يناير ٢٠٢٠ قرب بغداد",
            "“Monday” ‘this week’ — «the 2003 invasion» – ‚last year‘",
            "laſt week, this wee\u{212A}, earlier thiſ year, ſince 2019, three dayſ ago",
            "this WEEK, EARLIER THIS YEAR, Late Last Year, the end of this year, at the weekend",
            "three days ago, ten YEARS earlier, a week ago, 12 months ago, 123 days ago, Chicago",
            "mid-2019, mid- 2019, 2019-12-27, 2019-12-27x, 1999-1-1",
            "yesterday, overnight, last night, This morning, earlier today, tonight",
            "tonight",
            "January January 2020 February",
            "JANOV 2020 JUNOV 2020 Mayor May 2020 MAY",
            "in                                                  January 2020",
            "on\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\nMonday",
            "Dec.\u{a0}31,\u{a0}2019 and Dec. 31, 2019 Dec.31",
            "2020 2020 2020 19 20 1920 2019 192020",
            "on Monday on Tuesday on Wednesday late on Thursday early on Friday",
            "Jan 2020 Feb 2021 Mar 2022 Apr Jun Jul Aug Sep Oct Nov Dec",
            "31 February 2020 on 30 February",
            "19th of May, 1st of Jan 2020, 2nd June, 22nd of SEPTEMBER 2001",
            "May 2020",
            "2019",
            "in 2019",
            "é Monday é",
            "ÉÉÉ January 2020 ÉÉÉ",
        ];
        for text in tricky {
            assert_same_as_full_scan(text);
        }
        // Random phrases in the shapes of the patterns, with pieces left out, long or odd runs of
        // whitespace between them, and words just too long or of the wrong case.
        let wd: &[&str] = &["Wednesday", "Monday", "Sunday", "TUESDAY", "Sunni"];
        let mon: &[&str] = &["September", "SEPTEMBER", "Sept", "SEPT", "Sep", "May", "MAY", "January", "Jan", "Dec"];
        let num: &[&str] =
            &["12", "1", "31", "123", "\u{663}", "\u{661}\u{662}", "three", "seven", "a", "ten", "elevn"];
        let suffix: &[&str] = &["th", "st", "nd", "rd", "of"];
        let year: &[&str] = &["2019", "1999", "20\u{661}\u{669}", "2020", "20199", "2019-12-27", "1899"];
        let unit: &[&str] =
            &["days", "day", "weeks", "months", "years", "year", "YEAR", "weekend", "week", "wee\u{212A}"];
        let ago: &[&str] = &["ago", "earlier", "AGO", "Chicago"];
        let part: &[&str] = &["night", "morning", "afternoon", "evening", "Evening"];
        let qual: &[&str] = &[
            "the end of",
            "earlier this",
            "later this",
            "early on",
            "late on",
            "during",
            "before",
            "since",
            "last",
            "this",
            "mid-",
            "mid",
            "on",
            "by",
            "in",
            "of",
            "the",
            "at the",
            "over the",
            "previous",
            "early",
            "late",
            "earlier",
            "EARLIER THIS",
            "Late",
            "\u{17F}ince",
            "la\u{17F}t",
            "xon",
        ];
        let today: &[&str] =
            &["today", "tonight", "this morning", "this afternoon", "earlier today", "evening", "toda"];
        let misc: &[&str] = &["x", "é", "قتل", "’s", "'s", ".", ",", "yesterday", "overnight", "last night", "2"];
        let shapes: &[&[&[&str]]] = &[
            &[wd, &[","], num, suffix, &["of"], mon, &["."], &[","], year],
            &[wd, &[","], mon, &["."], num, suffix, &[","], year],
            &[qual, mon, &["."], &[","], year],
            &[qual, year],
            &[qual, wd, &["'s"], part],
            &[today],
            &[num, unit, ago],
            &[qual, unit],
            &[qual, &["last", "this"], &["year"]],
            &[misc],
        ];
        let spaces = [' ', ' ', '\u{a0}', '\n', '\t', '\u{2003}', '\u{3000}'];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..4000 {
            let mut text = String::new();
            for _ in 0..1 + next(3) {
                for slot in shapes[next(shapes.len())] {
                    if next(6) == 0 {
                        continue;
                    }
                    // Punctuation and suffixes mostly follow the word before them directly.
                    let glued = [suffix, &[","], &["."], &["'s"]].contains(slot);
                    let run = match next(8) {
                        0 => usize::from(glued),
                        1 if !glued => 4 + next(30),
                        _ => usize::from(!glued),
                    };
                    for _ in 0..run {
                        text.push(spaces[next(spaces.len())]);
                    }
                    text.push_str(slot[next(slot.len())]);
                }
                // Sometimes glued on, to test the `\b` after the last word.
                if next(3) > 0 {
                    text.push(' ');
                }
                text.push_str(misc[next(misc.len())]);
            }
            assert_same_as_full_scan(&text);
        }
    }

    #[test]
    fn space_walks_cover_every_space_the_patterns_match() {
        // The walks skip `char::is_whitespace`; `\s` must match nothing else.
        let all: String = (0..=char::MAX as u32).filter_map(char::from_u32).collect();
        let spaces = Regex::new(r"\s").unwrap();
        for m in spaces.find_iter(&all) {
            assert!(m.as_str().chars().all(char::is_whitespace), "{:?}", m.as_str());
        }
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
