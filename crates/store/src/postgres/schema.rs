//! Numbered schema migrations for PostgreSQL, recorded in the table `sitrep_schema`.
//!
//! The same story as the SQLite ledger: one SQL file per step under `migrations/postgres/`, the
//! same version numbers for the same logical schema, each step in its own transaction with the
//! version bump. Workers starting together serialise on an advisory lock, so each step runs once.

use super::Session;
use crate::StoreError;

const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/postgres/0001_initial.sql"),
    include_str!("../../migrations/postgres/0002_analyst_view.sql"),
    include_str!("../../migrations/postgres/0003_live_views.sql"),
    include_str!("../../migrations/postgres/0004_alerts.sql"),
    include_str!("../../migrations/postgres/0005_near_duplicates.sql"),
    include_str!("../../migrations/postgres/0006_signatures_and_mention_country.sql"),
    include_str!("../../migrations/postgres/0007_mention_indexes_cover_merge_windows.sql"),
];

/// The schema version this build writes and reads; equal to the SQLite ledger's version.
pub const PG_SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// The session-level advisory lock held while migrating.
const MIGRATION_LOCK: i64 = 0x5172_6570_0002;

pub(crate) fn version(s: &mut Session) -> Result<u32, StoreError> {
    let exists: bool = s.client.query_one("SELECT to_regclass('sitrep_schema') IS NOT NULL", &[])?.get(0);
    if !exists {
        return Ok(0);
    }
    let version: i32 = s.client.query_one("SELECT coalesce(max(version), 0) FROM sitrep_schema", &[])?.get(0);
    Ok(u32::try_from(version).unwrap_or(0))
}

pub(crate) fn migrate(s: &mut Session, target: u32) -> Result<(), StoreError> {
    s.client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])?;
    let result = migrate_locked(s, target);
    let unlocked = s.client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]);
    result?;
    unlocked?;
    Ok(())
}

fn migrate_locked(s: &mut Session, target: u32) -> Result<(), StoreError> {
    s.client.batch_execute(
        "CREATE TABLE IF NOT EXISTS sitrep_schema (
             version    integer PRIMARY KEY,
             applied_at timestamptz NOT NULL DEFAULT now()
         )",
    )?;
    let found = version(s)?;
    if found > PG_SCHEMA_VERSION {
        return Err(StoreError::TooNew { found, supported: PG_SCHEMA_VERSION });
    }
    for (version, sql) in (1u32..).zip(MIGRATIONS) {
        if version <= found {
            continue;
        }
        if version > target {
            break;
        }
        s.in_transaction(|s| {
            s.client.batch_execute(sql).map_err(|error| StoreError::PgMigration { version, error })?;
            let v = i32::try_from(version).unwrap_or(i32::MAX);
            s.client.execute("INSERT INTO sitrep_schema (version) VALUES ($1)", &[&v])?;
            Ok(())
        })?;
    }
    Ok(())
}
