//! What an insert does when its row is already there: [`Upsert`].

use std::marker::PhantomData;

use crate::column::Column;
use crate::sql::write::{ConflictAction, OnConflict};
use crate::{Error, Model, Result};

/// An insert that meets an existing row: which unique key decides that the row exists
/// (the *conflict target*), and what happens then: update chosen columns of the existing
/// row with the proposed values, or leave it alone. Used by [`Model::upsert`] and
/// [`Model::upsert_many`].
///
/// - [`Upsert::on_key`] / [`Upsert::on`] choose the target: the primary key, or the
///   columns of a unique constraint (add columns with [`Upsert::and`]). A target that is
///   neither is refused with [`Error::InvalidQuery`] before anything is sent.
/// - By default every column but the target and the auto-increment key is updated;
///   [`Upsert::update`] names the columns instead, [`Upsert::do_nothing`] keeps the row.
///
/// PostgreSQL and SQLite write `ON CONFLICT (target) DO UPDATE SET c = EXCLUDED.c` or
/// `DO NOTHING`; MySQL and MariaDB write `ON DUPLICATE KEY UPDATE c = VALUES(c)`, which
/// reacts to a duplicate in *any* unique key of the table, not just the target (where
/// PostgreSQL and SQLite would report [`Error::UniqueViolation`] for the others).
///
/// ```
/// use orm_core::prelude::*;
/// use orm_core::query::Upsert;
///
/// #[derive(Model, Debug, Clone, PartialEq)]
/// struct Stock {
///     #[orm(primary_key)]
///     id: i64,
///     #[orm(unique)]
///     sku: String,
///     count: i32,
///     note: Option<String>,
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> orm_core::Result<()> {
/// let db = Database::connect("sqlite::memory:").await?;
/// db.create_tables(&[Stock::table_def()]).await?;
///
/// let by_sku = Upsert::on(Stock::sku).update(Stock::count);
/// let mut pen = Stock { id: 0, sku: "pen".into(), count: 10, note: None };
/// pen.upsert(&db, &by_sku).await?; // inserted
/// let mut again = Stock { id: 0, sku: "pen".into(), count: 7, note: Some("ignored".into()) };
/// again.upsert(&db, &by_sku).await?; // updated: count only
/// assert_eq!(again.id, pen.id);
/// assert_eq!(Stock::get(&db, pen.id).await?.unwrap().count, 7);
/// assert_eq!(Stock::get(&db, pen.id).await?.unwrap().note, None);
///
/// let st = by_sku.to_sql(&pen, Dialect::Postgres)?;
/// assert_eq!(st.sql, r#"INSERT INTO "stock" ("sku", "count", "note") VALUES ($1, $2, $3) ON CONFLICT ("sku") DO UPDATE SET "count" = EXCLUDED."count" RETURNING "id""#);
/// # Ok(())
/// # }
/// ```
#[must_use = "an upsert does nothing until `Model::upsert` runs it"]
pub struct Upsert<M> {
    /// Empty: the primary key.
    target: Vec<&'static str>,
    action: Action,
    _model: PhantomData<fn() -> M>,
}

#[derive(Debug, Clone, PartialEq)]
enum Action {
    UpdateOthers,
    Update(Vec<&'static str>),
    Nothing,
}

impl<M> Clone for Upsert<M> {
    fn clone(&self) -> Self {
        Upsert {
            target: self.target.clone(),
            action: self.action.clone(),
            _model: PhantomData,
        }
    }
}

impl<M> std::fmt::Debug for Upsert<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upsert")
            .field("target", &self.target)
            .field("action", &self.action)
            .finish()
    }
}

impl<M: Model> Upsert<M> {
    /// Conflicts on the primary key.
    pub fn on_key() -> Self {
        Upsert {
            target: Vec::new(),
            action: Action::UpdateOthers,
            _model: PhantomData,
        }
    }

    /// Conflicts on the unique constraint over `column` (and the columns added with
    /// [`and`](Upsert::and)).
    pub fn on<T>(column: Column<M, T>) -> Self {
        Upsert {
            target: vec![column.name()],
            action: Action::UpdateOthers,
            _model: PhantomData,
        }
    }

    /// Adds `column` to the conflict target, for a constraint over several columns.
    pub fn and<T>(mut self, column: Column<M, T>) -> Self {
        if self.target.is_empty() {
            self.target = M::PRIMARY_KEY.to_vec();
        }
        if !self.target.contains(&column.name()) {
            self.target.push(column.name());
        }
        self
    }

    /// Updates `column` of the existing row to the proposed value (call once per column;
    /// the first call replaces the default of updating every column).
    pub fn update<T>(mut self, column: Column<M, T>) -> Self {
        match &mut self.action {
            Action::Update(columns) if !columns.contains(&column.name()) => {
                columns.push(column.name())
            }
            Action::Update(_) => {}
            _ => self.action = Action::Update(vec![column.name()]),
        }
        self
    }

    /// Leaves the existing row as it is.
    pub fn do_nothing(mut self) -> Self {
        self.action = Action::Nothing;
        self
    }

    /// The SQL and values [`Model::upsert`] runs for `model` on `dialect`, on a server
    /// that has what the dialect promises (for `MySql`: MySQL's `LAST_INSERT_ID` form;
    /// MariaDB 10.5+ runs the `RETURNING` form instead).
    pub fn to_sql(&self, model: &M, dialect: crate::Dialect) -> Result<crate::Statement> {
        let plan = crate::query::model_write::Plan::upsert(self, dialect.has_returning(), 1)?;
        let insert = crate::query::model_sql::insert::<M, M>(
            std::slice::from_ref(model),
            plan.with_key,
            plan.on_conflict,
            plan.returning,
        )?;
        Ok(crate::sql::write::insert(insert, dialect))
    }

    /// The conflict clause, checked against the table: the target must be the primary
    /// key or a unique constraint (or unique index), as PostgreSQL and SQLite require.
    pub(crate) fn conflict(&self, report_key: Option<&'static str>) -> Result<OnConflict> {
        let target = self.target();
        let table = M::table_def();
        let same = |columns: &[String]| {
            columns.len() == target.len() && columns.iter().all(|c| target.contains(&c.as_str()))
        };
        let unique = same(&table.primary_key)
            || table.uniques.iter().any(|u| same(&u.columns))
            || table.indexes.iter().any(|i| i.unique && same(&i.columns));
        if target.is_empty() || !unique {
            return Err(Error::InvalidQuery(format!(
                "an upsert into `{}` conflicts on ({}), which is not its primary key nor a \
                 unique constraint",
                M::TABLE,
                target.join(", ")
            )));
        }
        let auto_key = M::AUTO_INCREMENT.map(|i| M::COLUMNS[i]);
        if let (Action::Update(columns), Some(key)) = (&self.action, auto_key)
            && columns.contains(&key)
        {
            return Err(Error::InvalidQuery(format!(
                "an upsert into `{}` cannot update its generated key `{key}`",
                M::TABLE
            )));
        }
        let update: Vec<&'static str> = match &self.action {
            Action::Nothing => Vec::new(),
            Action::Update(columns) => columns.clone(),
            Action::UpdateOthers => M::COLUMNS
                .iter()
                .copied()
                .filter(|c| !target.contains(c) && Some(*c) != auto_key)
                .collect(),
        };
        Ok(OnConflict {
            target,
            // Nothing left to update (every column is in the target): nothing to do.
            action: if update.is_empty() {
                ConflictAction::Nothing
            } else {
                ConflictAction::Update(update)
            },
            report_key,
        })
    }

    fn target(&self) -> Vec<&'static str> {
        if self.target.is_empty() {
            M::PRIMARY_KEY.to_vec()
        } else {
            self.target.clone()
        }
    }

    /// Whether the target is the auto-increment key, which an insert without a key never
    /// matches: the model's key is sent along.
    pub(crate) fn targets_generated_key(&self) -> bool {
        M::AUTO_INCREMENT.is_some_and(|i| self.target().contains(&M::COLUMNS[i]))
    }
}
