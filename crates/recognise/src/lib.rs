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
        let mut out = Vec::new();
        let mut name_matches = Vec::new();
        for region in regions {
            let Some(chunk) = text.get(region.start..region.end) else {
                continue;
            };
            let shift = |mut m: Mention| {
                m.span.start += region.start;
                m.span.end += region.start;
                m
            };
            out.extend(
                time::find_times(chunk, ctx.published)
                    .into_iter()
                    .map(shift),
            );
            out.extend(quantity::find_quantities(chunk).into_iter().map(shift));
            out.extend(weapon::find_weapons(chunk).into_iter().map(shift));
            for mut nm in self.gazetteer.find(chunk) {
                nm.span.start += region.start;
                nm.span.end += region.start;
                name_matches.push(nm);
            }
        }
        let context = self.country_context(text, &name_matches, ctx.title);
        for nm in &name_matches {
            let place_candidates: Vec<u32> = nm
                .entries
                .iter()
                .filter_map(|e| match e {
                    EntryRef::Place(i) => Some(*i),
                    EntryRef::Actor(_) => None,
                })
                .collect();
            for e in &nm.entries {
                if let EntryRef::Actor(i) = e {
                    out.push(Mention {
                        span: nm.span,
                        kind: MentionKind::Actor(self.gazetteer.actor_ref(*i)),
                        qualifier: String::new(),
                    });
                }
            }
            if let Some(best) = self.pick_place(&place_candidates, &context) {
                let qualifier = place_qualifier(text, nm.span);
                let entry = &self.gazetteer.places()[best as usize];
                let precision = geo_precision(entry, &qualifier);
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

    /// Countries the article is about, weighted by how often they (or places in them) are named.
    fn country_context(
        &self,
        text: &str,
        matches: &[sitrep_gazetteer::NameMatch],
        title: Option<&str>,
    ) -> HashMap<String, f64> {
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
                    if let Some(c) = self
                        .gazetteer
                        .actors()
                        .get(*i as usize)
                        .and_then(|a| a.country.clone())
                    {
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
        let _ = text;
        weights
    }

    /// The most plausible place among same-named candidates: curated sites first, then the
    /// article's countries, then population.
    fn pick_place(&self, candidates: &[u32], context: &HashMap<String, f64>) -> Option<u32> {
        let places = self.gazetteer.places();
        candidates
            .iter()
            .copied()
            .filter(|i| (*i as usize) < places.len())
            .max_by(|a, b| {
                let score = |i: u32| {
                    let p = &places[i as usize];
                    let curated = if p.id.starts_with("cur:") { 3.0 } else { 0.0 };
                    let country = if p.kind == "country" { 2.5 } else { 0.0 };
                    let ctx = context.get(&p.country).copied().unwrap_or(0.0).min(5.0);
                    let pop = ((p.population as f64) + 1.0).log10() / 2.0;
                    curated + country + ctx + pop
                };
                score(*a).total_cmp(&score(*b)).then(b.cmp(a))
            })
    }
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
    let before = before
        .strip_suffix("the")
        .map(str::trim_end)
        .unwrap_or(before);
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
