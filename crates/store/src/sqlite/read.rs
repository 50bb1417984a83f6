//! Reading the ledger back: events by filter or id prefix, articles, merge candidates, counts.

use super::codec::{date_text, from_json, mentions_from_json, parse_date, parse_severity, to_json};
use crate::{span_floor, ArticleSighting, Counts, EventFilter, LogEntry, StoreError, StoredArticle, Window};
use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension};
use sitrep_model::{Article, Event, SourcedMention};
use std::collections::{HashMap, HashSet};

/// How many candidate ids an ambiguity error lists.
const AMBIGUOUS_SHOWN: usize = 8;

pub(crate) fn has_article(conn: &Connection, id: &str) -> Result<bool, StoreError> {
    Ok(conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM articles WHERE id = ?1)")?.query_row([id], |r| r.get(0))?)
}

pub(crate) fn near_duplicate_candidates(
    conn: &Connection,
    bands: &[u64],
) -> Result<Vec<(sitrep_model::ArticleId, Vec<u64>)>, StoreError> {
    if bands.is_empty() {
        return Ok(Vec::new());
    }
    // One statement for all the keys: the band list travels as a JSON array, and SQLite looks
    // each value up in the primary key. Integers are signed: band keys are stored as the i64
    // with the same bits.
    let keys: Vec<i64> = bands.iter().map(|b| *b as i64).collect();
    let keys = to_json(&keys, || "band key list".to_string())?;
    let mut stmt = conn.prepare_cached(
        "SELECT g.article_id, g.minhash FROM article_signatures g
         WHERE g.article_id IN (SELECT b.article_id FROM article_bands b
                                WHERE b.band IN (SELECT value FROM json_each(?1)))
         ORDER BY g.article_id",
    )?;
    let rows = stmt.query_map([keys], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, blob) = row?;
        let minhash = blob.chunks_exact(8).map(|b| u64::from_le_bytes(b.try_into().unwrap_or_default())).collect();
        out.push((id, minhash));
    }
    Ok(out)
}

pub(crate) fn band_keys_between(conn: &Connection, low: u64, high: u64, limit: usize) -> Result<Vec<u64>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT band FROM article_bands WHERE band BETWEEN ?1 AND ?2 ORDER BY band LIMIT ?3",
    )?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut out = Vec::new();
    for (from, to) in crate::signed_ranges(low, high) {
        let rows = stmt.query_map(params![from, to, limit], |r| r.get::<_, i64>(0))?;
        for band in rows {
            out.push(band? as u64);
        }
    }
    out.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok(out)
}

/// The statement reading the ids of a window's mentions. Its parameters are among `:key`,
/// `:floor`, `:start` and `:end`.
pub(crate) fn window_ids_sql(window: &Window) -> &'static str {
    // A window is read as an index range on the start date: without a lower bound it would scan
    // every mention starting before the window's end, which grows with the ledger and made ingest
    // quadratic.
    match window {
        Window::Dates(..) => {
            "SELECT id FROM event_mentions WHERE date_start BETWEEN :floor AND :end AND date_end >= :start"
        }
        Window::Country(..) => {
            "SELECT id FROM event_mentions
             WHERE country = :key AND date_start BETWEEN :floor AND :end AND date_end >= :start"
        }
        Window::Day(..) => {
            "SELECT id FROM event_mentions WHERE date_start = :start AND date_end = :end AND sub_event_type = :key"
        }
    }
}

/// The statement reading the ids of the mentions assigned to a JSON array of event ids.
pub(crate) const EVENT_MEMBER_IDS_SQL: &str =
    "SELECT id FROM event_mentions WHERE event_id IN (SELECT value FROM json_each(?1))";

/// What [`Store::mentions_for_merge_except`] reads, in two steps: the ids of the mentions in the
/// window and of the events' members, from the indexes alone (each holds the id, schema 7); then
/// the rows of those the caller does not hold already. Most of what a component search reads it
/// has read before (about 70% at 30,000 benchmark articles), and those rows are not touched.
///
/// [`Store::mentions_for_merge_except`]: crate::Store::mentions_for_merge_except
pub(crate) fn mentions_for_merge(
    conn: &Connection,
    window: Option<&Window>,
    event_ids: &[String],
    known: &HashSet<String>,
) -> Result<Vec<(SourcedMention, Option<String>)>, StoreError> {
    let mut wanted: Vec<String> = Vec::new();
    let mut keep = |id: String| {
        if !known.contains(&id) {
            wanted.push(id);
        }
    };
    if let Some(window) = window {
        let (start, end, key) = match window {
            Window::Dates(start, end) => (*start, *end, None),
            Window::Country(country, start, end) => (*start, *end, Some(country.as_str())),
            Window::Day(day, sub_event_type) => (*day, *day, Some(sub_event_type.as_str())),
        };
        let (start, floor, end) = (date_text(Some(start)), date_text(Some(span_floor(start))), date_text(Some(end)));
        let mut stmt = conn.prepare_cached(window_ids_sql(window))?;
        let values: [(&str, &dyn rusqlite::ToSql); 4] =
            [(":key", &key), (":floor", &floor), (":start", &start), (":end", &end)];
        for (name, value) in values {
            if let Some(index) = stmt.parameter_index(name)? {
                stmt.raw_bind_parameter(index, value)?;
            }
        }
        let mut rows = stmt.raw_query();
        while let Some(row) = rows.next()? {
            keep(row.get(0)?);
        }
    }
    if !event_ids.is_empty() {
        // The id list travels as one JSON array parameter, so the statement stays fixed and
        // cached whatever the number of ids.
        let ids = to_json(event_ids, || "event id list".to_string())?;
        let mut stmt = conn.prepare_cached(EVENT_MEMBER_IDS_SQL)?;
        for id in stmt.query_map([ids], |r| r.get::<_, String>(0))? {
            keep(id?);
        }
    }
    wanted.sort_unstable();
    wanted.dedup();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let ids = to_json(&wanted, || "mention id list".to_string())?;
    mentions_where(
        conn,
        "SELECT id, json, event_id FROM event_mentions
         WHERE id IN (SELECT value FROM json_each(?1))
         ORDER BY date_start IS NULL, date_start, id",
        &ids,
    )
}

pub(crate) fn mentions_of_articles(
    conn: &Connection,
    article_ids: &[String],
) -> Result<Vec<(SourcedMention, Option<String>)>, StoreError> {
    let ids = to_json(article_ids, || "article id list".to_string())?;
    mentions_where(
        conn,
        "SELECT id, json, event_id FROM event_mentions
         WHERE article_id IN (SELECT value FROM json_each(?1))
         ORDER BY date_start IS NULL, date_start, id",
        &ids,
    )
}

/// The mentions a statement selects as `(id, json, event_id)` rows, with a JSON array of ids as
/// its one parameter.
fn mentions_where(
    conn: &Connection,
    sql: &str,
    ids: &str,
) -> Result<Vec<(SourcedMention, Option<String>)>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map([ids], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, json, event_id) = row?;
        let mention: SourcedMention = from_json(&json, || format!("event mention {id}"))?;
        out.push((mention, event_id));
    }
    Ok(out)
}

/// Trims a text filter; an empty one filters nothing.
pub(crate) fn text_filter(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The conditions of an [`EventFilter`] over `events e`, as one fixed piece of SQL: each condition
/// switches itself off when its parameter is NULL. Bind it with [`filter_params`].
pub(crate) const FILTER_SQL: &str = "(:since IS NULL OR coalesce(e.date_end, e.date) >= :since)
           AND (:until IS NULL OR e.date <= :until)
           AND (:country IS NULL OR e.country = :country COLLATE NOCASE)
           AND (:admin1 IS NULL OR e.admin1 = :admin1 COLLATE NOCASE)
           AND (:event_type IS NULL
                OR e.event_type = :event_type COLLATE NOCASE
                OR e.sub_event_type = :event_type COLLATE NOCASE)
           AND (:actor IS NULL
                OR sitrep_contains(e.actor1, :actor)
                OR sitrep_contains(e.actor2, :actor)
                OR sitrep_contains(e.assoc_actors, :actor))
           AND (:text IS NULL
                OR sitrep_contains(e.location, :text)
                OR sitrep_contains(e.actor1, :text)
                OR sitrep_contains(e.actor2, :text)
                OR sitrep_contains(e.assoc_actors, :text)
                OR EXISTS (SELECT 1 FROM event_sources s
                           WHERE s.event_id = e.id AND sitrep_contains(s.sentence, :text)))
           AND (:west IS NULL
                OR (e.latitude BETWEEN :south AND :north
                    AND CASE WHEN :west <= :east THEN e.longitude BETWEEN :west AND :east
                             ELSE (e.longitude >= :west OR e.longitude <= :east) END))";

/// The parameters of [`FILTER_SQL`].
pub(crate) fn filter_params(filter: &EventFilter) -> Vec<(&'static str, Value)> {
    let text = |v: &Option<String>| text_filter(v).map_or(Value::Null, |s| Value::Text(s.to_string()));
    let date = |d: Option<NaiveDate>| date_text(d).map_or(Value::Null, Value::Text);
    let bbox = |f: fn(&crate::BBox) -> f64| filter.bbox.as_ref().map_or(Value::Null, |b| Value::Real(f(b)));
    vec![
        (":since", date(filter.since)),
        (":until", date(filter.until)),
        (":country", text(&filter.country)),
        (":admin1", text(&filter.admin1)),
        (":event_type", text(&filter.event_type)),
        (":actor", text(&filter.actor)),
        (":text", text(&filter.text)),
        (":west", bbox(|b| b.west)),
        (":south", bbox(|b| b.south)),
        (":east", bbox(|b| b.east)),
        (":north", bbox(|b| b.north)),
    ]
}

/// Borrows owned parameters the way rusqlite takes named parameters.
pub(crate) fn as_named<'a>(params: &'a [(&'static str, Value)]) -> Vec<(&'static str, &'a dyn rusqlite::ToSql)> {
    params.iter().map(|(name, value)| (*name, value as &dyn rusqlite::ToSql)).collect()
}

pub(crate) fn events(conn: &Connection, filter: &EventFilter) -> Result<Vec<Event>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT e.id, e.json, e.mention_ids FROM events e
         WHERE {FILTER_SQL}
         ORDER BY e.date IS NULL, e.date, e.id
         LIMIT :limit"
    ))?;
    // A negative LIMIT means no limit in SQLite.
    let limit = filter.limit.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
    let mut params = filter_params(filter);
    params.push((":limit", Value::Integer(limit)));
    let rows = stmt.query_map(as_named(&params).as_slice(), |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, json, mention_ids) = row?;
        out.push(complete(conn, &id, &json, &mention_ids)?);
    }
    Ok(out)
}

/// An event from its row: the event without its mentions and the ids of its mentions in order
/// (schema 8), with the mentions read from their rows. Each source's outlets are refreshed from
/// the sightings: a syndicated copy seen after the event was written still shows as another
/// outlet carrying that report.
fn complete(conn: &Connection, id: &str, json: &str, mention_ids: &str) -> Result<Event, StoreError> {
    let mut event: Event = from_json(json, || format!("event {id}"))?;
    let ids: Vec<String> = from_json(mention_ids, || format!("mention ids of event {id}"))?;
    let mut rows: HashMap<String, String> = conn
        .prepare_cached("SELECT id, json FROM event_mentions WHERE id IN (SELECT value FROM json_each(?1))")?
        .query_map([mention_ids], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    event.mentions = Vec::with_capacity(ids.len());
    for mention_id in &ids {
        let Some(json) = rows.remove(mention_id) else {
            return Err(StoreError::Corrupt {
                what: format!("event {id}"),
                detail: format!("its mention {mention_id} is not stored"),
            });
        };
        event.mentions.push(from_json(&json, || format!("event mention {mention_id}"))?);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT outlet FROM article_outlets WHERE article_id = ?1 AND outlet IS NOT NULL GROUP BY outlet ORDER BY min(rowid)",
    )?;
    for m in &mut event.mentions {
        let outlets = stmt.query_map([&m.source.article], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
        if !outlets.is_empty() {
            m.source.outlets = outlets;
        }
    }
    Ok(event)
}

pub(crate) fn event(conn: &Connection, id_or_prefix: &str) -> Result<Option<Event>, StoreError> {
    let wanted = id_or_prefix.trim();
    if wanted.is_empty() {
        return Ok(None);
    }
    // An exact id wins even when it is also the prefix of longer ids.
    let exact: Option<(String, String)> = conn
        .prepare_cached("SELECT json, mention_ids FROM events WHERE id = ?1")?
        .query_row([wanted], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((json, mention_ids)) = exact {
        return complete(conn, wanted, &json, &mention_ids).map(Some);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT id, json, mention_ids FROM events WHERE substr(id, 1, length(?1)) = ?1 ORDER BY id LIMIT ?2",
    )?;
    let limit = i64::try_from(AMBIGUOUS_SHOWN).unwrap_or(i64::MAX);
    let found = stmt
        .query_map(params![wanted, limit], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    match found.as_slice() {
        [] => Ok(None),
        [(id, json, mention_ids)] => complete(conn, id, json, mention_ids).map(Some),
        _ => Err(StoreError::Ambiguous {
            prefix: wanted.to_string(),
            candidates: found.into_iter().map(|(id, _, _)| id).collect(),
        }),
    }
}

pub(crate) fn article(conn: &Connection, id: &str) -> Result<Option<StoredArticle>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT id, source_id, url, outlet, title, published, lang, text, mentions_json
             FROM articles WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                Article {
                    id: r.get(0)?,
                    source_id: r.get(1)?,
                    url: r.get(2)?,
                    outlet: r.get(3)?,
                    title: r.get(4)?,
                    published: None,
                    lang: r.get(6)?,
                    text: r.get(7)?,
                },
                r.get::<_, Option<String>>(5)?,
                r.get::<_, String>(8)?,
            ))
        })
        .optional()?;
    let Some((mut article, published, mentions_json)) = row else {
        return Ok(None);
    };
    article.published = parse_date(published, &format!("publication date of article {id}"))?;
    let mentions = mentions_from_json(&mentions_json, || format!("mentions of article {id}"))?;

    let mut stmt = conn.prepare_cached(
        "SELECT outlet, url, title, published, source_id, origin
         FROM article_outlets WHERE article_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok((
            ArticleSighting {
                article: id.to_string(),
                outlet: r.get(0)?,
                url: r.get(1)?,
                title: r.get(2)?,
                published: None,
                source_id: r.get(4)?,
                origin: r.get(5)?,
            },
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    let mut sightings = Vec::new();
    for row in rows {
        let (mut sighting, published) = row?;
        sighting.published = parse_date(published, &format!("publication date of a sighting of article {id}"))?;
        sightings.push(sighting);
    }
    Ok(Some((article, sightings, mentions)))
}

pub(crate) fn counts(conn: &Connection) -> Result<Counts, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT
             (SELECT count(*) FROM articles),
             (SELECT count(*) FROM article_outlets),
             (SELECT count(DISTINCT outlet) FROM article_outlets),
             (SELECT count(*) FROM event_mentions),
             (SELECT count(*) FROM events),
             (SELECT count(*) FROM ingest_log)",
        )?
        .query_row([], |r| {
            Ok(Counts {
                articles: r.get(0)?,
                sightings: r.get(1)?,
                outlets: r.get(2)?,
                mentions: r.get(3)?,
                events: r.get(4)?,
                log_entries: r.get(5)?,
            })
        })?)
}

pub(crate) fn log_entries(conn: &Connection, limit: usize) -> Result<Vec<LogEntry>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT origin, severity, code, message FROM (
             SELECT id, origin, severity, code, message FROM ingest_log ORDER BY id DESC LIMIT ?1
         ) ORDER BY id",
    )?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = stmt.query_map([limit], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (origin, severity, code, message) = row?;
        out.push(LogEntry { origin, severity: parse_severity(&severity)?, code, message });
    }
    Ok(out)
}
