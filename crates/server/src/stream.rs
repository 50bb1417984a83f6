//! Live updates over Server-Sent Events: `/api/stream` polls the ledger's change journal and the
//! alerts raised by `sitrep watch` about once a second and pushes one message per change or alert.
//!
//! Message ids are `<event seq>.<alert seq>`, so a reconnecting browser resumes both sequences.
//!
//! Every kind of message is a variant of [`Message`] and is gathered by [`poll`]; adding a kind
//! (the `alert`s of a watch process) means one variant, one cursor field and one query there.

use crate::error::ServerError;
use crate::pool::Pool;
use crate::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use serde::Serialize;
use sitrep_store::{EventChange, Store, StoredAlert};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

/// At most this many changes are read per poll; the rest follow on the next one.
const BATCH: usize = 500;

/// Where a stream stands in each journal it follows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursors {
    pub events: u64,
    pub alerts: u64,
}

impl Cursors {
    /// The SSE id naming this position in both sequences.
    pub fn id(&self) -> String {
        format!("{}.{}", self.events, self.alerts)
    }

    /// Reads an id written by [`Cursors::id`]; a bare number is an event seq (no alerts seen).
    pub fn parse(id: &str) -> Option<Cursors> {
        let id = id.trim();
        match id.split_once('.') {
            Some((e, a)) => Some(Cursors { events: e.parse().ok()?, alerts: a.parse().ok()? }),
            None => Some(Cursors { events: id.parse().ok()?, alerts: 0 }),
        }
    }
}

/// One message of the stream.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// The stream is open; sent first, with where it starts.
    Ready(Cursors),
    /// An event was created, updated or removed.
    Event(EventChange),
    /// `sitrep watch` raised an alert.
    Alert(Box<StoredAlert>),
}

#[derive(Serialize)]
struct ReadyData {
    seq: u64,
    alert_seq: u64,
}

impl Message {
    /// The SSE `event:` name clients listen for.
    pub fn name(&self) -> &'static str {
        match self {
            Message::Ready(_) => "ready",
            Message::Event(_) => "event",
            Message::Alert(_) => "alert",
        }
    }

    /// The SSE message; `at` is the stream's position after it (its id).
    fn to_sse(&self, at: Cursors) -> SseEvent {
        let data = match self {
            Message::Ready(c) => crate::reply::json_bytes(&ReadyData { seq: c.events, alert_seq: c.alerts }),
            Message::Event(change) => crate::reply::json_bytes(change),
            Message::Alert(alert) => crate::reply::json_bytes(alert.as_ref()),
        };
        SseEvent::default().event(self.name()).id(at.id()).data(String::from_utf8_lossy(&data))
    }
}

/// Everything new since `cursors`, advancing them. The one place that knows every message kind.
pub fn poll(store: &dyn Store, cursors: &mut Cursors) -> Result<Vec<Message>, ServerError> {
    let changes = store.changes_since(cursors.events, BATCH)?;
    if let Some(last) = changes.last() {
        cursors.events = last.seq;
    }
    let mut messages: Vec<Message> = changes.into_iter().map(Message::Event).collect();
    let alerts = store.alerts_after(cursors.alerts, BATCH)?;
    if let Some(last) = alerts.last() {
        cursors.alerts = last.seq;
    }
    messages.extend(alerts.into_iter().map(|a| Message::Alert(Box::new(a))));
    Ok(messages)
}

async fn start(pool: &Arc<Pool>, headers: &HeaderMap) -> Result<Cursors, ServerError> {
    // A reconnecting browser sends the id of the last message it saw: resume after it.
    let resume = headers.get("last-event-id").and_then(|v| v.to_str().ok()).and_then(Cursors::parse);
    match resume {
        Some(c) => Ok(c),
        None => pool.run(|s| Ok(Cursors { events: s.latest_change()?, alerts: s.latest_alert()? })).await,
    }
}

pub async fn handler(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ServerError> {
    let cursors = start(&state.reads, &headers).await?;
    let every = state.options.poll_interval;
    let queue = VecDeque::from([Message::Ready(cursors)]);
    // `cursors` is how far polling has read; `sent` how far messages have gone out (their ids).
    let events =
        stream::unfold((state, cursors, cursors, queue), move |(state, mut cursors, mut sent, mut queue)| async move {
            loop {
                if let Some(message) = queue.pop_front() {
                    match &message {
                        Message::Ready(_) => {}
                        Message::Event(change) => sent.events = change.seq,
                        Message::Alert(alert) => sent.alerts = alert.seq,
                    }
                    return Some((Ok(message.to_sse(sent)), (state, cursors, sent, queue)));
                }
                tokio::time::sleep(every).await;
                let mut c = cursors;
                match state.reads.run(move |s| poll(s, &mut c).map(|m| (m, c))).await {
                    Ok((messages, advanced)) => {
                        cursors = advanced;
                        queue.extend(messages);
                    }
                    // A failed poll (a busy database) is retried on the next tick.
                    Err(e) => eprintln!("sitrep serve: live update poll failed: {e}"),
                }
            }
        });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sitrep_model::{Alert, AlertKind};
    use sitrep_store::SqliteStore;

    fn alert(event: &str) -> Alert {
        Alert {
            key: Alert::key_for("r", AlertKind::Match, event),
            rule: "r".into(),
            rule_name: "Rule".into(),
            kind: AlertKind::Match,
            event: event.into(),
            link: format!("/events/{event}"),
            api_link: format!("/api/events/{event}"),
            summary: "<b>not markup</b>".into(),
            detail: None,
            sub_event_type: "Air/drone strike".into(),
            date: None,
            country: None,
            location: None,
            latitude: None,
            longitude: None,
            killed: None,
            evidence: Vec::new(),
        }
    }

    #[test]
    fn ids_name_both_sequences_and_old_ids_still_resume() {
        let c = Cursors { events: 12, alerts: 3 };
        assert_eq!(c.id(), "12.3");
        assert_eq!(Cursors::parse("12.3"), Some(c));
        assert_eq!(Cursors::parse(" 7 "), Some(Cursors { events: 7, alerts: 0 }));
        assert_eq!(Cursors::parse("x.1"), None);
        assert_eq!(Cursors::parse(""), None);
    }

    #[test]
    fn alerts_raised_by_watch_are_streamed_once() {
        let mut store = SqliteStore::open_in_memory().unwrap();
        store.record_alerts(&[alert("ev-a"), alert("ev-b")], &[]).unwrap();
        let mut cursors = Cursors::default();
        let first = poll(&store, &mut cursors).unwrap();
        let names: Vec<&str> = first.iter().map(Message::name).collect();
        assert_eq!(names, ["alert", "alert"]);
        assert_eq!(cursors, Cursors { events: 0, alerts: 2 });
        assert!(poll(&store, &mut cursors).unwrap().is_empty());
        store.record_alerts(&[alert("ev-c")], &[]).unwrap();
        let next = poll(&store, &mut cursors).unwrap();
        match next.as_slice() {
            [Message::Alert(a)] => assert_eq!(a.alert.event, "ev-c"),
            other => panic!("expected one alert, got {other:?}"),
        }
    }
}
