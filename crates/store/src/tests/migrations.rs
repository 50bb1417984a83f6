//! Upgrading old databases: the committed version-1 fixture, step by step and all at once.
//!
//! The fixture is frozen: it was written by the version-1 code, and today's writer needs tables of
//! later versions, so it cannot be regenerated. Never edit it; add a fixture for a new version.

use super::*;
use crate::{EventFilter, Store, StoreError, SCHEMA_VERSION};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/test_data/schema_v1.sqlite");

/// A version-1 database holding the scenario: a copy of the committed fixture.
fn write_v1(path: &Path) {
    std::fs::copy(FIXTURE, path).unwrap();
    let store = SqliteStore::open_at_version(path, 1).unwrap();
    assert_eq!(store.schema_version().unwrap(), 1);
}

fn has_view(store: &SqliteStore, name: &str) -> bool {
    store
        .conn
        .query_row("SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'view' AND name = ?1)", [name], |r| {
            r.get(0)
        })
        .unwrap()
}

/// Checks that `store` is at the latest version and holds the scenario unchanged.
fn assert_upgraded_with_scenario(store: &SqliteStore) {
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let batch = scenario();
    let mut expected = batch.events_upserted.clone();
    expected.sort_by(|a, b| (a.date.map(|d| d.start), &a.id).cmp(&(b.date.map(|d| d.start), &b.id)));
    assert_eq!(store.events(&EventFilter::default()).unwrap(), expected);
    let (article, mentions) = &batch.articles[0];
    let (stored, sightings, stored_mentions) = store.article(&article.id).unwrap().unwrap();
    assert_eq!((&stored, &stored_mentions), (article, mentions));
    assert_eq!(sightings.len(), 2);
    assert_eq!(store.log_entries(10).unwrap(), batch.log);

    // What version 2 added works on the rows version 1 wrote.
    assert!(has_view(store, "v_events"));
    let (n_sources, outlets, attributions): (i64, String, String) = store
        .conn
        .query_row("SELECT n_sources, outlets, attributions FROM v_events WHERE id = 'ev-k1-rockets'", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!((n_sources, outlets.as_str()), (1, "Daily B; Wire A"));
    assert_eq!(attributions, "blamed: Kata'ib Hizbollah");

    // Version 3's change feed starts empty on an upgraded file: earlier events were never
    // "changed", and a watcher starting on this ledger begins after them.
    assert_eq!(store.latest_change().unwrap(), 0);
    // What version 5 added (near-duplicate signatures) is there, empty.
    assert_eq!(store.near_duplicate_candidates(&[7]).unwrap(), []);
}

#[test]
fn a_version_1_database_is_upgraded_step_by_step() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    write_v1(&path);
    {
        let old = SqliteStore::open_at_version(&path, 1).unwrap();
        assert!(!has_view(&old, "v_events"));
    }
    for version in 2..SCHEMA_VERSION {
        let step = SqliteStore::open_at_version(&path, version).unwrap();
        assert_eq!(step.schema_version().unwrap(), version);
    }
    let store = SqliteStore::open(&path).unwrap();
    assert_upgraded_with_scenario(&store);
    drop(store);
    // Opening an up-to-date file again changes nothing.
    let mut store = SqliteStore::open(&path).unwrap();
    assert_upgraded_with_scenario(&store);
    // Articles version 1 wrote take near-duplicate signatures (version 3).
    let article = scenario().articles[0].0.id.clone();
    let signature = crate::ArticleSignature { article: article.clone(), minhash: vec![1, 2], bands: vec![7] };
    store.write_batch(&Batch { signatures: vec![signature], ..Batch::default() }).unwrap();
    assert_eq!(store.near_duplicate_candidates(&[7]).unwrap(), [(article, vec![1, 2])]);
}

/// The version-1 fixture at `path`, upgraded to `version`, its first article then signed under
/// `bands` (MinHash `[1, 2]`): that article's id.
fn signed_at_version(path: &Path, version: u32, bands: &[u64]) -> String {
    write_v1(path);
    let article = scenario().articles[0].0.id.clone();
    let mut store = SqliteStore::open_at_version(path, version).unwrap();
    let signature = crate::ArticleSignature { article: article.clone(), minhash: vec![1, 2], bands: bands.to_vec() };
    store.write_batch(&Batch { signatures: vec![signature], ..Batch::default() }).unwrap();
    article
}

#[test]
fn signatures_of_the_earlier_kind_are_dropped_by_version_6() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let article = signed_at_version(&path, 5, &[7]);
    {
        let v5 = SqliteStore::open_at_version(&path, 5).unwrap();
        assert_eq!(v5.near_duplicate_candidates(&[7]).unwrap(), [(article.clone(), vec![1, 2])]);
    }
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.near_duplicate_candidates(&[7]).unwrap(), [], "a 128-function MinHash never matches a new one");
    assert!(store.article(&article).unwrap().is_some(), "the article itself stays");
}

/// Version 9 rebuilds the band table without its foreign key (a lookup per band row written):
/// the rows written before are still found, and a batch still writes and finds new ones.
#[test]
fn band_rows_survive_the_rebuild_of_version_9() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let article = signed_at_version(&path, 8, &[7, 9]);
    let mut store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.near_duplicate_candidates(&[9]).unwrap(), [(article.clone(), vec![1, 2])]);
    assert_eq!(store.band_keys_between(0, 100, 10).unwrap(), [7, 9]);
    let foreign_keys: i64 = store
        .conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_list('article_bands')", [], |r| r.get(0))
        .unwrap();
    assert_eq!(foreign_keys, 0);
    let signature = crate::ArticleSignature { article: article.clone(), minhash: vec![1, 2], bands: vec![11] };
    store.write_batch(&Batch { signatures: vec![signature], ..Batch::default() }).unwrap();
    assert_eq!(store.band_keys_between(0, 100, 10).unwrap(), [7, 9, 11]);
}

#[test]
fn the_committed_version_1_fixture_is_upgraded_on_open() {
    let committed = Connection::open_with_flags(FIXTURE, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let version: u32 = committed.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(version, 1, "the fixture must stay a version-1 database");
    drop(committed);

    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.sqlite");
    std::fs::copy(FIXTURE, &copy).unwrap();
    let store = SqliteStore::open(&copy).unwrap();
    assert_upgraded_with_scenario(&store);
}

#[test]
fn a_database_from_a_newer_sitrep_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.sqlite");
    Connection::open(&path).unwrap().pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
    match SqliteStore::open(&path) {
        Err(e @ StoreError::TooNew { .. }) => {
            assert!(e.is_user_error());
            assert!(e.to_string().contains("upgrade sitrep"), "{e}");
        }
        Err(other) => panic!("expected TooNew, got {other}"),
        Ok(_) => panic!("expected TooNew, got a store"),
    }
}
