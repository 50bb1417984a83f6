//! Opening stores: files, directories, connection settings and store specs.

use super::*;
use crate::{open, Store, StoreError, SCHEMA_VERSION};

#[test]
fn a_file_store_is_created_with_its_directory_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("ledger.sqlite");
    {
        let mut store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        let mode: String = store.conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        let foreign_keys: bool = store.conn.pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
        assert!(foreign_keys);
        store.write_batch(&scenario()).unwrap();
    }
    assert!(path.exists());
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.counts().unwrap().events, 5);
}

#[test]
fn a_new_ledger_has_large_pages_and_an_old_one_keeps_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let page_size =
        |store: &SqliteStore| -> i64 { store.conn.pragma_query_value(None, "page_size", |r| r.get(0)).unwrap() };
    let new = dir.path().join("new.sqlite");
    assert_eq!(page_size(&SqliteStore::open(&new).unwrap()), 16_384);
    // A ledger made before the page size was set: SQLite's default 4 KB pages.
    let old = dir.path().join("old.sqlite");
    {
        let conn = rusqlite::Connection::open(&old).unwrap();
        conn.pragma_update(None, "page_size", 4096).unwrap();
        conn.execute_batch("CREATE TABLE t (x); DROP TABLE t;").unwrap();
    }
    let mut store = SqliteStore::open(&old).unwrap();
    assert_eq!(page_size(&store), 4096);
    store.write_batch(&scenario()).unwrap();
    assert_eq!(SqliteStore::open(&old).unwrap().counts().unwrap().events, 5);
}

#[test]
fn two_connections_share_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let mut writer = SqliteStore::open(&path).unwrap();
    let reader = SqliteStore::open(&path).unwrap();
    writer.write_batch(&scenario()).unwrap();
    assert_eq!(reader.counts().unwrap().articles, 5);
}

#[test]
fn a_file_that_is_not_a_database_is_a_user_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "these are not the tables you are looking for ".repeat(100)).unwrap();
    match SqliteStore::open(&path) {
        Err(e @ StoreError::Open { .. }) => assert!(e.is_user_error()),
        Err(other) => panic!("expected Open, got {other}"),
        Ok(_) => panic!("expected an error"),
    }
}

#[test]
fn store_specs_pick_the_backend() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spec.sqlite");

    let mut store = open(path.to_str().unwrap()).unwrap();
    store.write_batch(&scenario()).unwrap();
    drop(store);
    let store = open(&format!("sqlite://{}", path.display())).unwrap();
    assert_eq!(store.counts().unwrap().events, 5);

    let memory = open(":memory:").unwrap();
    assert_eq!(memory.counts().unwrap().events, 0);

    match open("mysql://db/sitrep") {
        Err(e @ StoreError::Unsupported(_)) => assert!(e.is_user_error()),
        Err(other) => panic!("expected Unsupported, got {other}"),
        Ok(_) => panic!("expected Unsupported, got a store"),
    }
    // PostgreSQL URLs go to the server backend: nothing listens on port 1.
    for spec in ["postgres://analyst@127.0.0.1:1/sitrep", "postgresql://127.0.0.1:1/sitrep"] {
        match open(spec) {
            Err(e @ StoreError::Connect { .. }) => assert!(e.is_user_error()),
            Err(other) => panic!("{spec}: expected Connect, got {other}"),
            Ok(_) => panic!("{spec}: expected Connect, got a store"),
        }
    }
}
