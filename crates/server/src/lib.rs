//! The HTTP API and web UI over the ledger: `sitrep serve`.
//!
//! Architecture invariant: the only crate that knows HTTP. It reads the ledger only through the
//! `Store` trait (a pool of read-only connections), writes only through the pipeline (and only
//! when a token is configured), and embeds every file the browser needs: nothing is fetched from
//! the network at run time.

mod api;
mod assets;
pub mod error;
mod params;
mod pool;
mod reply;
mod stream;
pub mod views;

use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get, post};
use axum::{middleware, Router};
use sitrep_pipeline::{Analyzer, IngestOptions, IngestReport};
use sitrep_store::Store;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use error::{ErrorCode, ServerError, ERROR_CODES};
pub use pool::Opener;
pub use stream::{poll, Cursors, Message};

/// How the server behaves.
#[derive(Debug, Clone)]
pub struct Options {
    /// Enables `POST /api/articles` for requests that send `Authorization: Bearer <token>`.
    pub token: Option<String>,
    /// How often live streams look for changes.
    pub poll_interval: Duration,
    /// Read connections (queries running at once).
    pub read_connections: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { token: None, poll_interval: Duration::from_secs(1), read_connections: 4 }
    }
}

/// The write side, present only when a token is configured.
pub struct Writer {
    token: String,
    store: Mutex<Box<dyn Store>>,
    analyzer: Analyzer,
}

impl Writer {
    /// Ingests JSONL articles through the pipeline, as `sitrep ingest` would.
    fn ingest(&self, jsonl: &[u8]) -> Result<IngestReport, ServerError> {
        let dir = tempfile::tempdir().map_err(|e| ServerError::Ingest(format!("temporary folder: {e}")))?;
        let path = dir.path().join("posted.jsonl");
        std::fs::write(&path, jsonl).map_err(|e| ServerError::Ingest(format!("temporary file: {e}")))?;
        let file = sitrep_ingest::InputFile {
            path: path.clone(),
            size: jsonl.len() as u64,
            format: sitrep_ingest::Format::Jsonl,
        };
        let mut store = self.store.lock().map_err(|_| ServerError::Ingest("writer poisoned".into()))?;
        sitrep_pipeline::ingest(&self.analyzer, store.as_mut(), &[file], &IngestOptions::default(), &mut |_| {})
            .map_err(|e| ServerError::Ingest(e.to_string()))
    }
}

/// What every handler shares.
pub struct AppState {
    reads: Arc<pool::Pool>,
    writer: Option<Arc<Writer>>,
    options: Options,
}

impl AppState {
    /// `open` opens one more read connection (read-only); `writer` is a read-write store, used
    /// only when `options.token` is set.
    pub fn new(open: Opener, writer: Option<Box<dyn Store>>, options: Options) -> Result<AppState, ServerError> {
        let reads = Arc::new(pool::Pool::new(open, options.read_connections)?);
        let writer = match (&options.token, writer) {
            (Some(token), Some(store)) if !token.trim().is_empty() => {
                let analyzer = Analyzer::builtin().map_err(|e| ServerError::Ingest(e.to_string()))?;
                Some(Arc::new(Writer { token: token.trim().to_string(), store: Mutex::new(store), analyzer }))
            }
            _ => None,
        };
        Ok(AppState { reads, writer, options })
    }

    /// Opens the ledger named `db` (creating and upgrading it like every other command), then
    /// the read-only pool over it.
    pub fn open(db: &str, options: Options) -> Result<AppState, ServerError> {
        let store = sitrep_store::open(db)?;
        let spec = db.to_string();
        let open: Opener = Arc::new(move || sitrep_store::open_read_only(&spec));
        AppState::new(open, Some(store), options)
    }

    pub fn writes_enabled(&self) -> bool {
        self.writer.is_some()
    }
}

/// Every route: the API under `/api`, the UI at `/` and `/assets/`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/health", get(api::health))
        .route("/api/events", get(api::events))
        .route("/api/events/{id}", get(api::event))
        .route("/api/articles", post(api::post_articles))
        .route("/api/articles/{id}", get(api::article))
        .route("/api/actors", get(api::actors))
        .route("/api/places", get(api::places))
        .route("/api/timeline", get(api::timeline))
        .route("/api/stream", get(stream::handler))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/{*rest}", any(api::not_found))
        .route("/", get(assets::index))
        .route("/assets/{*path}", get(assets::asset))
        .method_not_allowed_fallback(api::method_not_allowed)
        // `POST /api/articles` reads its body itself, with its own limit and error.
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::map_response(assets::secure))
        .with_state(Arc::new(state))
}

/// How long requests in flight get to finish once shutdown is asked for. Live streams never
/// finish on their own, so without this limit an open browser tab would keep the server up.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// Serves `router` on `listener` until `shutdown` resolves (then at most `SHUTDOWN_GRACE` more).
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let (asked, asked_rx) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(listener, router).with_graceful_shutdown(async move {
        shutdown.await;
        let _ = asked.send(());
    });
    tokio::select! {
        result = server => result.map_err(ServerError::Serve),
        _ = async {
            if asked_rx.await.is_ok() {
                tokio::time::sleep(SHUTDOWN_GRACE).await;
            } else {
                std::future::pending::<()>().await;
            }
        } => Ok(()),
    }
}

/// Binds `addr` (e.g. `127.0.0.1:8080`; port 0 picks a free one).
pub async fn bind(addr: &str) -> Result<tokio::net::TcpListener, ServerError> {
    tokio::net::TcpListener::bind(addr).await.map_err(|source| ServerError::Bind { addr: addr.to_string(), source })
}
