//! Reads for live views on PostgreSQL: keyset pages of event rows, timeline counts, actors and
//! places with their counts, and the change journal. The same answers, in the same order, as
//! `sqlite/live.rs`; cursors are this backend's own.

use super::read::filter_conditions;
use super::Session;
use crate::page::{decode_cursor, encode_cursor, malformed_key, SUMMARY_COLUMNS};
use crate::{
    ActorSummary, Bucket, ChangeKind, EventChange, EventFilter, EventPage, EventSort, EventSummary, GroupBy,
    PlaceSummary, StoreError, TimelineRow, Toll,
};
use chrono::NaiveDate;
use postgres::Row;

/// The sort key of each order, exactly as the indexes of migration 3 spell it, and whether it
/// ascends. Undated events sort last both ways; unknown tolls below every toll.
fn sort_key(sort: EventSort) -> (&'static str, bool) {
    match sort {
        EventSort::DateAsc => ("coalesce(e.date, 'infinity'::date)", true),
        EventSort::DateDesc => ("coalesce(e.date, '-infinity'::date)", false),
        EventSort::FatalitiesAsc => ("coalesce(e.fatalities_best, -1)", true),
        EventSort::FatalitiesDesc => ("coalesce(e.fatalities_best, -1)", false),
    }
}

/// Where a page resumes: after this key and id. Dates are `None` for undated events.
#[derive(Debug, Clone, PartialEq)]
enum Key {
    Date(Option<NaiveDate>),
    Toll(i64),
}

fn key_json(key: &Key) -> serde_json::Value {
    match key {
        Key::Date(d) => d.map_or(serde_json::Value::Null, |d| d.format("%Y-%m-%d").to_string().into()),
        Key::Toll(n) => (*n).into(),
    }
}

/// The sort key of a cursor as PostgreSQL compares it.
fn cursor_key(sort: EventSort, cursor: &str) -> Result<(Key, String), StoreError> {
    let (key, id) = decode_cursor(sort, cursor)?;
    let key = match (sort, key) {
        (EventSort::DateAsc | EventSort::DateDesc, serde_json::Value::Null) => Key::Date(None),
        (EventSort::DateAsc | EventSort::DateDesc, serde_json::Value::String(s)) => {
            Key::Date(Some(NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| malformed_key(cursor))?))
        }
        (EventSort::FatalitiesAsc | EventSort::FatalitiesDesc, serde_json::Value::Number(n)) => {
            Key::Toll(n.as_i64().ok_or_else(|| malformed_key(cursor))?)
        }
        _ => return Err(malformed_key(cursor)),
    };
    Ok((key, id))
}

fn count(n: Option<i64>) -> Option<u32> {
    n.map(|n| u32::try_from(n).unwrap_or(u32::MAX))
}

fn summary(r: &Row) -> EventSummary {
    let toll = |i: usize| Toll { low: count(r.get(i)), best: count(r.get(i + 1)), high: count(r.get(i + 2)) };
    let assoc: Option<String> = r.get(14);
    let geo_precision: Option<i32> = r.get(11);
    let (n_articles, n_outlets): (i32, i32) = (r.get(22), r.get(23));
    EventSummary {
        id: r.get(0),
        event_type: r.get(1),
        sub_event_type: r.get(2),
        date: r.get(3),
        date_end: r.get(4),
        date_precision: r.get(5),
        country: r.get(6),
        admin1: r.get(7),
        location: r.get(8),
        latitude: r.get(9),
        longitude: r.get(10),
        geo_precision: geo_precision.map(|p| u8::try_from(p).unwrap_or(u8::MAX)),
        actor1: r.get(12),
        actor2: r.get(13),
        assoc_actors: assoc.map(|a| a.split("; ").map(str::to_string).collect()).unwrap_or_default(),
        weapon: r.get(15),
        fatalities: toll(16),
        injured: toll(19),
        n_articles: u32::try_from(n_articles).unwrap_or(0),
        n_outlets: u32::try_from(n_outlets).unwrap_or(0),
    }
}

pub(crate) fn event_page(s: &mut Session, filter: &EventFilter) -> Result<EventPage, StoreError> {
    let (key, ascending) = sort_key(filter.sort);
    let (cmp, dir) = if ascending { (">", "ASC") } else { ("<", "DESC") };
    let mut c = filter_conditions(filter, None);
    if let Some(cursor) = filter.cursor.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        let (after, id) = cursor_key(filter.sort, cursor)?;
        let k = match after {
            Key::Date(d) => {
                let p = c.bind(d);
                let undated = if ascending { "'infinity'::date" } else { "'-infinity'::date" };
                format!("coalesce({p}::date, {undated})")
            }
            Key::Toll(n) => format!("{}::bigint", c.bind(n)),
        };
        let id = c.bind(id);
        c.and(format!("({key}, e.id COLLATE \"C\") {cmp} ({k}, {id}::text COLLATE \"C\")"));
    }
    if matches!(filter.sort, EventSort::DateAsc | EventSort::DateDesc) {
        // Implied by the date filters (undated events fail them anyway), but in the form the
        // index walk starts from: `until` bounds the start date exactly; `since` bounds the end
        // date, and no start date lies further before its end date than the widest stored range.
        if let Some(until) = filter.until {
            let p = c.bind(until);
            c.and(format!("{key} <= {p}::date"));
        }
        if let Some(since) = filter.since {
            let stmt = s.statement("SELECT coalesce(max(date_end - date), 0) FROM events")?;
            let widest: i32 = s.client.query_one(&stmt, &[])?.get(0);
            let floor = since - chrono::Duration::days(i64::from(widest.max(0)) + 1);
            let p = c.bind(floor);
            c.and(format!("{key} >= {p}::date"));
        }
    }
    // One row more than the page: whether it exists says whether there is a next page.
    let page = filter.limit.map(|n| i64::try_from(n).unwrap_or(i64::MAX - 1));
    let limit = c.bind(page.map(|n| n + 1));
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}, {key} FROM events e
         WHERE {}
         ORDER BY {key} {dir}, e.id COLLATE \"C\" {dir}
         LIMIT {limit}::bigint",
        c.sql()
    );
    let rows = s.client.query(sql.as_str(), &c.refs())?;
    let mut events = Vec::with_capacity(rows.len());
    let mut more = false;
    for row in &rows {
        if page.is_some_and(|n| events.len() as i64 >= n) {
            more = true;
            break;
        }
        events.push(summary(row));
    }
    let next = match (events.last(), more) {
        (Some(last), true) => {
            let key = match filter.sort {
                EventSort::DateAsc | EventSort::DateDesc => Key::Date(last.date),
                EventSort::FatalitiesAsc | EventSort::FatalitiesDesc => {
                    Key::Toll(last.fatalities.best.map_or(-1, i64::from))
                }
            };
            Some(encode_cursor(filter.sort, key_json(&key), &last.id))
        }
        _ => None,
    };
    Ok(EventPage { events, next })
}

pub(crate) fn timeline(
    s: &mut Session,
    filter: &EventFilter,
    bucket: Bucket,
    by: GroupBy,
) -> Result<Vec<TimelineRow>, StoreError> {
    let period = match bucket {
        Bucket::Day => "e.date",
        // The Monday on or before the date.
        Bucket::Week => "(e.date - (extract(isodow FROM e.date)::integer - 1))",
    };
    let key = match by {
        GroupBy::Type => "e.event_type",
        GroupBy::SubType => "e.sub_event_type",
        GroupBy::Actor => "coalesce(e.actor1, 'unknown')",
    };
    let c = filter_conditions(filter, None);
    let sql = format!(
        "SELECT {period}, {key}, count(*), coalesce(sum(coalesce(e.fatalities_best, 0)), 0)::bigint
         FROM events e
         WHERE e.date IS NOT NULL AND {}
         GROUP BY {period}, {key}
         ORDER BY {period}, {key} COLLATE \"C\"",
        c.sql()
    );
    let rows = s.client.query(sql.as_str(), &c.refs())?;
    Ok(rows
        .iter()
        .map(|r| TimelineRow {
            period: r.get(0),
            key: r.get(1),
            events: u64::try_from(r.get::<_, i64>(2)).unwrap_or(0),
            fatalities: u64::try_from(r.get::<_, i64>(3)).unwrap_or(0),
        })
        .collect())
}

fn n(r: &Row, i: usize) -> u64 {
    u64::try_from(r.get::<_, i64>(i)).unwrap_or(0)
}

pub(crate) fn actors(s: &mut Session) -> Result<Vec<ActorSummary>, StoreError> {
    let stmt = s.statement(
        "SELECT a.id, a.name, a.actor_type, a.country,
             (SELECT count(*) FROM events e WHERE e.actor1_id = a.id)
           + (SELECT count(*) FROM events e WHERE e.actor2_id = a.id AND coalesce(e.actor1_id, '') <> a.id),
             (SELECT count(*) FROM attributions t WHERE t.actor_id = a.id)
         FROM actors a ORDER BY a.name COLLATE \"C\", a.id COLLATE \"C\"",
    )?;
    let rows = s.client.query(&stmt, &[])?;
    Ok(rows
        .iter()
        .map(|r| ActorSummary {
            id: r.get(0),
            name: r.get(1),
            actor_type: r.get(2),
            country: r.get(3),
            events: n(r, 4),
            attributions: n(r, 5),
        })
        .collect())
}

pub(crate) fn places(s: &mut Session) -> Result<Vec<PlaceSummary>, StoreError> {
    let stmt = s.statement(
        "SELECT p.id, p.name, p.country, p.admin1, p.latitude, p.longitude, p.kind,
             (SELECT count(*) FROM events e WHERE e.place_id = p.id)
         FROM places p ORDER BY p.country COLLATE \"C\", p.name COLLATE \"C\", p.id COLLATE \"C\"",
    )?;
    let rows = s.client.query(&stmt, &[])?;
    Ok(rows
        .iter()
        .map(|r| PlaceSummary {
            id: r.get(0),
            name: r.get(1),
            country: r.get(2),
            admin1: r.get(3),
            latitude: r.get(4),
            longitude: r.get(5),
            kind: r.get(6),
            events: n(r, 7),
        })
        .collect())
}

pub(crate) fn events_citing(s: &mut Session, article_id: &str) -> Result<Vec<String>, StoreError> {
    let stmt = s.statement(
        "SELECT event_id FROM event_sources WHERE article_id = $1
         GROUP BY event_id ORDER BY event_id COLLATE \"C\"",
    )?;
    Ok(s.client.query(&stmt, &[&article_id])?.iter().map(|r| r.get(0)).collect())
}

pub(crate) fn latest_change(s: &mut Session) -> Result<u64, StoreError> {
    let stmt = s.statement("SELECT coalesce(max(seq), 0) FROM event_changes")?;
    Ok(u64::try_from(s.client.query_one(&stmt, &[])?.get::<_, i64>(0)).unwrap_or(0))
}

pub(crate) fn changes_since(s: &mut Session, seq: u64, limit: usize) -> Result<Vec<EventChange>, StoreError> {
    let stmt = s.statement(
        "SELECT seq, event_id, change, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')
         FROM event_changes WHERE seq > $1 ORDER BY seq LIMIT $2",
    )?;
    // Sequence numbers past i64::MAX cannot exist: a larger `seq` means "after everything".
    let after = i64::try_from(seq).unwrap_or(i64::MAX);
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut out = Vec::new();
    for r in s.client.query(&stmt, &[&after, &limit])? {
        let seq = u64::try_from(r.get::<_, i64>(0)).unwrap_or(0);
        let change = match r.get::<_, &str>(2) {
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
        out.push(EventChange { seq, event_id: r.get(1), change, at: r.get(3) });
    }
    Ok(out)
}
