//! SQL types, and the one mapping from a field's Rust type to its column type.

/// A column's type, independent of the backend; each dialect names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum SqlType {
    /// `bool`
    Boolean,
    /// `i8`
    TinyInt,
    /// `i16`
    SmallInt,
    /// `i32`
    Integer,
    /// `i64`
    BigInt,
    /// `u8`: a wider signed type where the backend has no unsigned ones.
    UnsignedTinyInt,
    /// `u16`
    UnsignedSmallInt,
    /// `u32`
    UnsignedInteger,
    /// `f32`
    Real,
    /// `f64`
    Double,
    /// `String` without a length.
    Text,
    /// `String` with `#[orm(max_length = N)]`.
    Varchar(u32),
    /// `Vec<u8>`
    Blob,
    /// A calendar date.
    Date,
    /// A time of day.
    Time,
    /// A date and time without a time zone.
    Timestamp,
    /// An instant (a date and time in UTC or with an offset).
    TimestampTz,
    /// `uuid::Uuid`
    Uuid,
    /// `serde_json::Value` and `Json<T>`.
    Json,
    /// `rust_decimal::Decimal`
    Decimal,
    /// `#[orm(sql_type = "...")]`, written verbatim.
    Custom(String),
}

/// A Rust type as the schema mapping sees it: the last segment of its path and its generic
/// arguments (`chrono::DateTime<Utc>` is `DateTime` with `[Utc]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustType {
    /// The last path segment (`Option`, `i64`, `DateTime`).
    pub name: String,
    /// The generic type arguments.
    pub args: Vec<RustType>,
}

impl RustType {
    /// A type without generic arguments.
    pub fn plain(name: impl Into<String>) -> Self {
        RustType {
            name: name.into(),
            args: Vec::new(),
        }
    }

    /// A generic type.
    pub fn generic(name: impl Into<String>, args: Vec<RustType>) -> Self {
        RustType {
            name: name.into(),
            args,
        }
    }

    /// The inner type of `Option<T>`, if this is one.
    pub fn option_inner(&self) -> Option<&RustType> {
        match (self.name.as_str(), self.args.as_slice()) {
            ("Option", [inner]) => Some(inner),
            _ => None,
        }
    }

    /// The column type and NULL-ability of a field of this type, or `None` for a type the
    /// ORM cannot map (the derive then asks for `#[orm(sql_type = "...")]`).
    ///
    /// ```
    /// use orm_schema::{RustType, SqlType};
    ///
    /// let t = RustType::generic("Option", vec![RustType::plain("i64")]);
    /// assert_eq!(t.sql_type(None), Some((SqlType::BigInt, true)));
    /// assert_eq!(RustType::plain("String").sql_type(Some(64)), Some((SqlType::Varchar(64), false)));
    /// assert_eq!(RustType::plain("u64").sql_type(None), None);
    /// ```
    pub fn sql_type(&self, max_length: Option<u32>) -> Option<(SqlType, bool)> {
        if let Some(inner) = self.option_inner() {
            return match inner.sql_type(max_length)? {
                (_, true) => None, // Option<Option<T>> has no column type
                (t, false) => Some((t, true)),
            };
        }
        let arg = |i: usize| self.args.get(i).map(|a| a.name.as_str());
        let t = match (self.name.as_str(), self.args.len()) {
            ("bool", 0) => SqlType::Boolean,
            ("i8", 0) => SqlType::TinyInt,
            ("i16", 0) => SqlType::SmallInt,
            ("i32", 0) => SqlType::Integer,
            ("i64", 0) => SqlType::BigInt,
            ("u8", 0) => SqlType::UnsignedTinyInt,
            ("u16", 0) => SqlType::UnsignedSmallInt,
            ("u32", 0) => SqlType::UnsignedInteger,
            ("f32", 0) => SqlType::Real,
            ("f64", 0) => SqlType::Double,
            ("String", 0) => match max_length {
                Some(n) => SqlType::Varchar(n),
                None => SqlType::Text,
            },
            ("Vec", 1) if arg(0) == Some("u8") => SqlType::Blob,
            ("NaiveDate" | "Date", 0) => SqlType::Date,
            ("NaiveTime" | "Time", 0) => SqlType::Time,
            ("NaiveDateTime" | "PrimitiveDateTime", 0) => SqlType::Timestamp,
            ("DateTime", 1) if arg(0) == Some("Utc") => SqlType::TimestampTz,
            ("OffsetDateTime", 0) => SqlType::TimestampTz,
            ("Uuid", 0) => SqlType::Uuid,
            ("Value" | "JsonValue", 0) => SqlType::Json,
            ("Json", 1) => SqlType::Json,
            ("Decimal", 0) => SqlType::Decimal,
            _ => return None,
        };
        Some((t, false))
    }

    /// The column type of a type the mapping does not know but that may be a user's
    /// text-like type (an enum with `#[derive(DbEnum)]`): text, or `VARCHAR(n)` with
    /// `max_length`. `None` for generic types and for primitives no backend can hold.
    ///
    /// ```
    /// use orm_schema::{RustType, SqlType};
    ///
    /// assert_eq!(RustType::plain("Status").text_value_type(None), Some((SqlType::Text, false)));
    /// let optional = RustType::generic("Option", vec![RustType::plain("Status")]);
    /// assert_eq!(optional.text_value_type(Some(20)), Some((SqlType::Varchar(20), true)));
    /// assert_eq!(RustType::plain("u64").text_value_type(None), None);
    /// ```
    pub fn text_value_type(&self, max_length: Option<u32>) -> Option<(SqlType, bool)> {
        if let Some(inner) = self.option_inner() {
            return match inner.text_value_type(max_length)? {
                (_, true) => None,
                (t, false) => Some((t, true)),
            };
        }
        const NOT_STORABLE: [&str; 9] = [
            "u64", "u128", "i128", "usize", "isize", "char", "str", "f16", "f128",
        ];
        if !self.args.is_empty() || NOT_STORABLE.contains(&self.name.as_str()) {
            return None;
        }
        let t = match max_length {
            Some(n) => SqlType::Varchar(n),
            None => SqlType::Text,
        };
        Some((t, false))
    }

    /// The field types [`RustType::sql_type`] maps, for error messages.
    pub const SUPPORTED: &'static str = "bool, i8, i16, i32, i64, u8, u16, u32, f32, f64, String, \
        Vec<u8>, Option<T>, chrono::{NaiveDate, NaiveTime, NaiveDateTime, DateTime<Utc>}, \
        time::{Date, Time, PrimitiveDateTime, OffsetDateTime}, uuid::Uuid, serde_json::Value, \
        Json<T>, rust_decimal::Decimal, or an enum with #[derive(DbEnum)]";

    /// Whether a value of this type can be generated by the database as a key.
    pub fn is_integer(&self) -> bool {
        matches!(self.name.as_str(), "i16" | "i32" | "i64") && self.args.is_empty()
    }
}

impl std::fmt::Display for RustType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)?;
        if let Some((first, rest)) = self.args.split_first() {
            write!(f, "<{first}")?;
            for a in rest {
                write!(f, ", {a}")?;
            }
            f.write_str(">")?;
        }
        Ok(())
    }
}
