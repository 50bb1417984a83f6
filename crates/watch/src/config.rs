//! The watch configuration file: which sources to poll how often, which alert rules, which sinks.

use crate::WatchError;
use serde::Deserialize;
use sitrep_alerts::RuleSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The shortest poll interval allowed: faster polling only burns the sources' goodwill.
const MIN_INTERVAL: u64 = 5;

/// A validated configuration. Relative paths in the file are resolved against its folder.
#[derive(Debug, Clone)]
pub struct Config {
    pub sources: Vec<Source>,
    pub rules: RuleSet,
    pub webhooks: Vec<Webhook>,
    /// Where the rules came from, for messages.
    pub rules_origin: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub name: String,
    pub kind: SourceKind,
    pub interval: Duration,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SourceKind {
    /// A file or a folder (searched recursively) of anything `sitrep ingest` reads. Files are
    /// read again when their size or modification time changes.
    Path(PathBuf),
    /// An RSS, Atom or JSON feed URL whose items' pages are fetched.
    Feed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    pub name: String,
    pub url: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    /// Default poll interval in seconds.
    interval_seconds: Option<u64>,
    /// A rules file (path), in the format of `examples/watch/alerts.toml`.
    rules: Option<PathBuf>,
    /// Rules written inline, as `[[rule]]` tables.
    #[serde(default)]
    rule: Vec<toml::Value>,
    #[serde(default)]
    source: Vec<SourceSpec>,
    #[serde(default)]
    webhook: Vec<WebhookSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceSpec {
    name: Option<String>,
    path: Option<PathBuf>,
    feed: Option<String>,
    interval_seconds: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WebhookSpec {
    name: Option<String>,
    url: String,
}

fn bad(origin: &str, message: impl Into<String>) -> WatchError {
    WatchError::Config { origin: origin.to_string(), message: message.into() }
}

impl Config {
    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<Config, WatchError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| bad(&path.display().to_string(), format!("cannot read it: {e}")))?;
        let base = path.parent().unwrap_or(Path::new("."));
        Config::parse(&text, &path.display().to_string(), base)
    }

    /// Parses a configuration; `origin` names it in errors, `base` resolves relative paths.
    pub fn parse(text: &str, origin: &str, base: &Path) -> Result<Config, WatchError> {
        let file: File = toml::from_str(text).map_err(|e| bad(origin, e.to_string()))?;
        let default_interval = file.interval_seconds.unwrap_or(300);
        let interval = |secs: u64, what: &str| -> Result<Duration, WatchError> {
            if secs < MIN_INTERVAL {
                return Err(bad(origin, format!("{what}: interval_seconds must be at least {MIN_INTERVAL}")));
            }
            Ok(Duration::from_secs(secs))
        };
        interval(default_interval, "interval_seconds")?;

        let mut sources = Vec::new();
        for (i, spec) in file.source.into_iter().enumerate() {
            let label = format!("[[source]] #{}", i + 1);
            let kind = match (spec.path, spec.feed) {
                (Some(p), None) => SourceKind::Path(base.join(p)),
                (None, Some(url)) => {
                    let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
                    if !matches!(scheme.as_deref(), Some("http" | "https")) {
                        return Err(bad(origin, format!("{label}: feed `{url}` must be an http:// or https:// URL")));
                    }
                    SourceKind::Feed(url)
                }
                _ => return Err(bad(origin, format!("{label}: give exactly one of `path` or `feed`"))),
            };
            let name = spec.name.unwrap_or_else(|| match &kind {
                SourceKind::Path(p) => p.display().to_string(),
                SourceKind::Feed(u) => u.clone(),
            });
            if sources.iter().any(|s: &Source| s.name == name) {
                return Err(bad(origin, format!("{label}: another source is named `{name}`")));
            }
            let interval = interval(spec.interval_seconds.unwrap_or(default_interval), &label)?;
            sources.push(Source { name, kind, interval });
        }
        if sources.is_empty() {
            return Err(bad(origin, "no [[source]]: give at least one `path` or `feed` to watch"));
        }

        let (rules, rules_origin) = match (file.rules, file.rule.is_empty()) {
            (Some(_), false) => return Err(bad(origin, "give rules either in a `rules` file or inline, not both")),
            (Some(p), true) => {
                let p = base.join(p);
                let text =
                    std::fs::read_to_string(&p).map_err(|e| bad(origin, format!("rules file {}: {e}", p.display())))?;
                let set = RuleSet::parse(&text).map_err(|e| bad(&p.display().to_string(), e.to_string()))?;
                (set, p.display().to_string())
            }
            (None, _) => {
                let inline = toml::to_string(&toml::value::Table::from_iter([(
                    "rule".to_string(),
                    toml::Value::Array(file.rule),
                )]))
                .map_err(|e| bad(origin, e.to_string()))?;
                (RuleSet::parse(&inline).map_err(|e| bad(origin, e.to_string()))?, origin.to_string())
            }
        };

        let mut webhooks = Vec::new();
        for (i, spec) in file.webhook.into_iter().enumerate() {
            let scheme = spec.url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
            if !matches!(scheme.as_deref(), Some("http" | "https")) {
                return Err(bad(origin, format!("[[webhook]] #{}: `{}` must be an http(s) URL", i + 1, spec.url)));
            }
            let name = spec.name.unwrap_or_else(|| format!("webhook-{}", i + 1));
            if name == "stdout" || webhooks.iter().any(|w: &Webhook| w.name == name) {
                return Err(bad(origin, format!("[[webhook]] #{}: the name `{name}` is taken", i + 1)));
            }
            webhooks.push(Webhook { name, url: spec.url });
        }
        Ok(Config { sources, rules, webhooks, rules_origin })
    }
}
