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
