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
//! and the next statement takes it back without the pool. The rules that keep this from
//! costing anyone a connection:
//!
//! - only completed statements park (a statement cut off half-way releases its connection
//!   through sqlx, which checks it), and a broken connection never does;
//! - a connection is not parked while the pool is full with none idle (another task may be
//!   waiting for exactly this one);
//! - a transaction takes the parked connection before asking the pool; a stream, code
//!   that asks for the pool (`Database::postgres_pool`…) and `close` release it first;
//! - a connection parked for over a second, or passed from statement to statement for a
//!   minute, goes back to the pool, whose idle timeout, lifetime and checks then apply;
//! - with a pool of one connection, or `test_before_acquire`, nothing is parked;
//! - once the `Database` is closed, nothing is parked or taken.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::Error;
use crate::per_backend::{ConnKind, PerBackend};

/// How long one connection may be passed from statement to statement before it goes back
/// to the pool once.
const KEEP_FOR: Duration = Duration::from_secs(60);

/// How long a parked connection may sit unused and still be taken: past it, the pool's
/// own checks are due.
pub(crate) const IDLE_FOR: Duration = Duration::from_secs(1);

/// A connection of any backend, taken from the pool.
pub(crate) type Conn = PerBackend<ConnKind>;

/// A parked connection: since when it has been kept, and when it was parked last.
struct Parked {
    conn: Conn,
    since: Instant,
    at: Instant,
}

/// At most one parked connection.
pub(crate) struct Warm {
    slot: Mutex<Slot>,
    /// Whether parking is on at all (see the module's rules).
    enabled: bool,
}

#[derive(Default)]
struct Slot {
    parked: Option<Parked>,
    closed: bool,
}

impl Warm {
    pub(crate) fn new(max_connections: u32, test_before_acquire: bool) -> Warm {
        Warm {
            slot: Mutex::new(Slot::default()),
            enabled: max_connections > 1 && !test_before_acquire,
        }
    }

    /// The parked connection, if any is fit to use, with the time it was first parked.
    pub(crate) fn take(&self) -> Option<(Conn, Instant)> {
        if !self.enabled {
            return None;
        }
        let parked = self.slot.lock().ok()?.parked.take()?;
        // Unused for a while: back to the pool (dropped here, outside the lock).
        (parked.at.elapsed() <= IDLE_FOR).then_some((parked.conn, parked.since))
    }

    /// Parks `conn` after a statement that ended with `result`, unless a rule above says
    /// it goes back to the pool (it is then dropped, which releases it). `pool_full`: the
    /// pool has no idle connection and no room for another.
    pub(crate) fn park<T>(
        &self,
        conn: Conn,
        since: Option<Instant>,
        pool_full: bool,
        result: &crate::Result<T>,
    ) {
        if !self.enabled || pool_full || matches!(result, Err(Error::Connection { .. })) {
            return;
        }
        let now = Instant::now();
        let since = since.unwrap_or(now);
        if now.duration_since(since) > KEEP_FOR {
            return;
        }
        let Ok(mut slot) = self.slot.lock() else {
            return;
        };
        if slot.parked.is_none() && !slot.closed {
            slot.parked = Some(Parked {
                conn,
                since,
                at: now,
            });
        }
    }

    /// Whether parking is on: the `Database` then runs [`Warm::release_idle`] each second.
    pub(crate) fn enabled(&self) -> bool {
        self.enabled
    }

    /// Releases the parked connection if it has sat unused for over a second; `false`
    /// once the `Database` is closed (nothing more to look after).
    pub(crate) fn release_idle(&self) -> bool {
        let Ok(mut slot) = self.slot.lock() else {
            return false;
        };
        let idle = slot
            .parked
            .as_ref()
            .is_some_and(|p| p.at.elapsed() > IDLE_FOR);
        let parked = if idle { slot.parked.take() } else { None };
        let open = !slot.closed;
        drop(slot);
        drop(parked);
        open
    }

    /// Whether the `Database` is closed.
    pub(crate) fn is_closed(&self) -> bool {
        self.slot.lock().map(|s| s.closed).unwrap_or(true)
    }

    /// Releases the parked connection to the pool (before the pool is used directly).
    pub(crate) fn release(&self) {
        let parked = self.slot.lock().ok().and_then(|mut s| s.parked.take());
        drop(parked);
    }

    /// Releases the parked connection and parks nothing more.
    pub(crate) fn close(&self) {
        let parked = self.slot.lock().ok().and_then(|mut s| {
            s.closed = true;
            s.parked.take()
        });
        drop(parked);
    }
}

impl Drop for Warm {
    fn drop(&mut self) {
        // sqlx returns a dropped connection through a spawned task: without a runtime
        // (a `Database` dropped after its runtime) the connection is closed here instead.
        if tokio::runtime::Handle::try_current().is_err()
            && let Some(parked) = self.slot.get_mut().ok().and_then(|s| s.parked.take())
        {
            crate::per_backend::per_backend!(parked.conn, conn, _DB => drop(conn.detach()));
        }
    }
}

/// Whether `pool` has no idle connection and no room to open one.
pub(crate) fn pool_full<DB: sqlx::Database>(pool: &sqlx::Pool<DB>) -> bool {
    pool.num_idle() == 0 && pool.size() >= pool.options().get_max_connections()
}
