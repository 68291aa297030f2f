//! Streaming rows on a transaction's connection.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use futures_core::stream::BoxStream;
use futures_util::StreamExt;
use tracing::Instrument;

use super::Transaction;
use super::state::{Shared, stream_open, with_conn};
use crate::db::run;
use crate::db::trace::traced_stream;
use crate::{Result, Row, Statement};

/// How many rows the reading task may be ahead of the reader.
const ROWS_AHEAD: usize = 64;

/// The rows come from a task that holds the connection while the stream is read; the
/// bounded channel keeps memory flat, and dropping the stream ends the task.
pub(super) fn fetch_stream(tx: &Transaction, st: Statement) -> BoxStream<'_, Result<Row>> {
    if tx.shared.streaming.swap(true, Ordering::AcqRel) {
        return futures_util::stream::once(async { Err(stream_open()) }).boxed();
    }
    let shared = &tx.shared;
    traced_stream(shared.dialect, &shared.settings, st, |st, trace| {
        let rows = read_in_task(tx, st, trace.span());
        trace.wrap(rows)
    })
}

/// Starts the task that reads the rows of `st` on the transaction's connection, in the
/// statement's span.
fn read_in_task(tx: &Transaction, st: Statement, span: tracing::Span) -> RowReceiver {
    let shared = Arc::clone(&tx.shared);
    let (id, depth) = (tx.id, tx.depth);
    let keep = !shared.settings.pooler;
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Row>>(ROWS_AHEAD);
    tokio::spawn(
        async move {
            let mut state = shared.state.lock().await;
            state.apply_dropped(&shared.dropped);
            if let Err(e) = state.check_innermost(id, depth) {
                let _ = sender.send(Err(e)).await;
                return;
            }
            let _ = state
                .statement(async |conn| {
                    let mut rows =
                        with_conn!(conn, c, DB => run::fetch_stream::<DB>(c, st, keep).boxed());
                    // Every row is read whole, even after the reader has gone: a read cut
                    // half-way would leave a MySQL connection out of step with the server.
                    // Rows left unread are skipped by the driver before the next statement.
                    while let Some(row) = rows.next().await {
                        if sender.send(row).await.is_err() {
                            break;
                        }
                    }
                    Ok(())
                })
                .await;
        }
        .instrument(span),
    );
    RowReceiver {
        receiver,
        shared: Arc::clone(&tx.shared),
    }
}

/// The reading end of a transaction's stream: the transaction accepts other statements
/// again once it is exhausted or dropped.
struct RowReceiver {
    receiver: tokio::sync::mpsc::Receiver<Result<Row>>,
    shared: Arc<Shared>,
}

impl futures_core::Stream for RowReceiver {
    type Item = Result<Row>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        let next = self.receiver.poll_recv(cx);
        if let std::task::Poll::Ready(None) = next {
            self.shared.streaming.store(false, Ordering::Release);
        }
        next
    }
}

impl Drop for RowReceiver {
    fn drop(&mut self) {
        self.shared.streaming.store(false, Ordering::Release);
    }
}
