//! From a URL to a sqlx pool of the right backend, with the defaults users expect.

use std::str::FromStr;
use std::sync::Arc;

use crate::db::Pool;
use crate::db::health::Health;
use crate::db::options::DatabaseOptions;
use crate::{Dialect, Error, Result, redact_url};

fn pool_options<DB: sqlx::Database>(
    o: &DatabaseOptions,
    default_max: u32,
) -> sqlx::pool::PoolOptions<DB> {
    sqlx::pool::PoolOptions::<DB>::new()
        .max_connections(o.max_connections.unwrap_or(default_max))
        .min_connections(o.min_connections.unwrap_or(0))
        .acquire_timeout(o.acquire_timeout)
        .idle_timeout(o.idle_timeout)
        .max_lifetime(o.max_lifetime)
        .test_before_acquire(o.test_before_acquire)
}

fn config_error(o: &DatabaseOptions, e: sqlx::Error) -> Error {
    Error::Config(format!(
        "invalid database URL `{}`: {e}",
        redact_url(&o.url)
    ))
}

/// A failure to reach or log in to the server. sqlx's messages do not repeat the URL;
/// ours carries it redacted.
fn connection_error(o: &DatabaseOptions, e: sqlx::Error) -> Error {
    let message = match e {
        sqlx::Error::PoolTimedOut => format!("no answer within {:?}", o.acquire_timeout),
        other => crate::error::driver_message(&other),
    };
    Error::Connection {
        url: redact_url(&o.url),
        message,
    }
}

/// Opens one connection straight away, then a pool that fills itself on demand.
///
/// sqlx's own `connect_with` retries a refused connection until the acquire timeout runs
/// out, then reports only that it timed out: a server that is down (or a wrong port)
/// looked like an exhausted pool after 30 s. One direct attempt fails at once with the
/// cause; the pool then starts from a server known to answer. A server that is starting
/// up or has no connection slot free is waited for, as sqlx does.
#[cfg(any(feature = "postgres", feature = "mysql"))]
async fn probe_then_pool<DB: sqlx::Database>(
    o: &DatabaseOptions,
    options: <DB::Connection as sqlx::Connection>::Options,
    health: Arc<Health>,
    lazy: bool,
) -> Result<sqlx::Pool<DB>> {
    use sqlx::{ConnectOptions as _, Connection as _};
    let pool = pool_options::<DB>(o, 10)
        // A connection idle since before one broke is pinged before use (see `health`).
        .before_acquire(move |conn, meta| {
            let suspect = health.suspects(meta.idle_for);
            Box::pin(async move {
                if suspect {
                    // An error (not `false`): sqlx then drops a dead connection without
                    // the polite goodbye that could wait on it.
                    tokio::time::timeout(PING_WITHIN, conn.ping())
                        .await
                        .map_err(|_| sqlx::Error::Io(std::io::ErrorKind::TimedOut.into()))??;
                }
                Ok(true)
            })
        });
    if lazy {
        return Ok(pool.connect_lazy_with(options));
    }
    match tokio::time::timeout(o.acquire_timeout, options.connect()).await {
        Err(_) => Err(connection_error(o, sqlx::Error::PoolTimedOut)),
        Ok(Ok(probe)) => {
            // Closing politely is a courtesy: a failure here says nothing of the server.
            let _ = probe.close().await;
            Ok(pool.connect_lazy_with(options))
        }
        Ok(Err(e)) if crate::db::acquire::waits_out(&e) => pool
            .connect_with(options)
            .await
            .map_err(|e| connection_error(o, e)),
        Ok(Err(e)) => Err(connection_error(o, e)),
    }
}

/// How long a suspect connection may take to answer a ping before it is replaced.
#[cfg(any(feature = "postgres", feature = "mysql"))]
const PING_WITHIN: std::time::Duration = std::time::Duration::from_secs(1);

#[cfg(not(all(feature = "sqlite", feature = "postgres", feature = "mysql")))]
fn not_compiled(dialect: Dialect) -> Error {
    Error::Config(format!(
        "support for {dialect} is not compiled in: enable the `{dialect}` feature of orm-core"
    ))
}

/// The pool for `o`'s URL. A `lazy` pool (a replica's) opens no connection yet: a
/// server that is down does not fail the connect.
pub(crate) async fn connect(
    o: &DatabaseOptions,
    dialect: Dialect,
    health: Arc<Health>,
    lazy: bool,
) -> Result<Pool> {
    match dialect {
        Dialect::Sqlite => sqlite(o, lazy).await,
        Dialect::Postgres => postgres(o, health, lazy).await,
        Dialect::MySql => mysql(o, health, lazy).await,
    }
}

#[cfg(feature = "sqlite")]
async fn sqlite(o: &DatabaseOptions, lazy: bool) -> Result<Pool> {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};

    let url = o.url.as_str();
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let in_memory = url.contains(":memory:") || query.contains("mode=memory");
    let mut options = SqliteConnectOptions::from_str(url)
        .map_err(|e| config_error(o, e))?
        .foreign_keys(true)
        .busy_timeout(o.sqlite_busy_timeout)
        // LIKE is case-sensitive on the other backends; `ilike` is the case-blind one.
        .pragma("case_sensitive_like", "ON");
    if !query.contains("mode=") {
        // `sqlite://app.db` creates the file, as `mode=rwc` would.
        options = options.create_if_missing(true);
    }
    if !in_memory {
        options = options.journal_mode(SqliteJournalMode::Wal);
    }
    let mut pool = pool_options::<sqlx::Sqlite>(o, if in_memory { 1 } else { 10 })
        // Switches `query_only` back off after a read-only transaction.
        .after_release(|conn, _| crate::db::sqlite_read_only::after_release(conn));
    if in_memory {
        // The database lives as long as one of its connections: keep them.
        pool = pool.idle_timeout(None).max_lifetime(None);
    }
    if lazy {
        return Ok(Pool::Sqlite(pool.connect_lazy_with(options)));
    }
    let pool = pool
        .connect_with(options)
        .await
        .map_err(|e| connection_error(o, e))?;
    Ok(Pool::Sqlite(pool))
}

#[cfg(not(feature = "sqlite"))]
async fn sqlite(_: &DatabaseOptions, _: bool) -> Result<Pool> {
    Err(not_compiled(Dialect::Sqlite))
}

#[cfg(feature = "postgres")]
async fn postgres(o: &DatabaseOptions, health: Arc<Health>, lazy: bool) -> Result<Pool> {
    let mut options =
        sqlx::postgres::PgConnectOptions::from_str(&o.url).map_err(|e| config_error(o, e))?;
    // Sessions run in UTC (unless the URL sets a time zone): a naive `TIMESTAMP` column
    // read into `DateTime<Utc>` is taken as UTC, and an instant written or compared into
    // it must be converted the same way, not by the server's own zone.
    if !o.url.to_ascii_lowercase().contains("timezone") {
        options = options.options([("TimeZone", "UTC")]);
    }
    Ok(Pool::Postgres(
        probe_then_pool::<sqlx::Postgres>(o, options, health, lazy).await?,
    ))
}

#[cfg(not(feature = "postgres"))]
async fn postgres(_: &DatabaseOptions, _: Arc<Health>, _: bool) -> Result<Pool> {
    Err(not_compiled(Dialect::Postgres))
}

#[cfg(feature = "mysql")]
async fn mysql(o: &DatabaseOptions, health: Arc<Health>, lazy: bool) -> Result<Pool> {
    // sqlx knows only the `mysql` scheme; MariaDB speaks the same protocol.
    let url = match o.url.strip_prefix("mariadb:") {
        Some(rest) => format!("mysql:{rest}"),
        None => o.url.clone(),
    };
    let options = sqlx::mysql::MySqlConnectOptions::from_str(&url)
        .map_err(|e| config_error(o, e))?
        .charset("utf8mb4");
    Ok(Pool::MySql(
        probe_then_pool::<sqlx::MySql>(o, options, health, lazy).await?,
    ))
}

#[cfg(not(feature = "mysql"))]
async fn mysql(_: &DatabaseOptions, _: Arc<Health>, _: bool) -> Result<Pool> {
    Err(not_compiled(Dialect::MySql))
}
