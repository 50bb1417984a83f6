//! Work items on a message broker: what `sitrep enqueue` publishes and `sitrep worker` pulls.
//!
//! Architecture invariant: the only crate that knows the broker. It carries work items and knows
//! nothing of articles, events or SQL; the worker decides what an item means. The [`Broker`]
//! trait is small on purpose (publish, pull, ack / nak / term, dead-letter, pending) so that a
//! Kafka implementation can sit next to the NATS JetStream one.
//!
//! Delivery is at-least-once: a worker acknowledges an item only after the database commit that
//! recorded it, so a crash means redelivery, and the store's article identity makes redelivery
//! harmless.

mod nats;

use serde::{Deserialize, Serialize};
use std::time::Duration;

pub use nats::{NatsBroker, QueueNames};

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// The broker could not be reached (a user error: wrong URL, server not running).
    #[error("cannot connect to the broker at {url}: {detail}")]
    Connect { url: String, detail: String },
    /// The stream or consumer could not be created or found.
    #[error("setting up {what} on the broker: {detail}")]
    Setup { what: String, detail: String },
    #[error("publishing to {subject}: {detail}")]
    Publish { subject: String, detail: String },
    #[error("pulling work items: {0}")]
    Pull(String),
    #[error("acknowledging a work item: {0}")]
    Ack(String),
    #[error("unknown delivery {0} (already acknowledged?)")]
    UnknownDelivery(u64),
    #[error("cannot encode a work item: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("starting the broker client runtime: {0}")]
    Runtime(#[from] std::io::Error),
}

/// One unit of work. Items name their inputs the way `sitrep ingest` would read them, so that a
/// worker's result is the same as ingesting those inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WorkItem {
    /// A file every worker can read at this path (shared storage): text, HTML, JSONL or any
    /// other format `sitrep ingest` reads (WARC files too, once ingest reads them).
    File { path: String },
    /// Consecutive lines of a JSONL dump, the first being line `first_line` (from 1) of `path`.
    /// The lines travel in the message, so workers need no access to the file.
    JsonlChunk { path: String, first_line: usize, text: String },
    /// One article as a JSONL object (`id`, `url`, `title`, `published`, `outlet`, `text` or
    /// `html`), from a producer that has no files; `origin` names it in logs.
    Article { origin: String, article: serde_json::Value },
}

impl WorkItem {
    pub fn encode(&self) -> Result<Vec<u8>, QueueError> {
        Ok(serde_json::to_vec(self)?)
    }

    /// Reads a message payload; the error is the reason a payload is poison.
    pub fn decode(payload: &[u8]) -> Result<WorkItem, String> {
        serde_json::from_slice(payload).map_err(|e| format!("not a sitrep work item: {e}"))
    }
}

/// A pulled message, to be settled with [`Broker::ack`], [`Broker::nak`] or [`Broker::term`].
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The broker's handle for settling it.
    pub id: u64,
    /// The item's identity on the broker (its position in the stream): the same for every
    /// delivery of one published item.
    pub sequence: u64,
    pub payload: Vec<u8>,
    /// How many times it has been delivered, this time included (1 = first delivery).
    pub delivered: u64,
}

/// Items published and not yet acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pending {
    /// Waiting for a worker.
    pub waiting: u64,
    /// Delivered and not yet acknowledged (being worked on, or held by a worker that died and
    /// will be redelivered when its acknowledgement time runs out).
    pub unacknowledged: u64,
}

impl Pending {
    pub fn is_empty(&self) -> bool {
        self.waiting == 0 && self.unacknowledged == 0
    }
}

/// A durable work queue with at-least-once delivery and a dead-letter subject.
pub trait Broker {
    /// Publishes items and waits until the broker has stored every one.
    fn publish(&self, items: &[WorkItem]) -> Result<(), QueueError>;
    /// Publishes raw bytes as a work item (tools and tests of poison handling).
    fn publish_raw(&self, payload: Vec<u8>) -> Result<(), QueueError>;
    /// Up to `max` items, waiting at most `wait` for the first; empty when there is no work.
    fn pull(&self, max: usize, wait: Duration) -> Result<Vec<Delivery>, QueueError>;
    /// Done: the item is removed from the queue.
    fn ack(&self, delivery: &Delivery) -> Result<(), QueueError>;
    /// Failed for now: deliver it again after `delay`.
    fn nak(&self, delivery: &Delivery, delay: Duration) -> Result<(), QueueError>;
    /// Never deliver it again (after it was dead-lettered).
    fn term(&self, delivery: &Delivery) -> Result<(), QueueError>;
    /// Publishes the item's payload to the dead-letter subject with the reason it is poison.
    fn dead_letter(&self, delivery: &Delivery, reason: &str) -> Result<(), QueueError>;
    fn pending(&self) -> Result<Pending, QueueError>;
}

/// A dead-lettered item as read back from the dead-letter subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    pub payload: Vec<u8>,
    pub reason: String,
    pub delivered: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_items_have_a_readable_wire_form_that_reads_back() {
        let chunk = WorkItem::JsonlChunk { path: "/dumps/a.jsonl".into(), first_line: 65, text: "{}\n".into() };
        let wire = String::from_utf8(chunk.encode().unwrap()).unwrap();
        assert_eq!(wire, r#"{"kind":"jsonl_chunk","path":"/dumps/a.jsonl","first_line":65,"text":"{}\n"}"#);
        assert_eq!(WorkItem::decode(wire.as_bytes()), Ok(chunk));
        let file = WorkItem::File { path: "/shared/page.html".into() };
        assert_eq!(WorkItem::decode(&file.encode().unwrap()), Ok(file));
    }

    #[test]
    fn a_payload_that_is_not_a_work_item_says_why() {
        for payload in [&b"\xff\xfe"[..], b"{\"kind\":\"video\"}", b"[1, 2]"] {
            let reason = WorkItem::decode(payload).unwrap_err();
            assert!(reason.starts_with("not a sitrep work item: "), "{reason}");
        }
    }

    #[test]
    fn queue_names_derive_from_one_name() {
        let n = QueueNames::new("newsroom");
        assert_eq!(
            (n.work_stream.as_str(), n.work_subject.as_str(), n.dead_stream.as_str(), n.dead_subject.as_str()),
            ("newsroom-work", "newsroom.work", "newsroom-dead", "newsroom.dead")
        );
        assert_eq!(n.consumer, "newsroom-workers");
    }
}
