//! Load test of `GET /api/events` on a large ledger, over real HTTP on loopback.
//!
//! Builds (or reuses) a ledger of `--events` synthetic events — variations of the real demo
//! events, shifted in time and space, written through the store — serves it, and drives it with
//! `wrk` (Debian package `wrk`) for `--seconds`. Prints requests/s and latency percentiles for the
//! events endpoint, next to a peer measured in the same run on the same server: the static
//! OpenAPI document, which touches no database (the HTTP stack's own ceiling on this machine).
//!
//! cargo run --release -p sitrep-server --example load -- --events 100000 --seconds 30

use chrono::Duration as Days;
use sitrep_server::{AppState, Options};
use sitrep_store::{Batch, EventFilter};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

struct Args {
    events: usize,
    seconds: u64,
    connections: usize,
    db: Option<PathBuf>,
}

fn args() -> Args {
    let mut a = Args { events: 100_000, seconds: 30, connections: 32, db: None };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--events" => a.events = value().parse().expect("--events N"),
            "--seconds" => a.seconds = value().parse().expect("--seconds S"),
            "--connections" => a.connections = value().parse().expect("--connections C"),
            "--db" => a.db = Some(PathBuf::from(value())),
            other => panic!("unknown flag {other} (--events N --seconds S --connections C --db PATH)"),
        }
    }
    a
}

/// The demo events: the example reports through the real pipeline, into the load ledger itself
/// (the synthetic events cite these articles).
fn demo_events(store: &mut dyn sitrep_store::Store) -> Vec<sitrep_model::Event> {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let (files, _) = sitrep_ingest::discover(&[examples]);
    let analyzer = sitrep_pipeline::Analyzer::builtin().expect("dictionaries");
    sitrep_pipeline::ingest(&analyzer, store, &files, &Default::default(), &mut |_| {}).expect("ingest");
    store.events(&EventFilter::default()).expect("read the demo events")
}

/// Writes `n` variations of the demo events: each keeps one source, moves up to ~1,800 days
/// later and up to ~1.5 degrees away, so dates, places and pages spread like a real ledger.
fn build(path: &Path, n: usize) {
    let mut store = sitrep_store::open(&path.to_string_lossy()).expect("load ledger");
    let demo = demo_events(store.as_mut());
    let started = Instant::now();
    let mut batch = Batch::default();
    for i in 0..n {
        let mut e = demo[i % demo.len()].clone();
        let round = (i / demo.len()) as i64;
        e.id = format!("ev-load-{i:07}");
        e.mentions.truncate(1);
        for m in &mut e.mentions {
            m.mention.id = format!("m-load-{i:07}");
        }
        if let Some(d) = e.date.as_mut() {
            let shift = Days::days(round % 1800);
            d.start += shift;
            d.end += shift;
        }
        if let Some(p) = e.place.as_mut() {
            // A deterministic scatter: the golden-ratio sequence spreads points evenly.
            let f = (i as f64 * 0.618_033_988_75).fract();
            let g = (i as f64 * 0.414_213_562_37).fract();
            p.lat += (f - 0.5) * 3.0;
            p.lon += (g - 0.5) * 3.0;
        }
        if e.fatalities.best.is_some() {
            let extra = (i % 7) as u32;
            e.fatalities.best = e.fatalities.best.map(|b| b + extra);
            e.fatalities.high = e.fatalities.high.map(|h| h + extra);
        }
        batch.events_upserted.push(e);
        if batch.events_upserted.len() == 2_000 {
            store.write_batch(&std::mem::take(&mut batch)).expect("write");
        }
    }
    store.write_batch(&batch).expect("write");
    println!("built {n} events in {:.1} s", started.elapsed().as_secs_f64());
}

/// wrk's summary of one run.
struct Run {
    requests_per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: String,
}

fn millis(text: &str) -> f64 {
    let t = text.trim();
    let (num, factor) = if let Some(v) = t.strip_suffix("us") {
        (v, 0.001)
    } else if let Some(v) = t.strip_suffix("ms") {
        (v, 1.0)
    } else if let Some(v) = t.strip_suffix('s') {
        (v, 1000.0)
    } else {
        (t, 1.0)
    };
    num.parse::<f64>().unwrap_or(f64::NAN) * factor
}

fn wrk(base: &str, paths: &[String], seconds: u64, connections: usize, dir: &Path) -> Run {
    let script = dir.join("paths.lua");
    let list: Vec<String> = paths.iter().map(|p| format!("{p:?}")).collect();
    std::fs::write(
        &script,
        format!(
            "local paths = {{{}}}\nlocal i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format(\"GET\", paths[(i % #paths) + 1])\nend\n",
            list.join(", ")
        ),
    )
    .expect("write the wrk script");
    let out = Command::new("wrk")
        .args(["-t2", &format!("-c{connections}"), &format!("-d{seconds}s"), "--latency", "-s"])
        .arg(&script)
        .arg(base)
        .output()
        .expect("run wrk (apt-get install -y wrk)");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let find = |prefix: &str| {
        text.lines().map(str::trim).find(|l| l.starts_with(prefix)).map(|l| l[prefix.len()..].trim().to_string())
    };
    let errors = text
        .lines()
        .filter(|l| l.contains("Non-2xx") || l.contains("Socket errors"))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("; ");
    Run {
        requests_per_s: find("Requests/sec:").and_then(|v| v.parse().ok()).unwrap_or(f64::NAN),
        p50_ms: find("50%").map(|v| millis(&v)).unwrap_or(f64::NAN),
        p99_ms: find("99%").map(|v| millis(&v)).unwrap_or(f64::NAN),
        errors: if errors.is_empty() { "none".into() } else { errors },
    }
}

fn main() {
    let a = args();
    if Command::new("wrk").arg("--version").output().is_err() {
        eprintln!("wrk not found: apt-get install -y wrk");
        std::process::exit(1);
    }
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target");
    let db = a.db.clone().unwrap_or_else(|| target.join(format!("load-{}.db", a.events)));
    let have =
        sitrep_store::open(&db.to_string_lossy()).and_then(|s| s.counts()).map(|c| c.events as usize).unwrap_or(0);
    if have < a.events {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        build(&db, a.events);
    } else {
        println!("reusing {} ({have} events)", db.display());
    }

    let state = AppState::open(&db.to_string_lossy(), Options::default()).expect("open the ledger");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
        rt.block_on(async move {
            let listener = sitrep_server::bind("127.0.0.1:0").await.expect("bind");
            tx.send(listener.local_addr().expect("address")).expect("send address");
            sitrep_server::serve(listener, sitrep_server::router(state), std::future::pending()).await.expect("serve");
        });
    });
    let addr = rx.recv_timeout(Duration::from_secs(30)).expect("server started");
    let base = format!("http://{addr}");

    // A cursor deep into the ledger, so deep pages are part of the mix.
    let mut cursor = String::new();
    for _ in 0..40 {
        let page: serde_json::Value = ureq::get(&format!("{base}/api/events?limit=500&sort=-date&cursor={cursor}"))
            .call()
            .expect("page")
            .into_json()
            .expect("JSON");
        cursor = page["next"].as_str().unwrap_or_default().to_string();
    }
    let paths: Vec<String> = [
        "/api/events?limit=50".to_string(),
        "/api/events?limit=50&sort=-date".to_string(),
        "/api/events?limit=50&sort=-fatalities".to_string(),
        "/api/events?limit=50&country=IQ".to_string(),
        "/api/events?limit=50&type=Air/drone%20strike".to_string(),
        "/api/events?limit=50&bbox=43.5,32.5,45.0,34.0".to_string(),
        "/api/events?limit=50&since=2022-01-01&until=2022-03-31".to_string(),
        format!("/api/events?limit=50&sort=-date&cursor={cursor}"),
    ]
    .into();
    let tmp = tempfile::tempdir().expect("temp dir");
    println!(
        "load: {} connections, 2 wrk threads, {} s per endpoint mix, server on {addr} ({} cores)",
        a.connections,
        a.seconds,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0)
    );
    let events = wrk(&base, &paths, a.seconds, a.connections, tmp.path());
    let peer = wrk(&base, &["/api/openapi.json".to_string()], a.seconds.div_ceil(3).max(1), a.connections, tmp.path());
    println!("{:<44} {:>10} {:>9} {:>9}  errors", "endpoint", "req/s", "p50 ms", "p99 ms");
    for (name, r) in [
        ("GET /api/events (8 query shapes, 50 per page)", &events),
        ("peer: GET /api/openapi.json (no database)", &peer),
    ] {
        println!("{name:<44} {:>10.0} {:>9.2} {:>9.2}  {}", r.requests_per_s, r.p50_ms, r.p99_ms, r.errors);
    }
    // Each query shape alone, briefly: which one costs what.
    let each = (a.seconds / 10).max(2);
    println!("each query shape alone, {each} s each:");
    for path in &paths {
        let r = wrk(&base, std::slice::from_ref(path), each, a.connections, tmp.path());
        let shown = if path.len() > 70 { format!("{}…", &path[..70]) } else { path.clone() };
        println!("  {shown:<72} {:>8.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms", r.requests_per_s, r.p50_ms, r.p99_ms);
    }
    let verdict = events.requests_per_s >= 1000.0 && events.p99_ms < 50.0;
    println!("target (>= 1000 req/s, p99 < 50 ms on the events endpoint): {}", if verdict { "met" } else { "NOT met" });
}
