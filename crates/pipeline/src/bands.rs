//! The band keys of the publication periods an ingest run checks often, held in memory so that
//! most checks for near-duplicate copies need no query.
//!
//! A check looks an article's 96 band keys up (32 bands in its own period and the one either
//! side); almost every article is new, so almost every lookup finds nothing, and it cost a query
//! of 96 index probes per article (7% of ingest at 100,000 articles). Once a period has been
//! checked [`LOAD_AFTER`] times, its keys are read from the ledger once (what the ledger holds
//! then, plus the keys of the batches not written yet) and kept; from then on only the keys
//! found in memory go to the ledger, for the candidates' signatures. Every article the run admits
//! adds its keys, so the set stays what the ledger and the unwritten batches hold together.
//!
//! Bounded: at most [`MAX_LOADED`] periods are held (the least recently checked goes first), and
//! a period with more than [`MAX_KEYS`] keys (a year of undated articles, all in period 0) is
//! never held. A period dropped is read again only after twice as many checks as before, so input
//! in no date order cannot make the run read the same periods over and over.
//!
//! What it cannot see: articles that another process writes to the same ledger while this run
//! holds their period. Such a copy is stored as a new article instead of a sighting; a copy with
//! the same content id is still caught by the exact check. Queue workers, which share a ledger by
//! design, do not use it (see `ingest_batch`).

use crate::Pending;
use sitrep_store::{Store, StoreError};
use sitrep_text::hash::{FastMap, FastSet};

/// Checks of a period before its keys are read into memory (doubled each time it is dropped).
const LOAD_AFTER: u32 = 64;
/// Periods held at once.
const MAX_LOADED: usize = 4;
/// The most keys a held period may have (32 per article: 31,250 articles).
const MAX_KEYS: usize = 1_000_000;

pub(crate) struct BandCache {
    limits: Limits,
    held: FastMap<u64, Held>,
    /// For each period checked: checks since it was last read or dropped, and how many it takes to
    /// read it (kept while it is held, and doubled when it is dropped).
    asked: FastMap<u64, (u32, u32)>,
    /// Periods too large to hold.
    too_large: FastSet<u64>,
    /// Checks so far, to tell which held period was used least recently.
    clock: u64,
}

struct Held {
    keys: FastSet<u64>,
    used: u64,
}

#[derive(Clone, Copy)]
struct Limits {
    load_after: u32,
    max_loaded: usize,
    max_keys: usize,
}

impl Default for BandCache {
    fn default() -> Self {
        BandCache::with_limits(Limits { load_after: LOAD_AFTER, max_loaded: MAX_LOADED, max_keys: MAX_KEYS })
    }
}

impl BandCache {
    fn with_limits(limits: Limits) -> BandCache {
        BandCache {
            limits,
            held: FastMap::default(),
            asked: FastMap::default(),
            too_large: FastSet::default(),
            clock: 0,
        }
    }

    /// Of `keys` (an article's lookup keys), those the ledger or the unwritten batches `pending`
    /// may hold: for a held period, the keys in its set; for any other period, all of them.
    pub(crate) fn may_hold(
        &mut self,
        store: &dyn Store,
        keys: &[u64],
        pending: &[&Pending],
    ) -> Result<Vec<u64>, StoreError> {
        self.clock += 1;
        let mut out = Vec::new();
        for group in keys.chunk_by(|a, b| sitrep_text::key_period(*a) == sitrep_text::key_period(*b)) {
            let period = sitrep_text::key_period(group[0]);
            if !self.held.contains_key(&period) && !self.too_large.contains(&period) {
                let (asked, needed) = self.asked.entry(period).or_insert((0, self.limits.load_after));
                *asked += 1;
                if *asked >= *needed {
                    self.load(store, period, pending)?;
                }
            }
            match self.held.get_mut(&period) {
                Some(held) => {
                    held.used = self.clock;
                    out.extend(group.iter().filter(|k| held.keys.contains(*k)));
                }
                None => out.extend_from_slice(group),
            }
        }
        Ok(out)
    }

    /// Records the keys an admitted article is stored under.
    pub(crate) fn insert(&mut self, keys: &[u64]) {
        for key in keys {
            if let Some(held) = self.held.get_mut(&sitrep_text::key_period(*key)) {
                held.keys.insert(*key);
            }
        }
    }

    fn load(&mut self, store: &dyn Store, period: u64, pending: &[&Pending]) -> Result<(), StoreError> {
        let (low, high) = sitrep_text::period_keys(period);
        let Limits { load_after, max_loaded, max_keys } = self.limits;
        let stored = store.band_keys_between(low, high, max_keys + 1)?;
        if stored.len() > max_keys {
            self.too_large.insert(period);
            self.asked.remove(&period);
            return Ok(());
        }
        let mut keys: FastSet<u64> = stored.into_iter().collect();
        for p in pending {
            keys.extend(p.bands_in_batch.keys().filter(|k| (low..=high).contains(*k)));
        }
        while self.held.len() >= max_loaded {
            let Some((&oldest, _)) = self.held.iter().min_by_key(|(p, h)| (h.used, **p)) else { break };
            self.held.remove(&oldest);
            // Read again only after twice as many checks: input in no date order would otherwise
            // read the same periods over and over.
            let needed = self.asked.get(&oldest).map_or(load_after, |(_, n)| *n);
            self.asked.insert(oldest, (0, needed.saturating_mul(2)));
        }
        let needed = self.asked.get(&period).map_or(load_after, |(_, n)| *n);
        self.asked.insert(period, (0, needed));
        self.held.insert(period, Held { keys, used: self.clock });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sitrep_model::Article;
    use sitrep_store::{ArticleSignature, Batch, SqliteStore};

    /// A ledger holding one article stored under `keys`.
    fn ledger(keys: &[u64]) -> SqliteStore {
        let mut store = SqliteStore::open_in_memory().unwrap();
        let article = Article {
            id: "a1".into(),
            source_id: None,
            url: None,
            outlet: None,
            title: None,
            published: None,
            lang: None,
            text: "text".into(),
        };
        let signature = ArticleSignature { article: "a1".into(), minhash: vec![1], bands: keys.to_vec() };
        store
            .write_batch(&Batch { articles: vec![(article, vec![])], signatures: vec![signature], ..Batch::default() })
            .unwrap();
        store
    }

    /// Three keys of `period`: the first two stored in the ledgers below, the third not.
    fn keys(period: u64) -> [u64; 3] {
        let (low, _) = sitrep_text::period_keys(period);
        [low + 1, low + 2, low + 3]
    }

    #[test]
    fn a_period_checked_often_is_answered_from_memory() {
        let (a, b) = (keys(5), keys(6));
        let store = ledger(&[a[0], a[1], b[0], b[1]]);
        let mut cache = BandCache::with_limits(Limits { load_after: 3, max_loaded: 1, max_keys: 10 });
        let ask = |cache: &mut BandCache, keys: &[u64]| cache.may_hold(&store, keys, &[]).unwrap();
        // Not held yet: every key goes to the ledger.
        assert_eq!(ask(&mut cache, &a), a);
        assert_eq!(ask(&mut cache, &a), a);
        // The third check reads the period: only the stored keys are left to look up.
        assert_eq!(ask(&mut cache, &a), &a[..2]);
        // An article admitted under the third key: held from now on.
        cache.insert(&[a[2]]);
        assert_eq!(ask(&mut cache, &a), a);
        // Keys of two periods at once: each period answered its own way.
        let both: Vec<u64> = a.iter().chain(&b).copied().collect();
        assert_eq!(ask(&mut cache, &both), both);
        assert_eq!(ask(&mut cache, &b), b);
        // The third check of the second period reads it, and drops the first (one period held).
        assert_eq!(ask(&mut cache, &b), &b[..2]);
        assert!(!cache.held.contains_key(&5));
        // Read again only after twice as many checks as before (six), so input in no date order
        // cannot make the run read periods over and over.
        for _ in 0..5 {
            assert_eq!(ask(&mut cache, &a), a);
        }
        assert_eq!(ask(&mut cache, &a), &a[..2], "the article inserted was never written");
    }

    #[test]
    fn keys_not_yet_written_are_held_with_the_period() {
        let a = keys(5);
        let store = ledger(&[a[0]]);
        let mut pending = Pending::default();
        pending.bands_in_batch.insert(a[1], 0);
        pending.bands_in_batch.insert(keys(6)[0], 0);
        let mut cache = BandCache::with_limits(Limits { load_after: 1, max_loaded: 4, max_keys: 10 });
        assert_eq!(cache.may_hold(&store, &a, &[&pending]).unwrap(), &a[..2]);
        assert_eq!(cache.held[&5].keys.len(), 2, "only the period's own keys");
    }

    #[test]
    fn a_period_with_too_many_keys_is_never_held() {
        let a = keys(0);
        let store = ledger(&a);
        let mut cache = BandCache::with_limits(Limits { load_after: 1, max_loaded: 4, max_keys: 2 });
        for _ in 0..5 {
            assert_eq!(cache.may_hold(&store, &a, &[]).unwrap(), a);
        }
        assert!(cache.held.is_empty() && cache.too_large.contains(&0));
    }
}
