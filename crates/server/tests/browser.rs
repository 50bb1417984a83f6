//! The web UI in real headless Chromium, driven over WebDriver (chromedriver) with a small client
//! of ours: load the demo ledger, filter the table, open an event and see its evidence
//! highlighted, see the map and the timeline render, and see a hostile article rendered as text.
//! Screenshots go to `target/browser-screenshots/`.
//!
//! Skipped with a clear line when /usr/bin/chromium or /usr/bin/chromedriver is absent
//! (`.ci/run` installs them).

mod common;

use common::TestServer;
use serde_json::{json, Value};
use sitrep_server::Options;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// W3C WebDriver's key for element references.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A chromedriver process and one browser session; both end when dropped.
struct Browser {
    driver: Child,
    base: String,
    session: String,
    shots: PathBuf,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

fn call(method: &str, url: &str, body: Option<Value>) -> Value {
    let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(120)).build();
    let req = agent.request(method, url);
    let result = match body {
        Some(b) => req.send_json(b),
        None => req.call(),
    };
    match result {
        Ok(r) => r.into_json().expect("WebDriver answers JSON"),
        Err(ureq::Error::Status(code, r)) => {
            panic!("WebDriver {method} {url}: {code} {}", r.into_string().unwrap_or_default())
        }
        Err(e) => panic!("WebDriver {method} {url}: {e}"),
    }
}

impl Browser {
    fn start(user_data: &Path) -> Browser {
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = ureq::get(&format!("{base}/status"))
                .call()
                .ok()
                .and_then(|r| r.into_json::<Value>().ok())
                .is_some_and(|v| v["value"]["ready"] == true);
            if ready {
                break;
            }
            assert!(Instant::now() < deadline, "chromedriver did not become ready");
            std::thread::sleep(Duration::from_millis(100));
        }
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-dev-shm-usage",
            "--window-size=1280,1000",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([format!("--user-data-dir={}", user_data.display())])
        .collect::<Vec<_>>();
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": CHROMIUM, "args": args },
        }}});
        let mut browser = Browser { driver, base, session: String::new(), shots: screenshots_dir() };
        let created = call("POST", &format!("{}/session", browser.base), Some(caps));
        browser.session = created["value"]["sessionId"].as_str().expect("a session id").to_string();
        browser
    }

    fn url(&self, path: &str) -> String {
        format!("{}/session/{}{path}", self.base, self.session)
    }

    fn goto(&self, url: &str) {
        call("POST", &self.url("/url"), Some(json!({ "url": url })));
    }

    fn run(&self, script: &str) -> Value {
        call("POST", &self.url("/execute/sync"), Some(json!({ "script": script, "args": [] })))["value"].clone()
    }

    fn find(&self, css: &str) -> String {
        let v = call("POST", &self.url("/element"), Some(json!({ "using": "css selector", "value": css })));
        v["value"][ELEMENT].as_str().unwrap_or_else(|| panic!("no element {css}: {v}")).to_string()
    }

    fn click(&self, css: &str) {
        let id = self.find(css);
        call("POST", &self.url(&format!("/element/{id}/click")), Some(json!({})));
    }

    fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css);
        call("POST", &self.url(&format!("/element/{id}/value")), Some(json!({ "text": text })));
    }

    /// Polls `script` (an expression) until it is truthy; returns its value.
    fn wait(&self, what: &str, expression: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let v = self.run(&format!("return ({expression});"));
            if !(v.is_null() || v == false || v == 0 || v == "") {
                return v;
            }
            if Instant::now() > deadline {
                self.screenshot(&format!("failed-{}", what.replace(' ', "-")));
                let error = self.run("return (document.querySelector('.error') || {}).textContent || null;");
                panic!("timed out waiting for {what} ({expression}); page error: {error}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn screenshot(&self, name: &str) -> PathBuf {
        let v = call("GET", &self.url("/screenshot"), None);
        let png = base64_decode(v["value"].as_str().expect("base64 PNG"));
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        let path = self.shots.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(10)).build();
            let _ = agent.delete(&self.url("")).call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn screenshots_dir() -> PathBuf {
    // target/ of this workspace, wherever the test binary runs from.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("browser-screenshots");
    std::fs::create_dir_all(&dir).expect("create target/browser-screenshots");
    dir
}

fn base64_decode(s: &str) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes().filter_map(value) {
        acc = (acc << 6) | c;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

#[test]
fn the_ui_shows_the_ledger_in_a_real_browser() {
    if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
        eprintln!(
            "SKIP browser test: {CHROMIUM} or {CHROMEDRIVER} not found (apt-get install -y chromium chromium-driver)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = common::demo_db(dir.path());
    let options =
        Options { token: Some("browser-test".into()), poll_interval: Duration::from_millis(200), ..Options::default() };
    let server = TestServer::start(&db, options);
    let profile = tempfile::tempdir().unwrap();
    let b = Browser::start(profile.path());

    // The table of every event, newest first, and the live badge once the stream is open.
    b.goto(&server.url("/#/events"));
    let all = b.wait("the events table", "document.querySelectorAll('table.events tbody tr').length").as_u64().unwrap();
    assert!(all >= 8, "{all} rows");
    b.wait("live updates", "document.querySelector('#live.on')");
    b.screenshot("1-events");

    // Filter by sub-event type with the form, as a user would.
    b.run("document.querySelector('select[name=type]').value = 'Air/drone strike'; return null;");
    b.click("#filters button[type=submit]");
    b.wait(
        "the filtered table",
        &format!("document.querySelectorAll('table.events tbody tr').length > 0 && document.querySelectorAll('table.events tbody tr').length < {all}"),
    );
    let types = b.run("return [...document.querySelectorAll('table.events tbody tr td:nth-child(2)')].map(td => td.firstChild.textContent);");
    assert!(types.as_array().unwrap().iter().all(|t| t == "Air/drone strike"), "{types}");
    assert!(b.run("return location.hash;").as_str().unwrap().contains("type=Air"));
    // And by typing free text.
    b.type_into("input[name=text]", "airport");
    b.click("#filters button[type=submit]");
    b.wait(
        "the text filter",
        "location.hash.includes('text=airport') && document.querySelectorAll('table.events tbody tr').length >= 1",
    );
    b.screenshot("2-filtered");

    // Open the first event: its fields, sources and highlighted evidence words.
    b.click("table.events tbody tr");
    b.wait("the event page", "document.querySelector('article.event')");
    let marks = b
        .wait("highlighted evidence", "document.querySelectorAll('article.event mark.evidence').length")
        .as_u64()
        .unwrap();
    assert!(marks >= 2, "{marks} highlighted spans");
    let marked = b.run("return [...document.querySelectorAll('article.event mark.evidence')].map(m => m.textContent);");
    // Overlapping evidence (a place inside the trigger's words) is split into pieces; the pieces
    // together are words of the sentence.
    let words: String = marked.as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
    assert!(words.chars().filter(|c| c.is_alphabetic()).count() >= 10, "{marked}");
    assert!(b.run("return document.querySelectorAll('tr[data-field]').length;").as_u64().unwrap() >= 7);
    b.screenshot("3-event");

    // From the event to its article, with the evidence highlighted in the full text.
    b.click("article.event ol li a");
    b.wait("the article page", "document.querySelector('#article-text .role')");
    assert!(b.run("return !!document.querySelector('#article-text .focus');").as_bool().unwrap());
    b.screenshot("4-article");

    // The map: country outlines from the embedded Natural Earth data and the event markers.
    b.goto(&server.url("/#/map"));
    let placed = b
        .wait(
            "the map markers",
            "document.querySelector('#map-status') && document.querySelector('#map-status').dataset.placed",
        )
        .as_str()
        .unwrap()
        .parse::<u64>()
        .unwrap();
    assert!(placed >= 5, "{placed} markers");
    let outlines = b.run("return document.querySelectorAll('.leaflet-overlay-pane path').length;").as_u64().unwrap();
    assert!(outlines >= 100, "{outlines} paths: country outlines and markers");
    b.wait("markers or clusters", "document.querySelectorAll('.marker-cluster, path.leaflet-interactive').length");
    b.screenshot("5-map");

    // The timeline: stacked weekly bars, lulls marked, and brushing lists the chosen weeks.
    b.goto(&server.url("/#/timeline"));
    let bars =
        b.wait("the timeline bars", "document.querySelectorAll('.timeline svg rect.bar').length").as_u64().unwrap();
    assert!(bars >= 5, "{bars} bars");
    assert!(b.run("return document.querySelectorAll('.timeline svg rect.lull').length;").as_u64().unwrap() >= 1);
    b.run(
        "const s = document.querySelector('.timeline svg'); const r = s.getBoundingClientRect();
         const at = (type, f) => s.dispatchEvent(new MouseEvent(type, {bubbles: true, clientX: r.left + r.width * f, clientY: r.top + r.height / 2}));
         at('mousedown', 0.035); at('mousemove', 0.2); at('mouseup', 0.2); return null;",
    );
    b.wait("the brushed events", "document.querySelectorAll('#brushed table.events tbody tr').length");
    b.screenshot("6-timeline");
    // Stacked by actor instead of type.
    b.run("const s = document.querySelector('#timeline-by'); s.value = 'actor'; s.dispatchEvent(new Event('change')); return null;");
    b.wait(
        "the timeline by actor",
        "location.hash.includes('by=actor') && document.querySelector('.timeline svg[aria-label$=\"actor\"] rect.bar')",
    );

    // A hostile article posted through the API is shown as text: no script runs, no element is made.
    let posted = common::request(
        "POST",
        &server.url("/api/articles"),
        &[("Authorization", "Bearer browser-test")],
        Some(&common::hostile_article()),
    );
    assert_eq!(posted.status, 200, "{}", posted.body);
    // The live stream tells the open page (still the timeline) that events changed.
    let notice = b.wait(
        "the live update notice",
        "!document.querySelector('#notice').hidden && document.querySelector('#notice').textContent",
    );
    assert!(notice.as_str().unwrap().contains("changed"), "{notice}");
    b.goto(&server.url("/#/events?text=Green%20Zone&since=2021-03-01"));
    b.wait("the hostile article's event", "document.querySelectorAll('table.events tbody tr').length");
    b.click("table.events tbody tr");
    b.wait("its event page", "document.querySelector('article.event ol li a')");
    b.click("article.event ol li a");
    b.wait("the hostile article", "document.querySelector('#article-text')");
    let text = b.run("return document.querySelector('#article-text').textContent;");
    assert!(text.as_str().unwrap().contains("<script>window.__xss = 1</script>"), "{text}");
    assert!(b.run("return document.querySelectorAll('#article-text script, #article-text img, article.article h1 script').length;") == 0);
    assert!(b.run("return window.__xss === undefined;").as_bool().unwrap(), "the payload ran");
    let link = b.run("return document.querySelectorAll('a[href^=\"javascript:\"]').length;");
    assert_eq!(link, 0, "a javascript: URL became a link");
    let shot = b.screenshot("7-hostile-article");
    eprintln!("screenshots in {}", shot.parent().unwrap().display());
}
