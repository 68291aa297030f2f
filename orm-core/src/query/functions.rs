//! Scalar SQL functions on columns and typed expressions, typed by what they return and
//! spelled per dialect: `lower`, `upper`, `length` on text, `abs` on numbers, `round` on
//! floats, `coalesce` on NULL-able values, casts, parts of dates and times, `now()`, and
//! `CASE WHEN`.

use crate::column::Column;
use crate::query::expr::{Expr, Numeric, Operand, Text, TypedExpr};
#[cfg(feature = "chrono")]
use crate::sql::ast::DatePart;
use crate::sql::ast::{CastType, Function, Node};

fn call<M, T>(function: Function, args: Vec<Node>) -> TypedExpr<M, T> {
    TypedExpr::new(Node::Function(function, args))
}

/// The functions of text (`String` or `Option<String>`).
macro_rules! text_functions {
    ($ty:ident, $node:expr) => {
        impl<M, T: Text> $ty<M, T> {
            /// `LOWER(self)`. SQLite folds only ASCII letters.
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String }
            /// let q = Task::query().select(Task::id).filter(Task::title.lower().eq("ship"));
            /// assert_eq!(q.to_sql(Dialect::Postgres).sql, r#"SELECT "task"."id" FROM "task" WHERE LOWER("task"."title") = $1"#);
            /// ```
            pub fn lower(self) -> TypedExpr<M, T> {
                call(Function::Lower, vec![$node(self)])
            }

            /// `UPPER(self)`. SQLite folds only ASCII letters.
            pub fn upper(self) -> TypedExpr<M, T> {
                call(Function::Upper, vec![$node(self)])
            }

            /// The length in characters (MySQL's `CHAR_LENGTH`, `LENGTH` elsewhere); NULL
            /// for NULL.
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, title: String }
            /// let q = Task::query().select(Task::title.length());
            /// assert_eq!(q.to_sql(Dialect::MySql).sql, "SELECT CHAR_LENGTH(`task`.`title`) FROM `task`");
            /// ```
            pub fn length(self) -> TypedExpr<M, Option<i64>> {
                call(Function::Length, vec![$node(self)])
            }
        }
    };
}

/// The functions of numbers.
macro_rules! number_functions {
    ($ty:ident, $node:expr) => {
        impl<M, T: Numeric> $ty<M, T> {
            /// `ABS(self)`.
            pub fn abs(self) -> TypedExpr<M, T> {
                call(Function::Abs, vec![$node(self)])
            }
        }
    };
}

/// The functions of NULL-able values.
macro_rules! nullable_functions {
    ($ty:ident, $node:expr) => {
        impl<M, T> $ty<M, Option<T>> {
            /// `COALESCE(self, fallback)`: the value, or `fallback` where it is NULL.
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, hours: Option<i32> }
            /// let q = Task::query().select(Task::hours.coalesce(0));
            /// assert_eq!(q.to_sql(Dialect::Sqlite).sql, r#"SELECT COALESCE("task"."hours", ?) FROM "task""#);
            /// ```
            pub fn coalesce(self, fallback: impl Operand<M, T>) -> TypedExpr<M, T> {
                call(
                    Function::Coalesce,
                    vec![$node(self), fallback.into_operand().0],
                )
            }
        }
    };
}

text_functions!(Column, |c: Column<M, T>| c.node());
text_functions!(TypedExpr, |e: TypedExpr<M, T>| e.node);
number_functions!(Column, |c: Column<M, T>| c.node());
number_functions!(TypedExpr, |e: TypedExpr<M, T>| e.node);
nullable_functions!(Column, |c: Column<M, Option<T>>| c.node());
nullable_functions!(TypedExpr, |e: TypedExpr<M, Option<T>>| e.node);

/// Floating-point types: `round` applies to them.
pub trait Float {}
impl Float for f64 {}
impl Float for Option<f64> {}

/// `ROUND(node, digits)`; to tens, hundreds… as `ROUND(node / 10^k) * 10^k`, since
/// SQLite reads negative digits as none.
fn round<M, T>(node: Node, digits: i32) -> TypedExpr<M, T> {
    use crate::sql::ast::BinOp;
    let rounded = |node: Node, digits: i32| {
        Node::Function(
            Function::Round,
            vec![node, Node::Value(crate::Value::I32(Some(digits)))],
        )
    };
    if digits >= 0 {
        return TypedExpr::new(rounded(node, digits));
    }
    let scale = Node::Value(crate::Value::F64(Some(10f64.powi(digits.saturating_neg()))));
    let scaled = Node::Binary(Box::new(node), BinOp::Div, Box::new(scale.clone()));
    TypedExpr::new(Node::Binary(
        Box::new(rounded(scaled, 0)),
        BinOp::Mul,
        Box::new(scale),
    ))
}

/// The functions of floating-point numbers.
macro_rules! float_functions {
    ($ty:ident, $node:expr) => {
        impl<M, T: Float> $ty<M, T> {
            /// Rounded to `digits` decimal places, half away from zero on every backend
            /// (`2.5` to `3`, `-2.5` to `-3`); negative digits round to tens, hundreds….
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Item { #[orm(primary_key)] id: i64, price: f64 }
            /// let q = Item::query().select(Item::price.round(1));
            /// assert_eq!(q.to_sql(Dialect::Postgres).sql,
            ///     r#"SELECT CAST(ROUND(CAST("item"."price" AS NUMERIC), $1) AS DOUBLE PRECISION) FROM "item""#);
            /// ```
            pub fn round(self, digits: i32) -> TypedExpr<M, T> {
                round($node(self), digits)
            }
        }
    };
}
float_functions!(Column, |c: Column<M, T>| c.node());
float_functions!(TypedExpr, |e: TypedExpr<M, T>| e.node);

/// What a cast turns a value of this type into, NULL-able where it is: `i64` or
/// `Option<i64>`, and so on.
pub trait Castable {
    /// An integer of the same NULL-ability.
    type Integer: crate::SqlValue;
    /// A float of the same NULL-ability.
    type Float: crate::SqlValue;
    /// A text of the same NULL-ability.
    type Text: crate::SqlValue;
}

macro_rules! castable {
    ($($t:ty),*) => {$(
        impl Castable for $t { type Integer = i64; type Float = f64; type Text = String; }
        impl Castable for Option<$t> {
            type Integer = Option<i64>;
            type Float = Option<f64>;
            type Text = Option<String>;
        }
    )*};
}
// Not `bool`: PostgreSQL has no cast of a boolean to a number, and spells it `true` as
// text where the others write `1`.
castable!(i8, i16, i32, i64, u8, u16, u32, f32, f64, String);
#[cfg(feature = "decimal")]
castable!(rust_decimal::Decimal);

/// Types whose cast to an integer means the same on every backend: integers, and text
/// that holds one. (A float or a decimal is truncated by SQLite and rounded by the
/// others: `round` it first, then cast.)
pub trait ToInteger {}

macro_rules! to_integer {
    ($($t:ty),*) => {$(
        impl ToInteger for $t {}
        impl ToInteger for Option<$t> {}
    )*};
}
to_integer!(i8, i16, i32, i64, u8, u16, u32, String);

/// Casts between numbers and text.
macro_rules! cast_functions {
    ($ty:ident, $node:expr) => {
        impl<M, T: Castable> $ty<M, T> {
            /// `CAST(self AS <integer>)` (`BIGINT`, MySQL's `SIGNED`). Text that is not a
            /// number fails on PostgreSQL and reads as 0 on SQLite and MySQL.
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Item { #[orm(primary_key)] id: i64, code: String }
            /// let q = Item::query().select(Item::id).order_by(Item::code.cast_to_integer());
            /// assert_eq!(q.to_sql(Dialect::MySql).sql,
            ///     "SELECT `item`.`id` FROM `item` ORDER BY CAST(`item`.`code` AS SIGNED) ASC");
            /// ```
            pub fn cast_to_integer(self) -> TypedExpr<M, T::Integer>
            where
                T: ToInteger,
            {
                TypedExpr::new(Node::Cast(Box::new($node(self)), CastType::BigInt))
            }

            /// `CAST(self AS <double>)`.
            pub fn cast_to_float(self) -> TypedExpr<M, T::Float> {
                TypedExpr::new(Node::Cast(Box::new($node(self)), CastType::Double))
            }

            /// `CAST(self AS <text>)` (MySQL's `CHAR`). How a float is spelled differs
            /// between backends (`1.0` on SQLite, `1` elsewhere).
            pub fn cast_to_text(self) -> TypedExpr<M, T::Text> {
                TypedExpr::new(Node::Cast(Box::new($node(self)), CastType::Text))
            }
        }
    };
}
cast_functions!(Column, |c: Column<M, T>| c.node());
cast_functions!(TypedExpr, |e: TypedExpr<M, T>| e.node);

/// The start of a `CASE` expression: a condition and the value where it holds. Made by
/// [`Expr::then`]; each [`Case::when`] adds another, and [`Case::otherwise`] (or
/// [`Case::end`], for NULL) ends it.
#[must_use = "a CASE ends with `otherwise` or `end`"]
pub struct Case<M, T> {
    arms: Vec<(Node, Node)>,
    _type: std::marker::PhantomData<fn() -> (M, T)>,
}

/// A value a `CASE` arm gives, which decides the type of the whole `CASE`: a value, a
/// column or a typed expression.
pub trait CaseValue<M> {
    /// The Rust type of the `CASE`.
    type Type;
    /// The value as an expression.
    #[doc(hidden)]
    fn into_case_value(self) -> Expr<M>;
}

macro_rules! case_value {
    ($($v:ty => $t:ty),* $(,)?) => {$(
        impl<M> CaseValue<M> for $v {
            type Type = $t;
            fn into_case_value(self) -> Expr<M> {
                Operand::<M, $t>::into_operand(self)
            }
        }
    )*};
}
case_value!(
    &str => String, String => String, bool => bool, i32 => i32, i64 => i64, f64 => f64,
);

impl<M, T> CaseValue<M> for Column<M, T> {
    type Type = T;
    fn into_case_value(self) -> Expr<M> {
        Expr::new(self.node())
    }
}

impl<M, T> CaseValue<M> for TypedExpr<M, T> {
    type Type = T;
    fn into_case_value(self) -> Expr<M> {
        Expr::new(self.node)
    }
}

impl<M> Expr<M> {
    /// `CASE WHEN self THEN value …`: the value where this condition holds.
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model)] struct Task { #[orm(primary_key)] id: i64, hours: i32 }
    /// let size = Task::hours.gt(8).then("big").when(Task::hours.gt(2), "medium").otherwise("small");
    /// let q = Task::query().select((Task::id, size));
    /// assert_eq!(q.to_sql(Dialect::Sqlite).sql,
    ///     r#"SELECT "task"."id", CASE WHEN "task"."hours" > ? THEN ? WHEN "task"."hours" > ? THEN ? ELSE ? END FROM "task""#);
    /// ```
    pub fn then<V: CaseValue<M>>(self, value: V) -> Case<M, V::Type> {
        Case {
            arms: vec![(self.0, value.into_case_value().0)],
            _type: std::marker::PhantomData,
        }
    }
}

impl<M, T> Case<M, T> {
    /// Another condition, tried when the ones before do not hold.
    pub fn when(mut self, condition: Expr<M>, value: impl Operand<M, T>) -> Self {
        self.arms.push((condition.0, value.into_operand().0));
        self
    }

    /// The value where no condition holds.
    pub fn otherwise(self, value: impl Operand<M, T>) -> TypedExpr<M, T> {
        TypedExpr::new(Node::Case(
            self.arms,
            Some(Box::new(value.into_operand().0)),
        ))
    }

    /// Ends the `CASE`: NULL where no condition holds.
    pub fn end(self) -> TypedExpr<M, Option<T>> {
        TypedExpr::new(Node::Case(self.arms, None))
    }
}

/// The current date and time in UTC (when the transaction started, on PostgreSQL), as a
/// `DateTime<Utc>` or a `NaiveDateTime` to compare with columns of that type.
///
/// ```
/// # use orm_core::prelude::*;
/// # #[derive(Model)] struct Event { #[orm(primary_key)] id: i64, at: chrono::DateTime<chrono::Utc> }
/// use orm_core::query::now;
/// let q = Event::query().select(Event::id).filter(Event::at.lt(now()));
/// assert_eq!(q.to_sql(Dialect::MySql).sql, "SELECT `event`.`id` FROM `event` WHERE `event`.`at` < UTC_TIMESTAMP(6)");
/// ```
#[cfg(feature = "chrono")]
pub fn now<M, T: Timestamp>() -> TypedExpr<M, T> {
    call(Function::Now { naive: T::NAIVE }, Vec::new())
}

/// The types [`now`] returns.
#[cfg(feature = "chrono")]
pub trait Timestamp {
    /// Whether the type has no time zone (a `TIMESTAMP` without one).
    #[doc(hidden)]
    const NAIVE: bool;
}
#[cfg(feature = "chrono")]
impl Timestamp for chrono::DateTime<chrono::Utc> {
    const NAIVE: bool = false;
}
#[cfg(feature = "chrono")]
impl Timestamp for chrono::NaiveDateTime {
    const NAIVE: bool = true;
}

/// Date and time types, with what their parts are read as: `i32`, or `Option<i32>` for a
/// NULL-able column.
#[cfg(feature = "chrono")]
pub trait DateOrTime {
    /// An integer of the same NULL-ability.
    type Part: crate::SqlValue;
    /// Whether values are instants in UTC, stored with a zone on PostgreSQL.
    #[doc(hidden)]
    const ZONED: bool;
}

#[cfg(feature = "chrono")]
macro_rules! date_or_time {
    ($($t:ty => $zoned:literal;)*) => {$(
        impl DateOrTime for $t {
            type Part = i32;
            const ZONED: bool = $zoned;
        }
        impl DateOrTime for Option<$t> {
            type Part = Option<i32>;
            const ZONED: bool = $zoned;
        }
    )*};
}
#[cfg(feature = "chrono")]
date_or_time! {
    chrono::NaiveDate => false;
    chrono::NaiveDateTime => false;
    chrono::DateTime<chrono::Utc> => true;
    chrono::NaiveTime => false;
}

/// `part` of a date or time value (read in UTC).
#[cfg(feature = "chrono")]
fn extract<M, T: DateOrTime>(node: Node, part: DatePart) -> TypedExpr<M, T::Part> {
    let node = if T::ZONED {
        Node::Function(Function::InUtc, vec![node])
    } else {
        node
    };
    call(Function::Extract(part), vec![node])
}

/// The parts of dates and times.
#[cfg(feature = "chrono")]
macro_rules! date_functions {
    ($ty:ident, $node:expr) => {
        impl<M, T: DateOrTime> $ty<M, T> {
            /// The year, in UTC.
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] struct Event { #[orm(primary_key)] id: i64, on: chrono::NaiveDate }
            /// let q = Event::query().select(Event::on.year()).filter(Event::on.month().eq(12));
            /// assert_eq!(q.to_sql(Dialect::Sqlite).sql,
            ///     r#"SELECT CAST(strftime('%Y', "event"."on") AS INTEGER) FROM "event" WHERE CAST(strftime('%m', "event"."on") AS INTEGER) = ?"#);
            /// ```
            pub fn year(self) -> TypedExpr<M, T::Part>
            where
                T: HasDate,
            {
                extract::<M, T>($node(self), DatePart::Year)
            }
            /// The month, 1 to 12.
            pub fn month(self) -> TypedExpr<M, T::Part>
            where
                T: HasDate,
            {
                extract::<M, T>($node(self), DatePart::Month)
            }
            /// The day of the month, 1 to 31.
            pub fn day(self) -> TypedExpr<M, T::Part>
            where
                T: HasDate,
            {
                extract::<M, T>($node(self), DatePart::Day)
            }
            /// The hour, 0 to 23, in UTC.
            pub fn hour(self) -> TypedExpr<M, T::Part>
            where
                T: HasTime,
            {
                extract::<M, T>($node(self), DatePart::Hour)
            }
            /// The minute, 0 to 59.
            pub fn minute(self) -> TypedExpr<M, T::Part>
            where
                T: HasTime,
            {
                extract::<M, T>($node(self), DatePart::Minute)
            }
            /// The whole seconds, 0 to 59.
            pub fn second(self) -> TypedExpr<M, T::Part>
            where
                T: HasTime,
            {
                extract::<M, T>($node(self), DatePart::Second)
            }
        }
    };
}
#[cfg(feature = "chrono")]
date_functions!(Column, |c: Column<M, T>| c.node());
#[cfg(feature = "chrono")]
date_functions!(TypedExpr, |e: TypedExpr<M, T>| e.node);

/// Types with a date: `year`, `month` and `day` apply.
#[cfg(feature = "chrono")]
pub trait HasDate {}
/// Types with a time of day: `hour`, `minute` and `second` apply.
#[cfg(feature = "chrono")]
pub trait HasTime {}
#[cfg(feature = "chrono")]
macro_rules! has {
    ($tr:ident: $($t:ty),*) => {$(
        impl $tr for $t {}
        impl $tr for Option<$t> {}
    )*};
}
#[cfg(feature = "chrono")]
has!(HasDate: chrono::NaiveDate, chrono::NaiveDateTime, chrono::DateTime<chrono::Utc>);
#[cfg(feature = "chrono")]
has!(HasTime: chrono::NaiveTime, chrono::NaiveDateTime, chrono::DateTime<chrono::Utc>);
