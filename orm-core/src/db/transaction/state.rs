//! The connection under a transaction and the levels open on it, shared by the handles of
//! its savepoints, and what a cancelled future leaves behind.

use std::sync::atomic::AtomicBool;

use sqlx_core::transaction::TransactionManager as _;
use tokio::sync::Mutex;

use crate::db::StatementSettings;
use crate::db::options::{IsolationLevel, TransactionOptions};
use crate::db::writer_queue::WriterTurn;
use crate::{Dialect, Error, Result, TransactionState};

/// What every handle of one transaction shares.
pub(super) struct Shared {
    pub(super) state: Mutex<State>,
    /// Levels whose handle was dropped while the connection was busy; whoever takes the
    /// state next rolls them back before anything else.
    pub(super) dropped: std::sync::Mutex<Vec<u64>>,
    /// Set while a stream reads on the connection.
    pub(super) streaming: AtomicBool,
    /// Set once a statement that may write ran (anything but a plain read): its commit
    /// starts the read-your-writes window, when there is one.
    pub(super) wrote: AtomicBool,
    pub(super) dialect: Dialect,
    pub(super) settings: StatementSettings,
}

/// The connection and the levels open on it. The ORM keeps this bookkeeping itself:
/// sqlx's own count lags behind on SQLite (the connection's worker applies a queued
/// rollback later), and ids tell a savepoint from a later one at the same depth.
pub(super) struct State {
    pub(super) conn: Conn,
    /// The ids of the open levels, outermost first.
    pub(super) levels: Vec<u64>,
    pub(super) next_id: u64,
    /// What the connection is working on. Set before the work is sent and cleared when
    /// its result is in, so a mark found afterwards means the future that did the work
    /// was dropped half-way.
    pub(super) in_flight: Option<InFlight>,
    /// SQLite only: the connection was switched to `query_only` for a read-only
    /// transaction (the pool switches it back on release).
    #[cfg(feature = "sqlite")]
    pub(super) query_only: bool,
    /// SQLite only: this process's turn to write (see `writer_queue`), held until the
    /// outermost level commits or rolls back (or is dropped). The next writer may find
    /// this connection not yet back in the pool; it takes another.
    pub(super) writer: Option<WriterTurn>,
}

/// Work whose future, if dropped half-way, leaves the transaction in an unknown state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum InFlight {
    /// A statement: what it changed is unknown until its level is rolled back.
    Statement,
    /// `BEGIN`, `COMMIT`, `ROLLBACK` or a savepoint statement: whether it happened is
    /// unknown, so the transaction is abandoned.
    Settle,
    /// A `COPY … FROM STDIN`: a statement, but one cut off may have left half a message
    /// on the wire, so its connection is never used again (the server rolls back).
    Copy,
}

/// The pooled connection the transaction runs on.
pub(super) type Conn = crate::per_backend::PerBackend<crate::per_backend::ConnKind>;

/// Runs `$body` with `$c` bound to the driver's connection and `$db` to its sqlx database.
macro_rules! with_conn {
    ($conn:expr, $c:ident, $db:ident => $body:expr) => {
        crate::per_backend::per_backend!($conn, pooled, $db => {
            let $c = &mut **pooled;
            $body
        })
    };
}
pub(super) use with_conn;

pub(super) type Manager<DB> = <DB as sqlx::Database>::TransactionManager;

impl Conn {
    /// Whether the driver picks up where a dropped future left off. MySQL's does not (it
    /// reads a packet's header and body in two steps), so a MySQL connection interrupted
    /// half-way is closed, never reused.
    fn resumes_after_cancel(&self) -> bool {
        match self {
            #[cfg(feature = "mysql")]
            Conn::MySql(_) => false,
            #[allow(unreachable_patterns)]
            _ => true,
        }
    }

    /// Closes the connection when it is dropped instead of returning it to the pool.
    fn close_on_drop(&mut self) {
        crate::per_backend::per_backend!(self, pooled, _DB => pooled.close_on_drop())
    }
}

pub(super) fn ended() -> Error {
    Error::Transaction(TransactionState::Ended)
}

pub(super) fn savepoint_open() -> Error {
    Error::Transaction(TransactionState::SavepointOpen)
}

pub(super) fn abandoned() -> Error {
    Error::Transaction(TransactionState::Abandoned)
}

pub(super) fn interrupted() -> Error {
    Error::Transaction(TransactionState::Interrupted)
}

pub(super) fn stream_open() -> Error {
    Error::Transaction(TransactionState::StreamOpen)
}

impl State {
    pub(super) fn new(conn: Conn) -> State {
        State {
            conn,
            levels: Vec::new(),
            next_id: 1,
            in_flight: None,
            #[cfg(feature = "sqlite")]
            query_only: false,
            writer: None,
        }
    }

    /// Queues the rollback of every level beyond the first `keep`: synchronous, so it can
    /// run in `Drop`; the driver sends queued rollbacks before the next statement. A
    /// statement cut off half-way ran on the innermost level, so it is undone with it, as
    /// for an explicit rollback (see [`State::recover_for_rollback`]).
    pub(super) fn queue_rollback_to(&mut self, keep: usize) {
        if self.levels.len() <= keep || !self.recover_for_rollback(keep) {
            return;
        }
        while self.levels.len() > keep {
            with_conn!(&mut self.conn, c, DB => Manager::<DB>::start_rollback(c));
            self.levels.pop();
        }
        if self.levels.is_empty() {
            // The outermost level is rolled back: the next writer may go, even while
            // handles of savepoints keep this state alive.
            self.writer = None;
        }
    }

    /// Rolls back the levels of dropped handles (and the levels inside them).
    pub(super) fn apply_dropped(&mut self, dropped: &std::sync::Mutex<Vec<u64>>) {
        let ids = std::mem::take(&mut *dropped.lock().unwrap_or_else(|e| e.into_inner()));
        for id in ids {
            if let Some(position) = self.levels.iter().position(|l| *l == id) {
                self.queue_rollback_to(position);
            }
        }
    }

    /// Whether the level `id` at `depth` is still open.
    pub(super) fn is_open(&self, id: u64, depth: usize) -> bool {
        self.levels.get(depth - 1) == Some(&id)
    }

    /// Checks that statements may run on the level `id` at `depth`: nothing was left
    /// half-done, and the level is open and innermost.
    pub(super) fn check_innermost(&self, id: u64, depth: usize) -> Result<()> {
        match self.in_flight {
            Some(InFlight::Settle) => Err(abandoned()),
            Some(InFlight::Statement | InFlight::Copy) => Err(interrupted()),
            None if !self.is_open(id, depth) => Err(ended()),
            None if self.levels.len() > depth => Err(savepoint_open()),
            None => Ok(()),
        }
    }

    /// Runs `op` (a `BEGIN`, `COMMIT`, `ROLLBACK` or savepoint statement), marked in
    /// flight: if the future is dropped there, the mark stays and the transaction is
    /// abandoned.
    pub(super) async fn settle<T>(
        &mut self,
        op: impl AsyncFnOnce(&mut Conn) -> Result<T>,
    ) -> Result<T> {
        self.marked(InFlight::Settle, op).await
    }

    /// Runs the statement `op`, marked in flight: if the future is dropped there, the
    /// transaction refuses everything but a rollback.
    pub(super) async fn statement<T>(
        &mut self,
        op: impl AsyncFnOnce(&mut Conn) -> Result<T>,
    ) -> Result<T> {
        self.marked(InFlight::Statement, op).await
    }

    /// Runs the `COPY` `op`, marked in flight (see [`InFlight::Copy`]).
    pub(super) async fn copy<T>(
        &mut self,
        op: impl AsyncFnOnce(&mut Conn) -> Result<T>,
    ) -> Result<T> {
        self.marked(InFlight::Copy, op).await
    }

    /// Runs `op` with `work` marked in flight; the mark is cleared only when `op` ends.
    async fn marked<T>(
        &mut self,
        work: InFlight,
        op: impl AsyncFnOnce(&mut Conn) -> Result<T>,
    ) -> Result<T> {
        self.in_flight = Some(work);
        let result = op(&mut self.conn).await;
        self.in_flight = None;
        result
    }

    /// After the outermost level ended: switches an SQLite connection out of the
    /// `query_only` mode of a read-only transaction, so that the connection is clean
    /// before it returns to the pool (the pool's hook covers transactions that were
    /// dropped instead). A connection that cannot be switched back is closed.
    pub(super) async fn leave_query_only(&mut self) {
        #[cfg(feature = "sqlite")]
        if self.query_only && self.levels.is_empty() {
            let off = crate::db::sqlite_read_only::SWITCH_OFF;
            let switched = self
                .settle(async |conn| {
                    with_conn!(conn, c, DB => {
                        crate::db::run::execute::<DB>(&mut *c, off.into(), Vec::new(), true).await
                    })
                })
                .await;
            if switched.is_err() {
                self.conn.close_on_drop();
            }
            self.query_only = false;
            crate::db::sqlite_read_only::forget_one();
        }
    }

    /// Makes way for rolling back to `keep` levels after a statement was interrupted.
    /// Returns whether the rollback can go on as usual: a connection that resumes after
    /// a cancel can send the `ROLLBACK`, which restores a known state. One that cannot
    /// (MySQL) stays marked, so that it is closed and the server rolls back everything;
    /// the levels are dropped from the books and the outer ones refuse statements.
    pub(super) fn recover_for_rollback(&mut self, keep: usize) -> bool {
        if !matches!(self.in_flight, Some(InFlight::Statement | InFlight::Copy)) {
            return true;
        }
        if self.in_flight == Some(InFlight::Statement) && self.conn.resumes_after_cancel() {
            self.in_flight = None;
            return true;
        }
        self.levels.truncate(keep);
        false
    }
}

impl Drop for State {
    /// The last owner of the connection is gone: whatever is still open is rolled back
    /// before the connection returns to the pool, and a connection in an unknown state
    /// is closed.
    fn drop(&mut self) {
        let unknown = match self.in_flight {
            None => false,
            Some(InFlight::Settle | InFlight::Copy) => true,
            Some(InFlight::Statement) => !self.conn.resumes_after_cancel(),
        };
        if unknown {
            self.conn.close_on_drop();
            #[cfg(feature = "sqlite")]
            if self.query_only {
                crate::db::sqlite_read_only::forget_one();
            }
        }
        self.queue_rollback_to(0);
    }
}

/// The statement that opens a transaction with `options`, and one to run before it.
pub(super) fn begin_sql(
    dialect: Dialect,
    options: &TransactionOptions,
) -> Result<(Option<String>, Option<String>)> {
    let level = options.isolation.map(IsolationLevel::as_sql);
    Ok(dialect.begin(level, options.read_only))
}
