//! Reads a WARC crawl and prints how fast and in how much memory: records per second, megabytes
//! per second and peak resident memory. `scripts/bench-warc` runs it next to Python warcio.
//!
//! cargo run --release -p sitrep-ingest --example warc_bench -- FILE.warc.gz

use sitrep_ingest::{discover, read, Item};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let Some(path) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: warc_bench FILE.warc[.gz]");
        std::process::exit(2);
    };
    let (files, missing) = discover(std::slice::from_ref(&path));
    if let Some(m) = missing.first() {
        eprintln!("{}: {}", m.origin, m.message);
        std::process::exit(2);
    }
    let start = Instant::now();
    let (mut articles, mut text_bytes) = (0usize, 0usize);
    let mut skipped: BTreeMap<&str, usize> = BTreeMap::new();
    for item in read(&files[0]) {
        match item {
            Item::Article(a) => {
                articles += 1;
                text_bytes += a.text.len();
            }
            Item::Skipped(s) => *skipped.entry(s.code).or_default() += 1,
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let size = files[0].size as f64 / 1e6;
    println!(
        "sitrep warc: {} articles ({:.1} MB of text), skipped {:?} in {secs:.2} s: {:.0} articles/s, {:.1} MB/s of file ({size:.1} MB), peak RSS {} MB",
        articles,
        text_bytes as f64 / 1e6,
        skipped,
        articles as f64 / secs,
        size / secs,
        peak_rss_mb().map_or("?".into(), |m| m.to_string())
    );
}

/// Peak resident memory of this process (Linux `VmHWM`), in megabytes.
fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}
