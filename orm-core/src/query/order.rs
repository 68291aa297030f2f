//! `ORDER BY` items: direction and where NULLs go.

use std::marker::PhantomData;

use crate::column::Column;
use crate::query::expr::{Node, TypedExpr};

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

/// The backend-independent form of an `ORDER BY` item.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OrderItem {
    pub(crate) node: Node,
    pub(crate) descending: bool,
    pub(crate) nulls: Option<Nulls>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Nulls {
    First,
    Last,
}

impl OrderItem {
    pub(crate) fn asc(node: Node) -> Self {
        OrderItem {
            node,
            descending: false,
            nulls: None,
        }
    }
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
    pub fn nulls_first(mut self) -> Self {
        self.item.nulls = Some(Nulls::First);
        self
    }

    /// NULLs after every value.
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
            pub fn asc(self) -> Ordering<M> {
                Ordering::new($node(self), false)
            }
            /// Descending order.
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
