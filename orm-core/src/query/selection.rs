//! What a query returns: whole models, one column or expression, or a tuple of them.

use crate::column::Column;
use crate::query::expr::{Expr, TypedExpr};
use crate::relation::Source;
use crate::sql::ast::{Aggregate, CastType, Node};
use crate::{Error, Model, Result, Row, SqlValue};

/// The columns a query selects and how its rows decode. Implemented for models, for
/// columns and typed expressions, and for tuples of those (up to 12).
pub trait Selection<M>: Send + 'static {
    /// What one row decodes to.
    type Output: Send + 'static;

    /// The selected expressions.
    #[doc(hidden)]
    fn columns(self) -> Vec<Expr<M>>;

    /// Decodes one row.
    #[doc(hidden)]
    fn decode(row: &Row) -> Result<Self::Output>;
}

impl<M: Model> Selection<M> for M {
    type Output = M;

    fn columns(self) -> Vec<Expr<M>> {
        M::COLUMNS
            .iter()
            .map(|c| Expr::new(Node::column(M::TABLE, c)))
            .collect()
    }

    fn decode(row: &Row) -> Result<M> {
        let mut model = M::from_row(row)?;
        model.run_hook(crate::__private::Hook::AfterLoad)?;
        Ok(model)
    }
}

/// One selected column or expression of Rust type [`SelectItem::Value`].
pub trait SelectItem<M>: Send + 'static {
    /// The Rust type of its values.
    type Value: SqlValue;

    /// The expression.
    #[doc(hidden)]
    fn into_expr(self) -> Expr<M>;
}

impl<M: 'static, T: SqlValue> SelectItem<M> for Column<M, T> {
    type Value = T;
    fn into_expr(self) -> Expr<M> {
        Expr::new(self.node())
    }
}

impl<M: 'static, T: SqlValue> SelectItem<M> for TypedExpr<M, T> {
    type Value = T;
    fn into_expr(self) -> Expr<M> {
        Expr::new(self.node)
    }
}

/// In a joined query, the columns and expressions of every table it reads are items
/// (which table, the query checks when it runs).
macro_rules! joined_items {
    ($($t:ident),+) => {
        impl<N: Source, $($t: Source,)+ T: SqlValue> SelectItem<($($t,)+)> for Column<N, T> {
            type Value = T;
            fn into_expr(self) -> Expr<($($t,)+)> {
                Expr::new(self.node())
            }
        }
        impl<N: Source, $($t: Source,)+ T: SqlValue> SelectItem<($($t,)+)> for TypedExpr<N, T> {
            type Value = T;
            fn into_expr(self) -> Expr<($($t,)+)> {
                Expr::new(self.node)
            }
        }
        impl<N: Source, $($t: Source,)+ T: SqlValue> Selection<($($t,)+)> for Column<N, T> {
            type Output = T;
            fn columns(self) -> Vec<Expr<($($t,)+)>> {
                vec![self.into_expr()]
            }
            fn decode(row: &Row) -> Result<T> {
                decode_at(row, 0)
            }
        }
        impl<N: Source, $($t: Source,)+ T: SqlValue> Selection<($($t,)+)> for TypedExpr<N, T> {
            type Output = T;
            fn columns(self) -> Vec<Expr<($($t,)+)>> {
                vec![self.into_expr()]
            }
            fn decode(row: &Row) -> Result<T> {
                decode_at(row, 0)
            }
        }
    };
}
joined_items!(A, B);
joined_items!(A, B, C);
joined_items!(A, B, C, D);
joined_items!(A, B, C, D, E);

fn decode_at<T: SqlValue>(row: &Row, index: usize) -> Result<T> {
    T::decode(row, index).map_err(|e| Error::from_decode(e, None, index))
}

impl<M: 'static, T: SqlValue> Selection<M> for Column<M, T> {
    type Output = T;
    fn columns(self) -> Vec<Expr<M>> {
        vec![self.into_expr()]
    }
    fn decode(row: &Row) -> Result<T> {
        decode_at(row, 0)
    }
}

impl<M: 'static, T: SqlValue> Selection<M> for TypedExpr<M, T> {
    type Output = T;
    fn columns(self) -> Vec<Expr<M>> {
        vec![self.into_expr()]
    }
    fn decode(row: &Row) -> Result<T> {
        decode_at(row, 0)
    }
}

/// A Rust value made from a whole row: a model, or a tuple of column values by position.
/// What raw queries decode into.
pub trait FromRow: Sized + Send + 'static {
    /// Decodes `row`.
    fn from_row(row: &Row) -> Result<Self>;
}

impl<M: Model> FromRow for M {
    fn from_row(row: &Row) -> Result<M> {
        M::from_row(row)
    }
}

macro_rules! tuple_selection {
    ($($item:ident $index:tt),+) => {
        impl<M, $($item: SelectItem<M>),+> Selection<M> for ($($item,)+) {
            type Output = ($($item::Value,)+);
            fn columns(self) -> Vec<Expr<M>> {
                vec![$(self.$index.into_expr()),+]
            }
            fn decode(row: &Row) -> Result<Self::Output> {
                <Self::Output as FromRow>::from_row(row)
            }
        }
        impl<$($item: SqlValue),+> FromRow for ($($item,)+) {
            fn from_row(row: &Row) -> Result<Self> {
                Ok(($(decode_at::<$item>(row, $index)?,)+))
            }
        }
    };
}

tuple_selection!(A 0);
tuple_selection!(A 0, B 1);
tuple_selection!(A 0, B 1, C 2);
tuple_selection!(A 0, B 1, C 2, D 3);
tuple_selection!(A 0, B 1, C 2, D 3, E 4);
tuple_selection!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_selection!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_selection!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
tuple_selection!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
tuple_selection!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
tuple_selection!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
// Twelve, as far as the standard library compares and prints tuples.
tuple_selection!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);

/// `COUNT(*)`: the number of rows (of each group).
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
/// let open: i64 = Task::query().filter(Task::done.eq(false)).select(count_all()).one(&db).await?;
/// assert_eq!(open, 2);
/// # Ok(())
/// # }
/// ```
pub fn count_all<M>() -> TypedExpr<M, i64> {
    TypedExpr::new(Node::Aggregate(Aggregate::Count, None))
}

impl<M, T> Column<M, T> {
    /// `COUNT(column)`: the number of non-NULL values.
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
    /// let with_hours = Task::query().select(Task::hours.count()).one(&db).await?;
    /// assert_eq!(with_hours, 2); // the NULL is not counted
    /// # Ok(())
    /// # }
    /// ```
    pub fn count(self) -> TypedExpr<M, i64> {
        TypedExpr::new(Node::Aggregate(
            Aggregate::Count,
            Some(Box::new(self.node())),
        ))
    }

    /// `COUNT(DISTINCT column)`.
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
    /// let states = Task::query().select(Task::done.count_distinct()).one(&db).await?;
    /// assert_eq!(states, 2);
    /// # Ok(())
    /// # }
    /// ```
    pub fn count_distinct(self) -> TypedExpr<M, i64> {
        TypedExpr::new(Node::Aggregate(
            Aggregate::CountDistinct,
            Some(Box::new(self.node())),
        ))
    }

    /// `MIN(column)`: NULL (`None`) over no rows.
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
    /// assert_eq!(Task::query().select(Task::hours.min()).one(&db).await?, Some(1));
    /// let none = Task::query().filter(Task::title.eq("nap")).select(Task::hours.min()).one(&db).await?;
    /// assert_eq!(none, None);
    /// # Ok(())
    /// # }
    /// ```
    pub fn min(self) -> TypedExpr<M, Option<T::Inner>>
    where
        T: Nullable,
    {
        TypedExpr::new(Node::Aggregate(Aggregate::Min, Some(Box::new(self.node()))))
    }

    /// `MAX(column)`: NULL (`None`) over no rows.
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
    /// assert_eq!(Task::query().select(Task::hours.max()).one(&db).await?, Some(3));
    /// assert_eq!(Task::query().select(Task::title.max()).one(&db).await?.as_deref(), Some("write"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn max(self) -> TypedExpr<M, Option<T::Inner>>
    where
        T: Nullable,
    {
        TypedExpr::new(Node::Aggregate(Aggregate::Max, Some(Box::new(self.node()))))
    }

    /// `SUM(column)`, as `i64` for integer columns, `f64` for floating ones and `Decimal`
    /// for decimal ones; NULL (`None`) over no rows. A decimal sum is exact on PostgreSQL
    /// and MySQL; SQLite adds doubles (exact to about 15 significant digits).
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
    /// let total: Option<i64> = Task::query().select(Task::hours.sum()).one(&db).await?;
    /// assert_eq!(total, Some(4));
    /// let q = Task::query().select(Task::hours.sum());
    /// assert_eq!(q.to_sql(Dialect::Postgres).sql, r#"SELECT CAST(SUM("task"."hours") AS BIGINT) FROM "task""#);
    /// # Ok(())
    /// # }
    /// ```
    pub fn sum(self) -> TypedExpr<M, Option<T::Sum>>
    where
        T: Summable,
    {
        sum::<M, T>(self.node())
    }

    /// `AVG(column)` as `f64`; NULL (`None`) over no rows.
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
    /// let mean: Option<f64> = Task::query().select(Task::hours.avg()).one(&db).await?;
    /// assert_eq!(mean, Some(2.0)); // the NULL is left out, as SQL does
    /// # Ok(())
    /// # }
    /// ```
    pub fn avg(self) -> TypedExpr<M, Option<f64>>
    where
        T: Summable,
    {
        avg(self.node())
    }
}

fn aggregate<M, T>(aggregate: Aggregate, node: Node) -> TypedExpr<M, T> {
    TypedExpr::new(Node::Aggregate(aggregate, Some(Box::new(node))))
}

/// `SUM`, cast so that it decodes as `T::Sum` on every backend.
fn sum<M, T: Summable>(node: Node) -> TypedExpr<M, Option<T::Sum>> {
    let sum = Node::Aggregate(Aggregate::Sum, Some(Box::new(node)));
    if T::EXACT {
        return TypedExpr::new(sum);
    }
    let to = if T::FLOAT {
        CastType::Double
    } else {
        CastType::BigInt
    };
    TypedExpr::new(Node::Cast(Box::new(sum), to))
}

fn avg<M>(node: Node) -> TypedExpr<M, Option<f64>> {
    let avg = Node::Aggregate(Aggregate::Avg, Some(Box::new(node)));
    TypedExpr::new(Node::Cast(Box::new(avg), CastType::Double))
}

/// The aggregates of computed values: `SUM(price * quantity)`.
impl<M, T> TypedExpr<M, T> {
    /// `COUNT(expr)`: the number of non-NULL values (see [`Column::count`]).
    pub fn count(self) -> TypedExpr<M, i64> {
        aggregate(Aggregate::Count, self.node)
    }

    /// `COUNT(DISTINCT expr)`.
    pub fn count_distinct(self) -> TypedExpr<M, i64> {
        aggregate(Aggregate::CountDistinct, self.node)
    }

    /// `MIN(expr)`: NULL (`None`) over no rows.
    pub fn min(self) -> TypedExpr<M, Option<T::Inner>>
    where
        T: Nullable,
    {
        aggregate(Aggregate::Min, self.node)
    }

    /// `MAX(expr)`: NULL (`None`) over no rows.
    pub fn max(self) -> TypedExpr<M, Option<T::Inner>>
    where
        T: Nullable,
    {
        aggregate(Aggregate::Max, self.node)
    }

    /// `SUM(expr)`, typed as [`Column::sum`] types it.
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model)] struct Line { #[orm(primary_key)] id: i64, cents: i32, quantity: i32 }
    /// let q = Line::query().select(Line::cents.mul(Line::quantity).sum());
    /// assert_eq!(q.to_sql(Dialect::Postgres).sql,
    ///     r#"SELECT CAST(SUM("line"."cents" * "line"."quantity") AS BIGINT) FROM "line""#);
    /// ```
    pub fn sum(self) -> TypedExpr<M, Option<T::Sum>>
    where
        T: Summable,
    {
        sum::<M, T>(self.node)
    }

    /// `AVG(expr)` as `f64`; NULL (`None`) over no rows.
    pub fn avg(self) -> TypedExpr<M, Option<f64>>
    where
        T: Summable,
    {
        avg(self.node)
    }
}

/// A type and its `Option`: `MIN`/`MAX` of either is an `Option<Inner>`.
///
/// Implemented for the types every backend can take the minimum of: numbers, text and
/// dates and times. (PostgreSQL has no `MIN` of `BOOLEAN`, `BYTEA` or `UUID`.)
pub trait Nullable {
    /// The type without `Option`.
    type Inner: SqlValue;
}

/// Numeric types `SUM` and `AVG` apply to.
pub trait Summable {
    /// The type of the sum: `i64` for integers, `f64` for floats, `Decimal` for decimals.
    type Sum: SqlValue;
    /// Whether the sum is a float.
    #[doc(hidden)]
    const FLOAT: bool;
    /// Whether the sum is read as the column's own type, without a cast (decimals: exact
    /// on PostgreSQL and MySQL, a double on SQLite).
    #[doc(hidden)]
    const EXACT: bool = false;
}

macro_rules! nullable {
    ($($t:ty),*) => {$(
        impl Nullable for $t { type Inner = $t; }
        impl Nullable for Option<$t> { type Inner = $t; }
    )*};
}
nullable!(i8, i16, i32, i64, u8, u16, u32, f32, f64, String);
#[cfg(feature = "chrono")]
nullable!(
    chrono::NaiveDate,
    chrono::NaiveTime,
    chrono::NaiveDateTime,
    chrono::DateTime<chrono::Utc>
);

macro_rules! summable {
    ($sum:ty, $float:literal: $($t:ty),*) => {$(
        impl Summable for $t { type Sum = $sum; const FLOAT: bool = $float; }
        impl Summable for Option<$t> { type Sum = $sum; const FLOAT: bool = $float; }
    )*};
}
summable!(i64, false: i8, i16, i32, i64, u8, u16, u32);
summable!(f64, true: f32, f64);
#[cfg(feature = "decimal")]
nullable!(rust_decimal::Decimal);
#[cfg(feature = "decimal")]
impl Summable for rust_decimal::Decimal {
    type Sum = rust_decimal::Decimal;
    const FLOAT: bool = false;
    const EXACT: bool = true;
}
#[cfg(feature = "decimal")]
impl Summable for Option<rust_decimal::Decimal> {
    type Sum = rust_decimal::Decimal;
    const FLOAT: bool = false;
    const EXACT: bool = true;
}
