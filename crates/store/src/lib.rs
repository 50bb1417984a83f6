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
mod page;
mod postgres;
mod sqlite;

#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sitrep_model::{Alert, Article, ArticleId, Event, Mention, Severity, SourcedMention, SubEventType};
use std::path::Path;

pub use error::StoreError;

/// The earliest start a mention overlapping a window beginning on `start` can have: both backends
/// read merge windows as an index range on mentions' start dates from here.
pub(crate) fn span_floor(start: NaiveDate) -> NaiveDate {
    start - chrono::Duration::days(sitrep_model::MAX_SPAN_DAYS - 1)
}

/// The inclusive u64 range `low..=high` as ranges of the i64 with the same bits (how both backends
/// store band keys), each in ascending order: one range, or two when it crosses 2^63 (whose i64
/// are negative and sort first), listed so that the results come out in u64 order. Empty when
/// `low > high`.
pub(crate) fn signed_ranges(low: u64, high: u64) -> Vec<(i64, i64)> {
    const SIGN: u64 = 1 << 63;
    match (low, high) {
        (l, h) if l > h => Vec::new(),
        (l, h) if h < SIGN || l >= SIGN => vec![(l as i64, h as i64)],
        (l, h) => vec![(l as i64, i64::MAX), (i64::MIN, h as i64)],
    }
}

/// The stored mentions a re-merge reads by date (see [`Store::mentions_for_merge`]). Both ends
/// of a range are inclusive; a mention is in a range when its own date range intersects it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Window {
    /// Every mention dated within the range.
    Dates(NaiveDate, NaiveDate),
    /// The mentions placed in this country (ISO code, as `PlaceRef::country`) dated within the
    /// range: a placed mention can only merge with mentions of its own country or without a place.
    Country(String, NaiveDate, NaiveDate),
    /// The mentions of this type dated to exactly this day: without a place, a mention can only
    /// merge with another report's mention of the same type on the same day.
    Day(NaiveDate, SubEventType),
}
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

/// The near-duplicate signature of an article: MinHash values and the band hashes computed from
/// them (see `sitrep_text::Signature`). The store keeps both and looks up by band.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleSignature {
    pub article: ArticleId,
    pub minhash: Vec<u64>,
    pub bands: Vec<u64>,
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
/// Parts are applied in field order: articles, sightings, mentions, removals, upserts, log,
/// signatures.
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
    /// Near-duplicate signatures of articles stored or in this batch; insert-or-ignore by article.
    pub signatures: Vec<ArticleSignature>,
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
    /// The province (first-level administrative division) name, exact, any case.
    pub admin1: Option<String>,
    /// Events whose coordinates fall inside this box. Events without coordinates are left out.
    pub bbox: Option<BBox>,
    /// Order of [`Store::event_page`] (the other listings keep their documented order).
    pub sort: EventSort,
    /// Where [`Store::event_page`] resumes: the `next` cursor of the previous page, opaque.
    pub cursor: Option<String>,
}

/// A box of longitudes and latitudes (degrees, WGS84). `west > east` crosses the antimeridian.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BBox {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

// `Eq` for the filter: the box is compared by its four numbers; NaN never gets this far because
// parsers reject it.
impl Eq for BBox {}

/// How [`Store::event_page`] orders events. Every order ends with the id, so it is total and a
/// cursor can resume it exactly.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventSort {
    /// Oldest first, undated last.
    #[default]
    #[serde(rename = "date")]
    DateAsc,
    /// Newest first, undated last.
    #[serde(rename = "-date")]
    DateDesc,
    /// Fewest killed first (unknown tolls first).
    #[serde(rename = "fatalities")]
    FatalitiesAsc,
    /// Most killed first (unknown tolls last).
    #[serde(rename = "-fatalities")]
    FatalitiesDesc,
}

impl EventSort {
    pub const ALL: &'static [EventSort] =
        &[EventSort::DateAsc, EventSort::DateDesc, EventSort::FatalitiesAsc, EventSort::FatalitiesDesc];

    /// The name used in URLs and cursors: `date`, `-date`, `fatalities`, `-fatalities`.
    pub fn as_str(&self) -> &'static str {
        match self {
            EventSort::DateAsc => "date",
            EventSort::DateDesc => "-date",
            EventSort::FatalitiesAsc => "fatalities",
            EventSort::FatalitiesDesc => "-fatalities",
        }
    }

    pub fn parse(s: &str) -> Option<EventSort> {
        EventSort::ALL.iter().copied().find(|v| v.as_str() == s.trim())
    }
}

/// A low / best / high figure as stored in the plain columns of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Toll {
    pub low: Option<u32>,
    pub best: Option<u32>,
    pub high: Option<u32>,
}

/// One row of an event list: the plain columns of an event, without its sources. Cheap to read
/// in bulk (no JSON is decoded), which is what a paginated list or a map needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventSummary {
    pub id: String,
    pub event_type: String,
    pub sub_event_type: String,
    pub date: Option<NaiveDate>,
    pub date_end: Option<NaiveDate>,
    pub date_precision: Option<String>,
    pub country: Option<String>,
    pub admin1: Option<String>,
    pub location: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub geo_precision: Option<u8>,
    pub actor1: Option<String>,
    pub actor2: Option<String>,
    pub assoc_actors: Vec<String>,
    pub weapon: Option<String>,
    pub fatalities: Toll,
    pub injured: Toll,
    /// Distinct articles reporting the event.
    pub n_articles: u32,
    /// Distinct outlets carrying those articles.
    pub n_outlets: u32,
}

/// One page of events and the cursor of the next page (`None` on the last page).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EventPage {
    pub events: Vec<EventSummary>,
    pub next: Option<String>,
}

/// The length of a timeline period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Bucket {
    Day,
    /// ISO weeks, named by their Monday.
    #[default]
    Week,
}

/// What a timeline's counts are split by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// ACLED event type.
    #[default]
    Type,
    SubType,
    /// The event's first actor (`unknown` when it has none).
    Actor,
}

/// Events of one period and one key (type, sub-type or actor).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineRow {
    /// The first day of the period.
    pub period: NaiveDate,
    pub key: String,
    pub events: u64,
    /// Sum of the best killed figures (unknown counts as 0).
    pub fatalities: u64,
}

/// An actor named by stored events, with how often.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorSummary {
    pub id: String,
    pub name: String,
    pub actor_type: String,
    pub country: Option<String>,
    /// Events where it is actor1 or actor2.
    pub events: u64,
    /// Claims, accusations and denials naming it.
    pub attributions: u64,
}

/// A place named by stored events, with how many.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceSummary {
    pub id: String,
    pub name: String,
    pub country: String,
    pub admin1: Option<String>,
    pub latitude: f64,
    pub longitude: f64,
    pub kind: String,
    pub events: u64,
}

/// What happened to an event in one write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Created,
    Updated,
    Removed,
}

/// One entry of the ledger's change journal: `seq` grows with every event written or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventChange {
    pub seq: u64,
    pub event_id: String,
    pub change: ChangeKind,
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub at: String,
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

/// An alert as stored: its place in the alert sequence and when it was raised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredAlert {
    pub seq: u64,
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub raised_at: String,
    pub alert: Alert,
}

/// The ledger, as every other crate sees it.
///
/// `Send` so that a server can hand a store to a worker thread.
pub trait Store: Send {
    fn has_article(&self, id: &str) -> Result<bool, StoreError>;

    /// Event mentions relevant to re-merging: those in `window` (see [`Window`]; without one,
    /// none are selected by date), plus every mention assigned to one of `event_ids`. Each comes
    /// with the id of the event it is currently assigned to. Ordered by start date (undated
    /// last), then id.
    fn mentions_for_merge(
        &self,
        window: Option<&Window>,
        event_ids: &[String],
    ) -> Result<Vec<(SourcedMention, Option<String>)>, StoreError>;

    /// [`Store::mentions_for_merge`] without the mentions whose ids are in `known`, which the
    /// caller holds already: a backend that can tell ids from an index leaves their rows unread.
    fn mentions_for_merge_except(
        &self,
        window: Option<&Window>,
        event_ids: &[String],
        known: &std::collections::HashSet<String>,
    ) -> Result<Vec<(SourcedMention, Option<String>)>, StoreError> {
        let mut found = self.mentions_for_merge(window, event_ids)?;
        found.retain(|(m, _)| !known.contains(&m.mention.id));
        Ok(found)
    }

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

    /// One page of events matching `filter`, in `filter.sort` order, starting after
    /// `filter.cursor`; at most `filter.limit` events (all when `None`). Paginates in the
    /// database: never reads more rows than the page holds plus one. A cursor that is not one
    /// this store issued for the same sort is [`StoreError::InvalidArgument`].
    fn event_page(&self, filter: &EventFilter) -> Result<EventPage, StoreError>;

    /// Dated events matching `filter` counted per period and key, ordered by period then key.
    /// `filter.limit`, `sort` and `cursor` are ignored.
    fn timeline(&self, filter: &EventFilter, bucket: Bucket, by: GroupBy) -> Result<Vec<TimelineRow>, StoreError>;

    /// Every actor stored events name, by name.
    fn actors(&self) -> Result<Vec<ActorSummary>, StoreError>;

    /// Every place stored events are located at, by country then name.
    fn places(&self) -> Result<Vec<PlaceSummary>, StoreError>;

    /// Ids of the events that cite this article, in id order.
    fn events_citing(&self, article_id: &str) -> Result<Vec<String>, StoreError>;

    /// The `seq` of the newest change journal entry (0 when there is none). Cheap: meant to be
    /// polled every second by live views.
    fn latest_change(&self) -> Result<u64, StoreError>;

    /// Change journal entries after `seq`, oldest first, at most `limit`.
    fn changes_since(&self, seq: u64, limit: usize) -> Result<Vec<EventChange>, StoreError>;

    /// Stored articles sharing at least one band hash with `bands`, each once with its MinHash
    /// signature, ordered by article id: the candidates a near-duplicate check compares with.
    fn near_duplicate_candidates(&self, bands: &[u64]) -> Result<Vec<(ArticleId, Vec<u64>)>, StoreError>;

    /// The distinct band keys stored in `low..=high` (compared as the u64 they are), in order, at
    /// most `limit` of them: what a near-duplicate check keeps in memory for a publication period
    /// it looks up often, so that most lookups need no query.
    fn band_keys_between(&self, low: u64, high: u64, limit: usize) -> Result<Vec<u64>, StoreError>;

    /// A second, read-only handle on the same ledger, for lookups that may run on another thread
    /// while this one writes (ingest checks the next batch's articles for copies meanwhile).
    /// `None` when the store has no such handle (an in-memory ledger).
    fn reader(&self) -> Result<Option<Box<dyn Store>>, StoreError> {
        Ok(None)
    }

    /// Stores the alerts whose key is new and sets the watch-state values, in one transaction.
    /// Returns the alerts it stored (not those already there), in order.
    fn record_alerts(&mut self, alerts: &[Alert], state: &[(String, String)]) -> Result<Vec<StoredAlert>, StoreError>;

    /// Alerts after `after` (a [`StoredAlert::seq`]), oldest first, at most `limit`.
    fn alerts_after(&self, after: u64, limit: usize) -> Result<Vec<StoredAlert>, StoreError>;

    /// The `seq` of the newest alert (0 when there is none): where a new reader starts.
    fn latest_alert(&self) -> Result<u64, StoreError>;

    /// Alerts of one rule on events dated within `from..=to` (both inclusive), oldest first.
    fn rule_alerts(&self, rule: &str, from: NaiveDate, to: NaiveDate) -> Result<Vec<Alert>, StoreError>;

    /// A value the watcher kept between runs.
    fn watch_state(&self, key: &str) -> Result<Option<String>, StoreError>;
}

/// Opens an existing store for reading only (a web server's connections): a SQLite file path
/// (`sqlite://` prefix allowed) or a PostgreSQL URL. It is never created or upgraded: open it once
/// with [`open`] first. A PostgreSQL connection runs read-only transactions, so writes fail.
pub fn open_read_only(spec: &str) -> Result<Box<dyn Store>, StoreError> {
    let spec = spec.trim();
    if let Some((scheme, _)) = spec.split_once("://") {
        if matches!(scheme.to_ascii_lowercase().as_str(), "postgres" | "postgresql") {
            return Ok(Box::new(PgStore::open_read_only(spec)?));
        }
    }
    let path = spec.strip_prefix("sqlite://").unwrap_or(spec);
    if spec == ":memory:" || (path == spec && spec.contains("://")) {
        return Err(StoreError::Unsupported(format!(
            "cannot open `{spec}` read-only: give the path of a SQLite file or a postgres:// URL"
        )));
    }
    Ok(Box::new(SqliteStore::open_read_only(Path::new(path))?))
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
