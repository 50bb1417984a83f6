//! Scale-out end to end, against the real PostgreSQL and NATS JetStream servers: workers give the
//! events of one `sitrep ingest`, survive being killed, and dead-letter poison items.
//!
//! Servers: `$SITREP_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/postgres`, a
//! database from which test databases are created and dropped) and `$SITREP_TEST_NATS` (default
//! `nats://127.0.0.1:4222`). Each test uses its own databases and queue names. When a server is
//! unreachable the test prints SKIP and passes, except under `CI=true` (`.ci/run` starts them),
//! where it fails.

use super::{forget_first_copy, ok, root};
use serde_json::Value;
use sitrep_queue::{Broker, NatsBroker, QueueNames, WorkItem};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

fn unreachable(what: &str, detail: &str) -> Option<Servers> {
    assert!(!in_ci(), "{what} is unreachable in CI (.ci/run starts it): {detail}");
    eprintln!("SKIP: {what} is unreachable ({detail})");
    None
}

/// The two servers, or `None` after saying SKIP.
struct Servers {
    pg_admin: String,
    nats: String,
}

fn servers() -> Option<Servers> {
    let pg_admin = std::env::var("SITREP_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string());
    let nats = std::env::var("SITREP_TEST_NATS").unwrap_or_else(|_| "nats://127.0.0.1:4222".to_string());
    if let Err(e) = postgres::Client::connect(&pg_admin, postgres::NoTls) {
        return unreachable(&format!("PostgreSQL at {pg_admin}"), &e.to_string());
    }
    let host = nats.trim_start_matches("nats://");
    if let Err(e) = std::net::TcpStream::connect(host) {
        return unreachable(&format!("NATS at {nats}"), &e.to_string());
    }
    Some(Servers { pg_admin, nats })
}

/// A unique name for this test's databases and queues.
fn unique(what: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!("sitrep_it_{what}_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A database of its own, dropped afterwards.
struct Database {
    admin: String,
    name: String,
    url: String,
}

impl Database {
    fn create(servers: &Servers, what: &str) -> Database {
        let name = unique(what);
        let mut admin = postgres::Client::connect(&servers.pg_admin, postgres::NoTls).unwrap();
        admin.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let (base, _) = servers.pg_admin.rsplit_once('/').expect("SITREP_TEST_POSTGRES ends in /database");
        Database { admin: servers.pg_admin.clone(), url: format!("{base}/{name}"), name }
    }

    fn articles(&self) -> i64 {
        let mut client = postgres::Client::connect(&self.url, postgres::NoTls).unwrap();
        match client.query_one("SELECT count(*) FROM articles", &[]) {
            Ok(row) => row.get(0),
            // The tables appear when the first worker opens the ledger.
            Err(_) => 0,
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

/// A queue of its own on the NATS server, deleted afterwards.
struct Queue {
    name: String,
    url: String,
    broker: Option<NatsBroker>,
}

impl Queue {
    fn create(servers: &Servers, ack_wait: Duration) -> Queue {
        let name = unique("q").replace('_', "-");
        let broker = NatsBroker::connect(&servers.nats, QueueNames::new(&name), ack_wait).expect("queue");
        Queue { name, url: servers.nats.clone(), broker: Some(broker) }
    }

    fn broker(&self) -> &NatsBroker {
        self.broker.as_ref().expect("open queue")
    }

    fn args<'a>(&'a self, command: &'a str) -> Vec<&'a str> {
        vec![command, "--queue", &self.url, "--queue-name", &self.name]
    }
}

impl Drop for Queue {
    fn drop(&mut self) {
        if let Some(broker) = self.broker.take() {
            let _ = broker.delete();
        }
    }
}

/// `sitrep --db URL ARGS`: the ledgers here are PostgreSQL URLs.
fn sitrep(db: &str, args: &[&str]) -> Output {
    super::sitrep(Path::new(db), args)
}

fn spawn(db: &str, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .arg("--db")
        .arg(db)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sitrep")
}

/// The inputs: the bundled examples (files and JSONL) and the long wire-style reports.
fn inputs() -> Vec<String> {
    let r = root();
    [r.join("examples/reports"), r.join("examples/reports.jsonl"), r.join("test_data/realistic")]
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect()
}

fn with_inputs<'a>(mut args: Vec<&'a str>, inputs: &'a [String]) -> Vec<&'a str> {
    args.extend(inputs.iter().map(String::as_str));
    args
}

/// Exported events with their ids removed, sorted: the event set, ids aside.
fn events(db: &str) -> Vec<String> {
    let mut out: Vec<String> = ok(&sitrep(db, &["export", "--format", "jsonl"]))
        .lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).expect("jsonl line");
            v.as_object_mut().expect("event object").remove("id");
            v.to_string()
        })
        .collect();
    out.sort();
    out
}

/// The event set with one thing set aside that concurrency may change: which copy of a
/// syndicated article was stored first, and so which of its outlets and urls a source names
/// first. The set of outlets is kept.
fn events_up_to_first_copy(db: &str) -> Vec<String> {
    let mut out: Vec<String> = events(db)
        .iter()
        .map(|line| {
            let mut v: Value = serde_json::from_str(line).unwrap();
            forget_first_copy(&mut v);
            v.to_string()
        })
        .collect();
    out.sort();
    out
}

/// The reference: one single-process `sitrep ingest` into PostgreSQL, checked against SQLite.
fn reference(servers: &Servers, inputs: &[String]) -> Database {
    let db = Database::create(servers, "ref");
    ok(&sitrep(&db.url, &with_inputs(vec!["ingest"], inputs)));
    let dir = tempfile::tempdir().unwrap();
    let sqlite = dir.path().join("ref.db").to_string_lossy().into_owned();
    ok(&sitrep(&sqlite, &with_inputs(vec!["ingest"], inputs)));
    assert_eq!(events(&db.url), events(&sqlite), "PostgreSQL and SQLite ledgers differ");
    assert_eq!(ok(&sitrep(&db.url, &["stats"])), ok(&sitrep(&sqlite, &["stats"])));
    db
}

fn run_workers(db: &Database, queue: &Queue, n: usize, extra: &[&str]) -> Vec<String> {
    let mut args = queue.args("worker");
    args.extend_from_slice(&["--exit-when-empty", "--json"]);
    args.extend_from_slice(extra);
    let children: Vec<Child> = (0..n).map(|_| spawn(&db.url, &args)).collect();
    children.into_iter().map(|c| ok(&c.wait_with_output().unwrap())).collect()
}

#[test]
fn four_workers_write_the_events_of_one_ingest() {
    let Some(servers) = servers() else { return };
    let inputs = inputs();
    let reference = reference(&servers, &inputs);
    let db = Database::create(&servers, "four");
    let queue = Queue::create(&servers, Duration::from_secs(30));
    // One line per JSONL item and two items per transaction: as many concurrent merges as the
    // input allows.
    let mut enqueue = queue.args("enqueue");
    enqueue.extend_from_slice(&["--chunk-lines", "1"]);
    ok(&sitrep(&db.url, &with_inputs(enqueue, &inputs)));
    let reports = run_workers(&db, &queue, 4, &["--batch", "2"]);
    let worked: Vec<u64> = reports
        .iter()
        .map(|r| serde_json::from_str::<Value>(r.trim()).unwrap()["items_done"].as_u64().unwrap())
        .collect();
    assert!(worked.iter().filter(|&&n| n > 0).count() >= 2, "the work was not shared: {worked:?}");

    assert_eq!(ok(&sitrep(&db.url, &["stats"])), ok(&sitrep(&reference.url, &["stats"])));
    assert_eq!(events_up_to_first_copy(&db.url), events_up_to_first_copy(&reference.url));
    assert!(queue.broker().dead_letters().unwrap().is_empty());
}

/// Sends a signal (`STOP`, `CONT`) to a child process.
fn signal(child: &Child, name: &str) {
    let sent = Command::new("kill").arg(format!("-{name}")).arg(child.id().to_string()).status().unwrap();
    assert!(sent.success(), "kill -{name} {} failed", child.id());
}

#[test]
fn killing_a_worker_mid_batch_loses_and_duplicates_nothing() {
    let Some(servers) = servers() else { return };
    let inputs = inputs();
    let reference = reference(&servers, &inputs);
    let total = reference.articles();
    let db = Database::create(&servers, "killed");
    // Items the killed worker held come back after five seconds.
    let queue = Queue::create(&servers, Duration::from_secs(5));
    let mut enqueue = queue.args("enqueue");
    enqueue.extend_from_slice(&["--chunk-lines", "1"]);
    ok(&sitrep(&db.url, &with_inputs(enqueue, &inputs)));

    let mut args = queue.args("worker");
    args.extend_from_slice(&["--batch", "4"]);
    let mut victim = spawn(&db.url, &args);
    // Kill it after its first commit, while it holds the next batch. The worker is stopped
    // (SIGSTOP) while the test looks, so that what it sees is what the kill interrupts; on a
    // busy machine the worker may be between batches, holding nothing, when it is first seen.
    let started = Instant::now();
    let held = loop {
        assert!(started.elapsed() < Duration::from_secs(120), "the worker never held items after a commit");
        assert!(victim.try_wait().unwrap().is_none(), "the worker stopped on its own");
        if db.articles() > 0 {
            signal(&victim, "STOP");
            let held = queue.broker().pending().unwrap();
            if held.unacknowledged > 0 {
                break held;
            }
            signal(&victim, "CONT");
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    victim.kill().unwrap();
    victim.wait().unwrap();
    let partial = db.articles();
    assert!(partial < total, "the kill came too late to test anything: {partial} of {total}; {held:?}");

    run_workers(&db, &queue, 2, &["--batch", "4"]);
    assert_eq!(ok(&sitrep(&db.url, &["stats"])), ok(&sitrep(&reference.url, &["stats"])));
    assert_eq!(events_up_to_first_copy(&db.url), events_up_to_first_copy(&reference.url));
}

#[test]
fn poison_items_land_on_the_dead_letter_subject_with_the_reason() {
    let Some(servers) = servers() else { return };
    let db = Database::create(&servers, "poison");
    let queue = Queue::create(&servers, Duration::from_secs(30));
    let broker = queue.broker();
    let good = root().join("examples/reports").read_dir().unwrap().next().unwrap().unwrap().path();
    broker.publish_raw(b"\xff\xfe this is not a work item".to_vec()).unwrap();
    broker.publish(&[WorkItem::File { path: "/no/such/dir/report.txt".into() }]).unwrap();
    // PostgreSQL text cannot hold a NUL character: this article fails at every delivery.
    broker
        .publish(&[WorkItem::Article {
            origin: "feed:nul".into(),
            article: serde_json::json!({
                "id": "nul-1", "published": "2020-01-03", "outlet": "Test Wire",
                "text": "A US drone strike at Baghdad airport killed two men on Friday.\u{0}",
            }),
        }])
        .unwrap();
    broker.publish(&[WorkItem::File { path: good.to_string_lossy().into_owned() }]).unwrap();

    let reports = run_workers(&db, &queue, 1, &["--max-deliver", "2"]);
    let report: Value = serde_json::from_str(reports[0].trim()).unwrap();
    // Delivery is at least once: the good item may be worked on again (nats-server before
    // 2.10.14 can hand a message out twice), but it is stored once.
    assert!(report["items_done"].as_u64().unwrap() >= 1, "{report}");
    assert_eq!(report["dead_lettered"], 3, "{report}");
    assert_eq!(db.articles(), 1);

    let dead = broker.dead_letters().unwrap();
    assert_eq!(dead.len(), 3, "{dead:?}");
    assert!(dead[0].reason.starts_with("not a sitrep work item"), "{}", dead[0].reason);
    assert_eq!(dead[0].payload, b"\xff\xfe this is not a work item");
    assert!(dead[1].reason.contains("cannot read /no/such/dir/report.txt"), "{}", dead[1].reason);
    // Dead-lettered after its second failure, or, when the broker lost its second delivery,
    // after its third: either way the reason is the server's own words.
    let nul = &dead[2].reason;
    assert!(nul.starts_with("failed 2 deliveries;") || nul.starts_with("delivered 3 times"), "{nul}");
    assert!(nul.contains("last error: PostgreSQL error: ERROR 22021: invalid byte sequence"), "{nul}");
    assert!(dead[2].delivered >= 2, "{dead:?}");
    assert!(queue.broker().pending().unwrap().is_empty());
}
