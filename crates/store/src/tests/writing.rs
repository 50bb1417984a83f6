//! Writing batches: round trips, idempotence, replacement and removal of events, atomicity.

use super::*;
use crate::{ArticleSignature, BatchOutcome, Counts, EventFilter, Store, StoreError};

fn store_with_scenario() -> (SqliteStore, Batch) {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let batch = scenario();
    store.write_batch(&batch).unwrap();
    (store, batch)
}

#[test]
fn a_batch_reads_back_exactly_as_written() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let batch = scenario();
    let outcome = store.write_batch(&batch).unwrap();
    assert_eq!(
        outcome,
        BatchOutcome { articles_new: 5, sightings_new: 6, events_new: 5, events_updated: 0, events_removed: 0 }
    );

    let mut expected = batch.events_upserted.clone();
    expected.sort_by(|a, b| (a.date.map(|d| d.start), &a.id).cmp(&(b.date.map(|d| d.start), &b.id)));
    assert_eq!(store.events(&EventFilter::default()).unwrap(), expected);
    for event in &batch.events_upserted {
        assert_eq!(store.event(&event.id).unwrap().as_ref(), Some(event));
    }

    let (article, mentions) = &batch.articles[0];
    let (stored, sightings, stored_mentions) = store.article(&article.id).unwrap().unwrap();
    assert_eq!(&stored, article);
    assert_eq!(&stored_mentions, mentions);
    assert_eq!(sightings, vec![sighting(article, "Wire A"), sighting(article, "Daily B")]);
    assert!(store.has_article(&article.id).unwrap());
    assert!(!store.has_article("nope").unwrap());
    assert_eq!(store.article("nope").unwrap(), None);

    assert_eq!(
        store.counts().unwrap(),
        Counts { articles: 5, sightings: 6, outlets: 3, mentions: 6, events: 5, log_entries: 2 }
    );
    assert_eq!(store.log_entries(10).unwrap(), batch.log);
}

#[test]
fn derived_tables_follow_the_events() {
    let (store, _) = store_with_scenario();
    assert_eq!(rows(&store, "event_sources"), 6);
    assert_eq!(rows(&store, "attributions"), 3);
    // Actors named by events and attributions, once each; places of the five events.
    assert_eq!(rows(&store, "actors"), 9);
    assert_eq!(rows(&store, "places"), 5);
    let (location, fatalities_high, n_outlets, assoc): (String, i64, i64, String) = store
        .conn
        .query_row(
            "SELECT location, fatalities_high, n_outlets, assoc_actors FROM events WHERE id = 'ev-embassy'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!((location.as_str(), fatalities_high, n_outlets), ("US Embassy, Baghdad", 0, 1));
    assert_eq!(assoc, "Kata'ib Hizbollah; Popular Mobilization Forces");
    let assigned: i64 = store
        .conn
        .query_row("SELECT count(*) FROM event_mentions WHERE event_id IS NOT NULL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(assigned, 6);
}

#[test]
fn writing_the_same_batch_twice_adds_nothing() {
    let (mut store, batch) = store_with_scenario();
    let before = store.counts().unwrap();
    let sources = rows(&store, "event_sources");
    let outcome = store.write_batch(&Batch { log: Vec::new(), ..batch.clone() }).unwrap();
    assert_eq!(
        outcome,
        BatchOutcome { articles_new: 0, sightings_new: 0, events_new: 0, events_updated: 5, events_removed: 0 }
    );
    assert_eq!(store.counts().unwrap(), before);
    assert_eq!(rows(&store, "event_sources"), sources);
    assert_eq!(rows(&store, "attributions"), 3);
}

#[test]
fn sightings_without_outlet_or_url_are_still_deduplicated() {
    let (mut store, batch) = store_with_scenario();
    let bare = ArticleSighting {
        outlet: None,
        url: None,
        title: None,
        published: None,
        source_id: None,
        origin: "inbox/k1.txt".into(),
        ..batch.sightings[0].clone()
    };
    let only_url = ArticleSighting { url: Some("https://example.org/k1".into()), ..bare.clone() };
    let batch = Batch { sightings: vec![bare.clone(), bare.clone(), only_url.clone()], ..Batch::default() };
    assert_eq!(store.write_batch(&batch).unwrap().sightings_new, 2);
    assert_eq!(store.write_batch(&batch).unwrap().sightings_new, 0);
    let (_, sightings, _) = store.article(&bare.article).unwrap().unwrap();
    assert_eq!(&sightings[2..], &[bare, only_url]);
    // Outlets counts named outlets only.
    assert_eq!(store.counts().unwrap().outlets, 3);
}

#[test]
fn upserting_an_existing_event_replaces_it() {
    let (mut store, batch) = store_with_scenario();
    // The merge stage decided the K1 event also covers the strikes article's first mention.
    let mut k1 = batch.events_upserted[0].clone();
    let strikes = batch.events_upserted[1].clone();
    let moved = strikes.mentions[0].clone();
    k1.mentions = vec![moved.clone()];
    k1.attributions.clear();
    k1.fatalities = figures(Some(1), Some(2), Some(3));
    let outcome = store.write_batch(&Batch { events_upserted: vec![k1.clone()], ..Batch::default() }).unwrap();
    assert_eq!(outcome, BatchOutcome { events_updated: 1, ..BatchOutcome::default() });

    assert_eq!(store.event("ev-k1-rockets").unwrap(), Some(k1));
    let sources: Vec<String> = store
        .conn
        .prepare("SELECT mention_id FROM event_sources WHERE event_id = 'ev-k1-rockets'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(sources, vec![moved.mention.id.clone()]);
    let attributions: i64 = store
        .conn
        .query_row("SELECT count(*) FROM attributions WHERE event_id = 'ev-k1-rockets'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(attributions, 0);

    // The mention it no longer lists is unassigned; the one it took over now points at it.
    let assignment = |id: &str| -> Option<String> {
        store.conn.query_row("SELECT event_id FROM event_mentions WHERE id = ?1", [id], |r| r.get(0)).unwrap()
    };
    assert_eq!(assignment("a-k1-m1"), None);
    assert_eq!(assignment(&moved.mention.id).as_deref(), Some("ev-k1-rockets"));
}

#[test]
fn removing_an_event_removes_its_sources_and_attributions() {
    let (mut store, _) = store_with_scenario();
    let outcome = store
        .write_batch(&Batch {
            events_removed: vec!["ev-green-zone".into(), "ev-k1-rockets".into(), "ev-never-stored".into()],
            ..Batch::default()
        })
        .unwrap();
    assert_eq!(outcome, BatchOutcome { events_removed: 2, ..BatchOutcome::default() });
    assert_eq!(store.event("ev-green-zone").unwrap(), None);
    assert_eq!(store.counts().unwrap().events, 3);
    assert_eq!(rows(&store, "event_sources"), 4);
    assert_eq!(rows(&store, "attributions"), 1);
    // The mentions stay, unassigned, ready to be merged again.
    assert_eq!(store.counts().unwrap().mentions, 6);
    let unassigned = store.mentions_for_merge(Some((d(2019, 12, 27), d(2019, 12, 27))), &[]).unwrap();
    assert_eq!(unassigned.len(), 1);
    assert_eq!(unassigned[0].1, None);
}

#[test]
fn an_event_removed_and_upserted_in_one_batch_counts_as_new() {
    let (mut store, batch) = store_with_scenario();
    let tower = batch.events_upserted[4].clone();
    let outcome = store
        .write_batch(&Batch {
            events_removed: vec![tower.id.clone()],
            events_upserted: vec![tower.clone()],
            ..Batch::default()
        })
        .unwrap();
    assert_eq!(outcome, BatchOutcome { events_new: 1, events_removed: 1, ..BatchOutcome::default() });
    assert_eq!(store.event(&tower.id).unwrap(), Some(tower));
}

#[test]
fn a_failing_batch_leaves_nothing_behind() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let mut batch = scenario();
    // The last mention refers to an article that is neither stored nor in the batch: the foreign
    // key fails after articles, sightings and earlier mentions were already inserted.
    let mut orphan = batch.mentions[0].clone();
    orphan.mention.id = "orphan-m1".into();
    orphan.mention.article = "no-such-article".into();
    batch.mentions.push(orphan);
    let err = store.write_batch(&batch).unwrap_err();
    assert!(matches!(err, StoreError::Sqlite(_)), "{err}");
    assert_eq!(store.counts().unwrap(), Counts::default());
    assert!(!store.has_article("a-k1").unwrap());
    for table in ["event_sources", "attributions", "actors", "places", "ingest_log"] {
        assert_eq!(rows(&store, table), 0, "{table}");
    }

    // The store is still usable, and the valid batch goes through.
    let good = scenario();
    assert_eq!(store.write_batch(&good).unwrap().articles_new, 5);
}

#[test]
fn a_sighting_of_an_unknown_article_is_refused() {
    let (mut store, batch) = store_with_scenario();
    let before = store.counts().unwrap();
    let stray = ArticleSighting { article: "unknown".into(), ..batch.sightings[0].clone() };
    let new_log = LogEntry { origin: "x".into(), severity: Severity::Error, code: "c".into(), message: "m".into() };
    let err = store.write_batch(&Batch { sightings: vec![stray], log: vec![new_log], ..Batch::default() });
    assert!(err.is_err());
    assert_eq!(store.counts().unwrap(), before);
}

#[test]
fn an_event_mention_not_yet_stored_is_stored_with_its_event() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let batch = scenario();
    let only_events = Batch { mentions: Vec::new(), ..batch.clone() };
    store.write_batch(&only_events).unwrap();
    assert_eq!(store.counts().unwrap().mentions, 6);
    let all = store.mentions_for_merge(None, &["ev-us-strikes".to_string()]).unwrap();
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|(_, e)| e.as_deref() == Some("ev-us-strikes")));
}

/// Signatures are stored with their bands and found again by any one band, each article once.
#[test]
fn near_duplicate_candidates_are_found_by_band() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let batch = scenario();
    let ids: Vec<String> = batch.articles.iter().map(|(a, _)| a.id.clone()).collect();
    let signature = |article: &str, minhash: Vec<u64>, bands: Vec<u64>| ArticleSignature {
        article: article.to_string(),
        minhash,
        bands,
    };
    store
        .write_batch(&Batch {
            signatures: vec![
                // The top bit set: bands are u64 and must survive SQLite's signed integers.
                signature(&ids[0], vec![1, u64::MAX, 3], vec![10, u64::MAX - 1]),
                signature(&ids[1], vec![4, 5, 6], vec![20, u64::MAX - 1]),
                signature(&ids[2], vec![7, 8, 9], vec![30]),
            ],
            ..batch
        })
        .unwrap();
    let mut both = vec![(ids[0].clone(), vec![1, u64::MAX, 3]), (ids[1].clone(), vec![4, 5, 6])];
    both.sort();
    assert_eq!(store.near_duplicate_candidates(&[u64::MAX - 1, 99]).unwrap(), both);
    assert_eq!(store.near_duplicate_candidates(&[30]).unwrap(), [(ids[2].clone(), vec![7, 8, 9])]);
    assert_eq!(store.near_duplicate_candidates(&[99]).unwrap(), []);
    assert_eq!(store.near_duplicate_candidates(&[]).unwrap(), []);
    // Writing a signature again is a no-op.
    store.write_batch(&Batch { signatures: vec![signature(&ids[2], vec![0], vec![31])], ..Batch::default() }).unwrap();
    assert_eq!(store.near_duplicate_candidates(&[30]).unwrap(), [(ids[2].clone(), vec![7, 8, 9])]);
}
