//! What a query reads from: one model, or the tables a join brought in (models, or
//! aliases of them), and which expressions fit where.

use crate::{Model, Result, Row};

/// A table a query reads, under its own name or an alias: every model, and the aliases
/// [`alias!`](crate::alias) declares.
pub trait Source: Send + Sync + 'static {
    /// The model whose rows it holds.
    type Model: Model;
    /// What its columns are qualified by in SQL: the table's name, or the alias.
    const QUALIFIER: &'static str;
    /// The alias, where the table is read under one.
    const ALIAS: Option<&'static str>;
}

impl<M: Model> Source for M {
    type Model = M;
    const QUALIFIER: &'static str = M::TABLE;
    const ALIAS: Option<&'static str> = None;
}

/// Whether a query reading `Self` can use an expression over `N`: a model's query takes
/// its own columns; a joined query takes the columns of any of its tables.
///
/// A joined query's tables are checked when it runs: a column of a table the query does
/// not read is an [`Error::InvalidQuery`](crate::Error::InvalidQuery) before anything is
/// sent.
#[diagnostic::on_unimplemented(
    message = "a query over `{Self}` cannot use an expression over `{N}`",
    label = "this expression reads another model's columns",
    note = "join `{N}` first (`.join(...)`), or filter on a column of `{Self}`"
)]
pub trait Contains<N> {}

impl<M: Model> Contains<M> for M {}

macro_rules! joined_scope {
    ($($t:ident),+) => {
        impl<N: Source, $($t: Source),+> Contains<N> for ($($t,)+) {}
        // A comparison across two of its tables (`Post::at.lt_col(User::joined)`).
        impl<X: Source, Y: Source, $($t: Source),+> Contains<(X, Y)> for ($($t,)+) {}
    };
}
joined_scope!(A, B);
joined_scope!(A, B, C);
joined_scope!(A, B, C, D);
joined_scope!(A, B, C, D, E);

/// One table's share of a joined row: a model (`T`) or, for a left join, a model that may
/// be missing (`Option<T>`).
pub trait Part: Send + 'static {
    /// What it decodes to.
    type Output: Send + 'static;
    /// The table as the query reads it.
    #[doc(hidden)]
    type Source: Source;
    /// Decodes the model's columns, which start at `offset`.
    #[doc(hidden)]
    fn decode_at(row: &Row, offset: usize) -> Result<Self::Output>;
}

fn decode_model<M: Model>(row: &Row, offset: usize) -> Result<M> {
    let mut model = M::from_row_at(row, offset)?;
    model.run_hook(crate::__private::Hook::AfterLoad)?;
    Ok(model)
}

impl<S: Source> Part for S {
    type Output = S::Model;
    type Source = S;
    fn decode_at(row: &Row, offset: usize) -> Result<S::Model> {
        decode_model(row, offset)
    }
}

impl<S: Source> Part for Option<S> {
    type Output = Option<S::Model>;
    type Source = S;
    fn decode_at(row: &Row, offset: usize) -> Result<Option<S::Model>> {
        // A left join's missing row is all NULLs; a row that is there has a key (or, for a
        // model without one, some column that is not NULL).
        let model = <S::Model as Model>::COLUMNS;
        let key = <S::Model as Model>::PRIMARY_KEY;
        let probe: Vec<usize> = match key.first() {
            Some(k) => vec![model.iter().position(|c| c == k).unwrap_or(0)],
            None => (0..model.len()).collect(),
        };
        for at in probe {
            if !row.is_null(offset + at)? {
                return decode_model(row, offset).map(Some);
            }
        }
        Ok(None)
    }
}

/// Declares `Name` as a second name for a model's table, so that a query can read the
/// table twice: a self-join (employees and their managers), or two relations to one
/// table (a message's sender and recipient).
///
/// ```
/// use orm_core::prelude::*;
///
/// #[derive(Model, Debug)]
/// struct Employee {
///     #[orm(primary_key)]
///     id: i64,
///     name: String,
///     #[orm(references(Self))]
///     manager_id: Option<i64>,
/// }
///
/// orm_core::alias!(Manager = Employee);
///
/// let q = Employee::query()
///     .join(Employee::manager().to::<Manager>())
///     .filter(Manager::col(Employee::name).eq("Ada"));
/// assert_eq!(
///     q.to_sql(Dialect::Sqlite).sql,
///     r#"SELECT "employee"."id", "employee"."name", "employee"."manager_id", "Manager"."id", "Manager"."name", "Manager"."manager_id" FROM "employee" INNER JOIN "employee" AS "Manager" ON "employee"."manager_id" = "Manager"."id" WHERE "Manager"."name" = ?"#
/// );
/// ```
#[macro_export]
macro_rules! alias {
    ($(#[$meta:meta])* $vis:vis $name:ident = $model:ty) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy)]
        $vis struct $name;

        impl $crate::query::Source for $name {
            type Model = $model;
            const QUALIFIER: &'static str = ::core::stringify!($name);
            const ALIAS: ::core::option::Option<&'static str> =
                ::core::option::Option::Some(::core::stringify!($name));
        }

        impl $name {
            /// The column of the model, read through this alias.
            #[allow(dead_code)]
            $vis const fn col<T>(column: $crate::Column<$model, T>) -> $crate::Column<$name, T> {
                column.through_alias(::core::stringify!($name))
            }
        }
    };
}
