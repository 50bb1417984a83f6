//! Merge tests: small hand-built mentions in, events out.

use super::*;
use chrono::NaiveDate;
use sitrep_model::{
    ActorRef, ActorType, DateRange, EventMention, Evidence, PlaceRef, Quantity, SourceMeta, Span, SubEventType,
};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn ev<T>(value: T) -> Evidence<T> {
    Evidence { value, span: Span::new(0, 1), sentence: Span::new(0, 10) }
}

fn place(id: &str, lat: f64, lon: f64) -> PlaceRef {
    PlaceRef {
        id: id.into(),
        name: id.into(),
        country: "IQ".into(),
        admin1: Some("Kirkuk".into()),
        lat,
        lon,
        geo_precision: 1,
        kind: "base".into(),
    }
}

fn actor(id: &str) -> ActorRef {
    ActorRef {
        id: id.into(),
        name: id.into(),
        actor_type: ActorType::PoliticalMilitia,
        country: None,
        parents: vec![],
        generic: false,
    }
}

/// A mention: (article, id, type, date, place, killed low/high).
fn m(
    article: &str,
    id: &str,
    t: SubEventType,
    date: &str,
    p: Option<PlaceRef>,
    killed: Option<(u32, Option<u32>)>,
) -> SourcedMention {
    SourcedMention {
        mention: EventMention {
            id: id.into(),
            article: article.into(),
            sub_event_type: t,
            rule: "test".into(),
            trigger: Span::new(0, 1),
            sentence: Span::new(0, 10),
            actor1: None,
            actor2: None,
            assoc_actors: vec![],
            place: p.map(ev),
            time: Some(ev(DateRange::day(day(date)))),
            weapon: None,
            killed: killed.map(|(low, high)| ev(Quantity { low, high, unit: None })),
            wounded: None,
            attributions: vec![],
        },
        source: SourceMeta {
            article: article.into(),
            url: None,
            outlets: vec![format!("outlet-{article}")],
            published: Some(day(date)),
            title: None,
            sentence: "s".into(),
        },
    }
}

const ROCKETS: SubEventType = SubEventType::ShellingArtilleryMissileAttack;

#[test]
fn reports_of_one_attack_merge_with_a_toll_range() {
    let k1 = place("cur:k1", 35.51, 44.28);
    let out = merge(vec![
        (m("a", "m1", ROCKETS, "2019-12-27", Some(k1.clone()), Some((25, None))), None),
        (m("b", "m2", ROCKETS, "2019-12-27", Some(k1.clone()), Some((25, Some(25)))), None),
        (m("c", "m3", ROCKETS, "2019-12-27", Some(k1), Some((31, Some(31)))), None),
    ]);
    assert_eq!(out.changed.len(), 1);
    let e = &out.changed[0];
    assert_eq!(e.article_count(), 3);
    assert_eq!((e.fatalities.low, e.fatalities.best, e.fatalities.high), (Some(25), Some(25), Some(31)));
    assert_eq!(e.fatalities.reports.len(), 3);
    assert_eq!(out.merged_mentions, 2);
}

#[test]
fn attacks_on_the_same_base_on_different_days_stay_apart() {
    let k1 = place("cur:k1", 35.51, 44.28);
    let out = merge(vec![
        (m("a", "m1", ROCKETS, "2019-12-27", Some(k1.clone()), None), None),
        (m("b", "m2", ROCKETS, "2019-12-28", Some(k1), None), None),
    ]);
    assert_eq!(out.changed.len(), 2);
}

/// A mention joins a cluster only if its dates meet every dated member's: here the January report
/// meets the week starting 30 December but not the December report in the same cluster.
#[test]
fn a_mention_that_misses_one_members_dates_stays_out_of_its_cluster() {
    let k1 = place("cur:k1", 35.51, 44.28);
    let dated = |article: &str, id: &str, range: DateRange| {
        let mut mention = m(article, id, ROCKETS, "2019-12-27", Some(k1.clone()), None);
        mention.mention.time = Some(ev(range));
        (mention, None)
    };
    let week = DateRange { start: day("2019-12-30"), end: day("2020-01-05"), precision: DatePrecision::Week };
    let out = merge(vec![
        dated("a", "m1", week),
        dated("b", "m2", DateRange::month_of(day("2019-12-01"))),
        dated("c", "m3", DateRange::month_of(day("2020-01-01"))),
    ]);
    let groups: Vec<Vec<&str>> =
        out.changed.iter().map(|e| e.mentions.iter().map(|s| s.mention.id.as_str()).collect()).collect();
    assert_eq!(groups.len(), 2, "{groups:?}");
    assert!(groups.contains(&vec!["m1", "m2"]) && groups.contains(&vec!["m3"]), "{groups:?}");
}

#[test]
fn different_places_and_types_stay_apart() {
    let k1 = place("cur:k1", 35.51, 44.28);
    let far = place("gn:basra", 30.5, 47.8);
    let out = merge(vec![
        (m("a", "m1", ROCKETS, "2019-12-27", Some(k1.clone()), None), None),
        (m("b", "m2", ROCKETS, "2019-12-27", Some(far), None), None),
        (m("c", "m3", SubEventType::Arrests, "2019-12-27", Some(k1), None), None),
    ]);
    assert_eq!(out.changed.len(), 3);
}

#[test]
fn different_named_agents_stay_apart() {
    let k1 = place("cur:k1", 35.51, 44.28);
    let mut a = m("a", "m1", ROCKETS, "2019-12-27", Some(k1.clone()), None);
    let mut b = m("b", "m2", ROCKETS, "2019-12-27", Some(k1), None);
    a.mention.actor1 = Some(ev(actor("kh")));
    b.mention.actor1 = Some(ev(actor("isis")));
    assert_eq!(merge(vec![(a, None), (b, None)]).changed.len(), 2);
}

#[test]
fn result_does_not_depend_on_input_order() {
    let k1 = place("cur:k1", 35.51, 44.28);
    let input = vec![
        m("a", "m1", ROCKETS, "2019-12-27", Some(k1.clone()), Some((1, Some(1)))),
        m("b", "m2", ROCKETS, "2019-12-27", Some(k1.clone()), None),
        m("c", "m3", ROCKETS, "2019-12-28", Some(k1), None),
    ];
    let forward = merge(input.iter().cloned().map(|x| (x, None)).collect());
    let backward = merge(input.into_iter().rev().map(|x| (x, None)).collect());
    assert_eq!(forward.changed, backward.changed);
}

#[test]
fn ids_are_stable_and_unchanged_events_are_not_rewritten() {
    let k1 = place("cur:k1", 35.51, 44.28);
    let first = merge(vec![(m("a", "m1", ROCKETS, "2019-12-27", Some(k1.clone()), None), None)]);
    let id = first.changed[0].id.clone();
    // A second report arrives: same event, same id, one event rewritten.
    let second = merge(vec![
        (m("a", "m1", ROCKETS, "2019-12-27", Some(k1.clone()), None), Some(id.clone())),
        (m("b", "m0", ROCKETS, "2019-12-27", Some(k1.clone()), None), None),
    ]);
    assert_eq!(second.changed.len(), 1);
    assert_eq!(second.changed[0].id, id);
    assert!(second.removed.is_empty());
    // Nothing new: nothing rewritten.
    let third = merge(vec![
        (m("a", "m1", ROCKETS, "2019-12-27", Some(k1.clone()), None), Some(id.clone())),
        (m("b", "m0", ROCKETS, "2019-12-27", Some(k1), None), Some(id)),
    ]);
    assert!(third.changed.is_empty());
    assert_eq!(third.unchanged, 1);
}

#[test]
fn unknown_tolls_stay_null() {
    let out = merge(vec![(m("a", "m1", ROCKETS, "2019-12-27", None, None), None)]);
    let e = &out.changed[0];
    assert_eq!((e.fatalities.low, e.fatalities.best, e.fatalities.high), (None, None, None));
}

#[test]
fn a_blame_without_accuser_folds_into_the_same_blame_with_one() {
    use sitrep_model::{AttributionMention, Stance};
    let k1 = place("cur:k1", 35.51, 44.28);
    let blame = |by: Option<ActorRef>| AttributionMention {
        actor: actor("kh"),
        stance: Stance::Blamed,
        by,
        span: Span::new(0, 1),
        sentence: Span::new(0, 10),
    };
    let mut a = m("a", "m1", ROCKETS, "2019-12-27", Some(k1.clone()), None);
    let mut b = m("b", "m2", ROCKETS, "2019-12-27", Some(k1), None);
    a.mention.attributions.push(blame(None));
    b.mention.attributions.push(blame(Some(actor("united-states"))));
    let out = merge(vec![(a, None), (b, None)]);
    let e = &out.changed[0];
    assert_eq!(e.attributions.len(), 1, "{:?}", e.attributions);
    assert_eq!(e.attributions[0].by.as_ref().map(|b| b.id.as_str()), Some("united-states"));
}

/// Regression: a split event whose bigger part keeps the old id, and whose other part starts with
/// the mention the old id was derived from, must not get that id a second time (the second event
/// written would overwrite the first). Seen with workers merging in another order than ingest.
#[test]
fn a_new_id_never_repeats_an_id_given_in_the_same_merge() {
    let k1 = place("cur:k1", 35.51, 44.28);
    let old = super::new_event_id("m1");
    let out = merge(vec![
        // Once one event; now on different days, so they split.
        (m("a", "m1", ROCKETS, "2019-12-27", Some(k1.clone()), None), Some(old.clone())),
        (m("b", "m2", ROCKETS, "2019-12-28", Some(k1.clone()), None), Some(old.clone())),
        (m("c", "m3", ROCKETS, "2019-12-28", Some(k1), None), None),
    ]);
    let ids: Vec<&str> = out.changed.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(out.changed.len(), 2, "{ids:?}");
    assert_ne!(ids[0], ids[1]);
    // The bigger part (m2, m3) keeps the old id.
    let kept = out.changed.iter().find(|e| e.id == old).expect("old id kept");
    assert_eq!(kept.mentions.len(), 2);
}
