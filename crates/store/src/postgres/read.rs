//! Reading the PostgreSQL ledger back: the same answers, in the same order, as the SQLite ledger.

use super::Session;
use crate::sqlite::codec::{from_json, mentions_from_json, parse_severity};
use crate::{ArticleSighting, Counts, EventFilter, LogEntry, StoreError, StoredArticle, Window};
use chrono::NaiveDate;
use postgres::types::ToSql;
use sitrep_model::{Article, Event, SourcedMention};
use std::collections::HashMap;

/// How many candidate ids an ambiguity error lists.
const AMBIGUOUS_SHOWN: i64 = 8;

/// A rectangle on the map, in degrees: west and east longitudes, south and north latitudes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

pub(crate) fn has_article(s: &mut Session, id: &str) -> Result<bool, StoreError> {
    let stmt = s.statement("SELECT EXISTS (SELECT 1 FROM articles WHERE id = $1)")?;
    Ok(s.client.query_one(&stmt, &[&id])?.get(0))
}

pub(crate) fn mentions_for_merge(
    s: &mut Session,
    window: Option<&Window>,
    event_ids: &[String],
) -> Result<Vec<(SourcedMention, Option<String>)>, StoreError> {
    // $1 start, $2 end, $3 event ids, $4 the start date's index floor (see the SQLite backend),
    // $5 the country or type.
    macro_rules! select {
        ($selection:literal) => {
            concat!(
                "SELECT id, json::text, event_id FROM event_mentions WHERE (",
                $selection,
                ") OR event_id = ANY($3::text[]) ORDER BY date_start IS NULL, date_start, id COLLATE \"C\""
            )
        };
    }
    let (sql, start, end, key): (&'static str, Option<NaiveDate>, Option<NaiveDate>, Option<&str>) = match window {
        None => (
            select!("$1::date IS NOT NULL AND $2::date IS NOT NULL AND $4::date IS NOT NULL AND $5::text IS NOT NULL"),
            None,
            None,
            None,
        ),
        Some(Window::Dates(start, end)) => (
            select!("date_start BETWEEN $4::date AND $2::date AND date_end >= $1::date AND $5::text IS NULL"),
            Some(*start),
            Some(*end),
            None,
        ),
        Some(Window::Country(country, start, end)) => (
            select!("country = $5::text AND date_start BETWEEN $4::date AND $2::date AND date_end >= $1::date"),
            Some(*start),
            Some(*end),
            Some(country.as_str()),
        ),
        Some(Window::Day(day, sub_event_type)) => (
            select!("date_start = $1::date AND date_end = $2::date AND sub_event_type = $5::text AND $4::date IS NULL"),
            Some(*day),
            Some(*day),
            Some(sub_event_type.as_str()),
        ),
    };
    let stmt = s.statement(sql)?;
    // Every statement takes all five parameters, so each must use them all for their types.
    let floor = start.filter(|_| !matches!(window, Some(Window::Day(..)))).map(crate::span_floor);
    let rows = s.client.query(&stmt, &[&start, &end, &event_ids, &floor, &key])?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let id: &str = row.get(0);
        let mention: SourcedMention = from_json(row.get(1), || format!("event mention {id}"))?;
        out.push((mention, row.get(2)));
    }
    Ok(out)
}

pub(crate) fn mentions_of_articles(
    s: &mut Session,
    article_ids: &[String],
) -> Result<Vec<(SourcedMention, Option<String>)>, StoreError> {
    let stmt = s.statement(
        "SELECT id, json::text, event_id FROM event_mentions
         WHERE article_id = ANY($1::text[])
         ORDER BY date_start IS NULL, date_start, id COLLATE \"C\"",
    )?;
    let rows = s.client.query(&stmt, &[&article_ids])?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let id: &str = row.get(0);
        let mention: SourcedMention = from_json(row.get(1), || format!("event mention {id}"))?;
        out.push((mention, row.get(2)));
    }
    Ok(out)
}

/// Trims a text filter; an empty one filters nothing.
fn text_filter(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// A LIKE pattern matching `needle` anywhere, its own `%`, `_` and `\` taken literally.
fn contains_pattern(needle: &str) -> String {
    let mut out = String::with_capacity(needle.len() + 2);
    out.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The conditions of an event query and their parameters, numbered as they are bound.
#[derive(Default)]
pub(super) struct Conditions {
    pub(super) clauses: Vec<String>,
    pub(super) params: Vec<Box<dyn ToSql + Sync>>,
}

impl Conditions {
    /// Binds a parameter and returns its placeholder.
    pub(super) fn bind(&mut self, value: impl ToSql + Sync + 'static) -> String {
        self.params.push(Box::new(value));
        format!("${}", self.params.len())
    }

    pub(super) fn and(&mut self, clause: String) {
        self.clauses.push(clause);
    }

    /// The conditions joined with AND (`TRUE` when there are none).
    pub(super) fn sql(&self) -> String {
        if self.clauses.is_empty() {
            "TRUE".to_string()
        } else {
            self.clauses.join("\n  AND ")
        }
    }

    /// The parameters as `query` takes them.
    pub(super) fn refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.params.iter().map(|p| p.as_ref() as &(dyn ToSql + Sync)).collect()
    }
}

/// Every filter field, turned into conditions on `events e`. Adding a filter field is adding a
/// block here. `limit`, `sort` and `cursor` are not conditions: the listings apply them.
pub(super) fn filter_conditions(filter: &EventFilter, bbox: Option<BoundingBox>) -> Conditions {
    let mut c = Conditions::default();
    if let Some(since) = filter.since {
        let p = c.bind(since);
        c.and(format!("coalesce(e.date_end, e.date) >= {p}"));
    }
    if let Some(until) = filter.until {
        let p = c.bind(until);
        c.and(format!("e.date <= {p}"));
    }
    if let Some(country) = text_filter(&filter.country) {
        let p = c.bind(country);
        c.and(format!("upper(e.country) = upper({p})"));
    }
    if let Some(admin1) = text_filter(&filter.admin1) {
        let p = c.bind(admin1);
        c.and(format!("lower(e.admin1) = lower({p})"));
    }
    if let Some(event_type) = text_filter(&filter.event_type) {
        let p = c.bind(event_type);
        c.and(format!("(lower(e.event_type) = lower({p}) OR lower(e.sub_event_type) = lower({p}))"));
    }
    if let Some(actor) = text_filter(&filter.actor) {
        let p = c.bind(contains_pattern(&actor));
        c.and(format!(
            "(lower(e.actor1) LIKE lower({p}) OR lower(e.actor2) LIKE lower({p}) OR lower(e.assoc_actors) LIKE lower({p}))"
        ));
    }
    if let Some(text) = text_filter(&filter.text) {
        let p = c.bind(contains_pattern(&text));
        c.and(format!(
            "(lower(e.location) LIKE lower({p}) OR lower(e.actor1) LIKE lower({p})
              OR lower(e.actor2) LIKE lower({p}) OR lower(e.assoc_actors) LIKE lower({p})
              OR EXISTS (SELECT 1 FROM event_sources s
                         WHERE s.event_id = e.id AND lower(s.sentence) LIKE lower({p})))"
        ));
    }
    let boxes = bbox.into_iter().chain(filter.bbox.map(|b| BoundingBox {
        west: b.west,
        south: b.south,
        east: b.east,
        north: b.north,
    }));
    for b in boxes {
        if b.west <= b.east {
            // Served by the GiST index on the events' points.
            let (w, s, e, n) = (c.bind(b.west), c.bind(b.south), c.bind(b.east), c.bind(b.north));
            c.and(format!(
                "e.latitude IS NOT NULL AND point(e.longitude, e.latitude) <@ box(point({w}, {s}), point({e}, {n}))"
            ));
        } else {
            // Across the antimeridian: two longitude ranges, which one box cannot express.
            let (w, s, e, n) = (c.bind(b.west), c.bind(b.south), c.bind(b.east), c.bind(b.north));
            c.and(format!("e.latitude BETWEEN {s} AND {n} AND (e.longitude >= {w} OR e.longitude <= {e})"));
        }
    }
    c
}

pub(crate) fn events(
    s: &mut Session,
    filter: &EventFilter,
    bbox: Option<BoundingBox>,
) -> Result<Vec<Event>, StoreError> {
    let mut c = filter_conditions(filter, bbox);
    let limit = filter.limit.map(|n| i64::try_from(n).unwrap_or(i64::MAX));
    let limit = c.bind(limit);
    let condition = c.sql();
    let sql = format!(
        "SELECT e.id, e.json::text FROM events e
         WHERE {condition}
         ORDER BY e.date IS NULL, e.date, e.id COLLATE \"C\"
         LIMIT {limit}"
    );
    let rows = s.client.query(sql.as_str(), &c.refs())?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let id: &str = row.get(0);
        out.push(with_outlets(s, from_json(row.get(1), || format!("event {id}"))?)?);
    }
    Ok(out)
}

/// Refreshes each source's outlets from the sightings, in the order they were recorded, as the
/// SQLite ledger does: a syndicated copy seen after the event was written still shows.
fn with_outlets(s: &mut Session, mut event: Event) -> Result<Event, StoreError> {
    let stmt = s.statement(
        "SELECT article_id, outlet FROM article_outlets
         WHERE article_id = ANY($1::text[]) AND outlet IS NOT NULL
         GROUP BY article_id, outlet ORDER BY min(id)",
    )?;
    let articles: Vec<&str> = event.mentions.iter().map(|m| m.source.article.as_str()).collect();
    let mut outlets: HashMap<String, Vec<String>> = HashMap::new();
    for row in s.client.query(&stmt, &[&articles])? {
        outlets.entry(row.get(0)).or_default().push(row.get(1));
    }
    for m in &mut event.mentions {
        if let Some(found) = outlets.get(&m.source.article) {
            m.source.outlets = found.clone();
        }
    }
    Ok(event)
}

pub(crate) fn event(s: &mut Session, id_or_prefix: &str) -> Result<Option<Event>, StoreError> {
    let wanted = id_or_prefix.trim();
    if wanted.is_empty() {
        return Ok(None);
    }
    // An exact id wins even when it is also the prefix of longer ids.
    let stmt = s.statement("SELECT json::text FROM events WHERE id = $1")?;
    if let Some(row) = s.client.query_opt(&stmt, &[&wanted])? {
        let event = from_json(row.get(0), || format!("event {wanted}"))?;
        return with_outlets(s, event).map(Some);
    }
    let stmt = s.statement(
        "SELECT id, json::text FROM events WHERE id LIKE $1 ESCAPE '\\' ORDER BY id COLLATE \"C\" LIMIT $2",
    )?;
    let mut prefix = contains_pattern(wanted);
    prefix.remove(0);
    let rows = s.client.query(&stmt, &[&prefix, &AMBIGUOUS_SHOWN])?;
    match rows.as_slice() {
        [] => Ok(None),
        [row] => {
            let id: &str = row.get(0);
            let event = from_json(row.get(1), || format!("event {id}"))?;
            with_outlets(s, event).map(Some)
        }
        _ => Err(StoreError::Ambiguous {
            prefix: wanted.to_string(),
            candidates: rows.iter().map(|r| r.get::<_, String>(0)).collect(),
        }),
    }
}

pub(crate) fn article(s: &mut Session, id: &str) -> Result<Option<StoredArticle>, StoreError> {
    let stmt = s.statement(
        "SELECT id, source_id, url, outlet, title, published, lang, text, mentions_json::text
         FROM articles WHERE id = $1",
    )?;
    let Some(row) = s.client.query_opt(&stmt, &[&id])? else {
        return Ok(None);
    };
    let article = Article {
        id: row.get(0),
        source_id: row.get(1),
        url: row.get(2),
        outlet: row.get(3),
        title: row.get(4),
        published: row.get(5),
        lang: row.get(6),
        text: row.get(7),
    };
    let mentions = mentions_from_json(row.get(8), || format!("mentions of article {id}"))?;

    let stmt = s.statement(
        "SELECT outlet, url, title, published, source_id, origin
         FROM article_outlets WHERE article_id = $1 ORDER BY id",
    )?;
    let sightings = s
        .client
        .query(&stmt, &[&id])?
        .into_iter()
        .map(|r| ArticleSighting {
            article: id.to_string(),
            outlet: r.get(0),
            url: r.get(1),
            title: r.get(2),
            published: r.get(3),
            source_id: r.get(4),
            origin: r.get(5),
        })
        .collect();
    Ok(Some((article, sightings, mentions)))
}

pub(crate) fn counts(s: &mut Session) -> Result<Counts, StoreError> {
    let stmt = s.statement(
        "SELECT
         (SELECT count(*) FROM articles),
         (SELECT count(*) FROM article_outlets),
         (SELECT count(DISTINCT outlet) FROM article_outlets),
         (SELECT count(*) FROM event_mentions),
         (SELECT count(*) FROM events),
         (SELECT count(*) FROM ingest_log)",
    )?;
    let r = s.client.query_one(&stmt, &[])?;
    let n = |i: usize| u64::try_from(r.get::<_, i64>(i)).unwrap_or(0);
    Ok(Counts { articles: n(0), sightings: n(1), outlets: n(2), mentions: n(3), events: n(4), log_entries: n(5) })
}

pub(crate) fn log_entries(s: &mut Session, limit: usize) -> Result<Vec<LogEntry>, StoreError> {
    let stmt = s.statement(
        "SELECT origin, severity, code, message FROM (
             SELECT id, origin, severity, code, message FROM ingest_log ORDER BY id DESC LIMIT $1
         ) AS newest ORDER BY id",
    )?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut out = Vec::new();
    for r in s.client.query(&stmt, &[&limit])? {
        let severity: &str = r.get(1);
        out.push(LogEntry { origin: r.get(0), severity: parse_severity(severity)?, code: r.get(2), message: r.get(3) });
    }
    Ok(out)
}

pub(crate) fn band_keys_between(s: &mut Session, low: u64, high: u64, limit: usize) -> Result<Vec<u64>, StoreError> {
    let stmt =
        s.statement("SELECT DISTINCT band FROM article_bands WHERE band BETWEEN $1 AND $2 ORDER BY band LIMIT $3")?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut out = Vec::new();
    for (from, to) in crate::signed_ranges(low, high) {
        for r in s.client.query(&stmt, &[&from, &to, &limit])? {
            out.push(r.get::<_, i64>(0) as u64);
        }
    }
    out.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok(out)
}

pub(crate) fn near_duplicate_candidates(
    s: &mut Session,
    bands: &[u64],
) -> Result<Vec<(sitrep_model::ArticleId, Vec<u64>)>, StoreError> {
    if bands.is_empty() {
        return Ok(Vec::new());
    }
    let stmt = s.statement(
        "SELECT g.article_id, g.minhash FROM article_signatures g
         WHERE g.article_id IN (SELECT b.article_id FROM article_bands b WHERE b.band = ANY($1::bigint[]))
         ORDER BY g.article_id COLLATE \"C\"",
    )?;
    // Band hashes and MinHash values are stored as the i64 with the same 64 bits.
    let bands: Vec<i64> = bands.iter().map(|b| *b as i64).collect();
    let rows = s.client.query(&stmt, &[&bands])?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let minhash: Vec<i64> = r.get(1);
            (r.get(0), minhash.into_iter().map(|v| v as u64).collect())
        })
        .collect())
}
