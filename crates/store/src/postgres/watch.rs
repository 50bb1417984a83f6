//! What the watcher reads and writes besides events, on PostgreSQL: alerts and its own state.

use super::Session;
use crate::sqlite::codec::{from_json, to_json};
use crate::{StoreError, StoredAlert};
use chrono::NaiveDate;
use sitrep_model::Alert;

/// Stores the new alerts and sets the state values. The caller holds the transaction. Times are
/// given as the SQLite ledger writes them: UTC, `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn record_alerts(
    s: &mut Session,
    alerts: &[Alert],
    state: &[(String, String)],
) -> Result<Vec<StoredAlert>, StoreError> {
    let mut stored = Vec::new();
    let insert = s.statement(
        "INSERT INTO alerts (key, rule, kind, event_id, date, json) VALUES ($1, $2, $3, $4, $5, $6::text::jsonb)
         ON CONFLICT (key) DO NOTHING
         RETURNING seq, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
    )?;
    for alert in alerts {
        let json = to_json(alert, || format!("alert {}", alert.key))?;
        let row = s
            .client
            .query_opt(&insert, &[&alert.key, &alert.rule, &alert.kind.as_str(), &alert.event, &alert.date, &json])?;
        if let Some(row) = row {
            let seq = u64::try_from(row.get::<_, i64>(0)).unwrap_or(0);
            stored.push(StoredAlert { seq, raised_at: row.get(1), alert: alert.clone() });
        }
    }
    let set = s.statement(
        "INSERT INTO watch_state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?;
    for (key, value) in state {
        s.client.execute(&set, &[key, value])?;
    }
    Ok(stored)
}

fn stored_alert(seq: i64, raised_at: String, json: &str) -> Result<StoredAlert, StoreError> {
    let alert = from_json(json, || format!("alert #{seq}"))?;
    Ok(StoredAlert { seq: u64::try_from(seq).unwrap_or(0), raised_at, alert })
}

pub(crate) fn alerts_after(s: &mut Session, after: u64, limit: usize) -> Result<Vec<StoredAlert>, StoreError> {
    let stmt = s.statement(
        "SELECT seq, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), json::text
         FROM alerts WHERE seq > $1 ORDER BY seq LIMIT $2",
    )?;
    // Sequence numbers past i64::MAX cannot exist: a larger `after` means "after everything".
    let after = i64::try_from(after).unwrap_or(i64::MAX);
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut out = Vec::new();
    for r in s.client.query(&stmt, &[&after, &limit])? {
        out.push(stored_alert(r.get(0), r.get(1), r.get(2))?);
    }
    Ok(out)
}

pub(crate) fn rule_alerts(
    s: &mut Session,
    rule: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Alert>, StoreError> {
    let stmt =
        s.statement("SELECT seq, json::text FROM alerts WHERE rule = $1 AND date >= $2 AND date <= $3 ORDER BY seq")?;
    let mut out = Vec::new();
    for r in s.client.query(&stmt, &[&rule, &from, &to])? {
        out.push(stored_alert(r.get(0), String::new(), r.get(1))?.alert);
    }
    Ok(out)
}

pub(crate) fn watch_state(s: &mut Session, key: &str) -> Result<Option<String>, StoreError> {
    let stmt = s.statement("SELECT value FROM watch_state WHERE key = $1")?;
    Ok(s.client.query_opt(&stmt, &[&key])?.map(|r| r.get(0)))
}

pub(crate) fn latest_alert(s: &mut Session) -> Result<u64, StoreError> {
    let stmt = s.statement("SELECT coalesce(max(seq), 0)::bigint FROM alerts")?;
    let seq: i64 = s.client.query_one(&stmt, &[])?.get(0);
    Ok(seq.max(0) as u64)
}
