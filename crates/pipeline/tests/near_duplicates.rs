//! Syndicated copies that are not byte-for-byte the same — another headline, a trimmed ending, a
//! site's own boilerplate — become sightings of the one article, so the story counts once; two
//! outlets' own reports of one event stay two articles. Real files, a real SQLite store.

use sitrep_pipeline::{ingest, Analyzer, IngestOptions, IngestReport};
use sitrep_store::{SqliteStore, Store};
use std::path::Path;

const WIRE: &str = "Seven rockets struck Baghdad's heavily fortified Green Zone late on Tuesday, breaking a \
month-long truce between Iran-aligned militias and US forces. A girl was killed and five civilians were wounded \
when one of the rockets hit a residential area, the Iraqi military said in a statement.

A group calling itself Ashab al-Kahf claimed the attack on its Telegram channel, while Kata'ib Hizbollah said it \
had nothing to do with it and called for the truce to hold.

The US embassy's air defences were activated, witnesses said, and sirens sounded across the zone for several \
minutes. Iraq's prime minister ordered an investigation and said those responsible would be brought to justice.";

/// The wire story as a second site printed it: its own headline and boilerplate, the last
/// paragraph cut.
fn copy() -> String {
    let kept: Vec<&str> = WIRE.split("\n\n").take(2).collect();
    format!("title: Truce broken as rockets hit Baghdad\noutlet: Second Site\n\nREAD ALSO: Who are the militias?\n\n{}\n\nShare this article\n", kept.join("\n\n"))
}

/// Another outlet's own report of the same event.
const OWN_REPORT: &str = "outlet: Third Paper\n\nA child died and five people were hurt on Tuesday night after a \
salvo of rockets landed in Baghdad's Green Zone, home to the US embassy, Iraqi officials said. The attack ended a \
truce the Iran-aligned militias had declared in October.

Ashab al-Kahf, a little-known group, said on Telegram it had fired the rockets; Kata'ib Hizbollah denied any part \
in it. The prime minister has ordered an inquiry, his office said on Wednesday.";

fn run(dir: &Path, batch_size: usize, threads: usize) -> (SqliteStore, IngestReport) {
    run_into(dir, batch_size, threads, SqliteStore::open_in_memory().unwrap())
}

fn run_into(dir: &Path, batch_size: usize, threads: usize, mut store: SqliteStore) -> (SqliteStore, IngestReport) {
    let analyzer = Analyzer::builtin().unwrap();
    let (files, skipped) = sitrep_ingest::discover(&[dir.to_path_buf()]);
    assert!(skipped.is_empty());
    let options = IngestOptions { batch_size, threads };
    let report = ingest(&analyzer, &mut store, &files, &options, &mut |_| {}).unwrap();
    (store, report)
}

#[test]
fn a_trimmed_retitled_copy_is_a_sighting_and_another_report_an_article() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("1-wire.txt"), format!("title: Rockets hit Green Zone\noutlet: Wire\n\n{WIRE}"))
        .unwrap();
    std::fs::write(dir.path().join("2-copy.txt"), copy()).unwrap();
    std::fs::write(dir.path().join("3-own.txt"), OWN_REPORT).unwrap();
    // In one batch (the copy finds the wire story among the pending articles), in batches of
    // one (it finds it in the store) and in batches of one on three threads (it finds it in the
    // batch being written while its own is analysed), and so in a ledger on disk, where the
    // copies are looked for through a second, read-only connection while the batch before is
    // written.
    let ledgers = tempfile::tempdir().unwrap();
    for (batch_size, threads, on_disk) in [(256, 1, false), (1, 1, false), (1, 3, false), (1, 3, true), (2, 2, true)] {
        let (store, report) = match on_disk {
            false => run(dir.path(), batch_size, threads),
            true => {
                let path = ledgers.path().join(format!("{batch_size}-{threads}.sqlite"));
                run_into(dir.path(), batch_size, threads, SqliteStore::open(&path).unwrap())
            }
        };
        let counts = store.counts().unwrap();
        assert_eq!((counts.articles, counts.sightings), (2, 3), "batch size {batch_size}");
        assert_eq!(report.articles_new, 2);
        assert_eq!(report.near_duplicates.get("trimmed_or_edited"), Some(&1), "{:?}", report.near_duplicates);
        assert_eq!(report.duplicates, 0);
        let log = store.log_entries(10).unwrap();
        let near: Vec<_> = log.iter().filter(|l| l.code == "near_duplicate").collect();
        assert_eq!(near.len(), 1);
        assert!(near[0].origin.ends_with("2-copy.txt"), "{near:?}");
        // The copy's outlet is a sighting of the wire article.
        let wire_id = near[0].message.split_whitespace().nth(4).unwrap().to_string();
        let (_, sightings, _) = store.article(&wire_id).unwrap().unwrap();
        let outlets: Vec<Option<&str>> = sightings.iter().map(|s| s.outlet.as_deref()).collect();
        assert_eq!(outlets, [Some("Wire"), Some("Second Site")]);
    }
    // Re-ingesting changes nothing.
    let analyzer = Analyzer::builtin().unwrap();
    let (mut store, _) = run(dir.path(), 256, 1);
    let (files, _) = sitrep_ingest::discover(&[dir.path().to_path_buf()]);
    let again = ingest(&analyzer, &mut store, &files, &IngestOptions::default(), &mut |_| {}).unwrap();
    assert_eq!((again.articles_new, again.sightings_new), (0, 0));
    assert_eq!(store.counts().unwrap().articles, 2);
}

/// `n` words of made-up text, its own for each `seed`: reports that share no wording.
fn words(seed: u64, n: usize) -> Vec<String> {
    const SYLLABLES: &[&str] = &["ka", "ri", "mo", "tel", "san", "ba", "du", "ver", "lo", "zem", "pi", "nor"];
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
    (0..n)
        .map(|_| {
            let mut word = String::new();
            for _ in 0..3 {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                word.push_str(SYLLABLES[(state >> 33) as usize % SYLLABLES.len()]);
            }
            word
        })
        .collect()
}

/// Regression guard for the band keys held in memory (`bands.rs`): once a week has been checked
/// often enough for its keys to be read into memory, copies are still found, whether the story
/// they copy is in the ledger, in a batch not yet written or in the batch being filled.
#[test]
fn copies_are_found_once_their_week_is_held_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = Vec::new();
    let mut copies = 0;
    for i in 0..300u64 {
        // From the 150th article on, every fifth is a trimmed copy of a report 1, 3, 61 or 139 places
        // back (one admitted before its week was read into memory).
        let text = if i >= 150 && i % 5 == 0 {
            copies += 1;
            let back = [1, 3, 61, 139][(i / 5 % 4) as usize];
            let mut w = words(i - back, 120);
            w.truncate(90);
            w.join(" ")
        } else {
            words(i, 120).join(" ")
        };
        let line = serde_json::json!({"id": format!("r{i}"), "url": format!("https://example.org/{i}"),
            "title": format!("Report {i}"), "published": "2020-01-08", "outlet": format!("Outlet {i}"), "text": text});
        lines.push(line.to_string());
    }
    std::fs::write(dir.path().join("week.jsonl"), lines.join("\n")).unwrap();
    let ledgers = tempfile::tempdir().unwrap();
    for (batch_size, threads) in [(1000, 1), (7, 1), (7, 2), (1, 2)] {
        let path = ledgers.path().join(format!("{batch_size}-{threads}.sqlite"));
        let (store, report) = run_into(dir.path(), batch_size, threads, SqliteStore::open(&path).unwrap());
        assert_eq!(
            report.near_duplicates.values().sum::<usize>(),
            copies,
            "batch size {batch_size}, {threads} threads"
        );
        assert_eq!(store.counts().unwrap().articles, 300 - copies as u64);
    }
}
