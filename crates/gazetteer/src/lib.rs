//! Dictionaries of actors and places, compiled into one matcher that finds their names in text.
//!
//! The data live in the repository's `data/` folder and are embedded in the binary: countries,
//! provinces and populated places from GeoNames (`data/places/*.tsv`, built by
//! `scripts/build_gazetteer.py`), curated sites that GeoNames lacks (`data/places/curated.tsv`),
//! the actor dictionary (`data/actors.toml`), a stop-list of names that are never places and a
//! block-list of names that are not ours ("Al Jazeera"). Users extend the dictionaries with
//! [`Gazetteer::load_extra_actors`] and [`Gazetteer::load_extra_places`], which take file
//! contents: this crate does no IO.
//!
//! Matching ([`Gazetteer::find`]) is insensitive to case, accents, apostrophes and hamza/ayn
//! marks, hyphens, the Arabic article ("al-"/"el-", "ash-"), dotted initialisms and common
//! transliteration variants of actor names ("Hizballah" = "Hezbollah", "Qasem" = "Qassem"); the
//! `keys` module has the exact rules. Spans always point into the original text.
//!
//! Architecture invariants: no IO; no panics on any input text or data file (bad data is a
//! [`GazetteerError`]); the built-in dictionaries are parsed once per process (about 0.1 s in a
//! release build); every actor example and curated place example in the data runs as a test.

mod actors;
mod error;
pub mod import;
mod index;
mod keys;
mod places;

pub use actors::{ActorEntry, ActorExample};
pub use error::GazetteerError;
pub use places::{PlaceEntry, CURATED_KINDS};

use index::{Builder, Cond, Index, Target};
use places::PlaceRecord;
use sitrep_model::{ActorRef, ActorType, PlaceRef, Span};
use std::collections::HashMap;
use std::sync::OnceLock;

/// An entry a name refers to: an index into [`Gazetteer::actors`] or [`Gazetteer::places`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntryRef {
    Actor(u32),
    Place(u32),
}

/// One dictionary name found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct NameMatch {
    /// Where the name is in the original text (an "al-" before it included).
    pub span: Span,
    /// The folded text of the name as written.
    pub folded: String,
    /// Everything the name may refer to: actors first, then places, best candidate first.
    /// One name can be both ("Iran": the state and the country).
    pub entries: Vec<EntryRef>,
}

/// The contents of every dictionary file, as text.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sources<'a> {
    /// `countries.tsv`: iso2, name, aliases, lat, lon, population, capital.
    pub countries: &'a str,
    /// `admin1.tsv`: id, name, country, lat, lon, population, aliases.
    pub admin1: &'a str,
    /// `geonames.tsv`: geonameid, name, country, admin1, lat, lon, population, alternates.
    pub geonames: &'a str,
    /// `curated.tsv`: id, name, aliases, kind, country, admin1, lat, lon, parent, example.
    pub curated: &'a str,
    /// `actors.toml`.
    pub actors: &'a str,
    /// `stoplist.txt`: names that are never places, one per line.
    pub stoplist: &'a str,
    /// `blocklist.txt`: names that hide the dictionary names inside them, one per line.
    pub blocklist: &'a str,
}

impl Sources<'static> {
    /// The files under the repository's `data/` folder, embedded at compile time.
    pub fn builtin() -> Sources<'static> {
        Sources {
            countries: include_str!("../../../data/places/countries.tsv"),
            admin1: include_str!("../../../data/places/admin1.tsv"),
            geonames: include_str!("../../../data/places/geonames.tsv"),
            curated: include_str!("../../../data/places/curated.tsv"),
            actors: include_str!("../../../data/actors.toml"),
            stoplist: include_str!("../../../data/places/stoplist.txt"),
            blocklist: include_str!("../../../data/blocklist.txt"),
        }
    }
}

/// Actors and places with a compiled matcher for their names.
#[derive(Debug)]
pub struct Gazetteer {
    actors: Vec<ActorEntry>,
    places: Vec<PlaceEntry>,
    /// Names of each place (parallel to `places`), kept to rebuild the index.
    place_names: Vec<Vec<String>>,
    place_examples: Vec<Option<String>>,
    actor_ids: HashMap<String, u32>,
    place_ids: HashMap<String, u32>,
    stoplist: String,
    blocklist: String,
    index: Index,
}

static BUILTIN: OnceLock<Result<Gazetteer, GazetteerError>> = OnceLock::new();

impl Gazetteer {
    /// The built-in dictionaries, parsed once (on first use) and shared.
    pub fn builtin() -> Result<&'static Gazetteer, GazetteerError> {
        BUILTIN.get_or_init(|| Gazetteer::from_sources(&Sources::builtin())).as_ref().map_err(Clone::clone)
    }

    /// Parses and compiles dictionaries given as file contents.
    pub fn from_sources(sources: &Sources<'_>) -> Result<Gazetteer, GazetteerError> {
        let actors = actors::parse_actors("actors.toml", sources.actors)?;
        let mut records = places::parse_countries("countries.tsv", sources.countries)?;
        records.extend(places::parse_admin1("admin1.tsv", sources.admin1)?);
        records.extend(places::parse_curated("curated.tsv", sources.curated)?);
        records.extend(places::parse_geonames("geonames.tsv", sources.geonames)?);
        Gazetteer::assemble(actors, records, sources.stoplist.to_string(), sources.blocklist.to_string())
    }

    /// Adds actors from the contents of a TOML file in the format of `data/actors.toml`. Ids
    /// must be new; parents may be built-in actors. On error the gazetteer is unchanged.
    pub fn load_extra_actors(&mut self, content: &str) -> Result<(), GazetteerError> {
        let extra = actors::parse_actors("extra actors", content)?;
        let mut all = self.actors.clone();
        all.extend(extra);
        let rebuilt = Gazetteer::assemble(all, self.records(), self.stoplist.clone(), self.blocklist.clone())?;
        *self = rebuilt;
        Ok(())
    }

    /// Adds places from the contents of a TSV file in the format of `data/places/curated.tsv`.
    /// On error the gazetteer is unchanged.
    pub fn load_extra_places(&mut self, content: &str) -> Result<(), GazetteerError> {
        let extra = places::parse_curated("extra places", content)?;
        let mut records = self.records();
        records.extend(extra);
        let rebuilt = Gazetteer::assemble(self.actors.clone(), records, self.stoplist.clone(), self.blocklist.clone())?;
        *self = rebuilt;
        Ok(())
    }

    /// Adds places from the contents of a file in the format of `data/places/geonames.tsv` (as
    /// written by `sitrep gazetteer import`). Places whose GeoNames id is already known are
    /// skipped; returns how many were added. On error the gazetteer is unchanged.
    pub fn load_extra_geonames(&mut self, content: &str) -> Result<usize, GazetteerError> {
        let known: std::collections::HashSet<&str> = self.places.iter().map(|p| p.id.as_str()).collect();
        let extra: Vec<PlaceRecord> = places::parse_geonames("extra places", content)?
            .into_iter()
            .filter(|r| !known.contains(r.entry.id.as_str()))
            .collect();
        let added = extra.len();
        if added == 0 {
            return Ok(0);
        }
        let mut records = self.records();
        records.extend(extra);
        let rebuilt = Gazetteer::assemble(self.actors.clone(), records, self.stoplist.clone(), self.blocklist.clone())?;
        *self = rebuilt;
        Ok(added)
    }

    fn records(&self) -> Vec<PlaceRecord> {
        self.places
            .iter()
            .zip(&self.place_names)
            .zip(&self.place_examples)
            .map(|((entry, names), example)| PlaceRecord {
                entry: entry.clone(),
                names: names.clone(),
                example: example.clone(),
            })
            .collect()
    }

    fn assemble(
        actors: Vec<ActorEntry>,
        records: Vec<PlaceRecord>,
        stoplist: String,
        blocklist: String,
    ) -> Result<Gazetteer, GazetteerError> {
        let mut actor_ids = HashMap::with_capacity(actors.len());
        for (i, a) in actors.iter().enumerate() {
            if actor_ids.insert(a.id.clone(), i as u32).is_some() {
                return Err(GazetteerError::entry("actors", &a.id, "duplicate id"));
            }
        }
        for a in &actors {
            for p in &a.parents {
                if !actor_ids.contains_key(p) {
                    return Err(GazetteerError::entry("actors", &a.id, format!("unknown parent `{p}`")));
                }
            }
        }
        let mut place_ids = HashMap::with_capacity(records.len());
        for (i, r) in records.iter().enumerate() {
            if place_ids.insert(r.entry.id.clone(), i as u32).is_some() {
                return Err(GazetteerError::entry("places", &r.entry.id, "duplicate id"));
            }
        }

        let mut builder = Builder::new(&stoplist);
        // Spelling classes are for the words of proper names ("Hizballah", "Qasem"). Ordinary
        // words are kept out: those of exact aliases ("Turkey"), of generic actors ("rioters",
        // which "Reuters" would otherwise resemble) and any word an alias writes in lowercase
        // ("forces", "troops").
        for a in &actors {
            for name in &a.exact_aliases {
                builder.forbid_fuzzy(name);
            }
            for name in std::iter::once(&a.name).chain(&a.aliases) {
                if a.generic {
                    builder.forbid_fuzzy(name);
                    continue;
                }
                for word in name.split(|c: char| !(c.is_alphanumeric() || keys::is_apostrophe_like(c))) {
                    if word.chars().next().is_some_and(char::is_lowercase) {
                        builder.forbid_fuzzy(word);
                    }
                }
            }
        }
        // Actor names go first: they define the spelling classes that text words are matched by.
        for (i, a) in actors.iter().enumerate() {
            let e = EntryRef::Actor(i as u32);
            // A name listed among the exact aliases ("Turkey") is matched exactly only.
            let folded_name = (!a.exact_aliases.contains(&a.name)).then_some(&a.name);
            for name in folded_name.into_iter().chain(&a.aliases) {
                if !builder.add(name, Target::Entry(e, Cond::Any), false)? {
                    return Err(GazetteerError::entry(
                        "actors",
                        &a.id,
                        format!("name {name:?} has no letters or digits to match"),
                    ));
                }
            }
            for name in &a.exact_aliases {
                if !builder.add(name, Target::Entry(e, Cond::Exact(name.as_str().into())), false)? {
                    return Err(GazetteerError::entry(
                        "actors",
                        &a.id,
                        format!("exact alias {name:?} has no letters or digits to match"),
                    ));
                }
            }
        }
        for line in blocklist.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if !line.is_empty() {
                builder.add(line, Target::Block, false)?;
            }
        }
        for (i, r) in records.iter().enumerate() {
            let e = EntryRef::Place(i as u32);
            let town = r.entry.kind == "city";
            for (n, name) in r.names.iter().enumerate() {
                builder.add(name, Target::Entry(e, place_cond(name)), town && n > 0)?;
            }
        }

        let mut places = Vec::with_capacity(records.len());
        let mut place_names = Vec::with_capacity(records.len());
        let mut place_examples = Vec::with_capacity(records.len());
        for r in records {
            places.push(r.entry);
            place_names.push(r.names);
            place_examples.push(r.example);
        }
        let index = builder.finish(&places)?;
        Ok(Gazetteer { actors, places, place_names, place_examples, actor_ids, place_ids, stoplist, blocklist, index })
    }

    /// All dictionary names in `text` (a sentence or a whole article): leftmost-longest,
    /// non-overlapping, whole words only, with spans into `text`.
    ///
    /// Exact aliases match only where the original bytes equal the alias. Place names match
    /// only where the original starts with a letter that is not lowercase (so "mosul" in
    /// lowercase prose is no place), and stop-listed names are never places.
    pub fn find(&self, text: &str) -> Vec<NameMatch> {
        self.index.find(text, &sitrep_text::Folded::new(text))
    }

    /// [`Gazetteer::find`] with `text` folded already: `folded` must be `Folded::new(text)` (the
    /// analysis folds each region once, for this and for the extractor's triggers).
    pub fn find_folded(&self, text: &str, folded: &sitrep_text::Folded) -> Vec<NameMatch> {
        self.index.find(text, folded)
    }

    pub fn actors(&self) -> &[ActorEntry] {
        &self.actors
    }

    pub fn places(&self) -> &[PlaceEntry] {
        &self.places
    }

    pub fn actor(&self, id: &str) -> Option<&ActorEntry> {
        self.actor_ids.get(id).and_then(|&i| self.actors.get(i as usize))
    }

    /// The index of an actor id, for comparing with [`EntryRef::Actor`].
    pub fn actor_index(&self, id: &str) -> Option<u32> {
        self.actor_ids.get(id).copied()
    }

    pub fn place_by_id(&self, id: &str) -> Option<&PlaceEntry> {
        self.place_index(id).and_then(|i| self.places.get(i as usize))
    }

    /// The index of a place id, for comparing with [`EntryRef::Place`].
    pub fn place_index(&self, id: &str) -> Option<u32> {
        self.place_ids.get(id).copied()
    }

    /// The country with this ISO 3166-1 alpha-2 code (any case).
    pub fn country(&self, iso2: &str) -> Option<&PlaceEntry> {
        self.place_by_id(&format!("cc:{}", iso2.trim().to_ascii_uppercase()))
    }

    /// Candidate places for a name (folded or not), best first; empty when none.
    pub fn places_named(&self, folded_name: &str) -> &[u32] {
        self.index.places_named(folded_name)
    }

    /// Every curated place's example sentence (a sentence in which it must be found).
    pub fn place_examples(&self) -> impl Iterator<Item = (u32, &str)> + '_ {
        self.place_examples.iter().enumerate().filter_map(|(i, e)| e.as_deref().map(|e| (i as u32, e)))
    }

    /// The reference an actor mention carries. An index out of range gives an empty
    /// reference (empty id and name) rather than a panic.
    pub fn actor_ref(&self, idx: u32) -> ActorRef {
        match self.actors.get(idx as usize) {
            Some(a) => ActorRef {
                id: a.id.clone(),
                name: a.name.clone(),
                actor_type: a.actor_type,
                country: a.country.clone(),
                parents: a.parents.clone(),
                generic: a.generic,
            },
            None => ActorRef {
                id: String::new(),
                name: String::new(),
                actor_type: ActorType::Organisation,
                country: None,
                parents: Vec::new(),
                generic: true,
            },
        }
    }

    /// The reference a place mention carries, with the precision the mention locates it at
    /// (1 the site itself, 2 near it, 3 province or country). An index out of range gives an
    /// empty reference rather than a panic.
    pub fn place_ref(&self, idx: u32, geo_precision: u8) -> PlaceRef {
        match self.places.get(idx as usize) {
            Some(p) => PlaceRef {
                id: p.id.clone(),
                name: p.name.clone(),
                country: p.country.clone(),
                admin1: p.admin1.clone(),
                lat: p.lat,
                lon: p.lon,
                geo_precision,
                kind: p.kind.clone(),
            },
            None => PlaceRef {
                id: String::new(),
                name: String::new(),
                country: String::new(),
                admin1: None,
                lat: 0.0,
                lon: 0.0,
                geo_precision,
                kind: String::new(),
            },
        }
    }

    /// Numbers of distinct indexed names and words, for diagnostics.
    pub fn index_size(&self) -> (usize, usize) {
        self.index.stats()
    }
}

/// Short all-capital aliases ("US", "UAE", "U.S.") must be all capitals in the text too; other
/// place names must start with a capital.
fn place_cond(name: &str) -> Cond {
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    if (2..=5).contains(&letters.len()) && letters.iter().all(|c| c.is_uppercase()) {
        Cond::Upper
    } else {
        Cond::Capital
    }
}
