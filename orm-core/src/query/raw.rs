//! The escape hatch: SQL written by hand, with bound parameters.

use crate::db::Executor;
use crate::query::selection::FromRow;
use crate::{Result, Row, Statement, Value};

/// A hand-written SQL statement with bound parameters, made by [`raw`].
///
/// The SQL must use the backend's placeholders (`?` on SQLite and MySQL, `$1` on
/// PostgreSQL); values are always bound, never spliced into the text.
///
/// ```
/// use orm_core::{Database, raw};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> orm_core::Result<()> {
/// let db = Database::connect("sqlite::memory:").await?;
/// raw("CREATE TABLE t (n INTEGER)").execute(&db).await?;
/// raw("INSERT INTO t (n) VALUES (?), (?)").bind(1).bind(2).execute(&db).await?;
/// let total: Vec<(i64,)> = raw("SELECT SUM(n) FROM t").fetch_as(&db).await?;
/// assert_eq!(total, [(3,)]);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a raw statement does nothing until it is executed or fetched"]
pub struct Raw {
    statement: Statement,
}

/// A hand-written SQL statement. `sql` is `&'static str` so that dynamic SQL is a visible
/// choice: see [`Raw::dynamic`].
pub fn raw(sql: &'static str) -> Raw {
    Raw::dynamic(sql.to_owned())
}

impl Raw {
    /// A statement from SQL built at run time. The caller asserts that no untrusted input
    /// was spliced into `sql`; pass values with [`Raw::bind`].
    pub fn dynamic(sql: String) -> Raw {
        Raw {
            statement: Statement {
                sql,
                values: Vec::new(),
            },
        }
    }

    /// Binds the next parameter: any column type, `&str`, `&[u8]`, or a [`Value`].
    pub fn bind(mut self, value: impl Into<Value>) -> Self {
        self.statement.values.push(value.into());
        self
    }

    /// Runs the statement; returns the number of rows affected.
    pub async fn execute<E: Executor + ?Sized>(self, exec: &E) -> Result<u64> {
        exec.execute(self.statement).await
    }

    /// Every row, undecoded.
    pub async fn fetch_all<E: Executor + ?Sized>(self, exec: &E) -> Result<Vec<Row>> {
        exec.fetch_all(self.statement).await
    }

    /// Every row, decoded as a model or a tuple of column values.
    pub async fn fetch_as<T: FromRow, E: Executor + ?Sized>(self, exec: &E) -> Result<Vec<T>> {
        let rows = exec.fetch_all(self.statement).await?;
        rows.iter().map(T::from_row).collect()
    }
}
