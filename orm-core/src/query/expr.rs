//! The expression AST: conditions for `filter`, and value expressions built from columns.

use std::marker::PhantomData;

use crate::column::Column;
use crate::sql::ast::{BinOp, Node};
use crate::value::IntoValue;
use crate::value::StoredAs;

/// An SQL expression: a condition to filter by, or a value computed from columns.
///
/// Built from typed column handles, so the values compared with a column have the
/// column's Rust type:
///
/// ```
/// use orm_core::prelude::*;
///
/// #[derive(Model)]
/// struct Book {
///     #[orm(primary_key)]
///     id: i64,
///     title: String,
///     pages: i32,
/// }
///
/// let long_or_dune = Book::pages.gt(500).or(Book::title.eq("Dune"));
/// let sql = Book::query().filter(long_or_dune).to_sql(Dialect::Postgres);
/// assert_eq!(
///     sql.sql,
///     r#"SELECT "book"."id", "book"."title", "book"."pages" FROM "book" WHERE "book"."pages" > $1 OR "book"."title" = $2"#
/// );
/// ```
///
/// `Book::pages.eq("many")` does not compile: a column compares only with values (or
/// columns, or expressions) of its own type. The expression is typed by the model `M`
/// whose columns it reads, so a query over `Book` cannot filter on another model's
/// column either.
#[must_use = "an expression does nothing until a query uses it"]
pub struct Expr<M>(pub(crate) Node, PhantomData<fn() -> M>);

impl<M> Expr<M> {
    pub(crate) fn new(node: Node) -> Self {
        Expr(node, PhantomData)
    }
}

impl<M> Clone for Expr<M> {
    fn clone(&self) -> Self {
        Expr::new(self.0.clone())
    }
}

impl<M> PartialEq for Expr<M> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<M> std::fmt::Debug for Expr<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Expr").field(&self.0).finish()
    }
}

impl<M> Expr<M> {
    /// Both this condition and `other`.
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
    /// let q = Task::query().select(Task::id).filter(Task::done.eq(false).and(Task::hours.gt(2)));
    /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT "task"."id" FROM "task" WHERE "task"."done" = ? AND "task"."hours" > ?"#);
    /// ```
    pub fn and(self, other: Expr<M>) -> Expr<M> {
        Expr::new(Node::Binary(
            Box::new(self.0),
            BinOp::And,
            Box::new(other.0),
        ))
    }

    /// This condition, or `other`.
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
    /// let q = Task::query()
    ///     .select(Task::id)
    ///     .filter(Task::done.eq(true).or(Task::hours.is_null()))
    ///     .filter(Task::id.gt(1));
    /// // an OR inside an AND is parenthesized
    /// assert_eq!(q.to_sql(Dialect::Sqlite).sql,
    ///     r#"SELECT "task"."id" FROM "task" WHERE ("task"."done" = ? OR "task"."hours" IS NULL) AND "task"."id" > ?"#);
    /// ```
    pub fn or(self, other: Expr<M>) -> Expr<M> {
        Expr::new(Node::Binary(Box::new(self.0), BinOp::Or, Box::new(other.0)))
    }

    /// The negation of this condition. (`!expr` works too.)
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
    /// let q = Task::query().select(Task::id).filter(Task::title.like("t%").not());
    /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT "task"."id" FROM "task" WHERE NOT ("task"."title" LIKE ? ESCAPE '\')"#);
    /// assert_eq!(!Task::done.eq(true), Task::done.eq(true).not());
    /// ```
    #[allow(clippy::should_implement_trait)] // `Not` is implemented as well; this reads better in chains
    pub fn not(self) -> Expr<M> {
        Expr::new(Node::Not(Box::new(self.0)))
    }

    /// Every condition of `conditions` (`None` when there are none).
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
    /// let wanted = [Task::done.eq(false), Task::hours.gt(0)];
    /// let q = Task::query().select(Task::id).filter(Expr::all(wanted).unwrap());
    /// assert_eq!(q.to_sql(Dialect::Sqlite).sql,
    ///     r#"SELECT "task"."id" FROM "task" WHERE "task"."done" = ? AND "task"."hours" > ?"#);
    /// assert!(Expr::<Task>::all([]).is_none());
    /// ```
    pub fn all(conditions: impl IntoIterator<Item = Expr<M>>) -> Option<Expr<M>> {
        conditions.into_iter().reduce(Expr::and)
    }

    /// Any condition of `conditions` (`None` when there are none).
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
    /// let titles = ["write", "ship"].map(|t| Task::title.eq(t));
    /// let q = Task::query().select(Task::id).filter(Expr::any(titles).unwrap());
    /// assert_eq!(q.to_sql(Dialect::Sqlite).sql,
    ///     r#"SELECT "task"."id" FROM "task" WHERE "task"."title" = ? OR "task"."title" = ?"#);
    /// assert!(Expr::<Task>::any([]).is_none());
    /// ```
    pub fn any(conditions: impl IntoIterator<Item = Expr<M>>) -> Option<Expr<M>> {
        conditions.into_iter().reduce(Expr::or)
    }
}

impl<M> std::ops::Not for Expr<M> {
    type Output = Expr<M>;
    fn not(self) -> Expr<M> {
        Expr::not(self)
    }
}

/// A value expression of Rust type `T`: a column, a value, or arithmetic on them.
///
/// What `Column::add` and friends return; it compares like a column does.
#[must_use = "an expression does nothing until a query uses it"]
pub struct TypedExpr<M, T> {
    pub(crate) node: Node,
    _type: PhantomData<fn() -> (M, T)>,
}

impl<M, T> TypedExpr<M, T> {
    pub(crate) fn new(node: Node) -> Self {
        TypedExpr {
            node,
            _type: PhantomData,
        }
    }
}

impl<M, T> Clone for TypedExpr<M, T> {
    fn clone(&self) -> Self {
        TypedExpr::new(self.node.clone())
    }
}

impl<M, T> std::fmt::Debug for TypedExpr<M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("TypedExpr").field(&self.node).finish()
    }
}

/// Something that can stand on either side of a comparison with a `T` in an expression
/// over model `M`: a value of type `T` (or a borrowed form of it), a column of `M` of type
/// `T`, or a [`TypedExpr<M, T>`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be compared with or assigned to a column of type `{T}` of `{M}`",
    label = "expected a value of type `{T}`, or a column or an expression of `{M}` of that type",
    note = "a column of another model does not fit: the expression is over `{M}`"
)]
pub trait Operand<M, T> {
    /// The operand as an expression.
    #[doc(hidden)]
    fn into_operand(self) -> Expr<M>;
}

/// Values are operands through the same conversions as [`IntoValue`]. (One blanket impl
/// over `IntoValue` would collide with the column impl under the orphan rules.)
macro_rules! value_operand {
    ($(impl<$($g:ident),*> Operand<$t:ty> for $v:ty $(where $w:ty: $bound:path)?;)*) => {$(
        impl<M, $($g: crate::SqlValue),*> Operand<M, $t> for $v $(where $w: $bound)? {
            fn into_operand(self) -> Expr<M> {
                Expr::new(Node::Value(IntoValue::<$t>::into_value(self)))
            }
        }
    )*};
}

value_operand! {
    impl<T> Operand<T> for T;
    impl<T> Operand<T> for &T;
    impl<T> Operand<Option<T>> for T where Option<T>: crate::SqlValue;
    impl<> Operand<String> for &str;
    impl<> Operand<Option<String>> for &str;
    impl<> Operand<Vec<u8>> for &[u8];
}

impl<M, T> Column<M, T> {
    /// The column as an expression node, qualified by its table.
    pub(crate) fn node(self) -> Node {
        let column = Node::Column {
            table: self.table(),
            name: self.name(),
        };
        match self.stored() {
            StoredAs::Native => column,
            text => Node::Normalized(Box::new(column), text),
        }
    }
}

impl<M, T> Operand<M, T> for Column<M, T> {
    fn into_operand(self) -> Expr<M> {
        Expr::new(self.node())
    }
}

impl<M, T> Operand<M, T> for TypedExpr<M, T> {
    fn into_operand(self) -> Expr<M> {
        Expr::new(self.node)
    }
}

/// The values of a subquery that a column of type `T` can be looked up in with
/// `in_query`: `T` itself, or `T` with or without `Option` (a NULL never matches). The
/// same types are what a column of `T` compares with across a join (`eq_col`…).
#[diagnostic::on_unimplemented(
    message = "a subquery returning `{Self}` cannot be compared with a column of type `{T}`",
    label = "the subquery selects values of another type",
    note = "select one column of type `{T}` (or `Option<{T}>`) in the subquery"
)]
pub trait SubqueryOf<T> {}
impl<T> SubqueryOf<T> for T {}
impl<T> SubqueryOf<Option<T>> for T {}
impl<T> SubqueryOf<T> for Option<T> {}

/// Numeric types: arithmetic and `sum`/`avg` apply to their columns.
pub trait Numeric {
    /// Whether the type is an integer (its division truncates).
    #[doc(hidden)]
    const INTEGER: bool;
}

macro_rules! numeric {
    ($integer:literal: $($t:ty),*) => {$(
        impl Numeric for $t { const INTEGER: bool = $integer; }
        impl Numeric for Option<$t> { const INTEGER: bool = $integer; }
    )*};
}
numeric!(true: i8, i16, i32, i64, u8, u16, u32);
numeric!(false: f32, f64);

fn binary<M, T>(lhs: Node, op: BinOp, rhs: impl Operand<M, T>) -> Node {
    Node::Binary(Box::new(lhs), op, Box::new(rhs.into_operand().0))
}

/// The comparison and arithmetic methods of columns and typed expressions.
macro_rules! operators {
    ($ty:ident <$($gen:ident),*>, $node:expr) => {
        // `std::ops::{Add, Sub, Mul, Div}` are implemented as well (below); the methods read
        // better in chains and need no import.
        #[allow(clippy::should_implement_trait)]
        impl<$($gen),*> $ty<$($gen),*> {
            /// `self = value`; comparing with a NULL value renders `IS NULL`.
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
            /// let q = Task::query().select(Task::id).filter(Task::title.eq("ship"));
            /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT "task"."id" FROM "task" WHERE "task"."title" = ?"#);
            /// let q = Task::query().select(Task::id).filter(Task::hours.eq(None));
            /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT "task"."id" FROM "task" WHERE "task"."hours" IS NULL"#);
            /// ```
            pub fn eq(self, value: impl Operand<M, T>) -> Expr<M> {
                Expr::new(binary($node(self), BinOp::Eq, value))
            }
            /// `self <> value`; comparing with a NULL value renders `IS NOT NULL`.
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
            /// let q = Task::query().select(Task::id).filter(Task::title.ne("ship"));
            /// let st = q.to_sql(Dialect::Postgres);
            /// assert_eq!(st.sql, r#"SELECT "task"."id" FROM "task" WHERE "task"."title" <> $1"#);
            /// assert_eq!(st.values, [orm_core::Value::String(Some("ship".into()))]);
            /// ```
            pub fn ne(self, value: impl Operand<M, T>) -> Expr<M> {
                Expr::new(binary($node(self), BinOp::Ne, value))
            }
            /// `self < value`
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
            /// let q = Task::query().select(Task::id).filter(Task::hours.lt(2));
            /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT "task"."id" FROM "task" WHERE "task"."hours" < ?"#);
            /// ```
            pub fn lt(self, value: impl Operand<M, T>) -> Expr<M> {
                Expr::new(binary($node(self), BinOp::Lt, value))
            }
            /// `self <= value`
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
            /// let q = Task::query().select(Task::id).filter(Task::hours.le(2));
            /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT "task"."id" FROM "task" WHERE "task"."hours" <= ?"#);
            /// ```
            pub fn le(self, value: impl Operand<M, T>) -> Expr<M> {
                Expr::new(binary($node(self), BinOp::Le, value))
            }
            /// `self > value`
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
            /// let q = Task::query().select(Task::id).filter(Task::hours.gt(2));
            /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT "task"."id" FROM "task" WHERE "task"."hours" > ?"#);
            /// ```
            pub fn gt(self, value: impl Operand<M, T>) -> Expr<M> {
                Expr::new(binary($node(self), BinOp::Gt, value))
            }
            /// `self >= value`
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
            /// let q = Task::query().select(Task::id).filter(Task::hours.ge(2));
            /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT "task"."id" FROM "task" WHERE "task"."hours" >= ?"#);
            /// ```
            pub fn ge(self, value: impl Operand<M, T>) -> Expr<M> {
                Expr::new(binary($node(self), BinOp::Ge, value))
            }
            /// `self IS NULL`
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
            /// let q = Task::query().select(Task::id).filter(Task::hours.is_null());
            /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT "task"."id" FROM "task" WHERE "task"."hours" IS NULL"#);
            /// ```
            pub fn is_null(self) -> Expr<M> {
                Expr::new(Node::IsNull(Box::new($node(self)), false))
            }
            /// `self IS NOT NULL`
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
            /// let q = Task::query().select(Task::id).filter(Task::hours.is_not_null());
            /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT "task"."id" FROM "task" WHERE "task"."hours" IS NOT NULL"#);
            /// ```
            pub fn is_not_null(self) -> Expr<M> {
                Expr::new(Node::IsNull(Box::new($node(self)), true))
            }
            /// `self BETWEEN low AND high` (both ends included).
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
            /// let q = Task::query().select(Task::id).filter(Task::hours.between(1, 3));
            /// let st = q.to_sql(Dialect::Sqlite);
            /// assert_eq!(st.sql, r#"SELECT "task"."id" FROM "task" WHERE "task"."hours" BETWEEN ? AND ?"#);
            /// assert_eq!(st.values, [orm_core::Value::I32(Some(1)), orm_core::Value::I32(Some(3))]);
            /// ```
            pub fn between(self, low: impl Operand<M, T>, high: impl Operand<M, T>) -> Expr<M> {
                Expr::new(Node::Between(
                    Box::new($node(self)),
                    Box::new(low.into_operand().0),
                    Box::new(high.into_operand().0),
                    false,
                ))
            }
            /// `self IN (values…)`; an empty list matches nothing.
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
            /// let q = Task::query().select(Task::id).filter(Task::title.is_in(["write", "ship"]));
            /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT "task"."id" FROM "task" WHERE "task"."title" IN (?, ?)"#);
            /// let q = Task::query().select(Task::id).filter(Task::title.is_in(Vec::<String>::new()));
            /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT "task"."id" FROM "task" WHERE 1 = 0"#);
            /// ```
            pub fn is_in<V: Operand<M, T>>(self, values: impl IntoIterator<Item = V>) -> Expr<M> {
                let list = values.into_iter().map(|v| v.into_operand().0).collect();
                Expr::new(Node::InList(Box::new($node(self)), list, false))
            }
            /// `self NOT IN (values…)`; an empty list matches everything.
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
            /// let q = Task::query().select(Task::id).filter(Task::id.not_in([1, 2]));
            /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT "task"."id" FROM "task" WHERE "task"."id" NOT IN (?, ?)"#);
            /// let q = Task::query().select(Task::id).filter(Task::id.not_in(Vec::<i64>::new()));
            /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT "task"."id" FROM "task" WHERE 1 = 1"#);
            /// ```
            pub fn not_in<V: Operand<M, T>>(self, values: impl IntoIterator<Item = V>) -> Expr<M> {
                let list = values.into_iter().map(|v| v.into_operand().0).collect();
                Expr::new(Node::InList(Box::new($node(self)), list, true))
            }
            /// `self IN (SELECT …)`: a subquery selecting one column of type `T`, or of
            /// `T` with or without `Option` (a foreign key in a list of primary keys).
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
            /// # #[derive(Model)] struct Tag { #[orm(primary_key)] id: i64, task_id: i64, name: String }
            /// let urgent = Tag::query().select(Tag::task_id).filter(Tag::name.eq("urgent"));
            /// let q = Task::query().select(Task::id).filter(Task::id.in_query(urgent));
            /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT "task"."id" FROM "task" WHERE "task"."id" IN (SELECT "tag"."task_id" FROM "tag" WHERE "tag"."name" = ?)"#);
            /// ```
            pub fn in_query<M2, S>(self, query: crate::query::Select<M2, S>) -> Expr<M>
            where
                S: crate::query::Selection<M2>,
                S::Output: SubqueryOf<T>,
            {
                Expr::new(Node::InSelect(Box::new($node(self)), Box::new(query.stmt), false))
            }
            /// `self NOT IN (SELECT …)`.
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
            /// # #[derive(Model)] struct Tag { #[orm(primary_key)] id: i64, task_id: i64, name: String }
            /// let tagged = Tag::query().select(Tag::task_id);
            /// let q = Task::query().select(Task::id).filter(Task::id.not_in_query(tagged));
            /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT "task"."id" FROM "task" WHERE "task"."id" NOT IN (SELECT "tag"."task_id" FROM "tag")"#);
            /// ```
            pub fn not_in_query<M2, S>(self, query: crate::query::Select<M2, S>) -> Expr<M>
            where
                S: crate::query::Selection<M2>,
                S::Output: SubqueryOf<T>,
            {
                Expr::new(Node::InSelect(Box::new($node(self)), Box::new(query.stmt), true))
            }
            /// `self + value`
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
            /// let q = Task::query().select(Task::id).filter(Task::hours.add(1).gt(3));
            /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT "task"."id" FROM "task" WHERE "task"."hours" + ? > ?"#);
            /// let with_plus = Task::query().select(Task::id).filter((Task::hours + 1).gt(3));
            /// assert_eq!(with_plus.to_sql(Dialect::Sqlite), q.to_sql(Dialect::Sqlite));
            /// ```
            pub fn add(self, value: impl Operand<M, T>) -> TypedExpr<M, T> where T: Numeric {
                TypedExpr::new(binary($node(self), BinOp::Add, value))
            }
            /// `self - value`
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
            /// let q = Task::query().select(Task::hours.sub(1));
            /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT "task"."hours" - ? FROM "task""#);
            /// ```
            pub fn sub(self, value: impl Operand<M, T>) -> TypedExpr<M, T> where T: Numeric {
                TypedExpr::new(binary($node(self), BinOp::Sub, value))
            }
            /// `self * value`
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
            /// let minutes = Task::hours.mul(60);
            /// let q = Task::query().select(Task::id).filter(minutes.lt(90));
            /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT "task"."id" FROM "task" WHERE "task"."hours" * ? < ?"#);
            /// ```
            pub fn mul(self, value: impl Operand<M, T>) -> TypedExpr<M, T> where T: Numeric {
                TypedExpr::new(binary($node(self), BinOp::Mul, value))
            }
            /// `self / value`; for integer types, integer division truncating toward zero
            /// on every backend (`DIV` on MySQL, whose `/` would return a decimal).
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
            /// let q = Task::query().select(Task::hours.div(2));
            /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT "task"."hours" / ? FROM "task""#);
            /// assert_eq!(q.to_sql(Dialect::MySql).sql, "SELECT `task`.`hours` DIV ? FROM `task`");
            /// ```
            pub fn div(self, value: impl Operand<M, T>) -> TypedExpr<M, T> where T: Numeric {
                let op = if T::INTEGER { BinOp::IntDiv } else { BinOp::Div };
                TypedExpr::new(binary($node(self), op, value))
            }
        }
    };
}

operators!(Column<M, T>, |c: Column<M, T>| c.node());
operators!(TypedExpr<M, T>, |e: TypedExpr<M, T>| e.node);

/// `+ - * /` between a numeric column or expression and an operand of its type:
/// `Counter::hits + 1` is `Counter::hits.add(1)`.
macro_rules! arithmetic_ops {
    ($ty:ident <$($gen:ident),*>) => {
        arithmetic_ops!(@op $ty<$($gen),*>, Add, add);
        arithmetic_ops!(@op $ty<$($gen),*>, Sub, sub);
        arithmetic_ops!(@op $ty<$($gen),*>, Mul, mul);
        arithmetic_ops!(@op $ty<$($gen),*>, Div, div);
    };
    (@op $ty:ident <$($gen:ident),*>, $trait:ident, $method:ident) => {
        impl<$($gen,)* R: Operand<M, T>> std::ops::$trait<R> for $ty<$($gen),*>
        where
            T: Numeric,
        {
            type Output = TypedExpr<M, T>;
            fn $method(self, rhs: R) -> TypedExpr<M, T> {
                $ty::$method(self, rhs)
            }
        }
    };
}

arithmetic_ops!(Column<M, T>);
arithmetic_ops!(TypedExpr<M, T>);

/// Pattern matching, for text columns.
macro_rules! text_operators {
    ($ty:ident <$($gen:ident),*>, $node:expr) => {
        impl<$($gen),*> $ty<$($gen),*> where T: Text {
            /// `self LIKE pattern`, case-sensitive on every backend: `%` and `_` are
            /// wildcards, and a backslash makes the next character literal on every
            /// backend (`"100\\%"` matches `100%` only).
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
            /// let q = Task::query().select(Task::id).filter(Task::title.like("t%"));
            /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT "task"."id" FROM "task" WHERE "task"."title" LIKE ? ESCAPE '\'"#);
            /// assert_eq!(q.to_sql(Dialect::Postgres).sql, r#"SELECT "task"."id" FROM "task" WHERE "task"."title" LIKE $1"#);
            /// ```
            pub fn like(self, pattern: impl Operand<M, T>) -> Expr<M> {
                self.like_node(pattern, false, false)
            }
            /// `self NOT LIKE pattern`
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
            /// let q = Task::query().select(Task::id).filter(Task::title.not_like("t%"));
            /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT "task"."id" FROM "task" WHERE "task"."title" NOT LIKE ? ESCAPE '\'"#);
            /// ```
            pub fn not_like(self, pattern: impl Operand<M, T>) -> Expr<M> {
                self.like_node(pattern, false, true)
            }
            /// `LIKE`, ignoring case on every backend (PostgreSQL's `ILIKE`, `LOWER(…)` on
            /// both sides elsewhere). SQLite's `LOWER` folds only ASCII letters, so there
            /// `É` and `é` still differ.
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String, done: bool, hours: Option<i32> }
            /// let q = Task::query().select(Task::id).filter(Task::title.ilike("T%"));
            /// assert_eq!(q.to_sql(Dialect::Postgres).sql, r#"SELECT "task"."id" FROM "task" WHERE "task"."title" ILIKE $1"#);
            /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT "task"."id" FROM "task" WHERE LOWER("task"."title") LIKE LOWER(?) ESCAPE '\'"#);
            /// ```
            pub fn ilike(self, pattern: impl Operand<M, T>) -> Expr<M> {
                self.like_node(pattern, true, false)
            }
            fn like_node(self, pattern: impl Operand<M, T>, case_insensitive: bool, negated: bool) -> Expr<M> {
                Expr::new(Node::Like {
                    expr: Box::new($node(self)),
                    pattern: Box::new(pattern.into_operand().0),
                    case_insensitive,
                    negated,
                })
            }
        }
    };
}

/// Text types: `like` and `ilike` apply to their columns.
pub trait Text {}
impl Text for String {}
impl Text for Option<String> {}

text_operators!(Column<M, T>, |c: Column<M, T>| c.node());
text_operators!(TypedExpr<M, T>, |e: TypedExpr<M, T>| e.node);
