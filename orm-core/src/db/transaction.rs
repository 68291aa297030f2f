//! Transactions: one connection, all-or-nothing, nested as savepoints.

use std::sync::Arc;

use futures_core::stream::BoxStream;
use futures_util::StreamExt;
use sqlx_core::transaction::TransactionManager as _;
use tokio::sync::Mutex;

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
///   in a row; they run one at a time on its connection.
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
    /// 1 for the outermost transaction, 2 for its first savepoint, and so on.
    depth: usize,
    finished: bool,
}

struct Shared {
    state: Mutex<State>,
    dialect: Dialect,
    settings: StatementSettings,
}

/// The connection and how many levels are open on it. The ORM counts levels itself:
/// sqlx's own count lags behind on SQLite, where a queued rollback is applied by the
/// connection's worker thread later.
struct State {
    conn: Conn,
    depth: usize,
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

impl State {
    /// Queues the rollback of every level from the innermost down to `depth`:
    /// synchronous, so it can run in `Drop`; the driver runs queued rollbacks before the
    /// next statement.
    fn queue_rollback_to(&mut self, depth: usize) {
        while self.depth >= depth.max(1) {
            with_conn!(&mut self.conn, c, DB => Manager::<DB>::start_rollback(c));
            self.depth -= 1;
        }
    }

    /// Rolls back every level above `depth` (savepoints left open inside it).
    async fn roll_back_above(&mut self, depth: usize) -> Result<()> {
        while self.depth > depth {
            with_conn!(&mut self.conn, c, DB => Manager::<DB>::rollback(c).await?);
            self.depth -= 1;
        }
        Ok(())
    }

    fn check_open(&self, depth: usize) -> Result<()> {
        if self.depth >= depth {
            Ok(())
        } else {
            Err(ended())
        }
    }
}

impl Drop for State {
    /// The last owner of the connection is gone: whatever is still open is rolled back
    /// before the connection can return to the pool.
    fn drop(&mut self) {
        self.queue_rollback_to(1);
    }
}

fn ended() -> Error {
    Error::InvalidQuery("the transaction has already ended".into())
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
        let mut conn = match pool {
            #[cfg(feature = "sqlite")]
            Pool::Sqlite(p) => Conn::Sqlite(p.acquire().await?),
            #[cfg(feature = "postgres")]
            Pool::Postgres(p) => Conn::Postgres(p.acquire().await?),
            #[cfg(feature = "mysql")]
            Pool::MySql(p) => Conn::MySql(p.acquire().await?),
        };
        with_conn!(&mut conn, c, DB => {
            if let Some(sql) = before {
                run::execute::<DB>(&mut *c, sql.into(), Vec::new()).await?;
            }
            let begin = begin.map(|s| sqlx::SqlSafeStr::into_sql_str(sqlx::AssertSqlSafe(s)));
            Manager::<DB>::begin(c, begin).await?;
        });
        Ok(Transaction {
            shared: Arc::new(Shared {
                state: Mutex::new(State { conn, depth: 1 }),
                dialect,
                settings,
            }),
            depth: 1,
            finished: false,
        })
    }

    /// Starts a nested transaction: a savepoint inside this one.
    pub async fn begin(&self) -> Result<Transaction> {
        let mut state = self.shared.state.lock().await;
        state.check_open(self.depth)?;
        state.roll_back_above(self.depth).await?;
        with_conn!(&mut state.conn, c, DB => Manager::<DB>::begin(c, None).await?);
        state.depth += 1;
        Ok(Transaction {
            shared: Arc::clone(&self.shared),
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
    /// transaction, part of the enclosing one for a savepoint. Savepoints of this
    /// transaction that are still open are rolled back first.
    pub async fn commit(mut self) -> Result<()> {
        self.finished = true;
        let mut state = self.shared.state.lock().await;
        state.check_open(self.depth)?;
        state.roll_back_above(self.depth).await?;
        with_conn!(&mut state.conn, c, DB => Manager::<DB>::commit(c).await?);
        state.depth -= 1;
        Ok(())
    }

    /// Undoes the transaction's changes (for a savepoint, only its own).
    pub async fn rollback(mut self) -> Result<()> {
        self.finished = true;
        let mut state = self.shared.state.lock().await;
        state.check_open(self.depth)?;
        state.roll_back_above(self.depth - 1).await
    }

    /// Locks the connection for one statement, checking the transaction is still open.
    async fn open_conn(&self) -> Result<tokio::sync::MutexGuard<'_, State>> {
        let state = self.shared.state.lock().await;
        state.check_open(self.depth)?;
        Ok(state)
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
            // The error that ended the work matters more than a failed rollback; sqlx
            // closes a connection whose rollback failed instead of reusing it.
            let _ = tx.rollback().await;
            Err(e)
        }
    }
}

impl Drop for Transaction {
    fn drop(&mut self) {
        // The outermost level is rolled back when the connection is released (`Conn`'s
        // drop); a savepoint must be undone now, as the connection lives on.
        if self.finished || self.depth == 1 {
            return;
        }
        let depth = self.depth;
        match self.shared.state.try_lock() {
            Ok(mut state) => state.queue_rollback_to(depth),
            // A statement of another task holds the connection: queue the rollback after it.
            Err(_) => {
                let shared = Arc::clone(&self.shared);
                if let Ok(handle) = tokio::runtime::Handle::try_current() {
                    handle.spawn(async move { shared.state.lock().await.queue_rollback_to(depth) });
                }
            }
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
            with_conn!(&mut self.open_conn().await?.conn, c, DB => run::fetch_all::<DB>(c, sql, values).await)
        })
        .await
    }

    async fn fetch_optional(&self, st: Statement) -> Result<Option<Row>> {
        let shared = &self.shared;
        traced(shared.dialect, &shared.settings, st, async |sql, values| {
            with_conn!(&mut self.open_conn().await?.conn, c, DB => run::fetch_optional::<DB>(c, sql, values).await)
        })
        .await
    }

    async fn execute(&self, st: Statement) -> Result<u64> {
        let shared = &self.shared;
        traced(shared.dialect, &shared.settings, st, async |sql, values| {
            with_conn!(&mut self.open_conn().await?.conn, c, DB => run::execute::<DB>(c, sql, values).await)
        })
        .await
    }

    async fn insert_returning_key(&self, st: Statement, key: &'static str) -> Result<i64> {
        let shared = &self.shared;
        let dialect = shared.dialect;
        traced(dialect, &shared.settings, st, async |sql, values| {
            with_conn!(&mut self.open_conn().await?.conn, c, DB => {
                run::insert_returning_key::<DB>(c, dialect, sql, values, key).await
            })
        })
        .await
    }

    /// The rows come from a task that holds the connection while the stream is read; the
    /// bounded channel keeps memory flat, and dropping the stream ends the task.
    fn fetch_stream(&self, st: Statement) -> BoxStream<'_, Result<Row>> {
        let shared = Arc::clone(&self.shared);
        let depth = self.depth;
        let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Row>>(64);
        tokio::spawn(async move {
            let mut state = shared.state.lock().await;
            let mut rows = match state.check_open(depth) {
                Err(e) => futures_util::stream::once(async { Err(e) }).boxed(),
                Ok(()) => with_conn!(&mut state.conn, c, DB => run::fetch_stream::<DB>(c, st)),
            };
            while let Some(row) = rows.next().await {
                if sender.send(row).await.is_err() {
                    break;
                }
            }
        });
        futures_util::stream::unfold(receiver, |mut r| async move {
            r.recv().await.map(|row| (row, r))
        })
        .boxed()
    }
}
