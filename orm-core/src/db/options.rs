//! Connection options: the URL, pool sizing and timeouts.

use std::time::Duration;

use crate::Result;
use crate::db::Database;

/// How to connect: made by [`Database::options`], finished by [`DatabaseOptions::connect`].
///
/// ```
/// use std::time::Duration;
/// use orm_core::Database;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> orm_core::Result<()> {
/// let db = Database::options("sqlite::memory:")
///     .max_connections(1)
///     .acquire_timeout(Duration::from_secs(5))
///     .connect()
///     .await?;
/// assert_eq!(db.dialect(), orm_core::Dialect::Sqlite);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct DatabaseOptions {
    pub(crate) url: String,
    pub(crate) max_connections: Option<u32>,
    pub(crate) min_connections: Option<u32>,
    pub(crate) acquire_timeout: Duration,
    pub(crate) idle_timeout: Option<Duration>,
    pub(crate) max_lifetime: Option<Duration>,
    pub(crate) test_before_acquire: bool,
    pub(crate) slow_statement_threshold: Duration,
    pub(crate) sqlite_busy_timeout: Duration,
    pub(crate) trace_statements: bool,
    pub(crate) log_values: bool,
    pub(crate) name: Option<String>,
    pub(crate) replicas: Vec<String>,
    pub(crate) replica_max_lag: Duration,
    pub(crate) replica_check_interval: Duration,
    pub(crate) read_your_writes: Option<Duration>,
    pub(crate) transaction_pooler: bool,
}

impl std::fmt::Debug for DatabaseOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseOptions")
            .field("url", &crate::redact_url(&self.url))
            .field("max_connections", &self.max_connections)
            .field("min_connections", &self.min_connections)
            .field("acquire_timeout", &self.acquire_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("max_lifetime", &self.max_lifetime)
            .field("test_before_acquire", &self.test_before_acquire)
            .field("name", &self.name)
            .field(
                "replicas",
                &self
                    .replicas
                    .iter()
                    .map(|u| crate::redact_url(u))
                    .collect::<Vec<_>>(),
            )
            .field("transaction_pooler", &self.transaction_pooler)
            .finish_non_exhaustive()
    }
}

impl DatabaseOptions {
    pub(crate) fn new(url: &str) -> Self {
        DatabaseOptions {
            url: url.to_owned(),
            max_connections: None,
            min_connections: None,
            acquire_timeout: Duration::from_secs(30),
            idle_timeout: Some(Duration::from_secs(600)),
            max_lifetime: Some(Duration::from_secs(1800)),
            test_before_acquire: false,
            slow_statement_threshold: Duration::from_secs(1),
            sqlite_busy_timeout: Duration::from_secs(5),
            trace_statements: true,
            log_values: false,
            name: None,
            replicas: Vec::new(),
            replica_max_lag: Duration::from_secs(10),
            replica_check_interval: Duration::from_secs(2),
            read_your_writes: None,
            transaction_pooler: false,
        }
    }

    /// The most connections the pool opens (default: 10; 1 for an in-memory SQLite
    /// database, whose connections would otherwise lock each other's tables). With one
    /// connection, a statement on the `Database` while a transaction (or a stream) holds
    /// it waits for it, and fails with `PoolTimedOut` after the acquire timeout: run it
    /// on the transaction instead.
    pub fn max_connections(mut self, n: u32) -> Self {
        self.max_connections = Some(n);
        self
    }

    /// Connections the pool keeps open even when idle (default: 0).
    pub fn min_connections(mut self, n: u32) -> Self {
        self.min_connections = Some(n);
        self
    }

    /// How long a statement waits for a free connection before failing with
    /// [`Error::PoolTimedOut`](crate::Error::PoolTimedOut) (default: 30 s). Also bounds
    /// how long `connect` tries to reach the server.
    pub fn acquire_timeout(mut self, timeout: Duration) -> Self {
        self.acquire_timeout = timeout;
        self
    }

    /// Idle connections are closed after this long (default: 10 minutes; `None`: never).
    pub fn idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// Connections are replaced after this long (default: 30 minutes; `None`: never).
    pub fn max_lifetime(mut self, lifetime: Option<Duration>) -> Self {
        self.max_lifetime = lifetime;
        self
    }

    /// Pings each connection as it leaves the pool (default: off). Off saves a round trip
    /// per statement on PostgreSQL and MySQL; a connection that broke while idle then
    /// fails its next statement with [`Error::Connection`](crate::Error::Connection)
    /// instead of being replaced silently.
    pub fn test_before_acquire(mut self, test: bool) -> Self {
        self.test_before_acquire = test;
        self
    }

    /// Statements slower than this are logged at WARN (default: 1 s).
    pub fn slow_statement_threshold(mut self, threshold: Duration) -> Self {
        self.slow_statement_threshold = threshold;
        self
    }

    /// Whether each statement gets its `tracing` span (`orm.statement`, with its SQL,
    /// duration and outcome) and the slow-statement warning (default: on). Off, a
    /// statement pays nothing for them, not even the clock: for hot paths whose
    /// statements are traced elsewhere (or not at all). A subscriber that filters the
    /// spans out (no DEBUG for `orm_core`) already makes them cheap, not free.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// let db = orm_core::Database::options("sqlite::memory:")
    ///     .trace_statements(false)
    ///     .connect()
    ///     .await?;
    /// # let _ = db;
    /// # Ok(())
    /// # }
    /// ```
    pub fn trace_statements(mut self, on: bool) -> Self {
        self.trace_statements = on;
        self
    }

    /// Records the bound values of each statement in its `tracing` span (default: off,
    /// since values may be passwords or personal data).
    pub fn log_values(mut self, on: bool) -> Self {
        self.log_values = on;
        self
    }

    /// How long SQLite waits for a lock held by another connection (default: 5 s).
    pub fn sqlite_busy_timeout(mut self, timeout: Duration) -> Self {
        self.sqlite_busy_timeout = timeout;
        self
    }

    /// A read replica of this database (a PostgreSQL hot standby, a MySQL replica) at
    /// `url`, same backend; call once per replica. Reads of the query builder outside a
    /// transaction then go to a replica, round-robin among the healthy ones; everything
    /// else goes to the primary (the URL given to [`Database::options`]): writes,
    /// transactions, raw SQL, and reads on [`Database::primary`]. See the README's
    /// "Scaling out".
    ///
    /// A replica that cannot be reached, or that lags more than
    /// [`replica_max_lag`](Self::replica_max_lag), is skipped, and checked again every
    /// [`replica_check_interval`](Self::replica_check_interval); a read it fails with a
    /// connection error runs again on the primary, so the application sees no error. With
    /// no healthy replica, reads go to the primary. A replica that is down when the
    /// database connects does not fail the connect, which waits for the first check (at
    /// most one interval). A replica's pool waits for a connection no longer than the
    /// interval (at least 1 s): a read that would wait longer runs on the primary.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let primary = format!("sqlite://{}", dir.path().join("app.db").display());
    /// # let replica = primary.clone();
    /// let db = orm_core::Database::options(&primary)
    ///     .replica(&replica)
    ///     .connect()
    ///     .await?;
    /// assert_eq!(db.replica_urls().len(), 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn replica(mut self, url: &str) -> Self {
        self.replicas.push(url.to_owned());
        self
    }

    /// How far behind the primary a replica may be and still serve reads (default: 10 s).
    /// PostgreSQL: the age of the last transaction the standby replayed, 0 when it has
    /// replayed all it received; MySQL: `Seconds_Behind_Source`.
    pub fn replica_max_lag(mut self, lag: Duration) -> Self {
        self.replica_max_lag = lag;
        self
    }

    /// How often each replica's health and lag are checked (default: 2 s); also how long
    /// one check may take.
    pub fn replica_check_interval(mut self, interval: Duration) -> Self {
        self.replica_check_interval = interval.max(Duration::from_millis(10));
        self
    }

    /// Reads through this `Database` go to the primary for `window` after any write
    /// through it (a statement, or a transaction's commit), so that an application sees
    /// its own writes before the replicas have replayed them (default: off). Sessions and
    /// transactions that wrote read from the primary anyway.
    pub fn read_your_writes(mut self, window: Duration) -> Self {
        self.read_your_writes = Some(window);
        self
    }

    /// The database is reached through a transaction-mode pooler such as PgBouncer
    /// (`pool_mode = transaction`), which may hand each transaction another server
    /// connection (default: off; PostgreSQL only). Every statement then runs inside a
    /// transaction of its own (`BEGIN` … `COMMIT`, two more round trips for a statement
    /// outside a transaction), is prepared unnamed and not kept, and the session's time
    /// zone is set per transaction (`SET LOCAL`), since session state does not survive a
    /// transaction. See the README's "Scaling out" for the pooler's own settings.
    pub fn transaction_pooler(mut self, on: bool) -> Self {
        self.transaction_pooler = on;
        self
    }

    /// Names this database, for models bound to it with `#[orm(database = "name")]`:
    /// [`create_all`](Database::create_all) creates those models' tables (and only those),
    /// and a statement or transaction that would reach a model of another database fails
    /// with [`Error::OtherDatabase`](crate::Error::OtherDatabase). Without a name, a
    /// database serves the models that name none.
    pub fn name(mut self, name: &str) -> Self {
        self.name = Some(name.to_owned());
        self
    }

    /// Opens the pool and checks that the database answers.
    pub async fn connect(self) -> Result<Database> {
        Database::connect_with(self).await
    }
}

/// The isolation level of a transaction.
///
/// SQLite runs every transaction serializably, which satisfies any level asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IsolationLevel {
    /// `READ UNCOMMITTED`
    ReadUncommitted,
    /// `READ COMMITTED` (PostgreSQL's default)
    ReadCommitted,
    /// `REPEATABLE READ` (MySQL's default)
    RepeatableRead,
    /// `SERIALIZABLE`
    Serializable,
}

impl IsolationLevel {
    pub(crate) fn as_sql(self) -> &'static str {
        match self {
            IsolationLevel::ReadUncommitted => "READ UNCOMMITTED",
            IsolationLevel::ReadCommitted => "READ COMMITTED",
            IsolationLevel::RepeatableRead => "REPEATABLE READ",
            IsolationLevel::Serializable => "SERIALIZABLE",
        }
    }
}

/// How [`Database::begin_with`] and [`Database::transaction_with`] run a transaction.
///
/// ```
/// use std::time::Duration;
/// use orm_core::db::{IsolationLevel, TransactionOptions};
///
/// let options = TransactionOptions::new()
///     .isolation(IsolationLevel::Serializable)
///     .read_only(false)
///     .retries(5)
///     .backoff_base(Duration::from_millis(10));
/// assert_eq!(options.max_attempts(), 6);
/// ```
#[derive(Debug, Clone)]
pub struct TransactionOptions {
    pub(crate) isolation: Option<IsolationLevel>,
    pub(crate) read_only: bool,
    pub(crate) retries: u32,
    pub(crate) backoff_base: Duration,
}

impl Default for TransactionOptions {
    fn default() -> Self {
        TransactionOptions {
            isolation: None,
            read_only: false,
            retries: 0,
            backoff_base: Duration::from_millis(20),
        }
    }
}

impl TransactionOptions {
    /// The backend's default isolation, read-write, no retries.
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs at `level` instead of the backend's default.
    pub fn isolation(mut self, level: IsolationLevel) -> Self {
        self.isolation = Some(level);
        self
    }

    /// A read-only transaction: writes fail with a database error. PostgreSQL and MySQL
    /// have `READ ONLY` transactions; on SQLite the connection is switched to
    /// `PRAGMA query_only` for the transaction and back when it returns to the pool.
    pub fn read_only(mut self, read_only: bool) -> Self {
        self.read_only = read_only;
        self
    }

    /// How many times [`Database::transaction_with`] runs the work again after a
    /// transient failure (default: 0).
    pub fn retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }

    /// The pause before the first retry; it doubles with each one (default: 20 ms), with
    /// up to half of it added at random so that conflicting transactions drift apart.
    pub fn backoff_base(mut self, base: Duration) -> Self {
        self.backoff_base = base;
        self
    }

    /// The most times the work runs.
    pub fn max_attempts(&self) -> u32 {
        self.retries.saturating_add(1)
    }

    /// The pause after failed attempt number `attempt` (1-based).
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let exponential = self
            .backoff_base
            .saturating_mul(1 << attempt.saturating_sub(1).min(10));
        // Jitter from the clock: cheap, and enough to break the lockstep of two retriers.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        exponential.saturating_add(exponential.mul_f64(f64::from(nanos % 1000) / 2000.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_with_up_to_half_again_of_jitter() {
        let options = TransactionOptions::new().backoff_base(Duration::from_millis(10));
        for (attempt, doubled) in [(1, 10), (2, 20), (3, 40), (11, 10 << 10), (40, 10 << 10)] {
            let pause = options.backoff(attempt);
            let least = Duration::from_millis(doubled);
            assert!(
                pause >= least && pause <= least.mul_f64(1.5),
                "attempt {attempt}: {pause:?}"
            );
        }
    }
}
