//! MySQL's and MariaDB's spelling.

use std::borrow::Cow;

use orm_schema::SqlType;

/// utf8mb4 holds all of Unicode; the binary collation compares strings exactly, as SQLite
/// and PostgreSQL do, so `eq("Ann")` does not match `"ann"` on one backend only.
pub(super) const TABLE_OPTIONS: &str = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

/// The length given to indexed `String` columns without `max_length`: MySQL cannot index
/// `TEXT` without one, and 255 utf8mb4 characters fit InnoDB's key size.
const INDEXED_TEXT_LENGTH: u32 = 255;

pub(super) fn type_name(t: &SqlType, indexed: bool) -> Cow<'static, str> {
    Cow::Borrowed(match t {
        SqlType::Boolean => "BOOLEAN",
        SqlType::TinyInt => "TINYINT",
        SqlType::SmallInt => "SMALLINT",
        SqlType::Integer => "INT",
        SqlType::BigInt => "BIGINT",
        SqlType::UnsignedTinyInt => "TINYINT UNSIGNED",
        SqlType::UnsignedSmallInt => "SMALLINT UNSIGNED",
        SqlType::UnsignedInteger => "INT UNSIGNED",
        SqlType::Real => "FLOAT",
        SqlType::Double => "DOUBLE",
        SqlType::Text if indexed => {
            return Cow::Owned(format!("VARCHAR({INDEXED_TEXT_LENGTH})"));
        }
        SqlType::Text => "LONGTEXT",
        SqlType::Varchar(n) => return Cow::Owned(format!("VARCHAR({n})")),
        SqlType::Blob => "LONGBLOB",
        SqlType::Date => "DATE",
        SqlType::Time => "TIME(6)",
        SqlType::Timestamp | SqlType::TimestampTz => "DATETIME(6)",
        SqlType::Uuid => "BINARY(16)",
        SqlType::Json => "JSON",
        // Holds every rust_decimal value exactly: 28 digits on either side of the point.
        SqlType::Decimal => "DECIMAL(65, 30)",
        SqlType::Custom(name) => return Cow::Owned(name.clone()),
    })
}

pub(super) fn auto_increment_column(t: &SqlType) -> Cow<'static, str> {
    Cow::Owned(format!(
        "{} NOT NULL AUTO_INCREMENT PRIMARY KEY",
        type_name(t, true)
    ))
}
