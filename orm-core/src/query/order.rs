//! `ORDER BY` items: direction and where NULLs go.

use crate::column::Column;
use crate::query::expr::{Node, TypedExpr};

/// One `ORDER BY` item. Made by `column.asc()` / `column.desc()` (or a bare column,
/// which sorts ascending), then optionally `.nulls_first()` / `.nulls_last()`.
///
/// Without an explicit choice NULLs go where the backend puts them (first ascending on
/// SQLite and MySQL, last on PostgreSQL); with one, every backend agrees.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Ordering {
    pub(crate) node: Node,
    pub(crate) descending: bool,
    pub(crate) nulls: Option<Nulls>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Nulls {
    First,
    Last,
}

impl Ordering {
    pub(crate) fn asc(node: Node) -> Self {
        Ordering {
            node,
            descending: false,
            nulls: None,
        }
    }

    /// NULLs before every value.
    pub fn nulls_first(mut self) -> Self {
        self.nulls = Some(Nulls::First);
        self
    }

    /// NULLs after every value.
    pub fn nulls_last(mut self) -> Self {
        self.nulls = Some(Nulls::Last);
        self
    }
}

macro_rules! directions {
    ($ty:ident <$($gen:ident),*>, $node:expr) => {
        impl<$($gen),*> $ty<$($gen),*> {
            /// Ascending order.
            pub fn asc(self) -> Ordering {
                Ordering::asc($node(self))
            }
            /// Descending order.
            pub fn desc(self) -> Ordering {
                Ordering { descending: true, ..Ordering::asc($node(self)) }
            }
        }
        impl<$($gen),*> From<$ty<$($gen),*>> for Ordering {
            fn from(value: $ty<$($gen),*>) -> Ordering {
                value.asc()
            }
        }
    };
}

directions!(Column<M, T>, |c: Column<M, T>| c.node());
directions!(TypedExpr<T>, |e: TypedExpr<T>| e.node);
