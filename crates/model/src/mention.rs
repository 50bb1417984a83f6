//! What the recognisers find in text (actors, places, times, quantities, weapons) and what the
//! extractor builds from them (event mentions and attribution statements).

use crate::{ActorType, ArticleId, DateRange, Span, Stance, SubEventType};
use serde::{Deserialize, Serialize};

/// A known actor: a state, a force, an armed group, a person, or a generic actor ("protesters").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ActorRef {
    /// Stable dictionary id, e.g. `kataib-hezbollah`.
    pub id: String,
    /// Canonical display name.
    pub name: String,
    pub actor_type: ActorType,
    /// ISO 3166-1 alpha-2 code of the actor's home country, when it has one.
    pub country: Option<String>,
    /// Ids of umbrella groups or patrons this actor belongs to (front groups, fronts of an umbrella).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parents: Vec<String>,
    /// Generic actors ("gunmen", "protesters") are never preferred over named ones.
    #[serde(default)]
    pub generic: bool,
}

/// A known place with its coordinates and how precisely the mention locates an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceRef {
    /// Stable id: `gn:<geonameid>` for GeoNames places, `cur:<slug>` for curated ones, `cc:<ISO2>` for countries.
    pub id: String,
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub admin1: Option<String>,
    pub lat: f64,
    pub lon: f64,
    /// 1 = the town or site itself, 2 = near it or part of a region, 3 = province or country.
    pub geo_precision: u8,
    /// Kind of place: `city`, `base`, `airport`, `embassy`, `zone`, `district`, `admin1`, `country`.
    /// Serialised as `place_kind` so that a tagged [`MentionKind`] can use `kind`.
    #[serde(rename = "place_kind", alias = "kind")]
    pub kind: String,
}

/// A number of something with the uncertainty the text gives it ("at least 25" → 25..None).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quantity {
    pub low: u32,
    /// `None` means open-ended ("at least"), equal to `low` means exact.
    pub high: Option<u32>,
    /// What is counted when the text says so: `people`, `rockets`, `drones`, `sites`, ...
    pub unit: Option<String>,
}

impl Quantity {
    pub fn exact(n: u32) -> Quantity {
        Quantity { low: n, high: Some(n), unit: None }
    }
}

/// A weapon or means of attack ("seven rockets", "a drone", "an IED").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Weapon {
    /// Canonical kind: `rocket`, `mortar`, `missile`, `drone`, `airstrike`, `ied`, `suicide_bomb`,
    /// `grenade`, `gunfire`, `tear_gas`, `artillery`. Serialised as `weapon` (see [`PlaceRef::kind`]).
    #[serde(rename = "weapon", alias = "kind")]
    pub kind: String,
    pub count: Option<u32>,
}

/// What a recognised mention refers to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum MentionKind {
    Actor(ActorRef),
    Place(PlaceRef),
    Time(DateRange),
    /// A time expression that could not be resolved (no publication date to anchor it).
    UnresolvedTime {
        expression: String,
    },
    Quantity(Quantity),
    Weapon(Weapon),
}

/// One recognised mention in an article's text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    pub span: Span,
    #[serde(flatten)]
    pub kind: MentionKind,
    /// For places: the relation the text gives ("near", "east of", "in"). Empty for other kinds.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub qualifier: String,
}

/// An extracted value together with the evidence it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence<T> {
    pub value: T,
    /// The words in the text that gave the value.
    pub span: Span,
    /// The sentence the value was taken from (may differ from the event's trigger sentence when
    /// the value came from the previous sentence or the headline).
    pub sentence: Span,
}

/// One report of an event in one article: a trigger, its type and its roles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventMention {
    /// Hash of (article id, trigger span): stable across runs.
    pub id: String,
    pub article: ArticleId,
    pub sub_event_type: SubEventType,
    /// The id of the extraction rule that fired, for explanations and rule tests.
    pub rule: String,
    pub trigger: Span,
    pub sentence: Span,
    pub actor1: Option<Evidence<ActorRef>>,
    pub actor2: Option<Evidence<ActorRef>>,
    #[serde(default)]
    pub assoc_actors: Vec<Evidence<ActorRef>>,
    pub place: Option<Evidence<PlaceRef>>,
    pub time: Option<Evidence<DateRange>>,
    pub weapon: Option<Evidence<Weapon>>,
    pub killed: Option<Evidence<Quantity>>,
    pub wounded: Option<Evidence<Quantity>>,
    #[serde(default)]
    pub attributions: Vec<AttributionMention>,
}

/// A statement that someone claimed, was blamed for or denied an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributionMention {
    pub actor: ActorRef,
    pub stance: Stance,
    /// Who made the statement (for blame: the accuser; for claims and denials usually the actor itself).
    pub by: Option<ActorRef>,
    pub span: Span,
    pub sentence: Span,
}

/// Everything the recognise and extract stages found in one article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ArticleAnalysis {
    pub article: ArticleId,
    pub sentences: Vec<Span>,
    pub mentions: Vec<Mention>,
    pub events: Vec<EventMention>,
    pub diagnostics: Vec<crate::Diagnostic>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: `PlaceRef::kind` and `Weapon::kind` once collided with the `kind` tag of
    /// `MentionKind`, so place and weapon mentions could be written as JSON but not read back.
    #[test]
    fn place_and_weapon_mentions_round_trip_through_json() {
        let place = Mention {
            span: Span::new(3, 9),
            kind: MentionKind::Place(PlaceRef {
                id: "cur:k1".into(),
                name: "K1 Air Base".into(),
                country: "IQ".into(),
                admin1: Some("Kirkuk".into()),
                lat: 35.5,
                lon: 44.3,
                geo_precision: 1,
                kind: "base".into(),
            }),
            qualifier: "near".into(),
        };
        let weapon = Mention {
            span: Span::new(0, 2),
            kind: MentionKind::Weapon(Weapon { kind: "rocket".into(), count: Some(7) }),
            qualifier: String::new(),
        };
        for m in [place, weapon] {
            let json = serde_json::to_string(&m).unwrap();
            assert_eq!(serde_json::from_str::<Mention>(&json).unwrap(), m, "{json}");
        }
        // Ledgers written before the rename still read.
        let old: PlaceRef = serde_json::from_str(
            r#"{"id":"x","name":"x","country":"IQ","admin1":null,"lat":0.0,"lon":0.0,"geo_precision":1,"kind":"city"}"#,
        )
        .unwrap();
        assert_eq!(old.kind, "city");
    }
}
