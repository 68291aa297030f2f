//! MySQL's and MariaDB's spelling.

use std::borrow::Cow;

use orm_schema::SqlType;

/// utf8mb4 holds all of Unicode. The collation compares strings exactly, as SQLite and
/// PostgreSQL do: binary, so `eq("Ann")` does not match `"ann"`, and NO PAD, so `eq("a")`
/// does not match `"a "` and keys `'k'` and `'k '` do not collide (`utf8mb4_bin` is PAD
/// SPACE). MariaDB (10.2+) names it `utf8mb4_nopad_bin`; MySQL 8 has no such name, and
/// `Database::create_tables` writes its `utf8mb4_0900_bin` there instead
/// ([`SERVER_FEATURES`]).
pub(super) const TABLE_OPTIONS: &str =
    " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin";

/// MariaDB's binary NO PAD collation of utf8mb4 (10.2+, as [`TABLE_OPTIONS`] names it),
/// and MySQL 8's in its place; MariaDB's `UUID` type (10.7+), and 16 bytes in its place
/// (MySQL, older MariaDB). A column's type follows its quoted name: "`id` UUID".
pub(super) const SERVER_FEATURES: &[super::ServerFeature] = &[
    super::ServerFeature {
        present: "SELECT COUNT(*) FROM information_schema.COLLATIONS WHERE COLLATION_NAME = 'utf8mb4_nopad_bin'",
        text: "COLLATE=utf8mb4_nopad_bin",
        fallback: "COLLATE=utf8mb4_0900_bin",
        uuids_as_text: false,
    },
    super::ServerFeature {
        present: "SELECT COUNT(*) FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'uuid' AND PLUGIN_TYPE = 'DATA TYPE' AND PLUGIN_STATUS = 'ACTIVE'",
        text: "` UUID",
        fallback: "` BINARY(16)",
        uuids_as_text: true,
    },
];

/// `@@auto_increment_increment`, and whether InnoDB documents the rows of one multi-row
/// `INSERT` to get consecutive keys: in its lock modes 0 and 1, not in 2 ("interleaved",
/// MySQL 8's default), where other sessions' inserts may take keys in between.
pub(super) const CONSECUTIVE_KEYS: &str =
    "SELECT @@auto_increment_increment, CASE WHEN @@innodb_autoinc_lock_mode < 2 THEN 1 ELSE 0 END";

/// Non-zero on MariaDB 10.5 and later, which has `INSERT … RETURNING`.
pub(super) const RETURNING_PROBE: &str = "SELECT COUNT(*) FROM (SELECT VERSION() AS v) AS s \
    WHERE v LIKE '%MariaDB%' AND CAST(SUBSTRING_INDEX(v, '.', 1) AS UNSIGNED) * 1000 \
    + CAST(SUBSTRING_INDEX(SUBSTRING_INDEX(v, '.', 2), '.', -1) AS UNSIGNED) >= 10005";

/// The URL parameters sqlx 0.9's MySQL driver reads (`charset` is left out: the ORM needs
/// utf8mb4, see `connect`; `password` is not one: the driver would ignore it).
pub(super) fn knows_url_parameter(key: &str) -> bool {
    matches!(
        key,
        "sslmode"
            | "ssl-mode"
            | "sslca"
            | "ssl-ca"
            | "sslcert"
            | "ssl-cert"
            | "sslkey"
            | "ssl-key"
            | "statement-cache-capacity"
            | "socket"
            | "timezone"
            | "time-zone"
            | "collation"
    )
}

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
        // MariaDB's own type (10.7+), what SQLAlchemy creates there. The ORM binds UUIDs as
        // text on MariaDB: given 16 bytes, the type swaps the groups of some values. It
        // refuses a few values a `Uuid` can hold (an `Error::Encode`). MySQL 8 gets
        // `BINARY(16)` (see `SERVER_FEATURES`).
        SqlType::Uuid => "UUID",
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
