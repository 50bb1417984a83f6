//! Recogniser benchmark: gazetteer load time and memory, name matching and full recognition
//! throughput, next to a peer (an Aho-Corasick automaton over the same folded names) in the same run.
//!
//! `cargo run --release -p sitrep-recognise --example bench [-- DATA_DIR]` prints one JSON line per
//! measurement. DATA_DIR defaults to ../shared/data; without it only the bundled reports are used.

use aho_corasick::{AhoCorasickBuilder, MatchKind};
use sitrep_gazetteer::{Gazetteer, Sources};
use sitrep_model::Span;
use sitrep_recognise::{Context, Recogniser};
use std::path::Path;
use std::time::Instant;

fn rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

fn peak_rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

/// News text to match: the bundled reports, plus WikiEvents documents when the shared data is there.
fn corpus(data: &Path) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/reports");
    let mut docs: Vec<String> = std::fs::read_dir(&root)
        .map(|d| d.filter_map(|e| e.ok()).filter_map(|e| std::fs::read_to_string(e.path()).ok()).collect())
        .unwrap_or_default();
    for name in ["wikievents/dev.jsonl", "wikievents/test.jsonl"] {
        let Ok(text) = std::fs::read_to_string(data.join(name)) else { continue };
        for line in text.lines() {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else { continue };
            if let Some(tokens) = v["tokens"].as_array() {
                let words: Vec<&str> = tokens.iter().filter_map(|t| t.as_str()).collect();
                docs.push(words.join(" "));
            }
        }
    }
    docs
}

fn line(tool: &str, stage: &str, docs: usize, bytes: usize, seconds: f64) {
    println!(
        "{}",
        serde_json::json!({
            "tool": tool, "stage": stage, "articles": docs, "bytes": bytes, "seconds": seconds,
            "articles_per_s": docs as f64 / seconds, "mb_per_s": bytes as f64 / seconds / 1e6,
            "peak_rss_mb": peak_rss_kb() as f64 / 1024.0,
        })
    );
}

fn main() {
    let data = std::env::args().nth(1).unwrap_or_else(|| "../shared/data".into());
    let rss0 = rss_kb();
    // Load: the best of five fresh builds (the first also pays page faults on the embedded data).
    let mut loads = Vec::new();
    let mut gazetteer = None;
    for _ in 0..5 {
        let t = Instant::now();
        let g = Gazetteer::from_sources(&Sources::builtin()).expect("built-in gazetteer loads");
        loads.push(t.elapsed().as_secs_f64());
        gazetteer = Some(g);
    }
    let gazetteer = gazetteer.expect("loaded");
    let rss_loaded = rss_kb();
    loads.sort_by(f64::total_cmp);
    println!(
        "{}",
        serde_json::json!({
            "tool": "sitrep", "stage": "gazetteer_load", "seconds": loads[0], "seconds_median": loads[2],
            "actors": gazetteer.actors().len(), "places": gazetteer.places().len(),
            "rss_mb_after_load": rss_loaded as f64 / 1024.0, "rss_mb_before": rss0 as f64 / 1024.0,
        })
    );

    let docs = corpus(Path::new(&data));
    let bytes: usize = docs.iter().map(String::len).sum();
    eprintln!("corpus: {} documents, {:.1} MB", docs.len(), bytes as f64 / 1e6);

    // Name matching alone.
    let t = Instant::now();
    let mut found = 0usize;
    for d in &docs {
        found += gazetteer.find(d).len();
    }
    line("sitrep", "gazetteer_find", docs.len(), bytes, t.elapsed().as_secs_f64());
    eprintln!("sitrep found {found} names");

    // Peer: Aho-Corasick (leftmost-longest) over the folded primary names and aliases, on folded text.
    let mut names: Vec<String> = gazetteer
        .actors()
        .iter()
        .flat_map(|a| std::iter::once(a.name.clone()).chain(a.aliases.iter().cloned()))
        .chain(gazetteer.places().iter().map(|p| p.name.clone()))
        .map(|n| format!(" {} ", sitrep_text::fold(&n)))
        .filter(|n| n.trim().len() > 1)
        .collect();
    names.sort();
    names.dedup();
    let t = Instant::now();
    let ac = AhoCorasickBuilder::new().match_kind(MatchKind::LeftmostLongest).build(&names).expect("automaton builds");
    let build = t.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({"tool": "aho-corasick", "stage": "gazetteer_load", "seconds": build, "names": names.len()})
    );
    let t = Instant::now();
    let mut peer_found = 0usize;
    for d in &docs {
        // Folding is part of the work: the peer must see text normalised the way the names are.
        let folded = format!(" {} ", sitrep_text::Folded::new(d).text);
        peer_found += ac.find_iter(&folded).count();
    }
    line("aho-corasick", "gazetteer_find", docs.len(), bytes, t.elapsed().as_secs_f64());
    eprintln!("aho-corasick found {peer_found} names");

    // Full recognition: actors, places, times, quantities, weapons with disambiguation.
    let recogniser = Recogniser::new(&gazetteer);
    let published = chrono::NaiveDate::from_ymd_opt(2020, 1, 3);
    let t = Instant::now();
    let mut mentions = 0usize;
    for d in &docs {
        let regions = [Span::new(0, d.len())];
        mentions += recogniser.recognise(d, &regions, &Context { published, title: None }).len();
    }
    line("sitrep", "recognise", docs.len(), bytes, t.elapsed().as_secs_f64());
    eprintln!("{mentions} mentions");
    // Where the time goes, grammar by grammar.
    type Grammar = fn(&str) -> usize;
    let grammars: [(&str, Grammar); 3] = [
        ("recognise_times", |d| {
            sitrep_recognise::time::find_times(d, chrono::NaiveDate::from_ymd_opt(2020, 1, 3)).len()
        }),
        ("recognise_quantities", |d| sitrep_recognise::quantity::find_quantities(d).len()),
        ("recognise_weapons", |d| sitrep_recognise::weapon::find_weapons(d).len()),
    ];
    for (stage, f) in grammars {
        let t = Instant::now();
        let n: usize = docs.iter().map(|d| f(d)).sum();
        line("sitrep", stage, docs.len(), bytes, t.elapsed().as_secs_f64());
        eprintln!("{stage}: {n}");
    }
}
