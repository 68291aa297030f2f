//! SQLite's spelling. Type names are chosen so SQLite's type affinity and sqlx's decoders
//! agree with the Rust types (a `BOOLEAN` column decodes as `bool`).

use std::borrow::Cow;

use orm_schema::SqlType;

pub(super) fn type_name(t: &SqlType) -> Cow<'static, str> {
    Cow::Borrowed(match t {
        SqlType::Boolean => "BOOLEAN",
        SqlType::TinyInt => "TINYINT",
        SqlType::SmallInt => "SMALLINT",
        SqlType::Integer => "INTEGER",
        SqlType::BigInt => "BIGINT",
        SqlType::UnsignedTinyInt | SqlType::UnsignedSmallInt | SqlType::UnsignedInteger => {
            "INTEGER"
        }
        SqlType::Real => "REAL",
        SqlType::Double => "DOUBLE",
        SqlType::Text => "TEXT",
        SqlType::Varchar(n) => return Cow::Owned(format!("VARCHAR({n})")),
        SqlType::Blob => "BLOB",
        SqlType::Date => "DATE",
        SqlType::Time => "TIME",
        // sqlx reads these declared types as its date-time type; SQLite stores text.
        SqlType::Timestamp | SqlType::TimestampTz => "DATETIME",
        // 32 lower-case hex digits, as SQLAlchemy stores them: other clients read and
        // compare them, and they sort as the bytes do.
        SqlType::Uuid => "CHAR(32)",
        // TEXT affinity: with the NUMERIC affinity of an unknown type name, SQLite would
        // turn the JSON text `5` or the decimal `1.10` into numbers.
        SqlType::Json | SqlType::Decimal => "TEXT",
        SqlType::Custom(name) => return Cow::Owned(name.clone()),
    })
}

/// Makes a connection read-only (SQLite has no `BEGIN READ ONLY`).
pub(crate) const QUERY_ONLY_ON: &str = "PRAGMA query_only = ON";

/// Switches it back.
#[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
pub(crate) const QUERY_ONLY_OFF: &str = "PRAGMA query_only = OFF";

/// Only `INTEGER PRIMARY KEY` aliases the rowid; `AUTOINCREMENT` keeps keys of deleted rows
/// from being reused, as on the other backends.
pub(super) fn auto_increment_column() -> Cow<'static, str> {
    Cow::Borrowed("INTEGER PRIMARY KEY AUTOINCREMENT")
}
