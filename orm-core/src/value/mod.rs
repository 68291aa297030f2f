//! Values bound to statements, and the types a model field can have.
//!
//! Every value a query carries is a [`Value`]; rendering records its placeholder and the
//! value together, and each backend binds it with its own native encoding.

use crate::row::Row;

#[cfg(feature = "decimal")]
mod decimal;
#[cfg(any(
    feature = "chrono",
    feature = "uuid",
    feature = "json",
    feature = "time"
))]
mod foreign;
#[cfg(feature = "json")]
mod json;

#[cfg(feature = "json")]
pub use json::Json;

/// A value bound to a statement as a parameter.
///
/// Each variant carries an `Option` so that a NULL keeps its SQL type: PostgreSQL refuses a
/// text NULL where a bigint is expected.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// `bool`
    Bool(Option<bool>),
    /// `i8`
    I8(Option<i8>),
    /// `i16`
    I16(Option<i16>),
    /// `i32`
    I32(Option<i32>),
    /// `i64`
    I64(Option<i64>),
    /// `u8`
    U8(Option<u8>),
    /// `u16`
    U16(Option<u16>),
    /// `u32`
    U32(Option<u32>),
    /// `f32`
    F32(Option<f32>),
    /// `f64`
    F64(Option<f64>),
    /// `String`, `&str`
    String(Option<String>),
    /// `Vec<u8>`, `&[u8]`
    Bytes(Option<Vec<u8>>),
    /// `chrono::NaiveDate`
    #[cfg(feature = "chrono")]
    Date(Option<chrono::NaiveDate>),
    /// `chrono::NaiveTime`
    #[cfg(feature = "chrono")]
    Time(Option<chrono::NaiveTime>),
    /// `chrono::NaiveDateTime`
    #[cfg(feature = "chrono")]
    DateTime(Option<chrono::NaiveDateTime>),
    /// `chrono::DateTime<Utc>`
    #[cfg(feature = "chrono")]
    DateTimeUtc(Option<chrono::DateTime<chrono::Utc>>),
    /// `uuid::Uuid`
    #[cfg(feature = "uuid")]
    Uuid(Option<uuid::Uuid>),
    /// `serde_json::Value` and [`Json<T>`](crate::Json)
    #[cfg(feature = "json")]
    Json(Option<serde_json::Value>),
    /// `rust_decimal::Decimal`. SQLite has no decimal type: values are stored as exact
    /// text, and conditions and `ORDER BY` compare them as numbers (`CAST(… AS REAL)`).
    #[cfg(feature = "decimal")]
    Decimal(Option<rust_decimal::Decimal>),
    /// `time::Date`
    #[cfg(feature = "time")]
    TimeDate(Option<time::Date>),
    /// `time::Time`
    #[cfg(feature = "time")]
    TimeTime(Option<time::Time>),
    /// `time::PrimitiveDateTime`
    #[cfg(feature = "time")]
    TimePrimitiveDateTime(Option<time::PrimitiveDateTime>),
    /// `time::OffsetDateTime`
    #[cfg(feature = "time")]
    TimeOffsetDateTime(Option<time::OffsetDateTime>),
    /// A value that could not be converted (a `Json<T>` whose `T` failed to serialize):
    /// binding it fails with [`Error::Encode`](crate::Error::Encode), so nothing is written.
    Invalid(String),
    /// The values of an `is_in` list, bound as one array parameter where the backend has
    /// arrays (PostgreSQL's `= ANY($1)`): one statement text for any length, and no limit
    /// on the number of values. All items are of one variant.
    #[doc(hidden)]
    List(Vec<Value>),
}

impl Value {
    /// Whether this is a NULL of any type.
    pub fn is_null(&self) -> bool {
        match self {
            Value::Bool(v) => v.is_none(),
            Value::I8(v) => v.is_none(),
            Value::I16(v) => v.is_none(),
            Value::I32(v) => v.is_none(),
            Value::I64(v) => v.is_none(),
            Value::U8(v) => v.is_none(),
            Value::U16(v) => v.is_none(),
            Value::U32(v) => v.is_none(),
            Value::F32(v) => v.is_none(),
            Value::F64(v) => v.is_none(),
            Value::String(v) => v.is_none(),
            Value::Bytes(v) => v.is_none(),
            #[cfg(feature = "chrono")]
            Value::Date(v) => v.is_none(),
            #[cfg(feature = "chrono")]
            Value::Time(v) => v.is_none(),
            #[cfg(feature = "chrono")]
            Value::DateTime(v) => v.is_none(),
            #[cfg(feature = "chrono")]
            Value::DateTimeUtc(v) => v.is_none(),
            #[cfg(feature = "uuid")]
            Value::Uuid(v) => v.is_none(),
            #[cfg(feature = "json")]
            Value::Json(v) => v.is_none(),
            #[cfg(feature = "decimal")]
            Value::Decimal(v) => v.is_none(),
            #[cfg(feature = "time")]
            Value::TimeDate(v) => v.is_none(),
            #[cfg(feature = "time")]
            Value::TimeTime(v) => v.is_none(),
            #[cfg(feature = "time")]
            Value::TimePrimitiveDateTime(v) => v.is_none(),
            #[cfg(feature = "time")]
            Value::TimeOffsetDateTime(v) => v.is_none(),
            Value::Invalid(_) | Value::List(_) => false,
        }
    }
}

/// A Rust type that can be a model field or a query parameter: it converts to a [`Value`]
/// and decodes from a column of a [`Row`] on every backend.
///
/// Implemented for the types listed in [`orm_schema::RustType::SUPPORTED`] and for
/// `Option<T>` of each.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a column or bound as a value",
    label = "not a column type",
    note = "for an enum, add `#[derive(orm_core::DbEnum)]` to store it as text",
    note = "for a serde type, use `orm_core::Json<{Self}>` to store it as JSON",
    note = "otherwise implement `orm_core::SqlValue` for it"
)]
pub trait SqlValue: Sized + Send + Sync + 'static {
    /// This value as a bound parameter.
    fn to_value(&self) -> Value;

    /// A typed NULL of this type (used for `Option<Self>`'s `None`).
    fn null() -> Value;

    /// Decodes the column at `index` of `row`.
    fn decode(row: &Row, index: usize) -> Result<Self, sqlx::Error>;

    /// Decodes the column at `index` of `row`, `None` for NULL (what `Option<Self>`
    /// reads; the types sqlx decodes natively look the column up once, not twice).
    #[doc(hidden)]
    fn decode_option(row: &Row, index: usize) -> Result<Option<Self>, sqlx::Error> {
        if row.is_null_raw(index)? {
            Ok(None)
        } else {
            Self::decode(row, index).map(Some)
        }
    }

    /// How SQLite stores this type when it stores it as text, so that conditions and
    /// `ORDER BY` compare what the text means rather than the text.
    #[doc(hidden)]
    const STORED_AS: StoredAs = StoredAs::Native;
}

/// What a column's text means on SQLite, which has no decimal or date-time types: how
/// conditions and `ORDER BY` must read it to compare values rather than spellings.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoredAs {
    /// Compared as stored.
    Native,
    /// A decimal number as text (`Decimal`): compared as a number.
    NumberText,
    /// A date and time as text (any of the spellings SQLite's date functions read, or a
    /// unix time or Julian day number): compared in one fixed-width spelling.
    DateTimeText,
    /// A time of day as text: compared in one fixed-width spelling.
    TimeText,
}

/// Implements [`SqlValue`] for each `type => Variant [as StoredAs], decode [| option]`:
/// the value is the variant, `decode(row, index)` reads it (natively, or from what other
/// clients store, see `foreign`), and `option(row, index)`, where given, reads it or NULL
/// in one lookup.
macro_rules! sql_value {
    ($($t:ty => $variant:ident $(as $stored:ident)?, $decode:expr $(=> $option:expr)?;)*) => {$(
        impl SqlValue for $t {
            $(const STORED_AS: StoredAs = StoredAs::$stored;)?
            fn to_value(&self) -> Value {
                Value::$variant(Some(self.clone()))
            }
            fn null() -> Value {
                Value::$variant(None)
            }
            fn decode(row: &Row, index: usize) -> Result<Self, sqlx::Error> {
                ($decode)(row, index)
            }
            $(
                fn decode_option(row: &Row, index: usize) -> Result<Option<Self>, sqlx::Error> {
                    ($option)(row, index)
                }
            )?
        }
    )*};
}

/// Decoded by sqlx on every backend.
fn native<T: crate::row::Native>(row: &Row, index: usize) -> Result<T, sqlx::Error> {
    row.try_get_native(index)
}

/// Decoded by sqlx on every backend, NULL as `None`.
fn native_option<T>(row: &Row, index: usize) -> Result<Option<T>, sqlx::Error>
where
    Option<T>: crate::row::Native,
{
    row.try_get_native(index)
}

sql_value! {
    bool => Bool, native => native_option;
    f32 => F32, native => native_option;
    f64 => F64, native => native_option;
    String => String, native => native_option;
    Vec<u8> => Bytes, native => native_option;
    // Signed integers: from an integer column of any width whose values fit.
    i16 => I16, Row::try_get_integer => Row::try_get_integer_option;
    i32 => I32, Row::try_get_integer => Row::try_get_integer_option;
    i64 => I64, Row::try_get_integer => Row::try_get_integer_option;
    // `i8` and unsigned integers: native on MySQL and SQLite, from any integer column on
    // PostgreSQL (which has neither), with a range check instead of a cast.
    i8 => I8, Row::try_get_widened;
    u8 => U8, Row::try_get_widened;
    u16 => U16, Row::try_get_widened;
    u32 => U32, Row::try_get_widened;
}

#[cfg(feature = "chrono")]
sql_value! {
    chrono::NaiveDate => Date, native;
    chrono::NaiveTime => Time as TimeText, native;
    chrono::NaiveDateTime => DateTime as DateTimeText, foreign::naive_date_time;
    chrono::DateTime<chrono::Utc> => DateTimeUtc as DateTimeText, foreign::utc;
}

#[cfg(feature = "uuid")]
sql_value! { uuid::Uuid => Uuid, foreign::uuid; }

#[cfg(feature = "json")]
sql_value! {
    serde_json::Value => Json,
        |row: &Row, index| row.native_or(index, |row| foreign::json_from_number(row, index));
}

#[cfg(feature = "time")]
sql_value! {
    time::Date => TimeDate, native;
    time::Time => TimeTime as TimeText, native;
    time::PrimitiveDateTime => TimePrimitiveDateTime as DateTimeText, native;
    time::OffsetDateTime => TimeOffsetDateTime as DateTimeText,
        |row: &Row, index| row.native_or(index, |row| foreign::offset_from_primitive(row, index));
}

impl<T: SqlValue> SqlValue for Option<T> {
    const STORED_AS: StoredAs = T::STORED_AS;

    fn to_value(&self) -> Value {
        match self {
            Some(v) => v.to_value(),
            None => T::null(),
        }
    }
    fn null() -> Value {
        T::null()
    }
    fn decode(row: &Row, index: usize) -> Result<Self, sqlx::Error> {
        T::decode_option(row, index)
    }
}

impl<T: SqlValue> From<T> for Value {
    fn from(value: T) -> Value {
        value.to_value()
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Value {
        Value::String(Some(value.to_owned()))
    }
}

impl From<&[u8]> for Value {
    fn from(value: &[u8]) -> Value {
        Value::Bytes(Some(value.to_owned()))
    }
}

/// A type stored as text that the schema mapping does not know by name: what
/// `#[derive(DbEnum)]` implements. A model field of such a type gets a `TEXT` column.
///
/// A type of your own that is stored otherwise implements [`SqlValue`] and names its
/// column type with `#[orm(sql_type = "...")]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a column: the ORM does not know how to store it",
    label = "not a type the ORM can store",
    note = "for an enum, add `#[derive(orm_core::DbEnum)]` to store it as text",
    note = "for a serde type, use `orm_core::Json<{Self}>` to store it as JSON",
    note = "otherwise implement `orm_core::SqlValue` for it and write `#[orm(sql_type = \"...\")]` on the field"
)]
pub trait TextValue: SqlValue {}

impl<T: TextValue> TextValue for Option<T> {}

/// Converts a parameter into a [`Value`]: what `Column::eq` and friends accept.
///
/// Implemented for every [`SqlValue`] and for borrowed forms (`&str`, `&[u8]`, `&T`), so
/// `User::username.eq("john")` needs no allocation by the caller.
pub trait IntoValue<T> {
    /// The bound value.
    fn into_value(self) -> Value;
}

impl<T: SqlValue> IntoValue<T> for T {
    fn into_value(self) -> Value {
        self.to_value()
    }
}

impl<T: SqlValue> IntoValue<T> for &T {
    fn into_value(self) -> Value {
        self.to_value()
    }
}

impl IntoValue<String> for &str {
    fn into_value(self) -> Value {
        Value::String(Some(self.to_owned()))
    }
}

impl IntoValue<Option<String>> for &str {
    fn into_value(self) -> Value {
        Value::String(Some(self.to_owned()))
    }
}

impl IntoValue<Vec<u8>> for &[u8] {
    fn into_value(self) -> Value {
        Value::Bytes(Some(self.to_owned()))
    }
}

impl<T: SqlValue> IntoValue<Option<T>> for T
where
    Option<T>: SqlValue,
{
    fn into_value(self) -> Value {
        self.to_value()
    }
}
