//! The server ledger for teams: the same tables, views and behaviour as the SQLite file, in
//! PostgreSQL, so that many ingest workers can write one ledger and `serve`/`export` read it.
//!
//! One connection per store, used from behind a mutex (the `Store` trait reads through `&self`).
//! Transactions are opened with plain `BEGIN`/`COMMIT` on that connection, so that the reads a
//! [`Store::write_planned`] plan makes and the batch it returns run in one transaction that holds
//! the merge lock.

mod live;
mod read;
mod schema;
mod watch;
mod write;

use crate::{
    ActorSummary, Batch, BatchOutcome, Bucket, Counts, EventChange, EventFilter, EventPage, GroupBy, LogEntry,
    PlaceSummary, Store, StoreError, StoredAlert, StoredArticle, TimelineRow,
};
use chrono::NaiveDate;
use postgres::{Client, NoTls, Statement};
use sitrep_model::{Alert, ArticleId, Event, SourcedMention};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

pub use read::BoundingBox;
pub use schema::PG_SCHEMA_VERSION;

/// The transaction-scoped advisory lock that serialises merging across every process writing one
/// database: analysis runs in parallel, but "read the mentions of a window, merge, write the
/// events" must see every earlier merge and be seen by every later one.
const MERGE_LOCK: i64 = 0x5172_6570_0001;

/// A connection and the statements prepared on it.
pub(crate) struct Session {
    pub(crate) client: Client,
    statements: HashMap<&'static str, Statement>,
}

impl Session {
    /// The prepared statement for `sql`, prepared once per connection.
    pub(crate) fn statement(&mut self, sql: &'static str) -> Result<Statement, StoreError> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql)?;
        self.statements.insert(sql, statement.clone());
        Ok(statement)
    }

    /// Runs `work` in one transaction: committed if it succeeds, rolled back otherwise.
    fn in_transaction<T>(&mut self, work: impl FnOnce(&mut Session) -> Result<T, StoreError>) -> Result<T, StoreError> {
        self.client.batch_execute("BEGIN")?;
        match work(self) {
            Ok(value) => {
                self.client.batch_execute("COMMIT")?;
                Ok(value)
            }
            Err(e) => {
                // The connection may be gone; the original error is the one worth reporting.
                let _ = self.client.batch_execute("ROLLBACK");
                Err(e)
            }
        }
    }
}

/// A ledger in a PostgreSQL database.
pub struct PgStore {
    /// Always `Some` until the store is dropped (see `Drop`).
    session: Option<Mutex<Session>>,
    /// Where it connected, for a second, read-only connection ([`Store::reader`]).
    url: String,
}

impl PgStore {
    /// Connects to `url` (`postgres://user@host:port/database`) and upgrades the schema to
    /// [`PG_SCHEMA_VERSION`]. Several processes may open one database at once.
    pub fn open(url: &str) -> Result<PgStore, StoreError> {
        PgStore::open_at_version(url, PG_SCHEMA_VERSION)
    }

    /// Opens `url` and migrates it only up to `target`: how tests build old-format databases.
    pub(crate) fn open_at_version(url: &str, target: u32) -> Result<PgStore, StoreError> {
        let client = Client::connect(url, NoTls).map_err(|error| StoreError::Connect { url: redact(url), error })?;
        let mut session = Session { client, statements: HashMap::new() };
        schema::migrate(&mut session, target)?;
        Ok(PgStore { session: Some(Mutex::new(session)), url: url.to_string() })
    }

    /// Connects to `url` for reading only (a web server's connections): the schema is never
    /// created or upgraded, and the session's transactions are read-only, so a write fails. A
    /// database at another schema version is refused (open it read-write once to upgrade it).
    pub fn open_read_only(url: &str) -> Result<PgStore, StoreError> {
        let client = Client::connect(url, NoTls).map_err(|error| StoreError::Connect { url: redact(url), error })?;
        let mut session = Session { client, statements: HashMap::new() };
        session.client.batch_execute("SET default_transaction_read_only = on")?;
        let found = schema::version(&mut session)?;
        if found > PG_SCHEMA_VERSION {
            return Err(StoreError::TooNew { found, supported: PG_SCHEMA_VERSION });
        }
        if found < PG_SCHEMA_VERSION {
            return Err(StoreError::Unsupported(format!(
                "{} has schema version {found}, this sitrep reads {PG_SCHEMA_VERSION}: open it read-write once to upgrade it",
                redact(url)
            )));
        }
        Ok(PgStore { session: Some(Mutex::new(session)), url: url.to_string() })
    }

    /// The schema version recorded in the database.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        schema::version(&mut self.lock())
    }

    /// Events matching `filter` whose coordinates fall inside `bbox`, in the order of
    /// [`Store::events`]. Served by a GiST index on the events' points.
    pub fn events_in_box(&self, filter: &EventFilter, bbox: BoundingBox) -> Result<Vec<Event>, StoreError> {
        read::events(&mut self.lock(), filter, Some(bbox))
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Session> {
        // A panic while holding the lock leaves no half-done state on the server (an open
        // transaction is rolled back when its statement fails), so the session stays usable.
        let session = self.session.as_ref().expect("a PgStore has its session until it is dropped");
        session.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for PgStore {
    /// Closes the connection on a thread of its own. The blocking client closes by running its
    /// own small async runtime, which panics on a thread that is already driving one: a web
    /// server drops its read connections inside its runtime when it shuts down.
    fn drop(&mut self) {
        let Some(session) = self.session.take() else { return };
        let session = session.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Ok(closer) = std::thread::Builder::new().name("sitrep-pg-close".into()).spawn(move || drop(session)) {
            let _ = closer.join();
        }
    }
}

/// A URL as it may be shown: without its password.
pub(crate) fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_string();
    };
    match userinfo.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

impl Store for PgStore {
    fn reader(&self) -> Result<Option<Box<dyn Store>>, StoreError> {
        Ok(Some(Box::new(PgStore::open_read_only(&self.url)?)))
    }

    fn has_article(&self, id: &str) -> Result<bool, StoreError> {
        read::has_article(&mut self.lock(), id)
    }

    fn mentions_for_merge(
        &self,
        window: Option<&crate::Window>,
        event_ids: &[String],
    ) -> Result<Vec<(SourcedMention, Option<String>)>, StoreError> {
        read::mentions_for_merge(&mut self.lock(), window, event_ids)
    }

    fn mentions_of_articles(
        &self,
        article_ids: &[String],
    ) -> Result<Vec<(SourcedMention, Option<String>)>, StoreError> {
        read::mentions_of_articles(&mut self.lock(), article_ids)
    }

    fn write_batch(&mut self, batch: &Batch) -> Result<BatchOutcome, StoreError> {
        self.lock().in_transaction(|s| {
            // Every write transaction takes the merge lock before anything else, so the change
            // journal's lock (taken by the trigger on `events`, migration 3) is only ever taken
            // second and two writers can never wait for each other in a cycle.
            s.client.execute("SELECT pg_advisory_xact_lock($1)", &[&MERGE_LOCK])?;
            write::write_batch(s, batch)
        })
    }

    fn write_planned(
        &mut self,
        plan: &mut dyn FnMut(&dyn Store) -> Result<Batch, StoreError>,
    ) -> Result<BatchOutcome, StoreError> {
        self.lock().in_transaction(|s| {
            s.client.execute("SELECT pg_advisory_xact_lock($1)", &[&MERGE_LOCK])?;
            let batch = {
                let planning = Planning { session: RefCell::new(&mut *s) };
                plan(&planning)?
            };
            write::write_batch(s, &batch)
        })
    }

    fn events(&self, filter: &EventFilter) -> Result<Vec<Event>, StoreError> {
        read::events(&mut self.lock(), filter, None)
    }

    fn event(&self, id_or_prefix: &str) -> Result<Option<Event>, StoreError> {
        read::event(&mut self.lock(), id_or_prefix)
    }

    fn article(&self, id: &str) -> Result<Option<StoredArticle>, StoreError> {
        read::article(&mut self.lock(), id)
    }

    fn counts(&self) -> Result<Counts, StoreError> {
        read::counts(&mut self.lock())
    }

    fn log_entries(&self, limit: usize) -> Result<Vec<LogEntry>, StoreError> {
        read::log_entries(&mut self.lock(), limit)
    }

    fn event_page(&self, filter: &EventFilter) -> Result<EventPage, StoreError> {
        live::event_page(&mut self.lock(), filter)
    }

    fn timeline(&self, filter: &EventFilter, bucket: Bucket, by: GroupBy) -> Result<Vec<TimelineRow>, StoreError> {
        live::timeline(&mut self.lock(), filter, bucket, by)
    }

    fn actors(&self) -> Result<Vec<ActorSummary>, StoreError> {
        live::actors(&mut self.lock())
    }

    fn places(&self) -> Result<Vec<PlaceSummary>, StoreError> {
        live::places(&mut self.lock())
    }

    fn events_citing(&self, article_id: &str) -> Result<Vec<String>, StoreError> {
        live::events_citing(&mut self.lock(), article_id)
    }

    fn latest_change(&self) -> Result<u64, StoreError> {
        live::latest_change(&mut self.lock())
    }

    fn changes_since(&self, seq: u64, limit: usize) -> Result<Vec<EventChange>, StoreError> {
        live::changes_since(&mut self.lock(), seq, limit)
    }

    fn near_duplicate_candidates(&self, bands: &[u64]) -> Result<Vec<(ArticleId, Vec<u64>)>, StoreError> {
        read::near_duplicate_candidates(&mut self.lock(), bands)
    }

    fn band_keys_between(&self, low: u64, high: u64, limit: usize) -> Result<Vec<u64>, StoreError> {
        read::band_keys_between(&mut self.lock(), low, high, limit)
    }

    fn record_alerts(&mut self, alerts: &[Alert], state: &[(String, String)]) -> Result<Vec<StoredAlert>, StoreError> {
        self.lock().in_transaction(|s| watch::record_alerts(s, alerts, state))
    }

    fn alerts_after(&self, after: u64, limit: usize) -> Result<Vec<StoredAlert>, StoreError> {
        watch::alerts_after(&mut self.lock(), after, limit)
    }

    fn latest_alert(&self) -> Result<u64, StoreError> {
        watch::latest_alert(&mut self.lock())
    }

    fn rule_alerts(&self, rule: &str, from: NaiveDate, to: NaiveDate) -> Result<Vec<Alert>, StoreError> {
        watch::rule_alerts(&mut self.lock(), rule, from, to)
    }

    fn watch_state(&self, key: &str) -> Result<Option<String>, StoreError> {
        watch::watch_state(&mut self.lock(), key)
    }
}

/// The store a [`Store::write_planned`] plan reads: the connection inside the open, locked
/// transaction.
struct Planning<'a> {
    session: RefCell<&'a mut Session>,
}

impl Store for Planning<'_> {
    fn has_article(&self, id: &str) -> Result<bool, StoreError> {
        read::has_article(&mut self.session.borrow_mut(), id)
    }

    fn mentions_for_merge(
        &self,
        window: Option<&crate::Window>,
        event_ids: &[String],
    ) -> Result<Vec<(SourcedMention, Option<String>)>, StoreError> {
        read::mentions_for_merge(&mut self.session.borrow_mut(), window, event_ids)
    }

    fn mentions_of_articles(
        &self,
        article_ids: &[String],
    ) -> Result<Vec<(SourcedMention, Option<String>)>, StoreError> {
        read::mentions_of_articles(&mut self.session.borrow_mut(), article_ids)
    }

    fn write_batch(&mut self, batch: &Batch) -> Result<BatchOutcome, StoreError> {
        // Part of the planning transaction: committed or rolled back with it.
        write::write_batch(self.session.get_mut(), batch)
    }

    fn write_planned(
        &mut self,
        _plan: &mut dyn FnMut(&dyn Store) -> Result<Batch, StoreError>,
    ) -> Result<BatchOutcome, StoreError> {
        Err(StoreError::Unsupported("a write plan cannot start another write plan".into()))
    }

    fn events(&self, filter: &EventFilter) -> Result<Vec<Event>, StoreError> {
        read::events(&mut self.session.borrow_mut(), filter, None)
    }

    fn event(&self, id_or_prefix: &str) -> Result<Option<Event>, StoreError> {
        read::event(&mut self.session.borrow_mut(), id_or_prefix)
    }

    fn article(&self, id: &str) -> Result<Option<StoredArticle>, StoreError> {
        read::article(&mut self.session.borrow_mut(), id)
    }

    fn counts(&self) -> Result<Counts, StoreError> {
        read::counts(&mut self.session.borrow_mut())
    }

    fn log_entries(&self, limit: usize) -> Result<Vec<LogEntry>, StoreError> {
        read::log_entries(&mut self.session.borrow_mut(), limit)
    }

    fn event_page(&self, filter: &EventFilter) -> Result<EventPage, StoreError> {
        live::event_page(&mut self.session.borrow_mut(), filter)
    }

    fn timeline(&self, filter: &EventFilter, bucket: Bucket, by: GroupBy) -> Result<Vec<TimelineRow>, StoreError> {
        live::timeline(&mut self.session.borrow_mut(), filter, bucket, by)
    }

    fn actors(&self) -> Result<Vec<ActorSummary>, StoreError> {
        live::actors(&mut self.session.borrow_mut())
    }

    fn places(&self) -> Result<Vec<PlaceSummary>, StoreError> {
        live::places(&mut self.session.borrow_mut())
    }

    fn events_citing(&self, article_id: &str) -> Result<Vec<String>, StoreError> {
        live::events_citing(&mut self.session.borrow_mut(), article_id)
    }

    fn latest_change(&self) -> Result<u64, StoreError> {
        live::latest_change(&mut self.session.borrow_mut())
    }

    fn changes_since(&self, seq: u64, limit: usize) -> Result<Vec<EventChange>, StoreError> {
        live::changes_since(&mut self.session.borrow_mut(), seq, limit)
    }

    fn near_duplicate_candidates(&self, bands: &[u64]) -> Result<Vec<(ArticleId, Vec<u64>)>, StoreError> {
        read::near_duplicate_candidates(&mut self.session.borrow_mut(), bands)
    }

    fn band_keys_between(&self, low: u64, high: u64, limit: usize) -> Result<Vec<u64>, StoreError> {
        read::band_keys_between(&mut self.session.borrow_mut(), low, high, limit)
    }

    fn record_alerts(&mut self, alerts: &[Alert], state: &[(String, String)]) -> Result<Vec<StoredAlert>, StoreError> {
        // Part of the planning transaction: committed or rolled back with it.
        watch::record_alerts(self.session.get_mut(), alerts, state)
    }

    fn alerts_after(&self, after: u64, limit: usize) -> Result<Vec<StoredAlert>, StoreError> {
        watch::alerts_after(&mut self.session.borrow_mut(), after, limit)
    }

    fn latest_alert(&self) -> Result<u64, StoreError> {
        watch::latest_alert(&mut self.session.borrow_mut())
    }

    fn rule_alerts(&self, rule: &str, from: NaiveDate, to: NaiveDate) -> Result<Vec<Alert>, StoreError> {
        watch::rule_alerts(&mut self.session.borrow_mut(), rule, from, to)
    }

    fn watch_state(&self, key: &str) -> Result<Option<String>, StoreError> {
        watch::watch_state(&mut self.session.borrow_mut(), key)
    }
}
