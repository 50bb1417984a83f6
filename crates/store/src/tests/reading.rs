//! Reading events back: filters, ordering, id prefixes, the log.

use super::*;
use crate::{EventFilter, StoreError};

fn store(mut store: Fresh) -> Fresh {
    store.write_batch(&scenario()).unwrap();
    store
}

fn ids(store: &Fresh, filter: EventFilter) -> Vec<String> {
    store.events(&filter).unwrap().into_iter().map(|e| e.id).collect()
}

fn events_are_ordered_by_date_with_undated_last(fresh: Fresh) {
    let mut store = store(fresh);
    let a = articles();
    let undated = event(
        "ev-0-undated",
        vec![mention(
            &a.tower22,
            2,
            SubEventType::Other,
            "The Islamic Resistance in Iraq claimed the attack.",
            "claimed",
            None,
            &[],
        )],
    );
    store.write_batch(&Batch { events_upserted: vec![undated], ..Batch::default() }).unwrap();
    assert_eq!(
        ids(&store, EventFilter::default()),
        ["ev-k1-rockets", "ev-us-strikes", "ev-embassy", "ev-green-zone", "ev-tower-22", "ev-0-undated"]
    );
    // Date filters leave undated events out.
    assert!(!ids(&store, EventFilter { since: Some(d(2000, 1, 1)), ..EventFilter::default() })
        .contains(&"ev-0-undated".to_string()));
}

fn since_and_until_select_overlapping_date_ranges(fresh: Fresh) {
    let mut store = store(fresh);
    let a = articles();
    // "in January 2020": a month-long range that starts before and ends after the Soleimani strike.
    let january = event(
        "ev-january",
        vec![mention(
            &a.embassy,
            2,
            SubEventType::Other,
            "No one was killed.",
            "killed",
            Some(DateRange::month_of(d(2020, 1, 15))),
            &[],
        )],
    );
    store.write_batch(&Batch { events_upserted: vec![january], ..Batch::default() }).unwrap();

    let since = |y, m, day| EventFilter { since: Some(d(y, m, day)), ..EventFilter::default() };
    assert_eq!(ids(&store, since(2020, 1, 31)), ["ev-january", "ev-green-zone", "ev-tower-22"]);
    assert_eq!(ids(&store, since(2020, 2, 1)), ["ev-green-zone", "ev-tower-22"]);
    let until = EventFilter { until: Some(d(2019, 12, 29)), ..EventFilter::default() };
    assert_eq!(ids(&store, until), ["ev-k1-rockets", "ev-us-strikes"]);
    let both = EventFilter { since: Some(d(2019, 12, 29)), until: Some(d(2020, 1, 1)), ..EventFilter::default() };
    assert_eq!(ids(&store, both), ["ev-us-strikes", "ev-embassy", "ev-january"]);
}

fn country_matches_in_any_case(fresh: Fresh) {
    let store = store(fresh);
    let jordan = ids(&store, EventFilter { country: Some("jo".into()), ..EventFilter::default() });
    assert_eq!(jordan, ["ev-tower-22"]);
    assert_eq!(ids(&store, EventFilter { country: Some("IQ".into()), ..EventFilter::default() }).len(), 4);
    assert!(ids(&store, EventFilter { country: Some("SY".into()), ..EventFilter::default() }).is_empty());
}

fn actor_matches_any_role_case_insensitively(fresh: Fresh) {
    let store = store(fresh);
    let actor = |s: &str| ids(&store, EventFilter { actor: Some(s.into()), ..EventFilter::default() });
    // actor1 of K1, actor2 of the strikes, associated actor of the embassy storming.
    assert_eq!(actor("KATA'IB"), ["ev-k1-rockets", "ev-us-strikes", "ev-embassy"]);
    assert_eq!(actor("united states"), ["ev-us-strikes", "ev-embassy", "ev-tower-22"]);
    assert_eq!(actor("mobilization"), ["ev-embassy"]);
    // Wildcard characters are plain text here.
    assert!(actor("%").is_empty());
    // An empty filter filters nothing.
    assert_eq!(actor("  ").len(), 5);
}

fn actor_match_folds_case_beyond_ascii(fresh: Fresh) {
    let mut store = store(fresh);
    let a = articles();
    let mut e = event(
        "ev-unicode",
        vec![mention(&a.green_zone, 2, SubEventType::Attack, "Seven rockets hit", "hit", None, &[])],
    );
    e.actor1 = Some(actor("elite", "ÉLITE Brigade", ActorType::PoliticalMilitia, None));
    store.write_batch(&Batch { events_upserted: vec![e], ..Batch::default() }).unwrap();
    assert_eq!(ids(&store, EventFilter { actor: Some("élite".into()), ..EventFilter::default() }), ["ev-unicode"]);
}

fn event_type_matches_type_or_sub_type(fresh: Fresh) {
    let store = store(fresh);
    let by_type = |s: &str| ids(&store, EventFilter { event_type: Some(s.into()), ..EventFilter::default() });
    assert_eq!(
        by_type("Explosions/Remote violence"),
        ["ev-k1-rockets", "ev-us-strikes", "ev-green-zone", "ev-tower-22"]
    );
    assert_eq!(by_type("air/drone strike"), ["ev-us-strikes", "ev-tower-22"]);
    assert_eq!(by_type("riots"), ["ev-embassy"]);
    assert!(by_type("Protests").is_empty());
}

fn text_searches_location_actors_and_sentences(fresh: Fresh) {
    let store = store(fresh);
    let text = |s: &str| ids(&store, EventFilter { text: Some(s.into()), ..EventFilter::default() });
    assert_eq!(text("green zone"), ["ev-green-zone"]);
    assert_eq!(text("tear gas"), ["ev-embassy"]);
    assert_eq!(text("ashab"), ["ev-green-zone"]);
    assert_eq!(text("baghdad"), ["ev-embassy", "ev-green-zone"]);
    assert!(text("Soleimani").is_empty());
}

fn filters_combine_and_limit_applies_last(fresh: Fresh) {
    let store = store(fresh);
    let filter = EventFilter {
        country: Some("iq".into()),
        event_type: Some("Explosions/Remote violence".into()),
        limit: Some(2),
        ..EventFilter::default()
    };
    assert_eq!(ids(&store, filter.clone()), ["ev-k1-rockets", "ev-us-strikes"]);
    assert_eq!(ids(&store, EventFilter { limit: Some(0), ..filter.clone() }), Vec::<String>::new());
    let filter = EventFilter { actor: Some("hizbollah".into()), since: Some(d(2019, 12, 30)), ..filter };
    assert!(ids(&store, filter).is_empty());
}

fn an_event_is_found_by_a_unique_prefix(fresh: Fresh) {
    let mut store = store(fresh);
    assert_eq!(store.event("ev-tow").unwrap().unwrap().id, "ev-tower-22");
    assert_eq!(store.event("  ev-green-zone ").unwrap().unwrap().id, "ev-green-zone");
    assert_eq!(store.event("zz").unwrap(), None);
    assert_eq!(store.event("").unwrap(), None);

    match store.event("ev-") {
        Err(StoreError::Ambiguous { prefix, candidates }) => {
            assert_eq!(prefix, "ev-");
            assert_eq!(candidates, ["ev-embassy", "ev-green-zone", "ev-k1-rockets", "ev-tower-22", "ev-us-strikes"]);
        }
        other => panic!("expected ambiguity, got {other:?}"),
    }

    // An exact id wins over the longer ids it is a prefix of.
    let mut longer = store.event("ev-embassy").unwrap().unwrap();
    longer.id = "ev-embassy-2".into();
    store.write_batch(&Batch { events_upserted: vec![longer], ..Batch::default() }).unwrap();
    assert_eq!(store.event("ev-embassy").unwrap().unwrap().id, "ev-embassy");
    assert!(matches!(store.event("ev-emb"), Err(StoreError::Ambiguous { .. })));
}

fn log_entries_are_the_newest_oldest_first(fresh: Fresh) {
    let mut store = store(fresh);
    let entry = |n: usize| LogEntry {
        origin: format!("in/{n}.txt"),
        severity: Severity::Warning,
        code: "empty".into(),
        message: format!("entry {n}"),
    };
    store.write_batch(&Batch { log: (0..5).map(entry).collect(), ..Batch::default() }).unwrap();
    assert_eq!(store.log_entries(3).unwrap(), vec![entry(2), entry(3), entry(4)]);
    assert_eq!(store.log_entries(100).unwrap().len(), 7);
    assert!(store.log_entries(0).unwrap().is_empty());
}

suite!(
    events_are_ordered_by_date_with_undated_last,
    since_and_until_select_overlapping_date_ranges,
    country_matches_in_any_case,
    actor_matches_any_role_case_insensitively,
    actor_match_folds_case_beyond_ascii,
    event_type_matches_type_or_sub_type,
    text_searches_location_actors_and_sentences,
    filters_combine_and_limit_applies_last,
    an_event_is_found_by_a_unique_prefix,
    log_entries_are_the_newest_oldest_first
);

/// Regression: a merge window fetched every mention row of the year before it to test a column
/// its index lacked (on a 300,000-article ledger, 10,112 rows fetched to keep 2), and the rows of
/// mentions the component search had read already (about 70% of them). Each statement that reads
/// the ids of a window or of an event's members is answered from an index alone.
#[test]
fn merge_window_ids_are_read_from_indexes_alone() {
    use crate::sqlite::read::{window_ids_sql, EVENT_MEMBER_IDS_SQL};
    use crate::Window;
    let store = SqliteStore::open_in_memory().unwrap();
    let day = d(2020, 1, 3);
    let windows = [
        Window::Dates(day, day),
        Window::Country("IQ".into(), day, day),
        Window::Day(day, SubEventType::AirDroneStrike),
    ];
    let statements = windows.iter().map(window_ids_sql).chain([EVENT_MEMBER_IDS_SQL]);
    for sql in statements {
        let mut stmt = store.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        // Unbound parameters are NULL: the plan does not depend on their values.
        let mut rows = stmt.raw_query();
        let mut plan = String::new();
        while let Some(row) = rows.next().unwrap() {
            plan.push_str(&row.get::<_, String>(3).unwrap());
            plan.push_str(" | ");
        }
        assert!(plan.contains("USING COVERING INDEX"), "{sql}\n{plan}");
    }
}
