//! Delivering alerts: to stdout as JSON lines and to webhooks as JSON POSTs, each sink from its
//! own cursor into the alert sequence, in order, at least once.

use crate::{CycleReport, Health, WatchError, Webhook};
use sitrep_store::{Store, StoredAlert};
use std::io::Write;
use std::time::{Duration, Instant};

/// How long one webhook call may take, connection included.
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);

/// Alerts read per round trip.
const PAGE: usize = 500;

fn cursor_key(sink: &str) -> String {
    format!("sink.{sink}.delivered")
}

enum Target {
    Stdout,
    Webhook { url: String, agent: ureq::Agent },
}

struct Sink {
    target: Target,
    health: Health,
}

pub(crate) struct Sinks {
    sinks: Vec<Sink>,
}

/// One alert as sinks receive it: the alert's fields plus its sequence number and time.
pub fn alert_json(stored: &StoredAlert) -> serde_json::Value {
    let mut value = serde_json::to_value(&stored.alert).unwrap_or(serde_json::Value::Null);
    if let Some(map) = value.as_object_mut() {
        map.insert("seq".into(), stored.seq.into());
        map.insert("raised_at".into(), stored.raised_at.clone().into());
    }
    value
}

impl Sinks {
    /// Registers the sinks. A sink seen for the first time starts after the alerts already in the
    /// ledger (a webhook added today is not sent last year's alerts); one seen before resumes
    /// after the last alert it acknowledged.
    pub(crate) fn start(
        store: &mut dyn Store,
        webhooks: &[Webhook],
        stdout: bool,
        now: Instant,
    ) -> Result<Sinks, WatchError> {
        let mut sinks = Vec::new();
        if stdout {
            sinks.push(Sink { target: Target::Stdout, health: Health::new("stdout", now) });
        }
        for w in webhooks {
            let agent = ureq::AgentBuilder::new()
                .timeout(WEBHOOK_TIMEOUT)
                .redirects(0)
                .user_agent(concat!("sitrep/", env!("CARGO_PKG_VERSION"), " (alert webhook)"))
                .build();
            sinks.push(Sink {
                target: Target::Webhook { url: w.url.clone(), agent },
                health: Health::new(&w.name, now),
            });
        }
        let mut newest = None;
        for sink in &sinks {
            let key = cursor_key(&sink.health.name);
            if store.watch_state(&key)?.is_none() {
                let last = match newest {
                    Some(n) => n,
                    None => *newest.insert(store.latest_alert()?),
                };
                store.record_alerts(&[], &[(key, last.to_string())])?;
            }
        }
        Ok(Sinks { sinks })
    }

    /// Delivers every pending alert to every sink that is not backing off (all of them when
    /// `all`), stopping a sink at its first failure so that it delivers in order.
    pub(crate) fn deliver(
        &mut self,
        store: &mut dyn Store,
        all: bool,
        out: &mut dyn Write,
        report: &mut CycleReport,
    ) -> Result<(), WatchError> {
        let now = Instant::now();
        for sink in &mut self.sinks {
            if !all && sink.health.consecutive_failures > 0 && sink.health.next_due > now {
                continue;
            }
            let key = cursor_key(&sink.health.name);
            let mut cursor: u64 = store.watch_state(&key)?.and_then(|v| v.trim().parse().ok()).unwrap_or(0);
            let mut delivered = 0;
            let mut failure = None;
            'pages: loop {
                let page = store.alerts_after(cursor, PAGE)?;
                if page.is_empty() {
                    break;
                }
                for alert in page {
                    let body = alert_json(&alert);
                    let sent = match &sink.target {
                        Target::Stdout => {
                            let line = serde_json::to_string(&body).unwrap_or_default();
                            writeln!(out, "{line}").and_then(|_| out.flush()).map_err(WatchError::Stdout)?;
                            Ok(())
                        }
                        Target::Webhook { url, agent } => post(agent, url, &alert, &body),
                    };
                    if let Err(e) = sent {
                        failure = Some(e);
                        break 'pages;
                    }
                    cursor = alert.seq;
                    delivered += 1;
                    // The cursor moves after each delivery: a crash repeats at most this one.
                    store.record_alerts(&[], &[(key.clone(), cursor.to_string())])?;
                }
            }
            if delivered > 0 {
                report.delivered.insert(sink.health.name.clone(), delivered);
            }
            match failure {
                Some(e) => report.failures.push(sink.health.failed(now, Duration::from_secs(900), "webhook", e)),
                // A healthy sink has no schedule of its own: it delivers whenever alerts are raised.
                None => sink.health.succeeded(now, Duration::from_secs(3600)),
            }
        }
        Ok(())
    }

    /// When a failing sink should be tried again.
    pub(crate) fn retry_at(&self) -> impl Iterator<Item = Instant> + '_ {
        self.sinks.iter().filter(|s| s.health.consecutive_failures > 0).map(|s| s.health.next_due)
    }

    pub(crate) fn health(&self) -> impl Iterator<Item = Health> + '_ {
        self.sinks.iter().map(|s| s.health.clone())
    }
}

/// POSTs one alert. The alert key goes in `Idempotency-Key` so that a receiver can drop the
/// repeat a crash between delivery and cursor update may cause.
fn post(agent: &ureq::Agent, url: &str, alert: &StoredAlert, body: &serde_json::Value) -> Result<(), String> {
    match agent.post(url).set("Idempotency-Key", &alert.alert.key).send_json(body) {
        Ok(_) => Ok(()),
        Err(ureq::Error::Status(code, response)) => {
            Err(format!("{url} answered HTTP {code} {}", response.status_text()))
        }
        Err(e) => Err(format!("{url}: {e}")),
    }
}
