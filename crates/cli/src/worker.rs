//! `sitrep worker`: pulls work items from the queue, runs clean → recognise → extract → merge, and
//! writes the results to the PostgreSQL ledger; acknowledges only after the commit.
//!
//! Many workers run at once on one queue and one database. Analysis is parallel; each pulled
//! group is written by one `write_planned` step that re-merges the windows it touches under the
//! database's merge lock, so the events equal those of one `sitrep ingest` of the same inputs.
//! Redelivered items are idempotent (an article is identified by its content). Poison items — a
//! payload that is not a work item, an input that cannot be read, or an item that failed or was
//! abandoned `--max-deliver` times — go to the dead-letter subject with the reason.

use crate::enqueue::QueueArgs;
use anyhow::{bail, Context as _, Result};
use serde::Serialize;
use sitrep_ingest::Item;
use sitrep_pipeline::Analyzer;
use sitrep_queue::{Broker, Delivery, NatsBroker, WorkItem};
use sitrep_store::Store;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(clap::Args, Debug)]
pub(crate) struct WorkerArgs {
    #[command(flatten)]
    queue: QueueArgs,
    /// Work items pulled and written per transaction.
    #[arg(long, default_value_t = 16)]
    batch: usize,
    /// Deliveries after which an item that keeps failing (or whose workers keep dying) is
    /// dead-lettered.
    #[arg(long, default_value_t = 5)]
    max_deliver: u64,
    /// Exit once no item is waiting or unacknowledged (for batch jobs, tests and benchmarks);
    /// without it the worker waits for work until stopped.
    #[arg(long)]
    exit_when_empty: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

/// What one worker did.
#[derive(Debug, Default, Serialize)]
struct WorkerReport {
    items_done: usize,
    dead_lettered: usize,
    retried: usize,
    articles_read: usize,
    articles_new: usize,
    duplicates: usize,
    skipped: usize,
    mentions: usize,
    events_new: usize,
    events_updated: usize,
    events_removed: usize,
    seconds: f64,
}

pub(crate) fn run(db: &str, gazetteer: &[PathBuf], args: &WorkerArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let scheme = db.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    if !matches!(scheme.as_deref(), Some("postgres" | "postgresql")) {
        bail!(
            "workers write to a PostgreSQL ledger (--db postgres://user@host/database); the SQLite \
             ledger has a single writer: use `sitrep ingest` for it"
        );
    }
    let mut store = crate::open_store(db)?;
    let analyzer = crate::gazetteer::analyzer(gazetteer)?;
    let broker = args.queue.connect()?;
    let started = Instant::now();
    let mut report = WorkerReport::default();
    loop {
        let deliveries = broker.pull(args.batch.max(1), Duration::from_secs(1))?;
        if deliveries.is_empty() {
            if args.exit_when_empty && broker.pending()?.is_empty() {
                break;
            }
            continue;
        }
        // A redelivered item is worked on alone, so that one poison item cannot keep failing
        // the items pulled with it.
        let (first, again): (Vec<Delivery>, Vec<Delivery>) = deliveries.into_iter().partition(|d| d.delivered <= 1);
        report.retried += again.len();
        work(&analyzer, store.as_mut(), &broker, args, first, &mut report)?;
        for d in again {
            work(&analyzer, store.as_mut(), &broker, args, vec![d], &mut report)?;
        }
    }
    report.seconds = started.elapsed().as_secs_f64();
    if args.json {
        writeln!(out, "{}", serde_json::to_string(&report)?)?;
    } else {
        writeln!(
            out,
            "worker done: {} items ({} dead-lettered, {} redelivered), articles read {} new {} duplicates {}, \
             events new {} updated {} removed {}, {:.1} s",
            report.items_done,
            report.dead_lettered,
            report.retried,
            report.articles_read,
            report.articles_new,
            report.duplicates,
            report.events_new,
            report.events_updated,
            report.events_removed,
            report.seconds
        )?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Works one group of deliveries: poison ones are dead-lettered, the rest written in one
/// transaction and acknowledged after it commits.
fn work(
    analyzer: &Analyzer,
    store: &mut dyn Store,
    broker: &NatsBroker,
    args: &WorkerArgs,
    deliveries: Vec<Delivery>,
    report: &mut WorkerReport,
) -> Result<()> {
    let mut good = Vec::new();
    let mut items = Vec::new();
    for d in deliveries {
        if d.delivered > args.max_deliver {
            let reason = format!(
                "delivered {} times without being acknowledged: its workers died or timed out on it",
                d.delivered
            );
            dead_letter(broker, &d, &reason, report)?;
            continue;
        }
        match WorkItem::decode(&d.payload).and_then(|item| read_item(&item)) {
            Ok(read) => {
                items.extend(read);
                good.push(d);
            }
            Err(reason) => dead_letter(broker, &d, &reason, report)?,
        }
    }
    if good.is_empty() {
        return Ok(());
    }
    match sitrep_pipeline::ingest_batch(analyzer, store, items) {
        Ok(r) => {
            for d in &good {
                broker.ack(d)?;
            }
            report.items_done += good.len();
            report.articles_read += r.articles_read;
            report.articles_new += r.articles_new;
            report.duplicates += r.duplicates;
            report.skipped += r.skipped_total();
            report.mentions += r.mentions;
            report.events_new += r.events_new;
            report.events_updated += r.events_updated;
            report.events_removed += r.events_removed;
            Ok(())
        }
        Err(e) => {
            // A database that is gone fails every item: give them back and stop, rather than
            // dead-letter good work. Restart the worker when the database is back.
            if let Err(down) = store.counts() {
                for d in &good {
                    broker.nak(d, Duration::from_secs(5))?;
                }
                return Err(down).context(format!("the ledger is unavailable (writing failed: {e})"));
            }
            for d in &good {
                if d.delivered >= args.max_deliver {
                    let reason = format!("failed {} deliveries; last error: {e}", d.delivered);
                    dead_letter(broker, d, &reason, report)?;
                } else {
                    eprintln!("warning: a work item failed (delivery {}), retrying: {e}", d.delivered);
                    broker.nak(d, Duration::from_secs(d.delivered))?;
                }
            }
            Ok(())
        }
    }
}

fn dead_letter(broker: &NatsBroker, d: &Delivery, reason: &str, report: &mut WorkerReport) -> Result<()> {
    eprintln!("dead-letter: {reason}");
    broker.dead_letter(d, reason)?;
    broker.term(d)?;
    report.dead_lettered += 1;
    Ok(())
}

/// The items of a work item, or why it cannot be read at all.
fn read_item(item: &WorkItem) -> std::result::Result<Vec<Item>, String> {
    match item {
        WorkItem::File { path } => {
            let (files, missing) = sitrep_ingest::discover(&[PathBuf::from(path)]);
            if let Some(m) = missing.first() {
                return Err(format!("cannot read {path}: {}: {}", m.code, m.message));
            }
            Ok(files.iter().flat_map(sitrep_ingest::read).collect())
        }
        WorkItem::JsonlChunk { path, first_line, text } => {
            Ok(sitrep_ingest::read_jsonl_chunk(Path::new(path), *first_line, text))
        }
        WorkItem::Article { origin, article } => {
            let line = serde_json::to_string(article).map_err(|e| format!("article {origin}: {e}"))?;
            Ok(sitrep_ingest::read_jsonl_chunk(Path::new(origin), 1, &line))
        }
    }
}
