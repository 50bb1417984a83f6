//! `sitrep watch`: alerts raised once across restarts, delivered to stdout and webhooks in order,
//! failing sources and sinks reported without stopping the watcher.

use super::{corpus, examples, ok, sitrep};
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

const RULES: &str = r#"
[[rule]]
id = "violence"
types = ["Battles", "Explosions/Remote violence", "Violence against civilians"]

[[rule]]
id = "iraq-protests"
types = ["Protests", "Riots"]
countries = ["IQ"]
"#;

/// A watch config over `inbox`, with the test rules and optional webhook, written beside it.
fn config(dir: &Path, inbox: &Path, webhook: Option<&str>) -> PathBuf {
    let mut text = format!("[[source]]\nname = \"inbox\"\npath = {:?}\ninterval_seconds = 5\n{RULES}", inbox);
    if let Some(url) = webhook {
        text.push_str(&format!("\n[[webhook]]\nname = \"ops\"\nurl = {url:?}\n"));
    }
    let path = dir.join("watch.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The bundled report files, sorted by name (they are named by date).
fn reports() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(examples().join("reports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
}

fn copy_into(inbox: &Path, files: &[PathBuf]) {
    std::fs::create_dir_all(inbox).unwrap();
    for f in files {
        std::fs::copy(f, inbox.join(f.file_name().unwrap())).unwrap();
    }
}

fn watch_once(db: &Path, config: &Path) -> (Vec<Value>, String) {
    let out = sitrep(db, &["watch", "--config", config.to_str().unwrap(), "--once"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let alerts = ok(&out).lines().map(|l| serde_json::from_str(l).expect("alert line is JSON")).collect();
    (alerts, stderr)
}

fn keys(alerts: &[Value]) -> Vec<String> {
    alerts.iter().map(|a| a["key"].as_str().unwrap().to_string()).collect()
}

/// What an alert is about, independent of event ids (which depend on arrival order).
fn about(a: &Value) -> String {
    format!("{} {} {} {} {}", a["rule"], a["kind"], a["sub_event_type"], a["date"], a["location"])
}

#[test]
fn watch_raises_each_alert_once_across_restarts_and_misses_none() {
    let dir = tempfile::tempdir().unwrap();
    let (inbox, db) = (dir.path().join("inbox"), dir.path().join("ledger.db"));
    let files = reports();
    let (first, rest) = files.split_at(files.len() / 2);
    copy_into(&inbox, first);
    let cfg = config(dir.path(), &inbox, None);

    let (a1, _) = watch_once(&db, &cfg);
    assert!(!a1.is_empty(), "the first half of the reports raises alerts");
    for a in &a1 {
        assert!(a["link"].as_str().unwrap().starts_with("/events/ev-"), "{a}");
        assert!(!a["evidence"].as_array().unwrap().is_empty(), "every alert carries its evidence: {a}");
    }
    let seqs: Vec<u64> = a1.iter().map(|a| a["seq"].as_u64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "delivered in order: {seqs:?}");

    // A restart with nothing new raises and prints nothing.
    let (again, stderr) = watch_once(&db, &cfg);
    assert!(again.is_empty(), "repeated: {again:?}");
    assert!(stderr.contains("articles read 0"), "unchanged files are not read again: {stderr}");

    // New reports arrive: only their alerts appear.
    copy_into(&inbox, rest);
    let (a2, _) = watch_once(&db, &cfg);
    assert!(!a2.is_empty());
    let k1: BTreeSet<String> = keys(&a1).into_iter().collect();
    assert!(keys(&a2).iter().all(|k| !k1.contains(k)), "an alert was repeated");

    // `sitrep alerts` lists exactly what was delivered.
    let listed: Vec<Value> = ok(&sitrep(&db, &["alerts"])).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(keys(&listed), [keys(&a1), keys(&a2)].concat());

    // Nothing missed: the same reports in one go raise alerts about the same events.
    let one_go = dir.path().join("one-go.db");
    let (all, _) = watch_once(&one_go, &cfg);
    let incremental: BTreeSet<String> = a1.iter().chain(&a2).map(about).collect();
    let at_once: BTreeSet<String> = all.iter().map(about).collect();
    assert_eq!(incremental, at_once);
}

/// A tiny HTTP server on loopback that answers every request with the current status code and
/// records (Idempotency-Key, body) of each.
struct Receiver {
    url: String,
    status: Arc<AtomicU16>,
    got: Arc<Mutex<Vec<(String, Value)>>>,
}

fn receiver() -> Receiver {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let status = Arc::new(AtomicU16::new(200));
    let got = Arc::new(Mutex::new(Vec::new()));
    let (s, g) = (status.clone(), got.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let mut reader = BufReader::new(stream);
            let (mut length, mut key) = (0usize, String::new());
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                if lower.starts_with("idempotency-key:") {
                    key = line["idempotency-key:".len()..].trim().to_string();
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let code = s.load(Ordering::SeqCst);
            if code == 200 {
                g.lock().unwrap().push((key, serde_json::from_slice(&body).unwrap_or(Value::Null)));
            }
            let mut stream = reader.into_inner();
            let _ = write!(stream, "HTTP/1.1 {code} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    Receiver { url, status, got }
}

#[test]
fn watch_posts_alerts_to_a_webhook_and_catches_up_after_it_failed() {
    let dir = tempfile::tempdir().unwrap();
    let (inbox, db) = (dir.path().join("inbox"), dir.path().join("ledger.db"));
    copy_into(&inbox, &reports());
    let hook = receiver();
    let cfg = config(dir.path(), &inbox, Some(&hook.url));

    // The receiver is down (503): the watcher reports it and goes on; stdout still gets alerts.
    hook.status.store(503, Ordering::SeqCst);
    let (printed, stderr) = watch_once(&db, &cfg);
    assert!(!printed.is_empty());
    assert!(stderr.contains("webhook `ops` failing (1 in a row"), "{stderr}");
    assert!(hook.got.lock().unwrap().is_empty());

    // Back up: the next run delivers every pending alert, in order, each once, keyed.
    hook.status.store(200, Ordering::SeqCst);
    let (printed_again, stderr) = watch_once(&db, &cfg);
    assert!(printed_again.is_empty(), "stdout had them already");
    assert!(stderr.contains(&format!("delivered {} alert(s) to ops", printed.len())), "{stderr}");
    let got = hook.got.lock().unwrap().clone();
    assert_eq!(got.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>(), keys(&printed));
    assert_eq!(got.iter().map(|(_, body)| body.clone()).collect::<Vec<_>>(), printed);

    let (_, _) = watch_once(&db, &cfg);
    assert_eq!(hook.got.lock().unwrap().len(), printed.len(), "a restart re-sent alerts");
}

#[test]
fn watch_reports_failing_sources_and_bad_configs_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    let cfg = config(dir.path(), &dir.path().join("not-there"), None);
    let (alerts, stderr) = watch_once(&db, &cfg);
    assert!(alerts.is_empty());
    assert!(stderr.contains("source `inbox` failing (1 in a row"), "{stderr}");
    assert!(stderr.contains("not-there does not exist"), "{stderr}");

    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[[source]]\npath = \".\"\n[[rule]]\nid = \"x\"\ntypes = [\"Bombing\"]\n").unwrap();
    let out = sitrep(&db, &["watch", "--config", bad.to_str().unwrap(), "--once"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("alert rule #1 (x): field `types`: `Bombing`"), "{stderr}");
}

#[test]
fn a_watcher_killed_mid_ingest_raises_on_restart_what_it_would_have_raised() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    copy_into(&inbox, &reports());
    corpus(&inbox.join("copies.jsonl"), 1500);
    let cfg = config(dir.path(), &inbox, None);
    let (reference, _) = watch_once(&dir.path().join("ref.db"), &cfg);
    assert!(!reference.is_empty());

    let db = dir.path().join("killed.db");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .arg("--db")
        .arg(&db)
        .args(["watch", "--once", "--batch-size", "16", "--config", cfg.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let wal = dir.path().join("killed.db-wal");
    let started = std::time::Instant::now();
    while !std::fs::metadata(&wal).is_ok_and(|m| m.len() > 128 * 1024) {
        assert!(started.elapsed().as_secs() < 120, "the watcher never wrote anything");
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let was_running = child.try_wait().unwrap().is_none();
    child.kill().unwrap();
    let killed_output = child.wait_with_output().unwrap();
    assert!(was_running, "the watcher finished before it could be killed: make the corpus bigger");
    let printed_before: Vec<Value> =
        String::from_utf8_lossy(&killed_output.stdout).lines().filter_map(|l| serde_json::from_str(l).ok()).collect();

    let (after, _) = watch_once(&db, &cfg);
    let mut all = printed_before.clone();
    all.extend(after);
    let got: Vec<String> = all.iter().map(about).collect();
    let unique: BTreeSet<&String> = got.iter().collect();
    assert_eq!(unique.len(), got.len(), "an alert was repeated: {got:?}");
    let expected: BTreeSet<String> = reference.iter().map(about).collect();
    assert_eq!(got.into_iter().collect::<BTreeSet<_>>(), expected);
}

/// A loopback server for a feed of two reports: `/feed.xml` (RSS with an ETag, 304 when the
/// client already has it) and the two article pages. Counts the feed's full and 304 answers.
struct FeedServer {
    base: String,
    full: Arc<AtomicU16>,
    not_modified: Arc<AtomicU16>,
}

fn feed_server() -> FeedServer {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (full, not_modified) = (Arc::new(AtomicU16::new(0)), Arc::new(AtomicU16::new(0)));
    let files = reports();
    let page = |name: &str| {
        let path = files.iter().find(|p| p.to_string_lossy().contains(name)).unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        let body = text.split_once("\n\n").map(|(_, b)| b).unwrap_or(&text);
        let paragraphs: String = body.split("\n\n").map(|p| format!("<p>{p}</p>")).collect();
        format!("<html><head><title>Report</title><meta property=\"article:published_time\" content=\"2024-01-29\"></head><body><article>{paragraphs}</article></body></html>")
    };
    let (a1, a2) = (page("tower-22-drone-capital-dispatch"), page("2020-11-18-green-zone-rockets-tigris-wire"));
    let feed = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Desk</title><link>{base}/</link>\
         <item><title>Drone strike on Tower 22</title><link>{base}/a1</link><guid>a1</guid><pubDate>Mon, 29 Jan 2024 08:00:00 GMT</pubDate></item>\
         <item><title>Rockets on the Green Zone</title><link>{base}/a2</link><guid>a2</guid><pubDate>Wed, 18 Nov 2020 08:00:00 GMT</pubDate></item>\
         </channel></rss>"
    );
    let (f, n) = (full.clone(), not_modified.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let mut reader = BufReader::new(stream);
            let (mut path, mut etag_match) = (String::new(), false);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(rest) = line.strip_prefix("GET ") {
                    path = rest.split_whitespace().next().unwrap_or("").to_string();
                }
                if line.to_ascii_lowercase().starts_with("if-none-match:") && line.contains("\"v1\"") {
                    etag_match = true;
                }
            }
            let (status, content_type, body) = match path.as_str() {
                "/feed.xml" if etag_match => {
                    n.fetch_add(1, Ordering::SeqCst);
                    ("304 Not Modified", "application/rss+xml", String::new())
                }
                "/feed.xml" => {
                    f.fetch_add(1, Ordering::SeqCst);
                    ("200 OK", "application/rss+xml", feed.clone())
                }
                "/a1" => ("200 OK", "text/html; charset=utf-8", a1.clone()),
                "/a2" => ("200 OK", "text/html; charset=utf-8", a2.clone()),
                _ => ("404 Not Found", "text/plain", String::new()),
            };
            let mut stream = reader.into_inner();
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nETag: \"v1\"\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    FeedServer { base, full, not_modified }
}

#[test]
fn watch_polls_a_feed_conditionally_and_alerts_on_its_articles() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    let server = feed_server();
    let cfg = dir.path().join("watch.toml");
    std::fs::write(
        &cfg,
        format!("[[source]]\nname = \"desk\"\nfeed = \"{}/feed.xml\"\ninterval_seconds = 5\n{RULES}", server.base),
    )
    .unwrap();
    let (alerts, stderr) = watch_once(&db, &cfg);
    assert!(stderr.contains("polled desk: articles read 2 new 2"), "{stderr}");
    let places: BTreeSet<String> = alerts.iter().map(|a| a["location"].as_str().unwrap_or("").to_string()).collect();
    assert!(places.contains("Tower 22") && places.contains("Green Zone"), "{places:?}");
    assert_eq!(server.full.load(Ordering::SeqCst), 1);

    // The feed has not changed: one conditional request answered 304, nothing read, no alert.
    let (again, stderr) = watch_once(&db, &cfg);
    assert!(again.is_empty(), "{again:?}");
    assert!(stderr.contains("polled desk: articles read 0"), "{stderr}");
    assert_eq!((server.full.load(Ordering::SeqCst), server.not_modified.load(Ordering::SeqCst)), (1, 1));
}
