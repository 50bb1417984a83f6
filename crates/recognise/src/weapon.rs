//! Weapons and means of attack, with their counts ("seven rockets", "a drone", "roadside bomb").

use regex::Regex;
use sitrep_model::{Mention, MentionKind, Span, Weapon};
use std::sync::LazyLock;

/// (canonical kind, pattern). Order matters: the first pattern that matches a span names it.
const LEXICON: &[(&str, &str)] = &[
    ("suicide_bomb", r"suicide (?:bomb(?:er|ing)?s?|attack(?:er)?s?|vest|car bomb)"),
    (
        "ied",
        r"(?:roadside|car|truck|vehicle-borne|improvised) (?:bombs?|explosive devices?)|IEDs?|VBIEDs?|landmines?|mines?",
    ),
    ("airstrike", r"air ?strikes?|airstrikes?|air raids?|warplanes?|fighter jets?|jets?|bombers?"),
    ("drone", r"drones?|UAVs?|unmanned aerial vehicles?|unmanned aircraft"),
    ("rocket", r"(?:Katyusha )?rockets?|Katyushas?"),
    ("mortar", r"mortar (?:rounds?|shells?|bombs?)|mortars?"),
    ("missile", r"(?:ballistic |cruise |guided |anti-tank )?missiles?"),
    ("artillery", r"artillery|shelling|shells"),
    ("grenade", r"(?:hand |rocket-propelled )?grenades?|RPGs?"),
    ("tear_gas", r"tear ?gas|stun grenades?"),
    ("gunfire", r"gunfire|gunmen opened fire|opened fire|shot dead|small arms|sniper fire"),
];

static PATTERNS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    LEXICON
        .iter()
        .map(|(kind, pat)| {
            let count = r"(?:(?P<n>\d{1,3}(?:,\d{3})*|\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|dozens of|a dozen)\s+(?:[A-Za-z-]+\s+)?)?";
            (*kind, Regex::new(&format!(r"(?i)\b{count}(?P<w>{pat})\b")).expect("weapon pattern compiles"))
        })
        .collect()
});

/// Finds weapon mentions; overlapping matches keep the longest.
pub fn find_weapons(text: &str) -> Vec<Mention> {
    let mut found: Vec<Mention> = Vec::new();
    for (kind, re) in PATTERNS.iter() {
        for caps in re.captures_iter(text) {
            let (Some(whole), Some(w)) = (caps.get(0), caps.name("w")) else {
                continue;
            };
            // A count is only taken when the word between it and the weapon is an adjective-like word,
            // never a verb ("two rockets" yes, "one said rockets" no).
            let count = caps.name("n").and_then(|n| {
                let between = text.get(n.end()..w.start()).unwrap_or("").trim();
                if between.split_whitespace().count() > 1 || ["said", "were", "was", "and"].contains(&between) {
                    return None;
                }
                super::quantity::parse_number(n.as_str()).or(match n.as_str().to_ascii_lowercase().as_str() {
                    "a dozen" => Some(12),
                    _ => None,
                })
            });
            let start = if count.is_some() { whole.start() } else { w.start() };
            let span = Span::new(start, whole.end());
            found.push(Mention {
                span,
                kind: MentionKind::Weapon(Weapon { kind: (*kind).to_string(), count }),
                qualifier: String::new(),
            });
        }
    }
    found.sort_by_key(|m| (m.span.start, std::cmp::Reverse(m.span.end)));
    let mut out: Vec<Mention> = Vec::new();
    for m in found {
        if out.last().is_some_and(|l: &Mention| l.span.overlaps(m.span)) {
            continue;
        }
        out.push(m);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expect: &str) {
        let got: Vec<String> = find_weapons(text)
            .iter()
            .map(|m| match &m.kind {
                MentionKind::Weapon(w) => format!(
                    "{} => {}{}",
                    m.span.slice(text),
                    w.kind,
                    w.count.map(|c| format!(" x{c}")).unwrap_or_default()
                ),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(got.join("; "), expect, "text: {text:?}");
    }

    #[test]
    fn weapons_with_counts() {
        check("Seven rockets hit the Green Zone.", "Seven rockets => rocket x7");
        check("18 Katyusha rockets landed", "18 Katyusha rockets => rocket x18");
        check("a drone struck the convoy", "a drone => drone x1");
        check("US air strikes on five sites", "air strikes => airstrike");
        check("a roadside bomb exploded", "roadside bomb => ied");
        check("a suicide bomber blew himself up", "suicide bomber => suicide_bomb");
        check("security forces fired tear gas", "tear gas => tear_gas");
        check("mortar rounds fell near the base", "mortar rounds => mortar");
    }
}
