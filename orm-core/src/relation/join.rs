//! Joins in the query builder: `join` and `left_join` to a relation, whole models of
//! every side returned as a tuple.

// The return types are the API: the tables read, and what each row decodes to.
#![allow(clippy::type_complexity)]

use std::marker::PhantomData;

use crate::query::{Expr, Select, Selection};
use crate::relation::{Part, Relation, Source};
use crate::sql::ast::{JoinKind, Node, SelectStatement};
use crate::{Error, Model, Result, Row};

/// What a joined query returns while it selects whole models: a tuple with one model per
/// table, `Option` for a left join's side (`Joined<(User, Option<Post>)>` returns
/// `(User, Option<Post>)`).
pub struct Joined<P>(PhantomData<fn() -> P>);

/// The columns of `S`'s model, qualified as the query reads them.
fn columns_of<S: Source>() -> impl Iterator<Item = Node> {
    <S::Model as Model>::COLUMNS
        .iter()
        .map(|c| Node::column(S::QUALIFIER, c))
}

macro_rules! joined_selection {
    ($($p:ident),+) => {
        impl<Q, $($p: Part),+> Selection<Q> for Joined<($($p,)+)> {
            type Output = ($($p::Output,)+);

            fn columns(self) -> Vec<Expr<Q>> {
                let mut columns = Vec::new();
                $(columns.extend(columns_of::<$p::Source>().map(Expr::new));)+
                columns
            }

            #[allow(unused_assignments)] // the offset after the last part
            fn decode(row: &Row) -> Result<Self::Output> {
                let mut offset = 0;
                Ok(($({
                    let part = $p::decode_at(row, offset)?;
                    offset += <<$p::Source as Source>::Model as Model>::COLUMNS.len();
                    part
                },)+))
            }
        }
    };
}
joined_selection!(A, B);
joined_selection!(A, B, C);
joined_selection!(A, B, C, D);
joined_selection!(A, B, C, D, E);

/// `stmt` with `relation`'s joins and `T`'s columns added.
fn joined<F: Source, T: Source>(
    mut stmt: SelectStatement,
    relation: Relation<F, T>,
    kind: JoinKind,
) -> SelectStatement {
    stmt.joins.extend(relation.joins(kind));
    stmt.columns.extend(columns_of::<T>());
    let meta = <T::Model as Model>::META;
    stmt.joined_models.push((meta.name, meta.database));
    stmt
}

impl<A: Model> Select<A, A> {
    /// Joins the rows `relation` relates to each row (an inner join: rows without any are
    /// left out); the query returns both models, as `(A, T)`, one row per pair.
    ///
    /// Join before choosing columns with `select`. Filters and ordering then take the
    /// columns of either side.
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model, Debug, Clone, PartialEq)] #[orm(table = "users")] struct User { #[orm(primary_key)] id: i64, name: String }
    /// # #[derive(Model, Debug, Clone, PartialEq)] #[orm(table = "posts")] struct Post { #[orm(primary_key)] id: i64, #[orm(references(User))] author_id: i64, title: String }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # db.create_tables(&[User::table_def(), Post::table_def()]).await?;
    /// # let mut ann = User { id: 0, name: "ann".into() }; ann.insert(&db).await?;
    /// # Post { id: 0, author_id: ann.id, title: "hello".into() }.insert(&db).await?;
    /// let rows: Vec<(Post, User)> = Post::query()
    ///     .join(Post::author())
    ///     .filter(User::name.eq("ann"))
    ///     .order_by(Post::title)
    ///     .all(&db)
    ///     .await?;
    /// assert_eq!(rows[0].1.name, "ann");
    /// # Ok(())
    /// # }
    /// ```
    pub fn join<F: Source, T: Source>(
        self,
        relation: Relation<F, T>,
    ) -> Select<(A, T), Joined<(A, T)>>
    where
        A: crate::relation::Contains<F>,
    {
        Select::from_statement(joined(self.stmt, relation, JoinKind::Inner))
    }

    /// Joins the rows `relation` relates to each row, keeping the rows that have none (a
    /// left join): the query returns `(A, Option<T>)`.
    pub fn left_join<F: Source, T: Source>(
        self,
        relation: Relation<F, T>,
    ) -> Select<(A, T), Joined<(A, Option<T>)>>
    where
        A: crate::relation::Contains<F>,
    {
        Select::from_statement(joined(self.stmt, relation, JoinKind::Left))
    }
}

macro_rules! further_joins {
    ($($s:ident $p:ident),+) => {
        impl<$($s: Source,)+ $($p: Part),+> Select<($($s,)+), Joined<($($p,)+)>> {
            /// Joins one more relation, from any table the query reads (see
            /// [`Select::join`]).
            pub fn join<F: Source, T: Source>(
                self,
                relation: Relation<F, T>,
            ) -> Select<($($s,)+ T), Joined<($($p,)+ T)>>
            where
                ($($s,)+): crate::relation::Contains<F>,
            {
                Select::from_statement(joined(self.stmt, relation, JoinKind::Inner))
            }

            /// Left-joins one more relation (see [`Select::left_join`]).
            pub fn left_join<F: Source, T: Source>(
                self,
                relation: Relation<F, T>,
            ) -> Select<($($s,)+ T), Joined<($($p,)+ Option<T>)>>
            where
                ($($s,)+): crate::relation::Contains<F>,
            {
                Select::from_statement(joined(self.stmt, relation, JoinKind::Left))
            }
        }
    };
}
further_joins!(A PA, B PB);
further_joins!(A PA, B PB, C PC);
further_joins!(A PA, B PB, C PC, D PD);

/// Refuses a joined query that reads a column of a table it does not read: the typed
/// API lets any model's columns into a join's filters, and this says which is missing
/// before the database does, less clearly.
pub(crate) fn check_tables(stmt: &SelectStatement) -> Result<()> {
    if let Some(derived) = &stmt.derived
        && derived.select.columns.len() != derived.columns.len()
    {
        return Err(Error::InvalidQuery(format!(
            "the subquery read as `{}` selects {} columns, where the model has {}",
            stmt.table,
            derived.select.columns.len(),
            derived.columns.len()
        )));
    }
    if stmt.joins.is_empty() {
        return Ok(());
    }
    let mut read = vec![stmt.alias.unwrap_or(stmt.table)];
    read.extend(stmt.joins.iter().map(|j| j.alias.unwrap_or(j.table)));
    let nodes = stmt
        .columns
        .iter()
        .chain(&stmt.filter)
        .chain(&stmt.group_by)
        .chain(&stmt.having)
        .chain(stmt.order_by.iter().map(|o| &o.node))
        .chain(stmt.joins.iter().map(|j| &j.on));
    for node in nodes {
        if let Some((table, name)) = crate::sql::render::foreign_column(node, &read) {
            return Err(Error::InvalidQuery(format!(
                "the query reads `{table}.{name}` but not the table `{table}`: join it first \
                 (the query reads {})",
                read.iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    Ok(())
}
