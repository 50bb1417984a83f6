//! How model values become column values and back: ISO dates, severities, JSON columns.

use crate::StoreError;
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::Serialize;
use sitrep_model::{ActorRef, DateRange, Event, Mention, MentionKind, PlaceRef, Quantity, Severity, Span, Weapon};

const DATE_FORMAT: &str = "%Y-%m-%d";

pub(crate) fn date_text(date: Option<NaiveDate>) -> Option<String> {
    date.map(|d| d.format(DATE_FORMAT).to_string())
}

pub(crate) fn parse_date(text: Option<String>, what: &str) -> Result<Option<NaiveDate>, StoreError> {
    text.map(|t| {
        NaiveDate::parse_from_str(&t, DATE_FORMAT).map_err(|e| StoreError::Corrupt {
            what: what.to_string(),
            detail: format!("`{t}` is not a YYYY-MM-DD date: {e}"),
        })
    })
    .transpose()
}

pub(crate) fn severity_text(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "info",
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}

pub(crate) fn parse_severity(text: &str) -> Result<Severity, StoreError> {
    match text {
        "info" => Ok(Severity::Info),
        "warning" => Ok(Severity::Warning),
        "error" => Ok(Severity::Error),
        other => Err(StoreError::Corrupt {
            what: "log entry severity".to_string(),
            detail: format!("unknown severity `{other}`"),
        }),
    }
}

pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T, what: impl FnOnce() -> String) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|source| StoreError::Encode { what: what(), source })
}

/// The event as its row keeps it (schema 8): everything but the mentions, which have rows of
/// their own. Every field is named, so a field added to `Event` has to be placed here too.
pub(crate) fn without_mentions(event: &Event) -> Event {
    let Event {
        id,
        sub_event_type,
        date,
        place,
        actor1,
        actor2,
        assoc_actors,
        weapon,
        fatalities,
        injured,
        attributions,
        mentions: _,
    } = event;
    Event {
        id: id.clone(),
        sub_event_type: *sub_event_type,
        date: *date,
        place: place.clone(),
        actor1: actor1.clone(),
        actor2: actor2.clone(),
        assoc_actors: assoc_actors.clone(),
        weapon: weapon.clone(),
        fatalities: fatalities.clone(),
        injured: injured.clone(),
        attributions: attributions.clone(),
        mentions: Vec::new(),
    }
}

pub(crate) fn from_json<T: DeserializeOwned>(json: &str, what: impl FnOnce() -> String) -> Result<T, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt { what: what(), detail: e.to_string() })
}

/// How recognised mentions are kept in `articles.mentions_json`: `{"span": …, "place": {…},
/// "qualifier": "near"}`, the kind of mention being the key of its value.
///
/// This is not the model's own serde form, on purpose: there `MentionKind` is tagged by a `kind`
/// field, which collides with the `kind` field of `PlaceRef` and `Weapon`, so place and weapon
/// mentions written that way cannot be read back. Owning the stored form also means a change to
/// the model's serde attributes cannot make old ledgers unreadable.
#[derive(Serialize, serde::Deserialize)]
struct StoredMention {
    span: Span,
    #[serde(flatten)]
    value: StoredKind,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    qualifier: String,
}

#[derive(Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum StoredKind {
    Actor(ActorRef),
    Place(PlaceRef),
    Time(DateRange),
    UnresolvedTime { expression: String },
    Quantity(Quantity),
    Weapon(Weapon),
}

impl From<&Mention> for StoredMention {
    fn from(m: &Mention) -> StoredMention {
        let value = match &m.kind {
            MentionKind::Actor(a) => StoredKind::Actor(a.clone()),
            MentionKind::Place(p) => StoredKind::Place(p.clone()),
            MentionKind::Time(t) => StoredKind::Time(*t),
            MentionKind::UnresolvedTime { expression } => StoredKind::UnresolvedTime { expression: expression.clone() },
            MentionKind::Quantity(q) => StoredKind::Quantity(q.clone()),
            MentionKind::Weapon(w) => StoredKind::Weapon(w.clone()),
        };
        StoredMention { span: m.span, value, qualifier: m.qualifier.clone() }
    }
}

impl From<StoredMention> for Mention {
    fn from(m: StoredMention) -> Mention {
        let kind = match m.value {
            StoredKind::Actor(a) => MentionKind::Actor(a),
            StoredKind::Place(p) => MentionKind::Place(p),
            StoredKind::Time(t) => MentionKind::Time(t),
            StoredKind::UnresolvedTime { expression } => MentionKind::UnresolvedTime { expression },
            StoredKind::Quantity(q) => MentionKind::Quantity(q),
            StoredKind::Weapon(w) => MentionKind::Weapon(w),
        };
        Mention { span: m.span, kind, qualifier: m.qualifier }
    }
}

pub(crate) fn mentions_to_json(mentions: &[Mention], what: impl FnOnce() -> String) -> Result<String, StoreError> {
    let stored: Vec<StoredMention> = mentions.iter().map(StoredMention::from).collect();
    to_json(&stored, what)
}

pub(crate) fn mentions_from_json(json: &str, what: impl FnOnce() -> String) -> Result<Vec<Mention>, StoreError> {
    let stored: Vec<StoredMention> = from_json(json, what)?;
    Ok(stored.into_iter().map(Mention::from).collect())
}
