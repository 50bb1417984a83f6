//! `sitrep enqueue`: publishes inputs as work items for `sitrep worker` on a NATS JetStream queue.
//!
//! JSONL dumps travel as chunks of lines (workers need no access to the files); every other
//! file travels as its path, which workers read from shared storage.

use anyhow::{Context as _, Result};
use sitrep_ingest::Format;
use sitrep_queue::{Broker, NatsBroker, QueueNames, WorkItem};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// A message stays well under NATS's default 1 MB payload limit.
const MAX_CHUNK_BYTES: usize = 768 * 1024;

/// Where the queue is: shared by `enqueue` and `worker`.
#[derive(clap::Args, Debug, Clone)]
pub(crate) struct QueueArgs {
    /// The broker: a NATS server with JetStream enabled.
    #[arg(long = "queue", env = "SITREP_QUEUE", default_value = "nats://127.0.0.1:4222")]
    pub url: String,
    /// The queue's name: streams NAME-work and NAME-dead, subjects NAME.work and NAME.dead.
    #[arg(long = "queue-name", env = "SITREP_QUEUE_NAME", default_value = "sitrep")]
    pub name: String,
    /// Seconds a delivered item may stay unacknowledged before it is delivered again (set when
    /// the queue is first created).
    #[arg(long, default_value_t = 60)]
    pub ack_wait: u64,
}

impl QueueArgs {
    pub(crate) fn connect(&self) -> Result<NatsBroker> {
        NatsBroker::connect(&self.url, QueueNames::new(&self.name), Duration::from_secs(self.ack_wait.max(1)))
            .with_context(|| format!("opening the queue {} at {}", self.name, self.url))
    }
}

#[derive(clap::Args, Debug)]
pub(crate) struct EnqueueArgs {
    /// Files or directories (recursive), as for `sitrep ingest`.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    queue: QueueArgs,
    /// JSONL lines per work item.
    #[arg(long, default_value_t = 64)]
    chunk_lines: usize,
}

pub(crate) fn run(args: &EnqueueArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let broker = args.queue.connect()?;
    let (files, missing) = sitrep_ingest::discover(&args.paths);
    for m in &missing {
        eprintln!("skipped: {}: {}: {}", m.origin, m.code, m.message);
    }
    let (mut n_files, mut n_chunks, mut n_lines, mut too_long) = (0usize, 0usize, 0usize, 0usize);
    for file in &files {
        // Workers may run in other directories: paths travel absolute.
        let path = std::path::absolute(&file.path).unwrap_or_else(|_| file.path.clone());
        if file.format != Format::Jsonl {
            broker.publish(&[WorkItem::File { path: path.display().to_string() }])?;
            n_files += 1;
            continue;
        }
        let mut items = Vec::new();
        for chunk in chunks(&path, args.chunk_lines.max(1))? {
            match chunk {
                Ok(item) => {
                    if let WorkItem::JsonlChunk { text, .. } = &item {
                        n_lines += text.lines().count();
                    }
                    items.push(item);
                }
                Err(line) => {
                    eprintln!("skipped: {}:{line}: line_too_long: over {MAX_CHUNK_BYTES} bytes", path.display());
                    too_long += 1;
                }
            }
            if items.len() >= 256 {
                n_chunks += items.len();
                broker.publish(&std::mem::take(&mut items))?;
            }
        }
        n_chunks += items.len();
        broker.publish(&items)?;
    }
    writeln!(
        out,
        "enqueued {} items on {}: {n_files} files, {n_chunks} JSONL chunks ({n_lines} lines)",
        n_files + n_chunks,
        broker.names().work_subject
    )?;
    let skipped = missing.len() + too_long;
    Ok(if skipped > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

/// The JSONL chunks of one file (plain or .gz): runs of up to `lines` lines and
/// [`MAX_CHUNK_BYTES`]; a single longer line is returned as `Err(line number)`.
fn chunks(path: &Path, lines: usize) -> Result<Vec<Result<WorkItem, usize>>> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let reader: Box<dyn Read> = if sitrep_ingest::is_gzip(path) {
        // The same cap as ingest: a decompressed dump cannot grow without bound in memory here,
        // since only one chunk is held at a time.
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut reader = BufReader::new(reader);
    let name = path.display().to_string();
    let mut out = Vec::new();
    let (mut text, mut first, mut count, mut number) = (String::new(), 1usize, 0usize, 0usize);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf).with_context(|| format!("reading {name}"))? == 0 {
            break;
        }
        number += 1;
        if buf.len() > MAX_CHUNK_BYTES {
            if count > 0 {
                out.push(Ok(WorkItem::JsonlChunk {
                    path: name.clone(),
                    first_line: first,
                    text: std::mem::take(&mut text),
                }));
                count = 0;
            }
            out.push(Err(number));
            first = number + 1;
            continue;
        }
        if count > 0 && (count >= lines || text.len() + buf.len() > MAX_CHUNK_BYTES) {
            out.push(Ok(WorkItem::JsonlChunk {
                path: name.clone(),
                first_line: first,
                text: std::mem::take(&mut text),
            }));
            count = 0;
        }
        if count == 0 {
            first = number;
        }
        // Invalid UTF-8 is replaced; ingest would reject such a line, here it is read as text.
        text.push_str(&String::from_utf8_lossy(&buf));
        count += 1;
    }
    if count > 0 {
        out.push(Ok(WorkItem::JsonlChunk { path: name, first_line: first, text }));
    }
    Ok(out)
}
