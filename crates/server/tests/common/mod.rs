//! What the server's integration tests share: the demo ledger built from `examples/` by the real
//! pipeline, a real server on an ephemeral loopback port, and a small HTTP client.

#![allow(dead_code)] // Each test binary uses a different part of this module.

use sitrep_server::{AppState, Options};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Builds the demo ledger: every example report ingested through the pipeline, like `sitrep demo`.
pub fn demo_db(dir: &Path) -> PathBuf {
    let path = dir.join("demo.db");
    demo_ledger(&path.to_string_lossy());
    path
}

/// Ingests every example report into the ledger `spec` names (a path or a `postgres://` URL).
pub fn demo_ledger(spec: &str) {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let (files, missing) = sitrep_ingest::discover(&[examples]);
    assert!(missing.is_empty() && !files.is_empty(), "examples/ not found");
    let mut store = sitrep_store::open(spec).expect("create the demo ledger");
    let analyzer = sitrep_pipeline::Analyzer::builtin().expect("built-in dictionaries");
    let report = sitrep_pipeline::ingest(&analyzer, store.as_mut(), &files, &Default::default(), &mut |_| {})
        .expect("ingest the examples");
    assert!(report.events_new > 5, "{report:?}");
}

/// A PostgreSQL database of its own for one test, dropped (with its connections) when this is.
pub struct PgDatabase {
    admin: String,
    name: String,
    pub url: String,
}

impl PgDatabase {
    /// A fresh database on the server at `$SITREP_TEST_POSTGRES` (default
    /// `postgres://postgres@127.0.0.1:5432/postgres`). When it is unreachable: `None` after a SKIP
    /// line, except under `CI=true`, where the test fails.
    pub fn create() -> Option<PgDatabase> {
        let admin = std::env::var("SITREP_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string());
        let mut client = match postgres::Client::connect(&admin, postgres::NoTls) {
            Ok(client) => client,
            Err(e) if std::env::var("CI").is_ok_and(|v| v == "true") => {
                panic!("PostgreSQL at {admin} is unreachable in CI (.ci/run starts it): {e}")
            }
            Err(e) => {
                eprintln!("SKIP: PostgreSQL at {admin} is unreachable ({e}); set SITREP_TEST_POSTGRES");
                return None;
            }
        };
        let name = format!("sitrep_server_test_{}", std::process::id());
        client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).unwrap();
        client.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let (base, _) = admin.rsplit_once('/').expect("SITREP_TEST_POSTGRES ends in /database");
        let url = format!("{base}/{name}");
        Some(PgDatabase { admin, name, url })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

/// A server running on its own thread and runtime until dropped.
pub struct TestServer {
    pub base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    pub fn start(db: &Path, options: Options) -> TestServer {
        TestServer::start_spec(&db.to_string_lossy(), options)
    }

    /// Serves the ledger `spec` names: a path or a `postgres://` URL.
    pub fn start_spec(spec: &str, options: Options) -> TestServer {
        let state = AppState::open(spec, options).expect("open the ledger");
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            rt.block_on(async move {
                let listener = sitrep_server::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                let shutdown = async {
                    let _ = stopped.await;
                };
                sitrep_server::serve(listener, sitrep_server::router(state), shutdown).await.unwrap();
            });
        });
        let addr = addr_rx.recv_timeout(Duration::from_secs(30)).expect("server started");
        TestServer { base: format!("http://{addr}"), stop: Some(stop), thread: Some(thread) }
    }

    /// Stops the server and waits for its thread: panics if the server's thread panicked (while
    /// shutting down, say). Only for servers without open live streams.
    pub fn stop_and_join(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            assert!(thread.join().is_ok(), "the server thread panicked");
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn addr(&self) -> &str {
        self.base.trim_start_matches("http://")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        // Open SSE streams would keep graceful shutdown waiting; the thread is detached then.
        let _ = self.thread.take();
    }
}

/// An HTTP answer, whatever its status.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The stable error code of an error reply.
    pub fn error_code(&self) -> String {
        assert_eq!(self.header("content-type"), Some("application/json"), "{self:?}");
        self.json()["error"]["code"].as_str().unwrap_or_else(|| panic!("no error code: {}", self.body)).to_string()
    }
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new().timeout(Duration::from_secs(60)).build()
}

pub fn request(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&str>) -> Reply {
    let mut req = agent().request(method, url);
    for (k, v) in headers {
        req = req.set(k, v);
    }
    let result = match body {
        Some(b) => req.send_string(b),
        None => req.call(),
    };
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{method} {url}: {e}"),
    };
    let status = response.status();
    let headers = response
        .headers_names()
        .into_iter()
        .map(|n| {
            let v = response.header(&n).unwrap_or("").to_string();
            (n, v)
        })
        .collect();
    let body = response.into_string().expect("a text body");
    Reply { status, headers, body }
}

pub fn get(url: &str) -> Reply {
    request("GET", url, &[], None)
}

/// Reads a Server-Sent Events stream until an `event:` line with `name` arrives; returns the
/// data of that message. Panics after `limit`.
pub struct SseReader {
    reader: BufReader<TcpStream>,
}

impl SseReader {
    pub fn open(addr: &str, path: &str) -> SseReader {
        SseReader::open_after(addr, path, None)
    }

    /// Opens the stream as a reconnecting browser does, resuming after message `last_id`.
    pub fn open_after(addr: &str, path: &str, last_id: Option<u64>) -> SseReader {
        let mut stream = TcpStream::connect(addr).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let resume = last_id.map(|id| format!("Last-Event-ID: {id}\r\n")).unwrap_or_default();
        write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n{resume}\r\n").unwrap();
        SseReader { reader: BufReader::new(stream) }
    }

    pub fn next_named(&mut self, name: &str) -> String {
        let mut current = String::new();
        let mut line = String::new();
        loop {
            line.clear();
            let n = self.reader.read_line(&mut line).expect("stream read (timed out?)");
            assert!(n > 0, "stream closed before an `{name}` message");
            let l = line.trim_end();
            if let Some(ev) = l.strip_prefix("event:") {
                current = ev.trim().to_string();
            } else if let Some(data) = l.strip_prefix("data:") {
                if current == name {
                    return data.trim().to_string();
                }
            }
        }
    }
}

/// A report as the JSON ingest endpoint takes it, with hostile markup in its title and text.
pub fn hostile_article() -> String {
    serde_json::json!({
        "id": "xss-1",
        "url": "javascript:alert(document.domain)",
        "outlet": "Hostile <b>Times</b>",
        "title": "Rockets <script>window.__xss = 1</script> hit Baghdad",
        "published": "2021-03-02",
        "text": "BAGHDAD — Three rockets struck the Green Zone in Baghdad on Tuesday, wounding two guards, police said. \
                 <script>window.__xss = 1</script><img src=x onerror=\"window.__xss = 2\"> \
                 Residents said the blasts shook windows across the district.",
    })
    .to_string()
}
