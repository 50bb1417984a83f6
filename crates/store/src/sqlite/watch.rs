//! What the watcher reads and writes besides events: alerts and its own state.

use super::codec::{date_text, from_json, to_json};
use crate::{StoreError, StoredAlert};
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use sitrep_model::Alert;

/// SQLite integers are signed; sequence numbers past i64::MAX cannot exist in a table, so a
/// larger `after` simply means "after everything".
fn seq_param(after: u64) -> i64 {
    i64::try_from(after).unwrap_or(i64::MAX)
}

fn limit_param(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

pub(crate) fn record_alerts(
    conn: &mut Connection,
    alerts: &[Alert],
    state: &[(String, String)],
) -> Result<Vec<StoredAlert>, StoreError> {
    let tx = conn.transaction()?;
    let mut stored = Vec::new();
    {
        let mut insert = tx.prepare_cached(
            "INSERT OR IGNORE INTO alerts (key, rule, kind, event_id, date, json) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             RETURNING seq, created_at",
        )?;
        for alert in alerts {
            let json = to_json(alert, || format!("alert {}", alert.key))?;
            let row = insert
                .query_row(
                    params![alert.key, alert.rule, alert.kind.as_str(), alert.event, date_text(alert.date), json],
                    |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
                )
                .optional()?;
            if let Some((seq, raised_at)) = row {
                stored.push(StoredAlert { seq: seq.max(0) as u64, raised_at, alert: alert.clone() });
            }
        }
        let mut set = tx.prepare_cached(
            "INSERT INTO watch_state (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )?;
        for (key, value) in state {
            set.execute([key, value])?;
        }
    }
    tx.commit()?;
    Ok(stored)
}

fn stored_alert(seq: i64, raised_at: String, json: &str) -> Result<StoredAlert, StoreError> {
    let alert = from_json(json, || format!("alert #{seq}"))?;
    Ok(StoredAlert { seq: seq.max(0) as u64, raised_at, alert })
}

pub(crate) fn alerts_after(conn: &Connection, after: u64, limit: usize) -> Result<Vec<StoredAlert>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT seq, created_at, json FROM alerts WHERE seq > ?1 ORDER BY seq LIMIT ?2")?;
    let rows = stmt.query_map(params![seq_param(after), limit_param(limit)], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, raised_at, json) = row?;
        out.push(stored_alert(seq, raised_at, &json)?);
    }
    Ok(out)
}

pub(crate) fn rule_alerts(
    conn: &Connection,
    rule: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Alert>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, created_at, json FROM alerts WHERE rule = ?1 AND date >= ?2 AND date <= ?3 ORDER BY seq",
    )?;
    let rows = stmt.query_map(params![rule, date_text(Some(from)), date_text(Some(to))], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, raised_at, json) = row?;
        out.push(stored_alert(seq, raised_at, &json)?.alert);
    }
    Ok(out)
}

pub(crate) fn watch_state(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT value FROM watch_state WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

pub(crate) fn latest_alert(conn: &Connection) -> Result<u64, StoreError> {
    let seq: i64 = conn.prepare_cached("SELECT ifnull(max(seq), 0) FROM alerts")?.query_row([], |r| r.get(0))?;
    Ok(seq.max(0) as u64)
}
