//! Keeping pooled connections in step with the server when a future is dropped half-way.
//!
//! sqlx's MySQL driver reads a packet's header and its body in two steps. A statement
//! future dropped between them (a timeout, a `select!`, a cancelled request) leaves the
//! connection reading from the middle of a packet: its next user would wait forever or
//! read garbage. The PostgreSQL and SQLite drivers resume cleanly, so this applies to
//! MySQL only:
//!
//! - a statement runs on a connection taken from the pool by [`CloseIfInterrupted`],
//!   which closes it, rather than return it, if the statement does not complete;
//! - a stream dropped while a row is half-read finishes that row in the background
//!   ([`FinishRowOnDrop`]); the driver skips whole unread rows before the next statement.
//!
//! Transactions keep the same rule with their own bookkeeping (`transaction::state`).

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_core::stream::BoxStream;
use futures_util::StreamExt;

use crate::{Result, Row};

/// A pooled connection that is closed when dropped before [`completed`](Self::completed)
/// is called.
pub(crate) struct CloseIfInterrupted<DB: sqlx::Database> {
    /// Always `Some` until [`completed`](Self::completed) hands it back.
    conn: Option<sqlx::pool::PoolConnection<DB>>,
}

impl<DB: sqlx::Database> CloseIfInterrupted<DB> {
    pub(crate) fn new(conn: sqlx::pool::PoolConnection<DB>) -> Self {
        CloseIfInterrupted { conn: Some(conn) }
    }

    pub(crate) fn connection(&mut self) -> &mut DB::Connection {
        self.conn
            .as_mut()
            .expect("the connection until the statement completed")
    }

    /// The statement ran to its end: the connection, which may go back to the pool.
    pub(crate) fn completed(mut self) -> sqlx::pool::PoolConnection<DB> {
        self.conn.take().expect("completed once")
    }
}

impl<DB: sqlx::Database> Drop for CloseIfInterrupted<DB> {
    fn drop(&mut self) {
        if let Some(conn) = &mut self.conn {
            conn.close_on_drop();
        }
    }
}

/// A stream of rows that, dropped while a row is being read, lets a task finish reading
/// it, so that the connection stops between two rows.
pub(crate) struct FinishRowOnDrop {
    rows: Option<BoxStream<'static, Result<Row>>>,
    /// The last poll returned `Pending`: a row may be half-read.
    reading: bool,
}

impl FinishRowOnDrop {
    pub(crate) fn new(rows: BoxStream<'static, Result<Row>>) -> Self {
        FinishRowOnDrop {
            rows: Some(rows),
            reading: false,
        }
    }
}

impl Stream for FinishRowOnDrop {
    type Item = Result<Row>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let Some(rows) = self.rows.as_mut() else {
            return Poll::Ready(None);
        };
        let next = rows.poll_next_unpin(cx);
        self.reading = next.is_pending();
        if let Poll::Ready(None) = next {
            self.rows = None;
        }
        next
    }
}

impl Drop for FinishRowOnDrop {
    fn drop(&mut self) {
        if !self.reading {
            return;
        }
        // Without a runtime (dropped after shutdown) the connection goes down with it.
        if let (Some(mut rows), Ok(runtime)) =
            (self.rows.take(), tokio::runtime::Handle::try_current())
        {
            runtime.spawn(async move {
                let _ = rows.next().await;
            });
        }
    }
}
