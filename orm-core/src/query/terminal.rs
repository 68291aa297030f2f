//! The terminal methods of a query: they run it on an executor and decode the rows.

use crate::db::Executor;
use crate::query::select::Select;
use crate::query::selection::Selection;
use crate::query::update::Update;
use crate::sql::render;
use crate::{Dialect, Error, Model, Result, Statement};

impl<M, S: Selection<M>> Select<M, S> {
    /// Every matching row.
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model, Debug, PartialEq)]
    /// # struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # db.create_tables(&[Task::table_def()]).await?;
    /// # for (title, done, hours) in [("write", true, Some(3)), ("test", false, None), ("ship", false, Some(1))] {
    /// #     Task { id: 0, title: title.into(), done, hours }.insert(&db).await?;
    /// # }
    /// let open = Task::query().filter(Task::done.eq(false)).all(&db).await?;
    /// assert_eq!(open.len(), 2);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn all<E: Executor + ?Sized>(self, exec: &E) -> Result<Vec<S::Output>> {
        exec.fetch_all_with(self.checked_sql(exec)?, |row| S::decode(&row))
            .await
    }

    /// The first matching row, if any (adds `LIMIT 1`, or keeps a `limit(0)`).
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model, Debug, PartialEq)]
    /// # struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # db.create_tables(&[Task::table_def()]).await?;
    /// # for (title, done, hours) in [("write", true, Some(3)), ("test", false, None), ("ship", false, Some(1))] {
    /// #     Task { id: 0, title: title.into(), done, hours }.insert(&db).await?;
    /// # }
    /// let first = Task::query().order_by(Task::title).first(&db).await?;
    /// assert_eq!(first.map(|t| t.title), Some("ship".to_string()));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn first<E: Executor + ?Sized>(mut self, exec: &E) -> Result<Option<S::Output>> {
        self.stmt.limit = Some(self.stmt.limit.map_or(1, |l| l.min(1)));
        let row = exec.fetch_optional(self.checked_sql(exec)?).await?;
        row.as_ref().map(S::decode).transpose()
    }

    /// Exactly one matching row: [`Error::NotFound`] when there is none,
    /// [`Error::MultipleRows`] when there are several.
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model, Debug, PartialEq)]
    /// # struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # db.create_tables(&[Task::table_def()]).await?;
    /// # for (title, done, hours) in [("write", true, Some(3)), ("test", false, None), ("ship", false, Some(1))] {
    /// #     Task { id: 0, title: title.into(), done, hours }.insert(&db).await?;
    /// # }
    /// let ship = Task::query().filter(Task::title.eq("ship")).one(&db).await?;
    /// assert_eq!(ship.hours, Some(1));
    /// let err = Task::query().filter(Task::done.eq(false)).one(&db).await.unwrap_err();
    /// assert!(matches!(err, Error::MultipleRows { .. }));
    /// assert_eq!(err.to_string(), "expected at most one row in `task`, found several");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn one<E: Executor + ?Sized>(self, exec: &E) -> Result<S::Output> {
        let table = self.stmt.table;
        self.one_or_none(exec)
            .await?
            .ok_or(Error::NotFound { table: Some(table) })
    }

    /// The matching row if there is one: [`Error::MultipleRows`] when there are several.
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model, Debug, PartialEq)]
    /// # struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # db.create_tables(&[Task::table_def()]).await?;
    /// # for (title, done, hours) in [("write", true, Some(3)), ("test", false, None), ("ship", false, Some(1))] {
    /// #     Task { id: 0, title: title.into(), done, hours }.insert(&db).await?;
    /// # }
    /// let none = Task::query().filter(Task::title.eq("nap")).one_or_none(&db).await?;
    /// assert_eq!(none, None);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn one_or_none<E: Executor + ?Sized>(
        mut self,
        exec: &E,
    ) -> Result<Option<S::Output>> {
        // Two rows are enough to tell "several" from "one".
        self.stmt.limit = Some(self.stmt.limit.map_or(2, |l| l.min(2)));
        let rows = exec.fetch_all(self.checked_sql(exec)?).await?;
        match rows.as_slice() {
            [] => Ok(None),
            [row] => S::decode(row).map(Some),
            _ => Err(Error::MultipleRows {
                table: Some(self.stmt.table),
            }),
        }
    }

    /// The number of rows the query returns: as many as [`Select::all`] would, with
    /// `distinct`, grouping and paging applied (and one for an aggregate over all rows).
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model, Debug, PartialEq)]
    /// # struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # db.create_tables(&[Task::table_def()]).await?;
    /// # for (title, done, hours) in [("write", true, Some(3)), ("test", false, None), ("ship", false, Some(1))] {
    /// #     Task { id: 0, title: title.into(), done, hours }.insert(&db).await?;
    /// # }
    /// assert_eq!(Task::query().filter(Task::hours.is_null()).count(&db).await?, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn count<E: Executor + ?Sized>(self, exec: &E) -> Result<u64> {
        crate::relation::check_tables(&self.stmt)?;
        self.stmt.check_database(exec)?;
        let statement = render::count(&self.stmt, exec.dialect());
        let row = exec
            .fetch_optional(statement)
            .await?
            .ok_or(Error::NotFound {
                table: Some(self.stmt.table),
            })?;
        let n: i64 = row.get(0)?;
        // A count that does not fit is a value from the database we cannot decode.
        u64::try_from(n).map_err(|e| Error::Decode {
            model: "count",
            column: "COUNT(*)".into(),
            source: Box::new(e),
        })
    }

    /// Whether the query returns any row (whether [`Select::all`] would return some).
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model, Debug, PartialEq)]
    /// # struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # db.create_tables(&[Task::table_def()]).await?;
    /// # for (title, done, hours) in [("write", true, Some(3)), ("test", false, None), ("ship", false, Some(1))] {
    /// #     Task { id: 0, title: title.into(), done, hours }.insert(&db).await?;
    /// # }
    /// assert!(Task::query().filter(Task::done.eq(true)).exists(&db).await?);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn exists<E: Executor + ?Sized>(self, exec: &E) -> Result<bool> {
        crate::relation::check_tables(&self.stmt)?;
        self.stmt.check_database(exec)?;
        let statement = render::exists(&self.stmt, exec.dialect());
        Ok(exec.fetch_optional(statement).await?.is_some())
    }
}

impl<M: Model, S: Selection<M>> Select<M, S> {
    /// Deletes the matching rows; returns how many were deleted.
    ///
    /// Only `filter` applies to a delete: a query with ordering, paging, grouping or
    /// `distinct` is refused with [`Error::InvalidQuery`] rather than deleting more than
    /// the query would select.
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model, Debug, PartialEq)]
    /// # struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # db.create_tables(&[Task::table_def()]).await?;
    /// # for (title, done, hours) in [("write", true, Some(3)), ("test", false, None), ("ship", false, Some(1))] {
    /// #     Task { id: 0, title: title.into(), done, hours }.insert(&db).await?;
    /// # }
    /// let deleted = Task::query().filter(Task::done.eq(true)).delete(&db).await?;
    /// assert_eq!(deleted, 1);
    /// let refused = Task::query().limit(1).delete(&db).await;
    /// assert!(matches!(refused, Err(Error::InvalidQuery(_))));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn delete<E: Executor + ?Sized>(self, exec: &E) -> Result<u64> {
        crate::db::check_model::<M>(exec)?;
        let statement = self.delete_sql(exec.dialect())?;
        exec.execute(statement).await
    }

    /// The SQL and bound values [`Select::delete`] runs as on `dialect`, to inspect or log
    /// before deleting; [`Error::InvalidQuery`] for a query that `delete` refuses.
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, done: bool }
    /// let delete = Task::query().filter(Task::done.eq(true)).delete_sql(Dialect::Postgres)?;
    /// assert_eq!(delete.sql, r#"DELETE FROM "task" WHERE "task"."done" = $1"#);
    /// assert!(Task::query().limit(1).delete_sql(Dialect::Postgres).is_err());
    /// # Ok::<(), orm_core::Error>(())
    /// ```
    pub fn delete_sql(&self, dialect: Dialect) -> Result<Statement> {
        let delete = crate::sql::write::Delete::of_query(&self.stmt)?;
        Ok(crate::sql::write::delete(&delete, dialect))
    }

    /// An `UPDATE` of the matching rows; add assignments with [`Update::set`].
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model, Debug, PartialEq)]
    /// # struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # db.create_tables(&[Task::table_def()]).await?;
    /// # for (title, done, hours) in [("write", true, Some(3)), ("test", false, None), ("ship", false, Some(1))] {
    /// #     Task { id: 0, title: title.into(), done, hours }.insert(&db).await?;
    /// # }
    /// let changed = Task::query()
    ///     .filter(Task::hours.is_not_null())
    ///     .update()
    ///     .set(Task::hours, Task::hours.add(1))
    ///     .execute(&db)
    ///     .await?;
    /// assert_eq!(changed, 2);
    /// # Ok(())
    /// # }
    /// ```
    pub fn update(self) -> Update<M> {
        Update::new(self.stmt)
    }
}

impl<M, S: Selection<M>> Select<M, S> {
    /// The rows as a stream, decoded one at a time, so memory stays flat however many
    /// rows match.
    ///
    /// The query runs when the stream is first polled (on a transaction: when the stream
    /// is made), and dropping the stream stops it between two rows. On a transaction,
    /// other statements fail at once ([`Error::Transaction`]) until the stream is
    /// exhausted or dropped. On MySQL, whose
    /// driver cannot resume a half-read reply, a stream dropped while a row is on its way
    /// finishes reading that row in the background, which may run the query if it had
    /// not started yet.
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model, Debug, PartialEq)]
    /// # struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # db.create_tables(&[Task::table_def()]).await?;
    /// # for (title, done, hours) in [("write", true, Some(3)), ("test", false, None), ("ship", false, Some(1))] {
    /// #     Task { id: 0, title: title.into(), done, hours }.insert(&db).await?;
    /// # }
    /// use futures_util::TryStreamExt;
    /// let mut rows = Task::query().order_by(Task::id).stream(&db);
    /// let mut hours = 0;
    /// while let Some(task) = rows.try_next().await? {
    ///     hours += task.hours.unwrap_or(0);
    /// }
    /// assert_eq!(hours, 4);
    /// # Ok(())
    /// # }
    /// ```
    pub fn stream<'e, E: Executor + ?Sized>(
        self,
        exec: &'e E,
    ) -> impl futures_core::Stream<Item = Result<S::Output>> + Send + 'e {
        use futures_util::StreamExt;
        match self.checked_sql(exec) {
            Ok(statement) => exec
                .fetch_stream(statement)
                .map(|row| row.and_then(|r| S::decode(&r)))
                .left_stream(),
            Err(e) => futures_util::stream::once(std::future::ready(Err(e))).right_stream(),
        }
    }

    /// The statement to run on `exec`, once its tables are checked (the models it reads
    /// among them: all of `exec`'s database).
    fn checked_sql<E: Executor + ?Sized>(&self, exec: &E) -> Result<Statement> {
        crate::relation::check_tables(&self.stmt)?;
        self.stmt.check_database(exec)?;
        Ok(self.to_sql(exec.dialect()))
    }
}
