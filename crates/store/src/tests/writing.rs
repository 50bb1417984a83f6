//! Writing batches: round trips, idempotence, replacement and removal of events, atomicity.

use super::*;
use crate::{ArticleSignature, BatchOutcome, Counts, EventFilter, StoreError};

fn store_with_scenario(mut store: Fresh) -> (Fresh, Batch) {
    let batch = scenario();
    store.write_batch(&batch).unwrap();
    (store, batch)
}

fn a_batch_reads_back_exactly_as_written(fresh: Fresh) {
    let mut store = fresh;
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

fn derived_tables_follow_the_events(fresh: Fresh) {
    let (store, _) = store_with_scenario(fresh);
    assert_eq!(store.count_rows("event_sources"), 6);
    assert_eq!(store.count_rows("attributions"), 3);
    // Actors named by events and attributions, once each; places of the five events.
    assert_eq!(store.count_rows("actors"), 9);
    assert_eq!(store.count_rows("places"), 5);
    let row = store.texts(
        "SELECT location, CAST(fatalities_high AS TEXT), CAST(n_outlets AS TEXT), assoc_actors
         FROM events WHERE id = 'ev-embassy'",
    );
    assert_eq!(row[..3], [Some("US Embassy, Baghdad".to_string()), Some("0".to_string()), Some("1".to_string())]);
    assert_eq!(row[3].as_deref(), Some("Kata'ib Hizbollah; Popular Mobilization Forces"));
    let assigned = store.count("SELECT count(*) FROM event_mentions WHERE event_id IS NOT NULL");
    assert_eq!(assigned, 6);
}

fn writing_the_same_batch_twice_adds_nothing(fresh: Fresh) {
    let (mut store, batch) = store_with_scenario(fresh);
    let before = store.counts().unwrap();
    let sources = store.count_rows("event_sources");
    let outcome = store.write_batch(&Batch { log: Vec::new(), ..batch.clone() }).unwrap();
    assert_eq!(
        outcome,
        BatchOutcome { articles_new: 0, sightings_new: 0, events_new: 0, events_updated: 5, events_removed: 0 }
    );
    assert_eq!(store.counts().unwrap(), before);
    assert_eq!(store.count_rows("event_sources"), sources);
    assert_eq!(store.count_rows("attributions"), 3);
}

fn sightings_without_outlet_or_url_are_still_deduplicated(fresh: Fresh) {
    let (mut store, batch) = store_with_scenario(fresh);
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

fn upserting_an_existing_event_replaces_it(fresh: Fresh) {
    let (mut store, batch) = store_with_scenario(fresh);
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
    let sources = store.column("SELECT mention_id FROM event_sources WHERE event_id = 'ev-k1-rockets'");
    assert_eq!(sources, vec![Some(moved.mention.id.clone())]);
    let attributions = store.count("SELECT count(*) FROM attributions WHERE event_id = 'ev-k1-rockets'");
    assert_eq!(attributions, 0);

    // The mention it no longer lists is unassigned; the one it took over now points at it.
    let assignment = |id: &str| -> Option<String> {
        store.texts(&format!("SELECT event_id FROM event_mentions WHERE id = '{id}'")).remove(0)
    };
    assert_eq!(assignment("a-k1-m1"), None);
    assert_eq!(assignment(&moved.mention.id).as_deref(), Some("ev-k1-rockets"));
}

/// Events are written by difference from what is stored: a mention moved from one event to
/// another, whichever of the two is written first, is listed by the second only.
fn moved_mention(fresh: Fresh, k1_first: bool) {
    {
        let (mut store, batch) = store_with_scenario(fresh);
        let mut k1 = batch.events_upserted[0].clone();
        let mut strikes = batch.events_upserted[1].clone();
        let moved = strikes.mentions.remove(0);
        k1.mentions.push(moved.clone());
        let events_upserted =
            if k1_first { vec![k1.clone(), strikes.clone()] } else { vec![strikes.clone(), k1.clone()] };
        store.write_batch(&Batch { events_upserted, ..Batch::default() }).unwrap();
        let sources = |event: &str| {
            let mut ids = store.column(&format!("SELECT mention_id FROM event_sources WHERE event_id = '{event}'"));
            ids.sort();
            ids
        };
        let ids = |e: &Event| {
            let mut ids: Vec<Option<String>> = e.mentions.iter().map(|m| Some(m.mention.id.clone())).collect();
            ids.sort();
            ids
        };
        assert_eq!(sources("ev-k1-rockets"), ids(&k1), "k1 first: {k1_first}");
        assert_eq!(sources("ev-us-strikes"), ids(&strikes), "k1 first: {k1_first}");
        assert_eq!(store.event("ev-k1-rockets").unwrap(), Some(k1));
        assert_eq!(store.event("ev-us-strikes").unwrap(), Some(strikes));
    }
}

fn a_mention_moved_to_an_event_written_first_is_its_source_only(fresh: Fresh) {
    moved_mention(fresh, true);
}

fn a_mention_moved_to_an_event_written_last_is_its_source_only(fresh: Fresh) {
    moved_mention(fresh, false);
}

fn removing_an_event_removes_its_sources_and_attributions(fresh: Fresh) {
    let (mut store, _) = store_with_scenario(fresh);
    let outcome = store
        .write_batch(&Batch {
            events_removed: vec!["ev-green-zone".into(), "ev-k1-rockets".into(), "ev-never-stored".into()],
            ..Batch::default()
        })
        .unwrap();
    assert_eq!(outcome, BatchOutcome { events_removed: 2, ..BatchOutcome::default() });
    assert_eq!(store.event("ev-green-zone").unwrap(), None);
    assert_eq!(store.counts().unwrap().events, 3);
    assert_eq!(store.count_rows("event_sources"), 4);
    assert_eq!(store.count_rows("attributions"), 1);
    // The mentions stay, unassigned, ready to be merged again.
    assert_eq!(store.counts().unwrap().mentions, 6);
    let unassigned =
        store.mentions_for_merge(Some(&crate::Window::Dates(d(2019, 12, 27), d(2019, 12, 27))), &[]).unwrap();
    assert_eq!(unassigned.len(), 1);
    assert_eq!(unassigned[0].1, None);
}

fn an_event_removed_and_upserted_in_one_batch_counts_as_new(fresh: Fresh) {
    let (mut store, batch) = store_with_scenario(fresh);
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

fn a_failing_batch_leaves_nothing_behind(fresh: Fresh) {
    let mut store = fresh;
    let mut batch = scenario();
    // The last mention refers to an article that is neither stored nor in the batch: the foreign
    // key fails after articles, sightings and earlier mentions were already inserted.
    let mut orphan = batch.mentions[0].clone();
    orphan.mention.id = "orphan-m1".into();
    orphan.mention.article = "no-such-article".into();
    batch.mentions.push(orphan);
    let err = store.write_batch(&batch).unwrap_err();
    assert!(matches!(err, StoreError::Sqlite(_) | StoreError::Postgres(_)), "{err}");
    assert_eq!(store.counts().unwrap(), Counts::default());
    assert!(!store.has_article("a-k1").unwrap());
    for table in ["event_sources", "attributions", "actors", "places", "ingest_log"] {
        assert_eq!(store.count_rows(table), 0, "{table}");
    }

    // The store is still usable, and the valid batch goes through.
    let good = scenario();
    assert_eq!(store.write_batch(&good).unwrap().articles_new, 5);
}

fn a_sighting_of_an_unknown_article_is_refused(fresh: Fresh) {
    let (mut store, batch) = store_with_scenario(fresh);
    let before = store.counts().unwrap();
    let stray = ArticleSighting { article: "unknown".into(), ..batch.sightings[0].clone() };
    let new_log = LogEntry { origin: "x".into(), severity: Severity::Error, code: "c".into(), message: "m".into() };
    let err = store.write_batch(&Batch { sightings: vec![stray], log: vec![new_log], ..Batch::default() });
    assert!(err.is_err());
    assert_eq!(store.counts().unwrap(), before);
}

fn an_event_mention_not_yet_stored_is_stored_with_its_event(fresh: Fresh) {
    let mut store = fresh;
    let batch = scenario();
    let only_events = Batch { mentions: Vec::new(), ..batch.clone() };
    store.write_batch(&only_events).unwrap();
    assert_eq!(store.counts().unwrap().mentions, 6);
    let all = store.mentions_for_merge(None, &["ev-us-strikes".to_string()]).unwrap();
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|(_, e)| e.as_deref() == Some("ev-us-strikes")));
}

/// Signatures are stored with their bands and found again by any one band, each article once.
fn near_duplicate_candidates_are_found_by_band(mut store: Fresh) {
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

    // Key ranges, in u64 order, each key once, across the sign of SQLite's and PostgreSQL's integers
    // (31 came with the signature written again).
    assert_eq!(store.band_keys_between(0, u64::MAX, 100).unwrap(), [10, 20, 30, 31, u64::MAX - 1]);
    assert_eq!(store.band_keys_between(10, 20, 100).unwrap(), [10, 20]);
    assert!(store.band_keys_between(11, 19, 100).unwrap().is_empty());
    assert_eq!(store.band_keys_between(25, u64::MAX - 1, 100).unwrap(), [30, 31, u64::MAX - 1]);
    assert_eq!(store.band_keys_between(1 << 63, u64::MAX, 100).unwrap(), [u64::MAX - 1]);
    assert_eq!(store.band_keys_between(0, u64::MAX, 2).unwrap(), [10, 20]);
    assert!(store.band_keys_between(0, u64::MAX, 0).unwrap().is_empty());
    assert!(store.band_keys_between(30, 10, 100).unwrap().is_empty());
}

suite!(
    a_mention_moved_to_an_event_written_first_is_its_source_only,
    a_mention_moved_to_an_event_written_last_is_its_source_only,
    a_batch_reads_back_exactly_as_written,
    derived_tables_follow_the_events,
    writing_the_same_batch_twice_adds_nothing,
    sightings_without_outlet_or_url_are_still_deduplicated,
    upserting_an_existing_event_replaces_it,
    removing_an_event_removes_its_sources_and_attributions,
    an_event_removed_and_upserted_in_one_batch_counts_as_new,
    a_failing_batch_leaves_nothing_behind,
    a_sighting_of_an_unknown_article_is_refused,
    an_event_mention_not_yet_stored_is_stored_with_its_event,
    near_duplicate_candidates_are_found_by_band
);

/// Regression: an event's row repeated every mention (780 KB for the largest event of a
/// 30,000-article benchmark ledger), read and rewritten whenever a re-merge handed it back.
/// The row keeps the mentions' ids in order; the mentions keep their own rows.
#[test]
fn an_event_row_keeps_its_mention_ids_not_its_mentions() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let batch = scenario();
    store.write_batch(&batch).unwrap();
    for event in &batch.events_upserted {
        let row = store.texts(&format!(
            "SELECT CAST(json_array_length(json, '$.mentions') AS TEXT), mention_ids FROM events WHERE id = '{}'",
            event.id
        ));
        let ids: Vec<&str> = event.mentions.iter().map(|m| m.mention.id.as_str()).collect();
        assert_eq!(row, [Some("0".to_string()), Some(serde_json::to_string(&ids).unwrap())], "{}", event.id);
        assert_eq!(store.event(&event.id).unwrap().as_ref(), Some(event));
    }
}

/// A ledger file's log is checkpointed by a thread of its own (the writer's automatic checkpoint
/// waits for a longer log); dropping the store stops that thread first, so the writer's connection
/// closes last, copies what is left into the file and removes the log.
#[test]
fn a_ledger_file_checkpoints_off_the_writer_and_closes_without_a_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let batch = scenario();
    let mut store = SqliteStore::open(&path).unwrap();
    let autocheckpoint = |store: &SqliteStore| store.count("PRAGMA wal_autocheckpoint");
    assert_eq!(autocheckpoint(&store), 1000, "SQLite's default until the first write");
    store.write_batch(&batch).unwrap();
    assert_eq!(autocheckpoint(&store), crate::sqlite::WRITER_AUTOCHECKPOINT);
    assert!(dir.path().join("ledger.db-wal").exists());
    drop(store);
    assert!(!dir.path().join("ledger.db-wal").exists(), "the writer closed last and removed the log");
    let store = SqliteStore::open_read_only(&path).unwrap();
    for event in &batch.events_upserted {
        assert_eq!(store.event(&event.id).unwrap().as_ref(), Some(event));
    }

    // In memory there is no log and no thread.
    let mut memory = SqliteStore::open_in_memory().unwrap();
    memory.write_batch(&batch).unwrap();
    assert!(matches!(memory.checkpoint, crate::sqlite::Checkpoint::Writer));
}
