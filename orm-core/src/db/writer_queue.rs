//! SQLite's writers take turns inside the process, instead of in SQLite's busy handler.
//!
//! SQLite has one writer at a time. A second connection that wants to write waits in the
//! busy handler, which polls with sleeps of up to 100 ms: under eight concurrent writers a
//! unit that needs 1 ms waits hundreds. Write transactions of one [`Database`], and its
//! writes outside a transaction (`execute`, `insert`), therefore queue here, first come
//! first served, before they take a connection; the busy handler is left to arbitrate
//! with other processes, and with raw SQL that writes through `fetch_all`.
//!
//! [`Database`]: crate::Database

use std::sync::Arc;
use std::time::Duration;

use crate::{Error, Result};

/// One process's queue of SQLite write transactions.
#[derive(Debug)]
pub(crate) struct WriterQueue {
    lock: Arc<tokio::sync::Mutex<()>>,
    /// How long a writer waits for its turn: the busy timeout, as SQLite would.
    wait: Duration,
}

/// A write transaction's turn: the next one goes when this is dropped.
pub(crate) type WriterTurn = tokio::sync::OwnedMutexGuard<()>;

impl WriterQueue {
    pub(crate) fn new(wait: Duration) -> WriterQueue {
        WriterQueue {
            lock: Arc::new(tokio::sync::Mutex::new(())),
            wait,
        }
    }

    /// Waits for this writer's turn; [`Error::Busy`] after the busy timeout, as SQLite
    /// itself would answer (a writer of this process kept the database that long, or a
    /// task waits for a write transaction that it holds itself).
    pub(crate) async fn turn(&self) -> Result<WriterTurn> {
        tokio::time::timeout(self.wait, Arc::clone(&self.lock).lock_owned())
            .await
            .map_err(|_| Error::Busy {
                message: format!(
                    "another write transaction of this process held the database for longer \
                     than the busy timeout ({:?})",
                    self.wait
                ),
            })
    }
}
