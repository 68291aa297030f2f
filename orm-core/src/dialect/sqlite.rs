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

/// The rowid's type: what an auto-increment key is declared as.
pub(super) const ROWID_TYPE: &str = "INTEGER";

/// Before a migration that rebuilds tables: SQLite checks foreign keys on every statement
/// unless told not to, which it can only be outside a transaction, and `legacy_alter_table`
/// lets a rebuilt table take its name back without views over it failing the rename.
pub(super) const REBUILD_BEGIN: &str =
    "PRAGMA foreign_keys = OFF;\nPRAGMA legacy_alter_table = ON;\nBEGIN;\n";

/// After it: every foreign key must still hold (`foreign_key_check` only lists the rows
/// that break one; a CHECK turns a listed row into a failure before `COMMIT`).
pub(super) const REBUILD_COMMIT: &str = "\n-- every foreign key must still hold\n\
CREATE TEMP TABLE \"_orm_foreign_key_check\" (\"violating_table\" TEXT, CONSTRAINT \"rows break a foreign key: see PRAGMA foreign_key_check\" CHECK (\"violating_table\" IS NULL));\n\
INSERT INTO \"_orm_foreign_key_check\" SELECT \"table\" FROM pragma_foreign_key_check;\n\
DROP TABLE \"_orm_foreign_key_check\";\n\
COMMIT;\n";

/// After it, committed or failed: the connection's settings as they were.
pub(super) const REBUILD_RESTORE: &str =
    "PRAGMA legacy_alter_table = OFF;\nPRAGMA foreign_keys = ON;\n";

/// See `Dialect::carry_key_sequence`: `to` gets the higher of the two marks.
pub(super) fn carry_key_sequence(from: &str, to: &str) -> Vec<String> {
    let literal = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let (old, new) = (literal(from), literal(to));
    vec![
        format!(
            "UPDATE sqlite_sequence SET seq = (SELECT MAX(seq) FROM sqlite_sequence \
             WHERE name IN ({old}, {new})) WHERE name = {new}"
        ),
        format!(
            "INSERT INTO sqlite_sequence (name, seq) SELECT {new}, seq FROM sqlite_sequence \
             WHERE name = {old} AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = {new})"
        ),
    ]
}

/// Only `INTEGER PRIMARY KEY` aliases the rowid; `AUTOINCREMENT` keeps keys of deleted rows
/// from being reused, as on the other backends.
pub(super) fn auto_increment_column() -> Cow<'static, str> {
    Cow::Owned(format!("{ROWID_TYPE} PRIMARY KEY AUTOINCREMENT"))
}
