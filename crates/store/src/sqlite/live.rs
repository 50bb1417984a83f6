//! Reads for live views (the web UI and HTTP API): keyset pages of event rows, timeline counts,
//! actors and places with their counts, and the change journal.

use super::codec::parse_date;
use super::read::{as_named, filter_params, FILTER_SQL};
use crate::page::{decode_cursor, encode_cursor, malformed_key, SUMMARY_COLUMNS};
use crate::{
    ActorSummary, Bucket, ChangeKind, EventChange, EventFilter, EventPage, EventSort, EventSummary, GroupBy,
    PlaceSummary, StoreError, TimelineRow, Toll,
};
use rusqlite::types::Value;
use rusqlite::{Connection, Row};

/// The sort key of each order, exactly as the indexes of migration 0003 spell it, so that SQLite
/// walks an index instead of sorting.
fn sort_key(sort: EventSort) -> (&'static str, bool) {
    match sort {
        EventSort::DateAsc => ("coalesce(e.date, '~')", true),
        EventSort::DateDesc => ("coalesce(e.date, '')", false),
        EventSort::FatalitiesAsc => ("coalesce(e.fatalities_best, -1)", true),
        EventSort::FatalitiesDesc => ("coalesce(e.fatalities_best, -1)", false),
    }
}

/// The sort key of a cursor as SQLite compares it.
fn cursor_key(sort: EventSort, cursor: &str) -> Result<(Value, String), StoreError> {
    let (key, id) = decode_cursor(sort, cursor)?;
    let key = match (sort, key) {
        (EventSort::DateAsc | EventSort::DateDesc, serde_json::Value::String(s)) => Value::Text(s),
        (EventSort::FatalitiesAsc | EventSort::FatalitiesDesc, serde_json::Value::Number(n)) => {
            Value::Integer(n.as_i64().ok_or_else(|| malformed_key(cursor))?)
        }
        _ => return Err(malformed_key(cursor)),
    };
    Ok((key, id))
}

fn key_json(key: &Value) -> serde_json::Value {
    match key {
        Value::Integer(i) => serde_json::Value::from(*i),
        Value::Text(t) => serde_json::Value::from(t.as_str()),
        _ => serde_json::Value::Null,
    }
}

fn summary(r: &Row<'_>) -> rusqlite::Result<(EventSummary, [Option<String>; 2])> {
    let toll =
        |i: usize| -> rusqlite::Result<Toll> { Ok(Toll { low: r.get(i)?, best: r.get(i + 1)?, high: r.get(i + 2)? }) };
    let assoc: Option<String> = r.get(14)?;
    Ok((
        EventSummary {
            id: r.get(0)?,
            event_type: r.get(1)?,
            sub_event_type: r.get(2)?,
            date: None,
            date_end: None,
            date_precision: r.get(5)?,
            country: r.get(6)?,
            admin1: r.get(7)?,
            location: r.get(8)?,
            latitude: r.get(9)?,
            longitude: r.get(10)?,
            geo_precision: r.get(11)?,
            actor1: r.get(12)?,
            actor2: r.get(13)?,
            assoc_actors: assoc.map(|a| a.split("; ").map(str::to_string).collect()).unwrap_or_default(),
            weapon: r.get(15)?,
            fatalities: toll(16)?,
            injured: toll(19)?,
            n_articles: r.get(22)?,
            n_outlets: r.get(23)?,
        },
        [r.get(3)?, r.get(4)?],
    ))
}

pub(crate) fn event_page(conn: &Connection, filter: &EventFilter) -> Result<EventPage, StoreError> {
    let (key, ascending) = sort_key(filter.sort);
    let after = filter.cursor.as_deref().map(str::trim).filter(|c| !c.is_empty());
    let (cmp, dir) = if ascending { (">", "ASC") } else { ("<", "DESC") };
    // Statements differ by order and by which bounds apply (never by values), rather than
    // switching conditions off with `OR`: SQLite then starts the index walk at the cursor or the
    // date bound instead of scanning up to it. The bare `key >= :key` repeats what the row-value
    // comparison implies, in the form SQLite can search an expression index with.
    let mut bounds = String::new();
    let mut params = filter_params(filter);
    if let Some(cursor) = after {
        let (k, id) = cursor_key(filter.sort, cursor)?;
        bounds.push_str(&format!(" AND {key} {cmp}= :key AND ({key}, e.id) {cmp} (:key, :id)"));
        params.push((":key", k));
        params.push((":id", Value::Text(id)));
    }
    if matches!(filter.sort, EventSort::DateAsc | EventSort::DateDesc) {
        // Implied by the date filters (undated events fail them anyway): `until` bounds the start
        // date exactly; `since` bounds the end date, and no start date lies further before its
        // end date than the widest stored range (an index answers that at once).
        if let Some(until) = filter.until {
            bounds.push_str(&format!(" AND {key} <= :until_key"));
            params.push((":until_key", Value::Text(until.format("%Y-%m-%d").to_string())));
        }
        if let Some(since) = filter.since {
            let widest: f64 = conn
                .prepare_cached("SELECT ifnull(max(julianday(date_end) - julianday(date)), 0) FROM events")?
                .query_row([], |r| r.get(0))?;
            let floor = since - chrono::Duration::days(widest.ceil() as i64 + 1);
            bounds.push_str(&format!(" AND {key} >= :since_key"));
            params.push((":since_key", Value::Text(floor.format("%Y-%m-%d").to_string())));
        }
    }
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}, {key} AS sort_key FROM events e
         WHERE {FILTER_SQL} {bounds}
         ORDER BY {key} {dir}, e.id {dir}
         LIMIT :limit"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    // One row more than the page: whether it exists says whether there is a next page.
    let page = filter.limit.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX - 1));
    params.push((":limit", Value::Integer(if page < 0 { -1 } else { page + 1 })));
    let rows = stmt.query_map(as_named(&params).as_slice(), |r| Ok((summary(r)?, r.get::<_, Value>(24)?)))?;
    let mut events = Vec::new();
    let mut last_key = Value::Null;
    let mut more = false;
    for row in rows {
        let ((mut event, [date, date_end]), key) = row?;
        if page >= 0 && events.len() as i64 == page {
            more = true;
            break;
        }
        event.date = parse_date(date, &format!("date of event {}", event.id))?;
        event.date_end = parse_date(date_end, &format!("end date of event {}", event.id))?;
        last_key = key;
        events.push(event);
    }
    let next = match events.last() {
        Some(last) if more => Some(encode_cursor(filter.sort, key_json(&last_key), &last.id)),
        _ => None,
    };
    Ok(EventPage { events, next })
}

pub(crate) fn timeline(
    conn: &Connection,
    filter: &EventFilter,
    bucket: Bucket,
    by: GroupBy,
) -> Result<Vec<TimelineRow>, StoreError> {
    let period = match bucket {
        Bucket::Day => "e.date",
        // The Monday on or before the date: step back six days, then forward to a Monday.
        Bucket::Week => "date(e.date, '-6 days', 'weekday 1')",
    };
    let key = match by {
        GroupBy::Type => "e.event_type",
        GroupBy::SubType => "e.sub_event_type",
        GroupBy::Actor => "coalesce(e.actor1, 'unknown')",
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {period} AS period, {key} AS k, count(*), sum(coalesce(e.fatalities_best, 0))
         FROM events e
         WHERE e.date IS NOT NULL AND {FILTER_SQL}
         GROUP BY period, k
         ORDER BY period, k"
    ))?;
    let params = filter_params(filter);
    let rows = stmt.query_map(as_named(&params).as_slice(), |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, u64>(2)?, r.get::<_, u64>(3)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (period, key, events, fatalities) = row?;
        let period = parse_date(Some(period), "timeline period")?.unwrap_or_default();
        out.push(TimelineRow { period, key, events, fatalities });
    }
    Ok(out)
}

pub(crate) fn actors(conn: &Connection) -> Result<Vec<ActorSummary>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.name, a.actor_type, a.country,
             (SELECT count(*) FROM events e WHERE e.actor1_id = a.id)
           + (SELECT count(*) FROM events e WHERE e.actor2_id = a.id AND ifnull(e.actor1_id, '') <> a.id),
             (SELECT count(*) FROM attributions t WHERE t.actor_id = a.id)
         FROM actors a ORDER BY a.name, a.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(ActorSummary {
            id: r.get(0)?,
            name: r.get(1)?,
            actor_type: r.get(2)?,
            country: r.get(3)?,
            events: r.get(4)?,
            attributions: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn places(conn: &Connection) -> Result<Vec<PlaceSummary>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.name, p.country, p.admin1, p.latitude, p.longitude, p.kind,
             (SELECT count(*) FROM events e WHERE e.place_id = p.id)
         FROM places p ORDER BY p.country, p.name, p.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(PlaceSummary {
            id: r.get(0)?,
            name: r.get(1)?,
            country: r.get(2)?,
            admin1: r.get(3)?,
            latitude: r.get(4)?,
            longitude: r.get(5)?,
            kind: r.get(6)?,
            events: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn events_citing(conn: &Connection, article_id: &str) -> Result<Vec<String>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT DISTINCT event_id FROM event_sources WHERE article_id = ?1 ORDER BY event_id")?;
    let rows = stmt.query_map([article_id], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn latest_change(conn: &Connection) -> Result<u64, StoreError> {
    Ok(conn.prepare_cached("SELECT ifnull(max(seq), 0) FROM event_changes")?.query_row([], |r| r.get(0))?)
}

pub(crate) fn changes_since(conn: &Connection, seq: u64, limit: usize) -> Result<Vec<EventChange>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT seq, event_id, change, at FROM event_changes WHERE seq > ?1 ORDER BY seq LIMIT ?2")?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = stmt.query_map(rusqlite::params![seq, limit], |r| {
        Ok((r.get::<_, u64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, event_id, change, at) = row?;
        let change = match change.as_str() {
            "created" => ChangeKind::Created,
            "updated" => ChangeKind::Updated,
            "removed" => ChangeKind::Removed,
            other => {
                return Err(StoreError::Corrupt {
                    what: format!("change journal entry {seq}"),
                    detail: format!("unknown change `{other}`"),
                })
            }
        };
        out.push(EventChange { seq, event_id, change, at });
    }
    Ok(out)
}
