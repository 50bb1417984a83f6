//! `sitrep gazetteer import` (GeoNames dump → extra places file) and loading the user's extra
//! dictionary files (`--gazetteer FILE`).

use anyhow::{Context as _, Result};
use sitrep_gazetteer::import::{admin1_names, convert_dump_line, ImportFilter, IMPORT_HEADER};
use sitrep_pipeline::Analyzer;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// The analyzer for this run: built-in dictionaries plus the user's extra files.
pub fn analyzer(extra: &[PathBuf]) -> Result<Analyzer> {
    let mut files = Vec::new();
    for path in extra {
        let content =
            std::fs::read_to_string(path).with_context(|| format!("reading dictionary file {}", path.display()))?;
        files.push((path.display().to_string(), content));
    }
    Ok(Analyzer::with_extras(&files)?)
}

/// What `sitrep gazetteer import` reports.
pub struct ImportSummary {
    pub read: u64,
    pub written: u64,
    pub bad: Vec<String>,
}

/// Streams a GeoNames dump (plain or .gz) into an extra places file; bad lines are counted and
/// the first few reported, never fatal.
pub fn import(geonames: &Path, admin1: Option<&Path>, filter: &ImportFilter, out: &Path) -> Result<ImportSummary> {
    let admin1 = match admin1 {
        Some(p) => admin1_names(&std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?),
        None => Default::default(),
    };
    let file = std::fs::File::open(geonames).with_context(|| format!("opening {}", geonames.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = indicatif::ProgressBar::new(size);
    let counted = bar.wrap_read(file);
    let reader: Box<dyn Read> = if sitrep_ingest::is_gzip(geonames) {
        Box::new(flate2::read::MultiGzDecoder::new(counted))
    } else {
        Box::new(counted)
    };
    let mut writer = BufWriter::new(std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?);
    writer.write_all(IMPORT_HEADER.as_bytes())?;
    let mut summary = ImportSummary { read: 0, written: 0, bad: Vec::new() };
    for (n, line) in BufReader::new(reader).split(b'\n').enumerate() {
        let line = line.with_context(|| format!("reading {} at line {}", geonames.display(), n + 1))?;
        summary.read += 1;
        let line = String::from_utf8_lossy(&line);
        match convert_dump_line(&line, &admin1, filter) {
            Ok(Some(row)) => {
                writeln!(writer, "{row}")?;
                summary.written += 1;
            }
            Ok(None) => {}
            Err(e) => {
                if summary.bad.len() < 10 {
                    summary.bad.push(format!("{}:{}: {e}", geonames.display(), n + 1));
                }
            }
        }
    }
    writer.flush()?;
    bar.finish_and_clear();
    Ok(summary)
}
