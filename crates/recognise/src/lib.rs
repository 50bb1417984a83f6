//! Recognisers: actors, places, times, quantities and weapons in article text, with byte offsets.
//!
//! Pure: no IO; input text can be anything and never causes a panic. Dictionaries come from
//! `sitrep-gazetteer`; the grammars for times, quantities and weapons live in this crate.

pub mod quantity;
pub mod time;
pub mod weapon;

use chrono::NaiveDate;
use sitrep_gazetteer::{EntryRef, Gazetteer, PlaceEntry};
use sitrep_model::{Mention, MentionKind, Span};
use sitrep_text::Folded;
use std::collections::HashMap;

pub use time::{dateline, Dateline};

/// Recognises every kind of mention in an article, using one gazetteer.
pub struct Recogniser<'g> {
    gazetteer: &'g Gazetteer,
}

/// What the recogniser is told about the article beyond its text.
#[derive(Debug, Clone, Default)]
pub struct Context<'a> {
    pub published: Option<NaiveDate>,
    /// The headline, recognised separately (its offsets are into the title, not the text).
    pub title: Option<&'a str>,
}

/// Spatial relations that make a place mention approximate ("near Kirkuk", "east of Baghdad").
const NEAR_WORDS: &[&str] = &[
    "near",
    "outside",
    "close to",
    "north of",
    "south of",
    "east of",
    "west of",
    "northeast of",
    "northwest of",
    "southeast of",
    "southwest of",
    "km from",
    "kilometres from",
    "kilometers from",
    "miles from",
    "outskirts of",
    "around",
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
];

impl<'g> Recogniser<'g> {
    pub fn new(gazetteer: &'g Gazetteer) -> Recogniser<'g> {
        Recogniser { gazetteer }
    }

    pub fn gazetteer(&self) -> &'g Gazetteer {
        self.gazetteer
    }

    /// All mentions in `text`, sorted by start offset. Only bytes inside `regions` are read
    /// (boilerplate outside them is ignored), but offsets are into the full `text`.
    pub fn recognise(&self, text: &str, regions: &[Span], ctx: &Context<'_>) -> Vec<Mention> {
        let folded: Vec<(Span, Folded)> =
            regions.iter().map(|r| (*r, Folded::new(text.get(r.start..r.end).unwrap_or_default()))).collect();
        self.recognise_folded(text, &folded, ctx)
    }

    /// [`Recogniser::recognise`] with each region folded already (`Folded::new` of its text).
    pub fn recognise_folded(&self, text: &str, regions: &[(Span, Folded)], ctx: &Context<'_>) -> Vec<Mention> {
        let mut out = Vec::new();
        let mut name_matches = Vec::new();
        for (region, folded) in regions {
            let Some(chunk) = text.get(region.start..region.end) else {
                continue;
            };
            let shift = |mut m: Mention| {
                m.span.start += region.start;
                m.span.end += region.start;
                m
            };
            out.extend(time::find_times(chunk, ctx.published).into_iter().map(shift));
            out.extend(quantity::find_quantities(chunk).into_iter().map(shift));
            out.extend(weapon::find_weapons(chunk).into_iter().map(shift));
            for mut nm in self.gazetteer.find_folded(chunk, folded) {
                nm.span.start += region.start;
                nm.span.end += region.start;
                name_matches.push(nm);
            }
        }
        let context = self.country_context(&name_matches, ctx.title);
        for nm in &name_matches {
            let place_candidates: Vec<u32> = nm
                .entries
                .iter()
                .filter_map(|e| match e {
                    EntryRef::Place(i) => Some(*i),
                    EntryRef::Actor(_) => None,
                })
                .collect();
            let mut actors: Vec<u32> = nm
                .entries
                .iter()
                .filter_map(|e| match e {
                    EntryRef::Actor(i) => Some(*i),
                    EntryRef::Place(_) => None,
                })
                .collect();
            let place = self
                .pick_place(&place_candidates, &context)
                .and_then(|i| self.gazetteer.places().get(i as usize).map(|p| (i, p)));
            let qualifier = place_qualifier(text, nm.span);
            // A name that is both a place and an actor ("Iran", "Washington", "Baghdad") is read
            // from its context: after "in", "near", "at"... it is where; a country otherwise acts
            // ("Iran denied"); a city acts only before a verb of saying or doing ("Washington blamed").
            let (use_place, use_actor) = match place {
                None => (false, true),
                Some((_, p)) => {
                    let adjective = p.kind == "country" && is_adjectival(text, nm.span);
                    let locative = !adjective
                        && (!qualifier.is_empty() || is_locative(text, nm.span) || is_dateline(text, nm.span));
                    let area = matches!(p.kind.as_str(), "country" | "admin1");
                    if locative {
                        (true, false)
                    } else if area {
                        if actors.is_empty() && p.kind == "country" {
                            // "US air strikes", "US troops": the state's forces; "US officials": the state.
                            let forces = adjective && is_military(text, nm.span);
                            let state = self.state_of(&p.country);
                            let actor = if forces { state.and_then(|s| self.forces_of(s)).or(state) } else { state };
                            actors.extend(actor);
                        }
                        (actors.is_empty(), true)
                    } else {
                        let acts = !actors.is_empty() && is_agentive(text, nm.span);
                        (!acts, acts)
                    }
                }
            };
            // "Iran-backed", "Iran-aligned": the patron of an actor, not an actor in the sentence.
            let patron = text.get(nm.span.end..).is_some_and(|after| {
                let a = after.to_ascii_lowercase();
                ["-backed", "-aligned", "-linked", "-allied", "-funded", "-sponsored", "-supported", "-affiliated"]
                    .iter()
                    .any(|suffix| a.starts_with(suffix))
            });
            if use_actor && !patron {
                for i in &actors {
                    out.push(Mention {
                        span: nm.span,
                        kind: MentionKind::Actor(self.gazetteer.actor_ref(*i)),
                        qualifier: String::new(),
                    });
                }
            }
            if let (true, Some((best, entry))) = (use_place, place) {
                let precision = geo_precision(entry, &qualifier);
                let qualifier = if is_dateline(text, nm.span) { "dateline".to_string() } else { qualifier };
                out.push(Mention {
                    span: nm.span,
                    kind: MentionKind::Place(self.gazetteer.place_ref(best, precision)),
                    qualifier,
                });
            }
        }
        out.sort_by_key(|m| (m.span.start, m.span.end));
        out
    }

    /// The state actor of a country (for "US air strike", "an Iranian drone").
    fn state_of(&self, iso2: &str) -> Option<u32> {
        self.gazetteer
            .actors()
            .iter()
            .position(|a| a.actor_type == sitrep_model::ActorType::State && a.country.as_deref() == Some(iso2))
            .map(|i| i as u32)
    }

    /// The armed forces of a state actor (an actor of type "State forces" whose parent it is).
    fn forces_of(&self, state: u32) -> Option<u32> {
        let actors = self.gazetteer.actors();
        let state_id = &actors.get(state as usize)?.id;
        actors
            .iter()
            .position(|a| {
                a.actor_type == sitrep_model::ActorType::StateForces && a.parents.iter().any(|p| p == state_id)
            })
            .map(|i| i as u32)
    }

    /// Countries the article is about, weighted by how often they (or places in them) are named.
    fn country_context(&self, matches: &[sitrep_gazetteer::NameMatch], title: Option<&str>) -> HashMap<String, f64> {
        let mut weights: HashMap<String, f64> = HashMap::new();
        for nm in matches {
            let places: Vec<&PlaceEntry> = nm
                .entries
                .iter()
                .filter_map(|e| match e {
                    EntryRef::Place(i) => self.gazetteer.places().get(*i as usize),
                    EntryRef::Actor(_) => None,
                })
                .collect();
            // Unambiguous mentions and country names count fully; ambiguous ones split their vote.
            let share = 1.0 / places.len().max(1) as f64;
            for p in places {
                let w = if p.kind == "country" { 2.0 } else { share };
                *weights.entry(p.country.clone()).or_default() += w;
            }
            for e in &nm.entries {
                if let EntryRef::Actor(i) = e {
                    if let Some(c) = self.gazetteer.actors().get(*i as usize).and_then(|a| a.country.clone()) {
                        *weights.entry(c).or_default() += 0.25;
                    }
                }
            }
        }
        if let Some(title) = title {
            for nm in self.gazetteer.find(title) {
                for e in &nm.entries {
                    if let EntryRef::Place(i) = e {
                        if let Some(p) = self.gazetteer.places().get(*i as usize) {
                            *weights.entry(p.country.clone()).or_default() += 0.5;
                        }
                    }
                }
            }
        }
        weights
    }

    /// The most plausible place among same-named candidates: curated sites first, then the
    /// article's countries, then population.
    fn pick_place(&self, candidates: &[u32], context: &HashMap<String, f64>) -> Option<u32> {
        let places = self.gazetteer.places();
        candidates.iter().copied().filter(|i| (*i as usize) < places.len()).max_by(|a, b| {
            let score = |i: u32| {
                let p = &places[i as usize];
                let curated = if p.id.starts_with("cur:") { 3.0 } else { 0.0 };
                let country = match p.kind.as_str() {
                    "country" => 2.5,
                    // A province shares its name with its capital city; the city is meant unless "province" follows.
                    "admin1" => -1.5,
                    _ => 0.0,
                };
                let ctx = context.get(&p.country).copied().unwrap_or(0.0).min(5.0);
                let pop = ((p.population as f64) + 1.0).log10() / 2.0;
                curated + country + ctx + pop
            };
            score(*a).total_cmp(&score(*b)).then(b.cmp(a))
        })
    }
}

fn word_before(text: &str, span: Span) -> String {
    let mut s = span.start.saturating_sub(30);
    while s > 0 && !text.is_char_boundary(s) {
        s -= 1;
    }
    let before = text.get(s..span.start).unwrap_or("");
    before
        .split_whitespace()
        .next_back()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_ascii_lowercase()
}

fn word_after(text: &str, span: Span) -> String {
    let mut e = (span.end + 30).min(text.len());
    while e < text.len() && !text.is_char_boundary(e) {
        e += 1;
    }
    let after = text.get(span.end..e).unwrap_or("");
    let after = after.strip_prefix("'s").or_else(|| after.strip_prefix("’s")).unwrap_or(after);
    after.split_whitespace().next().unwrap_or("").trim_matches(|c: char| !c.is_alphanumeric()).to_ascii_lowercase()
}

/// "in Iraq", "at Baghdad airport", "from Syria": the name says where.
fn is_locative(text: &str, span: Span) -> bool {
    const LOCATIVE: &[&str] = &[
        "in",
        "at",
        "near",
        "outside",
        "from",
        "to",
        "into",
        "across",
        "around",
        "inside",
        "within",
        "on",
        "toward",
        "towards",
        "over",
        "via",
        "between",
        "throughout",
        "through",
        "of",
        "northern",
        "southern",
        "eastern",
        "western",
        "northeastern",
        "northwestern",
        "southeastern",
        "southwestern",
        "central",
        "north",
        "south",
        "east",
        "west",
    ];
    LOCATIVE.contains(&word_before(text, span).as_str())
}

/// "US air strikes", "US officials", "Iraqi forces": a country name before a noun of force,
/// weapon or office names the state or its forces, not a location.
fn is_adjectival(text: &str, span: Span) -> bool {
    let next = word_after(text, span);
    MILITARY_NOUNS.contains(&next.as_str()) || STATE_NOUNS.contains(&next.as_str())
}

/// Whether the noun after a country name is a military one ("US air strikes", "US troops").
fn is_military(text: &str, span: Span) -> bool {
    MILITARY_NOUNS.contains(&word_after(text, span).as_str())
}

/// Nouns of force and weapons: a country name before them names its armed forces.
const MILITARY_NOUNS: &[&str] = &[
    "air",
    "airstrike",
    "airstrikes",
    "strike",
    "strikes",
    "drone",
    "drones",
    "forces",
    "force",
    "troops",
    "military",
    "soldiers",
    "soldier",
    "personnel",
    "service",
    "servicemen",
    "army",
    "navy",
    "warplanes",
    "jets",
    "aircraft",
    "raids",
    "raid",
    "missiles",
    "missile",
    "marines",
    "special",
    "convoy",
    "convoys",
    "commanders",
    "commander",
];

/// Nouns of office, interest and place-bound assets: a country name before them names the state.
const STATE_NOUNS: &[&str] = &[
    "officials",
    "official",
    "embassy",
    "government",
    "defense",
    "defence",
    "secretary",
    "president",
    "envoy",
    "ambassador",
    "diplomats",
    "diplomat",
    "contractor",
    "contractors",
    "citizen",
    "citizens",
    "authorities",
    "intelligence",
    "led",
    "backed",
    "base",
    "bases",
    "sanctions",
    "administration",
    "state",
    "ministry",
    "minister",
    "leader",
    "leaders",
    "interests",
    "targets",
    "positions",
    "facilities",
    "assets",
    "companies",
    "outpost",
    "garrison",
    "coalition",
];

/// "BAGHDAD (Levant Daily) -", "KIRKUK, Iraq -": the dateline names a place.
fn is_dateline(text: &str, span: Span) -> bool {
    let line_start = text.get(..span.start).and_then(|b| b.rfind('\n').map(|i| i + 1)).unwrap_or(0);
    let before = text.get(line_start..span.start).unwrap_or("x");
    let name = span.slice(text);
    // "BAGHDAD", "WASHINGTON/AMMAN", "BAGHDAD / TEHRAN": capitals only from the line's start.
    let capitals_only =
        |s: &str| s.chars().all(|c| c.is_uppercase() || matches!(c, ' ' | '/' | ',' | '-' | '.' | '\''));
    capitals_only(before) && name.chars().filter(|c| c.is_alphabetic()).all(|c| c.is_uppercase())
}

/// "Washington blamed", "Tehran denied": a capital standing for its government.
fn is_agentive(text: &str, span: Span) -> bool {
    const VERBS: &[&str] = &[
        "said",
        "says",
        "say",
        "blamed",
        "blames",
        "accused",
        "accuses",
        "denied",
        "denies",
        "has",
        "have",
        "had",
        "would",
        "will",
        "warned",
        "warns",
        "announced",
        "responded",
        "retaliated",
        "struck",
        "launched",
        "carried",
        "condemned",
        "called",
        "insisted",
        "rejected",
        "is",
        "was",
        "suspected",
        "vowed",
        "threatened",
        "claimed",
        "sent",
        "deployed",
        "ordered",
        "summoned",
        "demanded",
        "urged",
        "believes",
        "believed",
        "sees",
        "saw",
        "holds",
        "held",
        "wants",
    ];
    VERBS.contains(&word_after(text, span).as_str())
}

/// The spatial relation written just before a place ("near", "east of"), lowercased, or "".
fn place_qualifier(text: &str, span: Span) -> String {
    let start = span.start.saturating_sub(40);
    let mut s = start;
    while s > 0 && !text.is_char_boundary(s) {
        s -= 1;
    }
    let before = text.get(s..span.start).unwrap_or("").to_ascii_lowercase();
    let before = before.trim_end();
    let before = before.strip_suffix("the").map(str::trim_end).unwrap_or(before);
    NEAR_WORDS
        .iter()
        .filter(|w| {
            before.ends_with(*w)
                && before
                    .get(..before.len() - w.len())
                    .is_none_or(|b| b.is_empty() || b.ends_with(|c: char| !c.is_alphanumeric()))
        })
        .max_by_key(|w| w.len())
        .map(|w| w.to_string())
        .unwrap_or_default()
}

/// geo_precision: 1 the town or site itself, 2 near it or part of a region, 3 province or country.
fn geo_precision(place: &PlaceEntry, qualifier: &str) -> u8 {
    match place.kind.as_str() {
        "country" | "admin1" => 3,
        _ if !qualifier.is_empty() => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualifiers_are_read_before_the_place() {
        let t = "Rockets hit a base near Kirkuk and east Baghdad, north of Baghdad, in Baghdad.";
        let at = |word: &str, nth: usize| {
            let start = t.match_indices(word).nth(nth).unwrap().0;
            Span::new(start, start + word.len())
        };
        assert_eq!(place_qualifier(t, at("Kirkuk", 0)), "near");
        assert_eq!(place_qualifier(t, at("Baghdad", 0)), "east");
        assert_eq!(place_qualifier(t, at("Baghdad", 1)), "north of");
        assert_eq!(place_qualifier(t, at("Baghdad", 2)), "");
    }
}
