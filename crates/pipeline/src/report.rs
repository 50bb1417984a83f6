//! The ingest summary: what was read, skipped (with reasons), merged and written.

use serde::Serialize;
use std::collections::BTreeMap;

/// Counts of everything ingest did; nothing disappears without a reason here.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IngestReport {
    pub articles_read: usize,
    /// Articles new to the ledger.
    pub articles_new: usize,
    /// Articles whose text was already stored (re-ingest or syndicated copy): recorded as sightings only.
    pub duplicates: usize,
    /// Articles whose text differs from every stored one but tells the same story as one of them
    /// (a retitled, trimmed or lightly edited copy), by reason: `near_identical` (estimated
    /// similarity at least 0.9) or `trimmed_or_edited`. Each was recorded as one more sighting of
    /// the article it copies, so it counts once as evidence.
    pub near_duplicates: BTreeMap<String, usize>,
    /// New (article, outlet, url) sightings, including first ones.
    pub sightings_new: usize,
    /// Inputs skipped, by reason code.
    pub skipped: BTreeMap<String, usize>,
    /// The first few skipped inputs with their messages, for the summary.
    pub skipped_examples: Vec<String>,
    /// Warnings (input kept), by code.
    pub warnings: BTreeMap<String, usize>,
    /// Event mentions extracted from new articles.
    pub mentions: usize,
    /// Candidate mentions dropped by extraction, by reason (modality, background, ...).
    pub dropped: BTreeMap<String, usize>,
    /// Mentions folded into an event another mention had started.
    pub merged_mentions: usize,
    /// Stored mentions read back to re-merge batches, counted each time one is read: what
    /// merging costs, and what grows with the ledger.
    pub merge_reads: usize,
    pub events_new: usize,
    pub events_updated: usize,
    pub events_removed: usize,
}

impl IngestReport {
    pub fn skip(&mut self, code: &str, origin: &str, message: &str) {
        *self.skipped.entry(code.to_string()).or_default() += 1;
        if self.skipped_examples.len() < 10 {
            self.skipped_examples.push(format!("{origin}: {code}: {message}"));
        }
    }

    pub fn warn(&mut self, code: &str) {
        *self.warnings.entry(code.to_string()).or_default() += 1;
    }

    pub fn dropped(&mut self, code: &str) {
        *self.dropped.entry(code.to_string()).or_default() += 1;
    }

    pub fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }

    /// Adds another run's counts to these (a watcher sums the sources it polled in one cycle).
    pub fn absorb(&mut self, other: IngestReport) {
        fn add(into: &mut BTreeMap<String, usize>, from: BTreeMap<String, usize>) {
            for (k, v) in from {
                *into.entry(k).or_default() += v;
            }
        }
        self.articles_read += other.articles_read;
        self.articles_new += other.articles_new;
        self.duplicates += other.duplicates;
        add(&mut self.near_duplicates, other.near_duplicates);
        self.sightings_new += other.sightings_new;
        add(&mut self.skipped, other.skipped);
        let room = 10usize.saturating_sub(self.skipped_examples.len());
        self.skipped_examples.extend(other.skipped_examples.into_iter().take(room));
        add(&mut self.warnings, other.warnings);
        self.mentions += other.mentions;
        add(&mut self.dropped, other.dropped);
        self.merged_mentions += other.merged_mentions;
        self.merge_reads += other.merge_reads;
        self.events_new += other.events_new;
        self.events_updated += other.events_updated;
        self.events_removed += other.events_removed;
    }
}
