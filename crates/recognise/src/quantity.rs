//! Quantities with their qualifiers ("at least 25", "dozens", "a girl", "two Americans and a Briton")
//! and what they count.

use regex::Regex;
use sitrep_model::{Mention, MentionKind, Quantity, Span};
use std::sync::LazyLock;

/// Nouns that count people, so that "a girl" or "two Americans" are counts of people.
const PEOPLE: &str = "people|persons?|civilians?|soldiers?|troops|service ?members?|servicemen|personnel|americans?|iraqis?|syrians?|iranians?|britons?|contractors?|children|child|girls?|boys?|women|woman|men|man|fighters?|militiamen|militants?|members?|officers?|policemen|police ?officers?|guards?|protesters?|demonstrators?|rioters?|others|staff|workers?|employees?|journalists?|citizens?|residents?|commanders?|leaders?|officials?|gunmen|insurgents?|combatants?|recruits?|pilgrims?|passengers?|villagers?|students?|patients?|suspects?|individuals?|victims?|casualties|bodies|dead|killed|wounded|injured|service personnel|marines?|airmen|sailors?";
const THINGS: &str = "rockets?|missiles?|mortars?|mortar rounds?|shells?|drones?|uavs?|bombs?|grenades?|sites?|targets?|locations?|facilities|facility|vehicles?|cars?|bases?|houses?|homes?|buildings?|attacks?|strikes?|airstrikes?|projectiles?|rounds?";

fn word_number(w: &str) -> Option<u32> {
    let n = match w.to_ascii_lowercase().as_str() {
        "zero" | "no" | "none" => 0,
        "a" | "an" | "one" | "single" | "lone" => 1,
        "two" | "both" | "pair" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" | "dozen" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        "twenty" => 20,
        "thirty" => 30,
        "forty" => 40,
        "fifty" => 50,
        "sixty" => 60,
        "seventy" => 70,
        "eighty" => 80,
        "ninety" => 90,
        "hundred" => 100,
        _ => return None,
    };
    Some(n)
}

/// Parses "25", "8,500", "seven", "twenty-five", "a hundred".
pub fn parse_number(s: &str) -> Option<u32> {
    let s = s.trim();
    let digits: String = s.chars().filter(|c| *c != ',').collect();
    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
        return digits.parse().ok();
    }
    let lower = s.to_ascii_lowercase();
    let parts: Vec<&str> = lower.split(|c: char| c == '-' || c.is_whitespace()).filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [one] => word_number(one),
        [a, "hundred"] => Some(word_number(a)? * 100),
        [tens, unit] => {
            let t = word_number(tens)?;
            let u = word_number(unit)?;
            (t >= 20 && t % 10 == 0 && u < 10).then_some(t + u)
        }
        _ => None,
    }
}

const NUMBER: &str = r"\d{1,3}(?:,\d{3})+|\d+|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|a hundred|a dozen";

static QUANTITY: LazyLock<Regex> = LazyLock::new(|| {
    let re = format!(
        r"(?i)\b(?P<q>at least|at most|more than|over|fewer than|less than|some|about|around|approximately|roughly|nearly|almost|up to|as many as|an estimated|estimated|as few as)?\s*(?:(?P<n1>{NUMBER})(?:\s+(?P<or>or|to|and)\s+(?P<n2>{NUMBER}))?|(?P<vague>dozens|scores|hundreds|thousands|tens|several|a few|a number|many))(?:\s+of)?(?:\s+(?P<adj>[A-Za-z-]+))??(?:\s+(?P<adj2>[A-Za-z-]+))??\s+(?P<unit>{PEOPLE}|{THINGS})\b"
    );
    sitrep_text::regex::compile(&re).expect("quantity pattern compiles")
});

static BETWEEN: LazyLock<Regex> = LazyLock::new(|| {
    sitrep_text::regex::compile(&format!(r"(?i)\bbetween\s+(?P<n1>{NUMBER})\s+and\s+(?P<n2>{NUMBER})\b"))
        .expect("between pattern compiles")
});

/// "a girl", "a US contractor", "an Iraqi soldier": one person.
static ONE_PERSON: LazyLock<Regex> = LazyLock::new(|| {
    sitrep_text::regex::compile(r"(?i)\b(?P<n>a|an|one)\s+(?:(?:[A-Z][a-z]+|US|U\.S\.|UK|young|civilian|female|male|local|private|foreign|senior|former|security|teenage|\d+-year-old)\s+){0,3}(?P<unit>girl|boy|child|woman|man|contractor|soldier|civilian|policeman|officer|guard|fighter|protester|demonstrator|journalist|worker|employee|resident|student|commander|official|Briton|American|Iraqi|Syrian|Iranian|service ?member|serviceman|marine|child)\b")
        .expect("one-person pattern compiles")
});

/// "no one", "nobody", "no casualties": zero people.
static NONE: LazyLock<Regex> = LazyLock::new(|| {
    sitrep_text::regex::compile(r"(?i)\b(?:no one|nobody|no casualties|no deaths|no injuries|no fatalities|none)\b")
        .expect("none pattern compiles")
});

fn unit_of(word: &str) -> String {
    let w = word.to_ascii_lowercase();
    let things = [
        ("rocket", "rockets"),
        ("katyusha", "rockets"),
        ("missile", "missiles"),
        ("mortar", "mortars"),
        ("shell", "shells"),
        ("projectile", "projectiles"),
        ("drone", "drones"),
        ("uav", "drones"),
        ("bomb", "bombs"),
        ("grenade", "grenades"),
        ("site", "sites"),
        ("target", "sites"),
        ("location", "sites"),
        ("facilit", "sites"),
        ("vehicle", "vehicles"),
        ("car", "vehicles"),
        ("base", "bases"),
        ("house", "buildings"),
        ("home", "buildings"),
        ("building", "buildings"),
        ("attack", "attacks"),
        ("strike", "strikes"),
        ("airstrike", "strikes"),
        ("round", "rounds"),
    ];
    for (prefix, unit) in things {
        if w.starts_with(prefix) {
            return unit.to_string();
        }
    }
    "people".to_string()
}

fn vague(word: &str) -> (u32, Option<u32>) {
    match word.to_ascii_lowercase().as_str() {
        "dozens" => (12, None),
        "scores" => (20, None),
        "hundreds" => (100, None),
        "thousands" => (1000, None),
        "tens" => (10, None),
        "several" => (3, None),
        "a few" => (2, None),
        "many" => (2, None),
        _ => (1, None),
    }
}

fn apply_qualifier(q: &str, n: u32) -> (u32, Option<u32>) {
    match q.to_ascii_lowercase().as_str() {
        "at least" => (n, None),
        "as many as" | "up to" | "at most" => (n, Some(n)),
        "more than" | "over" => (n.saturating_add(1), None),
        "fewer than" | "less than" => (n.saturating_sub(1), Some(n.saturating_sub(1))),
        _ => (n, Some(n)),
    }
}

/// Finds counts of people and things.
pub fn find_quantities(text: &str) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::new();
    for caps in QUANTITY.captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        let lead = whole.as_str().len() - whole.as_str().trim_start().len();
        let span = Span::new(whole.start() + lead, whole.end());
        // "on Dec. 27 that killed": the number is a day of a date, not a count.
        if after_month(text, span.start) {
            continue;
        }
        let unit = caps.name("unit").map(|u| unit_of(u.as_str()));
        let q = caps.name("q").map(|q| q.as_str()).unwrap_or("");
        let (low, high) = if let Some(v) = caps.name("vague") {
            vague(v.as_str())
        } else {
            let Some(n1) = caps.name("n1").and_then(|n| parse_number(n.as_str())) else {
                continue;
            };
            match caps.name("n2").and_then(|n| parse_number(n.as_str())) {
                Some(n2) if caps.name("or").is_some_and(|o| !o.as_str().eq_ignore_ascii_case("and")) => {
                    (n1.min(n2), Some(n1.max(n2)))
                }
                Some(n2) => {
                    // "two Americans and a Briton" is handled below; "25 and 31" as a plain pair is ambiguous.
                    let _ = n2;
                    apply_qualifier(q, n1)
                }
                None => apply_qualifier(q, n1),
            }
        };
        out.push(Mention {
            span,
            kind: MentionKind::Quantity(Quantity { low, high, unit }),
            qualifier: q.to_ascii_lowercase(),
        });
    }
    for caps in BETWEEN.captures_iter(text) {
        let (Some(whole), Some(a), Some(b)) = (
            caps.get(0),
            caps.name("n1").and_then(|n| parse_number(n.as_str())),
            caps.name("n2").and_then(|n| parse_number(n.as_str())),
        ) else {
            continue;
        };
        let span = Span::new(whole.start(), whole.end());
        out.push(Mention {
            span,
            kind: MentionKind::Quantity(Quantity { low: a.min(b), high: Some(a.max(b)), unit: None }),
            qualifier: "between".into(),
        });
    }
    for caps in ONE_PERSON.captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        // "an American drone", "an Iraqi security source": a nationality before a noun is an adjective.
        let unit = caps.name("unit").map(|u| u.as_str()).unwrap_or("");
        if unit.starts_with(|c: char| c.is_uppercase()) {
            let next = text.get(whole.end()..).unwrap_or("").trim_start();
            let next_word: String = next.chars().take_while(|c| c.is_alphabetic()).collect::<String>().to_lowercase();
            const AFTER_A_PERSON: &[&str] = &[
                "", "is", "was", "were", "and", "who", "had", "has", "have", "died", "killed", "wounded", "injured",
                "among", "in", "at", "on", "from", "with", "or", "but", "also", "as", "after", "when",
            ];
            if !AFTER_A_PERSON.contains(&next_word.as_str()) {
                continue;
            }
        }
        out.push(Mention {
            span: Span::new(whole.start(), whole.end()),
            kind: MentionKind::Quantity(Quantity { low: 1, high: Some(1), unit: Some("people".into()) }),
            qualifier: String::new(),
        });
    }
    for m in NONE.find_iter(text) {
        out.push(Mention {
            span: Span::new(m.start(), m.end()),
            kind: MentionKind::Quantity(Quantity { low: 0, high: Some(0), unit: Some("people".into()) }),
            qualifier: String::new(),
        });
    }
    let out = keep_longest(out);
    join_people(text, out)
}

fn keep_longest(mut v: Vec<Mention>) -> Vec<Mention> {
    v.sort_by_key(|m| (m.span.start, std::cmp::Reverse(m.span.end)));
    let mut out: Vec<Mention> = Vec::new();
    for m in v {
        match out.last() {
            Some(last) if last.span.overlaps(m.span) => {
                if m.span.len() > last.span.len() {
                    out.pop();
                    out.push(m);
                }
            }
            _ => out.push(m),
        }
    }
    out
}

/// Whether the word before `at` is a month name ("Dec. 27", "January 8").
fn after_month(text: &str, at: usize) -> bool {
    let mut from = at.saturating_sub(12);
    while from > 0 && !text.is_char_boundary(from) {
        from -= 1;
    }
    let before = text.get(from..at).unwrap_or("");
    let word = before.split_whitespace().next_back().unwrap_or("").trim_end_matches('.').to_ascii_lowercase();
    const MONTHS: &[&str] = &[
        "jan",
        "january",
        "feb",
        "february",
        "mar",
        "march",
        "apr",
        "april",
        "may",
        "jun",
        "june",
        "jul",
        "july",
        "aug",
        "august",
        "sep",
        "sept",
        "september",
        "oct",
        "october",
        "nov",
        "november",
        "dec",
        "december",
    ];
    MONTHS.contains(&word.as_str())
}

/// "two Americans and a Briton" → 3 people: adjacent counts of people joined by "and" add up.
fn join_people(text: &str, v: Vec<Mention>) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::new();
    for m in v {
        if let Some(last) = out.last_mut() {
            let gap = text.get(last.span.end..m.span.start).unwrap_or("x");
            let (MentionKind::Quantity(a), MentionKind::Quantity(b)) = (&mut last.kind, &m.kind) else {
                out.push(m);
                continue;
            };
            let people = |q: &Quantity| q.unit.as_deref() == Some("people");
            if gap.trim().eq_ignore_ascii_case("and") && people(a) && people(b) && a.low > 0 && b.low > 0 {
                a.low += b.low;
                a.high = match (a.high, b.high) {
                    (Some(x), Some(y)) => Some(x + y),
                    _ => None,
                };
                last.span.end = m.span.end;
                continue;
            }
        }
        out.push(m);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (text, expected "matched => low..high unit" for each quantity, joined by "; ").
    fn check(text: &str, expect: &str) {
        let got: Vec<String> = find_quantities(text)
            .iter()
            .map(|m| match &m.kind {
                MentionKind::Quantity(q) => format!(
                    "{} => {}..{} {}",
                    m.span.slice(text),
                    q.low,
                    q.high.map(|h| h.to_string()).unwrap_or_default(),
                    q.unit.as_deref().unwrap_or("?")
                ),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(got.join("; "), expect, "text: {text:?}");
    }

    #[test]
    fn counts_with_qualifiers() {
        check("at least 25 people were killed", "at least 25 people => 25.. people");
        check("killing some 25 fighters", "some 25 fighters => 25..25 people");
        check("more than 8,500 soldiers", "more than 8,500 soldiers => 8501.. people");
        check("dozens of protesters", "dozens of protesters => 12.. people");
        check("24 or 25 people died", "24 or 25 people => 24..25 people");
        check("seven rockets hit", "seven rockets => 7..7 rockets");
        check("18 Katyusha rockets", "18 Katyusha rockets => 18..18 rockets");
        check("twenty-five militiamen", "twenty-five militiamen => 25..25 people");
        check("wounding twenty-five civilians", "twenty-five civilians => 25..25 people");
    }

    #[test]
    fn single_people_and_sums() {
        check("a girl was killed", "a girl => 1..1 people");
        check("killing a US contractor", "a US contractor => 1..1 people");
        check("two Americans and a Briton were killed", "two Americans and a Briton => 3..3 people");
        check("No one was hurt.", "No one => 0..0 people");
    }

    #[test]
    fn numbers_parse() {
        assert_eq!(parse_number("8,500"), Some(8500));
        assert_eq!(parse_number("twenty-five"), Some(25));
        assert_eq!(parse_number("a hundred"), Some(100));
        assert_eq!(parse_number("99999999999999"), None);
        assert_eq!(parse_number(""), None);
    }
}
