//! The pipeline: the only crate that knows the order of the stages.
//!
//! ingest (read) → clean → identify → recognise → extract → merge → store. Each batch of new
//! articles is written in one transaction together with the re-merged events of the time window
//! it touches, so killing a run at any moment loses nothing and duplicates nothing: a re-run skips
//! the articles already stored (by content id) and redoes the rest.

mod analyze;
mod report;

use chrono::NaiveDate;
use sitrep_ingest::{InputFile, Item, RawArticle, Reader, Source};
use sitrep_model::{Severity, SourceMeta, SourcedMention};
use sitrep_store::{ArticleSighting, ArticleSignature, Batch, LogEntry, Store, StoreError};
use std::collections::{BTreeSet, HashSet};

pub use analyze::{prepare, Analyzer, Prepared};
pub use report::IngestReport;

#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error("loading the built-in gazetteer: {0}")]
    Gazetteer(String),
    #[error("loading the built-in event rules: {0}")]
    Rules(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How ingest proceeds.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// New articles per transaction. Each batch re-merges the date windows it touches, so larger
    /// batches re-merge less often (4,000 copies of 26 reports: 64 → 39.8 s, 256 → 7.9 s, 1,024 →
    /// 3.7 s on this machine) at the cost of more work redone after a kill.
    pub batch_size: usize,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions { batch_size: 256 }
    }
}

/// Progress as ingest goes: called after every file and every batch.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    pub files_done: usize,
    pub bytes_done: u64,
    pub articles_read: usize,
}

/// Accumulates one transaction's worth of work.
#[derive(Default)]
struct Pending {
    batch: Batch,
    new_mentions: Vec<SourcedMention>,
    ids_in_batch: HashSet<String>,
    /// Band hash → indices into `batch.signatures`: near-duplicates within the batch, which the
    /// store does not hold yet.
    bands_in_batch: std::collections::HashMap<u64, Vec<usize>>,
}

/// Ingests `files` into `store`, calling `progress` as it goes. Nothing is fetched: feed items
/// are read from the feed's own text.
pub fn ingest(
    analyzer: &Analyzer,
    store: &mut dyn Store,
    files: &[InputFile],
    options: &IngestOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<IngestReport, PipelineError> {
    let sources: Vec<Source> = files.iter().cloned().map(Source::File).collect();
    ingest_sources(analyzer, store, &sources, &Reader::offline(), options, progress)
}

/// Ingests files and URLs into `store`, read by `reader` (which decides whether URLs and feed
/// items' links are fetched), calling `progress` as it goes.
pub fn ingest_sources(
    analyzer: &Analyzer,
    store: &mut dyn Store,
    sources: &[Source],
    reader: &Reader,
    options: &IngestOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<IngestReport, PipelineError> {
    let mut run = Run::default();
    for source in sources {
        run.take(analyzer, store, reader.read(source), options, progress)?;
        run.state.files_done += 1;
        run.state.bytes_done += source.size();
        progress(run.state);
    }
    run.finish(store, progress)
}

/// Ingests items read elsewhere — what `watch` gets from `Reader::poll` on a feed — into `store`.
pub fn ingest_items(
    analyzer: &Analyzer,
    store: &mut dyn Store,
    items: impl IntoIterator<Item = Item>,
    options: &IngestOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<IngestReport, PipelineError> {
    let mut run = Run::default();
    run.take(analyzer, store, items, options, progress)?;
    run.finish(store, progress)
}

/// One ingest run: its report, the batch not yet written, and its progress.
#[derive(Default)]
struct Run {
    report: IngestReport,
    pending: Pending,
    state: Progress,
}

impl Run {
    /// Takes items into the pending batch, writing a batch whenever it is full.
    fn take(
        &mut self,
        analyzer: &Analyzer,
        store: &mut dyn Store,
        items: impl IntoIterator<Item = Item>,
        options: &IngestOptions,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(), PipelineError> {
        let Run { report, pending, state } = self;
        for item in items {
            if take(analyzer, &*store, item, pending, report)? {
                state.articles_read += 1;
                if pending.batch.articles.len() >= options.batch_size.max(1) {
                    flush(store, pending, report)?;
                    progress(*state);
                }
            }
        }
        Ok(())
    }

    /// Writes what is pending and gives the report.
    fn finish(
        mut self,
        store: &mut dyn Store,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<IngestReport, PipelineError> {
        flush(store, &mut self.pending, &mut self.report)?;
        progress(self.state);
        Ok(self.report)
    }
}

/// Ingests already-read items as one transaction: how a queue worker writes the items of the
/// messages it pulled, acknowledging them only once this returns. Articles another writer stored
/// in the meantime become sightings, so items delivered twice change nothing.
pub fn ingest_batch(
    analyzer: &Analyzer,
    store: &mut dyn Store,
    items: impl IntoIterator<Item = Item>,
) -> Result<IngestReport, PipelineError> {
    let mut report = IngestReport::default();
    let mut pending = Pending::default();
    for item in items {
        take(analyzer, &*store, item, &mut pending, &mut report)?;
    }
    flush(store, &mut pending, &mut report)?;
    Ok(report)
}

/// Takes one read item into the pending batch; returns whether it was an article.
fn take(
    analyzer: &Analyzer,
    store: &dyn Store,
    item: Item,
    pending: &mut Pending,
    report: &mut IngestReport,
) -> Result<bool, PipelineError> {
    match item {
        Item::Skipped(s) => {
            report.skip(s.code, &s.origin.to_string(), &s.message);
            pending.batch.log.push(LogEntry {
                origin: s.origin.to_string(),
                severity: Severity::Error,
                code: s.code.to_string(),
                message: s.message,
            });
            Ok(false)
        }
        Item::Article(raw) => {
            report.articles_read += 1;
            accept(analyzer, store, raw, pending, report)?;
            Ok(true)
        }
    }
}

/// Takes one raw article into the pending batch: a sighting always, analysis if its text is new.
fn accept(
    analyzer: &Analyzer,
    store: &dyn Store,
    raw: RawArticle,
    pending: &mut Pending,
    report: &mut IngestReport,
) -> Result<(), PipelineError> {
    let origin = raw.origin.to_string();
    for w in &raw.warnings {
        report.warn(&w.code);
        pending.batch.log.push(LogEntry {
            origin: origin.clone(),
            severity: w.severity,
            code: w.code.clone(),
            message: w.message.clone(),
        });
    }
    let Some(prepared) = analyzer.prepare(&raw) else {
        report.skip("empty", &origin, "no article content left after removing boilerplate");
        pending.batch.log.push(LogEntry {
            origin,
            severity: Severity::Error,
            code: "empty".into(),
            message: "no article content left after removing boilerplate".into(),
        });
        return Ok(());
    };
    let id = prepared.article.id.clone();
    let sighting = |article: String| ArticleSighting {
        article,
        outlet: prepared.article.outlet.clone(),
        url: prepared.article.url.clone(),
        title: prepared.article.title.clone(),
        published: prepared.article.published,
        source_id: prepared.article.source_id.clone(),
        origin: origin.clone(),
    };
    if pending.ids_in_batch.contains(&id) || store.has_article(&id)? {
        pending.batch.sightings.push(sighting(id));
        report.duplicates += 1;
        return Ok(());
    }
    let signature = sitrep_text::Signature::of(&prepared.article.text, &prepared.regions);
    if let Some(signature) = &signature {
        if let Some((original, similarity)) = near_duplicate_of(store, pending, signature)? {
            let reason = if similarity >= NEAR_IDENTICAL { "near_identical" } else { "trimmed_or_edited" };
            *report.near_duplicates.entry(reason.to_string()).or_default() += 1;
            pending.batch.log.push(LogEntry {
                origin: origin.clone(),
                severity: Severity::Info,
                code: "near_duplicate".into(),
                message: format!(
                    "same story as article {original} (estimated similarity {similarity:.2}, {reason}): \
                     recorded as another sighting of it"
                ),
            });
            pending.batch.sightings.push(sighting(original));
            return Ok(());
        }
    }
    pending.batch.sightings.push(sighting(id.clone()));
    if let Some(signature) = signature {
        let bands = signature.bands();
        let index = pending.batch.signatures.len();
        for band in &bands {
            pending.bands_in_batch.entry(*band).or_default().push(index);
        }
        pending.batch.signatures.push(ArticleSignature { article: id.clone(), minhash: signature.0, bands });
    }
    pending.ids_in_batch.insert(id);
    let analysis = analyzer.analyze(&prepared);
    for d in &analysis.diagnostics {
        // Everything extraction set aside, by reason (boilerplate lines and a missing date are notes).
        if !matches!(d.code.as_str(), "boilerplate" | "no_date") {
            report.dropped(&d.code);
        }
    }
    let article = &prepared.article;
    report.mentions += analysis.events.len();
    for m in analysis.events {
        let sentence = m.sentence.slice(&article.text).to_string();
        pending.new_mentions.push(SourcedMention {
            source: SourceMeta {
                article: article.id.clone(),
                url: article.url.clone(),
                outlets: article.outlet.iter().cloned().collect(),
                published: article.published,
                title: article.title.clone(),
                sentence,
            },
            mention: m,
        });
    }
    pending.batch.articles.push((prepared.article, analysis.mentions));
    Ok(())
}

/// Estimated similarity from which a near-duplicate is reported as `near_identical`.
const NEAR_IDENTICAL: f64 = 0.9;

/// The stored or pending article `signature` most resembles, when it tells the same story
/// (estimated similarity at least [`sitrep_text::SAME_STORY`]); ties go to the smallest id, so
/// the choice does not depend on the order candidates come in.
fn near_duplicate_of(
    store: &dyn Store,
    pending: &Pending,
    signature: &sitrep_text::Signature,
) -> Result<Option<(String, f64)>, PipelineError> {
    let bands = signature.bands();
    let mut candidates = store.near_duplicate_candidates(&bands)?;
    let in_batch: BTreeSet<usize> =
        bands.iter().filter_map(|b| pending.bands_in_batch.get(b)).flatten().copied().collect();
    for index in in_batch {
        if let Some(s) = pending.batch.signatures.get(index) {
            candidates.push((s.article.clone(), s.minhash.clone()));
        }
    }
    let best = candidates
        .into_iter()
        .map(|(id, minhash)| (signature.similarity(&sitrep_text::Signature(minhash)), id))
        .filter(|(similarity, _)| *similarity >= sitrep_text::SAME_STORY)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(&a.1)));
    Ok(best.map(|(similarity, id)| (id, similarity)))
}

/// Merges the pending mentions with the stored ones of the window they touch, and writes it all.
///
/// Reading the window, merging and writing are one [`Store::write_planned`] step, so that writers
/// sharing a ledger (queue workers) merge one after another and each sees the others' events.
fn flush(store: &mut dyn Store, pending: &mut Pending, report: &mut IngestReport) -> Result<(), PipelineError> {
    let p = std::mem::take(pending);
    if p.batch.articles.is_empty() && p.batch.sightings.is_empty() && p.batch.log.is_empty() {
        return Ok(());
    }
    let mut work = Some((p.batch, p.new_mentions));
    let outcome = store.write_planned(&mut |s| {
        let (batch, new_mentions) = work.take().unwrap_or_default();
        plan(s, batch, new_mentions, report)
    })?;
    report.articles_new += outcome.articles_new;
    report.sightings_new += outcome.sightings_new;
    report.events_new += outcome.events_new;
    report.events_updated += outcome.events_updated;
    report.events_removed += outcome.events_removed;
    Ok(())
}

/// The batch to write, planned against what the ledger holds now.
fn plan(
    store: &dyn Store,
    mut batch: Batch,
    mut new_mentions: Vec<SourcedMention>,
    report: &mut IngestReport,
) -> Result<Batch, StoreError> {
    // Another writer may have stored some of these articles since they were checked: they are
    // duplicates now, kept as sightings only, and their mentions are already merged.
    let mut taken = HashSet::new();
    for (article, _) in &batch.articles {
        if store.has_article(&article.id)? {
            taken.insert(article.id.clone());
        }
    }
    if !taken.is_empty() {
        batch.articles.retain(|(a, _)| !taken.contains(&a.id));
        let before = new_mentions.len();
        new_mentions.retain(|m| !taken.contains(&m.mention.article));
        report.mentions -= before - new_mentions.len();
        report.duplicates += taken.len();
    }
    if !new_mentions.is_empty() {
        let existing = component_of(store, &new_mentions)?;
        let mut all = existing;
        all.extend(new_mentions.iter().cloned().map(|m| (m, None)));
        let outcome = sitrep_merge::merge(all);
        report.merged_mentions += outcome.merged_mentions;
        batch.events_removed = outcome.removed;
        batch.events_upserted = outcome.changed;
        batch.mentions = new_mentions;
    }
    Ok(batch)
}

/// The stored mentions that can affect how `new` mentions merge: the connected component of the
/// new mentions under "could be the same event" (`sitrep_merge::compatible`: compatible types,
/// overlapping dates or one article, compatible places and named agents).
///
/// Merging is greedy in a global order, and a mention only joins a cluster holding a mention it
/// matches, so every cluster — and every cluster a mention could have joined — lies inside one
/// component. Clustering a union of whole components therefore gives exactly what clustering every
/// stored mention would give for them, and re-merging the whole component (not just the days the
/// new mentions name) is what makes the ledger independent of the order articles arrive in: one
/// ingest, any batch size, or N workers in any interleaving end with the same events.
///
/// Candidates are read by the date windows, articles and events of the mentions found so far;
/// only those compatible with one of them join, and the search goes on from them.
fn component_of(
    store: &dyn Store,
    new: &[SourcedMention],
) -> Result<Vec<(SourcedMention, Option<String>)>, StoreError> {
    // Read from the store already (or new).
    let mut seen: HashSet<String> = new.iter().map(|m| m.mention.id.clone()).collect();
    let mut covered: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    let mut articles_done: HashSet<String> = new.iter().map(|m| m.mention.article.clone()).collect();
    let mut events_done: HashSet<String> = HashSet::new();
    // Read but not (yet) connected to the component.
    let mut pool: Vec<(SourcedMention, Option<String>)> = Vec::new();
    let mut out: Vec<(SourcedMention, Option<String>)> = Vec::new();
    let mut frontier: Vec<(SourcedMention, Option<String>)> = new.iter().cloned().map(|m| (m, None)).collect();
    while !frontier.is_empty() {
        let mut found = Vec::new();
        let dated: Vec<&SourcedMention> = frontier.iter().map(|(m, _)| m).collect();
        for window in windows_of(&dated) {
            if covered.iter().any(|c| c.0 <= window.0 && window.1 <= c.1) {
                continue;
            }
            covered.push(window);
            found.extend(store.mentions_for_merge(Some(window), &[])?);
        }
        let articles: Vec<String> = frontier
            .iter()
            .map(|(m, _)| m.mention.article.clone())
            .filter(|a| articles_done.insert(a.clone()))
            .collect();
        if !articles.is_empty() {
            found.extend(store.mentions_of_articles(&articles)?);
        }
        // The members of a stored event were connected when it was merged: they join outright.
        let events: Vec<String> =
            frontier.iter().filter_map(|(_, e)| e.clone()).filter(|e| events_done.insert(e.clone())).collect();
        if !events.is_empty() {
            found.extend(store.mentions_for_merge(None, &events)?);
        }
        pool.extend(found.into_iter().filter(|(m, _)| seen.insert(m.mention.id.clone())));
        let (joined, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut pool).into_iter().partition(|(m, event)| {
            event.as_ref().is_some_and(|e| events_done.contains(e))
                || frontier.iter().any(|(f, _)| sitrep_merge::compatible(f, m))
        });
        pool = rest;
        frontier = joined;
        out.extend(frontier.iter().cloned());
    }
    Ok(out)
}

/// The date ranges of these mentions, overlapping ones joined: what a window query must read.
fn windows_of(mentions: &[&SourcedMention]) -> Vec<(NaiveDate, NaiveDate)> {
    let mut ranges: Vec<(NaiveDate, NaiveDate)> =
        mentions.iter().filter_map(|m| m.mention.time.as_ref()).map(|t| (t.value.start, t.value.end)).collect();
    ranges.sort();
    let mut out: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for (start, end) in ranges {
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
    }
    out
}
