//! Loading the rows a relation relates to a list of models, one query per thousand
//! parents (SQLAlchemy's `selectinload`), grouped per parent in input order.

use std::collections::HashMap;

use crate::query::{KeyId, Selection};
use crate::relation::Relation;
use crate::sql::ast::{Join, JoinKind, Node, OrderItem, SelectStatement};
use crate::sql::render;
use crate::{Error, Executor, Model, Result, Row, Value};

/// The most keys one loading query lists (PostgreSQL binds them as one array anyway).
const KEYS_PER_QUERY: usize = 1_000;

impl<F: Model, T: Model + Clone> Relation<F, T> {
    /// The rows of `T` related to each of `parents`, grouped per parent in the order of
    /// `parents` (each group in `T`'s key order): one query per thousand parents whatever
    /// their number, many-to-many included. Parents that name the same row (the posts of
    /// one author, loading their author) each get a copy. Nested levels cost one query
    /// each:
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # use orm_core::Relation;
    /// # #[derive(Model, Debug, Clone, PartialEq)] #[orm(table = "users")] struct User { #[orm(primary_key)] id: i64, name: String }
    /// # #[derive(Model, Debug, Clone, PartialEq)] #[orm(table = "posts")] struct Post { #[orm(primary_key)] id: i64, #[orm(references(User))] author_id: i64, title: String }
    /// # #[derive(Model, Debug, Clone, PartialEq)] #[orm(table = "comments")] struct Comment { #[orm(primary_key)] id: i64, #[orm(references(Post))] post_id: i64, text: String }
    /// # impl User { fn posts() -> Relation<User, Post> { Post::author().reverse() } }
    /// # impl Post { fn comments() -> Relation<Post, Comment> { Comment::post().reverse() } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # db.create_tables(&[User::table_def(), Post::table_def(), Comment::table_def()]).await?;
    /// # let mut ann = User { id: 0, name: "ann".into() }; ann.insert(&db).await?;
    /// # let mut post = Post { id: 0, author_id: ann.id, title: "hi".into() }; post.insert(&db).await?;
    /// # Comment { id: 0, post_id: post.id, text: "first".into() }.insert(&db).await?;
    /// let users = User::all(&db).await?;
    /// let posts = User::posts().load(&users, &db).await?; // one query
    /// let flat: Vec<Post> = posts.iter().flatten().cloned().collect();
    /// let comments = Post::comments().load(&flat, &db).await?; // one more
    /// assert_eq!(comments[0][0].text, "first");
    /// let authors = Post::author().load_one(&flat, &db).await?; // back up: one each
    /// assert_eq!(authors[0].as_ref().map(|u| u.name.as_str()), Some("ann"));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn load<E: Executor + ?Sized>(&self, parents: &[F], exec: &E) -> Result<Vec<Vec<T>>> {
        let parent_at = position::<F>(self.single_pair()?.0)?;
        let keys: Vec<Value> = parents
            .iter()
            .map(|p| p.values().swap_remove(parent_at))
            .collect();
        let mut groups: Vec<Vec<T>> = keys.iter().map(|_| Vec::new()).collect();
        for (slots, related) in self.related_by_keys(keys, exec).await? {
            if let Some((last, others)) = slots.split_last() {
                for &slot in others {
                    groups[slot].push(related.clone());
                }
                groups[*last].push(related);
            }
        }
        Ok(groups)
    }

    /// The one row of `T` related to each of `parents` (the first, where there are
    /// several), `None` where there is none: for belongs-to and has-one relations.
    pub async fn load_one<E: Executor + ?Sized>(
        &self,
        parents: &[F],
        exec: &E,
    ) -> Result<Vec<Option<T>>> {
        let groups = self.load(parents, exec).await?;
        Ok(groups.into_iter().map(|g| g.into_iter().next()).collect())
    }

    /// The rows of `T` related to one `parent` (see [`Relation::load`]).
    pub async fn of<E: Executor + ?Sized>(&self, parent: &F, exec: &E) -> Result<Vec<T>> {
        let mut groups = self.load(std::slice::from_ref(parent), exec).await?;
        Ok(groups.pop().unwrap_or_default())
    }
}

impl<F: Model, T: Model> Relation<F, T> {
    /// The relation's one pair of columns: of `F`, and of `T` (or of the association
    /// table).
    pub(crate) fn single_pair(&self) -> Result<(&'static str, &'static str)> {
        match self.on.as_slice() {
            [pair] => Ok(*pair),
            _ => Err(Error::InvalidQuery(format!(
                "relation `{}` matches several columns: load it with a join",
                self.name
            ))),
        }
    }

    /// The rows of `T` related to parents whose key (the relation's column of `F`) is
    /// each of `keys`, each with the positions in `keys` it belongs to; each distinct
    /// key is asked for once, a thousand per query.
    pub(crate) async fn related_by_keys<E: Executor + ?Sized>(
        &self,
        keys: Vec<Value>,
        exec: &E,
    ) -> Result<Vec<(Vec<usize>, T)>> {
        crate::db::check_model::<T>(exec)?;
        let related_column = self.single_pair()?.1;
        let mut slots_of: HashMap<KeyId, Vec<usize>> = HashMap::with_capacity(keys.len());
        let mut distinct: Vec<Value> = Vec::with_capacity(keys.len());
        for (i, key) in keys.into_iter().enumerate() {
            if key.is_null() {
                continue;
            }
            let slots = slots_of.entry(KeyId::of(&key)).or_default();
            if slots.is_empty() {
                distinct.push(key);
            }
            slots.push(i);
        }
        let mut found = Vec::new();
        let Some(example) = distinct.first().cloned() else {
            return Ok(found);
        };
        let dialect = exec.dialect();
        for chunk in distinct.chunks(KEYS_PER_QUERY) {
            let (statement, key_at) = self.loading_statement(related_column, chunk)?;
            let decoded = exec
                .fetch_all_with(render::select(&statement, dialect), |row| {
                    let related = <T as Selection<T>>::decode(&row)?;
                    // The parent's key: a column of the row just decoded, or the
                    // association table's, selected after them.
                    let key = match self.through {
                        None => KeyId::of(&related.column_value(key_at)),
                        Some(_) => key_of(&row, key_at, &example)?,
                    };
                    Ok((key, related))
                })
                .await?;
            for (key, related) in decoded {
                if let Some(slots) = slots_of.get(&key) {
                    found.push((slots.clone(), related));
                }
            }
        }
        Ok(found)
    }

    /// The query for the rows related to the parents with keys `keys`, and where in its
    /// rows the parent's key is.
    fn loading_statement(
        &self,
        related_column: &'static str,
        keys: &[Value],
    ) -> Result<(SelectStatement, usize)> {
        let mut columns: Vec<Node> = T::COLUMNS
            .iter()
            .map(|c| Node::column(T::TABLE, c))
            .collect();
        let list = keys.iter().cloned().map(Node::Value).collect();
        let (key_column, key_at) = match &self.through {
            None => (
                crate::sql::normalize::model_column(T::table_def(), T::TABLE, related_column),
                position::<T>(related_column)?,
            ),
            Some(through) => {
                columns.push(Node::column(through.table, related_column));
                (
                    Node::column(through.table, related_column),
                    T::COLUMNS.len(),
                )
            }
        };
        let mut statement = SelectStatement::new(T::TABLE, columns);
        if let Some(through) = &self.through {
            statement.joins.push(Join {
                kind: JoinKind::Inner,
                table: through.table,
                alias: None,
                on: super::equal_pairs(through.table, T::TABLE, &through.on),
            });
        }
        let condition = Node::InList(Box::new(key_column), list, false);
        statement.filter = Some(super::and(condition, self.extra.clone()));
        statement.order_by = T::PRIMARY_KEY
            .iter()
            .map(|k| OrderItem::asc(Node::column(T::TABLE, k)))
            .collect();
        Ok((statement, key_at))
    }
}

/// Where `column` is among `M`'s columns.
fn position<M: Model>(column: &str) -> Result<usize> {
    M::COLUMNS
        .iter()
        .position(|c| *c == column)
        .ok_or_else(|| Error::InvalidQuery(format!("`{}` has no column `{column}`", M::NAME)))
}

/// The parent key a loaded row names, read as the parents' keys are typed (`example`).
fn key_of(row: &Row, at: usize, example: &Value) -> Result<KeyId> {
    let value = match example {
        v if crate::query::model_write::value_as_i64(v).is_some() => {
            Value::I64(Some(row.get::<i64>(at)?))
        }
        Value::String(_) => Value::String(Some(row.get::<String>(at)?)),
        #[cfg(feature = "uuid")]
        Value::Uuid(_) => Value::Uuid(Some(row.get::<uuid::Uuid>(at)?)),
        other => {
            return Err(Error::InvalidQuery(format!(
                "related rows are loaded by integer, text or UUID keys, not {other:?}"
            )));
        }
    };
    Ok(KeyId::of(&value))
}
