//! Live updates over Server-Sent Events: `/api/stream` polls the ledger's change journal about
//! once a second and pushes one message per change.
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
use sitrep_store::{EventChange, Store};
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
}

/// One message of the stream.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// The stream is open; sent first, with where it starts.
    Ready(Cursors),
    /// An event was created, updated or removed.
    Event(EventChange),
}

#[derive(Serialize)]
struct ReadyData {
    seq: u64,
}

impl Message {
    /// The SSE `event:` name clients listen for.
    pub fn name(&self) -> &'static str {
        match self {
            Message::Ready(_) => "ready",
            Message::Event(_) => "event",
        }
    }

    fn to_sse(&self) -> SseEvent {
        let (id, data) = match self {
            Message::Ready(c) => (c.events, crate::reply::json_bytes(&ReadyData { seq: c.events })),
            Message::Event(change) => (change.seq, crate::reply::json_bytes(change)),
        };
        SseEvent::default().event(self.name()).id(id.to_string()).data(String::from_utf8_lossy(&data))
    }
}

/// Everything new since `cursors`, advancing them. The one place that knows every message kind.
pub fn poll(store: &dyn Store, cursors: &mut Cursors) -> Result<Vec<Message>, ServerError> {
    let changes = store.changes_since(cursors.events, BATCH)?;
    if let Some(last) = changes.last() {
        cursors.events = last.seq;
    }
    Ok(changes.into_iter().map(Message::Event).collect())
}

async fn start(pool: &Arc<Pool>, headers: &HeaderMap) -> Result<Cursors, ServerError> {
    // A reconnecting browser sends the id of the last message it saw: resume after it.
    let resume = headers.get("last-event-id").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    match resume {
        Some(seq) => Ok(Cursors { events: seq }),
        None => Ok(Cursors { events: pool.run(|s| Ok(s.latest_change()?)).await? }),
    }
}

pub async fn handler(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ServerError> {
    let cursors = start(&state.reads, &headers).await?;
    let every = state.options.poll_interval;
    let queue = VecDeque::from([Message::Ready(cursors)]);
    let events = stream::unfold((state, cursors, queue), move |(state, mut cursors, mut queue)| async move {
        loop {
            if let Some(message) = queue.pop_front() {
                return Some((Ok(message.to_sse()), (state, cursors, queue)));
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
