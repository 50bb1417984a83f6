//! Selecting the mentions a re-merge needs: by date window and by the events they belong to.

use super::*;
use crate::Window;

/// The scenario plus two mentions: one unassigned with a month-long date, one undated that
/// belongs to the Green Zone event.
fn store(mut store: Fresh) -> Fresh {
    let mut batch = scenario();
    let a = articles();
    batch.mentions.push(mention(
        &a.embassy,
        2,
        SubEventType::Other,
        "No one was killed.",
        "killed",
        Some(DateRange::month_of(d(2020, 1, 1))),
        &["Wire A"],
    ));
    let undated = mention(
        &a.green_zone,
        2,
        SubEventType::ShellingArtilleryMissileAttack,
        "A little-known group, Ashab al-Kahf, claimed the attack on Telegram.",
        "attack",
        None,
        &["Gazette C"],
    );
    let green = batch.events_upserted.iter_mut().find(|e| e.id == "ev-green-zone").unwrap();
    green.mentions.push(undated);
    store.write_batch(&batch).unwrap();
    store
}

fn found(store: &Fresh, window: Option<(NaiveDate, NaiveDate)>, events: &[&str]) -> Vec<(String, Option<String>)> {
    in_window(store, window.map(|(start, end)| Window::Dates(start, end)), events)
}

fn in_window(store: &Fresh, window: Option<Window>, events: &[&str]) -> Vec<(String, Option<String>)> {
    let events: Vec<String> = events.iter().map(|s| s.to_string()).collect();
    store
        .mentions_for_merge(window.as_ref(), &events)
        .unwrap()
        .into_iter()
        .map(|(m, event)| (m.mention.id, event))
        .collect()
}

fn pair(mention: &str, event: Option<&str>) -> (String, Option<String>) {
    (mention.to_string(), event.map(str::to_string))
}

fn a_window_selects_mentions_whose_dates_intersect_it(fresh: Fresh) {
    let store = store(fresh);
    assert_eq!(
        found(&store, Some((d(2019, 12, 28), d(2019, 12, 30))), &[]),
        [pair("a-strikes-m1", Some("ev-us-strikes")), pair("a-strikes-m2", Some("ev-us-strikes"))]
    );
    // Both ends are inclusive.
    assert_eq!(found(&store, Some((d(2019, 12, 27), d(2019, 12, 27))), &[]), [pair("a-k1-m1", Some("ev-k1-rockets"))]);
    assert_eq!(
        found(&store, Some((d(2019, 12, 31), d(2019, 12, 31))), &[]),
        [pair("a-embassy-m1", Some("ev-embassy"))]
    );
    // A month-long range is found by a window that only overlaps its end, and it is unassigned.
    assert_eq!(found(&store, Some((d(2020, 1, 31), d(2020, 3, 1))), &[]), [pair("a-embassy-m2", None)]);
    assert!(found(&store, Some((d(2021, 1, 1), d(2023, 12, 31))), &[]).is_empty());
}

/// Three more mentions on 29 December 2019: placed in Iraq, placed in Syria, and without a place.
fn with_places(fresh: Fresh) -> Fresh {
    let mut store = store(fresh);
    let a = articles();
    let mut batch = Batch::default();
    for (n, country) in [(7, Some("IQ")), (8, Some("SY")), (9, None)] {
        let mut m = mention(
            &a.strikes,
            n,
            SubEventType::AirDroneStrike,
            "US aircraft struck five Kata'ib Hizbollah sites in Iraq and Syria on Sunday.",
            "struck",
            Some(DateRange::day(d(2019, 12, 29))),
            &["Wire A"],
        );
        m.mention.place = country.map(|c| {
            let span = m.mention.trigger;
            Evidence { value: place(&format!("p-{c}"), c, c, None, 33.0, 43.0), span, sentence: m.mention.sentence }
        });
        batch.mentions.push(m);
    }
    store.write_batch(&batch).unwrap();
    store
}

fn a_country_window_selects_that_countrys_mentions_and_a_day_window_that_days_type(fresh: Fresh) {
    let store = with_places(fresh);
    let window = |w: Window| in_window(&store, Some(w), &[]);
    assert_eq!(window(Window::Country("IQ".into(), d(2019, 12, 28), d(2019, 12, 30))), [pair("a-strikes-m7", None)]);
    assert_eq!(window(Window::Country("SY".into(), d(2019, 12, 29), d(2019, 12, 29))), [pair("a-strikes-m8", None)]);
    assert!(window(Window::Country("SY".into(), d(2019, 12, 30), d(2020, 1, 5))).is_empty());
    assert!(window(Window::Country("LB".into(), d(2019, 12, 1), d(2020, 1, 5))).is_empty());
    // Every mention of the type on the day, placed or not; the scenario's own strikes are
    // dated that day too.
    let day = window(Window::Day(d(2019, 12, 29), SubEventType::AirDroneStrike));
    let ids: Vec<&str> = day.iter().map(|(id, _)| id.as_str()).collect();
    assert!(["a-strikes-m7", "a-strikes-m8", "a-strikes-m9"].iter().all(|id| ids.contains(id)), "{ids:?}");
    assert!(window(Window::Day(d(2019, 12, 29), SubEventType::Abduction)).is_empty());
    assert!(window(Window::Day(d(2019, 12, 30), SubEventType::AirDroneStrike)).is_empty());
    // A date window still finds all three.
    let all = found(&store, Some((d(2019, 12, 29), d(2019, 12, 29))), &[]);
    assert!(all.len() >= 3, "{all:?}");
}

fn mentions_of_named_events_are_added_whatever_their_dates(fresh: Fresh) {
    let store = store(fresh);
    assert_eq!(
        found(&store, Some((d(2019, 12, 28), d(2019, 12, 30))), &["ev-tower-22", "ev-green-zone", "ev-us-strikes"]),
        [
            pair("a-strikes-m1", Some("ev-us-strikes")),
            pair("a-strikes-m2", Some("ev-us-strikes")),
            pair("a-green-m1", Some("ev-green-zone")),
            pair("a-tower22-m1", Some("ev-tower-22")),
            // Undated mentions come last.
            pair("a-green-m2", Some("ev-green-zone")),
        ]
    );
    assert_eq!(found(&store, None, &["ev-k1-rockets"]), [pair("a-k1-m1", Some("ev-k1-rockets"))]);
    assert!(found(&store, None, &[]).is_empty());
    assert!(found(&store, None, &["ev-unknown"]).is_empty());
}

fn mentions_come_back_with_their_sources(fresh: Fresh) {
    let store = store(fresh);
    let batch = scenario();
    let (mention, event) = store.mentions_for_merge(None, &["ev-k1-rockets".to_string()]).unwrap().remove(0);
    assert_eq!(event.as_deref(), Some("ev-k1-rockets"));
    assert_eq!(mention, batch.events_upserted[0].mentions[0]);
    assert_eq!(mention.source.outlets, ["Wire A", "Daily B"]);
}

fn an_articles_mentions_come_back_whatever_their_dates(fresh: Fresh) {
    let store = store(fresh);
    let ids = |articles: &[&str]| -> Vec<(String, Option<String>)> {
        let articles: Vec<String> = articles.iter().map(|s| s.to_string()).collect();
        store.mentions_of_articles(&articles).unwrap().into_iter().map(|(m, e)| (m.mention.id, e)).collect()
    };
    assert_eq!(
        ids(&["a-green", "a-embassy"]),
        [
            pair("a-embassy-m1", Some("ev-embassy")),
            // Ordered by start date, undated last.
            pair("a-embassy-m2", None),
            pair("a-green-m1", Some("ev-green-zone")),
            pair("a-green-m2", Some("ev-green-zone")),
        ]
    );
    assert!(ids(&[]).is_empty());
    assert!(ids(&["no-such-article"]).is_empty());
}

/// A mention's row is written once, but its event changes: read again, after its event was
/// removed and after it joined another, it comes back with the event it has now.
fn a_mention_read_again_comes_back_with_its_current_event(fresh: Fresh) {
    let mut store = store(fresh);
    let day = Some((d(2019, 12, 27), d(2019, 12, 27)));
    assert_eq!(found(&store, day, &[]), [pair("a-k1-m1", Some("ev-k1-rockets"))]);
    store.write_batch(&Batch { events_removed: vec!["ev-k1-rockets".into()], ..Batch::default() }).unwrap();
    assert_eq!(found(&store, day, &[]), [pair("a-k1-m1", None)]);
    let mut again = scenario().events_upserted.remove(0);
    again.id = "ev-k1-again".into();
    store.write_batch(&Batch { events_upserted: vec![again.clone()], ..Batch::default() }).unwrap();
    assert_eq!(found(&store, day, &[]), [pair("a-k1-m1", Some("ev-k1-again"))]);
    let (mention, _) = store.mentions_for_merge(None, &["ev-k1-again".to_string()]).unwrap().remove(0);
    assert_eq!(mention, again.mentions[0]);
}

suite!(
    a_mention_read_again_comes_back_with_its_current_event,
    an_articles_mentions_come_back_whatever_their_dates,
    a_country_window_selects_that_countrys_mentions_and_a_day_window_that_days_type,
    a_window_selects_mentions_whose_dates_intersect_it,
    mentions_of_named_events_are_added_whatever_their_dates,
    mentions_come_back_with_their_sources
);
