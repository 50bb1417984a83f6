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

/// All weapon words in one automaton (one pass over the text); group `w<i>` is LEXICON entry i.
static WEAPONS: LazyLock<Regex> = LazyLock::new(|| {
    let alternatives: Vec<String> =
        LEXICON.iter().enumerate().map(|(i, (_, pat))| format!("(?P<w{i}>{pat})")).collect();
    sitrep_text::regex::compile(&format!(r"(?i)\b(?:{})\b", alternatives.join("|"))).expect("weapon pattern compiles")
});

/// Words that may stand between a count and a weapon without breaking the count ("two Katyusha rockets").
fn is_count_word(word: &str) -> Option<u32> {
    match word.to_ascii_lowercase().as_str() {
        "several" | "dozens" => None,
        w => super::quantity::parse_number(w),
    }
}

/// The count written just before a weapon word ("seven rockets", "18 Katyusha rockets", "a drone"):
/// (count, start of the count).
fn count_before(text: &str, at: usize) -> Option<(u32, usize)> {
    let mut from = at.saturating_sub(40);
    while from > 0 && !text.is_char_boundary(from) {
        from -= 1;
    }
    let before = text.get(from..at)?;
    let words: Vec<(usize, &str)> =
        before.split_whitespace().map(|w| (w.as_ptr() as usize - before.as_ptr() as usize + from, w)).collect();
    let last = words.last()?;
    if let Some(n) = is_count_word(last.1) {
        return Some((n, last.0));
    }
    // One adjective-like word may sit between: never a verb or a conjunction.
    let (pos, word) = words.get(words.len().checked_sub(2)?)?;
    let between = last.1.to_ascii_lowercase();
    if ["said", "were", "was", "and", "of", "the", "by"].contains(&between.as_str()) || between.ends_with(',') {
        return None;
    }
    is_count_word(word).map(|n| (n, *pos))
}

/// Finds weapon mentions in one pass; where two could start at one place the first listed wins.
pub fn find_weapons(text: &str) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::new();
    for caps in WEAPONS.captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        let Some(kind) = (0..LEXICON.len()).find(|i| caps.name(&format!("w{i}")).is_some()).map(|i| LEXICON[i].0)
        else {
            continue;
        };
        let count = count_before(text, whole.start());
        let start = count.map(|(_, s)| s).unwrap_or(whole.start());
        out.push(Mention {
            span: Span::new(start, whole.end()),
            kind: MentionKind::Weapon(Weapon { kind: kind.to_string(), count: count.map(|(n, _)| n) }),
            qualifier: String::new(),
        });
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
        check("a roadside bomb exploded", "a roadside bomb => ied x1");
        check("a suicide bomber blew himself up", "a suicide bomber => suicide_bomb x1");
        check("security forces fired tear gas", "tear gas => tear_gas");
        check("mortar rounds fell near the base", "mortar rounds => mortar");
    }
}
