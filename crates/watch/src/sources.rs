//! Polling one source: finding what is new in it and handing that to the pipeline.

use crate::{Source, SourceKind, WatchError};
use sitrep_ingest::fetch::FetchState;
use sitrep_ingest::{InputFile, Reader};
use sitrep_pipeline::{Analyzer, IngestOptions, IngestReport};
use sitrep_store::Store;
use std::collections::BTreeMap;
use std::path::Path;

pub(crate) enum PollError {
    /// The source could not be read this time; the watcher reports it and tries again later.
    Source(String),
    /// The ledger failed: the watcher cannot go on.
    Fatal(WatchError),
}

impl From<WatchError> for PollError {
    fn from(e: WatchError) -> PollError {
        PollError::Fatal(e)
    }
}

impl From<sitrep_store::StoreError> for PollError {
    fn from(e: sitrep_store::StoreError) -> PollError {
        PollError::Fatal(e.into())
    }
}

/// The watch-state key holding a path source's file fingerprints.
fn files_key(source: &str) -> String {
    format!("source.{source}.files")
}

/// What tells a changed file from an unchanged one without reading it: size and modification time.
fn fingerprint(file: &InputFile) -> String {
    let modified = std::fs::metadata(&file.path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    format!("{}:{modified}", file.size)
}

pub(crate) fn poll(
    analyzer: &Analyzer,
    store: &mut dyn Store,
    reader: &Reader,
    source: &Source,
    batch_size: usize,
) -> Result<IngestReport, PollError> {
    match &source.kind {
        SourceKind::Path(path) => poll_path(analyzer, store, &source.name, path, batch_size),
        SourceKind::Feed(url) => poll_feed(analyzer, store, reader, &source.name, url, batch_size),
    }
}

/// Fetches a feed conditionally (ETag / Last-Modified kept in the ledger) and ingests its items,
/// each item's page fetched by the reader. Unchanged feeds (304) cost one request and no work.
fn poll_feed(
    analyzer: &Analyzer,
    store: &mut dyn Store,
    reader: &Reader,
    name: &str,
    url: &str,
    batch_size: usize,
) -> Result<IngestReport, PollError> {
    let key = format!("source.{name}.fetch");
    let mut state: FetchState =
        store.watch_state(&key)?.and_then(|text| serde_json::from_str(&text).ok()).unwrap_or_else(FetchState::new);
    let polled = reader.poll(url, &mut state, chrono::Utc::now());
    let report = match polled {
        Ok(None) => IngestReport::default(),
        Ok(Some(items)) => {
            let options = IngestOptions { batch_size: batch_size.max(1), ..IngestOptions::default() };
            sitrep_pipeline::ingest_items(analyzer, store, items, &options, &mut |_| {}).map_err(WatchError::from)?
        }
        Err(e) => {
            save(store, &key, &state)?;
            return Err(PollError::Source(format!("feed {url}: {e}")));
        }
    };
    // After the items are stored: a watcher killed before this fetches the feed in full again,
    // and ingest is idempotent.
    save(store, &key, &state)?;
    Ok(report)
}

fn save(store: &mut dyn Store, key: &str, state: &FetchState) -> Result<(), PollError> {
    let text = serde_json::to_string(state).map_err(|e| PollError::Source(e.to_string()))?;
    store.record_alerts(&[], &[(key.to_string(), text)])?;
    Ok(())
}

/// Ingests the files under `path` that are new or changed since the last poll. Unchanged files
/// are not read at all; a changed file is read whole (ingest is idempotent, so the lines it had
/// before only add nothing).
fn poll_path(
    analyzer: &Analyzer,
    store: &mut dyn Store,
    name: &str,
    path: &Path,
    batch_size: usize,
) -> Result<IngestReport, PollError> {
    if !path.exists() {
        return Err(PollError::Source(format!("{} does not exist", path.display())));
    }
    let (files, skipped) = sitrep_ingest::discover(&[path.to_path_buf()]);
    let key = files_key(name);
    let known: BTreeMap<String, String> =
        store.watch_state(&key)?.and_then(|text| serde_json::from_str(&text).ok()).unwrap_or_default();
    let mut seen = BTreeMap::new();
    let mut fresh = Vec::new();
    for file in files {
        let name = file.path.display().to_string();
        let print = fingerprint(&file);
        if known.get(&name) != Some(&print) {
            fresh.push(file);
        }
        seen.insert(name, print);
    }
    let mut report = IngestReport::default();
    for s in skipped {
        report.skip(s.code, &s.origin.to_string(), &s.message);
    }
    if !fresh.is_empty() {
        let options = IngestOptions { batch_size: batch_size.max(1), ..IngestOptions::default() };
        let ingested =
            sitrep_pipeline::ingest(analyzer, store, &fresh, &options, &mut |_| {}).map_err(WatchError::from)?;
        report.absorb(ingested);
    }
    // Only now: a watcher killed during the ingest above reads these files again next time.
    if seen != known {
        let text = serde_json::to_string(&seen).map_err(|e| PollError::Source(e.to_string()))?;
        store.record_alerts(&[], &[(key, text)])?;
    }
    Ok(report)
}
