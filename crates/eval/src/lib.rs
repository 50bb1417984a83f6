//! Measures sitrep's recognition and extraction on public data we did not write (`../shared/data`).
//!
//! Each evaluation is a module with a `run` function that reads its files, runs the real
//! pipeline (the built-in gazetteer, recogniser and rules — nothing is tuned here) and returns a
//! [`Report`]: headline scores (shares in 0..1, higher is better), every other number as JSON,
//! the matching rules in words, and tables for people.
//!
//! | name         | data                                   | what it measures                              |
//! |--------------|----------------------------------------|-----------------------------------------------|
//! | `geocode`    | `ucdp_ged_syria/`                      | place disambiguation against UCDP coordinates |
//! | `aliases`    | `actors_ofac_sdn/`, `wikievents/`      | OFAC alias spellings; false actor matches     |
//! | `case`       | `case2021_task2/`                      | sub-event type of news snippets               |
//! | `wikievents` | `wikievents/`                          | attack / killed / wounded sentences           |
//! | `muc4`       | `muc4/`                                | perpetrator organisations and their stance    |
//! | `ucdp_tolls` | `ucdp_ged_syria/`                      | death tolls in UCDP source headlines          |
//!
//! [`command`] is what `sitrep eval` runs; [`check`] compares headline scores with a baseline.
//! Reading the data is the only IO here; a missing data folder or file is reported as skipped.

pub mod aliases;
pub mod case;
pub mod check;
pub mod geocode;
pub mod metrics;
pub mod muc4;
mod report;
pub mod ucdp_tolls;
pub mod wikievents;

pub use check::{check, Regression, TOLERANCE};
pub use report::{Report, Table};

use sitrep_pipeline::Analyzer;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Everything that can stop an evaluation.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("reading {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("reading {path}: {source}")]
    Csv { path: PathBuf, source: csv::Error },
    #[error("{path}: bad JSON: {source}")]
    Json { path: PathBuf, source: serde_json::Error },
    #[error("{path}: {message}")]
    Format { path: PathBuf, message: String },
    #[error("loading the pipeline: {0}")]
    Pipeline(#[from] sitrep_pipeline::PipelineError),
    #[error("loading the gazetteer: {0}")]
    Gazetteer(#[from] sitrep_gazetteer::GazetteerError),
    #[error("unknown evaluation {0:?}; known: geocode, aliases, case, wikievents, muc4, ucdp_tolls")]
    Unknown(String),
    #[error("baseline {path}: {message}")]
    Baseline { path: PathBuf, message: String },
    #[error("writing the output: {0}")]
    Output(#[from] std::io::Error),
}

/// The evaluations in the order `sitrep eval` runs them.
pub const EVALUATIONS: &[&str] = &["geocode", "aliases", "case", "wikievents", "muc4", "ucdp_tolls"];

/// How an evaluation runs.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Use only the first `n` items (events, snippets, documents...) of each data set: for tests.
    pub limit: Option<usize>,
    /// Show progress bars on standard error.
    pub progress: bool,
}

impl Options {
    /// `items` cut to the limit, if any.
    pub(crate) fn take<T>(&self, mut items: Vec<T>) -> Vec<T> {
        if let Some(n) = self.limit {
            items.truncate(n);
        }
        items
    }

    /// A progress bar on standard error (hidden unless `progress`; indicatif also hides it when
    /// standard error is not a terminal).
    pub(crate) fn bar(&self, len: usize, what: &str) -> indicatif::ProgressBar {
        if !self.progress {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::new(len as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} [{elapsed_precise}] {wide_bar} {pos}/{len}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_message(what.to_string());
        bar
    }
}

/// The result of running one evaluation.
#[derive(Debug)]
pub enum Outcome {
    Done(Box<Report>),
    /// A data file it needs is missing.
    Skipped {
        evaluation: &'static str,
        missing: PathBuf,
    },
}

/// The files (relative to the data folder) an evaluation needs.
pub fn required_files(name: &str) -> Result<&'static [&'static str], EvalError> {
    Ok(match name {
        "geocode" => geocode::FILES,
        "aliases" => aliases::FILES,
        "case" => case::FILES,
        "wikievents" => wikievents::FILES,
        "muc4" => muc4::FILES,
        "ucdp_tolls" => ucdp_tolls::FILES,
        other => return Err(EvalError::Unknown(other.to_string())),
    })
}

/// Runs one evaluation by name on the data folder `data`.
pub fn run(name: &str, data: &Path, analyzer: &Analyzer, options: &Options) -> Result<Outcome, EvalError> {
    let evaluation = EVALUATIONS.iter().copied().find(|e| *e == name).ok_or_else(|| EvalError::Unknown(name.into()))?;
    for file in required_files(evaluation)? {
        let path = data.join(file);
        if !path.is_file() {
            return Ok(Outcome::Skipped { evaluation, missing: path });
        }
    }
    let started = Instant::now();
    let mut report = match evaluation {
        "geocode" => geocode::run(data, analyzer, options)?,
        "aliases" => aliases::run(data, analyzer, options)?,
        "case" => case::run(data, analyzer, options)?,
        "wikievents" => wikievents::run(data, analyzer, options)?,
        "muc4" => muc4::run(data, analyzer, options)?,
        _ => ucdp_tolls::run(data, analyzer, options)?,
    };
    report.seconds = (started.elapsed().as_secs_f64() * 10.0).round() / 10.0;
    Ok(Outcome::Done(Box::new(report)))
}

/// What `sitrep eval` was asked to do.
#[derive(Debug, Clone)]
pub struct Args {
    pub data: PathBuf,
    /// Evaluations to run; empty for all.
    pub only: Vec<String>,
    /// One JSON object per evaluation (one per line) instead of tables.
    pub json: bool,
    /// A baseline written by `--format json` to compare headline scores with.
    pub check: Option<PathBuf>,
}

/// Whether the headline scores held up against the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    Regressed,
}

/// `sitrep eval`: runs the evaluations, writes tables or JSON lines to `out`, progress and the
/// baseline comparison to standard error.
pub fn command(args: &Args, out: &mut dyn Write) -> Result<Verdict, EvalError> {
    if !args.data.is_dir() {
        writeln!(out, "skipped: {} not found", args.data.display())?;
        return Ok(Verdict::Passed);
    }
    let names: Vec<String> =
        if args.only.is_empty() { EVALUATIONS.iter().map(|s| s.to_string()).collect() } else { args.only.clone() };
    for n in &names {
        required_files(n)?;
    }
    let baseline = match &args.check {
        Some(path) => Some((
            path.clone(),
            std::fs::read_to_string(path).map_err(|source| EvalError::Io { path: path.clone(), source })?,
        )),
        None => None,
    };
    let analyzer = Analyzer::builtin()?;
    let options = Options { limit: None, progress: true };
    let mut reports = Vec::new();
    for name in &names {
        eprintln!("eval: {name} ...");
        match run(name, &args.data, &analyzer, &options)? {
            Outcome::Done(report) => {
                if args.json {
                    writeln!(out, "{}", serde_json::to_string(&report).map_err(std::io::Error::other)?)?;
                } else {
                    report.render(out)?;
                }
                out.flush()?;
                reports.push(*report);
            }
            Outcome::Skipped { evaluation, missing } => {
                if args.json {
                    let skipped = serde_json::json!({"evaluation": evaluation, "skipped": format!("{} not found", missing.display())});
                    writeln!(out, "{skipped}")?;
                } else {
                    writeln!(out, "== {evaluation}\nskipped: {} not found\n", missing.display())?;
                }
            }
        }
    }
    let Some((path, text)) = baseline else {
        return Ok(Verdict::Passed);
    };
    let regressions = check(&text, &reports).map_err(|message| EvalError::Baseline { path: path.clone(), message })?;
    if regressions.is_empty() {
        eprintln!(
            "check: no headline score dropped by more than {TOLERANCE} against {} ({} evaluations compared)",
            path.display(),
            reports.len()
        );
        Ok(Verdict::Passed)
    } else {
        eprintln!(
            "check: {} headline score(s) dropped by more than {TOLERANCE} against {}:",
            regressions.len(),
            path.display()
        );
        for r in &regressions {
            eprintln!("  {r}");
        }
        Ok(Verdict::Regressed)
    }
}

/// Reads a whole data file.
/// Every row of a CSV file with a header line, as `T`.
pub(crate) fn read_csv<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<T>, EvalError> {
    let csv_error = |source| EvalError::Csv { path: path.to_path_buf(), source };
    let mut reader = csv::Reader::from_path(path).map_err(csv_error)?;
    reader.deserialize::<T>().map(|r| r.map_err(csv_error)).collect()
}

pub(crate) fn read_text(path: &Path) -> Result<String, EvalError> {
    std::fs::read_to_string(path).map_err(|source| EvalError::Io { path: path.to_path_buf(), source })
}

/// An article made of `text` alone (no title, outlet or publication date), as the pipeline's
/// ingest would make it from a plain text file with no header.
pub(crate) fn raw_article(path: &Path, line: Option<usize>, id: &str, text: &str) -> sitrep_ingest::RawArticle {
    sitrep_ingest::RawArticle {
        origin: sitrep_ingest::Origin { path: path.to_path_buf(), line },
        source_id: Some(id.to_string()),
        url: None,
        title: None,
        outlet: None,
        published: None,
        lang: None,
        text: text.to_string(),
        warnings: Vec::new(),
    }
}

/// Runs the analyzer on an article made of `text` alone. `None` when cleaning leaves nothing.
pub(crate) fn analyze_text(
    analyzer: &Analyzer,
    path: &Path,
    id: &str,
    text: &str,
) -> Option<(sitrep_pipeline::Prepared, sitrep_model::ArticleAnalysis)> {
    let prepared = analyzer.prepare(&raw_article(path, None, id, text))?;
    let analysis = analyzer.analyze(&prepared);
    Some((prepared, analysis))
}

/// Title case as news prints names: the first letter of every word (after a space or hyphen)
/// upper, the rest lower. A single all-capital token of up to four letters stays as it is
/// (an acronym: "AAH", "KH").
pub fn title_case(s: &str) -> String {
    let trimmed = s.trim();
    let letters: Vec<char> = trimmed.chars().filter(|c| c.is_alphabetic()).collect();
    if !trimmed.contains(' ') && (1..=4).contains(&letters.len()) && letters.iter().all(|c| c.is_uppercase()) {
        return trimmed.to_string();
    }
    let mut out = String::with_capacity(trimmed.len());
    let mut start = true;
    for c in trimmed.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = c == ' ' || c == '-' || c == '(' || c == '/';
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_case_reads_like_news() {
        assert_eq!(title_case("KATA'IB HIZBALLAH"), "Kata'ib Hizballah");
        assert_eq!(title_case("HIZBALLAH BRIGADES-IRAQ"), "Hizballah Brigades-Iraq");
        assert_eq!(title_case("AL-NUJABA TV"), "Al-Nujaba Tv");
        assert_eq!(title_case("AAH"), "AAH");
        assert_eq!(title_case("  THE MISSIONARY CURRENT "), "The Missionary Current");
    }

    #[test]
    fn unknown_evaluations_are_errors() {
        assert!(matches!(required_files("nope"), Err(EvalError::Unknown(_))));
        for name in EVALUATIONS {
            assert!(!required_files(name).unwrap().is_empty());
        }
    }

    #[test]
    fn a_missing_data_folder_is_skipped_not_failed() {
        let args =
            Args { data: PathBuf::from("/nonexistent/sitrep-eval-data"), only: vec![], json: false, check: None };
        let mut out = Vec::new();
        assert_eq!(command(&args, &mut out).unwrap(), Verdict::Passed);
        assert_eq!(String::from_utf8(out).unwrap(), "skipped: /nonexistent/sitrep-eval-data not found\n");
    }
}
