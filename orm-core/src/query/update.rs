//! `UPDATE … SET … WHERE …` by filter.

use crate::column::Column;
use crate::db::Executor;
use crate::query::expr::{Node, Operand};
use crate::query::render;
use crate::query::select::SelectStatement;
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
    pub fn to_sql(&self, dialect: Dialect) -> Result<Statement> {
        render::update(&self.filter, &self.assignments, dialect)
    }

    /// Runs the update; returns the number of rows it matched.
    pub async fn execute<E: Executor + ?Sized>(self, exec: &E) -> Result<u64> {
        let statement = self.to_sql(exec.dialect())?;
        exec.execute(statement).await
    }
}
