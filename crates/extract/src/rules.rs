//! Trigger rules as data: parsing `data/rules/events.toml` and matching its word patterns.

use crate::ExtractError;
use serde::Deserialize;
use sitrep_model::SubEventType;

/// What a rule says about the sub-event type of what it finds.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleType {
    Fixed(SubEventType),
    /// Take the type from the weapon named in the sentence or article; `None` drops the mention.
    FromWeapon(Option<SubEventType>),
}

/// Context a rule's trigger needs in its sentence before it counts ("rally" alone is not a protest).
#[derive(Debug, Clone, PartialEq)]
pub enum Need {
    /// An armed group, a state force, protesters or rioters named in the sentence.
    ConflictActor,
    /// A weapon named in the sentence.
    Weapon,
    /// A killed or wounded figure in the sentence.
    Toll,
    /// A place named in the sentence.
    Place,
    /// Words of the sentence matching a pattern ("police|troops|soldiers"): for actors the
    /// dictionary does not name.
    Words(Pattern),
}

impl Need {
    fn parse(s: &str) -> Result<Need, String> {
        Ok(match s {
            "conflict_actor" => Need::ConflictActor,
            "weapon" => Need::Weapon,
            "toll" => Need::Toll,
            "place" => Need::Place,
            _ => Need::Words(Pattern::parse(s)?),
        })
    }
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub sub_event_type: RuleType,
    pub priority: i32,
    /// Any one of these must hold; empty means the trigger stands on its own.
    pub needs: Vec<Need>,
    /// Word patterns that, matched anywhere in the sentence, keep the rule from firing.
    pub unless: Vec<Pattern>,
    pub patterns: Vec<Pattern>,
    pub examples: Vec<RuleExample>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RuleExample {
    pub text: String,
    /// An exact ACLED sub-event type, or "none".
    pub expect: String,
}

#[derive(Deserialize)]
struct RuleFile {
    rule: Vec<RawRule>,
}

#[derive(Deserialize)]
struct RawRule {
    id: String,
    sub_event_type: String,
    #[serde(default)]
    default: Option<String>,
    #[serde(default)]
    priority: i32,
    #[serde(default)]
    needs: Vec<String>,
    #[serde(default)]
    unless: Vec<String>,
    patterns: Vec<String>,
    #[serde(default)]
    examples: Vec<RuleExample>,
}

/// One word test: an exact folded word, or a prefix ("rocket*").
#[derive(Debug, Clone, PartialEq)]
enum WordTest {
    Exact(String),
    Prefix(String),
}

impl WordTest {
    fn matches(&self, word: &str) -> bool {
        match self {
            WordTest::Exact(w) => w == word,
            WordTest::Prefix(p) => word.starts_with(p.as_str()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Element {
    /// One of several alternatives, each a sequence of words ("went_off" is two words).
    Alt(Vec<Vec<WordTest>>),
    /// Up to N arbitrary words.
    Gap(usize),
}

/// A compiled word pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    source: String,
    elements: Vec<Element>,
}

impl Pattern {
    pub fn parse(source: &str) -> Result<Pattern, String> {
        let mut elements = Vec::new();
        for token in source.split_whitespace() {
            if let Some(n) = token.strip_prefix('~') {
                let n: usize = n.parse().map_err(|_| format!("bad gap {token:?}"))?;
                if elements.is_empty() {
                    return Err("a pattern cannot start with a gap".into());
                }
                elements.push(Element::Gap(n));
                continue;
            }
            let mut alts = Vec::new();
            for alt in token.split('|') {
                let words: Vec<WordTest> = alt
                    .split('_')
                    .filter(|w| !w.is_empty())
                    .map(|w| match w.strip_suffix('*') {
                        Some(p) => WordTest::Prefix(sitrep_text::fold(p)),
                        None => WordTest::Exact(sitrep_text::fold(w)),
                    })
                    .collect();
                if words.is_empty() {
                    return Err(format!("empty alternative in {token:?}"));
                }
                alts.push(words);
            }
            elements.push(Element::Alt(alts));
        }
        if matches!(elements.last(), Some(Element::Gap(_))) {
            return Err("a pattern cannot end with a gap".into());
        }
        if elements.is_empty() {
            return Err("empty pattern".into());
        }
        Ok(Pattern { source: source.to_string(), elements })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// The tests one of which the first word of a match must pass.
    fn first_words(&self) -> impl Iterator<Item = &WordTest> {
        let first = match self.elements.first() {
            Some(Element::Alt(alts)) => alts.as_slice(),
            _ => &[],
        };
        first.iter().filter_map(|alt| alt.first())
    }

    /// The index of the last word of a match starting at word `pos`, if one starts there.
    pub fn match_from(&self, words: &[&str], pos: usize) -> Option<usize> {
        self.match_at(words, pos, 0)
    }

    /// First match in `words`: the index range `[first, last]` of matched words.
    pub fn find(&self, words: &[&str]) -> Option<(usize, usize)> {
        (0..words.len()).find_map(|start| self.match_at(words, start, 0).map(|end| (start, end)))
    }

    /// Matches elements[elem..] starting at word `pos`; returns the index of the last matched word.
    fn match_at(&self, words: &[&str], pos: usize, elem: usize) -> Option<usize> {
        match self.elements.get(elem)? {
            Element::Alt(alts) => {
                for alt in alts {
                    let n = alt.len();
                    if pos + n <= words.len() && alt.iter().zip(&words[pos..pos + n]).all(|(t, w)| t.matches(w)) {
                        let last = pos + n - 1;
                        if elem + 1 == self.elements.len() {
                            return Some(last);
                        }
                        if let Some(end) = self.match_at(words, last + 1, elem + 1) {
                            return Some(end);
                        }
                    }
                }
                None
            }
            Element::Gap(max) => (0..=*max).find_map(|skip| self.match_at(words, pos + skip, elem + 1)),
        }
    }
}

pub fn parse_rules(toml_text: &str) -> Result<Vec<Rule>, ExtractError> {
    let file: RuleFile = toml::from_str(toml_text).map_err(|e| ExtractError::Rules(e.to_string()))?;
    let mut rules = Vec::new();
    for raw in file.rule {
        let bad = |what: String| ExtractError::Rules(format!("rule {}: {what}", raw.id));
        let parse_type = |s: &str| SubEventType::parse(s).ok_or_else(|| bad(format!("unknown sub_event_type {s:?}")));
        let sub_event_type = if raw.sub_event_type == "from_weapon" {
            RuleType::FromWeapon(raw.default.as_deref().map(parse_type).transpose()?)
        } else {
            RuleType::Fixed(parse_type(&raw.sub_event_type)?)
        };
        let compile = |list: &[String]| {
            list.iter()
                .map(|p| Pattern::parse(p).map_err(|e| bad(format!("pattern {p:?}: {e}"))))
                .collect::<Result<Vec<_>, _>>()
        };
        let patterns = compile(&raw.patterns)?;
        let unless = compile(&raw.unless)?;
        let needs = raw
            .needs
            .iter()
            .map(|n| Need::parse(n).map_err(|e| bad(format!("needs {n:?}: {e}"))))
            .collect::<Result<Vec<_>, _>>()?;
        for ex in &raw.examples {
            if ex.expect != "none" && SubEventType::parse(&ex.expect).is_none() {
                return Err(bad(format!("example expects unknown type {:?}", ex.expect)));
            }
        }
        rules.push(Rule {
            id: raw.id,
            sub_event_type,
            priority: raw.priority,
            needs,
            unless,
            patterns,
            examples: raw.examples,
        });
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(pattern: &str, sentence: &str, expect: Option<&str>) {
        let p = Pattern::parse(pattern).unwrap();
        let folded = sitrep_text::fold(sentence);
        let words: Vec<&str> = folded.split(' ').collect();
        let got = p.find(&words).map(|(a, b)| words[a..=b].join(" "));
        assert_eq!(got.as_deref(), expect, "{pattern} on {sentence}");
    }

    #[test]
    fn patterns_match_words() {
        check("rocket*|mortar* ~4 hit|struck", "Seven rockets hit the zone", Some("rockets hit"));
        check(
            "rocket*|mortar* ~4 hit|struck",
            "Rockets fired from a truck struck the base",
            Some("rockets fired from a truck struck"),
        );
        check("rocket*|mortar* ~1 hit|struck", "Rockets fired from a truck struck the base", None);
        check("tear_gas|teargas", "police fired tear-gas", Some("tear gas"));
        check("blew himself|herself up", "he blew himself up", Some("blew himself up"));
    }

    #[test]
    fn bad_patterns_are_errors() {
        assert!(Pattern::parse("~2 hit").is_err());
        assert!(Pattern::parse("hit ~2").is_err());
        assert!(Pattern::parse("hit ~x rockets").is_err());
        assert!(Pattern::parse("").is_err());
        assert!(parse_rules("[[rule]]\nid='x'\nsub_event_type='Nope'\npatterns=['a']").is_err());
    }
}

/// Which patterns can start at a word: trying every pattern of every rule at every word of every
/// sentence was the extractor's hot spot; most words start no pattern at all.
#[derive(Debug, Default)]
pub struct TriggerIndex {
    /// Folded word → (rule, pattern) whose match may start with it, in (rule, pattern) order.
    exact: sitrep_text::hash::FastMap<String, Vec<(usize, usize)>>,
    /// Prefix tests ("rocket*"), checked against every word.
    prefixes: Vec<(String, (usize, usize))>,
}

impl TriggerIndex {
    pub fn new(rules: &[Rule]) -> TriggerIndex {
        let mut index = TriggerIndex::default();
        for (r, rule) in rules.iter().enumerate() {
            for (p, pattern) in rule.patterns.iter().enumerate() {
                for test in pattern.first_words() {
                    match test {
                        WordTest::Exact(w) => index.exact.entry(w.clone()).or_default().push((r, p)),
                        WordTest::Prefix(pre) => index.prefixes.push((pre.clone(), (r, p))),
                    }
                }
            }
        }
        for list in index.exact.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        index
    }

    /// (rule, pattern) pairs whose match may start at `word`, sorted, without repeats.
    pub fn starting_with(&self, word: &str, out: &mut Vec<(usize, usize)>) {
        out.clear();
        if let Some(list) = self.exact.get(word) {
            out.extend_from_slice(list);
        }
        let before = out.len();
        out.extend(self.prefixes.iter().filter(|(pre, _)| word.starts_with(pre.as_str())).map(|(_, rp)| *rp));
        if out.len() > before || before == 0 {
            out.sort_unstable();
            out.dedup();
        }
    }
}
