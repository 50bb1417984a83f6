//! The event ledger on disk: articles, where they were seen, event mentions and merged events.
//!
//! Architecture invariant: this is the only crate that knows SQL. Everything else speaks in
//! `sitrep-model` types through the [`Store`] trait, so a server database can later replace the
//! embedded SQLite file without touching the pipeline.
//!
//! Every stored event and mention keeps its full model value as JSON (what is read back), next to
//! plain columns that copy its fields for filtering and for analysts using ordinary SQLite tools.
//! The schema is versioned with numbered migrations (see `migrations/` in this crate).

mod error;
mod postgres;
mod sqlite;

#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sitrep_model::{Article, ArticleId, Event, Mention, Severity, SourcedMention};
use std::path::Path;

pub use error::StoreError;
pub use postgres::{BoundingBox, PgStore, PG_SCHEMA_VERSION};
pub use sqlite::{SqliteStore, SCHEMA_VERSION};

/// One outlet or url carrying an article's text. Syndicated copies of one wire story are several
/// sightings of one article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleSighting {
    pub article: ArticleId,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub title: Option<String>,
    pub published: Option<NaiveDate>,
    pub source_id: Option<String>,
    /// The input it was read from: `path` or `path:line`.
    pub origin: String,
}

/// An article as stored: the article, every sighting of it (in the order they were recorded)
/// and its recognised mentions.
pub type StoredArticle = (Article, Vec<ArticleSighting>, Vec<Mention>);

/// Something ingest wants the user to know about one input, kept in the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub origin: String,
    pub severity: Severity,
    pub code: String,
    pub message: String,
}

/// Everything one pipeline step wants to record. Written in one transaction: either all of it
/// is stored or, on error, none of it.
///
/// Parts are applied in field order: articles, sightings, mentions, removals, upserts, log.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// New articles with their recognised mentions; an article already stored is left as it is.
    pub articles: Vec<(Article, Vec<Mention>)>,
    /// Insert-or-ignore on (article, outlet, url). The article must be stored or in this batch.
    pub sightings: Vec<ArticleSighting>,
    /// New event mentions, insert-or-ignore by `mention.id`. Their articles must be stored or in
    /// this batch.
    pub mentions: Vec<SourcedMention>,
    /// Events to delete, with their sources and attributions; their mentions become unassigned.
    pub events_removed: Vec<String>,
    /// Full replacements of these events. Each event's mentions become its sources and are
    /// assigned to it; mentions it held before and no longer lists become unassigned. A mention
    /// carried by an event is stored if it was not yet, and its stored copy is refreshed.
    pub events_upserted: Vec<Event>,
    pub log: Vec<LogEntry>,
}

/// What a [`Batch`] changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BatchOutcome {
    pub articles_new: usize,
    pub sightings_new: usize,
    pub events_new: usize,
    /// Upserted events whose id was already stored.
    pub events_updated: usize,
    /// Removed ids that were actually stored.
    pub events_removed: usize,
}

/// Which events to list. Every field narrows the result; `None` (or an empty string) does not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventFilter {
    /// Events whose date range ends on or after this day. Undated events are left out.
    pub since: Option<NaiveDate>,
    /// Events whose date range starts on or before this day. Undated events are left out.
    pub until: Option<NaiveDate>,
    /// ISO 3166-1 alpha-2 code, any case.
    pub country: Option<String>,
    /// Case-insensitive substring of actor1, actor2 or an associated actor's name.
    pub actor: Option<String>,
    /// An event type or a sub-event type, exact string, any case.
    pub event_type: Option<String>,
    /// Case-insensitive substring of the location, an actor's name or a source sentence.
    pub text: Option<String>,
    pub limit: Option<usize>,
}

/// Row counts, for status lines and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counts {
    pub articles: u64,
    pub sightings: u64,
    /// Distinct named outlets across all sightings.
    pub outlets: u64,
    /// Event mentions.
    pub mentions: u64,
    pub events: u64,
    pub log_entries: u64,
}

/// The ledger, as every other crate sees it.
///
/// `Send` so that a server can hand a store to a worker thread.
pub trait Store: Send {
    fn has_article(&self, id: &str) -> Result<bool, StoreError>;

    /// Event mentions relevant to re-merging: those whose date range (`mention.time`) intersects
    /// `window` (both ends inclusive; without a window, none are selected by date), plus every
    /// mention assigned to one of `event_ids`. Each comes with the id of the event it is
    /// currently assigned to. Ordered by start date (undated last), then id.
    fn mentions_for_merge(
        &self,
        window: Option<(NaiveDate, NaiveDate)>,
        event_ids: &[String],
    ) -> Result<Vec<(SourcedMention, Option<String>)>, StoreError>;

    /// Every event mention of these articles, with the event it is assigned to, in the order of
    /// [`Store::mentions_for_merge`]. Re-merging needs an article's other mentions: mentions of
    /// one article may be merged whatever their dates.
    fn mentions_of_articles(&self, article_ids: &[String])
        -> Result<Vec<(SourcedMention, Option<String>)>, StoreError>;

    /// Writes the whole batch in one transaction.
    fn write_batch(&mut self, batch: &Batch) -> Result<BatchOutcome, StoreError>;

    /// Plans a batch from what the ledger holds, then writes it, with no other plan's batch
    /// written in between: the reads `plan` makes through the store it is given and the batch
    /// it returns are one transaction, serialised with every other `write_planned` on the same
    /// ledger (PostgreSQL: a transaction-scoped advisory lock, so several ingest workers can
    /// re-merge overlapping windows safely). The embedded SQLite ledger has one writer, so it
    /// plans and writes in sequence. `plan` is called once.
    fn write_planned(
        &mut self,
        plan: &mut dyn FnMut(&dyn Store) -> Result<Batch, StoreError>,
    ) -> Result<BatchOutcome, StoreError>;

    /// Events matching `filter`, ordered by date (undated last), then id.
    fn events(&self, filter: &EventFilter) -> Result<Vec<Event>, StoreError>;

    /// The event with this id, or the only one whose id starts with it.
    /// A prefix shared by several events is [`StoreError::Ambiguous`].
    fn event(&self, id_or_prefix: &str) -> Result<Option<Event>, StoreError>;

    /// An article with every sighting of it (in the order they were recorded) and its mentions.
    fn article(&self, id: &str) -> Result<Option<StoredArticle>, StoreError>;

    fn counts(&self) -> Result<Counts, StoreError>;

    /// The newest `limit` log entries, oldest first (like `tail`).
    fn log_entries(&self, limit: usize) -> Result<Vec<LogEntry>, StoreError>;
}

/// Opens the store a user named: a file path (created if missing; `sqlite://` prefix allowed),
/// `:memory:`, or a PostgreSQL URL (`postgres://user@host:port/database`, or `postgresql://`).
pub fn open(spec: &str) -> Result<Box<dyn Store>, StoreError> {
    let spec = spec.trim();
    if spec == ":memory:" {
        return Ok(Box::new(SqliteStore::open_in_memory()?));
    }
    if let Some(path) = spec.strip_prefix("sqlite://") {
        return Ok(Box::new(SqliteStore::open(Path::new(path))?));
    }
    if let Some((scheme, _)) = spec.split_once("://") {
        if !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || c == '+') {
            return match scheme.to_ascii_lowercase().as_str() {
                "postgres" | "postgresql" => Ok(Box::new(PgStore::open(spec)?)),
                other => Err(StoreError::Unsupported(format!("no store backend for `{other}://` URLs"))),
            };
        }
    }
    Ok(Box::new(SqliteStore::open(Path::new(spec))?))
}
