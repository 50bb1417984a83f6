//! The pipeline: the only crate that knows the order of the stages.
//!
//! ingest (read) → clean → identify → recognise → extract → merge → store. Each batch of new
//! articles is written in one transaction together with the re-merged events of the time window
//! it touches, so killing a run at any moment loses nothing and duplicates nothing: a re-run skips
//! the articles already stored (by content id) and redoes the rest.

mod analyze;
mod bands;
mod report;

use chrono::{Datelike, NaiveDate};
use sitrep_ingest::{InputFile, Item, RawArticle, Reader, Source};
use sitrep_model::{ArticleAnalysis, Diagnostic, Severity, SourceMeta, SourcedMention, SubEventType};
use sitrep_store::{ArticleSighting, ArticleSignature, Batch, LogEntry, Store, StoreError, Window};
use sitrep_text::hash::FastMap;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

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
    #[error("an analysis thread stopped unexpectedly")]
    Worker,
}

/// How ingest proceeds.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Articles read per transaction. Each batch re-merges the events its mentions can join, so
    /// larger batches re-merge less often (4,000 copies of 26 reports: 64 → 39.8 s, 256 → 7.9 s,
    /// 1,024 → 3.7 s on this machine) at the cost of more work redone after a kill.
    pub batch_size: usize,
    /// Threads for the pure stages (cleaning, signatures, analysis). With more than one, a batch
    /// is analysed while the one before it is merged and written.
    pub threads: usize,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions { batch_size: 256, threads: 1 }
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
    /// Band key → indices into `batch.signatures`: near-duplicates within the batch, which the
    /// store does not hold yet.
    bands_in_batch: BatchBands,
}

/// Band key → the indices into a batch's signatures stored under it. Almost every key has one
/// article: its index is kept inline, and only the rare further ones in a second map (a vector per
/// key was 8 MB of a batch of 2,048 articles' 65,536 keys).
#[derive(Default)]
struct BatchBands {
    first: FastMap<u64, u32>,
    more: FastMap<u64, Vec<u32>>,
}

impl BatchBands {
    fn insert(&mut self, key: u64, index: usize) {
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        match self.first.entry(key) {
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(index);
            }
            std::collections::hash_map::Entry::Occupied(_) => self.more.entry(key).or_default().push(index),
        }
    }

    /// The indices stored under `key`, in the order they were inserted.
    fn get(&self, key: u64) -> impl Iterator<Item = usize> + '_ {
        let more = self.more.get(&key).map(|v| v.as_slice()).unwrap_or_default();
        self.first.get(&key).into_iter().chain(more).map(|i| *i as usize)
    }

    fn keys(&self) -> impl Iterator<Item = &u64> {
        self.first.keys()
    }
}

impl Pending {
    fn is_empty(&self) -> bool {
        self.batch.articles.is_empty() && self.batch.sightings.is_empty() && self.batch.log.is_empty()
    }

    /// This batch to write, and what checking the next chunk for copies needs of it (its article
    /// ids, band keys and signatures) as a batch of its own that is never written.
    fn split_for_checks(mut self) -> (Pending, Pending) {
        let seen = Pending {
            batch: Batch { signatures: self.batch.signatures.clone(), ..Batch::default() },
            new_mentions: Vec::new(),
            ids_in_batch: std::mem::take(&mut self.ids_in_batch),
            bands_in_batch: std::mem::take(&mut self.bands_in_batch),
        };
        (self, seen)
    }
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
    let mut run = Run::new(analyzer, options);
    // A ledger that cannot be opened a second time is analysed and written on this thread, batch
    // after batch: slower, the same ledger.
    let lookup = if run.threads > 1 { store.reader().ok().flatten() } else { None };
    let Some(lookup) = lookup else {
        for source in sources {
            run.write_through(store, reader.read(source), progress)?;
            run.source_done(source.size());
            progress(run.state);
        }
        return run.finish_through(store, progress);
    };
    // Three stages, each on its own thread, handing work on through bounded channels: reading
    // (parsing, HTML extraction, language detection); analysing (cleaning, checks for copies
    // through the second handle, recognition and extraction, on a pool of `threads`); and, on
    // this thread, merging and writing, batch after batch in the order read. Analysis runs up to
    // [`WRITE_AHEAD`] batches ahead of the writer, so neither waits for the other batch by batch.
    enum Read {
        Item(Box<Item>),
        SourceDone(u64),
    }
    std::thread::scope(|scope| {
        // Reading is many times faster than analysis: a few hundred items read ahead keep the
        // analysis fed, and a whole batch's worth would only hold that much more memory.
        let (items, read) = std::sync::mpsc::sync_channel::<Read>(run.batch_size.min(READ_AHEAD));
        scope.spawn(move || {
            for source in sources {
                for item in reader.read(source) {
                    if items.send(Read::Item(Box::new(item))).is_err() {
                        return; // ingest stopped on an error
                    }
                }
                if items.send(Read::SourceDone(source.size())).is_err() {
                    return;
                }
            }
        });
        let (batches, analysed) = std::sync::mpsc::sync_channel::<Analysed>(WRITE_AHEAD);
        let analysing = scope.spawn(move || -> Result<(), PipelineError> {
            let lookup: &dyn Store = lookup.as_ref();
            let hand_on = |run: &mut Run, batch: Pending| {
                let report = std::mem::take(&mut run.report);
                // A closed channel means the writer stopped on an error, which it reports.
                batches.send(Analysed { batch, report, state: run.state }).is_ok()
            };
            for read in read {
                let batch = match read {
                    Read::Item(item) => match run.push(*item) {
                        true => run.analyse_chunk(lookup)?,
                        false => continue,
                    },
                    Read::SourceDone(size) => {
                        run.source_done(size);
                        Pending::default()
                    }
                };
                if !hand_on(&mut run, batch) {
                    return Ok(());
                }
            }
            for batch in run.finish(lookup)? {
                if !hand_on(&mut run, batch) {
                    return Ok(());
                }
            }
            Ok(())
        });
        let mut report = IngestReport::default();
        let mut written = Ok(());
        for Analysed { batch, report: analysis, state } in analysed {
            // The analysis counts come first: writing corrects them (articles another writer stored
            // meanwhile).
            report.absorb(analysis);
            written = flush(store, batch, &mut report);
            if written.is_err() {
                break; // dropping the channel stops the analysis
            }
            progress(state);
        }
        let analysed = analysing.join().map_err(|_| PipelineError::Worker)?;
        written?;
        analysed?;
        Ok(report)
    })
}

/// Batches analysis may run ahead of the writer: each one waiting costs its articles' memory.
const WRITE_AHEAD: usize = 1;

/// Items the reading thread may read ahead of the analysis.
const READ_AHEAD: usize = 512;

/// A batch analysed and ready to write, with the counts analysing it gave and the progress when
/// it was complete.
struct Analysed {
    batch: Pending,
    report: IngestReport,
    state: Progress,
}

/// Ingests items read elsewhere — what `watch` gets from `Reader::poll` on a feed — into `store`.
pub fn ingest_items(
    analyzer: &Analyzer,
    store: &mut dyn Store,
    items: impl IntoIterator<Item = Item>,
    options: &IngestOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<IngestReport, PipelineError> {
    let mut run = Run::new(analyzer, options);
    run.write_through(store, items, progress)?;
    run.finish_through(store, progress)
}

/// Ingests already-read items as one transaction: how a queue worker writes the items of the
/// messages it pulled, acknowledging them only once this returns. Articles another writer stored
/// in the meantime become sightings, so items delivered twice change nothing.
pub fn ingest_batch(
    analyzer: &Analyzer,
    store: &mut dyn Store,
    items: impl IntoIterator<Item = Item>,
) -> Result<IngestReport, PipelineError> {
    let mut run = Run::new(analyzer, &IngestOptions { batch_size: usize::MAX, threads: 1 });
    // Workers share the ledger: band keys held in memory would miss the copies others write.
    run.bands = None;
    run.write_through(store, items, &mut |_| {})?;
    run.finish_through(store, &mut |_| {})
}

/// Batches analysed whose checks for copies the next chunk's checks must see: those the writer
/// may not have written yet (one being written, [`WRITE_AHEAD`] waiting) and one more.
const UNWRITTEN: usize = WRITE_AHEAD + 2;

/// The analysing side of one ingest run. Articles are read in chunks of a batch's size; each
/// chunk is prepared (in parallel), checked for copies against the ledger and the batches not
/// yet written (in order) and analysed (in parallel), and becomes the next batch to write.
struct Run<'a> {
    analyzer: &'a Analyzer,
    batch_size: usize,
    threads: usize,
    report: IngestReport,
    /// Raw articles read and not yet prepared.
    chunk: Vec<RawArticle>,
    /// The batch being filled: skipped inputs' log lines wait here too.
    pending: Pending,
    /// What the checks for copies need of the last batches analysed (see [`UNWRITTEN`]), oldest
    /// first: the store may not hold them yet.
    unwritten: std::collections::VecDeque<Pending>,
    /// Band keys of the periods checked often (see [`bands`]); `None` where other writers share
    /// the ledger.
    bands: Option<bands::BandCache>,
    state: Progress,
}

impl<'a> Run<'a> {
    fn new(analyzer: &'a Analyzer, options: &IngestOptions) -> Run<'a> {
        Run {
            analyzer,
            batch_size: options.batch_size.max(1),
            threads: options.threads.max(1),
            report: IngestReport::default(),
            chunk: Vec::new(),
            pending: Pending::default(),
            unwritten: Default::default(),
            bands: Some(bands::BandCache::default()),
            state: Progress::default(),
        }
    }

    /// Takes one item: whether the chunk is now full, to analyse.
    fn push(&mut self, item: Item) -> bool {
        match item {
            Item::Skipped(s) => {
                self.report.skip(s.code, &s.origin.to_string(), &s.message);
                self.pending.batch.log.push(LogEntry {
                    origin: s.origin.to_string(),
                    severity: Severity::Error,
                    code: s.code.to_string(),
                    message: s.message,
                });
                false
            }
            Item::Article(raw) => {
                self.report.articles_read += 1;
                self.state.articles_read += 1;
                self.chunk.push(raw);
                self.chunk.len() >= self.batch_size
            }
        }
    }

    fn source_done(&mut self, size: u64) {
        self.state.files_done += 1;
        self.state.bytes_done += size;
    }

    /// Prepares, checks (against `checks` and the batches not yet written) and analyses the chunk
    /// read: the next batch to write.
    fn analyse_chunk(&mut self, checks: &dyn Store) -> Result<Pending, PipelineError> {
        let chunk = std::mem::take(&mut self.chunk);
        let mut pending = std::mem::take(&mut self.pending);
        let prepared = prepare_all(self.threads, chunk);
        let unwritten: Vec<&Pending> = self.unwritten.iter().collect();
        let fresh = admit_all(checks, &unwritten, &mut pending, &mut self.report, self.bands.as_mut(), prepared)?;
        let analyzer = self.analyzer;
        let analyses = par_map(self.threads, fresh, |p| analyse(analyzer, p));
        for (prepared, analysis) in analyses {
            record(&mut pending, &mut self.report, prepared, analysis);
        }
        let (batch, seen) = pending.split_for_checks();
        if self.unwritten.len() >= UNWRITTEN {
            self.unwritten.pop_front();
        }
        self.unwritten.push_back(seen);
        Ok(batch)
    }

    /// The batches left: the last chunk's, and one with the skipped inputs read after it.
    fn finish(&mut self, checks: &dyn Store) -> Result<Vec<Pending>, PipelineError> {
        let mut rest = Vec::new();
        if !self.chunk.is_empty() {
            rest.push(self.analyse_chunk(checks)?);
        }
        rest.push(std::mem::take(&mut self.pending));
        Ok(rest)
    }

    /// Analyses and writes `items` on this thread, one batch after another.
    fn write_through(
        &mut self,
        store: &mut dyn Store,
        items: impl IntoIterator<Item = Item>,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(), PipelineError> {
        for item in items {
            if self.push(item) {
                let batch = self.analyse_chunk(&*store)?;
                flush(store, batch, &mut self.report)?;
                // The store holds it now.
                self.unwritten.clear();
                progress(self.state);
            }
        }
        Ok(())
    }

    /// Writes everything read and gives the report.
    fn finish_through(
        mut self,
        store: &mut dyn Store,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<IngestReport, PipelineError> {
        for batch in self.finish(&*store)? {
            flush(store, batch, &mut self.report)?;
        }
        progress(self.state);
        Ok(self.report)
    }
}

/// `f` over `items` on up to `threads` threads, results in the items' order. One thread (or
/// one item) runs on the caller's thread.
pub fn par_map<T: Send, U: Send>(threads: usize, items: Vec<T>, f: impl Fn(T) -> U + Sync) -> Vec<U> {
    if threads <= 1 || items.len() <= 1 {
        return items.into_iter().map(f).collect();
    }
    let n = items.len();
    let queue = std::sync::Mutex::new(items.into_iter().enumerate());
    let mut done: Vec<(usize, U)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.min(n))
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let next = queue.lock().map(|mut q| q.next()).unwrap_or(None);
                        let Some((i, item)) = next else { break };
                        out.push((i, f(item)));
                    }
                    out
                })
            })
            .collect();
        // A worker only panics if `f` does (the pure stages do not): the panic goes on here rather
        // than its items being lost.
        workers.into_iter().flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, u)| u).collect()
}

/// Cleans and signs a chunk of raw articles on up to `threads` threads, in order.
fn prepare_all(threads: usize, chunk: Vec<RawArticle>) -> Vec<Prepped> {
    par_map(threads, chunk, |mut raw| {
        let Some((prepared, signature)) = analyze::prepare_signed(&mut raw) else {
            return (raw, None, None);
        };
        let period = sitrep_text::period(prepared.article.published.map(|d| d.num_days_from_ce()));
        (raw, Some(prepared), signature.map(|s| (s, period)))
    })
}

/// An article read, cleaned (`None`: nothing but boilerplate) and signed with its period.
type Prepped = (RawArticle, Option<Prepared>, Option<(sitrep_text::Signature, u64)>);

/// [`admit`] for each article of a chunk, in order: the new ones, to analyse.
fn admit_all(
    store: &dyn Store,
    unwritten: &[&Pending],
    pending: &mut Pending,
    report: &mut IngestReport,
    mut bands: Option<&mut bands::BandCache>,
    chunk: Vec<Prepped>,
) -> Result<Vec<Prepared>, PipelineError> {
    let mut fresh = Vec::new();
    for (raw, prepared, signature) in chunk {
        if let Some(p) = admit(store, unwritten, pending, report, bands.as_deref_mut(), raw, prepared, signature)? {
            fresh.push(p);
        }
    }
    Ok(fresh)
}

/// Checks one prepared article against the ledger, the batches not yet written and the one being
/// filled: a sighting always; the prepared article back when its text is new.
#[allow(clippy::too_many_arguments)]
fn admit(
    store: &dyn Store,
    unwritten: &[&Pending],
    pending: &mut Pending,
    report: &mut IngestReport,
    mut bands: Option<&mut bands::BandCache>,
    raw: RawArticle,
    prepared: Option<Prepared>,
    signature: Option<(sitrep_text::Signature, u64)>,
) -> Result<Option<Prepared>, PipelineError> {
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
    let Some(prepared) = prepared else {
        report.skip("empty", &origin, "no article content left after removing boilerplate");
        pending.batch.log.push(LogEntry {
            origin,
            severity: Severity::Error,
            code: "empty".into(),
            message: "no article content left after removing boilerplate".into(),
        });
        return Ok(None);
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
    let held = |p: &Pending| p.ids_in_batch.contains(&id);
    if held(pending) || unwritten.iter().any(|p| held(p)) || store.has_article(&id)? {
        pending.batch.sightings.push(sighting(id));
        report.duplicates += 1;
        return Ok(None);
    }
    if let Some((signature, period)) = &signature {
        let found = near_duplicate_of(store, unwritten, pending, bands.as_deref_mut(), signature, *period)?;
        if let Some((original, similarity)) = found {
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
            return Ok(None);
        }
    }
    pending.batch.sightings.push(sighting(id.clone()));
    if let Some((signature, period)) = signature {
        let keys = signature.band_keys(period);
        let index = pending.batch.signatures.len();
        for key in &keys {
            pending.bands_in_batch.insert(*key, index);
        }
        if let Some(bands) = bands {
            bands.insert(&keys);
        }
        pending.batch.signatures.push(ArticleSignature { article: id.clone(), minhash: signature.0, bands: keys });
    }
    pending.ids_in_batch.insert(id);
    Ok(Some(prepared))
}

/// Analyses a new article, dropping dates wider than any report states (see
/// [`sitrep_model::MAX_SPAN_DAYS`]), which the stores could not find again by date.
fn analyse(analyzer: &Analyzer, prepared: Prepared) -> (Prepared, ArticleAnalysis) {
    let mut analysis = analyzer.analyze(&prepared);
    for m in &mut analysis.events {
        if m.time.as_ref().is_some_and(|t| t.value.days() > sitrep_model::MAX_SPAN_DAYS) {
            m.time = None;
            let mut d = Diagnostic::warning(
                "date_too_wide",
                format!(
                    "a date spanning more than {} days was dropped from mention {}",
                    sitrep_model::MAX_SPAN_DAYS,
                    m.id
                ),
            );
            d.span = Some(m.sentence);
            analysis.diagnostics.push(d);
        }
    }
    (prepared, analysis)
}

/// Adds an analysed new article and its mentions to the batch.
fn record(pending: &mut Pending, report: &mut IngestReport, prepared: Prepared, analysis: ArticleAnalysis) {
    for d in &analysis.diagnostics {
        // Everything extraction set aside, by reason (boilerplate lines and a missing date are notes).
        match d.code.as_str() {
            "boilerplate" | "no_date" => {}
            "date_too_wide" => report.warn(&d.code),
            code => report.dropped(code),
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
}

/// Estimated similarity from which a near-duplicate is reported as `near_identical`.
const NEAR_IDENTICAL: f64 = 0.9;

/// The stored or pending article `signature` most resembles, when it tells the same story
/// (estimated similarity at least [`sitrep_text::SAME_STORY`]); ties go to the smallest id, so
/// the choice does not depend on the order candidates come in.
fn near_duplicate_of(
    store: &dyn Store,
    unwritten: &[&Pending],
    filling: &Pending,
    bands: Option<&mut bands::BandCache>,
    signature: &sitrep_text::Signature,
    period: u64,
) -> Result<Option<(String, f64)>, PipelineError> {
    let keys = signature.lookup_keys(period);
    // Only the keys the ledger or the unwritten batches may hold are looked up: most articles are
    // new, and for a period held in memory (which holds the unwritten batches' keys too) none of
    // their keys are.
    let keys = match bands {
        Some(bands) => {
            let pending: Vec<&Pending> = unwritten.iter().copied().chain([filling]).collect();
            bands.may_hold(store, &keys, &pending)?
        }
        None => keys,
    };
    if keys.is_empty() {
        return Ok(None);
    }
    let mut candidates = store.near_duplicate_candidates(&keys)?;
    for pending in unwritten.iter().copied().chain([filling]) {
        let in_batch: BTreeSet<usize> = keys.iter().flat_map(|b| pending.bands_in_batch.get(*b)).collect();
        for index in in_batch {
            if let Some(s) = pending.batch.signatures.get(index) {
                candidates.push((s.article.clone(), s.minhash.clone()));
            }
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
fn flush(store: &mut dyn Store, p: Pending, report: &mut IngestReport) -> Result<(), PipelineError> {
    if p.is_empty() {
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
        let existing = component_of(store, &new_mentions, &mut report.merge_reads)?;
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

/// How far (in days) from the dates of a batch's new mentions the search for the mentions they
/// can affect goes on. See [`component_of`].
pub const CHAIN_DAYS: i64 = 14;
/// Stored mentions from which the search for the mentions a batch can affect stops going
/// further. See [`component_of`].
pub const MAX_COMPONENT: usize = 2_000;

/// The stored mentions that can affect how `new` mentions merge: the connected component of the
/// new mentions under "could be the same event" (`sitrep_merge::compatible`: compatible types,
/// overlapping dates or one article, compatible places and named agents), followed as far as
/// [`CHAIN_DAYS`] either side of the new mentions' dates, with every event it touches whole.
///
/// Merging is greedy in a global order, and a mention only joins a cluster holding a mention it
/// matches, so every cluster — and every cluster a mention could have joined — lies inside one
/// component. Clustering a union of whole components gives exactly what clustering every stored
/// mention would give for them, which is what makes the ledger independent of the order articles
/// arrive in: one ingest, any batch size, or N workers in any interleaving end with the same
/// events. But where reports are dense — a city attacked every few days, one story retold for
/// months, a country-wide mention that matches every report in the country that week — the
/// component chains along the whole timeline: on the benchmark corpus, a batch of 256 articles
/// had a component of 5,000 mentions after 20,000 articles, and re-merging it for every batch
/// made ingest quadratic (100,000 articles slowed from 450 to under 100 articles/s). So the
/// search has two bounds: it follows the chain only within [`CHAIN_DAYS`] of the new mentions'
/// dates, and it takes no further step once it holds [`MAX_COMPONENT`] mentions. Everything
/// the new mentions match directly, with those mentions' events whole, is always in (the first
/// step); the ledger is independent of arrival order for every component within both bounds,
/// and beyond them earlier merges far from the new reports are left as they were.
///
/// Candidates are read by the windows (within reach) of the mentions found so far — for placed
/// ones, their country's mentions in their dates; for those dated to a day, that day's mentions
/// of their type (see [`windows_of`]) — and by their articles and events; those compatible with
/// one of them join, and the search goes on from them. Reading a window by country, not every
/// mention of those dates, cut the mentions read to merge 30,000 benchmark articles from 543,395
/// to 218,561, with the same events.
fn component_of(
    store: &dyn Store,
    new: &[SourcedMention],
    reads: &mut usize,
) -> Result<Vec<(SourcedMention, Option<String>)>, StoreError> {
    let dates = new.iter().filter_map(|m| m.mention.time.as_ref()).map(|t| (t.value.start, t.value.end)).collect();
    let reach: Vec<(NaiveDate, NaiveDate)> = join_ranges(dates)
        .into_iter()
        .map(|(start, end)| (start - chrono::Duration::days(CHAIN_DAYS), end + chrono::Duration::days(CHAIN_DAYS)))
        .collect();
    let reach = join_ranges(reach);
    let within = |m: &SourcedMention| {
        m.mention.time.as_ref().is_none_or(|t| reach.iter().any(|r| t.value.start <= r.1 && r.0 <= t.value.end))
    };
    // Read from the store already (or new).
    let mut seen: HashSet<String> = new.iter().map(|m| m.mention.id.clone()).collect();
    let mut covered: HashMap<String, Vec<(NaiveDate, NaiveDate)>> = HashMap::new();
    let mut days_done: HashSet<(NaiveDate, SubEventType)> = HashSet::new();
    let mut articles_done: HashSet<String> = new.iter().map(|m| m.mention.article.clone()).collect();
    let mut events_done: HashSet<String> = HashSet::new();
    // Read but not (yet) connected to the component.
    let mut pool: Vec<(SourcedMention, Option<String>)> = Vec::new();
    let mut out: Vec<(SourcedMention, Option<String>)> = Vec::new();
    let mut frontier: Vec<(SourcedMention, Option<String>)> = new.iter().cloned().map(|m| (m, None)).collect();
    while !frontier.is_empty() {
        let mut found = Vec::new();
        let (by_country, days) = windows_of(&frontier);
        for (country, ranges) in by_country {
            let covered = covered.entry(country.clone()).or_default();
            for window in ranges {
                // Only the part of a window within reach is read: a mention dated to a year would
                // otherwise read a year of reports.
                for r in &reach {
                    let clipped = (window.0.max(r.0), window.1.min(r.1));
                    if clipped.0 > clipped.1 || covered.iter().any(|c| c.0 <= clipped.0 && clipped.1 <= c.1) {
                        continue;
                    }
                    covered.push(clipped);
                    let window = Window::Country(country.clone(), clipped.0, clipped.1);
                    found.extend(store.mentions_for_merge_except(Some(&window), &[], &seen)?);
                }
            }
        }
        for (day, sub_event_type) in days {
            if reach.iter().any(|r| r.0 <= day && day <= r.1) && days_done.insert((day, sub_event_type)) {
                found.extend(store.mentions_for_merge_except(Some(&Window::Day(day, sub_event_type)), &[], &seen)?);
            }
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
            found.extend(store.mentions_for_merge_except(None, &events, &seen)?);
        }
        *reads += found.len();
        pool.extend(found.into_iter().filter(|(m, _)| seen.insert(m.mention.id.clone())));
        let index = FrontierIndex::new(&frontier);
        let (joined, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut pool).into_iter().partition(|(m, event)| {
            event.as_ref().is_some_and(|e| events_done.contains(e))
                || (within(m) && index.candidates(m).any(|f| sitrep_merge::compatible(&frontier[f].0, m)))
        });
        pool = rest;
        frontier = joined;
        out.extend(frontier.iter().cloned());
        if out.len() >= MAX_COMPONENT {
            // Everything the new mentions match directly, and those mentions' events, is in:
            // the chain beyond is left as it was merged.
            break;
        }
    }
    Ok(out)
}

/// The frontier's mentions by day and by article: a mention can only be compatible with one
/// sharing a day with it (or, undated, one of its own article), so only those are compared.
struct FrontierIndex {
    by_day: HashMap<NaiveDate, Vec<usize>>,
    by_article: HashMap<String, Vec<usize>>,
}

impl FrontierIndex {
    fn new(frontier: &[(SourcedMention, Option<String>)]) -> FrontierIndex {
        let mut index = FrontierIndex { by_day: Default::default(), by_article: Default::default() };
        for (i, (m, _)) in frontier.iter().enumerate() {
            index.by_article.entry(m.mention.article.clone()).or_default().push(i);
            if let Some(t) = &m.mention.time {
                for day in t.value.start.iter_days().take_while(|d| *d <= t.value.end) {
                    index.by_day.entry(day).or_default().push(i);
                }
            }
        }
        index
    }

    /// The frontier mentions `m` may be compatible with, each once.
    fn candidates(&self, m: &SourcedMention) -> impl Iterator<Item = usize> {
        let mut out: BTreeSet<usize> = self.by_article.get(&m.mention.article).into_iter().flatten().copied().collect();
        if let Some(t) = &m.mention.time {
            for day in t.value.start.iter_days().take_while(|d| *d <= t.value.end) {
                out.extend(self.by_day.get(&day).into_iter().flatten().copied());
            }
        }
        out.into_iter()
    }
}

/// Ranges with overlapping ones joined.
fn join_ranges(mut ranges: Vec<(NaiveDate, NaiveDate)>) -> Vec<(NaiveDate, NaiveDate)> {
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

/// Date ranges by country.
type ByCountry = BTreeMap<String, Vec<(NaiveDate, NaiveDate)>>;

/// What a window query must read for these mentions to find every stored mention from another
/// article that may match one of them (`sitrep_merge::compatible`): by country, the date ranges
/// of the placed ones, overlapping ranges joined (a placed mention only matches one of its own
/// country or one without a place); and the (day, type) of those dated to one day (without a
/// place on one side, a match needs the same type on the same day). A mention dated more widely
/// and without a place only matches mentions of its own article.
fn windows_of(mentions: &[(SourcedMention, Option<String>)]) -> (ByCountry, BTreeSet<(NaiveDate, SubEventType)>) {
    let mut by_country = ByCountry::new();
    let mut days = BTreeSet::new();
    for (m, _) in mentions {
        let Some(time) = &m.mention.time else { continue };
        let range = (time.value.start, time.value.end);
        if let Some(place) = &m.mention.place {
            by_country.entry(place.value.country.clone()).or_default().push(range);
        }
        if range.0 == range.1 {
            days.insert((range.0, m.mention.sub_event_type));
        }
    }
    for ranges in by_country.values_mut() {
        *ranges = join_ranges(std::mem::take(ranges));
    }
    (by_country, days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_bands_keep_every_index_of_a_shared_key_in_order() {
        let mut bands = BatchBands::default();
        bands.insert(7, 0);
        bands.insert(9, 1);
        bands.insert(7, 2);
        bands.insert(7, 5);
        assert_eq!(bands.get(7).collect::<Vec<_>>(), [0, 2, 5]);
        assert_eq!(bands.get(9).collect::<Vec<_>>(), [1]);
        assert_eq!(bands.get(8).count(), 0);
        let mut keys: Vec<u64> = bands.keys().copied().collect();
        keys.sort();
        assert_eq!(keys, [7, 9]);
    }
}
