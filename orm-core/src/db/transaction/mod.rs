//! Transactions: one connection, all-or-nothing, nested as savepoints.

mod state;
mod stream;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use futures_core::stream::BoxStream;
use sqlx_core::transaction::TransactionManager as _;
use tokio::sync::Mutex;

#[cfg(any(feature = "postgres", feature = "mysql"))]
use crate::db::acquire::acquire;
use crate::db::options::TransactionOptions;
use crate::db::writer_queue::WriterTurn;
use crate::db::{Executor, Pool, StatementSettings, run, traced, traced_control};
use crate::{Dialect, Result, Row, Statement, Value};
use state::{Conn, InFlight, Manager, Shared, State, with_conn};

/// A database transaction: every statement run on it uses its one connection, and its
/// changes become visible to others only when the outermost transaction commits.
///
/// - **Dropping a transaction without committing rolls it back**, also when the future
///   that owns it is cancelled or panics: the rollback is queued on the connection
///   (sqlx sends it before anything else), so a connection never returns to the pool
///   mid-transaction.
/// - **Nested transactions are savepoints**: [`Transaction::begin`] on a transaction
///   starts one; committing it keeps its work inside the outer transaction, rolling it
///   back (or dropping it) undoes only its own work.
/// - Statements take `&Transaction`, so one transaction can be passed to several calls
///   in a row; they run one at a time on its connection. While a savepoint is open,
///   statements go through the savepoint: the outer transaction refuses them (and
///   another `begin`) with [`Error::Transaction`](crate::Error::Transaction) until the savepoint is committed,
///   rolled back or dropped.
/// - While a [`stream`](crate::query::Select::stream) reads on the transaction, other
///   statements on it fail with [`Error::Transaction`](crate::Error::Transaction) rather than wait for a stream
///   that cannot move on: read it to the end or drop it first.
/// - If `commit`, `rollback` or `begin` is cancelled while the database works on it, the
///   outcome is unknown: the transaction is abandoned (later calls fail) and its
///   connection is closed instead of going back to the pool.
/// - If a statement's future is dropped while the statement runs (a timeout, a
///   `select!`), what it changed is unknown: the transaction then refuses statements and
///   `commit` with [`Error::Transaction`](crate::Error::Transaction), and `rollback` (or dropping it) undoes the
///   level the statement ran on. A savepoint rolled back this way leaves its outer
///   transaction usable, except on MySQL, whose connection cannot be reused after an
///   interrupted read: there the whole transaction is rolled back by closing it.
///
/// ```
/// use orm_core::prelude::*;
///
/// #[derive(Model)]
/// struct Note {
///     #[orm(primary_key)]
///     id: i64,
///     text: String,
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> orm_core::Result<()> {
/// let db = Database::connect("sqlite::memory:").await?;
/// db.create_tables(&[Note::table_def()]).await?;
///
/// let tx = db.begin().await?;
/// Note { id: 0, text: "kept".into() }.insert(&tx).await?;
/// let savepoint = tx.begin().await?;
/// Note { id: 0, text: "undone".into() }.insert(&savepoint).await?;
/// savepoint.rollback().await?;
/// tx.commit().await?;
/// assert_eq!(Note::query().count(&db).await?, 1);
/// # Ok(())
/// # }
/// ```
pub struct Transaction {
    shared: Arc<Shared>,
    /// Identifies this level among the levels the connection has had open.
    id: u64,
    /// 1 for the outermost transaction, 2 for its first savepoint, and so on.
    depth: usize,
    finished: bool,
}

impl Transaction {
    pub(crate) async fn start(
        pool: &Pool,
        warm: Option<Conn>,
        dialect: Dialect,
        settings: StatementSettings,
        options: TransactionOptions,
        writer: Option<WriterTurn>,
    ) -> Result<Self> {
        let (before, mut begin) = state::begin_sql(dialect, &options)?;
        if settings.pooler
            && let Some(setup) = dialect.pooled_transaction_setup()
            && !settings.url.to_ascii_lowercase().contains("timezone")
        {
            // Behind a transaction-mode pooler the session state set at connect may
            // belong to another client's connection: each transaction sets its own, in
            // the same round trip as its BEGIN.
            let start = begin.take().unwrap_or_else(|| "BEGIN".to_owned());
            begin = Some(format!("{start}; {setup}"));
        }
        let only_begin = before.is_none();
        let acquired: Result<Conn> = async {
            if let Some(conn) = warm {
                return Ok(conn);
            }
            Ok(match pool {
                #[cfg(feature = "sqlite")]
                Pool::Sqlite(p) => Conn::Sqlite(p.acquire().await?),
                #[cfg(feature = "postgres")]
                Pool::Postgres(p) => Conn::Postgres(acquire(p, &settings.health).await?),
                #[cfg(feature = "mysql")]
                Pool::MySql(p) => Conn::MySql(acquire(p, &settings.health).await?),
            })
        }
        .await;
        let conn = acquired.map_err(|e| {
            if matches!(e, crate::Error::Connection { .. }) {
                settings.health.broke();
            }
            e.with_url(&settings.url)
        })?;
        let mut state = State::new(conn);
        state.writer = writer;
        // Marked until BEGIN succeeds, and left marked when it fails: a connection left
        // with MySQL's pending isolation level, or half-way through BEGIN, is closed
        // rather than reused.
        state.in_flight = Some(InFlight::Settle);
        traced_control(dialect, &settings, "BEGIN", async || {
            with_conn!(&mut state.conn, c, DB => {
                if let Some(sql) = before {
                    run::execute::<DB>(&mut *c, sql.into(), Vec::new(), !settings.pooler).await?;
                }
                let begin = begin.map(|s| sqlx::SqlSafeStr::into_sql_str(sqlx::AssertSqlSafe(s)));
                Manager::<DB>::begin(c, begin).await?;
            });
            Ok(())
        })
        .await
        .inspect_err(|e| {
            // A `BEGIN IMMEDIATE` that found the database busy (another process writes)
            // began nothing: the connection is clean and may go back to the pool.
            if only_begin && dialect.single_writer() && matches!(e, crate::Error::Busy { .. }) {
                state.in_flight = None;
            }
        })?;
        state.in_flight = None;
        #[cfg(feature = "sqlite")]
        if dialect.read_only_by_switch() && options.read_only {
            crate::db::sqlite_read_only::switched_on();
            state.query_only = true;
        }
        state.levels.push(1);
        state.next_id = 2;
        Ok(Transaction {
            shared: Arc::new(Shared {
                state: Mutex::new(state),
                dropped: std::sync::Mutex::new(Vec::new()),
                streaming: AtomicBool::new(false),
                wrote: AtomicBool::new(false),
                dialect,
                settings,
            }),
            id: 1,
            depth: 1,
            finished: false,
        })
    }

    /// Takes the connection's state, after rolling back the levels of dropped handles.
    async fn lock(&self) -> Result<tokio::sync::MutexGuard<'_, State>> {
        if self.shared.streaming.load(Ordering::Acquire) {
            return Err(state::stream_open());
        }
        let mut state = self.shared.state.lock().await;
        state.apply_dropped(&self.shared.dropped);
        Ok(state)
    }

    /// Runs one statement on the connection: traced, on the innermost open level, and
    /// marked in flight while it runs (see [`State::statement`]).
    async fn on_connection<T>(
        &self,
        st: Statement,
        op: impl AsyncFnOnce(&mut Conn, Arc<str>, Vec<Value>) -> Result<T>,
    ) -> Result<T> {
        let shared = &self.shared;
        if shared.settings.writes.is_some()
            && (crate::db::retry::is_raw() || !crate::db::replicas::is_plain_read(&st))
        {
            shared.wrote.store(true, Ordering::Relaxed);
        }
        traced(shared.dialect, &shared.settings, st, async |sql, values| {
            let mut state = self.lock().await?;
            state.check_innermost(self.id, self.depth)?;
            state
                .statement(async |conn| op(conn, sql, values).await)
                .await
        })
        .await
    }

    /// Starts a nested transaction: a savepoint inside this one.
    pub async fn begin(&self) -> Result<Transaction> {
        let mut state = self.lock().await?;
        state.check_innermost(self.id, self.depth)?;
        let shared = &self.shared;
        traced_control(shared.dialect, &shared.settings, "SAVEPOINT", async || {
            state
                .settle(async |conn| {
                    with_conn!(conn, c, DB => Manager::<DB>::begin(c, None).await?);
                    Ok(())
                })
                .await
        })
        .await?;
        let id = state.next_id;
        state.next_id += 1;
        state.levels.push(id);
        Ok(Transaction {
            shared: Arc::clone(&self.shared),
            id,
            depth: self.depth + 1,
            finished: false,
        })
    }

    /// Runs `work` in a nested transaction (a savepoint): released when `work` returns
    /// `Ok`, rolled back when it returns `Err` or panics. The outer transaction goes on
    /// either way.
    pub async fn transaction<T, F>(&self, work: F) -> Result<T>
    where
        F: AsyncFnOnce(&Transaction) -> Result<T>,
    {
        let nested = self.begin().await?;
        finish(nested, work).await
    }

    /// Another handle to this transaction's level, whose drop rolls nothing back: what a
    /// session inside the application's transaction holds (it runs statements and
    /// savepoints through it, and never commits or rolls back the level itself).
    /// Statements through it fail once the level has ended.
    pub(crate) fn handle(&self) -> Transaction {
        Transaction {
            shared: Arc::clone(&self.shared),
            id: self.id,
            depth: self.depth,
            finished: true,
        }
    }

    /// The SQL dialect of the transaction's backend.
    pub fn dialect(&self) -> Dialect {
        self.shared.dialect
    }

    /// Whether this is a savepoint inside another transaction.
    pub fn is_nested(&self) -> bool {
        self.depth > 1
    }

    /// Makes the transaction's changes permanent: visible to others for the outermost
    /// transaction, part of the enclosing one for a savepoint. As SQL's `COMMIT` does, it
    /// keeps the work of savepoints still open inside it (their handles then refuse
    /// statements).
    pub async fn commit(self) -> Result<()> {
        self.end(true).await
    }

    /// Undoes the transaction's changes (for a savepoint, only its own), with those of
    /// any savepoint still open inside it.
    pub async fn rollback(self) -> Result<()> {
        self.end(false).await
    }

    /// Commits or rolls back this level and the levels still open inside it, innermost
    /// first and one at a time, so that the driver's own count stays right.
    async fn end(mut self, commit: bool) -> Result<()> {
        let mut state = self.lock().await?;
        if state.in_flight == Some(InFlight::Settle) {
            return Err(state::abandoned());
        }
        if !state.is_open(self.id, self.depth) {
            return Err(state::ended());
        }
        let keep = self.depth - 1;
        if matches!(state.in_flight, Some(InFlight::Statement | InFlight::Copy)) && commit {
            return Err(state::interrupted());
        }
        let resumed = state.recover_for_rollback(keep);
        let shared = &self.shared;
        while resumed && state.levels.len() > keep {
            let operation = match (commit, state.levels.len()) {
                (true, 1) => "COMMIT",
                (false, 1) => "ROLLBACK",
                (true, _) => "RELEASE SAVEPOINT",
                (false, _) => "ROLLBACK TO SAVEPOINT",
            };
            traced_control(shared.dialect, &shared.settings, operation, async || {
                state
                    .settle(async |conn| {
                        with_conn!(conn, c, DB => if commit {
                            Manager::<DB>::commit(c).await?
                        } else {
                            Manager::<DB>::rollback(c).await?
                        });
                        Ok(())
                    })
                    .await
            })
            .await?;
            state.levels.pop();
        }
        state.leave_query_only().await;
        if state.levels.is_empty() {
            state.writer = None;
            if commit && shared.wrote.load(Ordering::Relaxed) {
                shared.settings.wrote();
            }
        }
        drop(state);
        self.finished = true;
        Ok(())
    }
}

/// Commits `tx` when `work` succeeds, rolls it back when it fails. A panic in `work`
/// drops `tx`, which rolls it back.
pub(crate) async fn finish<T, F>(tx: Transaction, work: F) -> Result<T>
where
    F: AsyncFnOnce(&Transaction) -> Result<T>,
{
    match work(&tx).await {
        Ok(value) => {
            tx.commit().await?;
            Ok(value)
        }
        Err(e) => {
            // The error that ended the work matters more than a failed rollback; a
            // connection whose rollback failed is not reused.
            let _ = tx.rollback().await;
            Err(e)
        }
    }
}

impl Drop for Transaction {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        match self.shared.state.try_lock() {
            Ok(mut state) => {
                state.apply_dropped(&self.shared.dropped);
                if state.is_open(self.id, self.depth) {
                    state.queue_rollback_to(self.depth - 1);
                }
            }
            // The connection is busy (a statement or a stream of another task): the next
            // user of the state rolls this level back first.
            Err(_) => self
                .shared
                .dropped
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(self.id),
        }
    }
}

impl std::fmt::Debug for Transaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transaction")
            .field("dialect", &self.shared.dialect)
            .field("depth", &self.depth)
            .finish_non_exhaustive()
    }
}

impl crate::db::executor::sealed::Sealed for Transaction {}

impl Executor for Transaction {
    fn dialect(&self) -> Dialect {
        self.shared.dialect
    }

    fn inserts_return(&self) -> bool {
        self.shared.settings.inserts_return
    }

    fn database_name(&self) -> Option<&str> {
        self.shared.settings.name.as_deref()
    }

    async fn fetch_all_with<T: Send, F: FnMut(Row) -> Result<T> + Send>(
        &self,
        st: Statement,
        mut decode: F,
    ) -> Result<Vec<T>> {
        let keep = !self.shared.settings.pooler;
        self.on_connection(st, async |conn, sql, values| {
            with_conn!(conn, c, DB => run::fetch_all::<DB, T>(c, sql, values, keep, &mut decode).await)
        })
        .await
    }

    async fn fetch_optional(&self, st: Statement) -> Result<Option<Row>> {
        let keep = !self.shared.settings.pooler;
        self.on_connection(st, async |conn, sql, values| {
            with_conn!(conn, c, DB => run::fetch_optional::<DB>(c, sql, values, keep).await)
        })
        .await
    }

    async fn execute(&self, st: Statement) -> Result<u64> {
        let keep = !self.shared.settings.pooler;
        self.on_connection(st, async |conn, sql, values| {
            with_conn!(conn, c, DB => run::execute::<DB>(c, sql, values, keep).await)
        })
        .await
    }

    async fn insert_returning_key(&self, st: Statement, key: &'static str) -> Result<i64> {
        let keep = !self.shared.settings.pooler;
        self.on_connection(st, async |conn, sql, values| {
            with_conn!(conn, c, DB => {
                run::insert_returning_key::<DB>(c, sql, values, keep, key).await
            })
        })
        .await
    }

    async fn nested(&self) -> Result<Option<Transaction>> {
        self.begin().await.map(Some)
    }

    #[cfg_attr(not(feature = "postgres"), allow(unused_variables))]
    async fn copy_in(&self, sql: String, data: Vec<u8>) -> Result<Option<u64>> {
        let shared = &self.shared;
        shared.wrote.store(true, Ordering::Relaxed);
        let st = Statement {
            sql,
            values: Vec::new(),
        };
        traced(shared.dialect, &shared.settings, st, async |sql, _| {
            let mut state = self.lock().await?;
            state.check_innermost(self.id, self.depth)?;
            state
                .copy(async |conn| match conn {
                    #[cfg(feature = "postgres")]
                    Conn::Postgres(c) => {
                        let mut copy = c.copy_in_raw(&sql).await?;
                        copy.send(data).await?;
                        Ok(Some(copy.finish().await?))
                    }
                    #[allow(unreachable_patterns)]
                    _ => Ok(None),
                })
                .await
        })
        .await
    }

    fn fetch_stream(&self, st: Statement) -> BoxStream<'_, Result<Row>> {
        stream::fetch_stream(self, st)
    }
}
