//! `sitrep clean`: what sitrep reads from each input — main text and metadata — without touching
//! the ledger.

use anyhow::Result;
use serde::Serialize;
use sitrep_ingest::{Format, InputFile, Item};
use std::io::Write;
use std::path::PathBuf;

/// One line of `sitrep clean --format jsonl`.
#[derive(Serialize)]
struct Cleaned<'a> {
    path: String,
    /// The line of a JSONL input the article came from; absent for whole-file inputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    url: Option<&'a str>,
    title: Option<&'a str>,
    published: Option<String>,
    outlet: Option<&'a str>,
    lang: Option<&'a str>,
    /// The content regions (boilerplate lines left out), separated by blank lines.
    text: String,
}

/// What happened, for the exit status and the summary on standard error.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct CleanSummary {
    pub articles: usize,
    pub skipped: usize,
}

/// Files read on the pool at a time: their output waits in memory until the chunk is written.
const CHUNK: usize = 64;
/// Files larger than this, and files of many items (JSONL, feeds, WARC), are read on this thread
/// and written as they are read, so their output never waits in memory.
const STREAM_FROM: u64 = 4 << 20;

/// Writes one JSON line per article read from `paths` (files or directories; `.gz` read through a
/// decompressor), in the order of the files, reading pages on up to `threads` threads. Inputs
/// that give no article are reported on `errors` with their file, line and reason, and the rest
/// are still read.
pub(crate) fn run(
    paths: &[PathBuf],
    threads: usize,
    out: &mut dyn Write,
    errors: &mut dyn Write,
) -> Result<CleanSummary> {
    let mut summary = CleanSummary::default();
    let (files, missing) = sitrep_ingest::discover(paths);
    for skipped in missing {
        summary.skipped += 1;
        writeln!(errors, "{}: skipped ({}): {}", skipped.origin, skipped.code, skipped.message)?;
    }
    let streamed =
        |f: &InputFile| f.size > STREAM_FROM || matches!(f.format, Format::Jsonl | Format::Feed | Format::Warc);
    let mut rest = files.as_slice();
    while let Some(first) = rest.first() {
        if streamed(first) {
            clean_file(first, out, errors, &mut summary)?;
            rest = &rest[1..];
            continue;
        }
        // A run of pages (at most a chunk) is read in parallel, each into its own buffers, and
        // written in order.
        let n = rest.iter().take(CHUNK).take_while(|f| !streamed(f)).count();
        let (chunk, later) = rest.split_at(n);
        let done = sitrep_pipeline::par_map(threads, chunk.iter().collect(), |file| {
            let (mut o, mut e, mut s) = (Vec::new(), Vec::new(), CleanSummary::default());
            let result = clean_file(file, &mut o, &mut e, &mut s);
            (o, e, s, result)
        });
        for (o, e, s, result) in done {
            out.write_all(&o)?;
            errors.write_all(&e)?;
            summary.articles += s.articles;
            summary.skipped += s.skipped;
            result?;
        }
        rest = later;
    }
    out.flush()?;
    Ok(summary)
}

/// Writes the JSON lines of one file's articles to `out` and its skipped inputs to `errors`.
fn clean_file(file: &InputFile, out: &mut dyn Write, errors: &mut dyn Write, summary: &mut CleanSummary) -> Result<()> {
    for item in sitrep_ingest::read(file) {
        match item {
            Item::Skipped(skipped) => {
                summary.skipped += 1;
                writeln!(errors, "{}: skipped ({}): {}", skipped.origin, skipped.code, skipped.message)?;
            }
            Item::Article(raw) => {
                let Some(prepared) = sitrep_pipeline::prepare(&raw) else {
                    summary.skipped += 1;
                    writeln!(errors, "{}: skipped (boilerplate_only): nothing but boilerplate lines", raw.origin)?;
                    continue;
                };
                let article = &prepared.article;
                let text: Vec<&str> = prepared.regions.iter().map(|span| span.slice(&article.text)).collect();
                let line = Cleaned {
                    path: raw.origin.path.display().to_string(),
                    line: raw.origin.line,
                    url: article.url.as_deref(),
                    title: article.title.as_deref(),
                    published: article.published.map(|d| d.to_string()),
                    outlet: article.outlet.as_deref(),
                    lang: article.lang.as_deref(),
                    text: text.join("\n\n"),
                };
                serde_json::to_writer(&mut *out, &line)?;
                writeln!(out)?;
                summary.articles += 1;
            }
        }
    }
    Ok(())
}
