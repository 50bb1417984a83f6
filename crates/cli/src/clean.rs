//! `sitrep clean`: what sitrep reads from each input — main text and metadata — without touching
//! the ledger.

use anyhow::Result;
use serde::Serialize;
use sitrep_ingest::Item;
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

/// Writes one JSON line per article read from `paths` (files or directories; `.gz` read through a
/// decompressor). Inputs that give no article are reported on `errors` with their file, line and
/// reason, and the rest are still read.
pub(crate) fn run(paths: &[PathBuf], out: &mut dyn Write, errors: &mut dyn Write) -> Result<CleanSummary> {
    let mut summary = CleanSummary::default();
    let (files, missing) = sitrep_ingest::discover(paths);
    for skipped in missing {
        summary.skipped += 1;
        writeln!(errors, "{}: skipped ({}): {}", skipped.origin, skipped.code, skipped.message)?;
    }
    for file in &files {
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
    }
    out.flush()?;
    Ok(summary)
}
