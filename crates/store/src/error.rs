//! Everything that can go wrong reading or writing the ledger.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file could not be opened or is not a SQLite database.
    #[error("cannot open the database {}: {source}", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },

    #[error("cannot create the directory for the database {}: {source}", path.display())]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The database was written by a newer sitrep.
    #[error("the database has schema version {found}, but this sitrep understands up to {supported}; upgrade sitrep")]
    TooNew { found: u32, supported: u32 },

    /// A prefix matches more than one event id.
    #[error("`{prefix}` matches several events ({}); give more of the id", .candidates.join(", "))]
    Ambiguous { prefix: String, candidates: Vec<String> },

    /// A backend or URL scheme this build cannot use.
    #[error("unsupported store: {0}")]
    Unsupported(String),

    /// A request the store cannot answer as asked: a cursor it did not issue, a malformed value.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),

    #[error("upgrading the database to schema version {version} failed: {source}")]
    Migration {
        version: u32,
        #[source]
        source: rusqlite::Error,
    },

    #[error("cannot encode {what} as JSON: {source}")]
    Encode {
        what: String,
        #[source]
        source: serde_json::Error,
    },

    /// A stored value that sitrep cannot read back (hand-edited or damaged file).
    #[error("stored {what} is unreadable: {detail}")]
    Corrupt { what: String, detail: String },

    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),

    /// The PostgreSQL server could not be reached or refused the connection.
    #[error("cannot connect to PostgreSQL at {url}: {}", postgres_detail(.error))]
    Connect {
        /// The URL without its password.
        url: String,
        error: postgres::Error,
    },

    #[error("upgrading the PostgreSQL database to schema version {version} failed: {}", postgres_detail(.error))]
    PgMigration { version: u32, error: postgres::Error },

    #[error("PostgreSQL error: {}", postgres_detail(.0))]
    Postgres(postgres::Error),
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> StoreError {
        StoreError::Postgres(e)
    }
}

/// What the server said, not only that it said something: `postgres::Error` displays a server's
/// error as "db error" and keeps the message in its source. The three PostgreSQL variants print
/// this whole and so expose no source of their own: an error chain would say it twice.
fn postgres_detail(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let mut out = format!("{} {}: {}", db.severity(), db.code().code(), db.message());
        if let Some(detail) = db.detail() {
            out.push_str(&format!(" ({detail})"));
        }
        return out;
    }
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push_str(&format!(": {s}"));
        source = s.source();
    }
    out
}

impl StoreError {
    /// Whether the user can fix this (a wrong path, a prefix, a version or backend mismatch),
    /// as opposed to an internal failure or a damaged database.
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            StoreError::Open { .. }
                | StoreError::Connect { .. }
                | StoreError::CreateDir { .. }
                | StoreError::TooNew { .. }
                | StoreError::Ambiguous { .. }
                | StoreError::Unsupported(_)
                | StoreError::InvalidArgument(_)
        )
    }
}
