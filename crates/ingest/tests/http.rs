//! Fetching over real HTTP: a small server of ours on loopback serves feeds and pages, and the
//! real client (no mock) is checked against conditional GET, redirects, timeouts, size caps,
//! retries and feeds whose items are followed to their pages.

use chrono::Utc;
use sitrep_ingest::fetch::{FetchConfig, FetchState, Fetched, Fetcher, USER_AGENT};
use sitrep_ingest::{Item, Reader};
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A request as the server saw it.
#[derive(Debug, Clone)]
struct Request {
    path: String,
    headers: Vec<(String, String)>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct Response {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    /// Wait this long before answering at all.
    delay: Duration,
    /// Send the body a byte at a time with this pause between bytes.
    trickle: Option<Duration>,
}

fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Response {
    Response {
        status: 200,
        headers: vec![("Content-Type", content_type.to_string())],
        body: body.into(),
        ..Default::default()
    }
}

fn status(code: u16) -> Response {
    Response { status: code, ..Default::default() }
}

fn redirect(to: &str) -> Response {
    Response { status: 302, headers: vec![("Location", to.to_string())], ..Default::default() }
}

type Handler = dyn Fn(&Request) -> Response + Send + Sync;

/// An HTTP/1.1 server on 127.0.0.1 that answers each connection once and closes it.
struct Server {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    fn start(handler: impl Fn(&Request) -> Response + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let log = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (handler, log) = (Arc::clone(&handler), Arc::clone(&log));
                std::thread::spawn(move || answer(stream, &*handler, &log));
            }
        });
        Server { addr, seen }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn hits(&self, path: &str) -> usize {
        self.seen.lock().unwrap().iter().filter(|r| r.path == path).count()
    }

    fn requests(&self) -> Vec<Request> {
        self.seen.lock().unwrap().clone()
    }
}

fn answer(stream: TcpStream, handler: &Handler, log: &Mutex<Vec<Request>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let request = Request { path, headers };
    log.lock().unwrap().push(request.clone());
    let response = handler(&request);
    std::thread::sleep(response.delay);
    let mut out = stream;
    let mut head =
        format!("HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n", response.status, response.body.len());
    for (k, v) in &response.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    // The client may hang up early (a capped body): that is not the server's problem.
    let _ = out.write_all(head.as_bytes());
    match response.trickle {
        Some(pause) => {
            for byte in &response.body {
                if out.write_all(&[*byte]).and_then(|()| out.flush()).is_err() {
                    return;
                }
                std::thread::sleep(pause);
            }
        }
        None => {
            let _ = out.write_all(&response.body);
        }
    }
}

fn fetcher(config: FetchConfig) -> Fetcher {
    Fetcher::new(FetchConfig { backoff: Duration::from_millis(10), ..config })
}

fn code(result: Result<Fetched, sitrep_ingest::IngestError>) -> String {
    match result {
        Ok(Fetched::Page(p)) => format!("page {}", p.url),
        Ok(Fetched::NotModified) => "not modified".into(),
        Err(e) => e.code().to_string(),
    }
}

#[test]
fn conditional_get_gives_not_modified() {
    let server = Server::start(|r| {
        if r.header("If-None-Match") == Some("\"v1\"") {
            return status(304);
        }
        let mut page = ok("application/rss+xml", "<rss version=\"2.0\"><channel></channel></rss>");
        page.headers.push(("ETag", "\"v1\"".into()));
        page.headers.push(("Last-Modified", "Tue, 17 Nov 2020 20:00:00 GMT".into()));
        page
    });
    let fetcher = fetcher(FetchConfig::default());
    let mut state = FetchState::new();
    let url = server.url("/feed.xml");
    assert_eq!(code(fetcher.get_tracked(&url, &mut state, Utc::now())), format!("page {url}"));
    assert_eq!(state.validators[&url].etag.as_deref(), Some("\"v1\""));
    // The state survives a restart as JSON.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fetch-state.json");
    state.save(&path).unwrap();
    let mut state = FetchState::load(&path).unwrap();
    assert_eq!(code(fetcher.get_tracked(&url, &mut state, Utc::now())), "not modified");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].header("If-Modified-Since"), Some("Tue, 17 Nov 2020 20:00:00 GMT"));
    assert_eq!(requests[0].header("User-Agent"), Some(USER_AGENT));
    assert!(USER_AGENT.starts_with("sitrep/") && USER_AGENT.contains("+https://github.com/sitrep"));
    assert!(!state.sources[&url].is_failing());
}

#[test]
fn redirects_are_followed_checked_and_bounded() {
    let server = Server::start(|r| match r.path.as_str() {
        "/r1" => redirect("/r2"),
        "/r2" => redirect("/page"),
        "/page" => ok("text/html", "<p>here</p>"),
        "/loop" => redirect("/loop"),
        "/to-file" => redirect("file:///etc/passwd"),
        "/nowhere" => status(301),
        _ => status(404),
    });
    let fetcher = fetcher(FetchConfig { max_redirects: 3, ..FetchConfig::default() });
    assert_eq!(code(fetcher.get(&server.url("/r1"), None)), format!("page {}", server.url("/page")));
    assert_eq!(code(fetcher.get(&server.url("/loop"), None)), "bad_redirect");
    assert_eq!(server.hits("/loop"), 4, "the first request and three redirects");
    assert_eq!(code(fetcher.get(&server.url("/to-file"), None)), "unsupported_scheme");
    assert_eq!(code(fetcher.get(&server.url("/nowhere"), None)), "bad_redirect");
    assert_eq!(code(fetcher.get(&server.url("/missing"), None)), "http_error");
    assert_eq!(server.hits("/missing"), 1, "a 404 is not retried");
    assert_eq!(code(fetcher.get("file:///etc/passwd", None)), "unsupported_scheme");
    assert_eq!(code(fetcher.get("ftp://127.0.0.1/feed.xml", None)), "unsupported_scheme");
}

#[test]
fn a_slow_server_times_out() {
    let server = Server::start(|_| Response { delay: Duration::from_secs(5), ..ok("text/html", "<p>late</p>") });
    let fetcher = fetcher(FetchConfig { timeout: Duration::from_millis(300), retries: 1, ..FetchConfig::default() });
    assert_eq!(code(fetcher.get(&server.url("/slow"), None)), "timeout");
    assert_eq!(server.hits("/slow"), 2, "a timeout is retried");
}

#[test]
fn a_trickling_body_times_out_as_a_whole() {
    // Each byte comes well within any per-read timeout; only a deadline on the whole request ends it.
    let server =
        Server::start(|_| Response { trickle: Some(Duration::from_millis(50)), ..ok("text/html", vec![b'a'; 200]) });
    let fetcher = fetcher(FetchConfig { timeout: Duration::from_millis(500), retries: 0, ..FetchConfig::default() });
    assert_eq!(code(fetcher.get(&server.url("/trickle"), None)), "timeout");
}

#[test]
fn huge_bodies_and_gzip_bombs_are_capped() {
    let bomb = {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&vec![b' '; 20 * 1024 * 1024]).unwrap();
        gz.finish().unwrap()
    };
    let small_bomb_size = bomb.len();
    let server = Server::start(move |r| match r.path.as_str() {
        "/huge" => ok("text/html", vec![b'a'; 3 * 1024 * 1024]),
        "/bomb" => {
            let mut page = ok("text/html", bomb.clone());
            page.headers.push(("Content-Encoding", "gzip".into()));
            page
        }
        _ => ok("text/html", vec![b'a'; 1000]),
    });
    assert!(small_bomb_size < 100 * 1024, "the bomb itself is under the cap: {small_bomb_size}");
    let fetcher = fetcher(FetchConfig { max_bytes: 100 * 1024, ..FetchConfig::default() });
    assert_eq!(code(fetcher.get(&server.url("/huge"), None)), "too_large");
    assert_eq!(code(fetcher.get(&server.url("/bomb"), None)), "too_large");
    assert_eq!(code(fetcher.get(&server.url("/small"), None)), format!("page {}", server.url("/small")));
    assert_eq!(server.hits("/huge"), 1, "a too-large body is not retried");
}

#[test]
fn server_errors_are_retried_then_reported_failing() {
    let flaky = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&flaky);
    let server = Server::start(move |r| match r.path.as_str() {
        "/flaky" if count.fetch_add(1, Ordering::SeqCst) < 2 => status(503),
        "/flaky" => ok("text/html", "<p>back</p>"),
        _ => status(500),
    });
    let fetcher = fetcher(FetchConfig { retries: 2, ..FetchConfig::default() });
    assert_eq!(code(fetcher.get(&server.url("/flaky"), None)), format!("page {}", server.url("/flaky")));
    assert_eq!(server.hits("/flaky"), 3);

    let mut state = FetchState::new();
    let down = server.url("/down");
    let now = Utc::now();
    assert_eq!(code(fetcher.get_tracked(&down, &mut state, now)), "http_error");
    assert_eq!(server.hits("/down"), 3, "one attempt and two retries");
    let health = &state.sources[&down];
    assert_eq!(health.consecutive_failures, 1);
    assert_eq!(health.last_error_code.as_deref(), Some("http_error"));
    assert!(health.last_error.as_deref().is_some_and(|e| e.contains("500")), "{health:?}");
    assert!(!state.is_due(&down, now), "a failing source waits out its backoff");
    assert_eq!(state.failing().map(|(url, _)| url.to_string()).collect::<Vec<_>>(), [down]);
}

#[test]
fn a_closed_port_is_a_network_error() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let fetcher = fetcher(FetchConfig { retries: 0, ..FetchConfig::default() });
    assert_eq!(code(fetcher.get(&format!("http://127.0.0.1:{port}/feed"), None)), "network_error");
}

const ARTICLE: &str = "<html><head><title>Rockets hit Green Zone | Example News</title>\
    <meta property=\"og:site_name\" content=\"Example News\">\
    <meta property=\"article:published_time\" content=\"2020-11-17T22:00:00Z\"></head>\
    <body><nav>Home | World</nav><article><h1>Rockets hit Green Zone</h1>\
    <p>Seven rockets struck Baghdad's Green Zone on Tuesday night, killing a girl and wounding five civilians, \
    the Iraqi military said in a statement.</p>\
    <p>A group calling itself Ashab al-Kahf claimed the attack on Telegram.</p></article>\
    <footer>Copyright Example News</footer></body></html>";

fn describe(item: &Item) -> String {
    match item {
        Item::Skipped(s) => format!("{}: skip {}", s.origin.line.unwrap_or(0), s.code),
        Item::Article(a) => {
            let warnings: Vec<&str> = a.warnings.iter().map(|w| w.code.as_str()).collect();
            format!(
                "{}: {} | {} | {} | {} | {} | {}",
                a.origin.line.unwrap_or(0),
                a.title.as_deref().unwrap_or("-"),
                a.outlet.as_deref().unwrap_or("-"),
                a.published.map(|d| d.to_string()).unwrap_or("-".into()),
                a.url.as_deref().unwrap_or("-").rsplit('/').next().unwrap_or("-"),
                a.text.split_whitespace().take(4).collect::<Vec<_>>().join(" "),
                warnings.join(",")
            )
        }
    }
}

fn rss(base: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Example Wire</title><link>{base}/</link>
<item><title>Rockets hit Green Zone</title><link>{base}/a1</link><guid>a1</guid>
  <pubDate>Tue, 17 Nov 2020 21:30:00 GMT</pubDate><description>Short summary.</description></item>
<item><title>Truce broken</title><link>{base}/missing</link><guid>a2</guid>
  <pubDate>Wed, 18 Nov 2020 08:00:00 GMT</pubDate>
  <description>&lt;p&gt;Kata'ib Hizbollah &lt;b&gt;distanced&lt;/b&gt; itself from the attack.&lt;/p&gt;</description></item>
<item><title>No text anywhere</title><link>{base}/gone</link><guid>a3</guid></item>
</channel></rss>"#
    )
}

#[test]
fn feed_items_are_followed_to_their_pages() {
    let server = Server::start(|r| match r.path.as_str() {
        "/feed" => {
            let host = r.header("Host").unwrap_or("").to_string();
            ok("application/rss+xml; charset=utf-8", rss(&format!("http://{host}")))
        }
        "/a1" => ok("text/html; charset=utf-8", ARTICLE),
        _ => status(404),
    });
    let reader = Reader::online(fetcher(FetchConfig { retries: 0, ..FetchConfig::default() }), true);
    let items: Vec<String> = reader.read_url(&server.url("/feed")).map(|i| describe(&i)).collect();
    assert_eq!(
        items,
        [
            "1: Rockets hit Green Zone | Example News | Example News | 2020-11-17 | a1 | Seven rockets struck Baghdad's | ",
            "2: Truce broken | Example Wire | 2020-11-18 | missing | Kata'ib Hizbollah distanced itself | fetch_failed",
            "3: skip http_error",
        ]
    );

    // Without following links, the feed's own text is the article.
    let offline_links = Reader::online(fetcher(FetchConfig::default()), false);
    let items: Vec<String> = offline_links.read_url(&server.url("/feed")).map(|i| describe(&i)).collect();
    assert_eq!(
        items,
        [
            "1: Rockets hit Green Zone | Example Wire | 2020-11-17 | a1 | Short summary. | ",
            "2: Truce broken | Example Wire | 2020-11-18 | missing | Kata'ib Hizbollah distanced itself | ",
            "3: skip empty",
        ]
    );
    assert_eq!(server.hits("/a1"), 1);
}

#[test]
fn atom_and_json_feeds_resolve_relative_links() {
    let server = Server::start(|r| match r.path.as_str() {
        "/news/atom" => ok(
            "application/atom+xml",
            r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Desk</title><id>urn:x</id><updated>2024-01-28T12:00:00Z</updated>
<entry><title>Drone attack on Tower 22</title><id>urn:x:1</id><link href="a1"/><updated>2024-01-28T12:00:00Z</updated>
<summary>Three US soldiers were killed.</summary></entry></feed>"#,
        ),
        "/news/feed.json" => ok(
            "application/feed+json",
            r#"{"version": "https://jsonfeed.org/version/1.1", "title": "JSON Desk",
                "items": [{"id": "j1", "url": "/news/a1", "title": "Drone attack on Tower 22",
                           "date_published": "2024-01-28T12:00:00Z", "content_html": "<p>Three US soldiers were killed.</p>"}]}"#,
        ),
        "/news/a1" => ok("text/html", ARTICLE),
        "/page" => ok("text/html", ARTICLE),
        _ => status(404),
    });
    let reader = Reader::online(fetcher(FetchConfig { retries: 0, ..FetchConfig::default() }), true);
    for path in ["/news/atom", "/news/feed.json"] {
        let items: Vec<String> = reader.read_url(&server.url(path)).map(|i| describe(&i)).collect();
        assert_eq!(
            items,
            ["1: Rockets hit Green Zone | Example News | Example News | 2020-11-17 | a1 | Seven rockets struck Baghdad's | "],
            "{path}"
        );
    }
    // A URL that is a page, not a feed, is one article.
    let items: Vec<String> = reader.read_url(&server.url("/page")).map(|i| describe(&i)).collect();
    assert_eq!(
        items,
        ["0: Rockets hit Green Zone | Example News | Example News | 2020-11-17 | page | Seven rockets struck Baghdad's | "]
    );
    assert_eq!(server.hits("/news/a1"), 2);
}

#[test]
fn polling_a_feed_fetches_only_what_changed_and_reports_failures() {
    let server = Server::start(|r| match r.path.as_str() {
        "/feed" if r.header("If-None-Match") == Some("\"f1\"") => status(304),
        "/feed" => {
            let host = r.header("Host").unwrap_or("").to_string();
            let mut feed = ok("application/rss+xml", rss(&format!("http://{host}")));
            feed.headers.push(("ETag", "\"f1\"".into()));
            feed
        }
        "/a1" => ok("text/html", ARTICLE),
        _ => status(503),
    });
    let reader = Reader::online(fetcher(FetchConfig { retries: 1, ..FetchConfig::default() }), false);
    let mut state = FetchState::new();
    let now = Utc::now();
    let first = reader.poll(&server.url("/feed"), &mut state, now).unwrap().expect("a new feed");
    assert_eq!(first.count(), 3);
    assert!(reader.poll(&server.url("/feed"), &mut state, now).unwrap().is_none(), "unchanged: 304");
    let down = server.url("/down");
    assert_eq!(reader.poll(&down, &mut state, now).err().map(|e| e.code()), Some("http_error"));
    assert_eq!(reader.poll(&down, &mut state, now).err().map(|e| e.code()), Some("http_error"));
    assert_eq!(state.sources[&down].consecutive_failures, 2);
    assert!(!state.is_due(&down, now));
    assert!(Reader::offline().poll(&down, &mut state, now).is_err());
}
