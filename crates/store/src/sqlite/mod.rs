//! The embedded SQLite ledger: one file, opened in WAL mode, upgraded in place on open.

pub(crate) mod codec;
mod read;
mod schema;
mod write;

use crate::{Batch, BatchOutcome, Counts, EventFilter, LogEntry, Store, StoreError, StoredArticle};
use chrono::NaiveDate;
use rusqlite::functions::FunctionFlags;
use rusqlite::Connection;
use sitrep_model::{Event, SourcedMention};
use std::path::Path;
use std::time::Duration;

pub use schema::SCHEMA_VERSION;

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A ledger in one SQLite file (or in memory, for tests and dry runs).
pub struct SqliteStore {
    pub(crate) conn: Connection,
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
        let mut store = SqliteStore { conn };
        schema::migrate(&mut store.conn, SCHEMA_VERSION)?;
        Ok(store)
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
        // WAL lets readers (the web UI, an analyst's sqlite3 shell) work while ingest writes.
        // The pragma answers with the mode it ended up in; a file system without shared memory
        // keeps the rollback journal, which is slower but still correct.
        let _mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "wal", |row| row.get(0)).map_err(open_error)?;
        conn.pragma_update(None, "synchronous", "normal")?;
        let mut store = SqliteStore { conn };
        schema::migrate(&mut store.conn, target)?;
        Ok(store)
    }
}

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
    fn has_article(&self, id: &str) -> Result<bool, StoreError> {
        read::has_article(&self.conn, id)
    }

    fn mentions_for_merge(
        &self,
        window: Option<(NaiveDate, NaiveDate)>,
        event_ids: &[String],
    ) -> Result<Vec<(SourcedMention, Option<String>)>, StoreError> {
        read::mentions_for_merge(&self.conn, window, event_ids)
    }

    fn mentions_of_articles(
        &self,
        article_ids: &[String],
    ) -> Result<Vec<(SourcedMention, Option<String>)>, StoreError> {
        read::mentions_of_articles(&self.conn, article_ids)
    }

    fn write_batch(&mut self, batch: &Batch) -> Result<BatchOutcome, StoreError> {
        write::write_batch(&mut self.conn, batch)
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
}
