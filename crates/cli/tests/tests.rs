//! End-to-end tests of the `sitrep` binary: one integration-test binary (ripgrep style), data in
//! `test_data/` at the repository root, golden files regenerated with `UPDATE_EXPECT=1`.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "scale/mod.rs"]
mod scale;
#[path = "sources/mod.rs"]
mod sources;
#[path = "watch/mod.rs"]
mod watch;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repository root")
}

fn sitrep(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sitrep")).arg("--db").arg(db).args(args).output().expect("run sitrep")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "sitrep failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stdout.clone()).expect("utf-8 output")
}

fn export(db: &Path) -> Vec<Value> {
    ok(&sitrep(db, &["export", "--format", "jsonl"]))
        .lines()
        .map(|l| serde_json::from_str(l).expect("jsonl line"))
        .collect()
}

fn examples() -> PathBuf {
    root().join("examples")
}

/// The bundled example articles (the folder also holds a README that is not an article).
fn example_inputs() -> [String; 2] {
    [
        examples().join("reports").to_string_lossy().into_owned(),
        examples().join("reports.jsonl").to_string_lossy().into_owned(),
    ]
}

/// Ingests the bundled examples into `db`.
fn ingest_examples(db: &Path, extra: &[&str]) -> Output {
    let inputs = example_inputs();
    let mut args = vec!["ingest"];
    args.extend_from_slice(extra);
    args.extend(inputs.iter().map(String::as_str));
    sitrep(db, &args)
}

/// Rows of a CSV document (quoted fields may hold newlines).
fn csv_rows(text: &str) -> usize {
    csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes()).records().count()
}

/// One line per event: what an analyst checks first. Ids are left out (they are hashes).
fn summary(events: &[Value]) -> String {
    let mut lines: Vec<String> = events
        .iter()
        .map(|e| {
            let range = |f: &Value| format!("{}/{}/{}", f["low"], f["best"], f["high"]);
            let mut outlets: Vec<String> = e["sources"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|s| s["outlets"].as_array().cloned().unwrap_or_default())
                .filter_map(|o| o.as_str().map(String::from))
                .collect();
            outlets.sort();
            outlets.dedup();
            let attributions: Vec<String> = e["attributions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| format!("{} {}", a["stance"].as_str().unwrap_or("?"), a["actor"].as_str().unwrap_or("?")))
                .collect();
            format!(
                "{} {} | {} | {} ({}) gp{} | {} -> {} | killed {} injured {} | {} sources: {} | {}",
                e["date"].as_str().unwrap_or("null"),
                e["date_precision"].as_str().unwrap_or("null"),
                e["sub_event_type"].as_str().unwrap_or("?"),
                e["location"].as_str().unwrap_or("null"),
                e["country"].as_str().unwrap_or("null"),
                e["geo_precision"],
                e["actor1"].as_str().unwrap_or("null"),
                e["actor2"].as_str().unwrap_or("null"),
                range(&e["fatalities"]),
                range(&e["injured"]),
                e["sources"].as_array().map(|a| a.len()).unwrap_or(0),
                outlets.join(", "),
                attributions.join("; "),
            )
        })
        .collect();
    lines.sort();
    lines.join("\n") + "\n"
}

/// Compares `actual` with the golden file, or rewrites it when UPDATE_EXPECT=1.
fn golden(name: &str, actual: &str) {
    let path = root().join("test_data/golden").join(name);
    if std::env::var("UPDATE_EXPECT").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "golden file {} differs (UPDATE_EXPECT=1 cargo test to accept):\n--- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

#[test]
fn demo_reports_become_the_golden_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let out = ok(&Command::new(env!("CARGO_BIN_EXE_sitrep")).args(["demo", "--out"]).arg(&db).output().unwrap());
    assert!(out.contains("TIMELINE"), "{out}");
    golden("demo_events.txt", &summary(&export(&db)));
}

#[test]
fn export_follows_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    ok(&ingest_examples(&db, &[]));
    let events = export(&db);
    assert!(!events.is_empty());
    let keys = [
        "id",
        "event_type",
        "sub_event_type",
        "date",
        "date_end",
        "date_precision",
        "country",
        "admin1",
        "location",
        "latitude",
        "longitude",
        "geo_precision",
        "actor1",
        "actor2",
        "assoc_actors",
        "fatalities",
        "injured",
        "attributions",
        "sources",
    ];
    for e in &events {
        for k in keys {
            assert!(e.get(k).is_some(), "missing {k} in {e}");
        }
        for f in ["fatalities", "injured"] {
            for part in ["low", "best", "high"] {
                assert!(e[f].get(part).is_some(), "missing {f}.{part}");
            }
        }
        for s in e["sources"].as_array().unwrap() {
            for k in ["article", "url", "outlet", "published", "sentence", "start", "end"] {
                assert!(s.get(k).is_some(), "source lacks {k}");
            }
            assert!(s["end"].as_u64() > s["start"].as_u64());
        }
    }
    let csv = ok(&sitrep(&db, &["export", "--format", "csv"]));
    assert!(
        csv.starts_with("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,")
    );
    assert_eq!(csv_rows(&csv), events.len() + 1);
    let geo: Value = serde_json::from_str(&ok(&sitrep(&db, &["export", "--format", "geojson"]))).unwrap();
    assert_eq!(geo["type"], "FeatureCollection");
    assert!(!geo["features"].as_array().unwrap().is_empty());
}

#[test]
fn reingesting_is_a_no_op_and_syndicated_copies_are_one_article() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    ok(&ingest_examples(&db, &[]));
    let first = summary(&export(&db));
    let stats1 = ok(&sitrep(&db, &["stats"]));
    let again: Value = serde_json::from_str(&ok(&ingest_examples(&db, &["--json"]))).unwrap();
    assert_eq!(again["articles_new"], 0, "{again}");
    assert_eq!(again["events_new"], 0, "{again}");
    assert_eq!(again["sightings_new"], 0, "{again}");
    assert_eq!(summary(&export(&db)), first);
    assert_eq!(ok(&sitrep(&db, &["stats"])), stats1);
    // The bundled reports include one wire story carried by two outlets with different titles.
    let articles: u64 = stats1.split_whitespace().nth(1).unwrap().parse().unwrap();
    let sightings: u64 = stats1.split_whitespace().nth(3).unwrap().parse().unwrap();
    assert_eq!(sightings, articles + 1, "{stats1}");
}

#[test]
fn event_filters_narrow_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    ok(&ingest_examples(&db, &[]));
    let count = |args: &[&str]| {
        let mut all = vec!["events", "--format", "jsonl"];
        all.extend_from_slice(args);
        ok(&sitrep(&db, &all)).lines().count()
    };
    let total = count(&[]);
    assert!(total >= 5, "{total}");
    let jo = count(&["--country", "JO"]);
    assert!(jo >= 1 && jo < total);
    let y2019 = count(&["--since", "2019-12-01", "--until", "2019-12-31"]);
    assert!(y2019 >= 2 && y2019 < total, "{y2019}");
    assert!(count(&["--type", "Explosions/Remote violence"]) < total);
    assert!(count(&["--text", "Tower 22"]) >= 1);
    assert_eq!(count(&["--country", "ZZ"]), 0);
    let table = ok(&sitrep(&db, &["events"]));
    assert!(table.starts_with("ID"));
    let csv = ok(&sitrep(&db, &["events", "--format", "csv"]));
    assert_eq!(csv_rows(&csv), total + 1);
}

#[test]
fn show_prints_every_field_with_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    ok(&ingest_examples(&db, &[]));
    let events = export(&db);
    let busiest = events.iter().max_by_key(|e| e["sources"].as_array().unwrap().len()).unwrap();
    let id = busiest["id"].as_str().unwrap();
    let shown = ok(&sitrep(&db, &["show", &id[..8]]));
    for needle in ["date", "place", "killed", "evidence per field", "sources", "»"] {
        assert!(shown.contains(needle), "show lacks {needle}:\n{shown}");
    }
    let missing = sitrep(&db, &["show", "no-such-event"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no event"));
}

#[test]
fn bad_input_is_skipped_logged_and_the_rest_processed() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::copy(examples().join("reports.jsonl"), input.join("good.jsonl")).unwrap();
    std::fs::write(input.join("empty.txt"), "").unwrap();
    std::fs::write(input.join("binary.txt"), [0u8, 159, 146, 150, 0, 1, 2, 3, 0, 0]).unwrap();
    std::fs::write(input.join("huge.txt"), "Rockets hit the base. ".repeat(500_000)).unwrap();
    std::fs::write(
        input.join("latin1.txt"),
        b"title: Caf\xe9\n\nRockets hit the K1 base near Kirkuk on 27 December 2019, officials said.\n",
    )
    .unwrap();
    let good = std::fs::read_to_string(examples().join("reports.jsonl")).unwrap();
    let first = good.lines().next().unwrap();
    std::fs::write(
        input.join("mixed.jsonl"),
        format!("{{\"id\": \"broken\", \"text\": \n{first}\n[1,2]\n{{\"id\":\"no text\"}}\n"),
    )
    .unwrap();
    let db = dir.path().join("t.db");
    let out = sitrep(&db, &["ingest", "--json", input.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "partial failure exits 2: {}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let skipped = &report["skipped"];
    for code in ["empty", "binary", "too_large", "bad_json", "missing_text"] {
        assert!(skipped.get(code).is_some(), "no {code} skip in {report}");
    }
    assert!(report["warnings"].get("non_utf8").is_some(), "{report}");
    // Every good article still made it (the first line of mixed.jsonl repeats one from good.jsonl).
    let good_lines = good.lines().filter(|l| !l.trim().is_empty()).count() as u64;
    assert_eq!(report["articles_new"].as_u64().unwrap(), good_lines + 1, "{report}");
    let log = ok(&sitrep(&db, &["log"]));
    assert!(log.contains("mixed.jsonl:1") && log.contains("bad_json"), "{log}");
    assert!(log.contains("huge.txt") && log.contains("too_large"), "{log}");
}

/// Writes `n` distinct news-length articles as JSONL, built from the bundled reports.
pub(crate) fn corpus(path: &Path, n: usize) {
    use std::fmt::Write as _;
    let mut bodies = Vec::new();
    for entry in std::fs::read_dir(examples().join("reports")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let body = text.split_once("\n\n").map(|(_, b)| b.to_string()).unwrap_or(text);
        bodies.push(body);
    }
    bodies.sort();
    let mut out = String::new();
    for i in 0..n {
        let body = format!("{}\nThis is copy number {i} of the bulletin.", bodies[i % bodies.len()]);
        let line = serde_json::json!({
            "id": format!("copy-{i}"), "url": format!("https://copies.example/{i}"), "title": format!("Bulletin {i}"),
            "published": "2024-01-29", "outlet": format!("Outlet {}", i % 7), "text": body,
        });
        writeln!(out, "{line}").unwrap();
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn killing_ingest_midway_loses_and_duplicates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("corpus.jsonl");
    corpus(&input, 4000);
    // Reference: one uninterrupted run.
    let reference = dir.path().join("ref.db");
    ok(&sitrep(&reference, &["ingest", "--batch-size", "16", input.to_str().unwrap()]));
    // Interrupted run: kill the process once it has committed something, then run again.
    let db = dir.path().join("killed.db");
    let mut child = Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .arg("--db")
        .arg(&db)
        .args(["ingest", "--batch-size", "16", input.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let wal = dir.path().join("killed.db-wal");
    let started = std::time::Instant::now();
    while !(wal.exists() && std::fs::metadata(&wal).map(|m| m.len() > 64 * 1024).unwrap_or(false)) {
        assert!(started.elapsed().as_secs() < 120, "ingest never wrote anything");
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let was_running = child.try_wait().unwrap().is_none();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(was_running, "ingest finished before it could be killed: make the corpus bigger");
    let partial = ok(&sitrep(&db, &["stats"]));
    let partial_articles: u64 = partial.split_whitespace().nth(1).unwrap().parse().unwrap();
    assert!(partial_articles < 4000, "the kill came too late to test anything: {partial}");
    ok(&sitrep(&db, &["ingest", "--batch-size", "16", input.to_str().unwrap()]));
    assert_eq!(ok(&sitrep(&db, &["stats"])), ok(&sitrep(&reference, &["stats"])));
    assert_eq!(summary(&export(&db)), summary(&export(&reference)));
}

#[test]
fn reads_shared_real_articles_when_present() {
    let shared = root().join("../shared/data/article-extraction-benchmark/html");
    if !shared.exists() {
        eprintln!("skipped: {} is absent", shared.display());
        return;
    }
    // 181 real news pages (gzipped HTML) from many outlets, mostly not about conflict: every page
    // is read, and the ledger stays small (sports and finance pages must not fill it with "clashes").
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let out = sitrep(&db, &["ingest", "--json", shared.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["articles_read"], 181, "{report}");
    assert_eq!(report["articles_new"], 181, "{report}");
    let events = export(&db).len();
    assert!(events <= 20, "{events} events from 181 mostly non-conflict pages");
}

#[test]
fn analyze_prints_mentions_with_offsets_into_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.txt");
    let text = "Seven rockets hit Baghdad's Green Zone late on Tuesday, killing a girl and wounding five civilians.";
    std::fs::write(&file, text).unwrap();
    let out = ok(&Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .args(["analyze", "--published", "2020-11-18", "--format", "jsonl"])
        .arg(&file)
        .output()
        .unwrap());
    let lines: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let find = |kind: &str| lines.iter().find(|l| l["kind"] == kind).unwrap_or_else(|| panic!("no {kind} in {out}"));
    for l in &lines {
        if l["kind"] == "event" {
            continue;
        }
        let (s, e) = (l["start"].as_u64().unwrap() as usize, l["end"].as_u64().unwrap() as usize);
        assert_eq!(&text[s..e], l["text"].as_str().unwrap(), "offsets of {l}");
    }
    assert_eq!(find("time")["date"], "2020-11-17");
    assert_eq!(find("place")["name"], "Green Zone");
    assert_eq!(find("weapon")["count"], 7);
    assert_eq!(find("event")["sub_event_type"], "Shelling/artillery/missile attack");
}

#[test]
fn geonames_dump_import_extends_the_gazetteer() {
    let dir = tempfile::tempdir().unwrap();
    // Two lines in the GeoNames dump layout, made up for the test, plus one malformed line.
    let dump = dir.path().join("dump.txt");
    std::fs::write(
        &dump,
        "900001\tTall Sibat\tTall Sibat\tTell Sibat\t36.50000\t40.10000\tP\tPPL\tSY\t\t08\t\t\t\t350\t\t310\tAsia/Damascus\t2024-01-01\n\
         900002\tJabal Test\tJabal Test\t\t36.0\t40.0\tT\tMT\tSY\t\t08\t\t\t\t0\t\t900\tAsia/Damascus\t2024-01-01\n\
         broken line\n",
    )
    .unwrap();
    let admin1 = dir.path().join("admin1.txt");
    std::fs::write(&admin1, "SY.08\tAl-Hasakah\tAl-Hasakah\t163841\n").unwrap();
    let places = dir.path().join("villages.tsv");
    let db = dir.path().join("unused.db");
    let out = ok(&sitrep(
        &db,
        &[
            "gazetteer",
            "import",
            dump.to_str().unwrap(),
            "--admin1",
            admin1.to_str().unwrap(),
            "--out",
            places.to_str().unwrap(),
        ],
    ));
    assert!(out.contains("wrote 1 places"), "{out}");
    assert!(out.contains("dump.txt:3"), "the malformed line is named: {out}");
    let text = dir.path().join("a.txt");
    std::fs::write(&text, "Shelling hit Tell Sibat on Monday, killing two civilians.").unwrap();
    let analyze = |extra: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sitrep"));
        cmd.args(extra).args(["analyze", "--format", "jsonl", "--published", "2019-05-07"]).arg(&text);
        ok(&cmd.output().unwrap())
    };
    assert!(!analyze(&[]).contains("Tall Sibat"));
    let with = analyze(&["--gazetteer", places.to_str().unwrap()]);
    assert!(with.contains("\"name\":\"Tall Sibat\"") && with.contains("Al-Hasakah"), "{with}");
}

/// Long wire-style reports with background, tallies and reactions (test_data/realistic; the truth is
/// in its EXPECTED.md). This golden file records what sitrep makes of them today, so that every
/// change to extraction or merging shows its effect on them in review; it is not the truth.
#[test]
fn realistic_reports_ledger_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let mut files: Vec<String> = std::fs::read_dir(root().join("test_data/realistic"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut args = vec!["ingest"];
    args.extend(files.iter().map(String::as_str));
    ok(&sitrep(&db, &args));
    golden("realistic_events.txt", &summary(&export(&db)));
}

/// `sitrep clean` prints what sitrep reads from each input, one JSON line per article, reads
/// `.gz` transparently, reports bad inputs on stderr and goes on, and never creates a ledger.
#[test]
fn clean_prints_what_sitrep_reads() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("embassy.html");
    std::fs::write(
        &page,
        "<html lang=\"en\"><head><title>Embassy stormed | Example News</title>\
         <meta property=\"og:title\" content=\"Embassy stormed\"><meta property=\"og:site_name\" content=\"Example News\">\
         <link rel=\"canonical\" href=\"https://www.example.com/2019/12/31/embassy\"></head>\
         <body><nav><a href=/>Home</a></nav><article><h1>Embassy stormed</h1>\
         <p>Protesters stormed the outer compound of the US embassy in Baghdad and set fires.</p>\
         <figure><img src=a.jpg><figcaption>Smoke over the compound. Photo: AP</figcaption></figure>\
         <p>READ ALSO: Who are the militias?</p>\
         <p>Guards fired tear gas; no one was killed.</p><p>Source link</p></article></body></html>",
    )
    .unwrap();
    let notes = dir.path().join("notes.txt.gz");
    let mut gz = flate2::write::GzEncoder::new(std::fs::File::create(&notes).unwrap(), flate2::Compression::default());
    gz.write_all(
        b"title: Rockets hit K1\npublished: 2019-12-28\n\nRockets hit the K1 base near Kirkuk.\n\nShare this article\n",
    )
    .unwrap();
    gz.finish().unwrap();
    let dump = dir.path().join("dump.jsonl");
    std::fs::write(&dump, "{\"id\": \"a1\", \"url\": \"https://wire.example.org/x\", \"text\": \"Seven rockets hit the Green Zone.\"}\n{broken\n")
        .unwrap();
    let db = dir.path().join("never.db");
    let missing = dir.path().join("missing.html");
    let out = sitrep(&db, &["clean", "--format", "jsonl", path(&page), path(&notes), path(&dump), path(&missing)]);
    // Partial failure, as for ingest: the articles are printed, the exit code says some inputs were skipped.
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    let lines: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).expect("json line")).collect();
    let expected = serde_json::json!([
        {"path": path(&page), "url": "https://www.example.com/2019/12/31/embassy", "title": "Embassy stormed",
         "published": "2019-12-31", "outlet": "Example News", "lang": "en",
         "text": "Protesters stormed the outer compound of the US embassy in Baghdad and set fires.\n\nGuards fired tear gas; no one was killed."},
        {"path": path(&notes), "url": null, "title": "Rockets hit K1", "published": "2019-12-28", "outlet": null,
         "lang": "en", "text": "Rockets hit the K1 base near Kirkuk."},
        {"path": path(&dump), "line": 1, "url": "https://wire.example.org/x", "title": null, "published": null,
         "outlet": "wire.example.org", "lang": null, "text": "Seven rockets hit the Green Zone."},
    ]);
    assert_eq!(Value::Array(lines), expected);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("{}: skipped (not_found)", missing.display())), "{stderr}");
    assert!(stderr.contains(&format!("{}:2: skipped (bad_json)", dump.display())), "{stderr}");
    assert!(stderr.contains("3 articles, 2 inputs skipped"), "{stderr}");
    assert!(!db.exists(), "clean must not create a ledger");
}

/// `sitrep clean` reads pages on several threads and still prints them in the order of the files,
/// across more than one chunk of pages and around a JSONL file read as it streams.
#[test]
fn clean_prints_in_file_order_on_any_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..150 {
        let name = format!("{i:03}.txt");
        std::fs::write(
            dir.path().join(&name),
            format!("title: Report {i}\n\nRockets hit base number {i} on Friday.\n"),
        )
        .unwrap();
        if i == 70 {
            std::fs::write(dir.path().join("070b.jsonl"), "{\"id\": \"j\", \"text\": \"A line of a dump.\"}\n")
                .unwrap();
        }
    }
    let db = dir.path().join("never.db");
    let run = |threads: &str| {
        let out = sitrep(&db, &["clean", "--threads", threads, path(dir.path())]);
        ok(&out);
        String::from_utf8(out.stdout).unwrap()
    };
    let one = run("1");
    let titles: Vec<String> = one
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["title"].as_str().unwrap_or("dump").to_string())
        .collect();
    let mut expected: Vec<String> = (0..150).map(|i| format!("Report {i}")).collect();
    expected.insert(71, "dump".into());
    assert_eq!(titles, expected);
    assert_eq!(run("2"), one);
    assert_eq!(run("3"), one);
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

/// An exported event's sources without what depends on which copy of a syndicated article was
/// stored first (its url and first outlet); the set of outlets is kept.
fn forget_first_copy(event: &mut Value) {
    for source in event["sources"].as_array_mut().into_iter().flatten() {
        let s = source.as_object_mut().unwrap();
        s.remove("url");
        s.remove("outlet");
        if let Some(Value::Array(outlets)) = s.get_mut("outlets") {
            outlets.sort_by_key(|o| o.to_string());
        }
    }
}

/// Events with their ids removed and their first copies forgotten ([`forget_first_copy`]).
fn events_ids_aside(db: &Path) -> Vec<String> {
    let mut out: Vec<String> = export(db)
        .into_iter()
        .map(|mut v| {
            v.as_object_mut().unwrap().remove("id");
            forget_first_copy(&mut v);
            v.to_string()
        })
        .collect();
    out.sort();
    out
}

/// Regression: re-merging only the days a batch named made the ledger depend on arrival order
/// (reverse order gave other events); workers on a queue see articles in any order.
#[test]
fn the_ledger_does_not_depend_on_the_order_articles_arrive_in() {
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<PathBuf> = [examples().join("reports"), root().join("test_data/realistic")]
        .iter()
        .flat_map(|d| std::fs::read_dir(d).unwrap().map(|e| e.unwrap().path()))
        .collect();
    files.sort();
    let jsonl = examples().join("reports.jsonl");
    let run = |name: &str, files: &[PathBuf], batch: &str| {
        let db = dir.path().join(name);
        let mut args: Vec<String> = vec!["ingest".into(), "--batch-size".into(), batch.into()];
        args.extend(files.iter().chain([&jsonl]).map(|p| p.to_string_lossy().into_owned()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        ok(&sitrep(&db, &args));
        db
    };
    let in_order = run("in-order.db", &files, "256");
    let mut reversed = files.clone();
    reversed.reverse();
    let one_by_one = run("reversed.db", &reversed, "1");
    // Every third file first, then the rest: another interleaving, in batches of three.
    let mut shuffled: Vec<PathBuf> = files.iter().step_by(3).cloned().collect();
    shuffled.extend(files.iter().enumerate().filter(|(i, _)| i % 3 != 0).map(|(_, p)| p.clone()));
    let in_threes = run("shuffled.db", &shuffled, "3");
    let expected = events_ids_aside(&in_order);
    assert!(expected.len() > 30, "{}", expected.len());
    assert_eq!(events_ids_aside(&one_by_one), expected);
    assert_eq!(events_ids_aside(&in_threes), expected);
}

#[test]
/// Analysis runs on several threads while the batch before is written: the ledger — ids, sources
/// and the ingest log's counts included — is the one a single thread writes.
fn the_ledger_does_not_depend_on_the_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = [examples().join("reports"), root().join("test_data/realistic"), examples().join("reports.jsonl")];
    let run = |name: &str, threads: &str| {
        let db = dir.path().join(name);
        let mut args: Vec<String> =
            ["ingest", "--json", "--batch-size", "4", "--threads", threads].map(String::from).into();
        args.extend(inputs.iter().map(|p| p.to_string_lossy().into_owned()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = ok(&sitrep(&db, &args));
        let report: serde_json::Value = serde_json::from_str(&out).unwrap();
        (export(&db), report)
    };
    let (one, one_report) = run("one.db", "1");
    let (three, three_report) = run("three.db", "3");
    assert!(one.len() > 30, "{}", one.len());
    assert_eq!(three, one);
    for field in [
        "articles_read",
        "articles_new",
        "duplicates",
        "near_duplicates",
        "warnings",
        "skipped",
        "mentions",
        "merged_mentions",
        "events_new",
    ] {
        assert_eq!(three_report[field], one_report[field], "{field}");
    }
}
