//! `ORDER BY` items: direction and where NULLs go.

use std::marker::PhantomData;

use crate::column::Column;
use crate::query::expr::TypedExpr;
use crate::sql::ast::{Node, Nulls, OrderItem};

/// One `ORDER BY` item of a query over model `M`. Made by `column.asc()` /
/// `column.desc()` (or a bare column, which sorts ascending), then optionally
/// `.nulls_first()` / `.nulls_last()`.
///
/// Without an explicit choice NULLs go where the backend puts them (first ascending on
/// SQLite and MySQL, last on PostgreSQL); with one, every backend agrees.
#[must_use]
pub struct Ordering<M> {
    pub(crate) item: OrderItem,
    _model: PhantomData<fn() -> M>,
}

impl<M> Ordering<M> {
    fn new(node: Node, descending: bool) -> Self {
        Ordering {
            item: OrderItem {
                descending,
                ..OrderItem::asc(node)
            },
            _model: PhantomData,
        }
    }

    /// NULLs before every value.
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
    /// let q = Task::query().select(Task::id).order_by(Task::hours.asc().nulls_first());
    /// assert_eq!(q.to_sql(Dialect::Postgres).sql, r#"SELECT "task"."id" FROM "task" ORDER BY "task"."hours" ASC NULLS FIRST"#);
    /// // MySQL has no NULLS FIRST: NULLs are sorted first by `IS NULL` instead
    /// assert_eq!(q.to_sql(Dialect::MySql).sql,
    ///     "SELECT `task`.`id` FROM `task` ORDER BY `task`.`hours` IS NULL DESC, `task`.`hours` ASC");
    /// ```
    pub fn nulls_first(mut self) -> Self {
        self.item.nulls = Some(Nulls::First);
        self
    }

    /// NULLs after every value.
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
    /// // SQLite would put NULLs first in ascending order
    /// let hours = Task::query().select(Task::hours).order_by(Task::hours.asc().nulls_last()).all(&db).await?;
    /// assert_eq!(hours, [Some(1), Some(3), None]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn nulls_last(mut self) -> Self {
        self.item.nulls = Some(Nulls::Last);
        self
    }
}

impl<M> std::fmt::Debug for Ordering<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Ordering").field(&self.item).finish()
    }
}

macro_rules! directions {
    ($ty:ident <$($gen:ident),*>, $node:expr) => {
        impl<$($gen),*> $ty<$($gen),*> {
            /// Ascending order.
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
            /// let q = Task::query().select(Task::id).order_by(Task::title.asc());
            /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT "task"."id" FROM "task" ORDER BY "task"."title" ASC"#);
            /// ```
            pub fn asc(self) -> Ordering<M> {
                Ordering::new($node(self), false)
            }
            /// Descending order.
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
            /// let titles: Vec<String> = Task::query().select(Task::title).order_by(Task::id.desc()).all(&db).await?;
            /// assert_eq!(titles, ["ship", "test", "write"]);
            /// # Ok(())
            /// # }
            /// ```
            pub fn desc(self) -> Ordering<M> {
                Ordering::new($node(self), true)
            }
        }
        impl<$($gen),*> From<$ty<$($gen),*>> for Ordering<M> {
            fn from(value: $ty<$($gen),*>) -> Ordering<M> {
                value.asc()
            }
        }
    };
}

directions!(Column<M, T>, |c: Column<M, T>| c.node());
directions!(TypedExpr<M, T>, |e: TypedExpr<M, T>| e.node);
