//! Comparisons between the columns of two tables of a join: an expression over both
//! (`Expr<(Post, User)>`), which a query reading both takes.

use crate::column::Column;
use crate::query::expr::{Expr, SubqueryOf, TypedExpr};
use crate::sql::ast::{BinOp, Node};

/// A column or typed expression of values of type `T`, of any table: the other side of
/// an `*_col` comparison.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a column or expression of a type `{T}` compares with",
    label = "compare with a column of the same type (or its `Option`)"
)]
pub trait OtherColumn<T> {
    /// The table it reads.
    type Table;
    /// The expression.
    #[doc(hidden)]
    fn into_expr(self) -> Expr<Self::Table>;
}

impl<N, T, U: SubqueryOf<T>> OtherColumn<T> for Column<N, U> {
    type Table = N;
    fn into_expr(self) -> Expr<N> {
        Expr::new(self.node())
    }
}

impl<N, T, U: SubqueryOf<T>> OtherColumn<T> for TypedExpr<N, U> {
    type Table = N;
    fn into_expr(self) -> Expr<N> {
        Expr::new(self.node)
    }
}

fn across<M, O: OtherColumn<T>, T>(left: Node, op: BinOp, other: O) -> Expr<(M, O::Table)> {
    Expr::new(Node::Binary(
        Box::new(left),
        op,
        Box::new(other.into_expr().0),
    ))
}

macro_rules! across_operators {
    ($ty:ident, $node:expr) => {
        impl<M, T> $ty<M, T> {
            /// `self = other`, `other` a column of another table of the join.
            ///
            /// ```
            /// # use orm_core::prelude::*;
            /// # #[derive(Model)] #[orm(table = "users")] struct User { #[orm(primary_key)] id: i64, joined: i64 }
            /// # #[derive(Model)] #[orm(table = "posts")] struct Post { #[orm(primary_key)] id: i64, #[orm(references(User))] author_id: i64, at: i64 }
            /// // posts written before their author joined
            /// let q = Post::query().join(Post::author()).filter(Post::at.lt_col(User::joined));
            /// assert!(q.to_sql(Dialect::Sqlite).sql.ends_with(r#"WHERE "posts"."at" < "users"."joined""#));
            /// ```
            pub fn eq_col<O: OtherColumn<T>>(self, other: O) -> Expr<(M, O::Table)> {
                across($node(self), BinOp::Eq, other)
            }
            /// `self <> other`, `other` a column of another table of the join.
            pub fn ne_col<O: OtherColumn<T>>(self, other: O) -> Expr<(M, O::Table)> {
                across($node(self), BinOp::Ne, other)
            }
            /// `self < other`, `other` a column of another table of the join.
            pub fn lt_col<O: OtherColumn<T>>(self, other: O) -> Expr<(M, O::Table)> {
                across($node(self), BinOp::Lt, other)
            }
            /// `self <= other`, `other` a column of another table of the join.
            pub fn le_col<O: OtherColumn<T>>(self, other: O) -> Expr<(M, O::Table)> {
                across($node(self), BinOp::Le, other)
            }
            /// `self > other`, `other` a column of another table of the join.
            pub fn gt_col<O: OtherColumn<T>>(self, other: O) -> Expr<(M, O::Table)> {
                across($node(self), BinOp::Gt, other)
            }
            /// `self >= other`, `other` a column of another table of the join.
            pub fn ge_col<O: OtherColumn<T>>(self, other: O) -> Expr<(M, O::Table)> {
                across($node(self), BinOp::Ge, other)
            }
        }
    };
}
across_operators!(Column, |c: Column<M, T>| c.node());
across_operators!(TypedExpr, |e: TypedExpr<M, T>| e.node);
