//! Alert rules: parsing errors name the rule and field; each trigger fires exactly when it should.

use serde_json::json;
use sitrep_alerts::{evaluate, RuleSet};
use sitrep_model::{Alert, AlertKind, Event};

/// A ledger event: id, sub-event type, day, place (name, country, lat, lon), actor1 id, killed.
fn ev(id: &str, sub: &str, day: &str, place: (&str, &str, f64, f64), actor: &str, killed: Option<u32>) -> Event {
    serde_json::from_value(json!({
        "id": id,
        "sub_event_type": sub,
        "date": {"start": day, "end": day, "precision": "day"},
        "place": {"id": format!("test:{}", place.0), "name": place.0, "country": place.1, "admin1": null,
                  "lat": place.2, "lon": place.3, "geo_precision": 1, "place_kind": "city"},
        "actor1": {"id": actor, "name": actor.replace('-', " "), "actor_type": "Political militia",
                   "country": place.1, "parents": ["pmf"]},
        "actor2": null,
        "assoc_actors": [],
        "weapon": null,
        "fatalities": {"low": killed, "best": killed, "high": killed, "reports": []},
        "injured": {"low": null, "best": null, "high": null, "reports": []},
        "attributions": [],
        "mentions": []
    }))
    .expect("test event is valid")
}

const BAGHDAD: (&str, &str, f64, f64) = ("Baghdad", "IQ", 33.3406, 44.4009);
const ERBIL: (&str, &str, f64, f64) = ("Erbil", "IQ", 36.1901, 44.0091);
const DAMASCUS: (&str, &str, f64, f64) = ("Damascus", "SY", 33.5102, 36.2913);

fn rules(text: &str) -> RuleSet {
    RuleSet::parse(text).expect("rules parse")
}

/// Runs one rule over events arriving in order, as a watcher would: each event is evaluated
/// against the events that arrived before it, and alerts accumulate. Returns `kind:event` strings.
fn fire(rule_text: &str, arrivals: &[Event]) -> Vec<String> {
    let set = rules(rule_text);
    let rule = &set.rules[0];
    let mut prior: Vec<Alert> = Vec::new();
    for (i, e) in arrivals.iter().enumerate() {
        if let Some(a) = evaluate(rule, e, &arrivals[..i], &prior) {
            prior.push(a);
        }
    }
    prior.iter().map(|a| format!("{}:{}", a.kind.as_str(), a.event)).collect()
}

#[test]
fn filters_each_narrow_the_match() {
    let events = [
        ev("a", "Air/drone strike", "2020-01-03", BAGHDAD, "us-forces", Some(10)),
        ev("b", "Shelling/artillery/missile attack", "2020-01-08", ERBIL, "iran-forces", None),
        ev("c", "Peaceful protest", "2020-01-05", BAGHDAD, "protesters", Some(0)),
        ev("d", "Air/drone strike", "2020-01-04", DAMASCUS, "kataib-hezbollah", Some(2)),
    ];
    let cases: &[(&str, &[&str])] = &[
        (
            r#"[[rule]]
            id = "all""#,
            &["a", "b", "c", "d"],
        ),
        (
            r#"[[rule]]
            id = "t"
            types = ["Explosions/Remote violence"]"#,
            &["a", "b", "d"],
        ),
        (
            r#"[[rule]]
            id = "st"
            types = ["air/drone strike"]"#,
            &["a", "d"],
        ),
        (
            r#"[[rule]]
            id = "c"
            countries = ["iq"]"#,
            &["a", "b", "c"],
        ),
        (
            r#"[[rule]]
            id = "n"
            near = { lat = 33.3, lon = 44.4, radius_km = 25 }"#,
            &["a", "c"],
        ),
        (
            r#"[[rule]]
            id = "k"
            min_killed = 2"#,
            &["a", "d"],
        ),
        (
            r#"[[rule]]
            id = "act"
            actors = ["Kataib Hezbollah"]"#,
            &["d"],
        ),
        (
            r#"[[rule]]
            id = "parent"
            actors = ["PMF"]"#,
            &["a", "b", "c", "d"],
        ),
        (
            r#"[[rule]]
            id = "both"
            countries = ["IQ"]
            types = ["Explosions/Remote violence"]
            min_killed = 1"#,
            &["a"],
        ),
    ];
    for (text, expected) in cases {
        let set = rules(text);
        let got: Vec<&str> = events.iter().filter(|e| set.rules[0].matches(e)).map(|e| e.id.as_str()).collect();
        assert_eq!(&got, expected, "rule {text}");
    }
}

#[test]
fn every_match_fires_once_per_event_with_evidence_links() {
    let a = ev("a1", "Air/drone strike", "2020-01-03", BAGHDAD, "us-forces", Some(10));
    let set = rules("[[rule]]\nid = \"iq\"\nname = \"Iraq strikes\"\ncountries = [\"IQ\"]");
    let alert = evaluate(&set.rules[0], &a, &[], &[]).expect("fires");
    assert_eq!(alert.key, "iq/match/a1");
    assert_eq!(alert.kind, AlertKind::Match);
    assert_eq!(alert.link, "/events/a1");
    assert_eq!(alert.api_link, "/api/events/a1");
    assert_eq!(alert.rule_name, "Iraq strikes");
    assert_eq!(alert.summary, "Air/drone strike by us forces in Baghdad (IQ) on 2020-01-03: 10 killed, 0 articles");
    assert_eq!(alert.killed, Some(10));
}

#[test]
fn a_lull_is_broken_once() {
    let rule = "[[rule]]\nid = \"lull\"\ncountries = [\"IQ\"]\nfirst_in_days = 30";
    let arrivals = [
        ev("e1", "Air/drone strike", "2020-01-01", BAGHDAD, "us-forces", None),
        ev("e2", "Air/drone strike", "2020-01-10", BAGHDAD, "us-forces", None),
        // 40 days after e2: breaks the lull.
        ev("e3", "Air/drone strike", "2020-02-19", ERBIL, "us-forces", None),
        // A Syrian event never counts for an Iraq rule.
        ev("s1", "Air/drone strike", "2020-02-25", DAMASCUS, "us-forces", None),
        ev("e4", "Air/drone strike", "2020-02-20", BAGHDAD, "us-forces", None),
    ];
    assert_eq!(fire(rule, &arrivals), ["lull:e1", "lull:e3"]);
}

#[test]
fn two_lull_breakers_on_one_day_raise_one_alert() {
    let rule = "[[rule]]\nid = \"lull\"\nfirst_in_days = 10";
    let x = ev("x", "Air/drone strike", "2020-03-01", BAGHDAD, "us-forces", None);
    let y = ev("y", "Air/drone strike", "2020-03-01", ERBIL, "us-forces", None);
    // Whatever the arrival order, only the first in id order breaks the lull (evaluated against
    // the whole day's events, as a watcher re-evaluating both would).
    let set = rules(rule);
    let both = [x.clone(), y.clone()];
    let fired: Vec<bool> = both.iter().map(|e| evaluate(&set.rules[0], e, &both, &[]).is_some()).collect();
    assert_eq!(fired, [true, false]);
}

#[test]
fn a_surge_fires_once_even_when_reports_arrive_out_of_order() {
    let rule = "[[rule]]\nid = \"surge\"\ncountries = [\"IQ\"]\nsurge = { count = 3, days = 7 }";
    let arrivals = [
        ev("s3", "Air/drone strike", "2020-01-09", BAGHDAD, "us-forces", None),
        ev("s2", "Air/drone strike", "2020-01-06", BAGHDAD, "us-forces", None),
        // The earliest arrives last and completes the surge of 3 within 7 days (3rd–9th).
        ev("s1", "Air/drone strike", "2020-01-03", ERBIL, "us-forces", None),
        // Part of the same surge: no second alert.
        ev("s4", "Air/drone strike", "2020-01-10", ERBIL, "us-forces", None),
        // Three weeks later, another surge.
        ev("t1", "Air/drone strike", "2020-02-01", ERBIL, "us-forces", None),
        ev("t2", "Air/drone strike", "2020-02-02", ERBIL, "us-forces", None),
        ev("t3", "Air/drone strike", "2020-02-03", ERBIL, "us-forces", None),
    ];
    assert_eq!(fire(rule, &arrivals), ["surge:s1", "surge:t3"]);
}

#[test]
fn undated_events_never_break_lulls_or_make_surges() {
    let mut e = ev("u", "Air/drone strike", "2020-01-01", BAGHDAD, "us-forces", None);
    e.date = None;
    for rule in ["[[rule]]\nid = \"l\"\nfirst_in_days = 5", "[[rule]]\nid = \"s\"\nsurge = { count = 2, days = 3 }"] {
        assert!(evaluate(&rules(rule).rules[0], &e, &[], &[]).is_none(), "{rule}");
    }
    assert!(evaluate(&rules("[[rule]]\nid = \"m\"").rules[0], &e, &[], &[]).is_some());
}

#[test]
fn bad_rules_name_the_rule_and_the_field() {
    let cases = [
        ("[[rule]]\nname = \"x\"", "alert rule #1 (?): field `id`"),
        ("[[rule]]\nid = \"a\"\n[[rule]]\nid = \"a\"", "alert rule #2 (a): field `id`"),
        ("[[rule]]\nid = \"a b\"", "field `id`: use letters"),
        ("[[rule]]\nid = \"t\"\ntypes = [\"Bombing\"]", "alert rule #1 (t): field `types`: `Bombing`"),
        ("[[rule]]\nid = \"c\"\ncountries = [\"Iraq\"]", "field `countries`: `Iraq` is not"),
        ("[[rule]]\nid = \"n\"\nnear = { lat = 95.0, lon = 1.0, radius_km = 5.0 }", "field `near`"),
        ("[[rule]]\nid = \"b\"\nfirst_in_days = 3\nsurge = { count = 2, days = 3 }", "either first_in_days or surge"),
        ("[[rule]]\nid = \"s\"\nsurge = { count = 1, days = 3 }", "needs count ≥ 2"),
        ("[[rule]]\nid = \"u\"\nmin_kiled = 3", "not valid TOML: "),
        ("[[rule]\nid = 1", "not valid TOML"),
    ];
    for (text, expected) in cases {
        let err = RuleSet::parse(text).expect_err(text).to_string();
        assert!(err.contains(expected), "{text}\n  gave: {err}\n  expected to contain: {expected}");
    }
}

#[test]
fn the_bundled_example_rules_parse() {
    let text = include_str!("../../../examples/watch/alerts.toml");
    let set = rules(text);
    assert!(set.rules.len() >= 3, "{:?}", set.rules.iter().map(|r| &r.id).collect::<Vec<_>>());
}
