//! The embedded SQLite ledger: one file, opened in WAL mode, upgraded in place on open.

mod checkpoint;
pub(crate) mod codec;
mod live;
pub(crate) mod read;
mod schema;
mod watch;
mod write;

use crate::{
    ActorSummary, Batch, BatchOutcome, Bucket, Counts, EventChange, EventFilter, EventPage, GroupBy, LogEntry,
    PlaceSummary, Store, StoreError, StoredAlert, StoredArticle, TimelineRow,
};
use chrono::NaiveDate;
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OpenFlags};
use sitrep_model::{Alert, ArticleId, Event, SourcedMention};
use std::path::Path;
use std::time::Duration;

#[cfg(test)]
pub(crate) use checkpoint::WRITER_AUTOCHECKPOINT;
pub use schema::SCHEMA_VERSION;

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A ledger in one SQLite file (or in memory, for tests and dry runs).
pub struct SqliteStore {
    /// Declared first so that it is dropped first: the writer's connection, closing last, then
    /// checkpoints what is left and removes the log.
    pub(crate) checkpoint: Checkpoint,
    pub(crate) conn: Connection,
}

/// The checkpoint thread of a ledger file's writer, started at its first write.
pub(crate) enum Checkpoint {
    NotStarted,
    /// In memory, read-only, not in WAL mode, or the thread could not start: the writer
    /// checkpoints on its own, as SQLite does by default.
    Writer,
    Thread(checkpoint::Checkpointer),
}

impl SqliteStore {
    /// Opens the ledger at `path`, creating the file (and its directory) if needed and upgrading
    /// its schema to [`SCHEMA_VERSION`].
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        SqliteStore::open_at_version(path, SCHEMA_VERSION)
    }

    /// A fresh ledger that lives only as long as this value.
    pub fn open_in_memory() -> Result<SqliteStore, StoreError> {
        let conn = Connection::open_in_memory()?;
        configure(&conn)?;
        let mut store = SqliteStore { checkpoint: Checkpoint::NotStarted, conn };
        schema::migrate(&mut store.conn, SCHEMA_VERSION)?;
        Ok(store)
    }

    /// Opens an existing ledger for reading only: never creates, writes or upgrades it. A file
    /// at another schema version is refused (open it read-write once to upgrade it).
    pub fn open_read_only(path: &Path) -> Result<SqliteStore, StoreError> {
        let open_error = |source| StoreError::Open { path: path.to_path_buf(), source };
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(path, flags).map_err(open_error)?;
        configure(&conn).map_err(|e| match e {
            StoreError::Sqlite(source) => open_error(source),
            other => other,
        })?;
        let found = schema::user_version(&conn).map_err(|e| match e {
            StoreError::Sqlite(source) => open_error(source),
            other => other,
        })?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew { found, supported: SCHEMA_VERSION });
        }
        // Readers serve many small queries over a possibly large file: a bigger page cache and
        // memory-mapped reads save a system call per page. Failure to set either is harmless.
        let _ = conn.pragma_update(None, "cache_size", -32_000);
        let _ = conn.pragma_update(None, "mmap_size", 2_000_000_000i64);
        if found < SCHEMA_VERSION {
            return Err(StoreError::Unsupported(format!(
                "{} has schema version {found}, this sitrep reads {SCHEMA_VERSION}: open it read-write once to upgrade it",
                path.display()
            )));
        }
        Ok(SqliteStore { checkpoint: Checkpoint::Writer, conn })
    }

    /// The schema version recorded in the file (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        schema::user_version(&self.conn)
    }

    /// Opens `path` and migrates it only up to `target`: how tests build old-format databases.
    pub(crate) fn open_at_version(path: &Path, target: u32) -> Result<SqliteStore, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir { path: dir.to_path_buf(), source })?;
        }
        let open_error = |source| StoreError::Open { path: path.to_path_buf(), source };
        let conn = Connection::open(path).map_err(open_error)?;
        // The first statements are where a file that is not a database shows itself.
        configure(&conn).map_err(|e| match e {
            StoreError::Sqlite(source) => open_error(source),
            other => other,
        })?;
        // Only a new, empty file takes the page size; an existing ledger keeps its own.
        conn.pragma_update(None, "page_size", PAGE_SIZE).map_err(open_error)?;
        // WAL lets readers (the web UI, an analyst's sqlite3 shell) work while ingest writes.
        // The pragma answers with the mode it ended up in; a file system without shared memory
        // keeps the rollback journal, which is slower but still correct.
        let _mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "wal", |row| row.get(0)).map_err(open_error)?;
        conn.pragma_update(None, "synchronous", "normal")?;
        // Ingest inserts into indexes keyed by hashes (content ids, mention ids), whose pages a
        // small cache keeps reading again: 64 MB holds the hot ones of a million-article ledger.
        conn.pragma_update(None, "cache_size", -64_000)?;
        let mut store = SqliteStore { checkpoint: Checkpoint::NotStarted, conn };
        schema::migrate(&mut store.conn, target)?;
        Ok(store)
    }

    /// The checkpoint thread for this ledger, when it is a file in WAL mode; the writer's own
    /// automatic checkpoint then waits for a longer log, for when the thread falls behind.
    fn start_checkpoint(&self) -> Checkpoint {
        let Some(path) = self.conn.path().filter(|p| !p.is_empty()) else {
            return Checkpoint::Writer;
        };
        let wal = self
            .conn
            .pragma_query_value(None, "journal_mode", |row| row.get::<_, String>(0))
            .is_ok_and(|mode| mode.eq_ignore_ascii_case("wal"));
        if !wal {
            return Checkpoint::Writer;
        }
        match checkpoint::Checkpointer::start(Path::new(path)) {
            Ok(thread) => {
                let _ = self.conn.pragma_update(None, "wal_autocheckpoint", checkpoint::WRITER_AUTOCHECKPOINT);
                Checkpoint::Thread(thread)
            }
            Err(_) => Checkpoint::Writer,
        }
    }
}

/// Bytes per page of a new ledger. An article row (text and recognised mentions, about 5 KB on
/// news) overflows SQLite's default 4 KB page into a chain of pages; with 16 KB pages it fits one,
/// and the indexes are shallower (100,000 benchmark articles, 2 threads: see bench/README.md).
const PAGE_SIZE: i64 = 16_384;

/// Connection settings every ledger needs, on disk or in memory.
fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // SQLite's own lower() and LIKE fold ASCII only; names of places and actors are not ASCII-only.
    conn.create_scalar_function(
        "sitrep_contains",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let haystack: Option<String> = ctx.get(0)?;
            let needle: Option<String> = ctx.get(1)?;
            Ok(match (haystack, needle) {
                (Some(h), Some(n)) => h.to_lowercase().contains(&n.to_lowercase()),
                _ => false,
            })
        },
    )?;
    Ok(())
}

impl Store for SqliteStore {
    fn reader(&self) -> Result<Option<Box<dyn Store>>, StoreError> {
        // An in-memory ledger has no path (or an empty one): nothing else can open it.
        let Some(path) = self.conn.path().filter(|p| !p.is_empty()) else {
            return Ok(None);
        };
        let reader = SqliteStore::open_read_only(Path::new(path))?;
        // Its lookups touch few pages: a small cache, and no memory map counting toward the
        // writer's memory.
        reader.conn.pragma_update(None, "mmap_size", 0)?;
        reader.conn.pragma_update(None, "cache_size", -8_000)?;
        Ok(Some(Box::new(reader)))
    }

    fn has_article(&self, id: &str) -> Result<bool, StoreError> {
        read::has_article(&self.conn, id)
    }

    fn mentions_for_merge(
        &self,
        window: Option<&crate::Window>,
        event_ids: &[String],
    ) -> Result<Vec<(SourcedMention, Option<String>)>, StoreError> {
        read::mentions_for_merge(&self.conn, window, event_ids, &Default::default())
    }

    fn mentions_for_merge_except(
        &self,
        window: Option<&crate::Window>,
        event_ids: &[String],
        known: &std::collections::HashSet<String>,
    ) -> Result<Vec<(SourcedMention, Option<String>)>, StoreError> {
        read::mentions_for_merge(&self.conn, window, event_ids, known)
    }

    fn mentions_of_articles(
        &self,
        article_ids: &[String],
    ) -> Result<Vec<(SourcedMention, Option<String>)>, StoreError> {
        read::mentions_of_articles(&self.conn, article_ids)
    }

    fn write_batch(&mut self, batch: &Batch) -> Result<BatchOutcome, StoreError> {
        if matches!(self.checkpoint, Checkpoint::NotStarted) {
            self.checkpoint = self.start_checkpoint();
        }
        let outcome = write::write_batch(&mut self.conn, batch)?;
        if let Checkpoint::Thread(thread) = &self.checkpoint {
            thread.wake();
        }
        Ok(outcome)
    }

    fn write_planned(
        &mut self,
        plan: &mut dyn FnMut(&dyn Store) -> Result<Batch, StoreError>,
    ) -> Result<BatchOutcome, StoreError> {
        let batch = plan(self)?;
        self.write_batch(&batch)
    }

    fn events(&self, filter: &EventFilter) -> Result<Vec<Event>, StoreError> {
        read::events(&self.conn, filter)
    }

    fn event(&self, id_or_prefix: &str) -> Result<Option<Event>, StoreError> {
        read::event(&self.conn, id_or_prefix)
    }

    fn article(&self, id: &str) -> Result<Option<StoredArticle>, StoreError> {
        read::article(&self.conn, id)
    }

    fn counts(&self) -> Result<Counts, StoreError> {
        read::counts(&self.conn)
    }

    fn log_entries(&self, limit: usize) -> Result<Vec<LogEntry>, StoreError> {
        read::log_entries(&self.conn, limit)
    }

    fn event_page(&self, filter: &EventFilter) -> Result<EventPage, StoreError> {
        live::event_page(&self.conn, filter)
    }

    fn timeline(&self, filter: &EventFilter, bucket: Bucket, by: GroupBy) -> Result<Vec<TimelineRow>, StoreError> {
        live::timeline(&self.conn, filter, bucket, by)
    }

    fn actors(&self) -> Result<Vec<ActorSummary>, StoreError> {
        live::actors(&self.conn)
    }

    fn places(&self) -> Result<Vec<PlaceSummary>, StoreError> {
        live::places(&self.conn)
    }

    fn events_citing(&self, article_id: &str) -> Result<Vec<String>, StoreError> {
        live::events_citing(&self.conn, article_id)
    }

    fn latest_change(&self) -> Result<u64, StoreError> {
        live::latest_change(&self.conn)
    }

    fn changes_since(&self, seq: u64, limit: usize) -> Result<Vec<EventChange>, StoreError> {
        live::changes_since(&self.conn, seq, limit)
    }

    fn record_alerts(&mut self, alerts: &[Alert], state: &[(String, String)]) -> Result<Vec<StoredAlert>, StoreError> {
        watch::record_alerts(&mut self.conn, alerts, state)
    }

    fn alerts_after(&self, after: u64, limit: usize) -> Result<Vec<StoredAlert>, StoreError> {
        watch::alerts_after(&self.conn, after, limit)
    }

    fn latest_alert(&self) -> Result<u64, StoreError> {
        watch::latest_alert(&self.conn)
    }

    fn rule_alerts(&self, rule: &str, from: NaiveDate, to: NaiveDate) -> Result<Vec<Alert>, StoreError> {
        watch::rule_alerts(&self.conn, rule, from, to)
    }

    fn watch_state(&self, key: &str) -> Result<Option<String>, StoreError> {
        watch::watch_state(&self.conn, key)
    }

    fn near_duplicate_candidates(&self, bands: &[u64]) -> Result<Vec<(ArticleId, Vec<u64>)>, StoreError> {
        read::near_duplicate_candidates(&self.conn, bands)
    }

    fn band_keys_between(&self, low: u64, high: u64, limit: usize) -> Result<Vec<u64>, StoreError> {
        read::band_keys_between(&self.conn, low, high, limit)
    }
}
