//! When two event mentions can report the same real event, and how strongly they look alike.

use sitrep_model::{EventType, PlaceRef, SourcedMention, SubEventType};

/// Kilometres between two places.
pub fn distance_km(a: &PlaceRef, b: &PlaceRef) -> f64 {
    sitrep_model::distance_km(a.lat, a.lon, b.lat, b.lon)
}

fn types_compatible(a: SubEventType, b: SubEventType) -> bool {
    if a == b {
        return true;
    }
    let (ta, tb) = (a.event_type(), b.event_type());
    let crowd = |t: EventType| matches!(t, EventType::Protests | EventType::Riots);
    // A crowd event is called a protest by one outlet and a riot by another.
    if crowd(ta) && crowd(tb) {
        return true;
    }
    // "Attack" is what an outlet says when it does not name the weapon.
    (a == SubEventType::Attack && b.is_violent()) || (b == SubEventType::Attack && a.is_violent())
}

fn is_area(p: &PlaceRef) -> bool {
    matches!(p.kind.as_str(), "country" | "admin1")
}

/// Place compatibility: `Some(closeness in 0..=1)` or `None` when the places rule a match out.
fn places(a: Option<&PlaceRef>, b: Option<&PlaceRef>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => {
            if a.id == b.id {
                return Some(1.0);
            }
            if a.country != b.country {
                return None;
            }
            if is_area(a) || is_area(b) {
                // A country contains everything in it; a province contains what lies in it.
                let contains = |area: &PlaceRef, p: &PlaceRef| {
                    area.kind == "country"
                        || (area.admin1.is_some() && area.admin1 == p.admin1)
                        || distance_km(area, p) < 150.0
                };
                return (contains(a, b) || contains(b, a)).then_some(0.3);
            }
            let d = distance_km(a, b);
            let limit = if a.geo_precision >= 2 || b.geo_precision >= 2 { 60.0 } else { 30.0 };
            (d <= limit).then_some(0.9 - 0.5 * d / limit)
        }
        _ => Some(0.1),
    }
}

/// How two mentions relate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fit {
    /// They cannot be the same event (different days, places far apart, other type, other group).
    Conflict,
    /// Too little is known to tell (a missing date or place on one side).
    Unknown,
    /// They can be the same event; higher is more alike.
    Match(f64),
}

/// How alike two mentions are.
pub fn affinity(a: &SourcedMention, b: &SourcedMention) -> Fit {
    let (ma, mb) = (&a.mention, &b.mention);
    if !types_compatible(ma.sub_event_type, mb.sub_event_type) {
        return Fit::Conflict;
    }
    let same_article = ma.article == mb.article;
    // Dates: both known → they must overlap exactly (never merge attacks on different days).
    match (&ma.time, &mb.time) {
        (Some(ta), Some(tb)) if !ta.value.overlaps(&tb.value, 0) => return Fit::Conflict,
        (Some(_), Some(_)) => {}
        _ if !same_article => return Fit::Unknown,
        _ => {}
    }
    let Some(place) = places(ma.place.as_ref().map(|p| &p.value), mb.place.as_ref().map(|p| &p.value)) else {
        return Fit::Conflict;
    };
    // Named armed groups as agents that differ (and are not one another's umbrella) are different
    // events. States and forces are not used to split: outlets name the accuser, the host or the
    // attacker's patron in the agent's place too often for that to be safe.
    fn named(m: &sitrep_model::EventMention) -> Option<&sitrep_model::ActorRef> {
        use sitrep_model::ActorType::*;
        m.actor1
            .as_ref()
            .map(|a| &a.value)
            .filter(|a| !a.generic && matches!(a.actor_type, RebelGroup | PoliticalMilitia | IdentityMilitia))
    }
    let mut score = place;
    if let (Some(x), Some(y)) = (named(ma), named(mb)) {
        let related = x.id == y.id || x.parents.contains(&y.id) || y.parents.contains(&x.id);
        if !related {
            return Fit::Conflict;
        }
        score += 0.3;
    }
    // Without places on both sides, a cross-article match needs both dates to the day and the same type.
    if (ma.place.is_none() || mb.place.is_none()) && !same_article {
        let day = |m: &sitrep_model::EventMention| m.time.as_ref().is_some_and(|t| t.value.days() == 1);
        if !(day(ma) && day(mb) && ma.sub_event_type == mb.sub_event_type) {
            return Fit::Unknown;
        }
    }
    if ma.sub_event_type == mb.sub_event_type {
        score += 0.2;
    }
    if same_article {
        score += 0.2;
    }
    Fit::Match(score)
}

/// Whether two mentions may report the same event.
pub fn compatible(a: &SourcedMention, b: &SourcedMention) -> bool {
    matches!(affinity(a, b), Fit::Match(_))
}
