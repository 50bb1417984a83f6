//! `sitrep watch` and `sitrep alerts`: keeping the ledger current and reading the alerts it raised.

use anyhow::{Context as _, Result};
use sitrep_pipeline::Analyzer;
use sitrep_store::Store;
use sitrep_watch::{Config, CycleReport, WatchOptions, Watcher};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

/// Runs the watcher: one cycle over every source with `once`, otherwise forever on the schedule.
pub(crate) fn run(
    analyzer: &Analyzer,
    store: &mut dyn Store,
    config_path: &Path,
    options: WatchOptions,
    once: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let config = Config::load(config_path)?;
    eprintln!(
        "watching {} source(s) with {} alert rule(s) from {}; alerts go to the ledger{}{}",
        config.sources.len(),
        config.rules.rules.len(),
        config.rules_origin,
        if options.quiet { "" } else { ", stdout" },
        config.webhooks.iter().map(|w| format!(", webhook `{}`", w.name)).collect::<String>(),
    );
    let mut watcher = Watcher::new(analyzer, store, config, options).context("starting the watcher")?;
    let mut first = true;
    loop {
        let report = watcher.cycle(first || once, out).context("watch cycle")?;
        status(&report);
        first = false;
        if once {
            return Ok(());
        }
        let wait = watcher.next_due().saturating_duration_since(Instant::now());
        std::thread::sleep(wait.max(std::time::Duration::from_millis(200)));
    }
}

/// One status line per cycle that did something, on stderr (stdout carries the alerts).
fn status(r: &CycleReport) {
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ");
    let i = &r.ingest;
    if !r.polled.is_empty() {
        eprintln!(
            "{now} polled {}: articles read {} new {}, events new {} updated {} removed {}, skipped {}; \
             {} event change(s) evaluated, {} alert(s) raised",
            r.polled.join(", "),
            i.articles_read,
            i.articles_new,
            i.events_new,
            i.events_updated,
            i.events_removed,
            i.skipped_total(),
            r.changes,
            r.raised.len(),
        );
    }
    for (sink, n) in &r.delivered {
        eprintln!("{now} delivered {n} alert(s) to {sink}");
    }
    for f in &r.failures {
        eprintln!("{now} {f}");
    }
}

/// Prints stored alerts after `after` as JSON lines.
pub(crate) fn list(store: &dyn Store, after: u64, limit: usize, out: &mut dyn Write) -> Result<()> {
    for a in store.alerts_after(after, limit)? {
        writeln!(out, "{}", serde_json::to_string(&sitrep_watch::alert_json(&a))?)?;
    }
    Ok(())
}
