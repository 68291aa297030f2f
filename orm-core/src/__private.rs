//! Items the derive's generated code calls. Not a public API.

pub use inventory;

use crate::schema::TableDef;
use crate::{Error, Model, Result, Row, SqlValue};

/// A model linked into the binary, found by `Database::create_all`.
pub struct Registration {
    /// The model's table definition.
    pub table_def: fn() -> &'static TableDef,
}

impl Registration {
    /// The registration of `M`.
    pub const fn of<M: Model>() -> Self {
        Registration {
            table_def: M::table_def,
        }
    }
}

inventory::collect!(Registration);

/// Every registered model's table definition.
pub(crate) fn registered_tables() -> Vec<&'static TableDef> {
    inventory::iter::<Registration>
        .into_iter()
        .map(|r| (r.table_def)())
        .collect()
}

/// Decodes a model's field, naming the model and the column on failure.
#[inline]
pub fn decode<T: SqlValue>(
    row: &Row,
    index: usize,
    model: &'static str,
    column: &'static str,
) -> Result<T> {
    T::decode(row, index).map_err(|e| Error::from_decode(e, Some((model, column)), index))
}

/// An integer type the database can generate as a key.
pub trait GeneratedKey: Sized {
    /// Converts the generated `i64`, failing when it does not fit.
    fn from_generated(key: i64) -> Option<Self>;
}

macro_rules! generated_key {
    ($($t:ty),*) => {$(
        impl GeneratedKey for $t {
            fn from_generated(key: i64) -> Option<Self> {
                <$t>::try_from(key).ok()
            }
        }
    )*};
}

generated_key!(i16, i32, i64);

/// Converts a generated key for the field `model.column`.
pub fn generated_key<T: GeneratedKey>(
    key: i64,
    model: &'static str,
    column: &'static str,
) -> Result<T> {
    T::from_generated(key).ok_or_else(|| {
        Error::Encode(format!(
            "generated key {key} does not fit the type of `{model}.{column}`"
        ))
    })
}

/// Decodes a field whose type the schema stores as text; `T` must say it fits there.
#[inline]
pub fn decode_text<T: crate::TextValue>(
    row: &Row,
    index: usize,
    model: &'static str,
    column: &'static str,
) -> Result<T> {
    decode(row, index, model, column)
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

/// Sets an integer field from a parent's key.
pub fn reference<T: GeneratedKey>(
    key: Option<i64>,
    model: &'static str,
    column: &'static str,
) -> Result<T> {
    match key {
        Some(key) => generated_key(key, model, column),
        None => Err(Error::InvalidQuery(format!(
            "`{model}.{column}` cannot be NULL"
        ))),
    }
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
