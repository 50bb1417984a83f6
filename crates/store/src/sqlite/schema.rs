//! Numbered schema migrations, recorded in `PRAGMA user_version`.
//!
//! Each step is one SQL file under `migrations/`, applied in its own transaction together with the
//! version bump, so a database is always at exactly one version. Never edit a released step:
//! add the next one, and keep an old-format fixture under `test_data/` that a test upgrades.

use crate::StoreError;
use rusqlite::{Connection, TransactionBehavior};

/// The migration steps; step `i` (0-based) takes the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_initial.sql"),
    include_str!("../../migrations/0002_analyst_view.sql"),
    include_str!("../../migrations/0003_live_views.sql"),
    include_str!("../../migrations/0004_alerts.sql"),
    include_str!("../../migrations/0005_near_duplicates.sql"),
    include_str!("../../migrations/0006_signatures_and_mention_country.sql"),
    include_str!("../../migrations/0007_mention_indexes_cover_merge_windows.sql"),
    include_str!("../../migrations/0008_event_rows_without_mentions.sql"),
    include_str!("../../migrations/0009_band_rows_without_foreign_key.sql"),
];

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

pub(crate) fn user_version(conn: &Connection) -> Result<u32, StoreError> {
    Ok(conn.pragma_query_value(None, "user_version", |row| row.get(0))?)
}

/// Brings the schema up to `target`, one step per transaction.
pub(crate) fn migrate(conn: &mut Connection, target: u32) -> Result<(), StoreError> {
    let found = user_version(conn)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew { found, supported: SCHEMA_VERSION });
    }
    for (version, sql) in (1u32..).zip(MIGRATIONS) {
        if version <= found {
            continue;
        }
        if version > target {
            break;
        }
        // IMMEDIATE takes the write lock before reading the version, so two processes opening
        // an old file at once apply each step exactly once.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if user_version(&tx)? >= version {
            continue;
        }
        tx.execute_batch(sql).map_err(|source| StoreError::Migration { version, source })?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}
