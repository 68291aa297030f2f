//! The calls into sqlx: the statement runners, generic over the driver and over sqlx's
//! executors (a pool or a connection), so that pools and transactions share one
//! implementation.

use std::sync::Arc;

use futures_util::{StreamExt, TryStreamExt};
use sqlx::AssertSqlSafe;

use crate::db::backend::Backend;
use crate::{Error, Result, Row, Statement, Value};

/// Whether a statement is prepared once and kept (the default), or planned at each run:
/// an `IN` list bound as one PostgreSQL array (`= ANY($1)`, past a thousand values) is
/// planned with its values, which lets PostgreSQL hash it. Kept, it would turn to a
/// generic plan after five runs on a connection and compare each row with every element.
/// (Planning at each run costs a round trip more: the multi-row `INSERT`s that bind
/// arrays are kept.)
fn plans_once(sql: &str, values: &[Value]) -> bool {
    let binds_array = values.iter().any(|v| matches!(v, Value::List(_)));
    !(binds_array && (sql.contains(" = ANY(") || sql.contains(" <> ALL(")))
}

/// The sqlx query of `sql` with `values` bound, kept prepared or not (`plans_once`; never
/// when `keep` is false, behind a transaction-mode pooler, where the next transaction may
/// run on another server connection that never saw the statement).
fn query<DB: Backend>(
    sql: Arc<str>,
    values: Vec<Value>,
    keep: bool,
) -> Result<sqlx::query::Query<'static, DB, DB::Arguments>>
where
    DB::Arguments: sqlx::IntoArguments<DB>,
{
    let persistent = keep && plans_once(&sql, &values);
    let args = DB::arguments(values)?;
    Ok(sqlx::query_with(AssertSqlSafe(sql), args).persistent(persistent))
}

/// Every row, each decoded by `decode` as it arrives: one pass, no vector of driver rows.
/// A row that fails to decode fails the statement, after the remaining rows are read (a
/// read cut half-way would leave a MySQL connection out of step with the server).
pub(crate) async fn fetch_all<'c, DB: Backend, T>(
    x: impl sqlx::Executor<'c, Database = DB>,
    sql: Arc<str>,
    values: Vec<Value>,
    keep: bool,
    decode: &mut impl FnMut(Row) -> Result<T>,
) -> Result<Vec<T>>
where
    DB::Arguments: sqlx::IntoArguments<DB>,
{
    let mut rows = query::<DB>(sql, values, keep)?.fetch(x);
    let mut decoded = Vec::new();
    let mut failed = None;
    while let Some(row) = rows.try_next().await? {
        if failed.is_none() {
            match decode(DB::wrap_row(row)) {
                Ok(value) => decoded.push(value),
                Err(e) => failed = Some(e),
            }
        }
    }
    match failed {
        Some(e) => Err(e),
        None => Ok(decoded),
    }
}

pub(crate) async fn fetch_optional<'c, DB: Backend>(
    x: impl sqlx::Executor<'c, Database = DB>,
    sql: Arc<str>,
    values: Vec<Value>,
    keep: bool,
) -> Result<Option<Row>>
where
    DB::Arguments: sqlx::IntoArguments<DB>,
{
    let row = query::<DB>(sql, values, keep)?.fetch_optional(x).await?;
    Ok(row.map(DB::wrap_row))
}

pub(crate) async fn execute<'c, DB: Backend>(
    x: impl sqlx::Executor<'c, Database = DB>,
    sql: Arc<str>,
    values: Vec<Value>,
    keep: bool,
) -> Result<u64>
where
    DB::Arguments: sqlx::IntoArguments<DB>,
{
    let done = query::<DB>(sql, values, keep)?.execute(x).await?;
    Ok(DB::rows_affected(&done))
}

/// The driver's last insert id after the `INSERT`.
pub(crate) async fn insert_returning_key<'c, DB: Backend>(
    x: impl sqlx::Executor<'c, Database = DB>,
    sql: Arc<str>,
    values: Vec<Value>,
    keep: bool,
    key: &'static str,
) -> Result<i64>
where
    DB::Arguments: sqlx::IntoArguments<DB>,
{
    let done = query::<DB>(sql, values, keep)?.execute(x).await?;
    DB::last_insert_id(&done).ok_or_else(|| {
        Error::Encode(format!(
            "the database reported no generated key for `{key}`"
        ))
    })
}

/// The rows of `st` as the driver reads them (unboxed: the caller boxes the stream once).
pub(crate) fn fetch_stream<'e, DB: Backend>(
    x: impl sqlx::Executor<'e, Database = DB>,
    st: Statement,
    keep: bool,
) -> impl futures_core::Stream<Item = Result<Row>> + Send + 'e
where
    DB::Arguments: sqlx::IntoArguments<DB>,
{
    match query::<DB>(Arc::from(st.sql), st.values, keep) {
        Ok(query) => query
            .fetch(x)
            .map(|row| match row {
                Ok(row) => Ok(DB::wrap_row(row)),
                Err(e) => Err(Error::from(e)),
            })
            .left_stream(),
        Err(e) => futures_util::stream::once(std::future::ready(Err(e))).right_stream(),
    }
}
