//! The database handle over sqlx's pools, transactions, and the executor abstraction.

#[cfg(any(feature = "postgres", feature = "mysql"))]
mod acquire;
mod backend;
mod connect;
mod executor;
mod health;
#[cfg(feature = "mysql")]
mod interrupt;
mod options;
mod replicas;
mod retry;
pub(crate) mod run;
#[cfg(feature = "sqlite")]
mod sqlite_read_only;
mod trace;
mod transaction;
mod warm;
mod writer_queue;

use std::sync::Arc;

use futures_core::stream::BoxStream;

pub use executor::Executor;
pub use options::{DatabaseOptions, IsolationLevel, TransactionOptions};
pub(crate) use replicas::on_primary;
pub(crate) use retry::never_retried;
pub(crate) use trace::{StatementSettings, traced, traced_control};
pub use transaction::Transaction;

use crate::per_backend::PerBackend;
use crate::{Dialect, Result, Row, Statement};

/// A connection pool to one database, chosen at run time by the URL's scheme.
///
/// Cheap to clone: clones share the pool. Each backend keeps sqlx's own pool type, with
/// its full type support and its per-connection prepared-statement cache (no `sqlx::Any`).
///
/// ```
/// use orm_core::Database;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> orm_core::Result<()> {
/// let db = Database::connect("sqlite::memory:").await?;
/// assert_eq!(db.dialect(), orm_core::Dialect::Sqlite);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Database {
    inner: Arc<Inner>,
    /// Reads too go to the primary (see [`Database::primary`]).
    on_primary: bool,
}

/// A replica of a [`Database`] and whether it serves reads now (see
/// [`Database::replica_status`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReplicaStatus {
    /// The replica's URL, password redacted.
    pub url: String,
    /// Why reads skip it (down, lagging, not checked yet); `None` while it serves them.
    pub skipped_because: Option<String>,
}

struct Inner {
    pool: Pool,
    dialect: Dialect,
    /// The URL with its password redacted, for messages.
    url: String,
    settings: StatementSettings,
    /// SQLite files: write transactions take turns (see [`writer_queue`]).
    writers: Option<writer_queue::WriterQueue>,
    /// What the dialect's DDL names that this server lacks (see `ServerFeature`).
    lacked: Vec<crate::dialect::ServerFeature>,
    /// The connection kept between statements (see [`warm`]).
    warm: warm::Warm,
    /// The read replicas, if any (see [`replicas`]).
    replicas: Option<replicas::Replicas>,
}

/// What the server says of itself, asked once at connect: which of the dialect's
/// [`ServerFeature`]s it lacks, and whether it has `INSERT … RETURNING` where the dialect
/// does not promise it (the dialect's own answer otherwise).
///
/// [`ServerFeature`]: crate::dialect::ServerFeature
async fn probe_server(
    pool: &Pool,
    dialect: Dialect,
) -> Result<(Vec<crate::dialect::ServerFeature>, bool)> {
    let features = dialect.server_features();
    let mut probes: Vec<&'static str> = features.iter().map(|f| f.present).collect();
    probes.extend(dialect.returning_probe());
    let counts = probe_counts(pool, &probes).await?;
    let lacked = features
        .iter()
        .zip(&counts)
        .filter(|(_, present)| !**present)
        .map(|(feature, _)| *feature)
        .collect();
    let inserts_return = match dialect.returning_probe() {
        Some(_) => counts.last().copied().unwrap_or(false),
        None => dialect.has_returning(),
    };
    Ok((lacked, inserts_return))
}

/// Whether each of `probes`, queries of one count, counts anything on this server (asked
/// only of MySQL servers, whose versions differ in what they have), all on one
/// connection: probes on the pool would each take one while the last is on its way back.
async fn probe_counts(pool: &Pool, probes: &[&'static str]) -> Result<Vec<bool>> {
    match pool {
        #[cfg(feature = "mysql")]
        Pool::MySql(p) if !probes.is_empty() => {
            let mut conn = p.acquire().await?;
            let mut counts = Vec::with_capacity(probes.len());
            for probe in probes {
                let sql = sqlx::AssertSqlSafe(*probe);
                let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&mut *conn).await?;
                counts.push(n > 0);
            }
            Ok(counts)
        }
        _ => Ok(vec![true; probes.len()]),
    }
}

impl Inner {
    /// How many times a read of the query builder may run again (see `read_again!`):
    /// after a plan the schema changed under, once per connection the pool may hold (each
    /// may have prepared the statement before the change, and forgets it when refused);
    /// once elsewhere.
    fn read_tries(&self) -> u32 {
        match &self.pool {
            #[cfg(feature = "postgres")]
            Pool::Postgres(pool) => pool.options().get_max_connections().max(1),
            #[allow(unreachable_patterns)] // reachable when other backends are compiled in
            _ => 1,
        }
    }

    /// On SQLite, this process's turn to write (see [`writer_queue`]), for a write outside
    /// a transaction: it queues with the write transactions instead of polling in
    /// SQLite's busy handler while they pass the lock from one to the next.
    async fn write_turn(&self) -> Result<Option<writer_queue::WriterTurn>> {
        match &self.writers {
            Some(queue) => Ok(Some(queue.turn().await?)),
            None => Ok(None),
        }
    }
}

/// Refuses a statement over `model`, bound to `model_database`, on an executor of
/// another database (see [`DatabaseOptions::name`]).
pub(crate) fn check_database(
    exec: &(impl Executor + ?Sized),
    model: &'static str,
    model_database: Option<&'static str>,
) -> Result<()> {
    let database = exec.database_name();
    if database == model_database {
        return Ok(());
    }
    Err(crate::Error::OtherDatabase {
        model,
        model_database: model_database.map(str::to_owned),
        database: database.map(str::to_owned),
    })
}

/// [`check_database`] for model `M`.
pub(crate) fn check_model<M: crate::Model>(exec: &(impl Executor + ?Sized)) -> Result<()> {
    check_database(exec, M::META.name, M::META.database)
}

/// The pool of whichever backend the URL named.
pub(crate) type Pool = crate::per_backend::PerBackend<crate::per_backend::PoolKind>;

/// Runs `$body` with `$x` bound to a connection for one statement: the warm one (see
/// [`warm`]), else one from the pool, taken on the servers by [`acquire`] (which tells a
/// server that is down from an exhausted pool), on MySQL one that is closed if the
/// statement is dropped half-way (see [`interrupt`]). A statement that ran to its end
/// parks its connection warm again.
///
/// The arms are boxed: sqlx's acquire future is kilobytes large, and every statement
/// future that held it inline (twice, with the retry) was copied at each `.await` layer;
/// measured 18 KB for a `get`.
macro_rules! on_pool {
    ($inner:expr, $x:ident => $body:expr) => {
        match &$inner.pool {
            #[cfg(feature = "sqlite")]
            Pool::Sqlite(pool) => {
                Box::pin(async {
                    let (mut conn, since) = match $inner.warm.take() {
                        Some((PerBackend::Sqlite(conn), since)) => (conn, Some(since)),
                        _ => (pool.acquire().await?, None),
                    };
                    let $x = &mut *conn;
                    let result = $body;
                    let full = warm::pool_full(pool);
                    $inner.warm.park(PerBackend::Sqlite(conn), since, full, &result);
                    result
                })
                .await
            }
            #[cfg(feature = "postgres")]
            Pool::Postgres(pool) => {
                Box::pin(async {
                    let (mut conn, since) = match $inner.warm.take() {
                        Some((PerBackend::Postgres(conn), since)) => (conn, Some(since)),
                        _ => (acquire::acquire(pool, &$inner.settings.health).await?, None),
                    };
                    let $x = &mut *conn;
                    let result = $body;
                    if matches!(&result, Err(e) if retry::is_stale_plan(e)) {
                        // The schema changed under the connection's prepared statements
                        // (a migration): they go, so that the next statement prepares anew.
                        // A connection that cannot forget them is closed, not kept.
                        if sqlx::Connection::clear_cached_statements(&mut *conn).await.is_err() {
                            conn.close_on_drop();
                            return result;
                        }
                    }
                    let full = warm::pool_full(pool);
                    $inner.warm.park(PerBackend::Postgres(conn), since, full, &result);
                    result
                })
                .await
            }
            #[cfg(feature = "mysql")]
            Pool::MySql(pool) => {
                Box::pin(async {
                    let (conn, since) = match $inner.warm.take() {
                        Some((PerBackend::MySql(conn), since)) => (conn, Some(since)),
                        _ => (acquire::acquire(pool, &$inner.settings.health).await?, None),
                    };
                    let mut conn = interrupt::CloseIfInterrupted::new(conn);
                    let $x = conn.connection();
                    let result = $body;
                    let full = warm::pool_full(pool);
                    $inner.warm.park(PerBackend::MySql(conn.completed()), since, full, &result);
                    result
                })
                .await
            }
        }
    };
}

/// `$first`, or `$rerun` with the values of `$again` bound to `$values` when a read of
/// the query builder may run again (`retry::when_broken`): once after a broken
/// connection, up to [`Inner::read_tries`] times after a plan the schema changed under.
/// Nothing is cloned unless `$first` failed. (A macro: an async closure's future could not
/// be shown `Send` through a generic function.)
macro_rules! read_again {
    ($inner:expr, $first:expr, $again:expr, $values:ident => $rerun:expr) => {{
        let mut again = $again;
        let mut result = $first;
        for _ in 0..$inner.read_tries() {
            match retry::when_broken(result, &mut again, &$inner.settings) {
                Ok(done) => return done,
                Err($values) => result = $rerun,
            }
        }
        result
    }};
}

impl Database {
    /// Connects to `url`: `sqlite://app.db` (created if missing), `sqlite::memory:`,
    /// `postgres://user:pass@host/db`, `mysql://…` or `mariadb://…`. The backend is
    /// chosen by the URL at run time; PostgreSQL and MySQL need the crate's `postgres`
    /// and `mysql` features (SQLite is on by default).
    ///
    /// SQLite connections get what an application expects: foreign keys enforced, WAL
    /// journaling for files (readers do not block the writer), a 5 s busy timeout
    /// ([`DatabaseOptions::sqlite_busy_timeout`]), and a case-sensitive `LIKE` as on the
    /// other backends. `sqlite::memory:` is one database on a single connection, kept
    /// open for the pool's lifetime.
    ///
    /// Fails with [`Error::Config`](crate::Error::Config) for a URL it cannot use and
    /// [`Error::Connection`](crate::Error::Connection) when the server does not answer;
    /// neither message contains the password.
    pub async fn connect(url: &str) -> Result<Database> {
        Self::options(url).connect().await
    }

    /// Options for connecting to `url`: pool size, timeouts. See [`DatabaseOptions`].
    pub fn options(url: &str) -> DatabaseOptions {
        DatabaseOptions::new(url)
    }

    pub(crate) async fn connect_with(options: DatabaseOptions) -> Result<Database> {
        let dialect = Dialect::from_url(&options.url)?;
        crate::url::check(&options.url, dialect)?;
        if options.transaction_pooler && dialect.pooled_transaction_setup().is_none() {
            return Err(crate::Error::Config(format!(
                "transaction_pooler is for PostgreSQL behind PgBouncer; `{}` is {dialect}",
                crate::redact_url(&options.url)
            )));
        }
        let health = Arc::new(health::Health::default());
        let pool = connect::connect(&options, dialect, Arc::clone(&health), false).await?;
        let (lacked, inserts_return) = probe_server(&pool, dialect)
            .await
            .map_err(|e| e.with_url(&crate::redact_url(&options.url)))?;
        let replicas = Self::connect_replicas(&options, dialect, &lacked, inserts_return).await?;
        let db = Self::assemble(
            &options,
            dialect,
            pool,
            health,
            lacked,
            inserts_return,
            replicas,
        );
        db.release_idle_warm();
        if let Some(replicas) = &db.inner.replicas {
            for replica in replicas.list() {
                replica.db.release_idle_warm();
            }
            // Whether each replica may serve reads, known before the first read.
            replicas.check_all(&db.primary()).await;
            let every = replicas.check_every;
            let inner = Arc::downgrade(&db.inner);
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(every);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                tick.tick().await;
                loop {
                    tick.tick().await;
                    let Some(inner) = inner.upgrade() else { break };
                    let primary = Database {
                        inner,
                        on_primary: true,
                    };
                    match &primary.inner.replicas {
                        Some(replicas) if !primary.inner.warm.is_closed() => {
                            replicas.check_all(&primary).await
                        }
                        _ => break,
                    }
                }
            });
        }
        Ok(db)
    }

    /// Starts the task that gives an idle parked connection back to the pool (see
    /// [`warm`]); it ends with the `Database`.
    fn release_idle_warm(&self) {
        if !self.inner.warm.enabled() {
            return;
        }
        let inner = Arc::downgrade(&self.inner);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(warm::IDLE_FOR);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                match inner.upgrade() {
                    Some(inner) if inner.warm.release_idle() => {}
                    _ => break,
                }
            }
        });
    }

    /// A `Database` over `pool`, its settings taken from `options`.
    fn assemble(
        options: &DatabaseOptions,
        dialect: Dialect,
        pool: Pool,
        health: Arc<health::Health>,
        lacked: Vec<crate::dialect::ServerFeature>,
        inserts_return: bool,
        replicas: Option<replicas::Replicas>,
    ) -> Database {
        let uuids_as_text = dialect
            .server_features()
            .iter()
            .any(|f| f.uuids_as_text && !lacked.iter().any(|l| l.text == f.text));
        let max_connections = crate::per_backend::per_backend!(
            &pool, p, _DB => p.options().get_max_connections()
        );
        let writers = dialect
            .single_writer()
            .then(|| writer_queue::WriterQueue::new(options.sqlite_busy_timeout));
        let url = crate::redact_url(&options.url);
        Database {
            inner: Arc::new(Inner {
                pool,
                dialect,
                settings: StatementSettings {
                    slow_threshold: options.slow_statement_threshold,
                    trace: options.trace_statements,
                    log_values: options.log_values,
                    url: url.as_str().into(),
                    health,
                    uuids_as_text,
                    inserts_return,
                    // A replica's is set by `connect_replicas`.
                    role: "primary",
                    writes: options
                        .read_your_writes
                        .map(|window| Arc::new(replicas::WriteClock::new(window))),
                    pooler: options.transaction_pooler,
                    name: options.name.as_deref().map(Arc::from),
                },
                url,
                writers,
                lacked,
                warm: warm::Warm::new(max_connections, options.test_before_acquire),
                replicas,
            }),
            on_primary: false,
        }
    }

    /// The replicas `options` names, each a `Database` of its own whose pool opens its
    /// connections when first used, so that a replica that is down fails no connect.
    async fn connect_replicas(
        options: &DatabaseOptions,
        dialect: Dialect,
        lacked: &[crate::dialect::ServerFeature],
        inserts_return: bool,
    ) -> Result<Option<replicas::Replicas>> {
        if options.replicas.is_empty() {
            return Ok(None);
        }
        let mut list = Vec::with_capacity(options.replicas.len());
        for url in &options.replicas {
            let replica_dialect = Dialect::from_url(url)?;
            if replica_dialect != dialect {
                return Err(crate::Error::Config(format!(
                    "replica `{}` is {replica_dialect}, its primary {dialect}: a replica is the same backend",
                    crate::redact_url(url)
                )));
            }
            crate::url::check(url, dialect)?;
            if url.contains(":memory:") || url.contains("mode=memory") {
                return Err(crate::Error::Config(format!(
                    "replica `{url}` is an in-memory SQLite database: a new, empty one, not a copy"
                )));
            }
            let mut replica = options.clone();
            replica.url = url.clone();
            replica.replicas = Vec::new();
            replica.read_your_writes = None;
            // A read waits for a replica's connection no longer than a check takes: past
            // that, the primary serves it.
            replica.acquire_timeout = options.acquire_timeout.min(
                options
                    .replica_check_interval
                    .max(std::time::Duration::from_secs(1)),
            );
            let health = Arc::new(health::Health::default());
            let pool = connect::connect(&replica, dialect, Arc::clone(&health), true).await?;
            let mut db = Self::assemble(
                &replica,
                dialect,
                pool,
                health,
                lacked.to_vec(),
                inserts_return,
                None,
            );
            if let Some(inner) = Arc::get_mut(&mut db.inner) {
                inner.settings.role = "replica";
                // A replica takes no writes: no turn to queue for.
                inner.writers = None;
            }
            list.push(db);
        }
        Ok(Some(replicas::Replicas::new(
            list,
            options.replica_max_lag,
            options.replica_check_interval,
        )))
    }

    /// This database with every statement on the primary, reads included: for a read
    /// that must see a write the replicas may not have replayed yet, or that runs a
    /// function with effects. The same pool, not a new one; without replicas it changes
    /// nothing.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// let db = orm_core::Database::connect("sqlite::memory:").await?;
    /// let primary = db.primary();
    /// assert_eq!(primary.url(), db.url());
    /// # Ok(())
    /// # }
    /// ```
    pub fn primary(&self) -> Database {
        Database {
            inner: Arc::clone(&self.inner),
            on_primary: true,
        }
    }

    /// Whether statements go through a transaction-mode pooler (see
    /// [`DatabaseOptions::transaction_pooler`]).
    pub fn behind_transaction_pooler(&self) -> bool {
        self.inner.settings.pooler
    }

    /// The name given by [`DatabaseOptions::name`], if any.
    pub fn name(&self) -> Option<&str> {
        self.inner.settings.name.as_deref()
    }

    /// Each replica, and whether it serves reads now.
    pub fn replica_status(&self) -> Vec<ReplicaStatus> {
        let Some(replicas) = &self.inner.replicas else {
            return Vec::new();
        };
        replicas
            .list()
            .iter()
            .map(|r| ReplicaStatus {
                url: r.db.url().to_owned(),
                skipped_because: r.unfit_reason(),
            })
            .collect()
    }

    /// The URLs of the replicas, passwords redacted.
    pub fn replica_urls(&self) -> Vec<String> {
        self.replica_status().into_iter().map(|r| r.url).collect()
    }

    /// Checks every replica's health and lag now, instead of at the next interval (see
    /// [`DatabaseOptions::replica_check_interval`]).
    pub async fn check_replicas(&self) {
        if let Some(replicas) = &self.inner.replicas {
            replicas.check_all(&self.primary()).await;
        }
    }

    /// The replica a statement goes to, if any: a plain read of the query builder (see
    /// `replicas`), not pinned to the primary, outside the read-your-writes window.
    fn reader(&self, st: &Statement) -> Option<&replicas::Replica> {
        if self.on_primary {
            return None;
        }
        let replicas = self.inner.replicas.as_ref()?;
        if retry::is_raw() || replicas::pinned() || !replicas::is_plain_read(st) {
            return None;
        }
        if let Some(writes) = &self.inner.settings.writes
            && writes.recent()
        {
            return None;
        }
        replicas.pick()
    }

    /// Whether a statement run through a fetch may write (raw SQL, `INSERT … RETURNING`),
    /// when a read-your-writes window is kept: its end then starts the window.
    fn may_write(&self, st: &Statement) -> bool {
        self.inner.settings.writes.is_some()
            && (retry::is_raw() || !replicas::is_plain_read(st))
            && !replicas::checking()
    }

    /// Runs `work` in a transaction of its own: behind a transaction-mode pooler, a
    /// statement outside one.
    async fn in_own_transaction<T>(
        &self,
        work: impl AsyncFnOnce(&Transaction) -> Result<T>,
    ) -> Result<T> {
        transaction::finish(self.begin().await?, work).await
    }

    /// What the dialect's DDL names that this server lacks, to be spelled otherwise.
    pub(crate) fn lacked_features(&self) -> &[crate::dialect::ServerFeature] {
        &self.inner.lacked
    }

    /// The connection kept warm between statements, taken out of the slot (see [`warm`]).
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    pub(crate) fn take_warm(&self) -> Option<warm::Conn> {
        self.inner.warm.take().map(|(conn, _)| conn)
    }

    /// The SQL dialect of the backend the URL chose.
    pub fn dialect(&self) -> Dialect {
        self.inner.dialect
    }

    /// The URL this database was opened with, password redacted.
    pub fn url(&self) -> &str {
        &self.inner.url
    }

    /// The underlying SQLite pool, for what the ORM does not cover.
    #[cfg(feature = "sqlite")]
    pub fn sqlite_pool(&self) -> Option<&sqlx::SqlitePool> {
        self.inner.warm.release();
        match &self.inner.pool {
            Pool::Sqlite(p) => Some(p),
            #[allow(unreachable_patterns)] // reachable when other backends are compiled in
            _ => None,
        }
    }

    /// The underlying PostgreSQL pool, for what the ORM does not cover.
    #[cfg(feature = "postgres")]
    pub fn postgres_pool(&self) -> Option<&sqlx::PgPool> {
        self.inner.warm.release();
        match &self.inner.pool {
            Pool::Postgres(p) => Some(p),
            #[allow(unreachable_patterns)] // reachable when other backends are compiled in
            _ => None,
        }
    }

    /// The underlying MySQL pool, for what the ORM does not cover.
    #[cfg(feature = "mysql")]
    pub fn mysql_pool(&self) -> Option<&sqlx::MySqlPool> {
        self.inner.warm.release();
        match &self.inner.pool {
            Pool::MySql(p) => Some(p),
            #[allow(unreachable_patterns)] // reachable when other backends are compiled in
            _ => None,
        }
    }

    /// Closes every connection, the replicas' too; later statements fail.
    pub async fn close(&self) {
        self.inner.warm.close();
        if let Some(replicas) = &self.inner.replicas {
            Box::pin(replicas.close()).await;
        }
        crate::per_backend::per_backend!(&self.inner.pool, p, _DB => p.close().await)
    }

    /// Starts a transaction on a connection of its own. See [`Transaction`].
    pub async fn begin(&self) -> Result<Transaction> {
        self.begin_with(TransactionOptions::default()).await
    }

    /// Starts a transaction with an isolation level or read-only. See
    /// [`TransactionOptions`].
    pub async fn begin_with(&self, options: TransactionOptions) -> Result<Transaction> {
        let inner = &*self.inner;
        // Taken before the connection, so that waiting writers hold no connection that
        // readers could use.
        let writer = if options.read_only {
            None
        } else {
            inner.write_turn().await?
        };
        Transaction::start(
            &inner.pool,
            inner.warm.take().map(|(conn, _)| conn),
            inner.dialect,
            inner.settings.clone(),
            options,
            writer,
        )
        .await
    }

    /// Runs `work` in a transaction: commits when it returns `Ok`, rolls back when it
    /// returns `Err` or panics (or when the returned future is dropped before it ends).
    ///
    /// ```
    /// use orm_core::prelude::*;
    ///
    /// #[derive(Model)]
    /// struct Account {
    ///     #[orm(primary_key)]
    ///     id: i64,
    ///     balance: i64,
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// let db = Database::connect("sqlite::memory:").await?;
    /// db.create_tables(&[Account::table_def()]).await?;
    /// Account { id: 1, balance: 100 }.insert(&db).await?;
    ///
    /// db.transaction(async |tx| {
    ///     let mut a = Account::get(tx, 1).await?.ok_or_else(Error::not_found::<Account>)?;
    ///     a.balance -= 10;
    ///     a.update(tx).await
    /// })
    /// .await?;
    /// assert_eq!(Account::get(&db, 1).await?.unwrap().balance, 90);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn transaction<T, F>(&self, work: F) -> Result<T>
    where
        F: AsyncFnOnce(&Transaction) -> Result<T>,
    {
        transaction::finish(self.begin().await?, work).await
    }

    /// [`Database::transaction`] with an isolation level, read-only, or retries.
    ///
    /// With [`TransactionOptions::retries`], a transaction that fails with a transient
    /// error ([`Error::is_transient`](crate::Error::is_transient): a serialization
    /// failure, a deadlock, a lock timeout) is rolled back and `work` runs again from the
    /// start, after a growing pause. Each attempt runs a fresh clone of `work`, so `work`
    /// is `Clone`: a closure that borrows (or clones what it moves in) is; state that must
    /// outlive an attempt belongs outside it.
    ///
    /// ```
    /// use orm_core::prelude::*;
    /// use orm_core::db::{IsolationLevel, TransactionOptions};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// let db = Database::connect("sqlite::memory:").await?;
    /// let options = TransactionOptions::new().isolation(IsolationLevel::Serializable).retries(3);
    /// let n = db.transaction_with(options, async |tx| {
    ///     let rows: Vec<(i64,)> = raw("SELECT 41 + 1").fetch_as(tx).await?;
    ///     Ok(rows[0].0)
    /// }).await?;
    /// assert_eq!(n, 42);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn transaction_with<T, F>(&self, options: TransactionOptions, work: F) -> Result<T>
    where
        F: AsyncFnOnce(&Transaction) -> Result<T> + Clone,
    {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = match self.begin_with(options.clone()).await {
                Ok(tx) => transaction::finish(tx, work.clone()).await,
                Err(e) => Err(e),
            };
            match result {
                Err(e) if e.is_transient() && attempt <= options.retries => {
                    tracing::debug!(attempt, error = %e, "transient failure, retrying the transaction");
                    tokio::time::sleep(options.backoff(attempt)).await;
                }
                result => return result,
            }
        }
    }
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("url", &self.inner.url)
            .field("dialect", &self.inner.dialect)
            .finish_non_exhaustive()
    }
}

impl executor::sealed::Sealed for Database {}

impl Database {
    /// Every row of `st`, here (not on a replica).
    async fn fetch_all_here<T: Send, F: FnMut(Row) -> Result<T> + Send>(
        &self,
        st: Statement,
        decode: &mut F,
    ) -> Result<Vec<T>> {
        let inner = &*self.inner;
        if inner.settings.pooler {
            // Boxed: the transaction's futures would make every read's future larger.
            let mut again = self.pooled_again(&st);
            let mut result = Box::pin(
                self.in_own_transaction(async |tx| tx.fetch_all_with(st, &mut *decode).await),
            )
            .await;
            let broken = matches!(result, Err(crate::Error::Connection { .. }));
            if broken && let Some(st) = again.take() {
                result = Box::pin(
                    self.in_own_transaction(async |tx| tx.fetch_all_with(st, &mut *decode).await),
                )
                .await;
            }
            return result;
        }
        let again = retry::read_values(inner.dialect, &inner.settings, &st);
        let keep = true;
        traced(inner.dialect, &inner.settings, st, async |sql, values| {
            let first = on_pool!(inner, x =>
                run::fetch_all(x, Arc::clone(&sql), values, keep, decode).await);
            read_again!(inner, first, again, values =>
                on_pool!(inner, x => run::fetch_all(x, Arc::clone(&sql), values, keep, decode).await))
        })
        .await
    }

    /// The first row of `st`, here (not on a replica).
    async fn fetch_optional_here(&self, st: Statement) -> Result<Option<Row>> {
        let inner = &*self.inner;
        if inner.settings.pooler {
            let mut again = self.pooled_again(&st);
            let mut result =
                Box::pin(self.in_own_transaction(async |tx| tx.fetch_optional(st).await)).await;
            let broken = matches!(result, Err(crate::Error::Connection { .. }));
            if broken && let Some(st) = again.take() {
                result =
                    Box::pin(self.in_own_transaction(async |tx| tx.fetch_optional(st).await)).await;
            }
            return result;
        }
        let again = retry::read_values(inner.dialect, &inner.settings, &st);
        traced(inner.dialect, &inner.settings, st, async |sql, values| {
            let first =
                on_pool!(inner, x => run::fetch_optional(x, Arc::clone(&sql), values, true).await);
            read_again!(inner, first, again, values =>
                on_pool!(inner, x => run::fetch_optional(x, Arc::clone(&sql), values, true).await))
        })
        .await
    }

    /// The rows of `st` as a stream, here (not on a replica).
    fn fetch_stream_here(&self, st: Statement) -> BoxStream<'_, Result<Row>> {
        let inner = &*self.inner;
        if inner.settings.pooler {
            return self.stream_in_own_transaction(st);
        }
        // The pool serves the stream: the warm connection goes back to it first.
        inner.warm.release();
        trace::traced_stream(
            inner.dialect,
            &inner.settings,
            st,
            |st, trace| match &inner.pool {
                #[cfg(feature = "sqlite")]
                Pool::Sqlite(p) => trace.wrap(run::fetch_stream(p, st, true)),
                #[cfg(feature = "postgres")]
                Pool::Postgres(p) => trace.wrap(run::fetch_stream(p, st, true)),
                #[cfg(feature = "mysql")]
                Pool::MySql(p) => trace.wrap(interrupt::FinishRowOnDrop::new(Box::pin(
                    run::fetch_stream(p, st, true),
                ))),
            },
        )
    }

    /// Behind a pooler, a copy of `st` to run once more when its transaction meets a
    /// broken connection: a read of the query builder, as `read_again!` runs again.
    fn pooled_again(&self, st: &Statement) -> Option<Statement> {
        retry::read_values(self.inner.dialect, &self.inner.settings, st).map(|_| st.clone())
    }

    /// A stream read in a transaction of its own (behind a transaction-mode pooler): a
    /// task begins it, passes the rows on through a bounded channel, and ends it; dropping
    /// the stream ends the task.
    fn stream_in_own_transaction(&self, st: Statement) -> BoxStream<'static, Result<Row>> {
        use futures_util::StreamExt as _;
        let db = self.clone();
        let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Row>>(64);
        let span = tracing::Span::current();
        let task = async move {
            let tx = match db.begin().await {
                Ok(tx) => tx,
                Err(e) => {
                    let _ = sender.send(Err(e)).await;
                    return;
                }
            };
            {
                let mut rows = tx.fetch_stream(st);
                while let Some(row) = rows.next().await {
                    if sender.send(row).await.is_err() {
                        break;
                    }
                }
            }
            // A read: its transaction has nothing to keep, so a failed end loses nothing.
            let _ = tx.commit().await;
        };
        tokio::spawn(tracing::Instrument::instrument(task, span));
        futures_util::stream::unfold(receiver, |mut receiver| async move {
            receiver.recv().await.map(|row| (row, receiver))
        })
        .boxed()
    }

    /// Runs a write `st` through `run`, in a transaction of its own behind a pooler, and
    /// notes the write for the read-your-writes window.
    async fn write<T>(
        &self,
        st: Statement,
        pooled: impl AsyncFnOnce(&Transaction, Statement) -> Result<T>,
        run: impl AsyncFnOnce(Arc<str>, Vec<crate::Value>) -> Result<T>,
    ) -> Result<T> {
        let inner = &*self.inner;
        let result = if inner.settings.pooler {
            Box::pin(self.in_own_transaction(async |tx| pooled(tx, st).await)).await
        } else {
            traced(inner.dialect, &inner.settings, st, run).await
        };
        if result.is_ok() {
            inner.settings.wrote();
        }
        result
    }
}

impl Executor for Database {
    fn dialect(&self) -> Dialect {
        self.inner.dialect
    }

    fn inserts_return(&self) -> bool {
        self.inner.settings.inserts_return
    }

    fn database_name(&self) -> Option<&str> {
        self.inner.settings.name.as_deref()
    }

    async fn batch(&self) -> Result<Option<Transaction>> {
        self.begin().await.map(Some)
    }

    async fn nested(&self) -> Result<Option<Transaction>> {
        self.begin().await.map(Some)
    }

    async fn fetch_all_with<T: Send, F: FnMut(Row) -> Result<T> + Send>(
        &self,
        st: Statement,
        mut decode: F,
    ) -> Result<Vec<T>> {
        if let Some(replica) = self.reader(&st) {
            match replica.db.fetch_all_here(st.clone(), &mut decode).await {
                Err(e) if replica.falls_back(&e) => {}
                done => return done,
            }
        }
        let writes = self.may_write(&st);
        let result = self.fetch_all_here(st, &mut decode).await;
        if writes && result.is_ok() {
            self.inner.settings.wrote();
        }
        result
    }

    async fn fetch_optional(&self, st: Statement) -> Result<Option<Row>> {
        if let Some(replica) = self.reader(&st) {
            match replica.db.fetch_optional_here(st.clone()).await {
                Err(e) if replica.falls_back(&e) => {}
                done => return done,
            }
        }
        let writes = self.may_write(&st);
        let result = self.fetch_optional_here(st).await;
        if writes && result.is_ok() {
            self.inner.settings.wrote();
        }
        result
    }

    async fn execute(&self, st: Statement) -> Result<u64> {
        let inner = &*self.inner;
        self.write(
            st,
            async |tx, st| tx.execute(st).await,
            async |sql, values| {
                let _turn = inner.write_turn().await?;
                on_pool!(inner, x => run::execute(x, sql, values, true).await)
            },
        )
        .await
    }

    async fn insert_returning_key(&self, st: Statement, key: &'static str) -> Result<i64> {
        let inner = &*self.inner;
        self.write(
            st,
            async |tx, st| tx.insert_returning_key(st, key).await,
            async |sql, values| {
                let _turn = inner.write_turn().await?;
                on_pool!(inner, x => run::insert_returning_key(x, sql, values, true, key).await)
            },
        )
        .await
    }

    async fn insert_returning_rows(&self, st: Statement) -> Result<Vec<Row>> {
        let inner = &*self.inner;
        self.write(
            st,
            async |tx, st| tx.insert_returning_rows(st).await,
            async |sql, values| {
                let _turn = inner.write_turn().await?;
                on_pool!(inner, x => run::fetch_all(x, sql, values, true, &mut Ok).await)
            },
        )
        .await
    }

    fn fetch_stream(&self, st: Statement) -> BoxStream<'_, Result<Row>> {
        use futures_util::StreamExt as _;
        let Some(replica) = self.reader(&st) else {
            return self.fetch_stream_here(st);
        };
        // On the replica; if it fails before the first row for want of the replica, on
        // the primary instead (no row has reached the reader yet).
        enum Phase<'a> {
            First(BoxStream<'a, Result<Row>>, Statement, &'a replicas::Replica),
            Rest(BoxStream<'a, Result<Row>>),
        }
        let first = Phase::First(replica.db.fetch_stream_here(st.clone()), st, replica);
        futures_util::stream::unfold(first, move |phase| async move {
            let mut rows = match phase {
                Phase::First(mut rows, st, replica) => match rows.next().await {
                    Some(Err(e)) if replica.falls_back(&e) => {
                        drop(rows);
                        self.fetch_stream_here(st)
                    }
                    Some(row) => return Some((row, Phase::Rest(rows))),
                    None => return None,
                },
                Phase::Rest(rows) => rows,
            };
            let row = rows.next().await?;
            Some((row, Phase::Rest(rows)))
        })
        .boxed()
    }
}
