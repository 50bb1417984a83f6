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
use std::collections::HashMap;
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
    let mut failures = Failures::default();
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
        let mut worker =
            Worker { analyzer: &analyzer, broker: &broker, args, report: &mut report, failures: &mut failures };
        worker.work(store.as_mut(), first)?;
        for d in again {
            worker.work(store.as_mut(), vec![d])?;
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

/// The last error of each item this worker saw fail and has not settled, by stream sequence:
/// when the broker later gives up on the item (it was also delivered to a worker that died, or
/// a delivery was lost), the dead letter still says why it failed.
#[derive(Default)]
struct Failures(HashMap<u64, String>);

impl Failures {
    /// Items that fail are few (each one is retried, then dead-lettered); the cap only keeps a
    /// worker that runs for months from holding errors of items other workers settled.
    const CAP: usize = 10_000;

    fn record(&mut self, sequence: u64, error: String) {
        if self.0.len() >= Self::CAP {
            self.0.clear();
        }
        self.0.insert(sequence, error);
    }

    fn settled(&mut self, sequence: u64) -> Option<String> {
        self.0.remove(&sequence)
    }
}

struct Worker<'a> {
    analyzer: &'a Analyzer,
    broker: &'a NatsBroker,
    args: &'a WorkerArgs,
    report: &'a mut WorkerReport,
    failures: &'a mut Failures,
}

impl Worker<'_> {
    /// Works one group of deliveries: poison ones are dead-lettered, the rest written in one
    /// transaction and acknowledged after it commits.
    fn work(&mut self, store: &mut dyn Store, deliveries: Vec<Delivery>) -> Result<()> {
        let mut good = Vec::new();
        let mut items = Vec::new();
        for d in deliveries {
            if d.delivered > self.args.max_deliver {
                let mut reason = format!(
                    "delivered {} times without being acknowledged: its workers died or timed out on it, \
                     or the broker lost a delivery",
                    d.delivered
                );
                if let Some(e) = self.failures.settled(d.sequence) {
                    reason.push_str(&format!("; last error: {e}"));
                }
                self.dead_letter(&d, &reason)?;
                continue;
            }
            match WorkItem::decode(&d.payload).and_then(|item| read_item(&item)) {
                Ok(read) => {
                    items.extend(read);
                    good.push(d);
                }
                Err(reason) => self.dead_letter(&d, &reason)?,
            }
        }
        if good.is_empty() {
            return Ok(());
        }
        match sitrep_pipeline::ingest_batch(self.analyzer, store, items) {
            Ok(r) => {
                for d in &good {
                    self.broker.ack(d)?;
                    self.failures.settled(d.sequence);
                }
                let report = &mut *self.report;
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
                // A database that is gone fails every item: give them back and stop, rather
                // than dead-letter good work. Restart the worker when the database is back.
                if let Err(down) = store.counts() {
                    for d in &good {
                        self.broker.nak(d, Duration::from_secs(5))?;
                    }
                    return Err(down).context(format!("the ledger is unavailable (writing failed: {e})"));
                }
                for d in &good {
                    if d.delivered >= self.args.max_deliver {
                        self.failures.settled(d.sequence);
                        let reason = format!("failed {} deliveries; last error: {e}", d.delivered);
                        self.dead_letter(d, &reason)?;
                    } else {
                        eprintln!("warning: a work item failed (delivery {}), retrying: {e}", d.delivered);
                        self.failures.record(d.sequence, e.to_string());
                        self.broker.nak(d, Duration::from_secs(d.delivered))?;
                    }
                }
                Ok(())
            }
        }
    }

    fn dead_letter(&mut self, d: &Delivery, reason: &str) -> Result<()> {
        eprintln!("dead-letter: {reason}");
        self.broker.dead_letter(d, reason)?;
        self.broker.term(d)?;
        self.report.dead_lettered += 1;
        Ok(())
    }
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
