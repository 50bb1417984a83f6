//! The compiled name matcher: every dictionary name as a sequence of token ids in a trie.
//!
//! Names and text are cut into canonical tokens ([`crate::keys`]) and each token gets a numeric
//! id from the dictionary's vocabulary; a text word outside the vocabulary gets id 0, which no
//! name contains. Names are paths in a trie keyed by (node, token id), so matching is whole words
//! only by construction: from each word of the text the trie is walked as far as the words
//! allow, and every name ending on the way is a candidate. (A token trie builds in a few
//! milliseconds; an Aho-Corasick automaton over the same names took ten times longer to build
//! and gains nothing when the alphabet is whole words.)
//!
//! Conditions that depend on the original text (exact aliases, capitalised place names) are
//! checked on each candidate, and only then is the leftmost-longest, non-overlapping selection
//! made. A condition that fails therefore never hides a shorter name that holds.

use crate::keys::{canon_token, is_arabic, is_article, is_sun_article, name_tokens, skeleton, strip_arabic_clitic};
use crate::places::{kind_rank, PlaceEntry};
use crate::{EntryRef, GazetteerError, NameMatch};
use sitrep_text::Folded;
use std::borrow::Cow;
use std::collections::HashSet;

pub(crate) use sitrep_text::hash::{FastMap, FastSet};

/// No node: a terminal slot of a node where no name ends.
const NO_KEY: u32 = u32::MAX;

/// Fuzzy (skeleton) matching only applies to words at least this long...
const FUZZY_MIN_LEN: usize = 5;
/// ...with at least this many consonants, so short words never collide.
const FUZZY_MIN_CONSONANTS: usize = 3;

/// What must hold in the original text for a name to count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cond {
    Any,
    /// The original bytes equal this alias.
    Exact(Box<str>),
    /// The first word starts with a letter that is not lowercase (place names).
    Capital,
    /// No lowercase letter at all (short all-caps place aliases such as "US", "UAE").
    Upper,
}

/// What a name is indexed for.
pub(crate) enum Target {
    Entry(EntryRef, Cond),
    /// A name that is not ours ("Al Jazeera", "Washington Post"): when it is the longest match it
    /// hides the shorter names inside it and reports nothing.
    Block,
}

#[derive(Debug, Default)]
struct KeyInfo {
    entries: Vec<(EntryRef, Cond)>,
    /// Every place under this key, best candidate first.
    places: Vec<u32>,
    block: bool,
}

pub(crate) struct Index {
    vocab: FastMap<String, u32>,
    /// Skeleton → token id shared by every actor-name spelling with that skeleton.
    classes: FastMap<String, u32>,
    /// Words never matched through a spelling class: single-word stop-list entries and the
    /// words of exact aliases (declared exact because they are ordinary words: "Turkey").
    no_fuzzy: FastSet<String>,
    keys: Vec<KeyInfo>,
    /// Trie edges: (node, token id) → child node. Node 0 is the root.
    children: FastMap<(u32, u32), u32>,
    /// For each node, the key (name) that ends there, or `NO_KEY`.
    terminal: Vec<u32>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index").field("names", &self.keys.len()).field("words", &self.vocab.len()).finish()
    }
}

pub(crate) struct Builder {
    index: Index,
    stop: FastSet<String>,
    next_token: u32,
}

fn fuzzy_candidate(token: &str) -> Option<String> {
    if token.len() < FUZZY_MIN_LEN {
        return None;
    }
    match skeleton(token) {
        Some((s, n)) if n >= FUZZY_MIN_CONSONANTS => Some(s),
        _ => None,
    }
}

impl Builder {
    /// A builder whose place names never include the stop-listed names (one per line).
    pub(crate) fn new(stoplist: &str) -> Builder {
        let mut stop = FastSet::default();
        let mut no_fuzzy = FastSet::default();
        for line in stoplist.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            let tokens = name_tokens(line);
            if tokens.is_empty() {
                continue;
            }
            if tokens.len() == 1 {
                no_fuzzy.insert(tokens[0].clone());
            }
            stop.insert(tokens.join(" "));
        }
        Builder {
            index: Index {
                vocab: FastMap::default(),
                classes: FastMap::default(),
                no_fuzzy,
                keys: Vec::new(),
                children: FastMap::default(),
                terminal: vec![NO_KEY],
            },
            stop,
            next_token: 1,
        }
    }

    fn token_id(&mut self, token: &str, fuzzy: bool) -> Result<u32, GazetteerError> {
        if let Some(&id) = self.index.vocab.get(token) {
            return Ok(id);
        }
        let class = if fuzzy && !self.index.no_fuzzy.contains(token) { fuzzy_candidate(token) } else { None };
        let id = match class.as_ref().and_then(|c| self.index.classes.get(c)) {
            Some(&id) => id,
            None => {
                let id = self.next_token;
                self.next_token =
                    id.checked_add(1).ok_or_else(|| GazetteerError::Matcher("too many distinct words".to_string()))?;
                if let Some(c) = class {
                    self.index.classes.insert(c, id);
                }
                id
            }
        };
        self.index.vocab.insert(token.to_string(), id);
        Ok(id)
    }

    /// Keeps the words of `name` out of spelling classes. Called for exact aliases before any
    /// actor name is added.
    pub(crate) fn forbid_fuzzy(&mut self, name: &str) {
        for t in name_tokens(name) {
            self.index.no_fuzzy.insert(t);
        }
    }

    /// Whether `tokens` already name an actor.
    fn names_an_actor(&self, tokens: &[String]) -> bool {
        let mut node = 0u32;
        for t in tokens {
            match self.index.vocab.get(t.as_str()).and_then(|&id| self.index.children.get(&(node, id))) {
                Some(&child) => node = child,
                None => return false,
            }
        }
        let key = self.index.terminal.get(node as usize).copied().unwrap_or(NO_KEY);
        self.index
            .keys
            .get(key as usize)
            .is_some_and(|k| k.entries.iter().any(|(e, _)| matches!(e, EntryRef::Actor(_))))
    }

    /// Indexes `name` for `target`. Returns false when the name folds to nothing or, for a
    /// place, is stop-listed. A town's alternate name (`alternate`) that is already an actor's
    /// name is skipped too: GeoNames lists "Hamas" for Hamm and "White House" for Casablanca.
    pub(crate) fn add(&mut self, name: &str, target: Target, alternate: bool) -> Result<bool, GazetteerError> {
        let tokens = name_tokens(name);
        if tokens.is_empty() {
            return Ok(false);
        }
        let is_place = matches!(target, Target::Entry(EntryRef::Place(_), _));
        if is_place && (self.stop.contains(&tokens.join(" ")) || (alternate && self.names_an_actor(&tokens))) {
            return Ok(false);
        }
        // Only actor names define spelling classes: place names are many and already list
        // their spellings.
        let fuzzy = matches!(target, Target::Entry(EntryRef::Actor(_), Cond::Any));
        let mut node = 0u32;
        for t in &tokens {
            let id = self.token_id(t, fuzzy)?;
            let next_node = self.index.terminal.len() as u32;
            node = *self.index.children.entry((node, id)).or_insert(next_node);
            if node == next_node {
                self.index.terminal.push(NO_KEY);
            }
        }
        let slot = &mut self.index.terminal[node as usize];
        if *slot == NO_KEY {
            *slot = self.index.keys.len() as u32;
            self.index.keys.push(KeyInfo::default());
        }
        let info = &mut self.index.keys[*slot as usize];
        match target {
            Target::Block => info.block = true,
            Target::Entry(e, cond) => {
                if !info.entries.iter().any(|(x, c)| *x == e && *c == cond) {
                    info.entries.push((e, cond));
                }
            }
        }
        Ok(true)
    }

    /// Orders each name's entries: actors, then places best first.
    pub(crate) fn finish(mut self, places: &[PlaceEntry]) -> Result<Index, GazetteerError> {
        let rank = |e: &EntryRef| match e {
            EntryRef::Actor(i) => (0, 0, 0, *i),
            EntryRef::Place(i) => match places.get(*i as usize) {
                Some(p) => (1, kind_rank(p), u64::MAX - p.population, *i),
                None => (2, 0, 0, *i),
            },
        };
        for info in &mut self.index.keys {
            info.entries.sort_by_key(|(e, _)| rank(e));
            let mut seen = HashSet::new();
            info.places = info
                .entries
                .iter()
                .filter_map(|(e, _)| match e {
                    EntryRef::Place(i) if seen.insert(*i) => Some(*i),
                    _ => None,
                })
                .collect();
        }
        Ok(self.index)
    }
}

/// One word of the text after canonicalisation.
struct TextToken {
    id: u32,
    /// A spelling class the word also belongs to (0 if none). Taking it only counts inside a
    /// name of two words or more: "Sulaimani" alone is the city, not "Soleimani".
    alt: u32,
    /// Folded byte range of the word.
    fstart: usize,
    fend: usize,
    /// Folded start of an article right before the word that belongs to the name ("al-").
    article: Option<usize>,
    /// Letters joined from a dotted initialism ("U.S."): the name's span takes the final dot.
    initialism: bool,
}

struct Candidate {
    start: usize,
    end: usize,
    key: usize,
    entries: Vec<EntryRef>,
    span: sitrep_model::Span,
    fstart: usize,
    fend: usize,
}

/// Up to three letters, all capitals ("HIV", "IPO"), and nothing else but dots.
fn is_short_acronym(s: &str) -> bool {
    let letters = s.chars().filter(|c| c.is_alphabetic()).count();
    (1..=3).contains(&letters) && s.chars().all(|c| c.is_uppercase() || c == '.')
}

impl Index {
    /// The places indexed under exactly this name, best candidate first.
    pub(crate) fn places_named(&self, name: &str) -> &[u32] {
        let mut node = 0u32;
        for t in name_tokens(name) {
            match self.vocab.get(t.as_str()).and_then(|&id| self.children.get(&(node, id))) {
                Some(&child) => node = child,
                None => return &[],
            }
        }
        match self.terminal.get(node as usize) {
            Some(&k) if node != 0 && k != NO_KEY => {
                self.keys.get(k as usize).map(|i| i.places.as_slice()).unwrap_or(&[])
            }
            _ => &[],
        }
    }

    /// The ids of a text word: its own (or, for a capitalised unknown word, its spelling
    /// class's; else 0) and a spelling class it also belongs to (capitalised words only; else 0).
    fn text_token_ids(&self, token: &str, capitalised: bool) -> (u32, u32) {
        let canon = canon_token(token);
        let exact = self.vocab.get(canon.as_ref()).copied();
        if exact.is_none() && token.chars().next().is_some_and(is_arabic) {
            return (strip_arabic_clitic(token).and_then(|t| self.vocab.get(&t).copied()).unwrap_or(0), 0);
        }
        let class = if capitalised && !self.no_fuzzy.contains(canon.as_ref()) {
            fuzzy_candidate(&canon).and_then(|s| self.classes.get(&s)).copied()
        } else {
            None
        };
        match (exact, class) {
            (Some(id), Some(c)) if c != id => (id, c),
            (Some(id), _) => (id, 0),
            (None, Some(c)) => (c, 0),
            (None, None) => (0, 0),
        }
    }

    pub(crate) fn find(&self, text: &str, folded: &Folded) -> Vec<NameMatch> {
        let ft = folded.text.as_str();
        let original_between = |a_end: usize, b_start: usize| -> &str {
            let a = folded.to_original(a_end, a_end).start;
            let b = folded.to_original(b_start, b_start).start;
            text.get(a..b).unwrap_or("")
        };

        // Words of the folded text as (start, end, text, made of single letters), with
        // initialisms written with dots ("U.S.") joined into one word as names are.
        // Words borrow the folded text; only a joined initialism owns its letters.
        let mut words: Vec<(usize, usize, Cow<'_, str>, bool)> = Vec::with_capacity(ft.len() / 5);
        let mut offset = 0;
        for w in ft.split(' ') {
            let (s, e) = (offset, offset + w.len());
            offset = e + 1;
            if w.is_empty() {
                continue;
            }
            let letter = w.len() == 1 && w.as_bytes()[0].is_ascii_alphabetic();
            if letter {
                if let Some(last) = words.last_mut() {
                    if last.3 && original_between(last.1, s) == "." {
                        last.1 = e;
                        last.2.to_mut().push_str(w);
                        continue;
                    }
                }
            }
            words.push((s, e, Cow::Borrowed(w), letter));
        }

        let mut tokens: Vec<TextToken> = Vec::with_capacity(words.len());
        let mut pending_article: Option<(usize, usize, bool)> = None;
        for (i, (s, e, w, letters)) in words.iter().enumerate() {
            let next = words.get(i + 1).map(|n| n.2.as_ref()).unwrap_or("");
            if is_article(w) || is_sun_article(w, next) {
                // "al"/"el" always belong to the name; an assimilated article does when it is
                // capitalised ("Ar Raqqah") unless it may be English ("At", "As", "An"), or when
                // it is hyphenated to the name ("at-Tanf").
                let capital = text
                    .get(folded.to_original(*s, *e).start..)
                    .and_then(|t| t.chars().next())
                    .is_some_and(char::is_uppercase);
                let strong = is_article(w) || (capital && !matches!(w.as_ref(), "at" | "as" | "an"));
                pending_article = Some((*s, *e, strong));
                continue;
            }
            let ostart = folded.to_original(*s, *e).start;
            let capitalised = text.get(ostart..).and_then(|t| t.chars().next()).is_some_and(|c| !c.is_lowercase());
            let article = pending_article
                .take()
                .and_then(|(as_, ae, always)| (always || original_between(ae, *s) == "-").then_some(as_));
            let (id, alt) = self.text_token_ids(w, capitalised);
            tokens.push(TextToken { id, alt, fstart: *s, fend: *e, article, initialism: *letters && w.len() > 1 });
        }

        // Every name that starts at every word. A word with a spelling class branches the walk.
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        let mut stack: Vec<(u32, usize, bool)> = Vec::new();
        for start in 0..tokens.len() {
            stack.clear();
            stack.push((0, start, false));
            while let Some((node, pos, used_alt)) = stack.pop() {
                let Some(t) = tokens.get(pos) else { continue };
                for (id, is_alt) in [(t.id, false), (t.alt, true)] {
                    if id == 0 {
                        continue;
                    }
                    let Some(&child) = self.children.get(&(node, id)) else {
                        continue;
                    };
                    let used = used_alt || is_alt;
                    if let Some(&k) = self.terminal.get(child as usize) {
                        if k != NO_KEY && (!used || pos + 1 - start >= 2) {
                            found.push((start, pos + 1, k as usize));
                        }
                    }
                    stack.push((child, pos + 1, used));
                }
            }
        }
        found.sort_unstable();
        found.dedup();

        let mut candidates: Vec<Candidate> = Vec::new();
        for (start, end, key) in found {
            let (Some(first), Some(last)) = (tokens.get(start), tokens.get(end - 1)) else {
                continue;
            };
            let Some(info) = self.keys.get(key) else {
                continue;
            };
            let core = folded.to_original(first.fstart, last.fend);
            let core_text = core.slice(text);
            let entries: Vec<EntryRef> = info
                .entries
                .iter()
                .filter(|(_, cond)| match cond {
                    Cond::Any => true,
                    // "U.N." is found as "U.N": the final dot is punctuation to the folder.
                    Cond::Exact(alias) => {
                        core_text == alias.as_ref() || core_text.trim_end_matches('.') == alias.trim_end_matches('.')
                    }
                    // A short all-capital word is an acronym ("HIV", "EFE"), not a town's name.
                    Cond::Capital => {
                        core_text.chars().next().is_some_and(|c| !c.is_lowercase()) && !is_short_acronym(core_text)
                    }
                    Cond::Upper => !core_text.chars().any(char::is_lowercase),
                })
                .map(|(e, _)| *e)
                .fold(Vec::new(), |mut v, e| {
                    if !v.contains(&e) {
                        v.push(e);
                    }
                    v
                });
            if entries.is_empty() && !info.block {
                continue;
            }
            let fstart = first.article.unwrap_or(first.fstart);
            let mut span = folded.to_original(fstart, last.fend);
            if last.initialism && text.get(span.end..).is_some_and(|rest| rest.starts_with('.')) {
                span.end += 1;
            }
            candidates.push(Candidate { start, end, key, entries, span, fstart, fend: last.fend });
        }

        candidates.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)).then(a.key.cmp(&b.key)));
        let mut out = Vec::new();
        let mut next_free = 0;
        for c in candidates {
            if c.start < next_free {
                continue;
            }
            next_free = c.end;
            if self.keys.get(c.key).is_some_and(|k| k.block) {
                continue;
            }
            out.push(NameMatch {
                span: c.span,
                folded: ft.get(c.fstart..c.fend).unwrap_or("").to_string(),
                entries: c.entries,
            });
        }
        out
    }

    /// Number of distinct names (keys) and words in the index, for diagnostics.
    pub(crate) fn stats(&self) -> (usize, usize) {
        (self.keys.len(), self.vocab.len())
    }
}
