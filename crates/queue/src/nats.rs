//! The NATS JetStream broker: a work-queue stream, one durable pull consumer shared by every
//! worker, and a dead-letter stream. A sync facade over async-nats on a private tokio runtime,
//! because the rest of sitrep (the store, the pipeline) is sync.

use crate::{Broker, DeadLetter, Delivery, Pending, QueueError, WorkItem};
use async_nats::jetstream::consumer::{pull, AckPolicy, PullConsumer};
use async_nats::jetstream::{self, stream, AckKind, Context, Message};
use futures_util::StreamExt;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use tokio::runtime::Runtime;

/// Header of a dead-lettered message: why it is poison.
pub const REASON_HEADER: &str = "Sitrep-Reason";
/// Header of a dead-lettered message: how many times it had been delivered.
pub const DELIVERED_HEADER: &str = "Sitrep-Delivered";

/// Where the queue lives on the server, derived from one name so that several queues (or test
/// runs) can share a server: streams `NAME-work` / `NAME-dead`, subjects `NAME.work` /
/// `NAME.dead`, durable consumer `NAME-workers`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueNames {
    pub work_stream: String,
    pub work_subject: String,
    pub dead_stream: String,
    pub dead_subject: String,
    pub consumer: String,
}

impl QueueNames {
    pub fn new(name: &str) -> QueueNames {
        QueueNames {
            work_stream: format!("{name}-work"),
            work_subject: format!("{name}.work"),
            dead_stream: format!("{name}-dead"),
            dead_subject: format!("{name}.dead"),
            consumer: format!("{name}-workers"),
        }
    }
}

/// A connection to one queue on a NATS server with JetStream enabled.
pub struct NatsBroker {
    runtime: Runtime,
    js: Context,
    consumer: PullConsumer,
    names: QueueNames,
    /// Pulled messages not yet settled.
    in_flight: Mutex<InFlight>,
    next_id: AtomicU64,
}

/// Pulled messages not yet settled, by delivery id, with every copy of each.
///
/// A server can hand out one stream message twice at once: nats-server before 2.10.14
/// (nats-io/nats-server#5305), when a redelivery to an expired pull request fails, delivers the
/// next message again with a delivery count of 1. Such a copy is not handed to the worker; it is
/// settled together with the delivery it copies, so an item is worked on once per pull.
#[derive(Default)]
struct InFlight {
    messages: HashMap<u64, Vec<Message>>,
    /// Delivery id by stream sequence.
    by_sequence: HashMap<u64, u64>,
}

fn text(e: impl std::fmt::Display) -> String {
    e.to_string()
}

impl NatsBroker {
    /// Connects and creates the streams and the consumer if they do not exist yet. `ack_wait`
    /// is how long a delivered item may stay unacknowledged before it is delivered again (to
    /// another worker, if its worker died); it only applies when the consumer is created.
    pub fn connect(url: &str, names: QueueNames, ack_wait: Duration) -> Result<NatsBroker, QueueError> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let (js, consumer) = runtime.block_on(async {
            let client = async_nats::ConnectOptions::new()
                .connection_timeout(Duration::from_secs(5))
                .retry_on_initial_connect()
                .max_reconnects(Some(3))
                .connect(url)
                .await
                .map_err(|e| QueueError::Connect { url: url.to_string(), detail: e.to_string() })?;
            let js = jetstream::new(client);
            let setup = |what: &str| {
                let what = what.to_string();
                move |e: Box<dyn std::error::Error + Send + Sync>| QueueError::Setup { what, detail: e.to_string() }
            };
            let work = js
                .get_or_create_stream(stream::Config {
                    name: names.work_stream.clone(),
                    subjects: vec![names.work_subject.clone()],
                    // Each item goes to one worker and leaves the stream when acknowledged.
                    retention: stream::RetentionPolicy::WorkQueue,
                    ..Default::default()
                })
                .await
                .map_err(|e| setup(&format!("stream {}", names.work_stream))(e.into()))?;
            js.get_or_create_stream(stream::Config {
                name: names.dead_stream.clone(),
                subjects: vec![names.dead_subject.clone()],
                ..Default::default()
            })
            .await
            .map_err(|e| setup(&format!("stream {}", names.dead_stream))(e.into()))?;
            let consumer: PullConsumer = work
                .get_or_create_consumer(
                    &names.consumer,
                    pull::Config {
                        durable_name: Some(names.consumer.clone()),
                        ack_policy: AckPolicy::Explicit,
                        ack_wait,
                        // Unlimited: the worker dead-letters an item after its own limit, with
                        // the reason, instead of the server silently stopping delivery.
                        max_deliver: -1,
                        ..Default::default()
                    },
                )
                .await
                .map_err(|e| setup(&format!("consumer {}", names.consumer))(e.into()))?;
            Ok::<_, QueueError>((js, consumer))
        })?;
        Ok(NatsBroker {
            runtime,
            js,
            consumer,
            names,
            in_flight: Mutex::new(InFlight::default()),
            next_id: AtomicU64::new(1),
        })
    }

    pub fn names(&self) -> &QueueNames {
        &self.names
    }

    fn take(&self, delivery: &Delivery) -> Result<Vec<Message>, QueueError> {
        let mut in_flight = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
        let messages = in_flight.messages.remove(&delivery.id).ok_or(QueueError::UnknownDelivery(delivery.id))?;
        if in_flight.by_sequence.get(&delivery.sequence) == Some(&delivery.id) {
            in_flight.by_sequence.remove(&delivery.sequence);
        }
        Ok(messages)
    }

    fn settle(&self, delivery: &Delivery, kind: AckKind) -> Result<(), QueueError> {
        let mut messages = self.take(delivery)?.into_iter();
        let Some(first) = messages.next() else { return Ok(()) };
        self.runtime.block_on(async {
            // Double acknowledgement: the server confirms, so an item is never believed done
            // when the acknowledgement was lost.
            first.double_ack_with(kind).await.map_err(|e| QueueError::Ack(e.to_string()))?;
            // A copy's acknowledgement names the same stream message, already settled by the
            // first: nothing waits on it and its answer does not matter.
            for copy in messages {
                let _ = copy.ack_with(kind).await;
            }
            Ok(())
        })
    }

    /// Every dead-lettered item so far, oldest first (reads the dead-letter stream without
    /// consuming it).
    pub fn dead_letters(&self) -> Result<Vec<DeadLetter>, QueueError> {
        self.runtime.block_on(async {
            let stream = self
                .js
                .get_stream(&self.names.dead_stream)
                .await
                .map_err(|e| QueueError::Setup { what: self.names.dead_stream.clone(), detail: e.to_string() })?;
            let consumer = stream
                .create_consumer(pull::Config { ack_policy: AckPolicy::None, ..Default::default() })
                .await
                .map_err(|e| QueueError::Setup { what: "dead-letter reader".into(), detail: e.to_string() })?;
            let mut out = Vec::new();
            let mut batch =
                consumer.fetch().max_messages(10_000).messages().await.map_err(|e| QueueError::Pull(e.to_string()))?;
            while let Some(message) = batch.next().await {
                let message = message.map_err(|e| QueueError::Pull(e.to_string()))?;
                let header =
                    |name: &str| message.headers.as_ref().and_then(|h| h.get(name)).map(|v| v.as_str().to_string());
                out.push(DeadLetter {
                    payload: message.payload.to_vec(),
                    reason: header(REASON_HEADER).unwrap_or_default(),
                    delivered: header(DELIVERED_HEADER).and_then(|d| d.parse().ok()).unwrap_or(0),
                });
            }
            Ok(out)
        })
    }

    /// Deletes the queue's streams (and so its consumer): for tests and benchmarks.
    pub fn delete(self) -> Result<(), QueueError> {
        self.runtime.block_on(async {
            for name in [&self.names.work_stream, &self.names.dead_stream] {
                self.js
                    .delete_stream(name)
                    .await
                    .map_err(|e| QueueError::Setup { what: format!("deleting {name}"), detail: e.to_string() })?;
            }
            Ok(())
        })
    }
}

impl Broker for NatsBroker {
    fn publish(&self, items: &[WorkItem]) -> Result<(), QueueError> {
        let payloads = items.iter().map(WorkItem::encode).collect::<Result<Vec<_>, _>>()?;
        self.runtime.block_on(async {
            let subject = &self.names.work_subject;
            let error = |e: String| QueueError::Publish { subject: subject.clone(), detail: e };
            // Send in windows and then wait for the server's acknowledgements, so publishing a
            // large dump is not one round trip per item.
            for window in payloads.chunks(256) {
                let mut acks = Vec::with_capacity(window.len());
                for payload in window {
                    acks.push(
                        self.js.publish(subject.clone(), payload.clone().into()).await.map_err(|e| error(text(e)))?,
                    );
                }
                for ack in acks {
                    ack.await.map_err(|e| error(text(e)))?;
                }
            }
            Ok(())
        })
    }

    fn publish_raw(&self, payload: Vec<u8>) -> Result<(), QueueError> {
        self.runtime.block_on(async {
            let subject = &self.names.work_subject;
            let error = |e: String| QueueError::Publish { subject: subject.clone(), detail: e };
            let ack = self.js.publish(subject.clone(), payload.into()).await.map_err(|e| error(text(e)))?;
            ack.await.map_err(|e| error(text(e)))?;
            Ok(())
        })
    }

    fn pull(&self, max: usize, wait: Duration) -> Result<Vec<Delivery>, QueueError> {
        let messages = self.runtime.block_on(async {
            let mut batch = self
                .consumer
                .batch()
                .max_messages(max.max(1))
                .expires(wait)
                .messages()
                .await
                .map_err(|e| QueueError::Pull(e.to_string()))?;
            let mut out = Vec::new();
            while let Some(message) = batch.next().await {
                out.push(message.map_err(|e| QueueError::Pull(e.to_string()))?);
            }
            Ok::<_, QueueError>(out)
        })?;
        let mut in_flight = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
        let mut out: Vec<Delivery> = Vec::with_capacity(messages.len());
        for message in messages {
            // A JetStream consumer's messages always carry their metadata; were one not to, it
            // is worked on as a first delivery of its own (sequence 0 is never a stream's).
            let (sequence, delivered) =
                message.info().map(|i| (i.stream_sequence, u64::try_from(i.delivered).unwrap_or(1))).unwrap_or((0, 1));
            if let Some(&id) = in_flight.by_sequence.get(&sequence).filter(|_| sequence != 0) {
                // A copy of an item this worker holds (see `InFlight`).
                if let Some(d) = out.iter_mut().find(|d| d.id == id) {
                    d.delivered = d.delivered.max(delivered);
                }
                in_flight.messages.entry(id).or_default().push(message);
                continue;
            }
            let id = self.next_id.fetch_add(1, Ordering::Relaxed);
            out.push(Delivery { id, sequence, payload: message.payload.to_vec(), delivered });
            if sequence != 0 {
                in_flight.by_sequence.insert(sequence, id);
            }
            in_flight.messages.insert(id, vec![message]);
        }
        Ok(out)
    }

    fn ack(&self, delivery: &Delivery) -> Result<(), QueueError> {
        self.settle(delivery, AckKind::Ack)
    }

    fn nak(&self, delivery: &Delivery, delay: Duration) -> Result<(), QueueError> {
        self.settle(delivery, AckKind::Nak(Some(delay)))
    }

    fn term(&self, delivery: &Delivery) -> Result<(), QueueError> {
        self.settle(delivery, AckKind::Term)
    }

    fn dead_letter(&self, delivery: &Delivery, reason: &str) -> Result<(), QueueError> {
        let mut headers = async_nats::HeaderMap::new();
        // Header values are one line.
        let reason: String = reason.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        headers.insert(REASON_HEADER, reason.as_str());
        headers.insert(DELIVERED_HEADER, delivery.delivered.to_string().as_str());
        self.runtime.block_on(async {
            let subject = &self.names.dead_subject;
            let error = |e: String| QueueError::Publish { subject: subject.clone(), detail: e };
            let ack = self
                .js
                .publish_with_headers(subject.clone(), headers, delivery.payload.clone().into())
                .await
                .map_err(|e| error(text(e)))?;
            ack.await.map_err(|e| error(text(e)))?;
            Ok(())
        })
    }

    fn pending(&self) -> Result<Pending, QueueError> {
        let mut consumer = self.consumer.clone();
        let info = self.runtime.block_on(consumer.info()).map_err(|e| QueueError::Pull(e.to_string()))?;
        Ok(Pending { waiting: info.num_pending, unacknowledged: info.num_ack_pending as u64 })
    }
}
