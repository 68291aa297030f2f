//! Read-only transactions on SQLite, which has no `BEGIN READ ONLY`: the transaction's
//! connection is switched to `PRAGMA query_only` before `BEGIN` and back after `COMMIT` or
//! `ROLLBACK`. A transaction dropped without either cannot run a statement, so the pool
//! switches its connection back when it is released.

use std::sync::atomic::{AtomicUsize, Ordering};

use futures_core::future::BoxFuture;
use sqlx::SqliteConnection;

/// Runs after the transaction's `COMMIT` or `ROLLBACK`, or on release.
pub(crate) const SWITCH_OFF: &str = crate::dialect::sqlite::QUERY_ONLY_OFF;

/// How many connections, in every pool of the process, were switched on and not yet
/// back. While it is zero, releasing a connection costs nothing extra.
static SWITCHED_ON: AtomicUsize = AtomicUsize::new(0);

/// Records that a connection was switched on. [`forget_one`] undoes this when the
/// transaction switches it back itself, or when the connection is closed; otherwise the
/// pool's hook switches it back on release.
pub(crate) fn switched_on() {
    SWITCHED_ON.fetch_add(1, Ordering::AcqRel);
}

/// A switched-on connection was switched back, or is being closed.
pub(crate) fn forget_one() {
    let _ = SWITCHED_ON.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
}

/// The pool's `after_release` hook: switches `query_only` off on a connection that
/// still has it on, before anyone else can take the connection.
pub(crate) fn after_release(conn: &mut SqliteConnection) -> BoxFuture<'_, sqlx::Result<bool>> {
    Box::pin(async move {
        if SWITCHED_ON.load(Ordering::Acquire) == 0 {
            return Ok(true);
        }
        let (on,): (bool,) = sqlx::query_as("PRAGMA query_only")
            .fetch_one(&mut *conn)
            .await?;
        if on {
            sqlx::query(SWITCH_OFF).execute(&mut *conn).await?;
            forget_one();
        }
        Ok(true)
    })
}
