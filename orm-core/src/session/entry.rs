//! One object a session tracks, behind `dyn Any`, and the operations on it that need its
//! model type, as plain function pointers made once per model.

use std::any::{Any, TypeId};

use futures_core::future::BoxFuture;

use crate::schema::TableDef;
use crate::{Database, Model, Result, Transaction, Value};

/// What a session reads through: the pool, or a transaction.
#[derive(Clone, Copy)]
pub(crate) enum Reader<'a> {
    Database(&'a Database),
    Transaction(&'a Transaction),
}

/// A loaded object and its row's values.
pub(super) type Loaded = (Box<dyn Any + Send + Sync>, Vec<Value>);

/// Loads the row with a key, as an object.
type LoadFn = for<'a> fn(Vec<Value>, Reader<'a>) -> BoxFuture<'a, Result<Option<Loaded>>>;

/// Inserts entries' objects of one model.
type InsertFn = for<'a> fn(Vec<&'a mut Entry>, &'a Transaction) -> BoxFuture<'a, Result<()>>;

/// Where an object is in its life, as SQLAlchemy names it (transient and detached
/// objects are not in the session).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    /// Added, not yet written.
    Pending,
    /// Has a row, as of `loaded`.
    Persistent,
    /// Has a row, to be deleted at the next flush.
    Deleted,
}

pub(super) struct Entry {
    pub(super) object: Box<dyn Any + Send + Sync>,
    pub(super) ops: Ops,
    pub(super) state: State,
    /// The values of the row as last loaded or written (`None` while pending): what a
    /// flush compares the object with, and where the row's key is read for `WHERE`.
    pub(super) loaded: Option<Vec<Value>>,
    /// Read the row again at the next access through the session (`get`, a query).
    pub(super) expired: bool,
}

impl Entry {
    pub(super) fn values(&self) -> Vec<Value> {
        (self.ops.values)(&*self.object)
    }

    /// Whether the next flush writes something for this object: its insert, its delete,
    /// or an update of a loaded object that changed.
    pub(super) fn has_changes(&self) -> bool {
        match self.state {
            State::Pending | State::Deleted => true,
            State::Persistent => !self.expired && self.loaded.as_ref() != Some(&self.values()),
        }
    }
}

/// The model-typed operations on an entry.
#[derive(Clone, Copy)]
pub(super) struct Ops {
    pub(super) type_id: TypeId,
    pub(super) name: &'static str,
    pub(super) table: &'static str,
    pub(super) table_def: fn() -> &'static TableDef,
    pub(super) columns: &'static [&'static str],
    pub(super) primary_key: &'static [&'static str],
    /// The positions of the primary key's columns in `columns`.
    pub(super) key_columns: &'static [usize],
    pub(super) auto_increment: Option<usize>,
    pub(super) version: Option<usize>,
    /// Whether the model has hooks (`#[orm(hooks)]`).
    pub(super) hooks: bool,
    /// The database the model is bound to (`#[orm(database = "…")]`).
    pub(super) database: Option<&'static str>,
    pub(super) values: fn(&dyn Any) -> Vec<Value>,
    pub(super) set_key: fn(&mut dyn Any, i64) -> Result<()>,
    pub(super) set_version: fn(&mut dyn Any, i64) -> Result<()>,
    pub(super) set_reference: fn(&mut dyn Any, &str, Option<i64>) -> Result<()>,
    pub(super) before_update: fn(&mut dyn Any) -> Result<()>,
    pub(super) before_delete: fn(&dyn Any) -> Result<()>,
    /// Inserts the entries' objects (all of this model) in multi-row statements and
    /// writes their generated keys back.
    pub(super) insert: InsertFn,
    /// Loads the row with this key.
    pub(super) load: LoadFn,
}

impl Ops {
    pub(super) fn of<M: Model>() -> Ops {
        Ops {
            type_id: TypeId::of::<M>(),
            name: M::NAME,
            database: M::META.database,
            table: M::TABLE,
            table_def: M::table_def,
            columns: M::COLUMNS,
            primary_key: M::PRIMARY_KEY,
            key_columns: M::KEY_COLUMNS,
            auto_increment: M::AUTO_INCREMENT,
            version: M::VERSION,
            hooks: M::META.hooks,
            values: |object| model::<M>(object).values(),
            set_key: |object, key| model_mut::<M>(object).set_generated_key(key),
            set_version: |object, version| model_mut::<M>(object).set_version(version),
            set_reference: |object, column, key| model_mut::<M>(object).set_reference(column, key),
            before_update: |object| {
                model_mut::<M>(object).run_hook(crate::__private::Hook::BeforeUpdate)
            },
            before_delete: |object| model::<M>(object).run_before_delete(),
            insert: insert::<M>,
            load: load::<M>,
        }
    }

    /// The positions of the primary key's columns in [`Ops::columns`].
    pub(super) fn key_positions(&self) -> impl Iterator<Item = usize> + '_ {
        self.key_columns.iter().copied()
    }

    /// The key values within a model's `values`.
    pub(super) fn key_of(&self, values: &[Value]) -> Vec<Value> {
        self.key_positions().map(|i| values[i].clone()).collect()
    }
}

fn model<M: Model>(object: &dyn Any) -> &M {
    object
        .downcast_ref::<M>()
        .expect("an entry holds the model its operations were made for")
}

fn model_mut<M: Model>(object: &mut dyn Any) -> &mut M {
    object
        .downcast_mut::<M>()
        .expect("an entry holds the model its operations were made for")
}

fn load<'a, M: Model>(
    key: Vec<Value>,
    reader: Reader<'a>,
) -> BoxFuture<'a, Result<Option<Loaded>>> {
    Box::pin(async move {
        let select = M::query().filter_key(key);
        let found = match reader {
            Reader::Database(db) => select.first(db).await?,
            Reader::Transaction(tx) => select.first(tx).await?,
        };
        Ok(found.map(|model| {
            let values = model.values();
            (Box::new(model) as Box<dyn Any + Send + Sync>, values)
        }))
    })
}

fn insert<'a, M: Model>(
    entries: Vec<&'a mut Entry>,
    tx: &'a Transaction,
) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        // The objects stay where they are: a flush cut off half-way loses nothing.
        let mut models: Vec<&mut M> = entries
            .into_iter()
            .map(|e| model_mut::<M>(&mut *e.object))
            .collect();
        crate::query::model_write::write_models::<M, &mut M, Transaction>(
            &mut models,
            tx,
            false,
            None,
        )
        .await
    })
}
