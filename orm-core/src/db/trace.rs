//! Statement tracing: a `tracing` span per statement with its SQL (values only when
//! asked), duration and outcome, the slow-statement warning, and the settings every
//! statement consults on its way to the driver.

use std::sync::Arc;
use std::time::Instant;

use futures_core::stream::BoxStream;
use tracing::Instrument;

use crate::{Dialect, Error, Result, Row, Statement, Value};

/// Settings every statement consults.
#[derive(Debug, Clone)]
pub(crate) struct StatementSettings {
    /// Statements slower than this are logged at WARN.
    pub(crate) slow_threshold: std::time::Duration,
    /// Whether statements are traced at all: spans, durations, slow-statement warnings
    /// (on by default; off, a statement costs nothing of this).
    pub(crate) trace: bool,
    /// Whether spans record the bound values (off by default: they may be secrets).
    pub(crate) log_values: bool,
    /// The database's URL, password redacted, for connection errors.
    pub(crate) url: Arc<str>,
    /// Told when a connection breaks, so that the pool checks the older ones.
    pub(crate) health: Arc<crate::db::health::Health>,
    /// MariaDB with its `UUID` type: UUIDs are bound as their text, which the type checks
    /// (given 16 bytes, it stores a value it cannot hold mangled rather than refuse it).
    #[cfg_attr(not(feature = "uuid"), allow(dead_code))]
    pub(crate) uuids_as_text: bool,
    /// Whether the server has `INSERT … RETURNING` (see `Executor::inserts_return`).
    pub(crate) inserts_return: bool,
    /// `"primary"` or `"replica"`, for the spans.
    pub(crate) role: &'static str,
    /// Told when a write ends, for the read-your-writes window (when one is set).
    pub(crate) writes: Option<Arc<crate::db::replicas::WriteClock>>,
    /// Behind a transaction-mode pooler (see `DatabaseOptions::transaction_pooler`):
    /// statements are prepared unnamed, never kept on a connection.
    pub(crate) pooler: bool,
    /// The database's name, for the models bound to one (see `DatabaseOptions::name`).
    pub(crate) name: Option<Arc<str>>,
}

impl StatementSettings {
    /// A write through these settings ended.
    pub(crate) fn wrote(&self) {
        if let Some(clock) = &self.writes {
            clock.wrote();
        }
    }
}

/// Rewrites the values of `st` as the server takes them (see `uuids_as_text`).
fn for_server(settings: &StatementSettings, st: &mut Statement) {
    values_for_server(settings, &mut st.values);
}

/// Rewrites `values` as the server takes them (see `uuids_as_text`).
pub(crate) fn values_for_server(settings: &StatementSettings, values: &mut [Value]) {
    #[cfg(feature = "uuid")]
    if settings.uuids_as_text {
        for value in values {
            if let Value::Uuid(uuid) = value {
                *value = Value::String(uuid.map(|u| u.hyphenated().to_string()));
            }
        }
    }
    #[cfg(not(feature = "uuid"))]
    let _ = (settings, values);
}

/// Runs one statement through `run` in a `tracing` span carrying its SQL (and its values
/// only when `log_values` is on) and, once done, its duration and outcome; logs it at WARN
/// when slower than the threshold, including when its future is dropped half-way.
pub(crate) async fn traced<T>(
    dialect: Dialect,
    settings: &StatementSettings,
    st: Statement,
    run: impl AsyncFnOnce(Arc<str>, Vec<crate::Value>) -> Result<T>,
) -> Result<T> {
    within_parameter_limit(dialect, &st)?;
    let mut st = st;
    for_server(settings, &mut st);
    let sql: Arc<str> = Arc::from(st.sql);
    let result = if settings.trace {
        let mut trace = Trace::start(dialect, settings, Arc::clone(&sql), &st.values, false);
        let result = run(sql, st.values).instrument(trace.span.clone()).await;
        trace.finish(if result.is_ok() { "ok" } else { "error" });
        result
    } else {
        run(sql, st.values).await
    };
    let result = result.map_err(|e| e.with_url(&settings.url));
    if let Err(Error::Connection { .. }) = &result {
        settings.health.broke();
    }
    result
}

/// Refuses a statement that binds more values than the backend takes, before it is sent:
/// PostgreSQL's driver would otherwise fail in a way that looks like a broken connection.
fn within_parameter_limit(dialect: Dialect, st: &Statement) -> Result<()> {
    let limit = dialect.max_parameters();
    if st.values.len() > limit {
        return Err(Error::TooManyParameters {
            count: st.values.len(),
            limit,
        });
    }
    Ok(())
}

/// Traces a transaction's `BEGIN`, `COMMIT`, `ROLLBACK` or savepoint statement, which the
/// driver writes itself, as a statement whose SQL is `operation`.
pub(crate) async fn traced_control<T>(
    dialect: Dialect,
    settings: &StatementSettings,
    operation: &'static str,
    run: impl AsyncFnOnce() -> Result<T>,
) -> Result<T> {
    let st = Statement {
        sql: operation.to_owned(),
        values: Vec::new(),
    };
    traced(dialect, settings, st, async |_, _| run().await).await
}

/// The span of one statement and the clock of its duration. The duration and outcome
/// are recorded once: when the statement ends, or when it is dropped unfinished
/// (`"cancelled"`).
struct Trace {
    span: tracing::Span,
    sql: Arc<str>,
    slow_threshold: std::time::Duration,
    start: Instant,
    finished: bool,
}

impl Trace {
    fn start(
        dialect: Dialect,
        settings: &StatementSettings,
        sql: Arc<str>,
        values: &[Value],
        stream: bool,
    ) -> Trace {
        let span = tracing::debug_span!(
            "orm.statement",
            db.system = dialect.name(),
            db.statement = &*sql,
            db.server = &*settings.url,
            db.role = settings.role,
            db.values = tracing::field::Empty,
            db.duration_us = tracing::field::Empty,
            db.outcome = tracing::field::Empty,
            stream,
        );
        if settings.log_values {
            span.record("db.values", tracing::field::debug(values));
        }
        Trace {
            span,
            sql,
            slow_threshold: settings.slow_threshold,
            start: Instant::now(),
            finished: false,
        }
    }

    /// Records the duration and `outcome` on the span, at WARN when slow.
    fn finish(&mut self, outcome: &'static str) {
        if std::mem::replace(&mut self.finished, true) {
            return;
        }
        let elapsed = self.start.elapsed();
        self.span
            .record("db.duration_us", saturating_u64(elapsed.as_micros()))
            .record("db.outcome", outcome);
        let _entered = self.span.enter();
        if elapsed >= self.slow_threshold {
            tracing::warn!(
                elapsed_ms = saturating_u64(elapsed.as_millis()),
                sql = &*self.sql,
                outcome,
                "slow statement"
            );
        } else {
            tracing::debug!(
                elapsed_us = saturating_u64(elapsed.as_micros()),
                outcome,
                "statement done"
            );
        }
    }
}

impl Drop for Trace {
    fn drop(&mut self) {
        self.finish("cancelled");
    }
}

/// A duration count as `u64`, which `tracing` records (half a million years in µs).
fn saturating_u64(n: u128) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// A stream's statement, checked and traced: `rows` starts reading it and hands its rows
/// to [`StreamTrace::wrap`]. The span carries the statement's SQL and is entered while
/// the rows are polled until the first one arrives (the statement's run on the server);
/// the duration runs from here to the end of the rows, or to the stream being dropped
/// (`"cancelled"` if rows were left), and is checked against the slow threshold as for
/// any statement. Per row, nothing but a check of the outcome.
pub(crate) fn traced_stream<'a>(
    dialect: Dialect,
    settings: &StatementSettings,
    st: Statement,
    rows: impl FnOnce(Statement, StreamTrace) -> BoxStream<'a, Result<Row>>,
) -> BoxStream<'a, Result<Row>> {
    if let Err(e) = within_parameter_limit(dialect, &st) {
        return Box::pin(futures_util::stream::once(std::future::ready(Err(e))));
    }
    let mut st = st;
    for_server(settings, &mut st);
    let trace = settings.trace.then(|| {
        Trace::start(
            dialect,
            settings,
            Arc::from(st.sql.as_str()),
            &st.values,
            true,
        )
    });
    rows(
        st,
        StreamTrace {
            trace,
            url: Arc::clone(&settings.url),
        },
    )
}

/// The trace of one stream's statement (none when tracing is off), until its rows are
/// wrapped in it.
pub(crate) struct StreamTrace {
    trace: Option<Trace>,
    url: Arc<str>,
}

impl StreamTrace {
    /// The statement's span, for work done elsewhere on its behalf.
    pub(crate) fn span(&self) -> tracing::Span {
        self.trace
            .as_ref()
            .map_or_else(tracing::Span::none, |t| t.span.clone())
    }

    /// `rows`, traced: the one box between the driver's stream and the caller.
    pub(crate) fn wrap<'a>(
        self,
        rows: impl futures_core::Stream<Item = Result<Row>> + Send + Unpin + 'a,
    ) -> BoxStream<'a, Result<Row>> {
        Box::pin(TracedStream {
            rows,
            trace: self.trace,
            url: self.url,
            ok: true,
            started: false,
        })
    }
}

struct TracedStream<S> {
    rows: S,
    trace: Option<Trace>,
    url: Arc<str>,
    ok: bool,
    /// A row has arrived: the statement ran, the span is no longer entered.
    started: bool,
}

impl<S: futures_core::Stream<Item = Result<Row>> + Unpin> futures_core::Stream for TracedStream<S> {
    type Item = Result<Row>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use futures_util::StreamExt;
        use std::task::Poll;
        let this = &mut *self;
        let polled = match &this.trace {
            Some(trace) if !this.started => {
                let _entered = trace.span.enter();
                this.rows.poll_next_unpin(cx)
            }
            _ => this.rows.poll_next_unpin(cx),
        };
        match polled {
            Poll::Ready(Some(Ok(row))) => {
                this.started = true;
                Poll::Ready(Some(Ok(row)))
            }
            Poll::Ready(Some(Err(e))) => {
                this.ok = false;
                Poll::Ready(Some(Err(e.with_url(&this.url))))
            }
            Poll::Ready(None) => {
                if let Some(trace) = &mut this.trace {
                    trace.finish(if this.ok { "ok" } else { "error" });
                }
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}
