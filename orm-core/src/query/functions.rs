//! Scalar SQL functions on columns and typed expressions, typed by what they return and
//! spelled per dialect: `lower`, `upper`, `length` on text, `abs` on numbers, `coalesce`
//! on NULL-able values.

use crate::column::Column;
use crate::query::expr::{Numeric, Operand, Text, TypedExpr};
use crate::sql::ast::{Function, Node};

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
