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
///
/// ```
/// use orm_core::{Database, raw};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> orm_core::Result<()> {
/// let db = Database::connect("sqlite::memory:").await?;
/// let rows: Vec<(i64, String)> = raw("SELECT 1, 'one'").fetch_as(&db).await?;
/// assert_eq!(rows, [(1, "one".to_string())]);
/// # Ok(())
/// # }
/// ```
pub fn raw(sql: &'static str) -> Raw {
    Raw::dynamic(sql.to_owned())
}

impl Raw {
    /// A statement from SQL built at run time. The caller asserts that no untrusted input
    /// was spliced into `sql`; pass values with [`Raw::bind`].
    ///
    /// ```
    /// # use orm_core::{Raw, raw};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// # let db = orm_core::Database::connect("sqlite::memory:").await?;
    /// # raw("CREATE TABLE t (n INTEGER)").execute(&db).await?;
    /// # raw("INSERT INTO t (n) VALUES (1), (2)").execute(&db).await?;
    /// let newest_first = true;
    /// let direction = if newest_first { "DESC" } else { "ASC" }; // chosen by code, not by a user
    /// let sql = format!("SELECT n FROM t ORDER BY n {direction}");
    /// let rows: Vec<(i64,)> = Raw::dynamic(sql).fetch_as(&db).await?;
    /// assert_eq!(rows, [(2,), (1,)]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn dynamic(sql: String) -> Raw {
        Raw {
            statement: Statement {
                sql,
                values: Vec::new(),
            },
        }
    }

    /// Binds the next parameter: any column type, `&str`, `&[u8]`, or a [`Value`].
    ///
    /// ```
    /// # use orm_core::raw;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// # let db = orm_core::Database::connect("sqlite::memory:").await?;
    /// # raw("CREATE TABLE t (n INTEGER)").execute(&db).await?;
    /// # raw("INSERT INTO t (n) VALUES (1), (2)").execute(&db).await?;
    /// let rows: Vec<(i64, String, Option<i64>)> = raw("SELECT n + ?, ?, ? FROM t WHERE n = ?")
    ///     .bind(40).bind("x").bind(None::<i64>).bind(2)
    ///     .fetch_as(&db)
    ///     .await?;
    /// assert_eq!(rows, [(42, "x".to_string(), None)]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn bind(mut self, value: impl Into<Value>) -> Self {
        self.statement.values.push(value.into());
        self
    }

    /// Runs the statement; returns the number of rows affected.
    ///
    /// ```
    /// # use orm_core::raw;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// # let db = orm_core::Database::connect("sqlite::memory:").await?;
    /// # raw("CREATE TABLE t (n INTEGER)").execute(&db).await?;
    /// # raw("INSERT INTO t (n) VALUES (1), (2)").execute(&db).await?;
    /// let changed = raw("UPDATE t SET n = n * 10 WHERE n > ?").bind(1).execute(&db).await?;
    /// assert_eq!(changed, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn execute<E: Executor + ?Sized>(self, exec: &E) -> Result<u64> {
        exec.execute(self.statement).await
    }

    /// Every row, undecoded.
    ///
    /// ```
    /// # use orm_core::raw;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// # let db = orm_core::Database::connect("sqlite::memory:").await?;
    /// # raw("CREATE TABLE t (n INTEGER)").execute(&db).await?;
    /// # raw("INSERT INTO t (n) VALUES (1), (2)").execute(&db).await?;
    /// let rows = raw("SELECT n, n * 2 FROM t ORDER BY n").fetch_all(&db).await?;
    /// assert_eq!(rows.len(), 2);
    /// assert_eq!(rows[1].get::<i64>(1)?, 4);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn fetch_all<E: Executor + ?Sized>(self, exec: &E) -> Result<Vec<Row>> {
        crate::db::never_retried(exec.fetch_all(self.statement)).await
    }

    /// Every row, decoded as a model or a tuple of column values.
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model, Debug, PartialEq)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # db.create_tables(&[Task::table_def()]).await?;
    /// # for (title, done, hours) in [("write", true, Some(3)), ("test", false, None), ("ship", false, Some(1))] {
    /// #     Task { id: 0, title: title.into(), done, hours }.insert(&db).await?;
    /// # }
    /// // a model reads the columns by position, in field order (not by name)
    /// let open: Vec<Task> = raw("SELECT id, title, done, hours FROM task WHERE done = ? ORDER BY id")
    ///     .bind(false)
    ///     .fetch_as(&db)
    ///     .await?;
    /// assert_eq!(open[0], Task { id: 2, title: "test".into(), done: false, hours: None });
    /// let pairs: Vec<(String, Option<i32>)> = raw("SELECT title, hours FROM task ORDER BY id").fetch_as(&db).await?;
    /// assert_eq!(pairs[0], ("write".to_string(), Some(3)));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn fetch_as<T: FromRow, E: Executor + ?Sized>(self, exec: &E) -> Result<Vec<T>> {
        crate::db::never_retried(exec.fetch_all_with(self.statement, |row| T::from_row(&row))).await
    }
}
