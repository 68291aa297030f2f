//! `SELECT` queries over one model's table, and the `UPDATE`/`DELETE` built from them.

use std::marker::PhantomData;

use crate::query::expr::Expr;
use crate::query::order::Ordering;
use crate::query::selection::Selection;
use crate::relation::Contains;
use crate::sql::ast::{BinOp, Derived, Node, OrderItem, SelectStatement};
use crate::sql::render;
use crate::{Dialect, Model, Statement, Value};

/// A query over the table of model `M`, returning rows decoded as `S::Output` (the model
/// itself unless [`Select::select`] chose columns).
///
/// Built by [`Model::query`]; each builder method returns the query, and the terminal
/// methods (`all`, `first`, `one`, `count`, `delete`, …) run it on an executor.
///
/// ```
/// use orm_core::prelude::*;
///
/// #[derive(Model, Debug)]
/// struct Task {
///     #[orm(primary_key)]
///     id: i64,
///     title: String,
///     done: bool,
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> orm_core::Result<()> {
/// let db = Database::connect("sqlite::memory:").await?;
/// db.create_tables(&[Task::table_def()]).await?;
/// for title in ["write", "test", "ship"] {
///     Task { id: 0, title: title.into(), done: title == "write" }.insert(&db).await?;
/// }
///
/// let open = Task::query()
///     .filter(Task::done.eq(false))
///     .order_by(Task::title.asc())
///     .all(&db)
///     .await?;
/// assert_eq!(open.iter().map(|t| t.title.as_str()).collect::<Vec<_>>(), ["ship", "test"]);
/// assert_eq!(Task::query().filter(Task::done.eq(true)).count(&db).await?, 1);
/// # Ok(())
/// # }
/// ```
#[must_use = "a query does nothing until a terminal method such as `all` runs it"]
pub struct Select<M, S = M> {
    pub(crate) stmt: SelectStatement,
    _marker: PhantomData<fn() -> (M, S)>,
}

impl<M, S> Clone for Select<M, S> {
    fn clone(&self) -> Self {
        Select {
            stmt: self.stmt.clone(),
            _marker: PhantomData,
        }
    }
}

impl<M, S> std::fmt::Debug for Select<M, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Select").field(&self.stmt).finish()
    }
}

impl<M, S> Select<M, S> {
    /// The query that runs `stmt`.
    pub(crate) fn from_statement(stmt: SelectStatement) -> Self {
        Select {
            stmt,
            _marker: PhantomData,
        }
    }
}

impl<M: Model> Select<M, M> {
    pub(crate) fn new() -> Self {
        let mut stmt = SelectStatement::new(
            M::TABLE,
            M::COLUMNS
                .iter()
                .map(|c| Node::column(M::TABLE, c))
                .collect(),
        );
        stmt.model = Some((M::META.name, M::META.database));
        Select {
            stmt,
            _marker: PhantomData,
        }
    }
}

impl<M, S: Selection<M>> Select<M, S> {
    /// Returns chosen columns or expressions instead of whole models: a column, or a
    /// tuple of them, decoded as their Rust types.
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String }
    /// let q = Task::query().select((Task::id, Task::title));
    /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT "task"."id", "task"."title" FROM "task""#);
    /// ```
    pub fn select<S2: Selection<M>>(self, selection: S2) -> Select<M, S2> {
        let mut stmt = self.stmt;
        stmt.columns = selection.columns().into_iter().map(|e| e.0).collect();
        Select {
            stmt,
            _marker: PhantomData,
        }
    }

    /// Keeps rows that match `condition`; several filters are AND-ed.
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model, Debug, PartialEq)]
    /// # struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
    /// let q = Task::query().filter(Task::done.eq(false)).filter(Task::title.like("t%"));
    /// assert_eq!(q.to_sql(Dialect::Sqlite).sql,
    ///     r#"SELECT "task"."id", "task"."title", "task"."done", "task"."hours" FROM "task" WHERE "task"."done" = ? AND "task"."title" LIKE ? ESCAPE '\'"#);
    /// ```
    pub fn filter<N>(mut self, condition: Expr<N>) -> Self
    where
        M: Contains<N>,
    {
        self.stmt.filter = Some(and(self.stmt.filter.take(), condition.0));
        self
    }

    /// Sorts by `ordering` (a column sorts ascending; see [`Ordering`] for `desc` and
    /// NULL placement). Several calls sort by each in turn.
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model, Debug, PartialEq)]
    /// # struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
    /// let q = Task::query().order_by(Task::hours.desc().nulls_last()).order_by(Task::id);
    /// assert_eq!(q.to_sql(Dialect::Postgres).sql,
    ///     r#"SELECT "task"."id", "task"."title", "task"."done", "task"."hours" FROM "task" ORDER BY "task"."hours" DESC NULLS LAST, "task"."id" ASC"#);
    /// ```
    pub fn order_by<N>(mut self, ordering: impl Into<Ordering<N>>) -> Self
    where
        M: Contains<N>,
    {
        self.stmt.order_by.push(ordering.into().item);
        self
    }

    /// Returns at most `n` rows.
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
    /// let page = Task::query().order_by(Task::id).limit(2).all(&db).await?;
    /// assert_eq!(page.len(), 2);
    /// # Ok(())
    /// # }
    /// ```
    pub fn limit(mut self, n: u64) -> Self {
        self.stmt.limit = Some(n);
        self
    }

    /// Skips the first `n` rows.
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
    /// let rest = Task::query().order_by(Task::id).offset(1).all(&db).await?;
    /// assert_eq!(rest[0].title, "test");
    /// # Ok(())
    /// # }
    /// ```
    pub fn offset(mut self, n: u64) -> Self {
        self.stmt.offset = Some(n);
        self
    }

    /// Removes duplicate rows (`SELECT DISTINCT`).
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
    /// let states: Vec<bool> = Task::query().select(Task::done).distinct().order_by(Task::done).all(&db).await?;
    /// assert_eq!(states, [false, true]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn distinct(mut self) -> Self {
        self.stmt.distinct = true;
        self
    }

    /// Groups rows by `expr` (usually with aggregates in [`Select::select`]).
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
    /// use orm_core::query::count_all;
    /// let per_state: Vec<(bool, i64)> = Task::query()
    ///     .select((Task::done, count_all()))
    ///     .group_by(Task::done)
    ///     .having(count_all().gt(1))
    ///     .all(&db)
    ///     .await?;
    /// assert_eq!(per_state, [(false, 2)]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn group_by(mut self, expr: impl crate::query::SelectItem<M>) -> Self {
        self.stmt.group_by.push(expr.into_expr().0);
        self
    }

    /// Keeps groups that match `condition`; several are AND-ed.
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
    /// let q = Task::query()
    ///     .select((Task::done, count_all()))
    ///     .group_by(Task::done)
    ///     .having(count_all().gt(1))
    ///     .having(Task::hours.sum().lt(10));
    /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT "task"."done", COUNT(*) FROM "task" GROUP BY "task"."done" HAVING COUNT(*) > ? AND CAST(SUM("task"."hours") AS INTEGER) < ?"#);
    /// ```
    pub fn having<N>(mut self, condition: Expr<N>) -> Self
    where
        M: Contains<N>,
    {
        self.stmt.having = Some(and(self.stmt.having.take(), condition.0));
        self
    }

    /// This query as a subquery in `FROM`, its rows read as `D`'s: a model marked
    /// `#[orm(view)]` whose fields name the columns this query selects, in order. The
    /// outer query then filters, orders, groups and joins on `D`'s columns.
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model)] #[orm(table = "posts")] struct Post { #[orm(primary_key)] id: i64, author_id: i64 }
    /// #[derive(Model, Debug, PartialEq)]
    /// #[orm(view, table = "post_counts")]
    /// struct PostCount {
    ///     author_id: i64,
    ///     posts: i64,
    /// }
    ///
    /// let busy = Post::query()
    ///     .select((Post::author_id, Post::id.count()))
    ///     .group_by(Post::author_id)
    ///     .as_subquery::<PostCount>()
    ///     .filter(PostCount::posts.ge(10))
    ///     .order_by(PostCount::posts.desc());
    /// assert_eq!(busy.to_sql(Dialect::Postgres).sql,
    ///     r#"SELECT "post_counts"."author_id", "post_counts"."posts" FROM (SELECT "posts"."author_id" AS "author_id", COUNT("posts"."id") AS "posts" FROM "posts" GROUP BY "posts"."author_id") AS "post_counts" WHERE "post_counts"."posts" >= $1 ORDER BY "post_counts"."posts" DESC"#);
    /// ```
    pub fn as_subquery<D: Model>(self) -> Select<D, D> {
        let mut outer = Select::<D, D>::new();
        outer.stmt.derived = Some(Derived {
            select: Box::new(self.stmt),
            columns: D::COLUMNS,
        });
        outer
    }

    /// The SQL and bound values this query runs as on `dialect`.
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model, Debug, PartialEq)]
    /// # struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
    /// let q = Task::query().filter(Task::id.eq(7));
    /// let st = q.to_sql(Dialect::MySql);
    /// assert_eq!(
    ///     st.sql,
    ///     "SELECT `task`.`id`, `task`.`title`, `task`.`done`, `task`.`hours` FROM `task` WHERE `task`.`id` = ?"
    /// );
    /// assert_eq!(st.values, [orm_core::Value::I64(Some(7))]);
    /// ```
    pub fn to_sql(&self, dialect: Dialect) -> Statement {
        render::select(&self.stmt, dialect)
    }
}

/// `previous AND condition`, or `condition` alone.
fn and(previous: Option<Node>, condition: Node) -> Node {
    match previous {
        Some(previous) => Node::Binary(Box::new(previous), BinOp::And, Box::new(condition)),
        None => condition,
    }
}

impl<M: Model> Select<M, M> {
    /// Filters on the primary key's columns equal to `values`.
    pub(crate) fn filter_key(self, values: Vec<Value>) -> Self {
        let condition = M::PRIMARY_KEY
            .iter()
            .zip(values)
            .map(|(column, value)| {
                Expr::<M>::new(Node::Binary(
                    Box::new(crate::sql::normalize::model_column(
                        M::table_def(),
                        M::TABLE,
                        column,
                    )),
                    BinOp::Eq,
                    Box::new(Node::Value(value)),
                ))
            })
            .reduce(Expr::and);
        match condition {
            Some(c) => self.filter(c),
            None => self,
        }
    }

    /// Orders by the primary key.
    pub(crate) fn order_by_key(mut self) -> Self {
        for column in M::PRIMARY_KEY {
            self.stmt
                .order_by
                .push(OrderItem::asc(crate::sql::normalize::model_column(
                    M::table_def(),
                    M::TABLE,
                    column,
                )));
        }
        self
    }
}
