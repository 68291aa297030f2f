//! `UPDATE … SET … WHERE …` by filter.

use crate::column::Column;
use crate::db::Executor;
use crate::query::expr::Operand;
use crate::sql::ast::{Node, SelectStatement};
use crate::sql::write;
use crate::{Dialect, Model, Result, Statement};

/// An update of the rows a query matches, made by [`Select::update`](crate::query::Select::update).
///
/// ```
/// use orm_core::prelude::*;
///
/// #[derive(Model)]
/// struct Counter {
///     #[orm(primary_key)]
///     name: String,
///     hits: i64,
/// }
///
/// let update = Counter::query()
///     .filter(Counter::name.eq("home"))
///     .update()
///     .set(Counter::hits, Counter::hits.add(1));
/// assert_eq!(
///     update.to_sql(Dialect::Postgres)?.sql,
///     r#"UPDATE "counter" SET "hits" = "counter"."hits" + $1 WHERE "counter"."name" = $2"#
/// );
/// # Ok::<(), orm_core::Error>(())
/// ```
///
/// A column of another model does not fit `set`: `set(Other::hits, 1)` does not compile.
#[must_use = "an update does nothing until `execute` runs it"]
pub struct Update<M> {
    filter: SelectStatement,
    assignments: Vec<(&'static str, Node)>,
    _model: std::marker::PhantomData<fn() -> M>,
}

impl<M: Model> Update<M> {
    pub(crate) fn new(filter: SelectStatement) -> Self {
        Update {
            filter,
            assignments: Vec::new(),
            _model: std::marker::PhantomData,
        }
    }

    /// Sets `column` to `value`: a value of the column's type, another column, or an
    /// expression such as `Counter::hits.add(1)`.
    ///
    /// Every expression reads the row as it was before the update, on every backend
    /// (`set(a, b).set(b, a)` swaps on SQLite and PostgreSQL; MySQL, which reads values
    /// already assigned, gets the assignments in an order that keeps this meaning, and
    /// refuses a swap). Setting the same column again replaces the earlier value.
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
    /// let update = Task::query()
    ///     .filter(Task::id.eq(1))
    ///     .update()
    ///     .set(Task::done, true)
    ///     .set(Task::hours, Task::hours.add(1));
    /// assert_eq!(update.to_sql(Dialect::Sqlite)?.sql,
    ///     r#"UPDATE "task" SET "done" = ?, "hours" = "task"."hours" + ? WHERE "task"."id" = ?"#);
    /// # Ok::<(), orm_core::Error>(())
    /// ```
    pub fn set<T>(mut self, column: Column<M, T>, value: impl Operand<M, T>) -> Self {
        let value = value.into_operand().0;
        match self
            .assignments
            .iter_mut()
            .find(|(c, _)| *c == column.name())
        {
            Some(assignment) => assignment.1 = value,
            None => self.assignments.push((column.name(), value)),
        }
        self
    }

    /// The SQL and bound values this update runs as on `dialect`.
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
    /// let update = Task::query().filter(Task::done.eq(true)).update().set(Task::hours, None);
    /// let st = update.to_sql(Dialect::Postgres)?;
    /// assert_eq!(st.sql, r#"UPDATE "task" SET "hours" = $1 WHERE "task"."done" = $2"#);
    /// assert_eq!(st.values, [orm_core::Value::I32(None), orm_core::Value::Bool(Some(true))]);
    /// // an update without `set`, or of a query that pages or orders, is refused
    /// assert!(Task::query().update().to_sql(Dialect::Postgres).is_err());
    /// assert!(Task::query().limit(1).update().set(Task::done, true).to_sql(Dialect::Postgres).is_err());
    /// # Ok::<(), orm_core::Error>(())
    /// ```
    pub fn to_sql(&self, dialect: Dialect) -> Result<Statement> {
        for (column, value) in &self.assignments {
            if let Node::Value(value) = value {
                crate::query::model_sql::check_max_length(M::table_def(), column, value)?;
            }
        }
        let update = write::Update::of_query(&self.filter, self.assignments.clone())?;
        write::update(&update, dialect)
    }

    /// Runs the update; returns the number of rows it matched.
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
    /// let changed = Task::query().filter(Task::done.eq(false)).update().set(Task::done, true).execute(&db).await?;
    /// assert_eq!(changed, 2);
    /// assert_eq!(Task::query().filter(Task::done.eq(true)).count(&db).await?, 3);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn execute<E: Executor + ?Sized>(self, exec: &E) -> Result<u64> {
        crate::db::check_model::<M>(exec)?;
        let statement = self.to_sql(exec.dialect())?;
        exec.execute(statement)
            .await
            .map_err(|e| e.written_to(M::table_def()))
    }
}
