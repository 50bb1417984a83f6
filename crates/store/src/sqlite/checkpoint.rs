//! Checkpointing the write-ahead log on a thread of its own.
//!
//! In WAL mode a commit appends the pages it changed to the log, and a checkpoint copies them
//! back into the database file and syncs it. SQLite checkpoints on the committing connection once
//! the log passes 1,000 pages, so a long ingest's only writer stopped every batch or two to copy
//! and sync (see bench/README.md). A ledger file's writer instead wakes a thread with a connection
//! of its own after each commit; the thread runs a passive checkpoint, which never waits for the
//! writer or for readers and copies what it can. The writer keeps an automatic checkpoint of its
//! own, at a higher threshold, for when the thread falls behind: the log never grows unbounded.

use super::BUSY_TIMEOUT;
use crate::StoreError;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::sync::mpsc::{sync_channel, RecvTimeoutError, SyncSender};
use std::thread::JoinHandle;

/// Log pages from which the writer checkpoints on its own: past them the thread is behind.
pub(crate) const WRITER_AUTOCHECKPOINT: i64 = 8_192;

/// How soon a checkpoint cut short by a reader is tried again.
const RETRY: std::time::Duration = std::time::Duration::from_millis(50);

/// A thread checkpointing one ledger file's log whenever woken. Dropping it stops the thread
/// (after the checkpoint it is running, if any).
pub(crate) struct Checkpointer {
    wake: Option<SyncSender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the thread for the ledger file at `path` (in WAL mode).
    pub(crate) fn start(path: &Path) -> Result<Checkpointer, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(path, flags)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // As the writer: the log is synced before a checkpoint, the file after it.
        conn.pragma_update(None, "synchronous", "normal")?;
        // It never reads through its cache; its own automatic checkpoint would never fire anyway.
        conn.pragma_update(None, "cache_size", -256)?;
        // One pending wake-up is enough: a checkpoint copies everything committed before it starts.
        let (wake, woken) = sync_channel::<()>(1);
        let thread = std::thread::Builder::new()
            .name("sitrep-checkpoint".into())
            .spawn(move || {
                let mut behind = false;
                loop {
                    // Cut short, it tries again soon, woken or not: the log only starts over from
                    // its beginning once everything in it has been copied.
                    let woke = match behind {
                        true => woken.recv_timeout(RETRY),
                        false => woken.recv().map_err(|_| RecvTimeoutError::Disconnected),
                    };
                    if woke == Err(RecvTimeoutError::Disconnected) {
                        break;
                    }
                    behind = !checkpoint(&conn);
                }
            })
            .map_err(|e| StoreError::Unsupported(format!("starting the checkpoint thread: {e}")))?;
        Ok(Checkpointer { wake: Some(wake), thread: Some(thread) })
    }

    /// Asks for a checkpoint of everything committed so far, without waiting for it.
    pub(crate) fn wake(&self) {
        if let Some(wake) = &self.wake {
            // Full: a wake-up is pending already. Disconnected: the thread is stopping.
            let _ = wake.try_send(());
        }
    }
}

/// Copies as much of the log into the file as no reader still needs: whether that was all of it.
/// A reader whose snapshot is older than the last commit holds back the frames after it.
fn checkpoint(conn: &Connection) -> bool {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
        let (busy, log, copied): (i64, i64, i64) = (row.get(0)?, row.get(1)?, row.get(2)?);
        Ok(busy == 0 && copied >= log)
    })
    .unwrap_or(false)
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        // Closing the channel ends the thread's loop.
        self.wake.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
