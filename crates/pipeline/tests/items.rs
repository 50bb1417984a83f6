//! `ingest_items`: items read elsewhere (a feed polled by `watch`) go through the same pipeline
//! into a real SQLite ledger, skipped items are logged, and feeding the same items again adds nothing.

use sitrep_ingest::{Item, Origin, RawArticle, Skipped};
use sitrep_pipeline::{ingest_items, Analyzer, IngestOptions};
use std::path::Path;

fn items() -> Vec<Item> {
    let origin = |n| Origin { path: Path::new("http://wire.example/feed.xml").to_path_buf(), line: Some(n) };
    vec![
        Item::Article(RawArticle {
            origin: origin(1),
            source_id: Some("https://wire.example/green-zone".into()),
            url: Some("https://wire.example/green-zone".into()),
            title: Some("Rockets hit Baghdad's Green Zone".into()),
            outlet: Some("Wire".into()),
            published: chrono::NaiveDate::from_ymd_opt(2020, 11, 18),
            lang: None,
            text: "BAGHDAD (Wire) - Seven rockets struck Baghdad's Green Zone on Tuesday night, killing a girl \
                   and wounding five civilians, the Iraqi military said."
                .into(),
            warnings: Vec::new(),
        }),
        Item::Skipped(Skipped {
            origin: origin(2),
            code: "http_error",
            message: "HTTP status 404 from https://wire.example/gone".into(),
        }),
    ]
}

#[test]
fn polled_items_go_through_the_pipeline_once() {
    let analyzer = Analyzer::builtin().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut store = sitrep_store::open(dir.path().join("items.db").to_str().unwrap()).unwrap();
    let options = IngestOptions::default();
    let report = ingest_items(&analyzer, store.as_mut(), items(), &options, &mut |_| {}).unwrap();
    assert_eq!((report.articles_new, report.events_new, report.skipped_total()), (1, 1, 1), "{report:?}");
    let again = ingest_items(&analyzer, store.as_mut(), items(), &options, &mut |_| {}).unwrap();
    assert_eq!((again.articles_new, again.events_new, again.duplicates), (0, 0, 1), "{again:?}");
    let log = store.log_entries(10).unwrap();
    assert!(log.iter().any(|e| e.code == "http_error" && e.origin == "http://wire.example/feed.xml:2"), "{log:?}");
}
