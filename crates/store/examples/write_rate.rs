//! How fast the ledger takes writes: the same batches written to SQLite (a temporary file) and to
//! PostgreSQL (a fresh database, dropped afterwards), measured in the same run.
//!
//! `cargo run --release -p sitrep-store --example write_rate -- [POSTGRES_URL] [UNITS]`
//!
//! A unit is what one analysed article typically adds: the article (4.5 KB of text), three event
//! mentions and one event holding them (with place, actors, attributions), taken from a real
//! ledger of the bundled examples (`write_rate_event.json`) and given fresh ids and dates. Units
//! are written in batches of 64, as a worker writes one pulled group. The article's recognised
//! mentions are left out (see the worker benchmark for the size of a real ledger).

use sitrep_store::{Batch, PgStore, SqliteStore, Store};
use std::time::Instant;

const TEMPLATE: &str = include_str!("write_rate_event.json");
const BATCH: usize = 64;

fn units(n: usize) -> Vec<Batch> {
    let template: serde_json::Value = serde_json::from_str(TEMPLATE).expect("template");
    let mut batches = Vec::new();
    let mut batch = Batch::default();
    for i in 0..n {
        let article_id = format!("bench-article-{i:08}");
        // Spread events over ten years so that date indexes see realistic keys.
        let day = chrono::NaiveDate::from_ymd_opt(2016, 1, 1).unwrap() + chrono::Duration::days((i % 3650) as i64);
        let day = serde_json::Value::String(day.format("%Y-%m-%d").to_string());
        let mut article = template["article"].clone();
        article["id"] = article_id.clone().into();
        article["published"] = day.clone();
        let mut event = template["event"].clone();
        event["id"] = format!("ev-bench-{i:08}").into();
        event["date"]["start"] = day.clone();
        event["date"]["end"] = day.clone();
        for (k, m) in event["mentions"].as_array_mut().unwrap().iter_mut().enumerate() {
            m["mention"]["id"] = format!("{article_id}-m{k}").into();
            m["mention"]["article"] = article_id.clone().into();
            m["source"]["article"] = article_id.clone().into();
            if m["mention"]["time"].is_object() {
                m["mention"]["time"]["value"]["start"] = day.clone();
                m["mention"]["time"]["value"]["end"] = day.clone();
            }
        }
        for a in event["attributions"].as_array_mut().unwrap() {
            a["article"] = article_id.clone().into();
        }
        for f in ["fatalities", "injured"] {
            for r in event[f]["reports"].as_array_mut().into_iter().flatten() {
                r["article"] = article_id.clone().into();
            }
        }
        let article: sitrep_model::Article = serde_json::from_value(article).expect("article");
        let event: sitrep_model::Event = serde_json::from_value(event).expect("event");
        batch.mentions.extend(event.mentions.iter().cloned());
        batch.articles.push((article, Vec::new()));
        batch.events_upserted.push(event);
        if batch.articles.len() == BATCH {
            batches.push(std::mem::take(&mut batch));
        }
    }
    if !batch.articles.is_empty() {
        batches.push(batch);
    }
    batches
}

/// Writes every batch; returns seconds.
fn write(store: &mut dyn Store, batches: &[Batch]) -> f64 {
    let started = Instant::now();
    for b in batches {
        store.write_batch(b).expect("write batch");
    }
    started.elapsed().as_secs_f64()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let admin = args.next().unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_string());
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let batches = units(n);
    println!("write rate: {n} units (1 article of 4.5 KB + 3 event mentions + 1 event each), batches of {BATCH}");

    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("bench.sqlite");
    let mut sqlite = SqliteStore::open(&path).expect("SQLite");
    let secs = write(&mut sqlite, &batches);
    let bytes = ["", "-wal"]
        .iter()
        .filter_map(|s| std::fs::metadata(format!("{}{s}", path.display())).ok())
        .map(|m| m.len())
        .sum::<u64>();
    println!(
        "  sqlite      {:>8.0} units/s  {:>6.2} s  {:>6.1} KB/unit on disk",
        n as f64 / secs,
        secs,
        bytes as f64 / 1024.0 / n as f64
    );

    let name = format!("sitrep_write_rate_{}", std::process::id());
    let mut client = match postgres::Client::connect(&admin, postgres::NoTls) {
        Ok(c) => c,
        Err(e) => {
            println!("  postgresql  skipped: {admin} unreachable ({e})");
            return;
        }
    };
    client.batch_execute(&format!("CREATE DATABASE {name}")).expect("create database");
    let (base, _) = admin.rsplit_once('/').expect("URL ends in /database");
    let url = format!("{base}/{name}");
    {
        let mut pg = PgStore::open(&url).expect("PostgreSQL");
        let secs = write(&mut pg, &batches);
        let size: i64 = client.query_one("SELECT pg_database_size($1)", &[&name]).expect("database size").get(0);
        let empty: i64 = client.query_one("SELECT pg_database_size('template1')", &[]).expect("size").get(0);
        println!(
            "  postgresql  {:>8.0} units/s  {:>6.2} s  {:>6.1} KB/unit on disk",
            n as f64 / secs,
            secs,
            (size - empty) as f64 / 1024.0 / n as f64
        );
    }
    client.batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)")).expect("drop database");
}
