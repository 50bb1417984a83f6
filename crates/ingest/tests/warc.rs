//! Reading WARC crawls written by a real tool (Python warcio): the committed fixture
//! `test_data/warc/reports.warc.gz`, and a fresh one written on the fly when warcio is installed.

use sitrep_ingest::{discover, read, Format, Item};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn describe(path: &Path) -> Vec<String> {
    let (files, skipped) = discover(&[path.to_path_buf()]);
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(files[0].format, Format::Warc);
    read(&files[0])
        .map(|item| match item {
            Item::Skipped(s) => format!("{}: skip {}", s.origin.line.unwrap_or(0), s.code),
            Item::Article(a) => format!(
                "{}: {} | {} | {} | {} | {}",
                a.origin.line.unwrap_or(0),
                a.url.unwrap_or_default(),
                a.outlet.unwrap_or_default(),
                a.published.map(|d| d.to_string()).unwrap_or_default(),
                a.title.unwrap_or_default(),
                a.text.split_whitespace().take(6).collect::<Vec<_>>().join(" ")
            ),
        })
        .collect()
}

/// Record numbers count every record: warcinfo (1), then a request and a response per page.
const EXPECTED: &[&str] = &[
    "3: https://tigris-wire.example/2019/12/27/k1-rockets | Tigris Wire | 2019-12-27 | \
     Rockets hit Iraqi base near Kirkuk, US contractor killed | KIRKUK, Iraq (Tigris Wire) - More",
    "5: https://levant-daily.example/2020/11/18/kataeb-hezbollah-disowns-rockets | Levant Daily | 2020-11-18 | \
     Kataeb Hezbollah disowns deadly rocket attack on Baghdad | BAGHDAD (Levant Daily) - Kataeb Hezbollah",
    "7: skip http_status",
    "9: skip not_html",
    "11: https://gulf-monitor.example/jordan/2024-01-28/tower-22-drone-attack | Gulf Monitor | 2024-01-28 | \
     Three US soldiers killed in drone attack on base in Jordan | AMMAN (Gulf Monitor) - Three US",
];

#[test]
fn reads_the_warcio_fixture() {
    assert_eq!(describe(&root().join("test_data/warc/reports.warc.gz")), EXPECTED);
}

#[test]
fn reads_a_warc_that_warcio_writes_now() {
    let has_warcio = Command::new("python3").args(["-c", "import warcio"]).status().is_ok_and(|s| s.success());
    if !has_warcio {
        eprintln!("skipped: python3 with warcio not found (pip install warcio); the committed fixture is still read");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fresh.warc.gz");
    let status = Command::new("python3").arg(root().join("test_data/warc/make_fixture.py")).arg(&out).status().unwrap();
    assert!(status.success());
    assert_eq!(describe(&out), EXPECTED);
    // Uncompressed, the same records read the same.
    let plain = dir.path().join("fresh.warc");
    let mut gz = flate2::read::MultiGzDecoder::new(std::fs::File::open(&out).unwrap());
    std::io::copy(&mut gz, &mut std::fs::File::create(&plain).unwrap()).unwrap();
    assert_eq!(describe(&plain), EXPECTED);
}

#[test]
fn a_truncated_warc_keeps_what_came_before() {
    let bytes = std::fs::read(root().join("test_data/warc/reports.warc.gz")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("cut.warc.gz");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let got = describe(&cut);
    assert!(got.len() >= 2, "{got:?}");
    assert_eq!(got[0], EXPECTED[0]);
    assert!(got.last().unwrap().ends_with("skip bad_warc"), "{got:?}");
}
