//! The `sitrep` command: thin glue between the user, the pipeline and the store.

mod clean;
mod demo;
mod enqueue;
mod export;
mod fetch;
mod gazetteer;
mod serve;
mod show;
mod table;
mod watch;
mod worker;

#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use anyhow::{bail, Context as _, Result};
use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use sitrep_pipeline::{Analyzer, IngestOptions, IngestReport, Progress};
use sitrep_store::{EventFilter, Store};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "sitrep",
    version,
    about = "Turns news coverage into a sourced, deduplicated ledger of conflict incidents."
)]
struct Cli {
    /// The ledger: an SQLite file (created if missing), or a PostgreSQL URL
    /// (postgres://user@host:port/database).
    #[arg(long, global = true, env = "SITREP_DB", default_value = "sitrep.db")]
    db: String,
    /// Extra dictionary files: actors (.toml, format of data/actors.toml), places (.tsv, format of
    /// data/places/curated.tsv) or GeoNames places written by `sitrep gazetteer import`. Repeatable;
    /// in $SITREP_GAZETTEER separate them with ':'.
    #[arg(long = "gazetteer", global = true, env = "SITREP_GAZETTEER", value_delimiter = ':')]
    gazetteer: Vec<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read articles (text files, directories, JSONL, HTML, RSS/Atom/JSON feeds, WARC crawls, and
    /// http(s) URLs of feeds or pages) into the ledger.
    Ingest {
        /// Files, directories (recursive) or http(s) URLs.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Articles per transaction. Larger batches read and re-merge the events around them
        /// less often (30,000 benchmark articles: 256 → 81 s, 1,024 → 35 s; 100,000: 1,024 →
        /// 57.0 CPU-s, 2,048 → 48.3), at the cost of memory (peak at a million articles: 471 MB
        /// with 2,048) and of more work redone after a kill.
        #[arg(long, default_value_t = 2048)]
        batch_size: usize,
        /// Threads for cleaning and analysis (0: one per core). Merging and writing stay on one
        /// thread; the ledger is the same whatever the number.
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        fetch: fetch::FetchArgs,
    },
    /// Publish inputs as work items on a NATS JetStream queue, for `sitrep worker`.
    Enqueue(enqueue::EnqueueArgs),
    /// Pull work items from the queue and write what they report to the ledger (PostgreSQL).
    Worker(worker::WorkerArgs),
    /// List events.
    Events {
        #[command(flatten)]
        filter: FilterArgs,
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Show one event with every field's evidence and every source's values.
    Show {
        /// Event id or a unique prefix of it.
        id: String,
        /// Print the stored event as JSON instead.
        #[arg(long)]
        json: bool,
    },
    /// Export events (jsonl as in the export contract; csv with ACLED's columns; geojson).
    Export {
        #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
        format: ExportFormat,
        #[command(flatten)]
        filter: FilterArgs,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Show what the recognisers and extractor find in one article, without touching the ledger.
    Analyze {
        /// A text, HTML or JSONL file; `-` or nothing for standard input.
        file: Option<PathBuf>,
        /// Publication date to resolve relative dates against (overrides the file's).
        #[arg(long)]
        published: Option<NaiveDate>,
        #[arg(long, value_enum, default_value_t = AnalyzeFormat::Pretty)]
        format: AnalyzeFormat,
    },
    /// Print what sitrep reads from each input (main text without boilerplate, title, date,
    /// outlet, language), one JSON line per article, without touching the ledger.
    Clean {
        /// .html/.htm, .txt, .jsonl files (.gz too) or directories (recursive).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = CleanFormat::Jsonl)]
        format: CleanFormat,
        /// Threads reading pages (0: one per core); the output is in the order of the files
        /// whatever the number.
        #[arg(long, default_value_t = 0)]
        threads: usize,
    },
    /// Ingest the bundled example reports into a fresh ledger and print the timeline.
    Demo {
        /// Where to build the demo ledger (replaced if it exists).
        #[arg(long, default_value = "sitrep-demo.db")]
        out: PathBuf,
    },
    /// Show the ingest log: inputs skipped or warned about, newest last.
    Log {
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Row counts of the ledger.
    Stats,
    /// Keep the ledger current: poll the sources of a config file on its schedule, ingest what is
    /// new, raise alerts by its rules and deliver them (stdout as JSON lines, webhooks).
    Watch {
        /// The watch configuration (see examples/watch/watch.toml).
        #[arg(long, short)]
        config: PathBuf,
        /// Poll every source once, raise and deliver alerts, and exit (for cron and tests).
        #[arg(long)]
        once: bool,
        /// The first time this ledger is watched, evaluate the rules on the events already in it
        /// too (by default the watcher starts after them).
        #[arg(long)]
        backfill: bool,
        /// Do not print alerts on stdout.
        #[arg(long)]
        quiet: bool,
        /// New articles per transaction.
        #[arg(long, default_value_t = 256)]
        batch_size: usize,
        /// Seconds allowed for one HTTP request of a feed or an article page.
        #[arg(long, default_value_t = 30, value_name = "SECS")]
        timeout: u64,
        /// Retries of a request that timed out or met a server error, with doubling waits.
        #[arg(long, default_value_t = 2)]
        retries: u32,
    },
    /// Print the alerts raised by `watch`, oldest first, as JSON lines.
    Alerts {
        /// Only alerts after this sequence number (the `seq` field).
        #[arg(long, default_value_t = 0)]
        after: u64,
        #[arg(long, default_value_t = 1000)]
        limit: usize,
    },
    /// Serve the web UI and HTTP API (read-only unless a token is given).
    Serve {
        /// Address to listen on; stays on this machine unless you give another interface.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Enables POST /api/articles for requests with `Authorization: Bearer <token>`.
        #[arg(long, env = "SITREP_TOKEN", hide_env_values = true)]
        token: Option<String>,
    },
    /// Extend the dictionaries: convert a GeoNames dump into an extra places file.
    Gazetteer {
        #[command(subcommand)]
        action: GazetteerAction,
    },
    /// Measure recognition and extraction on the shared evaluation data (see README, "Evaluation").
    Eval {
        /// The data folder (skipped with a message when it is absent).
        #[arg(long, default_value = "../shared/data")]
        data: PathBuf,
        /// Run only this evaluation: geocode, aliases, case, wikievents, muc4, ucdp_tolls (repeatable).
        #[arg(long)]
        only: Vec<String>,
        #[arg(long, value_enum, default_value_t = EvalFormat::Table)]
        format: EvalFormat,
        /// Compare headline scores with a baseline written by `--format json`; exit 1 if any drops by more than 0.05.
        #[arg(long)]
        check: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum GazetteerAction {
    /// Convert GeoNames' allCountries.txt / cities500.txt (plain or .gz) into a places file for
    /// `--gazetteer`, for village-level coverage. Only populated places (feature class P) are kept.
    Import {
        /// The GeoNames dump (tab-separated, 19 columns).
        geonames: PathBuf,
        /// GeoNames' admin1CodesASCII.txt, to give each place its province name.
        #[arg(long)]
        admin1: Option<PathBuf>,
        /// Keep places with at least this many people.
        #[arg(long, default_value_t = 0)]
        min_population: u64,
        /// Keep only these countries (ISO 3166-1 alpha-2, comma-separated).
        #[arg(long, value_delimiter = ',')]
        countries: Vec<String>,
        /// Where to write the places file.
        #[arg(long, short)]
        out: PathBuf,
    },
}

#[derive(clap::Args, Default)]
struct FilterArgs {
    /// Events on or after this date (YYYY-MM-DD).
    #[arg(long)]
    since: Option<NaiveDate>,
    /// Events on or before this date (YYYY-MM-DD).
    #[arg(long)]
    until: Option<NaiveDate>,
    /// ISO 3166-1 alpha-2 country code.
    #[arg(long)]
    country: Option<String>,
    /// Substring of an actor's name.
    #[arg(long)]
    actor: Option<String>,
    /// Event type or sub-event type (exact ACLED string, any case).
    #[arg(long = "type")]
    event_type: Option<String>,
    /// Substring of the location, an actor or a source sentence.
    #[arg(long)]
    text: Option<String>,
    #[arg(long)]
    limit: Option<usize>,
}

impl FilterArgs {
    fn to_filter(&self) -> EventFilter {
        EventFilter {
            since: self.since,
            until: self.until,
            country: self.country.clone(),
            actor: self.actor.clone(),
            event_type: self.event_type.clone(),
            text: self.text.clone(),
            limit: self.limit,
            ..EventFilter::default()
        }
    }
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum ListFormat {
    Table,
    Jsonl,
    Csv,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum ExportFormat {
    Jsonl,
    Csv,
    Geojson,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum CleanFormat {
    Jsonl,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum AnalyzeFormat {
    Jsonl,
    Pretty,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum EvalFormat {
    Table,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe (`sitrep events | head`) is not an error.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn open_store(db: &str) -> Result<Box<dyn Store>> {
    sitrep_store::open(db).with_context(|| format!("opening the ledger {db}"))
}

fn run(cli: Cli) -> Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match cli.command {
        Command::Ingest { paths, batch_size, threads, json, fetch } => {
            let mut store = open_store(&cli.db)?;
            let analyzer = gazetteer::analyzer(&cli.gazetteer)?;
            let options = IngestOptions { batch_size, threads: threads_or_cores(threads) };
            let report = ingest_sources(&analyzer, store.as_mut(), &paths, &options, &fetch.reader())?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
            } else {
                print_summary(&mut out, &report, &cli.db)?;
            }
            out.flush()?;
            // Partial failure: some inputs were skipped (they are in the ingest log).
            return Ok(if report.skipped_total() > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS });
        }
        Command::Enqueue(args) => return enqueue::run(&args, &mut out),
        Command::Worker(args) => return worker::run(&cli.db, &cli.gazetteer, &args, &mut out),
        Command::Events { filter, format } => {
            let store = open_store(&cli.db)?;
            let events = store.events(&filter.to_filter())?;
            match format {
                ListFormat::Table => table::events(&mut out, &events)?,
                ListFormat::Jsonl => export::jsonl(&mut out, &events)?,
                ListFormat::Csv => export::csv(&mut out, &events)?,
            }
        }
        Command::Show { id, json } => {
            let store = open_store(&cli.db)?;
            let Some(event) = store.event(&id)? else {
                bail!("no event with id {id:?} (list them with `sitrep events`)")
            };
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&event)?)?;
            } else {
                show::event(&mut out, &event, store.as_ref())?;
            }
        }
        Command::Export { format, filter, output } => {
            let store = open_store(&cli.db)?;
            let events = store.events(&filter.to_filter())?;
            let mut sink: Box<dyn Write> = match &output {
                Some(path) => Box::new(std::io::BufWriter::new(
                    std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
                )),
                None => Box::new(&mut out),
            };
            match format {
                ExportFormat::Jsonl => export::jsonl(&mut sink, &events)?,
                ExportFormat::Csv => export::csv(&mut sink, &events)?,
                ExportFormat::Geojson => export::geojson(&mut sink, &events)?,
            }
            sink.flush()?;
            if let Some(path) = output {
                eprintln!("wrote {} events to {}", events.len(), path.display());
            }
        }
        Command::Analyze { file, published, format } => {
            let analyzer = gazetteer::analyzer(&cli.gazetteer)?;
            show::analyze(&analyzer, &mut out, file.as_deref(), published, format == AnalyzeFormat::Pretty)?;
        }
        Command::Clean { paths, format: CleanFormat::Jsonl, threads } => {
            let summary = clean::run(&paths, threads_or_cores(threads), &mut out, &mut std::io::stderr().lock())?;
            eprintln!("{} articles, {} inputs skipped", summary.articles, summary.skipped);
            return Ok(if summary.skipped > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS });
        }
        Command::Demo { out: db_path } => {
            demo::run(&mut out, &db_path)?;
        }
        Command::Log { limit } => {
            let store = open_store(&cli.db)?;
            for e in store.log_entries(limit)? {
                writeln!(
                    out,
                    "{:<8} {:<14} {}  {}",
                    format!("{:?}", e.severity).to_lowercase(),
                    e.code,
                    e.origin,
                    e.message
                )?;
            }
        }
        Command::Eval { data, only, format, check } => {
            let args = sitrep_eval::Args { data, only, json: format == EvalFormat::Json, check };
            let verdict = sitrep_eval::command(&args, &mut out)?;
            out.flush()?;
            return Ok(match verdict {
                sitrep_eval::Verdict::Passed => ExitCode::SUCCESS,
                sitrep_eval::Verdict::Regressed => ExitCode::FAILURE,
            });
        }
        Command::Gazetteer {
            action: GazetteerAction::Import { geonames, admin1, min_population, countries, out: path },
        } => {
            let filter = sitrep_gazetteer::import::ImportFilter { min_population, countries };
            let summary = gazetteer::import(&geonames, admin1.as_deref(), &filter, &path)?;
            writeln!(
                out,
                "read {} lines, wrote {} places to {}; use it with --gazetteer {}",
                summary.read,
                summary.written,
                path.display(),
                path.display()
            )?;
            if !summary.bad.is_empty() {
                writeln!(out, "skipped malformed lines (first {}):", summary.bad.len())?;
                for b in &summary.bad {
                    writeln!(out, "  {b}")?;
                }
            }
        }
        Command::Watch { config, once, backfill, quiet, batch_size, timeout, retries } => {
            let mut store = open_store(&cli.db)?;
            let analyzer = gazetteer::analyzer(&cli.gazetteer)?;
            let fetch = sitrep_ingest::fetch::FetchConfig {
                timeout: std::time::Duration::from_secs(timeout.max(1)),
                connect_timeout: std::time::Duration::from_secs(timeout.clamp(1, 10)),
                retries,
                ..Default::default()
            };
            let options = sitrep_watch::WatchOptions { backfill, quiet, batch_size, fetch };
            watch::run(&analyzer, store.as_mut(), &config, options, once, &mut out)?;
        }
        Command::Alerts { after, limit } => {
            let store = open_store(&cli.db)?;
            watch::list(store.as_ref(), after, limit, &mut out)?;
        }
        Command::Serve { addr, token } => {
            serve::run(&mut out, &cli.db, &addr, token)?;
        }
        Command::Stats => {
            let store = open_store(&cli.db)?;
            let c = store.counts()?;
            writeln!(
                out,
                "articles {}  sightings {}  outlets {}  event mentions {}  events {}  log entries {}",
                c.articles, c.sightings, c.outlets, c.mentions, c.events, c.log_entries
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Ingests paths with a progress bar on standard error, fetching nothing.
pub(crate) fn ingest_paths(
    analyzer: &Analyzer,
    store: &mut dyn Store,
    paths: &[PathBuf],
    batch_size: usize,
) -> Result<IngestReport> {
    let options = IngestOptions { batch_size, threads: threads_or_cores(0) };
    ingest_sources(analyzer, store, paths, &options, &sitrep_ingest::Reader::offline())
}

/// `threads`, or one per core when 0.
fn threads_or_cores(threads: usize) -> usize {
    if threads > 0 {
        threads
    } else {
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    }
}

/// Ingests paths and URLs, read by `reader`, with a progress bar on standard error.
fn ingest_sources(
    analyzer: &Analyzer,
    store: &mut dyn Store,
    paths: &[PathBuf],
    options: &IngestOptions,
    reader: &sitrep_ingest::Reader,
) -> Result<IngestReport> {
    let (files, missing) = sitrep_ingest::sources(paths);
    let total: u64 = files.iter().map(|f| f.size()).sum();
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut on_progress = |p: Progress| {
        bar.set_position(p.bytes_done);
        bar.set_message(format!("{} files, {} articles", p.files_done, p.articles_read));
    };
    let mut report = sitrep_pipeline::ingest_sources(analyzer, store, &files, reader, options, &mut on_progress)?;
    bar.finish_and_clear();
    for s in missing {
        report.skip(s.code, &s.origin.to_string(), &s.message);
    }
    Ok(report)
}

fn print_summary(out: &mut dyn Write, r: &IngestReport, db: &str) -> Result<()> {
    writeln!(out, "ingested into {db}")?;
    writeln!(
        out,
        "  articles read {}  new {}  already stored / syndicated copies {}  new sightings {}",
        r.articles_read, r.articles_new, r.duplicates, r.sightings_new
    )?;
    let skipped = r.skipped_total();
    if skipped > 0 {
        let reasons: Vec<String> = r.skipped.iter().map(|(k, v)| format!("{k} {v}")).collect();
        writeln!(out, "  skipped {skipped} ({})", reasons.join(", "))?;
        for example in &r.skipped_examples {
            writeln!(out, "    {example}")?;
        }
    }
    if !r.warnings.is_empty() {
        let w: Vec<String> = r.warnings.iter().map(|(k, v)| format!("{k} {v}")).collect();
        writeln!(out, "  warnings: {}", w.join(", "))?;
    }
    let dropped: Vec<String> = r.dropped.iter().map(|(k, v)| format!("{k} {v}")).collect();
    writeln!(
        out,
        "  event mentions {}  (merged into another report's event {}; not counted as events: {})",
        r.mentions,
        r.merged_mentions,
        if dropped.is_empty() { "none".to_string() } else { dropped.join(", ") }
    )?;
    writeln!(
        out,
        "  events new {}  updated {}  removed by re-merge {}",
        r.events_new, r.events_updated, r.events_removed
    )?;
    if skipped > 0 {
        writeln!(out, "  see `sitrep --db {db} log` for every skipped input")?;
    }
    Ok(())
}
