//! A small pool of store connections used from blocking threads.
//!
//! The `Store` trait is synchronous and `Send` but not `Sync`: each connection is used by one
//! thread at a time. Requests take a connection inside `spawn_blocking`, so a slow query never
//! stalls the async workers, and the semaphore bounds how many queries run at once.

use crate::error::ServerError;
use sitrep_store::{Store, StoreError};
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

/// Opens one more connection (read-only for the read pool).
pub type Opener = Arc<dyn Fn() -> Result<Box<dyn Store>, StoreError> + Send + Sync>;

pub struct Pool {
    open: Opener,
    idle: Mutex<Vec<Box<dyn Store>>>,
    permits: Arc<Semaphore>,
}

impl Pool {
    /// A pool of at most `size` connections, opened as needed. One is opened now, so that a
    /// wrong path fails at start-up rather than on the first request.
    pub fn new(open: Opener, size: usize) -> Result<Pool, StoreError> {
        let first = open()?;
        Ok(Pool { open, idle: Mutex::new(vec![first]), permits: Arc::new(Semaphore::new(size.max(1))) })
    }

    /// Runs `f` on a connection on a blocking thread.
    pub async fn run<T, F>(self: &Arc<Self>, f: F) -> Result<T, ServerError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Store) -> Result<T, ServerError> + Send + 'static,
    {
        let permit =
            self.permits.clone().acquire_owned().await.map_err(|_| ServerError::Unavailable("pool closed".into()))?;
        let pool = Arc::clone(self);
        let joined = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let conn = pool.idle.lock().map_err(|_| ServerError::Unavailable("pool poisoned".into()))?.pop();
            let conn = match conn {
                Some(c) => c,
                None => (pool.open)()?,
            };
            let result = f(conn.as_ref());
            // A connection whose query failed is still good: SQLite errors do not poison it.
            if let Ok(mut idle) = pool.idle.lock() {
                idle.push(conn);
            }
            result
        })
        .await;
        joined.map_err(|e| ServerError::Unavailable(format!("query task failed: {e}")))?
    }
}
