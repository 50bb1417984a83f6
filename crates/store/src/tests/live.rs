//! Reads for live views: keyset pages in every order, filters by province and box, timelines,
//! actors, places, citing events, the change journal and read-only connections.

use super::*;
use crate::{BBox, Bucket, ChangeKind, EventFilter, EventSort, GroupBy, Store, StoreError};

fn store(mut store: Fresh) -> Fresh {
    store.write_batch(&scenario()).unwrap();
    store
}

/// Every page of `filter` in turn, following the cursors.
fn all_pages(store: &Fresh, filter: &EventFilter) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut filter = filter.clone();
    loop {
        let page = store.event_page(&filter).unwrap();
        pages.push(page.events.iter().map(|e| e.id.clone()).collect());
        match page.next {
            Some(next) => filter.cursor = Some(next),
            None => return pages,
        }
        assert!(pages.len() < 20, "pagination does not end");
    }
}

fn pages_follow_each_order_without_gaps_or_repeats(fresh: Fresh) {
    let store = store(fresh);
    let by_date = ["ev-k1-rockets", "ev-us-strikes", "ev-embassy", "ev-green-zone", "ev-tower-22"];
    let filter = |sort| EventFilter { limit: Some(2), sort, ..EventFilter::default() };
    let pages = all_pages(&store, &filter(EventSort::DateAsc));
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert_eq!(pages.concat(), by_date);
    let mut newest_first = by_date.to_vec();
    newest_first.reverse();
    assert_eq!(all_pages(&store, &filter(EventSort::DateDesc)).concat(), newest_first);

    let deadliest = all_pages(&store, &filter(EventSort::FatalitiesDesc)).concat();
    assert_eq!(deadliest.first().map(String::as_str), Some("ev-us-strikes"));
    let mut sorted = deadliest.clone();
    sorted.sort();
    let mut expected = by_date.map(String::from).to_vec();
    expected.sort();
    assert_eq!(sorted, expected, "every event once");
    let mut fewest = all_pages(&store, &filter(EventSort::FatalitiesAsc)).concat();
    fewest.reverse();
    // Ties are broken by id in both directions, so one order is the exact reverse of the other.
    assert_eq!(fewest, deadliest);
}

fn a_page_holds_the_plain_columns_of_its_events(fresh: Fresh) {
    let store = store(fresh);
    let page = store.event_page(&EventFilter { limit: Some(2), ..EventFilter::default() }).unwrap();
    let strikes = &page.events[1];
    assert_eq!(strikes.id, "ev-us-strikes");
    assert_eq!(strikes.sub_event_type, "Air/drone strike");
    assert_eq!(strikes.date, Some(d(2019, 12, 29)));
    assert_eq!(
        (strikes.fatalities.low, strikes.fatalities.best, strikes.fatalities.high),
        (Some(25), Some(25), Some(31))
    );
    assert_eq!(strikes.actor2.as_deref(), Some("Kata'ib Hizbollah"));
    let embassy = store.event_page(&EventFilter { text: Some("embassy".into()), ..EventFilter::default() }).unwrap();
    assert_eq!(embassy.events[0].assoc_actors, ["Kata'ib Hizbollah", "Popular Mobilization Forces"]);
    assert_eq!(embassy.next, None);
}

fn a_cursor_of_another_order_or_made_up_is_refused(fresh: Fresh) {
    let store = store(fresh);
    let first = store.event_page(&EventFilter { limit: Some(1), ..EventFilter::default() }).unwrap();
    let cursor = first.next.unwrap();
    let other_order = EventFilter { cursor: Some(cursor), sort: EventSort::FatalitiesDesc, ..EventFilter::default() };
    assert!(matches!(store.event_page(&other_order), Err(StoreError::InvalidArgument(_))));
    for bad in ["zz", "abc", "5b5d", "' OR 1=1 --"] {
        let filter = EventFilter { cursor: Some(bad.into()), ..EventFilter::default() };
        let err = store.event_page(&filter).unwrap_err();
        assert!(matches!(err, StoreError::InvalidArgument(_)), "{bad}: {err}");
        assert!(err.is_user_error());
    }
}

fn province_and_box_filters_narrow_every_listing(fresh: Fresh) {
    let store = store(fresh);
    let ids = |f: EventFilter| store.event_page(&f).unwrap().events.into_iter().map(|e| e.id).collect::<Vec<_>>();
    assert_eq!(ids(EventFilter { admin1: Some("kirkuk".into()), ..EventFilter::default() }), ["ev-k1-rockets"]);
    // A box around Baghdad holds the embassy and the Green Zone, not Kirkuk or Jordan.
    let baghdad = BBox { west: 44.0, south: 33.0, east: 44.6, north: 33.5 };
    let in_box = ids(EventFilter { bbox: Some(baghdad), ..EventFilter::default() });
    assert!(in_box.contains(&"ev-embassy".to_string()), "{in_box:?}");
    assert!(!in_box.contains(&"ev-k1-rockets".to_string()), "{in_box:?}");
    // The full listing honours the same filters.
    let full: Vec<String> = store
        .events(&EventFilter { bbox: Some(baghdad), ..EventFilter::default() })
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(full, in_box);
    // A box crossing the antimeridian (west > east) that excludes the Middle East holds nothing.
    let pacific = BBox { west: 170.0, south: -90.0, east: -170.0, north: 90.0 };
    assert!(ids(EventFilter { bbox: Some(pacific), ..EventFilter::default() }).is_empty());
}

fn the_timeline_counts_events_per_week_and_key(fresh: Fresh) {
    let store = store(fresh);
    let rows = store.timeline(&EventFilter::default(), Bucket::Week, GroupBy::Type).unwrap();
    // 27, 29 and 31 Dec 2019 fall in the weeks of Monday 23 and Monday 30 December.
    let dec23: Vec<_> = rows.iter().filter(|r| r.period == d(2019, 12, 23)).collect();
    let total: u64 = dec23.iter().map(|r| r.events).sum();
    assert_eq!(total, 2, "{rows:?}");
    assert!(dec23.iter().any(|r| r.key == "Explosions/Remote violence" && r.fatalities == 26), "{rows:?}");
    assert!(rows.iter().any(|r| r.period == d(2019, 12, 30) && r.key == "Riots"), "{rows:?}");
    let days = store.timeline(&EventFilter::default(), Bucket::Day, GroupBy::Actor).unwrap();
    assert!(days.iter().any(|r| r.period == d(2019, 12, 27) && r.key == "Kata'ib Hizbollah"), "{days:?}");
    let filtered = store
        .timeline(&EventFilter { country: Some("JO".into()), ..EventFilter::default() }, Bucket::Week, GroupBy::SubType)
        .unwrap();
    assert_eq!(filtered.iter().map(|r| r.events).sum::<u64>(), 1, "{filtered:?}");
}

fn actors_and_places_come_with_their_counts(fresh: Fresh) {
    let store = store(fresh);
    let actors = store.actors().unwrap();
    let kh = actors.iter().find(|a| a.id == "kataib-hezbollah").unwrap();
    assert_eq!((kh.events, kh.attributions), (2, 1), "{kh:?}");
    let places = store.places().unwrap();
    let embassy = places.iter().find(|p| p.id == "cur:us-embassy-baghdad").unwrap();
    assert_eq!(embassy.events, 1);
    assert_eq!(embassy.admin1.as_deref(), Some("Baghdad"));
}

fn events_citing_an_article_are_found_by_its_id(fresh: Fresh) {
    let store = store(fresh);
    let a = articles();
    assert_eq!(store.events_citing(&a.strikes.id).unwrap(), ["ev-us-strikes"]);
    assert!(store.events_citing("no-such-article").unwrap().is_empty());
}

fn the_change_journal_records_every_event_write(mut store: Fresh) {
    assert_eq!(store.latest_change().unwrap(), 0);
    store.write_batch(&scenario()).unwrap();
    let created = store.changes_since(0, 100).unwrap();
    assert_eq!(created.len(), 5);
    assert!(created.iter().all(|c| c.change == ChangeKind::Created));
    let mark = store.latest_change().unwrap();
    assert_eq!(mark, created.last().unwrap().seq);

    let mut k1 = scenario().events_upserted.into_iter().next().unwrap();
    k1.fatalities = figures(Some(1), Some(1), Some(2));
    store
        .write_batch(&Batch {
            events_upserted: vec![k1],
            events_removed: vec!["ev-embassy".into()],
            ..Batch::default()
        })
        .unwrap();
    let later = store.changes_since(mark, 100).unwrap();
    let seen: Vec<(&str, ChangeKind)> = later.iter().map(|c| (c.event_id.as_str(), c.change)).collect();
    assert_eq!(seen, [("ev-embassy", ChangeKind::Removed), ("ev-k1-rockets", ChangeKind::Updated)]);
    assert_eq!(store.changes_since(mark, 1).unwrap().len(), 1);
}

#[test]
fn a_read_only_connection_reads_and_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    SqliteStore::open(&path).unwrap().write_batch(&scenario()).unwrap();
    let mut reader = SqliteStore::open_read_only(&path).unwrap();
    assert_eq!(reader.counts().unwrap().events, 5);
    assert!(reader.write_batch(&scenario()).is_err());
    // It never creates a file.
    assert!(SqliteStore::open_read_only(&dir.path().join("missing.db")).is_err());
    assert!(crate::open_read_only(":memory:").is_err());
}

fn date_bounds_and_cursors_give_the_same_pages_as_plain_filtering(fresh: Fresh) {
    let mut store = store(fresh);
    // A month-precise event starts long before a `since` its end date still meets.
    let mut december = scenario().events_upserted.into_iter().next().unwrap();
    december.id = "ev-december".into();
    december.date = Some(sitrep_model::DateRange::month_of(d(2019, 12, 15)));
    store.write_batch(&Batch { events_upserted: vec![december], ..Batch::default() }).unwrap();
    // The redundant index bounds must never drop an event the filters keep.
    for sort in [EventSort::DateAsc, EventSort::DateDesc] {
        for (since, until) in [
            (Some(d(2019, 12, 29)), None),
            (None, Some(d(2019, 12, 31))),
            (Some(d(2019, 12, 28)), Some(d(2020, 11, 30))),
        ] {
            let filter = EventFilter { since, until, sort, ..EventFilter::default() };
            let mut expected: Vec<String> = store.events(&filter).unwrap().into_iter().map(|e| e.id).collect();
            if sort == EventSort::DateDesc {
                expected.reverse();
            }
            let paged = all_pages(&store, &EventFilter { limit: Some(1), ..filter.clone() }).concat();
            if since == Some(d(2019, 12, 29)) && until.is_none() {
                assert!(paged.contains(&"ev-december".to_string()), "{paged:?}");
            }
            assert_eq!(paged, expected, "{sort:?} {since:?} {until:?}");
        }
    }
}

suite!(
    pages_follow_each_order_without_gaps_or_repeats,
    a_page_holds_the_plain_columns_of_its_events,
    a_cursor_of_another_order_or_made_up_is_refused,
    province_and_box_filters_narrow_every_listing,
    the_timeline_counts_events_per_week_and_key,
    actors_and_places_come_with_their_counts,
    events_citing_an_article_are_found_by_its_id,
    the_change_journal_records_every_event_write,
    date_bounds_and_cursors_give_the_same_pages_as_plain_filtering
);
