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
