//! Keeps a ledger current: polls sources on a schedule, ingests what is new through the pipeline,
//! raises alerts on the events that changed, and delivers them to stdout and webhooks.
//!
//! Architecture invariants:
//! - Everything the watcher must remember between runs lives in the ledger (`watch_state`,
//!   `alerts`, the event change feed), written in the same transaction as what it describes, so a
//!   watcher killed at any moment and restarted neither repeats nor misses an alert: alerts are
//!   keyed by rule, kind and event; the checkpoint into the change feed moves with them; each
//!   sink's cursor moves only after a delivery succeeded.
//! - The watcher decides *when*; the pipeline decides *how* articles become events and the
//!   `alerts` crate decides *whether* a rule fires. This crate knows neither extraction nor rules.
//! - A failing source or sink never stops the watcher: it is reported, backed off and retried.

mod alerting;
mod config;
mod sinks;
mod sources;

pub use config::{Config, Source, SourceKind, Webhook};
pub use sinks::alert_json;

use sitrep_pipeline::{Analyzer, IngestReport};
use sitrep_store::{StoreError, StoredAlert};
use std::collections::BTreeMap;
use std::io::Write;
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("watch configuration {origin}: {message}")]
    Config { origin: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Pipeline(#[from] sitrep_pipeline::PipelineError),
    #[error("writing alerts to stdout: {0}")]
    Stdout(std::io::Error),
}

/// How a watcher behaves beyond its configuration file.
#[derive(Debug, Clone, Default)]
pub struct WatchOptions {
    /// Evaluate the rules on events already in the ledger the first time this ledger is watched
    /// (otherwise the watcher starts after them).
    pub backfill: bool,
    /// Do not write alerts to stdout (webhooks and the ledger still get them).
    pub quiet: bool,
    /// New articles per ingest transaction.
    pub batch_size: usize,
    /// Timeouts, size caps and retries for fetching feeds and their pages.
    pub fetch: sitrep_ingest::fetch::FetchConfig,
}

/// What one cycle did, for the status line and for tests.
#[derive(Debug, Default)]
pub struct CycleReport {
    /// Sources polled this cycle, by name.
    pub polled: Vec<String>,
    pub ingest: IngestReport,
    /// Event changes the rules were evaluated on.
    pub changes: usize,
    pub raised: Vec<StoredAlert>,
    /// Alerts delivered, per sink.
    pub delivered: BTreeMap<String, usize>,
    /// What failed, one line each ("source `wire`: …", "webhook `ops`: …").
    pub failures: Vec<String>,
}

/// Backoff after consecutive failures: 15 s, 30 s, 1 min, … capped at 15 min.
fn backoff(failures: u32) -> Duration {
    Duration::from_secs(15u64.saturating_mul(1 << failures.min(6).saturating_sub(1)).min(900))
}

/// A source or sink's health.
#[derive(Debug, Clone)]
pub struct Health {
    pub name: String,
    pub next_due: Instant,
    pub consecutive_failures: u32,
    pub last_error: Option<String>,
}

impl Health {
    fn new(name: &str, now: Instant) -> Health {
        Health { name: name.to_string(), next_due: now, consecutive_failures: 0, last_error: None }
    }

    fn succeeded(&mut self, now: Instant, interval: Duration) {
        self.consecutive_failures = 0;
        self.last_error = None;
        self.next_due = now + interval;
    }

    /// Records a failure and returns the line that reports it.
    fn failed(&mut self, now: Instant, interval: Duration, what: &str, error: String) -> String {
        self.consecutive_failures += 1;
        let wait = backoff(self.consecutive_failures).min(interval.max(Duration::from_secs(15)));
        self.next_due = now + wait;
        let line = format!(
            "{what} `{}` failing ({} in a row, next try in {} s): {error}",
            self.name,
            self.consecutive_failures,
            wait.as_secs()
        );
        self.last_error = Some(error);
        line
    }
}

/// A running watcher over one ledger.
pub struct Watcher<'a> {
    analyzer: &'a Analyzer,
    store: &'a mut dyn sitrep_store::Store,
    config: Config,
    options: WatchOptions,
    reader: sitrep_ingest::Reader,
    sources: Vec<Health>,
    sinks: sinks::Sinks,
}

impl<'a> Watcher<'a> {
    /// Prepares a watcher: remembers where in the change feed it starts and registers its sinks.
    pub fn new(
        analyzer: &'a Analyzer,
        store: &'a mut dyn sitrep_store::Store,
        config: Config,
        options: WatchOptions,
    ) -> Result<Watcher<'a>, WatchError> {
        let now = Instant::now();
        alerting::start(store, options.backfill)?;
        let sinks = sinks::Sinks::start(store, &config.webhooks, !options.quiet, now)?;
        let sources = config.sources.iter().map(|s| Health::new(&s.name, now)).collect();
        // Feeds are fetched with sitrep's bounded client, following each item to its page.
        let reader = sitrep_ingest::Reader::online(sitrep_ingest::fetch::Fetcher::new(options.fetch.clone()), true);
        Ok(Watcher { analyzer, store, config, options, reader, sources, sinks })
    }

    /// Polls the sources that are due (all of them with `all`), raises alerts on what changed
    /// and delivers pending alerts. Alerts for stdout are written to `out`.
    pub fn cycle(&mut self, all: bool, out: &mut dyn Write) -> Result<CycleReport, WatchError> {
        let now = Instant::now();
        let mut report = CycleReport::default();
        for (source, health) in self.config.sources.iter().zip(self.sources.iter_mut()) {
            if !all && health.next_due > now {
                continue;
            }
            report.polled.push(source.name.clone());
            match sources::poll(self.analyzer, &mut *self.store, &self.reader, source, self.options.batch_size) {
                Ok(ingest) => {
                    health.succeeded(now, source.interval);
                    report.ingest.absorb(ingest);
                }
                Err(sources::PollError::Source(e)) => {
                    report.failures.push(health.failed(now, source.interval, "source", e));
                }
                Err(sources::PollError::Fatal(e)) => return Err(e),
            }
        }
        let (changes, raised) = alerting::raise(&mut *self.store, &self.config.rules)?;
        report.changes = changes;
        report.raised = raised;
        self.sinks.deliver(&mut *self.store, all, out, &mut report)?;
        Ok(report)
    }

    /// When the next source is due or a failing sink should be retried.
    pub fn next_due(&self) -> Instant {
        let sources = self.sources.iter().map(|h| h.next_due);
        sources.chain(self.sinks.retry_at()).min().unwrap_or_else(|| Instant::now() + Duration::from_secs(60))
    }

    /// Every source's and sink's health, for a status display.
    pub fn health(&self) -> Vec<Health> {
        self.sources.iter().cloned().chain(self.sinks.health()).collect()
    }
}
