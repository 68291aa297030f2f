//! Read replicas: which one serves the next read, and which are fit to.
//!
//! Each replica is a [`Database`] of its own (its pool, its health, its statement spans
//! naming it), held by the primary's. A read is routed to a replica only when running it
//! there cannot change what the application sees, other than by the replica's lag: a
//! `SELECT` of the query builder (raw SQL may call functions with effects: `nextval`,
//! `SELECT … INTO`, and is where a locking clause is written), outside a transaction, not
//! on [`Database::primary`] nor inside [`on_primary`], and not within the read-your-writes
//! window.
//!
//! Fitness is decided off the read path. A task checks every replica each interval (a
//! lag query, bounded by the interval): a replica that does not answer, or lags beyond
//! the bound, is skipped until a check finds it fit again. A read that meets a connection
//! error on a replica marks it unfit at once and runs on the primary; a replica's pool
//! waits for a connection no longer than the interval, so no read waits long on a
//! replica that is down.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use crate::db::Database;
use crate::db::health::now_ns;
use crate::dialect::ReplicaLag;
use crate::{Error, Result, Statement};

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
            .map(|i| &self.list[start.wrapping_add(i) % n])
            .find(|r| r.is_fit())
    }

    /// Checks every replica at once against `primary`; returns when all have answered
    /// or timed out.
    pub(crate) async fn check_all(&self, primary: &Database) {
        // Where the primary's WAL is now: a standby that has replayed that far is not
        // behind, however old its last transaction.
        let primary_at = match primary.dialect().replica_lag() {
            ReplicaLag::Position { primary: sql, .. } => {
                let at = crate::raw(sql).fetch_as::<(String,), _>(primary);
                // Raw SQL counts as a write for the read-your-writes window; not this.
                let at = CHECKING.scope((), at);
                match tokio::time::timeout(self.check_every, at).await {
                    Ok(Ok(rows)) => rows.into_iter().next().map(|(lsn,)| lsn),
                    _ => None,
                }
            }
            ReplicaLag::Answers | ReplicaLag::ReplicaStatus => None,
        };
        let checks = self
            .list
            .iter()
            .map(|r| r.check(primary_at.as_deref(), self.max_lag, self.check_every));
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

    /// Whether a read that failed on the replica with `e` runs again on the primary: when
    /// the replica could not serve it. Down or unreachable, it is also skipped until a
    /// check finds it fit; a pool busy past the replica's acquire timeout, or (PostgreSQL)
    /// a read the standby cancelled to replay a conflicting change, says nothing of the
    /// next read.
    pub(crate) fn falls_back(&self, e: &Error) -> bool {
        match e {
            Error::Connection { .. } => {
                self.set_unfit(Some(e.to_string()));
                true
            }
            Error::PoolTimedOut => true,
            Error::SerializationFailure { message } => message.contains("conflict with recovery"),
            _ => false,
        }
    }

    /// Asks the replica its lag, within `within`, and marks it fit or not.
    async fn check(&self, primary_at: Option<&str>, max_lag: Duration, within: Duration) {
        let verdict = match tokio::time::timeout(within, lag(&self.db, primary_at)).await {
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

/// How far `db` is behind its primary, whose position is `primary_at` where the dialect
/// compares positions; `Some(0)` for a server that is no replica at all (an SQLite copy,
/// or a replica URL naming a primary), `None` when it is a replica whose replication has
/// stopped.
async fn lag(db: &Database, primary_at: Option<&str>) -> Result<Option<Duration>> {
    let seconds = match db.dialect().replica_lag() {
        ReplicaLag::Answers => {
            // Nothing to ask, but the copy must open and answer.
            crate::raw("SELECT 1").fetch_all(db).await?;
            Some(0.0)
        }
        ReplicaLag::Position { replica: sql, .. } => {
            let rows: Vec<(Option<f64>,)> = crate::raw(sql)
                .bind(primary_at.map(str::to_owned))
                .fetch_as(db)
                .await?;
            Some(rows.first().and_then(|r| r.0).unwrap_or(0.0))
        }
        ReplicaLag::ReplicaStatus => mysql_lag(db).await?,
    };
    Ok(seconds.map(|s| Duration::from_secs_f64(s.max(0.0))))
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

tokio::task_local! {
    /// Set while reads must see the primary (see [`on_primary`]).
    static PRIMARY: ();
    /// Set while the replica checks ask the primary where its WAL is.
    static CHECKING: ();
}

/// Whether the statement running now is a replica check's, which writes nothing.
pub(crate) fn checking() -> bool {
    CHECKING.try_with(|_| ()).is_ok()
}

/// Runs `reads` with every read on the primary: a check that a replica behind it must
/// not answer (whether the row a write missed still exists).
pub(crate) async fn on_primary<F: Future>(reads: F) -> F::Output {
    PRIMARY.scope((), reads).await
}

/// Whether the reads running now are pinned to the primary by [`on_primary`].
pub(crate) fn pinned() -> bool {
    PRIMARY.try_with(|_| ()).is_ok()
}

/// Whether `st` is a plain read: a `SELECT` (raw SQL is told apart by the caller; the
/// query builder writes no locking clause, `FOR UPDATE` being raw SQL's).
pub(crate) fn is_plain_read(st: &Statement) -> bool {
    st.sql
        .trim_start()
        .get(..6)
        .is_some_and(|word| word.eq_ignore_ascii_case("SELECT"))
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
    fn only_selects_are_plain_reads() {
        assert!(is_plain_read(&st(" select * from t where id = $1")));
        assert!(!is_plain_read(&st("INSERT INTO t VALUES (1) RETURNING id")));
        assert!(!is_plain_read(&st(
            "WITH x AS (DELETE FROM t RETURNING *) SELECT 1"
        )));
    }
}
