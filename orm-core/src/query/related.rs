//! Loading the rows related to a list of models by a foreign-key column: the children
//! that name each parent, or the parent each child names; `relation/load` does the work.

use crate::column::Column;
use crate::{Error, Executor, Model, Result, Value};

impl<C: Model, T: crate::SqlValue> Column<C, T> {
    /// The rows of `C` whose foreign key (this column) names each of `parents`, grouped
    /// per parent in the order of `parents` (each group in `C`'s key order): one query
    /// per thousand parents, whatever their number, instead of one per parent.
    ///
    /// The column must be a foreign key of `C` to `P` (`#[orm(references(P))]`); `P`'s
    /// key one column.
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model, Debug, PartialEq)] struct Author { #[orm(primary_key)] id: i64, name: String }
    /// # #[derive(Model, Debug, PartialEq)] struct Book { #[orm(primary_key)] id: i64, #[orm(references(Author))] author_id: i64, title: String }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # db.create_tables(&[Author::table_def(), Book::table_def()]).await?;
    /// # for name in ["le guin", "herbert"] { Author { id: 0, name: name.into() }.insert(&db).await?; }
    /// # for (a, t) in [(2, "Dune"), (1, "Earthsea"), (2, "Children of Dune")] { Book { id: 0, author_id: a, title: t.into() }.insert(&db).await?; }
    /// let authors = Author::all(&db).await?;
    /// let books = Book::author_id.children_of(&authors, &db).await?; // one query
    /// assert_eq!(books[0].iter().map(|b| b.title.as_str()).collect::<Vec<_>>(), ["Earthsea"]);
    /// assert_eq!(books[1].len(), 2);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn children_of<P: Model, E: Executor + ?Sized>(
        self,
        parents: &[P],
        exec: &E,
    ) -> Result<Vec<Vec<C>>> {
        let key_at = single_key::<P>()?;
        let keys = parents
            .iter()
            .map(|p| p.values().swap_remove(key_at))
            .collect();
        self.children_by_keys::<P, E>(keys, exec).await
    }

    /// [`Column::children_of`] for parents given by their key values.
    pub(crate) async fn children_by_keys<P: Model, E: Executor + ?Sized>(
        self,
        keys: Vec<Value>,
        exec: &E,
    ) -> Result<Vec<Vec<C>>> {
        let mut groups: Vec<Vec<C>> = keys.iter().map(|_| Vec::new()).collect();
        // Parents listed twice share their children: the first gets them.
        for (slots, child) in self
            .relation::<P>()?
            .reverse()
            .related_by_keys(keys, exec)
            .await?
        {
            if let Some(&first) = slots.first() {
                groups[first].push(child);
            }
        }
        Ok(groups)
    }

    /// The rows of `C` whose foreign key names `parent` (see [`Column::children_of`]).
    pub async fn children_of_one<P: Model, E: Executor + ?Sized>(
        self,
        parent: &P,
        exec: &E,
    ) -> Result<Vec<C>> {
        let mut groups = self.children_of(std::slice::from_ref(parent), exec).await?;
        Ok(groups.pop().unwrap_or_default())
    }

    /// The parent each of `children` names by this foreign key, in the order of
    /// `children` (`None` where the key is NULL or names no row): one query per thousand
    /// distinct keys.
    pub async fn parents_of<P: Model + Clone, E: Executor + ?Sized>(
        self,
        children: &[C],
        exec: &E,
    ) -> Result<Vec<Option<P>>> {
        let parents = self.relation::<P>()?.load(children, exec).await?;
        Ok(parents.into_iter().map(|g| g.into_iter().next()).collect())
    }

    /// The belongs-to relation this column, a foreign key of `C` to `P`'s key, declares.
    pub(crate) fn relation<P: Model>(self) -> Result<crate::Relation<C, P>> {
        let key_at = single_key::<P>()?;
        references::<C, P>(self.name())?;
        Ok(crate::Relation::foreign_key(
            self.name(),
            vec![(self.name(), P::COLUMNS[key_at])],
        ))
    }
}

/// The position of `P`'s one key column.
fn single_key<P: Model>() -> Result<usize> {
    match P::PRIMARY_KEY {
        [key] => Ok(P::COLUMNS
            .iter()
            .position(|c| c == key)
            .expect("the key is a column")),
        _ => Err(Error::InvalidQuery(format!(
            "`{}` has no single-column key to load related rows by",
            P::NAME
        ))),
    }
}

/// Refuses a column that is not a foreign key of `C` to `P`'s primary key (a key to
/// another column of `P` is loaded through its relation, `Relation::load`).
pub(crate) fn references<C: Model, P: Model>(column: &str) -> Result<()> {
    let refers = C::table_def().foreign_keys.iter().any(|fk| {
        fk.columns == [column] && fk.ref_table == P::TABLE && fk.ref_columns == P::PRIMARY_KEY
    });
    if refers {
        Ok(())
    } else {
        Err(Error::InvalidQuery(format!(
            "`{}.{column}` is not a foreign key to the key of `{}` (load a key to another \
             column through its relation)",
            C::NAME,
            P::TABLE
        )))
    }
}

/// A key as a map key: an integer foreign key and the key it names are equal even where
/// their widths differ (`i32` and `i64`); other keys by their spelling.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum KeyId {
    Integer(i64),
    Other(String),
}

impl KeyId {
    pub(crate) fn of(value: &Value) -> KeyId {
        match crate::query::model_write::value_as_i64(value) {
            Some(n) => KeyId::Integer(n),
            None => KeyId::Other(format!("{value:?}")),
        }
    }
}
