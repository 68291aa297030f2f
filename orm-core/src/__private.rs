//! Items the derive's generated code calls. Not a public API.

mod linked;

// The names the derive's code uses, under one short path (each `::core::option::Option::`
// the derive writes instead is a dozen more tokens for the compiler to take in).
pub use crate::schema::{ReferentialAction, SqlType};
pub use crate::{Column, Model, Result, Row, SqlValue, Value};
pub use ::core::option::Option::{self, None, Some};
pub use ::core::result::Result::{Err, Ok};

use std::mem::ManuallyDrop;
use std::sync::OnceLock;

use crate::Error;
use crate::schema::{ForeignKeyDef, TableDef};

/// The models linked into the binary, found by `Database::create_all`, in table name
/// order: each registered model's [`ModelState`] `static` lies in one link section (see
/// [`linked`]).
fn registered() -> Vec<&'static ModelState> {
    let mut models: Vec<&'static ModelState> = linked::states().iter().collect();
    models.sort_by_key(|state| state.table_def().name.as_str());
    models
}

/// Whether two models' `#[orm(database = "…")]` name the same database (a `const fn`,
/// for the derive's check that a foreign key stays within one).
pub const fn same_database(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            let (a, b) = (a.as_bytes(), b.as_bytes());
            if a.len() != b.len() {
                return false;
            }
            let mut i = 0;
            while i < a.len() {
                if a[i] != b[i] {
                    return false;
                }
                i += 1;
            }
            true
        }
        _ => false,
    }
}

/// Every registered model's table definition.
pub(crate) fn registered_tables() -> Vec<&'static TableDef> {
    registered()
        .into_iter()
        .map(ModelState::table_def)
        .collect()
}

/// The table definitions of the registered models bound to `database`.
pub(crate) fn registered_tables_in(database: Option<&str>) -> Vec<&'static TableDef> {
    registered()
        .into_iter()
        .filter(|state| state.database == database)
        .map(ModelState::table_def)
        .collect()
}

/// Whether this target has the link section that registers models ([`linked`]).
pub(crate) const REGISTRATION: bool = linked::SUPPORTED;

/// What the derive knows of a model, as constants: `Model::META`. Read by generic code
/// where it is used; a model's crate does not evaluate it (its table goes to the runtime
/// as [`ModelState::table`]).
pub struct ModelMeta {
    /// The Rust name.
    pub name: &'static str,
    /// The table's name.
    pub table: &'static str,
    /// The columns, in field order.
    pub columns: &'static [&'static str],
    /// The positions in `columns` of the primary key's columns.
    pub key_columns: &'static [usize],
    /// The primary key's columns.
    pub primary_key: &'static [&'static str],
    /// The position of the generated key.
    pub auto_increment: Option<usize>,
    /// The position of the version column.
    pub version: Option<usize>,
    /// Whether it has `#[orm(hooks)]`.
    pub hooks: bool,
    /// Its `#[orm(database = "…")]`.
    pub database: Option<&'static str>,
    /// Its `static` state (a constant may point at a `static`: this costs the model's
    /// crate no function of its own).
    pub state: &'static ModelState,
}

/// A model in the process (`Model::state`): its table, and what is built from it on first
/// use. Each model has one `static`, which is also its registration: a registered model's
/// `static` is placed in the link section [`linked`] reads, so that one item per model
/// does what a constructor function, its pointer and a copy of `META` did (BENCHMARKS.md,
/// "Compile time").
pub struct ModelState {
    /// The table without its foreign keys, as [`TableDef::to_json`] writes it: one string
    /// constant costs the compiler far less than the same data as constant structs.
    pub table: &'static str,
    /// The foreign keys, which name other models' tables through their constants.
    pub foreign_keys: &'static [ForeignKeySpec],
    /// Its `#[orm(database = "…")]`, as in `META`: the registry reads it here, so that
    /// the model's crate never evaluates `META`.
    pub database: Option<&'static str>,
    /// What is built on first use.
    pub caches: ModelCaches,
}

/// What a [`ModelState`] builds on first use: the table definition and the statements.
///
/// The caches are `ManuallyDrop` because a `static` is never dropped: a field whose type
/// has drop glue would make each model crate instantiate that glue, and with it look up
/// the generic code of every upstream crate, for nothing.
pub struct ModelCaches {
    table_def: ManuallyDrop<OnceLock<TableDef>>,
    pub(crate) statements: ManuallyDrop<crate::query::StatementCache>,
}

impl ModelCaches {
    /// Nothing built yet.
    // A constant with interior mutability is meant here: each model's `static` takes a
    // fresh copy of it, which is what a constant gives.
    #[allow(clippy::declare_interior_mutable_const)]
    pub const NEW: ModelCaches = ModelCaches {
        table_def: ManuallyDrop::new(OnceLock::new()),
        statements: ManuallyDrop::new(crate::query::StatementCache::new()),
    };
}

impl ModelState {
    /// The model's table definition, built the first time.
    pub fn table_def(&'static self) -> &'static TableDef {
        self.caches.table_def.get_or_init(|| {
            // Written by the derive of this same release from the parser's `TableDef`.
            let mut table = TableDef::from_json(self.table)
                .unwrap_or_else(|e| panic!("the derive's table `{}`: {e}", self.table));
            table.foreign_keys = self.foreign_keys.iter().map(ForeignKeySpec::def).collect();
            table
        })
    }

    pub(crate) fn statements(&self) -> &crate::query::StatementCache {
        &self.caches.statements
    }
}

/// `names[i]`, or `""` past the end: a foreign key whose width does not match the key it
/// references already fails its own clear assertion, and should not fail here too.
pub const fn nth(names: &'static [&'static str], i: usize) -> &'static str {
    if i < names.len() { names[i] } else { "" }
}

/// A foreign key of a model, as constants: the referenced table and columns are the
/// referenced model's constants, which the derive cannot know.
pub struct ForeignKeySpec {
    /// The referencing columns.
    pub columns: &'static [&'static str],
    /// The referenced table.
    pub ref_table: &'static str,
    /// The referenced columns.
    pub ref_columns: &'static [&'static str],
    /// The constraint's name, where given.
    pub name: Option<&'static str>,
    /// `ON DELETE`.
    pub on_delete: Option<ReferentialAction>,
    /// `ON UPDATE`.
    pub on_update: Option<ReferentialAction>,
}

impl ForeignKeySpec {
    fn def(&self) -> ForeignKeyDef {
        ForeignKeyDef {
            columns: strings(self.columns),
            ref_table: self.ref_table.to_owned(),
            ref_columns: strings(self.ref_columns),
            name: self.name.map(str::to_owned),
            on_delete: self.on_delete,
            on_update: self.on_update,
        }
    }
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

/// Decodes the field of column `index` of `M`, at `offset + index` in the row, naming the
/// model and the column on failure.
#[inline]
pub fn field<M: Model, T: SqlValue>(row: &Row, offset: usize, index: usize) -> Result<T> {
    T::decode(row, offset + index)
        .map_err(|e| Error::from_decode(e, Some((M::NAME, M::COLUMNS[index])), offset + index))
}

/// A model's fields decoded together: a tuple of up to 16 [`SqlValue`]s, read from
/// consecutive columns. The derive decodes a row as one or a few such tuples, which costs
/// the compiler far less than a `?` per field (one `Result` to check instead of sixteen).
pub trait DecodeFields: Sized {
    /// The tuple of columns `first..` of `M`, at `offset + first..` in the row.
    fn decode_fields<M: Model>(row: &Row, offset: usize, first: usize) -> Result<Self>;
}

/// Columns `first..` of `M` as the tuple `T` (see [`DecodeFields`]).
#[inline]
pub fn fields<M: Model, T: DecodeFields>(row: &Row, offset: usize, first: usize) -> Result<T> {
    T::decode_fields::<M>(row, offset, first)
}

/// A model's fields read together: a tuple of references to up to 16 [`SqlValue`]s. The
/// derive's `Model::column_value` is one call with such a tuple (per 16 columns) instead of
/// a match arm and a trait call per field, which the compiler checks far faster.
pub trait FieldValues {
    /// The value of the tuple's element `index`, `None` past its end.
    fn value_at(self, index: usize) -> Option<Value>;
}

/// `DecodeFields` and `FieldValues` for a tuple of one size.
macro_rules! model_tuples {
    ($($field:ident $index:tt),+) => {
        impl<$($field: SqlValue),+> DecodeFields for ($($field,)+) {
            #[inline]
            fn decode_fields<M: Model>(row: &Row, offset: usize, first: usize) -> Result<Self> {
                Ok(($(field::<M, $field>(row, offset, first + $index)?,)+))
            }
        }

        impl<$($field: SqlValue),+> FieldValues for ($(&$field,)+) {
            #[inline]
            fn value_at(self, index: usize) -> Option<Value> {
                match index {
                    $($index => Some(self.$index.to_value()),)+
                    _ => None,
                }
            }
        }
    };
}

model_tuples!(A 0);
model_tuples!(A 0, B 1);
model_tuples!(A 0, B 1, C 2);
model_tuples!(A 0, B 1, C 2, D 3);
model_tuples!(A 0, B 1, C 2, D 3, E 4);
model_tuples!(A 0, B 1, C 2, D 3, E 4, F 5);
model_tuples!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
model_tuples!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
model_tuples!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
model_tuples!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
model_tuples!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
model_tuples!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);
model_tuples!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, N 12);
model_tuples!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, N 12, O 13);
model_tuples!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, N 12, O 13, P 14);
model_tuples!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, N 12, O 13, P 14, Q 15);

/// The value of column `index` of `M`, whose fields from column `first` on are `fields`.
#[inline]
pub fn value_in<M: Model, F: FieldValues>(fields: F, index: usize, first: usize) -> Value {
    match fields.value_at(index.wrapping_sub(first)) {
        Some(value) => value,
        None => no_column(M::NAME, index),
    }
}

/// A model's key as values, in key order: a column's value, or a tuple of them for a
/// composite key (`Model::key_into_values`).
pub trait KeyValues {
    /// The values.
    fn key_values(self) -> Vec<crate::Value>;
}

impl<T: SqlValue> KeyValues for T {
    fn key_values(self) -> Vec<crate::Value> {
        vec![self.to_value()]
    }
}

/// A model without a key (a view).
impl KeyValues for () {
    fn key_values(self) -> Vec<crate::Value> {
        Vec::new()
    }
}

macro_rules! key_values_of_tuples {
    ($(($($t:ident),+)),*) => {$(
        impl<$($t: SqlValue),+> KeyValues for ($($t,)+) {
            #[allow(non_snake_case)]
            fn key_values(self) -> Vec<crate::Value> {
                let ($($t,)+) = self;
                vec![$($t.to_value()),+]
            }
        }
    )*};
}

key_values_of_tuples!(
    (A, B),
    (A, B, C),
    (A, B, C, D),
    (A, B, C, D, E),
    (A, B, C, D, E, F),
    (A, B, C, D, E, F, G),
    (A, B, C, D, E, F, G, H)
);

/// A field that can hold a key the database generated: an integer type, or an `Option`
/// of one (a foreign key that may be NULL).
pub trait KeyField: Sized {
    /// The field's value for `key`; `None` when it does not fit (or is NULL for a field
    /// that cannot be).
    fn from_key(key: Option<i64>) -> Option<Self>;
}

macro_rules! key_field {
    ($($t:ty),*) => {$(
        impl KeyField for $t {
            fn from_key(key: Option<i64>) -> Option<Self> {
                key.and_then(|key| <$t>::try_from(key).ok())
            }
        }
    )*};
}

key_field!(i16, i32, i64);

impl<T: KeyField> KeyField for Option<T> {
    fn from_key(key: Option<i64>) -> Option<Self> {
        match key {
            None => Some(None),
            Some(key) => T::from_key(Some(key)).map(Some),
        }
    }
}

/// Writes `key` into `field`, the field of column `index` of `M`.
pub fn set_key<M: Model, T: KeyField>(field: &mut T, index: usize, key: Option<i64>) -> Result<()> {
    let column = M::COLUMNS[index];
    match (T::from_key(key), key) {
        (Some(value), _) => {
            *field = value;
            Ok(())
        }
        (None, Some(key)) => Err(Error::Encode(format!(
            "generated key {key} does not fit the type of `{}.{column}`",
            M::NAME
        ))),
        (None, None) => Err(Error::InvalidQuery(format!(
            "`{}.{column}` cannot be NULL",
            M::NAME
        ))),
    }
}

/// The error of a key written into column `index` of `M`, which cannot hold one.
pub fn not_an_integer<M: Model>(index: usize) -> Result<()> {
    Err(not_a_reference(
        M::NAME,
        M::COLUMNS.get(index).copied().unwrap_or("?"),
    ))
}

/// `Model::column_value` asked for a column the model does not have: a bug in the caller.
#[cold]
#[track_caller]
pub fn no_column(model: &str, index: usize) -> ! {
    panic!("`{model}` has no column {index}")
}

/// The decode error of text that names no variant of a `DbEnum`.
pub fn unknown_variant(enum_name: &str, text: &str, index: usize) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: index.to_string(),
        source: format!("\"{text}\" is not a variant of `{enum_name}`").into(),
    }
}

/// The lifecycle events a model's [`Hooks`](crate::Hooks) hear (besides deletion, which
/// sees the model unchanged).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hook {
    /// Before the row is inserted.
    BeforeInsert,
    /// Before the row is updated.
    BeforeUpdate,
    /// After the row is loaded.
    AfterLoad,
}

/// Runs `model`'s hook for `event`.
pub fn run_hook<M: crate::Hooks>(model: &mut M, event: Hook) -> Result<()> {
    match event {
        Hook::BeforeInsert => model.before_insert(),
        Hook::BeforeUpdate => model.before_update(),
        Hook::AfterLoad => model.after_load(),
    }
}

/// The error of a session asked to write a key into a column that cannot hold one.
pub fn not_a_reference(model: &str, column: &str) -> Error {
    Error::InvalidQuery(format!(
        "`{model}.{column}` is not an integer column: it cannot name a parent's key"
    ))
}

/// A foreign key's field type `Self` fits the key `K` it references: the same type, or
/// an `Option` of it (a foreign key that may be NULL).
#[diagnostic::on_unimplemented(
    message = "a foreign key field of type `{Self}` cannot hold the key `{K}` it references",
    label = "use `{K}` (or `Option<{K}>`): the column must have the referenced key's type"
)]
pub trait RefersTo<K> {}

impl<K> RefersTo<K> for K {}

impl<K> RefersTo<K> for Option<K> {}
