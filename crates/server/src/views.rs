//! The shapes the UI reads, built from model values: an event with each field's per-source values
//! and conflicts, an article with every evidence span in it, a timeline with its surges and lulls.
//!
//! Pure functions: no IO, no HTTP.

use chrono::{Duration, NaiveDate};
use serde::Serialize;
use sitrep_model::{Article, Event, Figures, Mention, MentionKind, SourcedMention, Span};
use sitrep_store::{ArticleSighting, Bucket, GroupBy, TimelineRow};
use std::collections::{BTreeMap, BTreeSet};

/// One source's value of one field and the words it rests on.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SourcedValue {
    pub value: String,
    pub mention: String,
    pub article: String,
    pub outlet: Option<String>,
    pub published: Option<NaiveDate>,
    /// Byte span of the words, in the article text. Empty when the value came from metadata
    /// (a date taken from the publication date).
    pub span: Span,
    pub sentence: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldView {
    pub name: &'static str,
    /// The merged value.
    pub value: Option<String>,
    /// Every source's value, in source order.
    pub sources: Vec<SourcedValue>,
    /// Sources disagree on the value.
    pub conflict: bool,
}

/// A toll as a range with who reported what.
#[derive(Debug, Clone, Serialize)]
pub struct TollView {
    pub low: Option<u32>,
    pub best: Option<u32>,
    pub high: Option<u32>,
    /// Sources gave different figures.
    pub conflict: bool,
    pub reports: Vec<TollReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TollReport {
    pub article: String,
    pub outlet: Option<String>,
    pub low: u32,
    pub high: Option<u32>,
    pub sentence: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventView<'a> {
    pub id: &'a str,
    pub event_type: &'static str,
    pub sub_event_type: &'static str,
    pub fields: Vec<FieldView>,
    pub fatalities: TollView,
    pub injured: TollView,
    /// The stored event itself: every mention with its evidence spans, every attribution.
    pub event: &'a Event,
}

fn date_label(d: &sitrep_model::DateRange) -> String {
    if d.start == d.end {
        d.start.to_string()
    } else {
        format!("{}..{} ({})", d.start, d.end, d.precision.as_str())
    }
}

fn source_value(m: &SourcedMention, value: String, span: Span, sentence: Span) -> SourcedValue {
    SourcedValue {
        value,
        mention: m.mention.id.clone(),
        article: m.source.article.clone(),
        outlet: m.source.outlets.first().cloned(),
        published: m.source.published,
        span,
        sentence,
    }
}

fn field(
    e: &Event,
    name: &'static str,
    value: Option<String>,
    pick: impl Fn(&SourcedMention) -> Option<(String, Span, Span)>,
) -> FieldView {
    let sources: Vec<SourcedValue> = e
        .mentions
        .iter()
        .filter_map(|m| pick(m).map(|(v, span, sentence)| source_value(m, v, span, sentence)))
        .collect();
    let distinct: BTreeSet<&str> = sources.iter().map(|s| s.value.as_str()).collect();
    FieldView { name, value, conflict: distinct.len() > 1, sources }
}

fn quantity_label(low: u32, high: Option<u32>) -> String {
    match high {
        Some(h) if h == low => low.to_string(),
        Some(h) => format!("{low}–{h}"),
        None => format!("at least {low}"),
    }
}

fn toll(f: &Figures) -> TollView {
    let distinct: BTreeSet<(u32, Option<u32>)> = f.reports.iter().map(|r| (r.low, r.high)).collect();
    TollView {
        low: f.low,
        best: f.best,
        high: f.high,
        conflict: distinct.len() > 1 || f.low != f.high,
        reports: f
            .reports
            .iter()
            .map(|r| TollReport {
                article: r.article.clone(),
                outlet: r.outlet.clone(),
                low: r.low,
                high: r.high,
                sentence: r.sentence,
            })
            .collect(),
    }
}

pub fn event_view(e: &Event) -> EventView<'_> {
    let actor = |a: &Option<sitrep_model::Evidence<sitrep_model::ActorRef>>| {
        a.as_ref().map(|ev| (ev.value.name.clone(), ev.span, ev.sentence))
    };
    let fields = vec![
        field(e, "date", e.date.as_ref().map(date_label), |m| {
            m.mention.time.as_ref().map(|t| (date_label(&t.value), t.span, t.sentence))
        }),
        field(e, "place", e.place.as_ref().map(|p| p.name.clone()), |m| {
            m.mention.place.as_ref().map(|p| (p.value.name.clone(), p.span, p.sentence))
        }),
        field(e, "actor1", e.actor1.as_ref().map(|a| a.name.clone()), |m| actor(&m.mention.actor1)),
        field(e, "actor2", e.actor2.as_ref().map(|a| a.name.clone()), |m| actor(&m.mention.actor2)),
        field(e, "weapon", e.weapon.as_ref().map(|w| w.kind.clone()), |m| {
            m.mention.weapon.as_ref().map(|w| (w.value.kind.clone(), w.span, w.sentence))
        }),
        field(e, "killed", e.fatalities.best.map(|b| b.to_string()), |m| {
            m.mention.killed.as_ref().map(|q| (quantity_label(q.value.low, q.value.high), q.span, q.sentence))
        }),
        field(e, "wounded", e.injured.best.map(|b| b.to_string()), |m| {
            m.mention.wounded.as_ref().map(|q| (quantity_label(q.value.low, q.value.high), q.span, q.sentence))
        }),
    ];
    EventView {
        id: &e.id,
        event_type: e.event_type().as_str(),
        sub_event_type: e.sub_event_type.as_str(),
        fields,
        fatalities: toll(&e.fatalities),
        injured: toll(&e.injured),
        event: e,
    }
}

/// A span of an article that some event rests on, and what it is evidence of.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct EvidenceSpan {
    pub span: Span,
    /// `trigger`, `sentence`, `actor1`, `actor2`, `place`, `time`, `weapon`, `killed`, `wounded`,
    /// or `claimed` / `blamed` / `denied` / `distanced` for attribution sentences.
    pub role: String,
    pub event: String,
}

/// A recognised mention with a short label for display.
#[derive(Debug, Clone, Serialize)]
pub struct MentionView {
    pub span: Span,
    pub kind: &'static str,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArticleView<'a> {
    pub article: &'a Article,
    pub sightings: &'a [ArticleSighting],
    pub mentions: Vec<MentionView>,
    /// Spans of this article that events rest on, in text order. Offsets are UTF-8 bytes.
    pub evidence: Vec<EvidenceSpan>,
    pub events: Vec<String>,
}

fn mention_view(m: &Mention) -> MentionView {
    let (kind, label) = match &m.kind {
        MentionKind::Actor(a) => ("actor", a.name.clone()),
        MentionKind::Place(p) => ("place", format!("{} ({})", p.name, p.country)),
        MentionKind::Time(t) => ("time", date_label(t)),
        MentionKind::UnresolvedTime { expression } => ("time", format!("unresolved: {expression}")),
        MentionKind::Quantity(q) => ("quantity", quantity_label(q.low, q.high)),
        MentionKind::Weapon(w) => ("weapon", w.kind.clone()),
    };
    MentionView { span: m.span, kind, label }
}

/// Every span of `article_id` that `events` rest on, deduplicated and in text order. Spans that
/// do not fall on character boundaries of the text are left out rather than trusted.
pub fn evidence_in(article: &Article, events: &[Event]) -> Vec<EvidenceSpan> {
    let mut out = BTreeSet::new();
    let valid = |s: Span| !s.is_empty() && s.end <= article.text.len() && !s.slice(&article.text).is_empty();
    for e in events {
        let mut add = |span: Span, role: &str| {
            if valid(span) {
                out.insert(EvidenceSpan { span, role: role.to_string(), event: e.id.clone() });
            }
        };
        for m in e.mentions.iter().filter(|m| m.source.article == article.id) {
            let em = &m.mention;
            add(em.sentence, "sentence");
            add(em.trigger, "trigger");
            let roles = [
                ("actor1", em.actor1.as_ref().map(|x| x.span)),
                ("actor2", em.actor2.as_ref().map(|x| x.span)),
                ("place", em.place.as_ref().map(|x| x.span)),
                ("time", em.time.as_ref().map(|x| x.span)),
                ("weapon", em.weapon.as_ref().map(|x| x.span)),
                ("killed", em.killed.as_ref().map(|x| x.span)),
                ("wounded", em.wounded.as_ref().map(|x| x.span)),
            ];
            for (role, span) in roles {
                if let Some(span) = span {
                    add(span, role);
                }
            }
            for a in &em.assoc_actors {
                add(a.span, "assoc_actor");
            }
        }
        for a in e.attributions.iter().filter(|a| a.article == article.id) {
            add(a.sentence, a.stance.as_str());
        }
    }
    out.into_iter().collect()
}

pub fn article_view<'a>(
    article: &'a Article,
    sightings: &'a [ArticleSighting],
    mentions: &[Mention],
    events: &[Event],
) -> ArticleView<'a> {
    ArticleView {
        article,
        sightings,
        mentions: mentions.iter().map(mention_view).collect(),
        evidence: evidence_in(article, events),
        events: events.iter().map(|e| e.id.clone()).collect(),
    }
}

/// One period of a timeline with its count per key.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Period {
    pub start: NaiveDate,
    pub counts: BTreeMap<String, u64>,
    pub total: u64,
    pub fatalities: u64,
}

/// A stretch that stands out: a `surge` (a period well above the periods before it) or a
/// `lull` (a run of empty periods between active ones).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Mark {
    pub kind: &'static str,
    pub start: NaiveDate,
    /// The first day of the last period of the stretch.
    pub end: NaiveDate,
    pub events: u64,
    /// Mean events per period over the periods before it (surges only).
    pub baseline: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimelineView {
    pub bucket: Bucket,
    pub by: GroupBy,
    /// Every key, biggest total first.
    pub keys: Vec<String>,
    /// Every period from the first to the last, empty ones included.
    pub periods: Vec<Period>,
    pub marks: Vec<Mark>,
    /// True when the span was too long to list every period and empty periods were left out.
    pub sparse: bool,
}

/// How many periods back a surge is compared with.
const SURGE_WINDOW: usize = 8;
/// At most this many periods are listed; longer spans list only non-empty periods.
const MAX_PERIODS: usize = 5000;

pub fn timeline_view(rows: &[TimelineRow], bucket: Bucket, by: GroupBy) -> TimelineView {
    let step = match bucket {
        Bucket::Day => Duration::days(1),
        Bucket::Week => Duration::days(7),
    };
    let mut by_period: BTreeMap<NaiveDate, Period> = BTreeMap::new();
    let mut key_totals: BTreeMap<String, u64> = BTreeMap::new();
    for r in rows {
        let p = by_period.entry(r.period).or_insert_with(|| Period {
            start: r.period,
            counts: BTreeMap::new(),
            total: 0,
            fatalities: 0,
        });
        *p.counts.entry(r.key.clone()).or_default() += r.events;
        p.total += r.events;
        p.fatalities += r.fatalities;
        *key_totals.entry(r.key.clone()).or_default() += r.events;
    }
    let mut keys: Vec<(String, u64)> = key_totals.into_iter().collect();
    keys.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let keys = keys.into_iter().map(|(k, _)| k).collect();

    let (first, last) = match (by_period.keys().next(), by_period.keys().next_back()) {
        (Some(f), Some(l)) => (*f, *l),
        _ => return TimelineView { bucket, by, keys, periods: Vec::new(), marks: Vec::new(), sparse: false },
    };
    let span = ((last - first).num_days() / step.num_days()) as usize + 1;
    let sparse = span > MAX_PERIODS;
    let periods: Vec<Period> = if sparse {
        by_period.into_values().collect()
    } else {
        let mut out = Vec::with_capacity(span);
        let mut d = first;
        while d <= last {
            out.push(by_period.remove(&d).unwrap_or(Period {
                start: d,
                counts: BTreeMap::new(),
                total: 0,
                fatalities: 0,
            }));
            d += step;
        }
        out
    };
    let lull_min = match bucket {
        Bucket::Day => 14,
        Bucket::Week => 4,
    };
    let marks = if sparse { Vec::new() } else { marks(&periods, lull_min) };
    TimelineView { bucket, by, keys, periods, marks, sparse }
}

/// Surges: a period (not the first) with at least 3 events and more than twice (plus one) the mean
/// of up to `SURGE_WINDOW` periods before it. Lulls: at least `lull_min` empty periods in a row with
/// events on both sides.
pub fn marks(periods: &[Period], lull_min: usize) -> Vec<Mark> {
    let mut out = Vec::new();
    for (i, p) in periods.iter().enumerate() {
        let before = &periods[i.saturating_sub(SURGE_WINDOW)..i];
        // The first period has nothing to stand out from.
        if before.is_empty() {
            continue;
        }
        let baseline = before.iter().map(|q| q.total as f64).sum::<f64>() / before.len() as f64;
        if p.total >= 3 && (p.total as f64) > 2.0 * baseline + 1.0 {
            out.push(Mark { kind: "surge", start: p.start, end: p.start, events: p.total, baseline });
        }
    }
    let mut i = 0;
    while i < periods.len() {
        if periods[i].total == 0 {
            let start = i;
            while i < periods.len() && periods[i].total == 0 {
                i += 1;
            }
            // A run at either end has no activity on one side: it is the edge of the data.
            if start > 0 && i < periods.len() && i - start >= lull_min {
                out.push(Mark {
                    kind: "lull",
                    start: periods[start].start,
                    end: periods[i - 1].start,
                    events: 0,
                    baseline: 0.0,
                });
            }
        } else {
            i += 1;
        }
    }
    out.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.kind.cmp(b.kind)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn row(period: NaiveDate, key: &str, events: u64) -> TimelineRow {
        TimelineRow { period, key: key.into(), events, fatalities: events }
    }

    #[test]
    fn weeks_are_filled_and_quiet_stretches_and_surges_marked() {
        // One event a week for three weeks, six quiet weeks, then a burst of five.
        let start = d(2023, 9, 4);
        let mut rows: Vec<TimelineRow> = (0..3).map(|w| row(start + Duration::days(7 * w), "Battles", 1)).collect();
        rows.push(row(start + Duration::days(7 * 9), "Explosions/Remote violence", 4));
        rows.push(row(start + Duration::days(7 * 9), "Battles", 1));
        let view = timeline_view(&rows, Bucket::Week, GroupBy::Type);
        assert_eq!(view.periods.len(), 10);
        assert_eq!(view.keys, ["Battles", "Explosions/Remote violence"]);
        assert_eq!(view.periods[9].total, 5);
        let kinds: Vec<(&str, NaiveDate)> = view.marks.iter().map(|m| (m.kind, m.start)).collect();
        assert_eq!(kinds, [("lull", start + Duration::days(21)), ("surge", start + Duration::days(63))]);
        assert_eq!(view.marks[0].end, start + Duration::days(56));
    }

    #[test]
    fn steady_activity_has_no_marks_and_empty_input_no_periods() {
        let start = d(2020, 1, 6);
        let rows: Vec<TimelineRow> = (0..12).map(|w| row(start + Duration::days(7 * w), "Riots", 3)).collect();
        assert!(timeline_view(&rows, Bucket::Week, GroupBy::Type).marks.is_empty());
        assert!(timeline_view(&[], Bucket::Day, GroupBy::Actor).periods.is_empty());
    }
}
