//! Alert rules: which events a user wants to hear about, and when a rule fires.
//!
//! Architecture invariant: no IO and no clock. The caller (the `watch` crate) hands in the event
//! that changed, the events around it in time and the alerts already raised; this crate answers
//! with the alert to raise, if any. The same inputs always give the same alert, which is what lets
//! a restarted watcher neither repeat nor miss one (alerts are keyed by rule, kind and event).

mod rule;

pub use rule::{Near, Rule, RuleSet, Trigger};

use chrono::{Duration, NaiveDate};
use sitrep_model::{Alert, AlertEvidence, AlertKind, Event};

/// Errors in a rules file: each names the rule (by position and id) and the field.
#[derive(Debug, thiserror::Error)]
pub enum AlertsError {
    #[error("alert rules are not valid TOML: {0}")]
    Toml(String),
    #[error("alert rule #{index} ({id}): field `{field}`: {message}")]
    Field { index: usize, id: String, field: &'static str, message: String },
}

/// The most evidence sentences carried by one alert; the event page has the rest.
const MAX_EVIDENCE: usize = 3;

/// Decides whether `rule` fires on `event`.
///
/// `neighbours` are ledger events dated within [`Rule::context_window`] of the event (it may
/// include the event itself; non-matching ones are ignored). `prior` are alerts this rule raised
/// before (only those of the same rule matter). Returns the alert, or `None`.
pub fn evaluate(rule: &Rule, event: &Event, neighbours: &[Event], prior: &[Alert]) -> Option<Alert> {
    if !rule.matches(event) {
        return None;
    }
    let (kind, detail) = match rule.trigger {
        Trigger::Every => (AlertKind::Match, None),
        Trigger::FirstIn { days } => {
            let day = event_day(event)?;
            let earlier = neighbours
                .iter()
                .filter(|n| n.id != event.id && rule.matches(n))
                .filter_map(|n| event_day(n).map(|d| (d, n)))
                .filter(|(d, n)| {
                    let in_window = *d >= day - Duration::days(i64::from(days)) && *d < day;
                    // Two matching events on the same day after a quiet spell: only the first in
                    // id order breaks the lull, so the pair raises one alert, not two.
                    in_window || (*d == day && n.id < event.id)
                })
                .count();
            if earlier > 0 {
                return None;
            }
            (AlertKind::Lull, Some(format!("no other matching event in the {days} days before {day}")))
        }
        Trigger::Surge { count, days } => {
            let day = event_day(event)?;
            let span = Duration::days(i64::from(days.max(1)) - 1);
            let mut dates: Vec<NaiveDate> = neighbours
                .iter()
                .filter(|n| n.id != event.id && rule.matches(n))
                .filter_map(event_day)
                .filter(|d| *d >= day - span && *d <= day + span)
                .collect();
            dates.push(day);
            // Reports arrive out of order, so the event may complete a surge as its first, middle
            // or last day: look at every window of `days` days that contains it.
            let best = (0..=span.num_days())
                .map(|back| {
                    let from = day - Duration::days(back);
                    let n = dates.iter().filter(|d| **d >= from && **d <= from + span).count();
                    (n, from)
                })
                .max_by_key(|(n, from)| (*n, std::cmp::Reverse(*from)))?;
            let (n, from) = best;
            if n < count as usize {
                return None;
            }
            // One surge is one alert. A surge alert raised on day `a` covered a window within
            // a ± span, and any window holding this event lies within day ± span: if the two can
            // overlap, this event continues a surge already reported.
            let reported = prior.iter().any(|a| {
                a.rule == rule.id
                    && a.kind == AlertKind::Surge
                    && a.date.is_some_and(|d| (d - day).num_days().abs() <= 2 * span.num_days())
            });
            if reported {
                return None;
            }
            (AlertKind::Surge, Some(format!("{n} matching events from {from} to {} ({days}-day window)", from + span)))
        }
    };
    Some(alert_for(rule, kind, detail, event))
}

/// The day an event is placed on for lull and surge windows: the start of its date range.
fn event_day(event: &Event) -> Option<NaiveDate> {
    event.date.as_ref().map(|d| d.start)
}

fn alert_for(rule: &Rule, kind: AlertKind, detail: Option<String>, event: &Event) -> Alert {
    let place = event.place.as_ref();
    let killed = event.fatalities.best.or(event.fatalities.low);
    Alert {
        key: Alert::key_for(&rule.id, kind, &event.id),
        rule: rule.id.clone(),
        rule_name: rule.name.clone(),
        kind,
        event: event.id.clone(),
        link: format!("/events/{}", event.id),
        api_link: format!("/api/events/{}", event.id),
        summary: summary(event),
        detail,
        sub_event_type: event.sub_event_type.as_str().to_string(),
        date: event_day(event),
        country: place.map(|p| p.country.clone()),
        location: place.map(|p| p.name.clone()),
        latitude: place.map(|p| p.lat),
        longitude: place.map(|p| p.lon),
        killed,
        evidence: event
            .mentions
            .iter()
            .take(MAX_EVIDENCE)
            .map(|m| AlertEvidence {
                article: m.source.article.clone(),
                outlets: m.source.outlets.clone(),
                url: m.source.url.clone(),
                published: m.source.published,
                sentence: m.source.sentence.clone(),
            })
            .collect(),
    }
}

/// "Air/drone strike by US forces in Al-Qa'im (IQ) on 2019-12-29: 25 killed (25–31), 3 articles".
pub fn summary(event: &Event) -> String {
    let mut s = event.sub_event_type.as_str().to_string();
    if let Some(a) = &event.actor1 {
        s.push_str(&format!(" by {}", a.name));
    }
    if let Some(p) = &event.place {
        s.push_str(&format!(" in {} ({})", p.name, p.country));
    }
    if let Some(d) = &event.date {
        s.push_str(&format!(" on {}", d.start));
    }
    let f = &event.fatalities;
    if let Some(best) = f.best.or(f.low) {
        s.push_str(&format!(": {best} killed"));
        if let (Some(lo), Some(hi)) = (f.low, f.high) {
            if lo != hi {
                s.push_str(&format!(" ({lo}–{hi})"));
            }
        }
    }
    let n = event.article_count();
    s.push_str(&format!(", {n} article{}", if n == 1 { "" } else { "s" }));
    s
}
