//! Alerts: an event that matched a user's alert rule, with what it matched and where it came from.

use crate::ArticleId;
use serde::{Deserialize, Serialize};

/// Why a rule fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// The event matches the rule's filters.
    Match,
    /// The first matching event after a quiet spell of at least the rule's number of days.
    Lull,
    /// The event brings the number of matching events within the rule's window to its threshold.
    Surge,
}

impl AlertKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            AlertKind::Match => "match",
            AlertKind::Lull => "lull",
            AlertKind::Surge => "surge",
        }
    }
}

/// One source sentence behind an alert, so that the reader can check it without opening the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertEvidence {
    pub article: ArticleId,
    pub outlets: Vec<String>,
    pub url: Option<String>,
    pub published: Option<chrono::NaiveDate>,
    pub sentence: String,
}

/// A rule that fired on an event. `key` identifies it: one rule fires at most once per event and
/// kind, however often the event is re-merged or the watcher restarted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// `rule/kind/event`: the identity used to never store or deliver an alert twice.
    pub key: String,
    pub rule: String,
    pub rule_name: String,
    pub kind: AlertKind,
    pub event: String,
    /// Path of the event in the web UI and the API (`/events/<id>`, `/api/events/<id>`).
    pub link: String,
    pub api_link: String,
    /// One line for a human: what, where, when, how many.
    pub summary: String,
    /// Why the kind fired: "first in 41 days (previous 2019-11-18)", "3 events within 7 days".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub sub_event_type: String,
    pub date: Option<chrono::NaiveDate>,
    pub country: Option<String>,
    pub location: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub killed: Option<u32>,
    pub evidence: Vec<AlertEvidence>,
}

impl Alert {
    /// The identity of a rule's alert on an event.
    pub fn key_for(rule: &str, kind: AlertKind, event: &str) -> String {
        format!("{rule}/{}/{event}", kind.as_str())
    }
}
