//! The change feed, alerts and watch state: what a watcher needs to neither repeat nor miss.

use super::*;
use sitrep_model::{Alert, AlertKind};

fn alert(rule: &str, event: &str, date: Option<NaiveDate>) -> Alert {
    Alert {
        key: Alert::key_for(rule, AlertKind::Match, event),
        rule: rule.into(),
        rule_name: rule.into(),
        kind: AlertKind::Match,
        event: event.into(),
        link: format!("/events/{event}"),
        api_link: format!("/api/events/{event}"),
        summary: format!("event {event}"),
        detail: None,
        sub_event_type: "Air/drone strike".into(),
        date,
        country: Some("IQ".into()),
        location: None,
        latitude: None,
        longitude: None,
        killed: None,
        evidence: Vec::new(),
    }
}

fn an_unchanged_upsert_writes_nothing_and_is_not_a_change(mut store: Fresh) {
    let batch = scenario();
    store.write_batch(&batch).unwrap();
    let last = store.latest_change().unwrap();
    let outcome =
        store.write_batch(&Batch { events_upserted: batch.events_upserted.clone(), ..Batch::default() }).unwrap();
    // Counted as updates (the merge stage re-decided them) but nothing was written.
    assert_eq!(outcome.events_updated, batch.events_upserted.len());
    assert_eq!(store.latest_change().unwrap(), last);
    assert!(store.changes_since(last, 10).unwrap().is_empty());
}

fn alerts_are_stored_once_by_key_with_the_state_in_the_same_transaction(mut store: Fresh) {
    let a = alert("r1", "e1", Some(d(2020, 1, 3)));
    let b = alert("r1", "e2", Some(d(2020, 1, 9)));
    let c = alert("r2", "e1", None);
    assert_eq!(store.latest_alert().unwrap(), 0);
    let first = store.record_alerts(&[a.clone(), b.clone()], &[("checkpoint".into(), "7".into())]).unwrap();
    assert_eq!(first.iter().map(|s| s.alert.key.as_str()).collect::<Vec<_>>(), ["r1/match/e1", "r1/match/e2"]);
    assert!(first[0].seq < first[1].seq);
    assert_eq!(store.watch_state("checkpoint").unwrap().as_deref(), Some("7"));

    // Raising them again stores nothing; the new one gets the next seq; state is overwritten.
    let second = store.record_alerts(&[b.clone(), a.clone(), c.clone()], &[("checkpoint".into(), "9".into())]).unwrap();
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].alert, c);
    assert_eq!(store.watch_state("checkpoint").unwrap().as_deref(), Some("9"));
    assert_eq!(store.watch_state("missing").unwrap(), None);

    let all = store.alerts_after(0, 10).unwrap();
    assert_eq!(all.iter().map(|s| &s.alert).collect::<Vec<_>>(), [&a, &b, &c]);
    assert_eq!(store.alerts_after(all[1].seq, 10).unwrap().len(), 1);
    assert_eq!(store.latest_alert().unwrap(), all[2].seq);
    assert_eq!(store.rule_alerts("r1", d(2020, 1, 4), d(2020, 1, 31)).unwrap(), vec![b]);
    assert!(store.rule_alerts("r2", d(2000, 1, 1), d(2030, 1, 1)).unwrap().is_empty(), "undated alerts have no date");
}

suite!(
    an_unchanged_upsert_writes_nothing_and_is_not_a_change,
    alerts_are_stored_once_by_key_with_the_state_in_the_same_transaction
);
