//! The connection a `Database` keeps warm between its statements.
//!
//! sqlx's pool returns a released connection through a spawned task that pings it first
//! (a round trip to the server; on SQLite, a message to the connection's thread). A task
//! that runs statements one after another asks for its next connection while the last
//! one is still being pinged, finds none idle, and opens another: the pool grows to its
//! limit under a single task, every statement pays a ping on the side, and on SQLite each
//! statement lands on another connection's thread and page cache (measured: 1 000 gets by
//! key took twice as long through the pool as on one held connection).
//!
//! So a statement that ran to its end parks its connection here instead of releasing it,
//! and the next statement takes it back without the pool. Only completed statements park
//! (a statement cut off half-way releases its connection through sqlx, which checks it);
//! a broken connection is never parked. A transaction takes the parked connection before
//! asking the pool, and a stream, which the pool serves directly, releases it first, so
//! neither waits for a connection that nobody uses. A connection parked for a minute of
//! continuous use goes back to the pool once, so that the pool's `max_lifetime` and
//! health checks still see it. With a pool of one connection nothing is parked: code
//! using the pool directly (`Database::sqlite_pool`…) must not wait for it.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::Error;
use crate::per_backend::{ConnKind, PerBackend};

/// How long one connection may be passed from statement to statement before it goes back
/// to the pool once.
const KEEP_FOR: Duration = Duration::from_secs(60);

/// A connection of any backend, taken from the pool.
pub(crate) type Conn = PerBackend<ConnKind>;

/// At most one parked connection, and since when it has been kept.
pub(crate) struct Warm {
    slot: Mutex<Option<(Conn, Instant)>>,
    /// Whether parking is on (the pool holds more than one connection).
    enabled: bool,
}

impl Warm {
    pub(crate) fn new(max_connections: u32) -> Warm {
        Warm {
            slot: Mutex::new(None),
            enabled: max_connections > 1,
        }
    }

    /// The parked connection, if any, with the time it was first parked.
    pub(crate) fn take(&self) -> Option<(Conn, Instant)> {
        if !self.enabled {
            return None;
        }
        self.slot.lock().ok()?.take()
    }

    /// Parks `conn` after a statement that ended with `result`, unless the slot is taken,
    /// the connection broke, or it has been kept long enough (then it goes to the pool).
    pub(crate) fn park<T>(&self, conn: Conn, since: Option<Instant>, result: &crate::Result<T>) {
        if !self.enabled || matches!(result, Err(Error::Connection { .. })) {
            return;
        }
        let since = since.unwrap_or_else(Instant::now);
        if since.elapsed() > KEEP_FOR {
            return;
        }
        let Ok(mut slot) = self.slot.lock() else {
            return;
        };
        if slot.is_none() {
            *slot = Some((conn, since));
        }
    }

    /// Releases the parked connection to the pool (before the pool is used directly).
    pub(crate) fn release(&self) {
        drop(self.take());
    }
}
