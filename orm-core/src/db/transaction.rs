//! Transactions: one connection, all-or-nothing, nested as savepoints.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use futures_core::stream::BoxStream;
use futures_util::StreamExt;
use sqlx_core::transaction::TransactionManager as _;
use tokio::sync::Mutex;

use crate::db::executor::traced_stream;
use crate::db::options::{IsolationLevel, TransactionOptions};
use crate::db::{Executor, Pool, StatementSettings, run, traced};
use crate::{Dialect, Error, Result, Row, Statement};

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
///   another `begin`) with [`Error::InvalidQuery`] until the savepoint is committed,
///   rolled back or dropped.
/// - While a [`stream`](crate::query::Select::stream) reads on the transaction, other
///   statements on it fail with [`Error::InvalidQuery`] rather than wait for a stream
///   that cannot move on: read it to the end or drop it first.
/// - If `commit`, `rollback` or `begin` is cancelled while the database works on it, the
///   outcome is unknown: the transaction is abandoned (later calls fail) and its
///   connection is closed instead of going back to the pool.
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

struct Shared {
    state: Mutex<State>,
    /// Levels whose handle was dropped while the connection was busy; whoever takes the
    /// state next rolls them back before anything else.
    dropped: std::sync::Mutex<Vec<u64>>,
    /// Set while a stream reads on the connection.
    streaming: AtomicBool,
    dialect: Dialect,
    settings: StatementSettings,
}

/// The connection and the levels open on it. The ORM keeps this bookkeeping itself:
/// sqlx's own count lags behind on SQLite (the connection's worker applies a queued
/// rollback later), and ids tell a savepoint from a later one at the same depth.
struct State {
    conn: Conn,
    /// The ids of the open levels, outermost first.
    levels: Vec<u64>,
    next_id: u64,
    /// Set while a `BEGIN`, `COMMIT`, `ROLLBACK` or savepoint statement is in flight; still
    /// set afterwards only if that future was cancelled, when nobody knows its outcome.
    in_doubt: bool,
}

/// The pooled connection the transaction runs on.
enum Conn {
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::pool::PoolConnection<sqlx::Sqlite>),
    #[cfg(feature = "postgres")]
    Postgres(sqlx::pool::PoolConnection<sqlx::Postgres>),
    #[cfg(feature = "mysql")]
    MySql(sqlx::pool::PoolConnection<sqlx::MySql>),
}

/// Runs `$body` with `$c` bound to the driver's connection and `$db` to its sqlx database.
macro_rules! with_conn {
    ($conn:expr, $c:ident, $db:ident => $body:expr) => {
        match $conn {
            #[cfg(feature = "sqlite")]
            Conn::Sqlite(pooled) => {
                type $db = sqlx::Sqlite;
                let $c = &mut **pooled;
                $body
            }
            #[cfg(feature = "postgres")]
            Conn::Postgres(pooled) => {
                type $db = sqlx::Postgres;
                let $c = &mut **pooled;
                $body
            }
            #[cfg(feature = "mysql")]
            Conn::MySql(pooled) => {
                type $db = sqlx::MySql;
                let $c = &mut **pooled;
                $body
            }
        }
    };
}

type Manager<DB> = <DB as sqlx::Database>::TransactionManager;

fn ended() -> Error {
    Error::InvalidQuery("the transaction has already ended".into())
}

fn savepoint_open() -> Error {
    Error::InvalidQuery(
        "a savepoint of this transaction is still open: commit or roll it back first".into(),
    )
}

fn abandoned() -> Error {
    Error::InvalidQuery(
        "the transaction was abandoned: a commit, rollback or savepoint was cancelled while \
         the database worked on it, so its outcome is unknown"
            .into(),
    )
}

fn stream_open() -> Error {
    Error::InvalidQuery(
        "a stream is reading on this transaction: read it to the end or drop it first".into(),
    )
}

impl State {
    /// Queues the rollback of every level beyond the first `keep`: synchronous, so it can
    /// run in `Drop`; the driver sends queued rollbacks before the next statement.
    fn queue_rollback_to(&mut self, keep: usize) {
        while self.levels.len() > keep {
            with_conn!(&mut self.conn, c, DB => Manager::<DB>::start_rollback(c));
            self.levels.pop();
        }
    }

    /// Rolls back the levels of dropped handles (and the levels inside them).
    fn apply_dropped(&mut self, dropped: &std::sync::Mutex<Vec<u64>>) {
        let ids = std::mem::take(&mut *dropped.lock().unwrap_or_else(|e| e.into_inner()));
        for id in ids {
            if let Some(position) = self.levels.iter().position(|l| *l == id) {
                self.queue_rollback_to(position);
            }
        }
    }

    /// Whether `tx`'s level is still open.
    fn is_open(&self, tx: &Transaction) -> bool {
        self.levels.get(tx.depth - 1) == Some(&tx.id)
    }

    /// Checks that statements may run on `tx`: its level is open and innermost.
    fn check_innermost(&self, tx: &Transaction) -> Result<()> {
        if self.in_doubt {
            Err(abandoned())
        } else if !self.is_open(tx) {
            Err(ended())
        } else if self.levels.len() > tx.depth {
            Err(savepoint_open())
        } else {
            Ok(())
        }
    }

    /// Runs `op` (a `BEGIN`, `COMMIT`, `ROLLBACK` or savepoint statement), marking the
    /// state in doubt while it is in flight: if the future is dropped there, the mark
    /// stays and the transaction is abandoned.
    async fn settle<T>(&mut self, op: impl AsyncFnOnce(&mut Conn) -> Result<T>) -> Result<T> {
        self.in_doubt = true;
        let result = op(&mut self.conn).await;
        self.in_doubt = false;
        result
    }
}

impl Drop for State {
    /// The last owner of the connection is gone: whatever is still open is rolled back
    /// before the connection returns to the pool, and a connection in doubt is closed.
    fn drop(&mut self) {
        if self.in_doubt {
            match &mut self.conn {
                #[cfg(feature = "sqlite")]
                Conn::Sqlite(pooled) => pooled.close_on_drop(),
                #[cfg(feature = "postgres")]
                Conn::Postgres(pooled) => pooled.close_on_drop(),
                #[cfg(feature = "mysql")]
                Conn::MySql(pooled) => pooled.close_on_drop(),
            }
        }
        self.queue_rollback_to(0);
    }
}

/// The statement that opens a transaction with `options`, and one to run before it.
fn begin_sql(
    dialect: Dialect,
    options: &TransactionOptions,
) -> Result<(Option<String>, Option<String>)> {
    let level = options.isolation.map(IsolationLevel::as_sql);
    match dialect {
        Dialect::Postgres => {
            let mut sql = String::from("BEGIN");
            if let Some(level) = level {
                sql.push_str(" ISOLATION LEVEL ");
                sql.push_str(level);
            }
            if options.read_only {
                sql.push_str(" READ ONLY");
            }
            Ok((None, (sql != "BEGIN").then_some(sql)))
        }
        // MySQL sets the level of the next transaction with a statement of its own.
        Dialect::MySql => Ok((
            level.map(|l| format!("SET TRANSACTION ISOLATION LEVEL {l}")),
            options
                .read_only
                .then(|| "START TRANSACTION READ ONLY".to_owned()),
        )),
        Dialect::Sqlite => {
            if options.read_only {
                return Err(Error::Config(
                    "read-only transactions are not supported on SQLite".into(),
                ));
            }
            // SQLite transactions are serializable, which satisfies every level.
            Ok((None, None))
        }
    }
}

impl Transaction {
    pub(crate) async fn start(
        pool: &Pool,
        dialect: Dialect,
        settings: StatementSettings,
        options: TransactionOptions,
    ) -> Result<Self> {
        let (before, begin) = begin_sql(dialect, &options)?;
        let conn = match pool {
            #[cfg(feature = "sqlite")]
            Pool::Sqlite(p) => Conn::Sqlite(p.acquire().await?),
            #[cfg(feature = "postgres")]
            Pool::Postgres(p) => Conn::Postgres(p.acquire().await?),
            #[cfg(feature = "mysql")]
            Pool::MySql(p) => Conn::MySql(p.acquire().await?),
        };
        let mut state = State {
            conn,
            levels: Vec::new(),
            next_id: 1,
            in_doubt: false,
        };
        // In doubt until BEGIN succeeds: a connection left with MySQL's pending isolation
        // level, or half-way through BEGIN, is closed rather than reused.
        state.in_doubt = true;
        with_conn!(&mut state.conn, c, DB => {
            if let Some(sql) = before {
                run::execute::<DB>(&mut *c, sql.into(), Vec::new()).await?;
            }
            let begin = begin.map(|s| sqlx::SqlSafeStr::into_sql_str(sqlx::AssertSqlSafe(s)));
            Manager::<DB>::begin(c, begin).await?;
        });
        state.in_doubt = false;
        state.levels.push(1);
        state.next_id = 2;
        Ok(Transaction {
            shared: Arc::new(Shared {
                state: Mutex::new(state),
                dropped: std::sync::Mutex::new(Vec::new()),
                streaming: AtomicBool::new(false),
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
            return Err(stream_open());
        }
        let mut state = self.shared.state.lock().await;
        state.apply_dropped(&self.shared.dropped);
        Ok(state)
    }

    /// Starts a nested transaction: a savepoint inside this one.
    pub async fn begin(&self) -> Result<Transaction> {
        let mut state = self.lock().await?;
        state.check_innermost(self)?;
        state
            .settle(async |conn| {
                with_conn!(conn, c, DB => Manager::<DB>::begin(c, None).await?);
                Ok(())
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
        if state.in_doubt {
            return Err(abandoned());
        }
        if !state.is_open(&self) {
            return Err(ended());
        }
        let keep = self.depth - 1;
        while state.levels.len() > keep {
            state
                .settle(async |conn| {
                    with_conn!(conn, c, DB => if commit {
                        Manager::<DB>::commit(c).await?
                    } else {
                        Manager::<DB>::rollback(c).await?
                    });
                    Ok(())
                })
                .await?;
            state.levels.pop();
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
                if state.is_open(self) {
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

impl Executor for Transaction {
    fn dialect(&self) -> Dialect {
        self.shared.dialect
    }

    async fn fetch_all(&self, st: Statement) -> Result<Vec<Row>> {
        let shared = &self.shared;
        traced(shared.dialect, &shared.settings, st, async |sql, values| {
            let mut state = self.lock().await?;
            state.check_innermost(self)?;
            with_conn!(&mut state.conn, c, DB => run::fetch_all::<DB>(c, sql, values).await)
        })
        .await
    }

    async fn fetch_optional(&self, st: Statement) -> Result<Option<Row>> {
        let shared = &self.shared;
        traced(shared.dialect, &shared.settings, st, async |sql, values| {
            let mut state = self.lock().await?;
            state.check_innermost(self)?;
            with_conn!(&mut state.conn, c, DB => run::fetch_optional::<DB>(c, sql, values).await)
        })
        .await
    }

    async fn execute(&self, st: Statement) -> Result<u64> {
        let shared = &self.shared;
        traced(shared.dialect, &shared.settings, st, async |sql, values| {
            let mut state = self.lock().await?;
            state.check_innermost(self)?;
            with_conn!(&mut state.conn, c, DB => run::execute::<DB>(c, sql, values).await)
        })
        .await
    }

    async fn insert_returning_key(&self, st: Statement, key: &'static str) -> Result<i64> {
        let shared = &self.shared;
        let dialect = shared.dialect;
        traced(dialect, &shared.settings, st, async |sql, values| {
            let mut state = self.lock().await?;
            state.check_innermost(self)?;
            with_conn!(&mut state.conn, c, DB => {
                run::insert_returning_key::<DB>(c, dialect, sql, values, key).await
            })
        })
        .await
    }

    /// The rows come from a task that holds the connection while the stream is read; the
    /// bounded channel keeps memory flat, and dropping the stream ends the task.
    fn fetch_stream(&self, st: Statement) -> BoxStream<'_, Result<Row>> {
        let dialect = self.shared.dialect;
        let sql = st.sql.clone();
        if self.shared.streaming.swap(true, Ordering::AcqRel) {
            return futures_util::stream::once(async { Err(stream_open()) }).boxed();
        }
        let shared = Arc::clone(&self.shared);
        let (id, depth) = (self.id, self.depth);
        let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Row>>(64);
        tokio::spawn(async move {
            let mut state = shared.state.lock().await;
            state.apply_dropped(&shared.dropped);
            let open = !state.in_doubt && state.levels.get(depth - 1) == Some(&id);
            let mut rows = if !open {
                futures_util::stream::once(async { Err(ended()) }).boxed()
            } else if state.levels.len() > depth {
                futures_util::stream::once(async { Err(savepoint_open()) }).boxed()
            } else {
                with_conn!(&mut state.conn, c, DB => run::fetch_stream::<DB>(c, st))
            };
            loop {
                // Stop as soon as the reader is gone, even while waiting for a row.
                let row = tokio::select! {
                    row = rows.next() => row,
                    () = sender.closed() => None,
                };
                let Some(row) = row else { break };
                if sender.send(row).await.is_err() {
                    break;
                }
            }
        });
        let rows = RowReceiver {
            receiver,
            shared: Arc::clone(&self.shared),
        };
        traced_stream(dialect, &sql, rows.boxed())
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
