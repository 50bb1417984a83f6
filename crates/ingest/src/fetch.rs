//! Fetching feeds and article pages over HTTP(S): bounded in time, size and redirects, retried
//! with backoff, conditional (ETag / Last-Modified), and with a per-source health record that a
//! long-running caller (`sitrep watch`) persists between runs.

use crate::IngestError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

/// The User-Agent every request carries, so that site operators can see who is fetching.
pub const USER_AGENT: &str = concat!("sitrep/", env!("CARGO_PKG_VERSION"), " (+https://github.com/sitrep)");

/// What sitrep can read, in order of preference.
const ACCEPT: &str = "text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, \
                      application/feed+json, application/xml;q=0.9, text/plain;q=0.8, */*;q=0.5";

/// Limits of one fetch. The defaults suit news pages and feeds.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// Time to establish the TCP (and TLS) connection.
    pub connect_timeout: Duration,
    /// Time for one whole request: connection, headers and body together.
    pub timeout: Duration,
    /// Largest body accepted, counted after decompression so that a gzip bomb is cut off.
    pub max_bytes: u64,
    /// Redirects followed before giving up with `bad_redirect`.
    pub max_redirects: u32,
    /// Further attempts after a transient failure (timeout, network error, 5xx, 429).
    pub retries: u32,
    /// The wait before the first retry; it doubles for each further retry.
    pub backoff: Duration,
    pub user_agent: String,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_bytes: crate::MAX_ITEM_BYTES,
            max_redirects: 5,
            retries: 2,
            backoff: Duration::from_millis(500),
            user_agent: USER_AGENT.to_string(),
        }
    }
}

/// The validators of a previous response, sent back so an unchanged resource costs a `304`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

impl Validators {
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// A successful response body.
#[derive(Debug, Clone)]
pub struct Page {
    /// The URL asked for.
    pub requested: String,
    /// The URL the body came from, after redirects.
    pub url: String,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    pub validators: Validators,
}

/// What a fetch gives: a body, or word that it has not changed since the validators were issued.
#[derive(Debug, Clone)]
pub enum Fetched {
    Page(Page),
    NotModified,
}

/// A blocking HTTP client with sitrep's limits. Cheap to clone (the connection pool is shared).
#[derive(Clone)]
pub struct Fetcher {
    agent: ureq::Agent,
    config: FetchConfig,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher").field("config", &self.config).finish()
    }
}

impl Default for Fetcher {
    fn default() -> Self {
        Fetcher::new(FetchConfig::default())
    }
}

impl Fetcher {
    pub fn new(config: FetchConfig) -> Fetcher {
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(config.connect_timeout)
            .timeout(config.timeout)
            // Redirects are followed here, not by the library, so that every hop's scheme is
            // checked and a loop ends with an error that names it.
            .redirects(0)
            .user_agent(&config.user_agent)
            .build();
        Fetcher { agent, config }
    }

    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// Fetches `url`, retrying transient failures with exponential backoff. With `validators`,
    /// the request is conditional and an unchanged resource gives [`Fetched::NotModified`].
    pub fn get(&self, url: &str, validators: Option<&Validators>) -> Result<Fetched, IngestError> {
        let mut attempt = 0;
        loop {
            match self.get_once(url, validators) {
                Err(e) if e.is_transient() && attempt < self.config.retries => {
                    std::thread::sleep(self.config.backoff.saturating_mul(1 << attempt.min(16)));
                    attempt += 1;
                }
                result => return result,
            }
        }
    }

    /// Fetches `url` as [`get`](Fetcher::get) does, using and updating the validators and health
    /// that `state` keeps for it.
    pub fn get_tracked(&self, url: &str, state: &mut FetchState, now: DateTime<Utc>) -> Result<Fetched, IngestError> {
        let result = self.get(url, state.validators.get(url));
        match &result {
            Ok(Fetched::Page(page)) => {
                if page.validators.is_empty() {
                    state.validators.remove(url);
                } else {
                    state.validators.insert(url.to_string(), page.validators.clone());
                }
                state.record_success(url, now);
            }
            Ok(Fetched::NotModified) => state.record_success(url, now),
            Err(e) => state.record_failure(url, e, now),
        }
        result
    }

    /// One attempt, following redirects by hand.
    fn get_once(&self, url: &str, validators: Option<&Validators>) -> Result<Fetched, IngestError> {
        let mut current = check_url(url)?;
        let mut redirects = 0;
        loop {
            let mut request = self.agent.get(current.as_str()).set("Accept", ACCEPT);
            if let Some(v) = validators {
                if let Some(etag) = &v.etag {
                    request = request.set("If-None-Match", etag);
                }
                if let Some(date) = &v.last_modified {
                    request = request.set("If-Modified-Since", date);
                }
            }
            let response = match request.call() {
                Ok(response) => response,
                Err(ureq::Error::Status(status, _)) => {
                    return Err(IngestError::HttpStatus { url: current.to_string(), status })
                }
                Err(ureq::Error::Transport(t)) => return Err(transport_error(current.as_str(), &t)),
            };
            let status = response.status();
            if status == 304 {
                return Ok(Fetched::NotModified);
            }
            if (300..400).contains(&status) {
                if redirects >= self.config.max_redirects {
                    return Err(IngestError::TooManyRedirects {
                        url: url.to_string(),
                        limit: self.config.max_redirects,
                    });
                }
                let bad = || IngestError::BadRedirect { url: current.to_string(), status };
                let location = response.header("Location").ok_or_else(bad)?;
                let next = current.join(location.trim()).map_err(|_| bad())?;
                current = check_url(next.as_str())?;
                redirects += 1;
                continue;
            }
            if status != 200 && status != 203 {
                // 204, 206 and the like carry no article.
                return Err(IngestError::HttpStatus { url: current.to_string(), status });
            }
            let header = |name: &str| response.header(name).map(str::to_string);
            let validators = Validators { etag: header("ETag"), last_modified: header("Last-Modified") };
            let content_type = header("Content-Type");
            let final_url = current.to_string();
            // The reader is already decompressed (gzip): the cap counts decompressed bytes.
            let mut body = Vec::new();
            let limit = self.config.max_bytes;
            response
                .into_reader()
                .take(limit.saturating_add(1))
                .read_to_end(&mut body)
                .map_err(|e| io_error(&final_url, &e))?;
            if body.len() as u64 > limit {
                return Err(IngestError::ResponseTooLarge { url: final_url, limit });
            }
            return Ok(Fetched::Page(Page {
                requested: url.to_string(),
                url: final_url,
                content_type,
                body,
                validators,
            }));
        }
    }
}

/// Parses `url` and accepts only `http` and `https`: `file:`, `ftp:` and the rest would let a
/// feed make sitrep read local files or speak other protocols.
pub fn check_url(url: &str) -> Result<url::Url, IngestError> {
    let parsed =
        url::Url::parse(url.trim()).map_err(|e| IngestError::BadUrl { url: url.to_string(), reason: e.to_string() })?;
    match parsed.scheme() {
        "http" | "https" if parsed.host_str().is_some_and(|h| !h.is_empty()) => Ok(parsed),
        "http" | "https" => Err(IngestError::BadUrl { url: url.to_string(), reason: "no host".into() }),
        scheme => Err(IngestError::UnsupportedScheme { scheme: scheme.to_string(), url: url.to_string() }),
    }
}

/// Whether `arg` (a command-line input) names a URL rather than a file: it has a scheme.
pub fn is_url(arg: &str) -> bool {
    match arg.split_once("://") {
        Some((scheme, _)) => {
            !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        }
        None => false,
    }
}

fn transport_error(url: &str, t: &ureq::Transport) -> IngestError {
    use std::error::Error;
    // A timeout surfaces as an io::Error somewhere in the source chain.
    let mut source = t.source();
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            if matches!(io.kind(), std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock) {
                return IngestError::Timeout { url: url.to_string() };
            }
        }
        source = s.source();
    }
    match t.kind() {
        ureq::ErrorKind::InvalidUrl => IngestError::BadUrl { url: url.to_string(), reason: t.to_string() },
        ureq::ErrorKind::UnknownScheme => {
            IngestError::UnsupportedScheme { scheme: url.split(':').next().unwrap_or("").to_string(), url: url.into() }
        }
        _ => IngestError::Network { url: url.to_string(), message: t.to_string() },
    }
}

fn io_error(url: &str, e: &std::io::Error) -> IngestError {
    if matches!(e.kind(), std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock) {
        IngestError::Timeout { url: url.to_string() }
    } else {
        IngestError::Network { url: url.to_string(), message: e.to_string() }
    }
}

/// How one source (a feed URL, usually) has been doing: what `watch` shows and how it decides
/// when to try a failing source again.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceHealth {
    #[serde(default)]
    pub consecutive_failures: u32,
    #[serde(default)]
    pub last_error: Option<String>,
    /// The reason code of the last error (`timeout`, `http_error`, …).
    #[serde(default)]
    pub last_error_code: Option<String>,
    #[serde(default)]
    pub last_attempt: Option<DateTime<Utc>>,
    #[serde(default)]
    pub last_success: Option<DateTime<Utc>>,
    /// Not to be tried before this time; `None` when the source is healthy.
    #[serde(default)]
    pub next_retry: Option<DateTime<Utc>>,
}

impl SourceHealth {
    pub fn is_failing(&self) -> bool {
        self.consecutive_failures > 0
    }
}

/// What a caller keeps between fetches: validators for conditional GET and each source's health.
/// Serialisable to JSON so `watch` can persist it and resume after a restart.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FetchState {
    #[serde(default)]
    pub validators: BTreeMap<String, Validators>,
    #[serde(default)]
    pub sources: BTreeMap<String, SourceHealth>,
    /// The wait after the first failure; it doubles with each further failure up to
    /// [`max_backoff_secs`](FetchState::max_backoff_secs).
    #[serde(default = "default_base_backoff")]
    pub base_backoff_secs: u64,
    #[serde(default = "default_max_backoff")]
    pub max_backoff_secs: u64,
}

fn default_base_backoff() -> u64 {
    60
}

fn default_max_backoff() -> u64 {
    6 * 3600
}

impl FetchState {
    pub fn new() -> FetchState {
        FetchState {
            base_backoff_secs: default_base_backoff(),
            max_backoff_secs: default_max_backoff(),
            ..FetchState::default()
        }
    }

    /// Reads a state file; a missing file is a fresh state.
    pub fn load(path: &Path) -> Result<FetchState, IngestError> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| IngestError::BadState { path: path.display().to_string(), reason: e.to_string() }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(FetchState::new()),
            Err(e) => Err(IngestError::Io(e)),
        }
    }

    /// Writes the state file atomically (a temporary file renamed over it), so a crash mid-write
    /// leaves the previous state.
    pub fn save(&self, path: &Path) -> Result<(), IngestError> {
        let json = serde_json::to_vec_pretty(self).map_err(|e| IngestError::Io(e.into()))?;
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, json)?;
        std::fs::rename(&tmp, path)?;
        Ok(())
    }

    /// Whether `source` may be fetched at `now` (it is not waiting out a backoff).
    pub fn is_due(&self, source: &str, now: DateTime<Utc>) -> bool {
        self.sources.get(source).and_then(|h| h.next_retry).is_none_or(|t| now >= t)
    }

    pub fn record_success(&mut self, source: &str, now: DateTime<Utc>) {
        let health = self.sources.entry(source.to_string()).or_default();
        health.consecutive_failures = 0;
        health.last_error = None;
        health.last_error_code = None;
        health.last_attempt = Some(now);
        health.last_success = Some(now);
        health.next_retry = None;
    }

    pub fn record_failure(&mut self, source: &str, error: &IngestError, now: DateTime<Utc>) {
        let (base, max) = (self.base_backoff_secs.max(1), self.max_backoff_secs.max(1));
        let health = self.sources.entry(source.to_string()).or_default();
        health.consecutive_failures = health.consecutive_failures.saturating_add(1);
        health.last_error = Some(error.to_string());
        health.last_error_code = Some(error.code().to_string());
        health.last_attempt = Some(now);
        let shift = (health.consecutive_failures - 1).min(30);
        let wait = base.saturating_mul(1u64 << shift).min(max);
        health.next_retry = Some(now + chrono::Duration::seconds(i64::try_from(wait).unwrap_or(i64::MAX / 1000)));
    }

    /// The sources whose last attempt failed, by URL.
    pub fn failing(&self) -> impl Iterator<Item = (&str, &SourceHealth)> {
        self.sources.iter().filter(|(_, h)| h.is_failing()).map(|(k, h)| (k.as_str(), h))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_schemes() {
        for ok in ["http://example.com/feed.xml", "https://example.com", " HTTPS://Example.com/a "] {
            assert!(check_url(ok).is_ok(), "{ok}");
        }
        for (bad, code) in [
            ("file:///etc/passwd", "unsupported_scheme"),
            ("ftp://example.com/feed.xml", "unsupported_scheme"),
            ("gopher://example.com", "unsupported_scheme"),
            ("javascript:alert(1)", "unsupported_scheme"),
            ("http://", "bad_url"),
            ("not a url", "bad_url"),
        ] {
            assert_eq!(check_url(bad).err().map(|e| e.code()), Some(code), "{bad}");
        }
    }

    #[test]
    fn urls_are_told_from_paths() {
        assert!(is_url("https://example.com/feed"));
        assert!(is_url("ftp://example.com/feed"));
        assert!(!is_url("reports/a.txt"));
        assert!(!is_url("odd name://x.txt"));
    }

    #[test]
    fn backoff_doubles_and_resets() {
        let mut state = FetchState::new();
        state.base_backoff_secs = 10;
        state.max_backoff_secs = 35;
        let now = DateTime::parse_from_rfc3339("2024-01-28T10:00:00Z").unwrap().with_timezone(&Utc);
        let err = IngestError::HttpStatus { url: "http://x.org".into(), status: 503 };
        let waits: Vec<i64> = (0..4)
            .map(|_| {
                state.record_failure("http://x.org", &err, now);
                (state.sources["http://x.org"].next_retry.unwrap() - now).num_seconds()
            })
            .collect();
        assert_eq!(waits, [10, 20, 35, 35]);
        assert!(!state.is_due("http://x.org", now));
        assert!(state.is_due("http://x.org", now + chrono::Duration::seconds(35)));
        assert_eq!(state.failing().count(), 1);
        state.record_success("http://x.org", now);
        assert!(state.is_due("http://x.org", now));
        assert_eq!(state.failing().count(), 0);
        let json = serde_json::to_string(&state).unwrap();
        assert_eq!(serde_json::from_str::<FetchState>(&json).unwrap(), state);
    }
}
