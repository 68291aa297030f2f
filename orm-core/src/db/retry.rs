//! One more try for a read whose pooled connection turned out to be dead.
//!
//! After a server restart or failover, the pool's idle connections are dead, and the
//! first statement to take one fails. A `SELECT` the query builder wrote outside a
//! transaction changes nothing, so running it again on a fresh connection is safe: the
//! application sees no error. Raw SQL is not run again, even a `SELECT`: it may call
//! functions with effects (`nextval`, `GET_LOCK`, `SELECT … INTO`). A write is not run
//! again either: whether the server applied it before the connection broke cannot be
//! known (MySQL's driver sees the same end of stream either way), so it fails with
//! [`Error::Connection`] and the application decides. Inside a transaction nothing is
//! retried: the transaction is gone with its connection.

use crate::db::StatementSettings;
use crate::{Dialect, Error, Result, Statement, Value};

tokio::task_local! {
    /// Set while raw SQL runs: it is never retried.
    static RAW: ();
}

/// Runs `statement` (raw SQL) so that it is never retried.
pub(crate) async fn never_retried<F: Future>(statement: F) -> F::Output {
    RAW.scope((), statement).await
}

/// The values to run `st` with a second time, when it may be retried: a `SELECT` of the
/// query builder on a server backend (SQLite has no connection to lose). Cloned before
/// the first try, which consumes its own.
pub(super) fn read_values(
    dialect: Dialect,
    settings: &StatementSettings,
    st: &Statement,
) -> Option<Vec<Value>> {
    let server = dialect.has_server() && RAW.try_with(|_| ()).is_err();
    let is_select = st
        .sql
        .trim_start()
        .get(..6)
        .is_some_and(|word| word.eq_ignore_ascii_case("SELECT"));
    (server && is_select).then(|| {
        // As the first try binds them.
        let mut values = st.values.clone();
        crate::db::executor::values_for_server(settings, &mut values);
        values
    })
}

/// `first`, unless it failed on a broken connection and `again` holds the values for
/// one more try: then `Err(values)`, after telling the pool to check its older
/// connections before handing one out.
pub(super) fn when_broken<T>(
    first: Result<T>,
    again: Option<Vec<Value>>,
    settings: &StatementSettings,
) -> std::result::Result<Result<T>, Vec<Value>> {
    match (first, again) {
        (Err(Error::Connection { message, .. }), Some(values)) => {
            settings.health.broke();
            tracing::info!(%message, "a read met a broken connection: running it again on a fresh one");
            Err(values)
        }
        (first, _) => Ok(first),
    }
}
