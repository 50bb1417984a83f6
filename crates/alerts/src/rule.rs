//! Alert rules as the user writes them (TOML) and as evaluation uses them (validated, normalised).

use crate::AlertsError;
use chrono::{Duration, NaiveDate};
use serde::Deserialize;
use sitrep_model::{Event, EventType, Stance, SubEventType};

/// A circle on the map: events placed within `radius_km` of the point match.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Near {
    pub lat: f64,
    pub lon: f64,
    pub radius_km: f64,
}

/// When a matching event raises an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// Every matching event.
    Every,
    /// A matching event with no other matching event in the `days` before it: the attack that
    /// breaks a lull.
    FirstIn { days: u32 },
    /// A matching event that makes `count` matching events within `days` consecutive days.
    Surge { count: u32, days: u32 },
}

/// One validated rule. Every filter that is set must hold; unset filters match everything.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub id: String,
    pub name: String,
    /// Event types and sub-event types.
    pub event_types: Vec<EventType>,
    pub sub_event_types: Vec<SubEventType>,
    /// Lower-cased actor ids or names; an actor matches by id, name or the id of a parent group.
    pub actors: Vec<String>,
    /// Upper-case ISO 3166-1 alpha-2 codes.
    pub countries: Vec<String>,
    pub near: Option<Near>,
    pub min_killed: Option<u32>,
    pub trigger: Trigger,
}

/// Every rule of a rules file, in file order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    rule: Vec<Spec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    id: Option<String>,
    name: Option<String>,
    #[serde(default)]
    types: Vec<String>,
    #[serde(default)]
    actors: Vec<String>,
    #[serde(default)]
    countries: Vec<String>,
    near: Option<Near>,
    min_killed: Option<u32>,
    first_in_days: Option<u32>,
    surge: Option<SurgeSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SurgeSpec {
    count: u32,
    days: u32,
}

impl RuleSet {
    /// Parses and checks a rules file. Errors name the rule and the field.
    pub fn parse(toml_text: &str) -> Result<RuleSet, AlertsError> {
        let file: File = toml::from_str(toml_text).map_err(|e| AlertsError::Toml(e.to_string()))?;
        let mut rules: Vec<Rule> = Vec::with_capacity(file.rule.len());
        for (i, spec) in file.rule.into_iter().enumerate() {
            let rule = Rule::from_spec(i + 1, spec)?;
            if rules.iter().any(|r| r.id == rule.id) {
                return Err(field(
                    i + 1,
                    &rule.id,
                    "id",
                    "another rule has this id; ids name alerts, so they must differ",
                ));
            }
            rules.push(rule);
        }
        Ok(RuleSet { rules })
    }
}

fn field(index: usize, id: &str, field: &'static str, message: impl Into<String>) -> AlertsError {
    AlertsError::Field { index, id: id.to_string(), field, message: message.into() }
}

impl Rule {
    fn from_spec(index: usize, spec: Spec) -> Result<Rule, AlertsError> {
        let id = spec.id.unwrap_or_default().trim().to_string();
        if id.is_empty() {
            return Err(field(index, "?", "id", "every rule needs an id (it names its alerts)"));
        }
        if !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(field(index, &id, "id", "use letters, digits, '-' and '_' only"));
        }
        let mut event_types = Vec::new();
        let mut sub_event_types = Vec::new();
        for t in &spec.types {
            if let Some(s) = SubEventType::parse(t) {
                sub_event_types.push(s);
            } else if let Some(e) = EventType::parse(t) {
                event_types.push(e);
            } else {
                let known: Vec<&str> = EventType::ALL.iter().map(|e| e.as_str()).collect();
                return Err(field(
                    index,
                    &id,
                    "types",
                    format!("`{t}` is neither an ACLED event type ({}) nor a sub-event type", known.join(", ")),
                ));
            }
        }
        let mut countries = Vec::new();
        for c in &spec.countries {
            let c = c.trim();
            if c.len() != 2 || !c.chars().all(|ch| ch.is_ascii_alphabetic()) {
                return Err(field(index, &id, "countries", format!("`{c}` is not an ISO 3166-1 alpha-2 code")));
            }
            countries.push(c.to_ascii_uppercase());
        }
        if let Some(n) = spec.near {
            let ok = (-90.0..=90.0).contains(&n.lat)
                && (-180.0..=180.0).contains(&n.lon)
                && n.radius_km.is_finite()
                && n.radius_km > 0.0;
            if !ok {
                return Err(field(index, &id, "near", "needs lat in -90..90, lon in -180..180 and radius_km > 0"));
            }
        }
        let trigger = match (spec.first_in_days, spec.surge) {
            (Some(_), Some(_)) => {
                return Err(field(index, &id, "surge", "a rule has either first_in_days or surge; write two rules"))
            }
            (Some(0), None) => return Err(field(index, &id, "first_in_days", "must be at least 1")),
            (Some(days), None) => Trigger::FirstIn { days },
            (None, Some(s)) if s.count < 2 || s.days < 1 => {
                return Err(field(index, &id, "surge", "needs count ≥ 2 and days ≥ 1"))
            }
            (None, Some(s)) => Trigger::Surge { count: s.count, days: s.days },
            (None, None) => Trigger::Every,
        };
        Ok(Rule {
            name: spec.name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| id.clone()),
            id,
            event_types,
            sub_event_types,
            actors: spec.actors.iter().map(|a| a.trim().to_lowercase()).filter(|a| !a.is_empty()).collect(),
            countries,
            near: spec.near,
            min_killed: spec.min_killed,
            trigger,
        })
    }

    /// Whether the event passes every filter of the rule (the trigger aside).
    pub fn matches(&self, event: &Event) -> bool {
        let types_ok = (self.event_types.is_empty() && self.sub_event_types.is_empty())
            || self.event_types.contains(&event.event_type())
            || self.sub_event_types.contains(&event.sub_event_type);
        if !types_ok {
            return false;
        }
        let place = event.place.as_ref();
        if !self.countries.is_empty() && !place.is_some_and(|p| self.countries.contains(&p.country)) {
            return false;
        }
        if let Some(n) = self.near {
            let inside = place.is_some_and(|p| sitrep_model::distance_km(n.lat, n.lon, p.lat, p.lon) <= n.radius_km);
            if !inside {
                return false;
            }
        }
        if let Some(min) = self.min_killed {
            let killed = event.fatalities.best.or(event.fatalities.low).unwrap_or(0);
            if killed < min {
                return false;
            }
        }
        self.actors.is_empty() || self.actor_matches(event)
    }

    /// An actor filter matches the event's actors, its associated actors, and the actors who
    /// claimed it or were blamed for it (a denial is not an involvement).
    fn actor_matches(&self, event: &Event) -> bool {
        let involved = event
            .actor1
            .iter()
            .chain(event.actor2.iter())
            .chain(event.assoc_actors.iter())
            .chain(event.attributions.iter().filter(|a| a.stance != Stance::Denied).map(|a| &a.actor));
        for actor in involved {
            let names = [actor.id.to_lowercase(), actor.name.to_lowercase()];
            let parents = actor.parents.iter().map(|p| p.to_lowercase());
            if names.into_iter().chain(parents).any(|n| self.actors.contains(&n)) {
                return true;
            }
        }
        false
    }

    /// The dates of ledger events needed to decide on an event dated `day`.
    pub fn context_window(&self, day: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        match self.trigger {
            Trigger::Every => None,
            Trigger::FirstIn { days } => Some((day - Duration::days(i64::from(days)), day)),
            Trigger::Surge { days, .. } => {
                let span = Duration::days(i64::from(days.max(1)) - 1);
                Some((day - span, day + span))
            }
        }
    }
}
