//! The pipeline: the only crate that knows the order of the stages.
//!
//! ingest (read) → clean → identify → recognise → extract → merge → store. Each batch of new
//! articles is written in one transaction together with the re-merged events of the time window
//! it touches, so killing a run at any moment loses nothing and duplicates nothing: a re-run skips
//! the articles already stored (by content id) and redoes the rest.

mod analyze;
mod report;

use chrono::{Duration, NaiveDate};
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
            match item {
                Item::Skipped(s) => {
                    report.skip(s.code, &s.origin.to_string(), &s.message);
                    pending.batch.log.push(LogEntry {
                        origin: s.origin.to_string(),
                        severity: Severity::Error,
                        code: s.code.to_string(),
                        message: s.message,
                    });
                }
                Item::Article(raw) => {
                    report.articles_read += 1;
                    state.articles_read += 1;
                    accept(analyzer, &*store, raw, pending, report)?;
                    if pending.batch.articles.len() >= options.batch_size.max(1) {
                        flush(store, pending, report)?;
                        progress(*state);
                    }
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
fn flush(store: &mut dyn Store, pending: &mut Pending, report: &mut IngestReport) -> Result<(), PipelineError> {
    let mut p = std::mem::take(pending);
    if p.batch.articles.is_empty() && p.batch.sightings.is_empty() && p.batch.log.is_empty() {
        return Ok(());
    }
    if !p.new_mentions.is_empty() {
        let mut existing = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        for window in windows_of(&p.new_mentions) {
            for item in store.mentions_for_merge(Some(window), &[])? {
                if seen.insert(item.0.mention.id.clone()) {
                    existing.push(item);
                }
            }
        }
        let event_ids: Vec<String> =
            existing.iter().filter_map(|(_, e)| e.clone()).collect::<BTreeSet<_>>().into_iter().collect();
        if !event_ids.is_empty() {
            for item in store.mentions_for_merge(None, &event_ids)? {
                if seen.insert(item.0.mention.id.clone()) {
                    existing.push(item);
                }
            }
        }
        let mut all = existing;
        all.extend(p.new_mentions.iter().cloned().map(|m| (m, None)));
        let outcome = sitrep_merge::merge(all);
        report.merged_mentions += outcome.merged_mentions;
        p.batch.events_removed = outcome.removed;
        p.batch.events_upserted = outcome.changed;
        p.batch.mentions = p.new_mentions;
    }
    let outcome = store.write_batch(&p.batch)?;
    report.articles_new += outcome.articles_new;
    report.sightings_new += outcome.sightings_new;
    report.events_new += outcome.events_new;
    report.events_updated += outcome.events_updated;
    report.events_removed += outcome.events_removed;
    Ok(())
}

/// The date windows new mentions touch, each widened by a day on both sides; overlapping windows
/// are joined so a batch spanning years reads only the days it touches.
fn windows_of(mentions: &[SourcedMention]) -> Vec<(NaiveDate, NaiveDate)> {
    let mut ranges: Vec<(NaiveDate, NaiveDate)> = mentions
        .iter()
        .filter_map(|m| m.mention.time.as_ref())
        .map(|t| (t.value.start - Duration::days(1), t.value.end + Duration::days(1)))
        .collect();
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
