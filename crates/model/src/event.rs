//! Merged events: one real-world incident with every report that described it.

use crate::{ActorRef, ArticleId, DateRange, EventMention, EventType, PlaceRef, Span, Stance, SubEventType, Weapon};
use serde::{Deserialize, Serialize};

/// Where an event mention came from: the article's metadata and the sentence text, so that a
/// merged event can be shown and exported without going back to the article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceMeta {
    pub article: ArticleId,
    pub url: Option<String>,
    /// Every outlet known to carry this article's text (syndicated copies count once).
    pub outlets: Vec<String>,
    pub published: Option<chrono::NaiveDate>,
    pub title: Option<String>,
    /// The trigger sentence's text (`mention.sentence` sliced out of the article).
    pub sentence: String,
}

/// An event mention together with where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourcedMention {
    pub mention: EventMention,
    pub source: SourceMeta,
}

/// One figure as one source reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FigureReport {
    pub article: ArticleId,
    pub outlet: Option<String>,
    pub low: u32,
    pub high: Option<u32>,
    pub sentence: Span,
}

/// A toll reconciled across sources: low / best / high, with every report kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Figures {
    pub low: Option<u32>,
    pub best: Option<u32>,
    pub high: Option<u32>,
    #[serde(default)]
    pub reports: Vec<FigureReport>,
}

/// A claim, accusation or denial of responsibility, linked to the event it refers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribution {
    pub actor: ActorRef,
    pub stance: Stance,
    pub by: Option<ActorRef>,
    pub article: ArticleId,
    pub sentence: Span,
}

/// One real-world event: the merged result of every mention that reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Stable id: kept across re-merges as long as any of its earlier mentions stays in it.
    pub id: String,
    pub sub_event_type: SubEventType,
    pub date: Option<DateRange>,
    pub place: Option<PlaceRef>,
    pub actor1: Option<ActorRef>,
    pub actor2: Option<ActorRef>,
    pub assoc_actors: Vec<ActorRef>,
    pub weapon: Option<Weapon>,
    pub fatalities: Figures,
    pub injured: Figures,
    pub attributions: Vec<Attribution>,
    /// Every report of this event, ordered by publication date then article id.
    pub mentions: Vec<SourcedMention>,
}

impl Event {
    pub fn event_type(&self) -> EventType {
        self.sub_event_type.event_type()
    }

    /// Distinct articles (independent texts) reporting this event.
    pub fn article_count(&self) -> usize {
        let mut ids: Vec<&str> = self.mentions.iter().map(|m| m.source.article.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    }
}
