//! Data types shared by every sitrep stage: articles, spans, mentions, events and their provenance.
//!
//! This crate does no IO and has no behaviour beyond small, total helpers. Every other crate speaks
//! in these types, so a change here is a change to the whole pipeline's contract.

mod alert;
mod event;
mod mention;
mod taxonomy;
mod time;

pub use alert::*;
pub use event::*;
pub use mention::*;
pub use taxonomy::*;
pub use time::*;

use serde::{Deserialize, Serialize};

/// A half-open byte range `[start, end)` into an article's `text`.
///
/// Every recognised mention, evidence sentence and extracted field carries one, so that any value
/// can be traced back to the exact bytes it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The text this span covers, or "" when the span does not fall on char boundaries of `text`.
    pub fn slice<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

/// A content hash that identifies an article independently of which outlet carried it.
pub type ArticleId = String;

/// One news article as the pipeline sees it, after ingest and cleaning.
///
/// `text` is the article body; every [`Span`] produced for this article points into it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Article {
    /// Hash of the normalised text (see `sitrep_text::content_id`).
    pub id: ArticleId,
    /// Identifier given by the source (a JSONL `id` field or a file path), kept for the user's reference.
    pub source_id: Option<String>,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub title: Option<String>,
    /// Publication date, when metadata or a dateline gave one.
    pub published: Option<chrono::NaiveDate>,
    pub lang: Option<String>,
    pub text: String,
}

/// Something a stage wants the user to know about one input, without failing the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable machine-readable reason such as `empty`, `binary`, `too_large`, `bad_json`.
    pub code: String,
    pub message: String,
    pub span: Option<Span>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Diagnostic {
    pub fn warning(code: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, code: code.to_string(), message: message.into(), span: None }
    }
    pub fn info(code: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Info, code: code.to_string(), message: message.into(), span: None }
    }
}

/// Great-circle distance in kilometres between two points in degrees (haversine, mean Earth radius
/// 6,371 km). The one distance every stage uses, so that "within 50 km" means the same everywhere.
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().min(1.0).asin()
}
