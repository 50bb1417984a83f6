//! `sitrep demo`: the bundled example reports into a fresh ledger, then the timeline.

use crate::table;
use anyhow::{Context as _, Result};
use std::io::Write;
use std::path::Path;

include!(concat!(env!("OUT_DIR"), "/demo_files.rs"));

pub fn run(out: &mut dyn Write, db: &Path) -> Result<()> {
    // A fresh ledger every time: the demo shows what one run makes of the reports.
    for suffix in ["", "-wal", "-shm"] {
        let p = format!("{}{suffix}", db.display());
        if Path::new(&p).exists() {
            std::fs::remove_file(&p).with_context(|| format!("removing the old demo ledger {p}"))?;
        }
    }
    let dir = tempfile::tempdir().context("creating a folder for the example reports")?;
    for (name, contents) in DEMO_FILES {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, contents)?;
    }
    let db_spec = db.to_string_lossy().to_string();
    let mut store = sitrep_store::open(&db_spec).with_context(|| format!("creating {db_spec}"))?;
    writeln!(
        out,
        "sitrep demo: {} bundled example reports (written for sitrep about real 2019–2024 incidents)",
        DEMO_FILES.len()
    )?;
    let analyzer = sitrep_pipeline::Analyzer::builtin()?;
    let report = crate::ingest_paths(&analyzer, store.as_mut(), &[dir.path().to_path_buf()], 256)?;
    writeln!(
        out,
        "read {} articles: {} new, {} syndicated copies or repeats; {} event mentions merged into {} events\n",
        report.articles_read, report.articles_new, report.duplicates, report.mentions, report.events_new
    )?;
    let events = store.events(&sitrep_store::EventFilter::default())?;
    writeln!(out, "TIMELINE")?;
    for e in &events {
        let outlets = table::outlets(e);
        writeln!(out, "{}  {:<34} {}", table::date(e), e.sub_event_type.as_str(), table::place(e))?;
        writeln!(
            out,
            "            {}  |  killed {}  wounded {}  |  {} reports from {}",
            table::actors(e),
            table::range(&e.fatalities),
            table::range(&e.injured),
            e.article_count(),
            outlets.join(", ")
        )?;
        for a in &e.attributions {
            let by =
                a.by.as_ref().filter(|b| b.id != a.actor.id).map(|b| format!(" by {}", b.name)).unwrap_or_default();
            writeln!(out, "            {} {}{}", a.stance.as_str(), a.actor.name, by)?;
        }
        writeln!(out, "            id {}", e.id)?;
    }
    let first = events.first().map(|e| e.id.as_str()).unwrap_or("ID");
    writeln!(out, "\n{} events in {db_spec}. Go further:", events.len())?;
    writeln!(out, "  sitrep --db {db_spec} show {first}            # every field with its sources and sentences")?;
    writeln!(out, "  sitrep --db {db_spec} events --country IQ --type \"Air/drone strike\"")?;
    writeln!(out, "  sitrep --db {db_spec} export --format jsonl     # or csv (ACLED columns), geojson")?;
    writeln!(out, "  sitrep ingest path/to/articles/               # your own text, HTML or JSONL files")?;
    Ok(())
}
