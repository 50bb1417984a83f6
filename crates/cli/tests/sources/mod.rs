//! `sitrep ingest` on feeds, URLs and WARC crawls, end to end: a small HTTP server of ours on
//! loopback serves a feed and the article pages its items link to (real HTTP, no mocks).

use super::{root, sitrep};
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Output;

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// One example report (our own text) as an HTML page: (path on the server, page).
fn report_page(name: &str) -> (String, String) {
    let text = std::fs::read_to_string(root().join("examples/reports").join(name)).unwrap();
    let (head, body) = text.split_once("\n\n").unwrap();
    let field = |k: &str| head.lines().find_map(|l| l.strip_prefix(&format!("{k}: "))).unwrap().to_string();
    let paragraphs: String = body.split("\n\n").map(|p| format!("<p>{}</p>\n", p.trim())).collect();
    let page = format!(
        "<html><head><title>{}</title><meta property=\"og:site_name\" content=\"{}\">\
         <meta property=\"article:published_time\" content=\"{}\"></head><body><article>{paragraphs}</article></body></html>",
        field("title"),
        field("outlet"),
        field("published")
    );
    (format!("/{}", name.trim_end_matches(".txt")), page)
}

const REPORTS: &[&str] =
    &["2020-01-03-airport-strike-levant-daily.txt", "2020-11-18-green-zone-rockets-tigris-wire.txt"];

/// Serves a feed at `/feed.xml` whose items link to the report pages; anything else is a 404.
fn serve() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let pages: Vec<(String, String)> = REPORTS.iter().map(|r| report_page(r)).collect();
    let items: String = pages
        .iter()
        .map(|(path, _)| {
            format!("<item><title>{path}</title><link>{base}{path}</link><description>x</description></item>")
        })
        .collect();
    let feed =
        format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Wire</title>{items}</channel></rss>");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut line = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let _ = reader.read_line(&mut line);
            let mut header = String::new();
            while reader.read_line(&mut header).unwrap_or(0) > 0 && header.trim() != "" {
                header.clear();
            }
            let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
            let found = if path == "/feed.xml" {
                Some(("application/rss+xml", feed.clone()))
            } else {
                pages.iter().find(|(p, _)| *p == path).map(|(_, page)| ("text/html; charset=utf-8", page.clone()))
            };
            let (status, kind, body) = match found {
                Some((kind, body)) => ("200 OK", kind, body),
                None => ("404 Not Found", "text/plain", "not found".to_string()),
            };
            let mut out = stream;
            let _ = write!(
                out,
                "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    base
}

fn outlets_and_urls(db: &Path) -> Vec<String> {
    let out = sitrep(db, &["export", "--format", "jsonl"]);
    let mut seen: Vec<String> = stdout(&out)
        .lines()
        .flat_map(|l| {
            let event: Value = serde_json::from_str(l).unwrap();
            event["sources"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| format!("{} {}", s["outlet"].as_str().unwrap_or("-"), s["url"].as_str().unwrap_or("-")))
                .collect::<Vec<_>>()
        })
        .collect();
    seen.sort();
    seen.dedup();
    seen
}

#[test]
fn ingest_follows_a_feed_url_to_its_pages() {
    let base = serve();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("feed.db");
    let out = sitrep(&db, &["ingest", "--json", &format!("{base}/feed.xml"), "ftp://example.com/feed.xml"]);
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(out.status.code(), Some(2), "the ftp URL is skipped: {report}");
    assert_eq!(report["articles_new"], 2, "{report}");
    assert_eq!(report["skipped"]["unsupported_scheme"], 1, "{report}");
    let seen = outlets_and_urls(&db);
    assert!(seen.iter().any(|s| s.starts_with("Levant Daily http://127.0.0.1")), "{seen:?}");
    assert!(seen.iter().any(|s| s.starts_with("Tigris Wire http://127.0.0.1")), "{seen:?}");
    // Ingesting the feed again adds nothing: the pages are already stored.
    let again: Value =
        serde_json::from_str(&stdout(&sitrep(&db, &["ingest", "--json", &format!("{base}/feed.xml")]))).unwrap();
    assert_eq!(again["articles_new"], 0, "{again}");
}

#[test]
fn ingest_reads_warc_crawls_and_feed_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("warc.db");
    let warc = root().join("test_data/warc/reports.warc.gz");
    let out = sitrep(&db, &["ingest", "--json", warc.to_str().unwrap()]);
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["articles_new"], 3, "{report}");
    assert_eq!(report["skipped"]["http_status"], 1, "{report}");
    assert_eq!(report["skipped"]["not_html"], 1, "{report}");
    let seen = outlets_and_urls(&db);
    assert!(
        seen.contains(
            &"Levant Daily https://levant-daily.example/2020/11/18/kataeb-hezbollah-disowns-rockets".to_string()
        ),
        "{seen:?}"
    );

    // A feed file (detected by its content, whatever its extension) read offline: the items' own text.
    let feed = dir.path().join("wire.xml");
    std::fs::write(
        &feed,
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Wire</title>\
         <item><title>Drone strike at Baghdad airport</title><link>https://wire.example/a1</link>\
         <pubDate>Fri, 03 Jan 2020 06:00:00 GMT</pubDate><description>A US drone strike near Baghdad \
         International Airport killed Iranian general Qassem Soleimani and Abu Mahdi al-Muhandis early on Friday, \
         the Pentagon said.</description></item></channel></rss>",
    )
    .unwrap();
    let out = sitrep(&db, &["ingest", "--json", "--offline", feed.to_str().unwrap()]);
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert_eq!(report["articles_new"], 1, "{report}");
    assert!(outlets_and_urls(&db).contains(&"Wire https://wire.example/a1".to_string()));
}
