//! The PostgreSQL half of the tests: fresh databases per test, raw SQL for table checks, and what
//! only the server ledger does (URLs, migrations, the bounding box, concurrent planned writes).

use super::*;
use crate::{
    open, BatchOutcome, BoundingBox, Counts, EventFilter, LogEntry, PgStore, StoreError, StoredArticle,
    PG_SCHEMA_VERSION,
};
use sitrep_model::{Event, SourcedMention};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A store under test, with raw SQL for the few checks that look at tables directly. Queries are
/// written in the SQL both backends share.
pub(crate) trait TestStore: Store {
    /// The first column of every row, as text.
    fn column(&self, sql: &str) -> Vec<Option<String>>;
    /// Every column of the first row, as text (cast non-text columns in the query).
    fn texts(&self, sql: &str) -> Vec<Option<String>>;
    fn count(&self, sql: &str) -> i64;
    fn count_rows(&self, table: &str) -> i64 {
        // Table names come from the tests themselves, never from input.
        self.count(&format!("SELECT count(*) FROM {table}"))
    }
}

/// A fresh, empty store of one backend.
pub(crate) type Fresh = Box<dyn TestStore>;

/// The server tests create their databases from, or `None` (after saying SKIP) when it is
/// unreachable outside CI.
pub(crate) fn pg_admin() -> Option<String> {
    let url = std::env::var("SITREP_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string());
    match postgres::Client::connect(&url, postgres::NoTls) {
        Ok(_) => Some(url),
        Err(e) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("PostgreSQL at {url} is unreachable in CI (.ci/run starts it): {e}")
        }
        Err(e) => {
            eprintln!("SKIP: PostgreSQL at {url} is unreachable ({e}); set SITREP_TEST_POSTGRES");
            None
        }
    }
}

/// A database of its own for one test, dropped (with its connections) when this is dropped.
pub(crate) struct TempDatabase {
    admin: String,
    name: String,
    pub(crate) url: String,
}

impl TempDatabase {
    pub(crate) fn create() -> Option<TempDatabase> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let admin = pg_admin()?;
        let name = format!("sitrep_test_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        let mut client = postgres::Client::connect(&admin, postgres::NoTls).expect("admin connection");
        // One statement per call: multi-statement strings run as one transaction block.
        client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).unwrap();
        client.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let (base, _) = admin.rsplit_once('/').expect("SITREP_TEST_POSTGRES ends in /database");
        let url = format!("{base}/{name}");
        Some(TempDatabase { admin, name, url })
    }
}

impl Drop for TempDatabase {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

/// A PostgreSQL store in a database of its own.
pub(crate) struct PgTest {
    store: PgStore,
    // Dropped after the store, so the database goes once its connection is closed.
    _db: TempDatabase,
}

pub(crate) fn pg_fresh() -> Option<Fresh> {
    let db = TempDatabase::create()?;
    let store = PgStore::open(&db.url).expect("open the test database");
    Some(Box::new(PgTest { store, _db: db }))
}

impl TestStore for PgTest {
    fn column(&self, sql: &str) -> Vec<Option<String>> {
        let rows = self.store.lock().client.query(sql, &[]).expect("test query");
        rows.iter().map(|r| r.get(0)).collect()
    }

    fn texts(&self, sql: &str) -> Vec<Option<String>> {
        let row = self.store.lock().client.query_one(sql, &[]).expect("test query row");
        (0..row.len()).map(|i| row.get(i)).collect()
    }

    fn count(&self, sql: &str) -> i64 {
        self.store.lock().client.query_one(sql, &[]).expect("count query").get(0)
    }
}

impl Store for PgTest {
    fn has_article(&self, id: &str) -> Result<bool, StoreError> {
        self.store.has_article(id)
    }
    fn mentions_for_merge(
        &self,
        window: Option<&crate::Window>,
        event_ids: &[String],
    ) -> Result<Vec<(SourcedMention, Option<String>)>, StoreError> {
        self.store.mentions_for_merge(window, event_ids)
    }
    fn mentions_of_articles(
        &self,
        article_ids: &[String],
    ) -> Result<Vec<(SourcedMention, Option<String>)>, StoreError> {
        self.store.mentions_of_articles(article_ids)
    }
    fn write_batch(&mut self, batch: &Batch) -> Result<BatchOutcome, StoreError> {
        self.store.write_batch(batch)
    }
    fn write_planned(
        &mut self,
        plan: &mut dyn FnMut(&dyn Store) -> Result<Batch, StoreError>,
    ) -> Result<BatchOutcome, StoreError> {
        self.store.write_planned(plan)
    }
    fn events(&self, filter: &EventFilter) -> Result<Vec<Event>, StoreError> {
        self.store.events(filter)
    }
    fn event(&self, id_or_prefix: &str) -> Result<Option<Event>, StoreError> {
        self.store.event(id_or_prefix)
    }
    fn article(&self, id: &str) -> Result<Option<StoredArticle>, StoreError> {
        self.store.article(id)
    }
    fn counts(&self) -> Result<Counts, StoreError> {
        self.store.counts()
    }
    fn log_entries(&self, limit: usize) -> Result<Vec<LogEntry>, StoreError> {
        self.store.log_entries(limit)
    }
    fn event_page(&self, filter: &EventFilter) -> Result<crate::EventPage, StoreError> {
        self.store.event_page(filter)
    }
    fn timeline(
        &self,
        filter: &EventFilter,
        bucket: crate::Bucket,
        by: crate::GroupBy,
    ) -> Result<Vec<crate::TimelineRow>, StoreError> {
        self.store.timeline(filter, bucket, by)
    }
    fn actors(&self) -> Result<Vec<crate::ActorSummary>, StoreError> {
        self.store.actors()
    }
    fn places(&self) -> Result<Vec<crate::PlaceSummary>, StoreError> {
        self.store.places()
    }
    fn events_citing(&self, article_id: &str) -> Result<Vec<String>, StoreError> {
        self.store.events_citing(article_id)
    }
    fn latest_change(&self) -> Result<u64, StoreError> {
        self.store.latest_change()
    }
    fn changes_since(&self, seq: u64, limit: usize) -> Result<Vec<crate::EventChange>, StoreError> {
        self.store.changes_since(seq, limit)
    }
    fn near_duplicate_candidates(&self, bands: &[u64]) -> Result<Vec<(String, Vec<u64>)>, StoreError> {
        self.store.near_duplicate_candidates(bands)
    }
    fn band_keys_between(&self, low: u64, high: u64, limit: usize) -> Result<Vec<u64>, StoreError> {
        self.store.band_keys_between(low, high, limit)
    }
    fn record_alerts(
        &mut self,
        alerts: &[sitrep_model::Alert],
        state: &[(String, String)],
    ) -> Result<Vec<crate::StoredAlert>, StoreError> {
        self.store.record_alerts(alerts, state)
    }
    fn alerts_after(&self, after: u64, limit: usize) -> Result<Vec<crate::StoredAlert>, StoreError> {
        self.store.alerts_after(after, limit)
    }
    fn rule_alerts(&self, rule: &str, from: NaiveDate, to: NaiveDate) -> Result<Vec<sitrep_model::Alert>, StoreError> {
        self.store.rule_alerts(rule, from, to)
    }
    fn watch_state(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.store.watch_state(key)
    }
    fn latest_alert(&self) -> Result<u64, StoreError> {
        self.store.latest_alert()
    }
}

#[test]
fn a_postgres_url_opens_the_server_ledger_and_keeps_its_data() {
    let Some(db) = TempDatabase::create() else { return };
    {
        let mut store = open(&db.url).unwrap();
        store.write_batch(&scenario()).unwrap();
    }
    let store = open(&db.url.replacen("postgres://", "postgresql://", 1)).unwrap();
    assert_eq!(store.counts().unwrap().events, 5);
    // The analyst view reads as the SQLite one does.
    let pg = PgStore::open(&db.url).unwrap();
    let row = pg
        .lock()
        .client
        .query_one("SELECT n_sources, outlets, attributions FROM v_events WHERE id = 'ev-k1-rockets'", &[])
        .unwrap();
    let (n, outlets, attributions): (i64, String, String) = (row.get(0), row.get(1), row.get(2));
    assert_eq!((n, outlets.as_str(), attributions.as_str()), (1, "Daily B; Wire A", "blamed: Kata'ib Hizbollah"));
}

#[test]
fn an_unreachable_server_is_a_user_error_without_the_password() {
    match PgStore::open("postgres://analyst:s3cret@127.0.0.1:1/sitrep") {
        Err(e @ StoreError::Connect { .. }) => {
            assert!(e.is_user_error());
            assert!(!e.to_string().contains("s3cret"), "{e}");
        }
        Err(other) => panic!("expected Connect, got {other}"),
        Ok(_) => panic!("expected Connect, got a store"),
    }
}

#[test]
fn a_version_1_database_is_upgraded_on_open() {
    let Some(db) = TempDatabase::create() else { return };
    {
        let mut old = PgStore::open_at_version(&db.url, 1).unwrap();
        assert_eq!(old.schema_version().unwrap(), 1);
        // Today's writer fills the mention country of version 6, so the column is added ahead
        // of it; the step tolerates that and still fills the column from the JSON.
        old.lock().client.batch_execute("ALTER TABLE event_mentions ADD COLUMN country text").unwrap();
        old.write_batch(&scenario()).unwrap();
        old.lock().client.batch_execute("UPDATE event_mentions SET country = 'XX'").unwrap();
        let views = old.lock().client.query_one("SELECT to_regclass('v_events') IS NULL", &[]).unwrap();
        assert!(views.get::<_, bool>(0));
    }
    let store = PgStore::open(&db.url).unwrap();
    assert_eq!(store.schema_version().unwrap(), PG_SCHEMA_VERSION);
    assert_eq!(store.events(&EventFilter::default()).unwrap().len(), 5);
    let n: i64 = store.lock().client.query_one("SELECT count(*) FROM v_events", &[]).unwrap().get(0);
    assert_eq!(n, 5);
    let stale: i64 =
        store.lock().client.query_one("SELECT count(*) FROM event_mentions WHERE country = 'XX'", &[]).unwrap().get(0);
    assert_eq!(stale, 0, "version 6 sets every mention's country from its JSON");
    // Opening again changes nothing.
    assert_eq!(PgStore::open(&db.url).unwrap().schema_version().unwrap(), PG_SCHEMA_VERSION);
}

#[test]
fn a_database_from_a_newer_sitrep_is_refused() {
    let Some(db) = TempDatabase::create() else { return };
    let store = PgStore::open(&db.url).unwrap();
    store.lock().client.execute("INSERT INTO sitrep_schema (version) VALUES (99)", &[]).unwrap();
    match PgStore::open(&db.url) {
        Err(e @ StoreError::TooNew { .. }) => assert!(e.to_string().contains("upgrade sitrep"), "{e}"),
        Err(other) => panic!("expected TooNew, got {other}"),
        Ok(_) => panic!("expected TooNew, got a store"),
    }
}

#[test]
fn a_bounding_box_selects_events_by_coordinates() {
    let Some(db) = TempDatabase::create() else { return };
    let mut store = PgStore::open(&db.url).unwrap();
    store.write_batch(&scenario()).unwrap();
    let ids = |bbox| -> Vec<String> {
        store.events_in_box(&EventFilter::default(), bbox).unwrap().into_iter().map(|e| e.id).collect()
    };
    // Central Iraq: Baghdad's events and the country-level strikes point, not Kirkuk or Jordan.
    let baghdad = BoundingBox { west: 43.5, south: 32.5, east: 45.0, north: 34.0 };
    assert_eq!(ids(baghdad), ["ev-us-strikes", "ev-embassy", "ev-green-zone"]);
    let jordan = BoundingBox { west: 38.0, south: 33.0, east: 39.0, north: 34.0 };
    assert_eq!(ids(jordan), ["ev-tower-22"]);
    let filtered =
        store.events_in_box(&EventFilter { country: Some("iq".into()), ..EventFilter::default() }, jordan).unwrap();
    assert!(filtered.is_empty());
}

#[test]
fn planned_writes_from_two_connections_are_serialised() {
    let Some(db) = TempDatabase::create() else { return };
    let mut setup = PgStore::open(&db.url).unwrap();
    let batch = scenario();
    let first = Batch { articles: batch.articles.clone(), sightings: batch.sightings.clone(), ..Batch::default() };
    setup.write_batch(&first).unwrap();
    // Each writer adds one log entry after reading how many there are: without the lock both
    // would read 0 and write "seen 0".
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let url = db.url.clone();
            std::thread::spawn(move || {
                let mut store = PgStore::open(&url).unwrap();
                for _ in 0..5 {
                    store
                        .write_planned(&mut |s| {
                            let seen = s.counts()?.log_entries;
                            std::thread::sleep(std::time::Duration::from_millis(2));
                            Ok(Batch {
                                log: vec![LogEntry {
                                    origin: "test".into(),
                                    severity: sitrep_model::Severity::Info,
                                    code: "seen".into(),
                                    message: seen.to_string(),
                                }],
                                ..Batch::default()
                            })
                        })
                        .unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let mut seen: Vec<u64> = setup.log_entries(100).unwrap().iter().map(|e| e.message.parse().unwrap()).collect();
    seen.sort_unstable();
    assert_eq!(seen, (0..20).collect::<Vec<u64>>());
}

#[test]
fn a_read_only_connection_reads_and_cannot_write() {
    let Some(db) = TempDatabase::create() else { return };
    // Nothing to read before the ledger was created: the schema is never made read-only.
    assert!(crate::open_read_only(&db.url).is_err());
    PgStore::open(&db.url).unwrap().write_batch(&scenario()).unwrap();
    let mut reader = crate::open_read_only(&db.url).unwrap();
    assert_eq!(reader.counts().unwrap().events, 5);
    assert_eq!(reader.event_page(&EventFilter::default()).unwrap().events.len(), 5);
    assert!(reader.write_batch(&scenario()).is_err());
    assert_eq!(reader.counts().unwrap().events, 5);
}

#[test]
fn an_old_database_is_refused_read_only_until_upgraded() {
    let Some(db) = TempDatabase::create() else { return };
    PgStore::open_at_version(&db.url, 2).unwrap();
    match crate::open_read_only(&db.url) {
        Err(e @ StoreError::Unsupported(_)) => assert!(e.to_string().contains("open it read-write once"), "{e}"),
        Err(other) => panic!("expected Unsupported, got {other}"),
        Ok(_) => panic!("expected Unsupported, got a store"),
    }
    PgStore::open(&db.url).unwrap();
    assert!(crate::open_read_only(&db.url).is_ok());
}

/// A page walk gives the same events, in the same order and with the same columns, on both
/// backends (cursors are each backend's own).
#[test]
fn page_walks_agree_with_sqlite() {
    let Some(mut pg) = pg_fresh() else { return };
    let mut sqlite = super::sqlite_fresh();
    let batch = scenario();
    // An undated event and a tie on the toll, so that every order has its edge cases.
    let mut undated = batch.events_upserted[0].clone();
    undated.id = "ev-undated".into();
    undated.date = None;
    for store in [&mut pg, &mut sqlite] {
        store.write_batch(&batch).unwrap();
        store.write_batch(&Batch { events_upserted: vec![undated.clone()], ..Batch::default() }).unwrap();
    }
    let walk = |store: &Fresh, filter: EventFilter| {
        let mut filter = EventFilter { limit: Some(2), ..filter };
        let mut out = Vec::new();
        loop {
            let page = store.event_page(&filter).unwrap();
            out.extend(page.events);
            match page.next {
                Some(next) => filter.cursor = Some(next),
                None => return out,
            }
        }
    };
    for sort in crate::EventSort::ALL.iter().copied() {
        for filter in [
            EventFilter { sort, ..EventFilter::default() },
            EventFilter { sort, since: Some(d(2019, 12, 28)), ..EventFilter::default() },
            EventFilter { sort, country: Some("iq".into()), until: Some(d(2020, 1, 1)), ..EventFilter::default() },
        ] {
            let (a, b) = (walk(&pg, filter.clone()), walk(&sqlite, filter.clone()));
            assert!(!a.is_empty(), "{filter:?}");
            assert_eq!(a, b, "{filter:?}");
        }
    }
    for bucket in [crate::Bucket::Day, crate::Bucket::Week] {
        for by in [crate::GroupBy::Type, crate::GroupBy::SubType, crate::GroupBy::Actor] {
            let f = EventFilter::default();
            assert_eq!(pg.timeline(&f, bucket, by).unwrap(), sqlite.timeline(&f, bucket, by).unwrap());
        }
    }
    assert_eq!(pg.actors().unwrap(), sqlite.actors().unwrap());
    assert_eq!(pg.places().unwrap(), sqlite.places().unwrap());
}

#[test]
fn a_plan_reads_the_live_views_and_near_duplicates_inside_its_transaction() {
    let Some(db) = TempDatabase::create() else { return };
    let mut store = PgStore::open(&db.url).unwrap();
    let batch = scenario();
    let article = batch.articles[0].0.id.clone();
    let signature =
        crate::ArticleSignature { article: article.clone(), minhash: vec![u64::MAX, 1], bands: vec![u64::MAX] };
    store.write_batch(&Batch { signatures: vec![signature], ..batch }).unwrap();
    store
        .write_planned(&mut |s| {
            assert_eq!(s.near_duplicate_candidates(&[u64::MAX]).unwrap(), [(article.clone(), vec![u64::MAX, 1])]);
            assert_eq!(s.event_page(&EventFilter::default()).unwrap().events.len(), 5);
            assert_eq!(s.latest_change().unwrap(), 5);
            assert!(!s.actors().unwrap().is_empty());
            assert_eq!(s.watch_state("missing").unwrap(), None);
            Ok(Batch::default())
        })
        .unwrap();
}
