//! Read replicas: which one serves the next read, and which are fit to.
//!
//! Each replica is a [`Database`] of its own (its pool, its health, its statement spans
//! naming it), held by the primary's. A read is routed to a replica only when running it
//! there cannot change what the application sees, other than by the replica's lag: a
//! `SELECT` of the query builder (raw SQL may call functions with effects: `nextval`,
//! `SELECT … INTO`), outside a transaction, without a locking clause, not on
//! [`Database::primary`], and not within the read-your-writes window.
//!
//! Fitness is decided off the read path. A task checks every replica each interval (a
//! lag query, bounded by the interval): a replica that does not answer, or lags beyond
//! the bound, is skipped until a check finds it fit again. A read that meets a connection
//! error on a replica marks it unfit at once and runs on the primary; no read waits on a
//! replica that is down.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use crate::db::Database;
use crate::db::health::now_ns;
use crate::{Dialect, Error, Result, Statement};

/// The replicas of one primary.
pub(crate) struct Replicas {
    list: Vec<Replica>,
    /// Where the round-robin goes next.
    next: AtomicUsize,
    max_lag: Duration,
    pub(crate) check_every: Duration,
}

/// One replica and whether it may serve reads.
pub(crate) struct Replica {
    pub(crate) db: Database,
    /// Why it is skipped; `None` while fit.
    unfit: Mutex<Option<String>>,
}

impl Replicas {
    pub(crate) fn new(list: Vec<Database>, max_lag: Duration, check_every: Duration) -> Self {
        Replicas {
            list: list
                .into_iter()
                .map(|db| Replica {
                    db,
                    // Unfit until the first check says otherwise.
                    unfit: Mutex::new(Some("not checked yet".to_owned())),
                })
                .collect(),
            next: AtomicUsize::new(0),
            max_lag,
            check_every,
        }
    }

    pub(crate) fn list(&self) -> &[Replica] {
        &self.list
    }

    /// The next fit replica, round-robin; `None` when none is fit.
    pub(crate) fn pick(&self) -> Option<&Replica> {
        let n = self.list.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        (0..n)
            .map(|i| &self.list[(start + i) % n])
            .find(|r| r.is_fit())
    }

    /// Checks every replica at once; returns when all have answered or timed out.
    pub(crate) async fn check_all(&self) {
        let checks = self
            .list
            .iter()
            .map(|r| r.check(self.max_lag, self.check_every));
        futures_util::future::join_all(checks).await;
    }

    /// Closes every replica's pool.
    pub(crate) async fn close(&self) {
        futures_util::future::join_all(self.list.iter().map(|r| r.db.close())).await;
    }
}

impl Replica {
    pub(crate) fn is_fit(&self) -> bool {
        self.unfit.lock().map(|u| u.is_none()).unwrap_or(false)
    }

    /// Why the replica is skipped, if it is.
    pub(crate) fn unfit_reason(&self) -> Option<String> {
        self.unfit.lock().ok().and_then(|u| u.clone())
    }

    fn set_unfit(&self, why: Option<String>) {
        if let Ok(mut unfit) = self.unfit.lock() {
            if unfit.is_none() != why.is_none() {
                match &why {
                    Some(why) => tracing::warn!(replica = self.db.url(), %why, "replica skipped"),
                    None => tracing::info!(replica = self.db.url(), "replica serves reads again"),
                }
            }
            *unfit = why;
        }
    }

    /// Skips the replica after a read failed on it with `e` (see [`unavailable`]).
    pub(crate) fn failed(&self, e: &Error) {
        self.set_unfit(Some(e.to_string()));
    }

    /// Asks the replica its lag, within `within`, and marks it fit or not.
    async fn check(&self, max_lag: Duration, within: Duration) {
        let verdict = match tokio::time::timeout(within, lag(&self.db)).await {
            Err(_) => Some(format!("no answer within {within:?}")),
            Ok(Err(e)) => Some(e.to_string()),
            Ok(Ok(None)) => Some("replication is not running".to_owned()),
            Ok(Ok(Some(lag))) if lag > max_lag => Some(format!(
                "{lag:?} behind the primary (more than {max_lag:?})"
            )),
            Ok(Ok(Some(_))) => None,
        };
        self.set_unfit(verdict);
    }
}

/// When a `Database` last wrote, for its read-your-writes window (see
/// `DatabaseOptions::read_your_writes`).
#[derive(Debug)]
pub(crate) struct WriteClock {
    window: Duration,
    /// Nanoseconds from `health`'s epoch to the last write, plus one; 0: never.
    last: AtomicU64,
}

impl WriteClock {
    pub(crate) fn new(window: Duration) -> Self {
        WriteClock {
            window,
            last: AtomicU64::new(0),
        }
    }

    /// A write ended now.
    pub(crate) fn wrote(&self) {
        self.last
            .fetch_max(now_ns().saturating_add(1), Ordering::Relaxed);
    }

    /// Whether the last write ended within the window.
    pub(crate) fn recent(&self) -> bool {
        let last = self.last.load(Ordering::Relaxed);
        let window = u64::try_from(self.window.as_nanos()).unwrap_or(u64::MAX);
        last != 0 && now_ns().saturating_sub(last) < window
    }
}

/// How far `db` is behind its primary; `Some(0)` for a server that is no replica at all
/// (SQLite, or a replica URL naming a primary), `None` when it is a replica whose
/// replication has stopped.
async fn lag(db: &Database) -> Result<Option<Duration>> {
    let seconds = match db.dialect() {
        Dialect::Sqlite => {
            // A copy of the file: no lag to ask for, but it must open and answer.
            crate::raw("SELECT 1").fetch_all(db).await?;
            return Ok(Some(Duration::ZERO));
        }
        Dialect::Postgres => postgres_lag(db).await?,
        Dialect::MySql => mysql_lag(db).await?,
    };
    Ok(seconds.map(|s| Duration::from_secs_f64(s.max(0.0))))
}

/// A standby that has replayed all it received is not behind; otherwise it is as far
/// behind as the last transaction it replayed is old.
async fn postgres_lag(db: &Database) -> Result<Option<f64>> {
    let rows: Vec<(Option<f64>,)> = crate::raw(
        "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 \
         WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 \
         ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END::float8",
    )
    .fetch_as(db)
    .await?;
    Ok(Some(rows.first().and_then(|r| r.0).unwrap_or(0.0)))
}

/// `Seconds_Behind_Source` (`…_Master` before MySQL 8.0.22 and on MariaDB): NULL while
/// replication is stopped; no row on a server that replicates from nowhere.
#[cfg(feature = "mysql")]
async fn mysql_lag(db: &Database) -> Result<Option<f64>> {
    use sqlx::Row as _;
    let Some(pool) = db.mysql_pool() else {
        return Ok(Some(0.0));
    };
    let status = match sqlx::raw_sql("SHOW REPLICA STATUS")
        .fetch_optional(pool)
        .await
    {
        Ok(row) => row,
        // Before MySQL 8.0.22 and MariaDB 10.5.1.
        Err(_) => {
            sqlx::raw_sql("SHOW SLAVE STATUS")
                .fetch_optional(pool)
                .await?
        }
    };
    let Some(row) = status else {
        return Ok(Some(0.0));
    };
    let behind = ["Seconds_Behind_Source", "Seconds_Behind_Master"]
        .iter()
        .find_map(|column| row.try_get::<Option<u64>, _>(*column).ok());
    Ok(behind.flatten().map(|s| s as f64))
}

#[cfg(not(feature = "mysql"))]
async fn mysql_lag(_: &Database) -> Result<Option<f64>> {
    Ok(Some(0.0))
}

/// Whether a read failed because the replica could not serve it, so that the primary
/// should: the replica is down or unreachable, or (PostgreSQL) cancelled the read to
/// replay a conflicting change from the primary.
pub(crate) fn unavailable(e: &Error) -> bool {
    match e {
        Error::Connection { .. } | Error::PoolTimedOut => true,
        Error::SerializationFailure { message } => message.contains("conflict with recovery"),
        _ => false,
    }
}

/// Whether `st` may run on a replica: a `SELECT` of the query builder without a locking
/// clause (see the module's rules; raw SQL is told apart by the caller).
pub(crate) fn is_plain_read(st: &Statement) -> bool {
    let sql = st.sql.trim_start();
    let select = sql
        .get(..6)
        .is_some_and(|word| word.eq_ignore_ascii_case("SELECT"));
    select && !locks_rows(sql)
}

/// Whether a `SELECT` ends in a locking clause (`FOR UPDATE`, `FOR SHARE`, MySQL's
/// `LOCK IN SHARE MODE`).
fn locks_rows(sql: &str) -> bool {
    let tail = sql.trim_end();
    let tail = tail
        .get(tail.len().saturating_sub(40)..)
        .unwrap_or(tail)
        .to_ascii_uppercase();
    [
        "FOR UPDATE",
        "FOR SHARE",
        "FOR NO KEY UPDATE",
        "FOR KEY SHARE",
        "NOWAIT",
        "SKIP LOCKED",
        "LOCK IN SHARE MODE",
    ]
    .iter()
    .any(|clause| tail.ends_with(clause))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(sql: &str) -> Statement {
        Statement {
            sql: sql.to_owned(),
            values: Vec::new(),
        }
    }

    #[test]
    fn only_selects_without_a_locking_clause_are_plain_reads() {
        assert!(is_plain_read(&st(" select * from t where id = $1")));
        assert!(!is_plain_read(&st("INSERT INTO t VALUES (1)")));
        assert!(!is_plain_read(&st("SELECT * FROM t FOR UPDATE")));
        assert!(!is_plain_read(&st(
            "SELECT * FROM t for share skip locked "
        )));
        assert!(!is_plain_read(&st("SELECT * FROM t LOCK IN SHARE MODE")));
        assert!(is_plain_read(&st("SELECT 'FOR UPDATE' AS x FROM t")));
    }

    #[test]
    fn only_unreachable_replicas_send_reads_back_to_the_primary() {
        assert!(unavailable(&Error::PoolTimedOut));
        assert!(unavailable(&Error::SerializationFailure {
            message: "canceling statement due to conflict with recovery".into()
        }));
        assert!(!unavailable(&Error::SerializationFailure {
            message: "could not serialize access".into()
        }));
        assert!(!unavailable(&Error::InvalidQuery("x".into())));
    }
}
