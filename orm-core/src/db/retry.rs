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

/// Whether the statement running now is raw SQL (see [`never_retried`]).
pub(crate) fn is_raw() -> bool {
    RAW.try_with(|_| ()).is_ok()
}

/// The values to run `st` with a second time, when it may be retried: a `SELECT` of the
/// query builder on a server backend (SQLite has no connection to lose). Cloned before
/// the first try, which consumes its own.
pub(super) fn read_values(
    dialect: Dialect,
    settings: &StatementSettings,
    st: &Statement,
) -> Option<Vec<Value>> {
    let server = dialect.has_server() && !is_raw();
    let is_select = st
        .sql
        .trim_start()
        .get(..6)
        .is_some_and(|word| word.eq_ignore_ascii_case("SELECT"));
    (server && is_select).then(|| {
        // As the first try binds them.
        let mut values = st.values.clone();
        crate::db::trace::values_for_server(settings, &mut values);
        values
    })
}

/// Whether PostgreSQL refused a statement prepared before the schema changed under it
/// ("cached plan must not change result type", after a migration changed a column's
/// type): refused before it ran, so running it again prepared anew is safe.
pub(crate) fn is_stale_plan(e: &Error) -> bool {
    matches!(e, Error::Database { code: Some(code), message }
        if code == "0A000" && message.contains("cached plan"))
}

/// `first`, unless it failed where one more try is safe and `again` holds the values
/// for one: then `Err(values)`. After a broken connection (the pool is told to check its
/// older ones) that is the last try; after a plan the schema changed under, `again` keeps
/// its values for the next connection, which may hold the same plan.
pub(super) fn when_broken<T>(
    first: Result<T>,
    again: &mut Option<Vec<Value>>,
    settings: &StatementSettings,
) -> std::result::Result<Result<T>, Vec<Value>> {
    match (first, again.as_ref()) {
        (Err(e), Some(values)) if is_stale_plan(&e) => {
            tracing::info!(
                "a read met a plan prepared before the schema changed: running it again"
            );
            Err(values.clone())
        }
        (Err(Error::Connection { message, .. }), Some(_)) => {
            settings.health.broke();
            tracing::info!(%message, "a read met a broken connection: running it again on a fresh one");
            Err(again.take().unwrap_or_default())
        }
        (first, _) => Ok(first),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(uuids_as_text: bool) -> StatementSettings {
        StatementSettings {
            slow_threshold: std::time::Duration::from_secs(1),
            trace: true,
            log_values: false,
            url: "mysql://db".into(),
            health: std::sync::Arc::default(),
            uuids_as_text,
            inserts_return: false,
            role: "primary",
            writes: None,
            pooler: false,
            name: None,
        }
    }

    #[cfg(feature = "uuid")]
    #[test]
    fn a_retried_select_binds_as_the_first_try() {
        let uuid = uuid::Uuid::from_u128(7);
        let st = Statement {
            sql: "SELECT 1 WHERE x = ?".into(),
            values: vec![Value::Uuid(Some(uuid))],
        };
        let again = read_values(Dialect::MySql, &settings(true), &st);
        assert_eq!(
            again,
            Some(vec![Value::String(Some(uuid.hyphenated().to_string()))])
        );
        let again = read_values(Dialect::MySql, &settings(false), &st);
        assert_eq!(again, Some(vec![Value::Uuid(Some(uuid))]));
    }

    #[test]
    fn only_selects_on_servers_are_run_again() {
        let select = Statement {
            sql: "  select 1".into(),
            values: vec![],
        };
        let insert = Statement {
            sql: "INSERT INTO t VALUES (1)".into(),
            values: vec![],
        };
        assert!(read_values(Dialect::Postgres, &settings(false), &select).is_some());
        assert!(read_values(Dialect::Postgres, &settings(false), &insert).is_none());
        assert!(read_values(Dialect::Sqlite, &settings(false), &select).is_none());
    }
}
