//! SQL dialects: how each backend spells identifiers, placeholders and types.
//!
//! Rendering is a pure function of a statement and a [`Dialect`]; dialects are always
//! compiled (they are small and need no driver), so SQL for any backend can be rendered,
//! printed and snapshot-tested whichever driver features are on.

mod mysql;
mod postgres;
mod sqlite;

use std::borrow::Cow;

use orm_schema::SqlType;

/// A backend's flavour of SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Dialect {
    /// SQLite 3.35+ (the bundled one).
    Sqlite,
    /// PostgreSQL 12+.
    Postgres,
    /// MySQL 8 and MariaDB 10.11+.
    MySql,
}

impl Dialect {
    /// Every dialect, for tests and tools that render for all of them.
    pub const ALL: [Dialect; 3] = [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql];

    /// The dialect a database URL names by its scheme (`sqlite:`, `postgres://`,
    /// `postgresql://`, `mysql://`, `mariadb://`), without connecting.
    ///
    /// ```
    /// use orm_core::Dialect;
    ///
    /// assert_eq!(Dialect::from_url("postgres://localhost/app")?, Dialect::Postgres);
    /// assert!(Dialect::from_url("oracle://x").is_err());
    /// # Ok::<(), orm_core::Error>(())
    /// ```
    pub fn from_url(url: &str) -> crate::Result<Dialect> {
        let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or_default();
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => Ok(Dialect::Sqlite),
            "postgres" | "postgresql" => Ok(Dialect::Postgres),
            "mysql" | "mariadb" => Ok(Dialect::MySql),
            _ => Err(crate::Error::Config(format!(
                "unsupported database URL `{}`: expected `sqlite:`, `postgres://` or `mysql://`",
                crate::redact_url(url)
            ))),
        }
    }

    /// The backend's name as URLs spell it.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
            Dialect::MySql => "mysql",
        }
    }

    /// The character that quotes identifiers.
    fn quote_char(self) -> char {
        match self {
            Dialect::MySql => '`',
            Dialect::Sqlite | Dialect::Postgres => '"',
        }
    }

    /// Appends `name` quoted as an identifier, doubling any quote character inside it.
    ///
    /// ```
    /// use orm_core::Dialect;
    ///
    /// let mut sql = String::new();
    /// Dialect::Postgres.quote_identifier("we\"ird", &mut sql);
    /// assert_eq!(sql, r#""we""ird""#);
    /// ```
    pub fn quote_identifier(self, name: &str, out: &mut String) {
        let q = self.quote_char();
        out.reserve(name.len() + 2);
        out.push(q);
        if name.contains(q) {
            for c in name.chars() {
                if c == q {
                    out.push(q);
                }
                out.push(c);
            }
        } else {
            out.push_str(name);
        }
        out.push(q);
    }

    /// `name` quoted as an identifier.
    pub fn quoted(self, name: &str) -> String {
        let mut s = String::new();
        self.quote_identifier(name, &mut s);
        s
    }

    /// Appends the placeholder of the `n`th (1-based) parameter.
    pub(crate) fn placeholder(self, n: usize, out: &mut String) {
        use std::fmt::Write;
        match self {
            // Writing to a String cannot fail.
            Dialect::Postgres => drop(write!(out, "${n}")),
            Dialect::Sqlite | Dialect::MySql => out.push('?'),
        }
    }

    /// The most parameters one statement may bind.
    pub fn max_parameters(self) -> usize {
        match self {
            Dialect::Sqlite => 32_766,
            Dialect::Postgres | Dialect::MySql => 65_535,
        }
    }

    /// Whether the database is a server reached over a connection (PostgreSQL, MySQL),
    /// which can break, refuse, or be misread from a URL; SQLite is embedded.
    pub fn has_server(self) -> bool {
        !matches!(self, Dialect::Sqlite)
    }

    /// Whether one writer at a time holds the whole database (SQLite): write
    /// transactions then queue in the process (see `db::writer_queue`).
    pub(crate) fn single_writer(self) -> bool {
        matches!(self, Dialect::Sqlite)
    }

    /// Whether `LIMIT` is written as a number rather than bound: the bundled SQLite
    /// prepares a cached statement again on every run when its `LIMIT` is a parameter
    /// (8-10 us each, measured), while a written `LIMIT 1` costs nothing.
    pub(crate) fn inlines_limit(self) -> bool {
        matches!(self, Dialect::Sqlite)
    }

    /// Whether an `IN` list of values can be bound as one array parameter
    /// (PostgreSQL's `= ANY($1)`).
    pub(crate) fn binds_arrays(self) -> bool {
        matches!(self, Dialect::Postgres)
    }

    /// Whether values stored as text (decimals, dates and times) must be normalized to
    /// compare as values (SQLite, which has no such types).
    pub(crate) fn normalizes_text(self) -> bool {
        matches!(self, Dialect::Sqlite)
    }

    /// Whether the driver understands the URL query parameter `key` (sqlx 0.9). Anything
    /// else would be ignored silently (MySQL) or logged at WARN with its value
    /// (PostgreSQL); SQLite's driver refuses unknown parameters itself.
    pub(crate) fn knows_url_parameter(self, key: &str) -> bool {
        match self {
            Dialect::Sqlite => true,
            Dialect::Postgres => postgres::knows_url_parameter(key),
            Dialect::MySql => mysql::knows_url_parameter(key),
        }
    }

    /// What this dialect's DDL names that some of its servers lack (see
    /// [`ServerFeature`]); none for the other dialects.
    pub(crate) fn server_features(self) -> &'static [ServerFeature] {
        match self {
            Dialect::MySql => mysql::SERVER_FEATURES,
            Dialect::Sqlite | Dialect::Postgres => &[],
        }
    }

    /// Whether `INSERT … RETURNING` hands back generated keys (else `LAST_INSERT_ID()`).
    pub fn has_returning(self) -> bool {
        !matches!(self, Dialect::MySql)
    }

    /// The type name of `sql_type` in column definitions. `indexed` says whether the
    /// column is part of a key or index (MySQL needs a length for indexed text).
    pub fn type_name(self, sql_type: &SqlType, indexed: bool) -> Cow<'static, str> {
        if let SqlType::Custom(name) = sql_type {
            return Cow::Owned(name.clone());
        }
        match self {
            Dialect::Sqlite => sqlite::type_name(sql_type),
            Dialect::Postgres => postgres::type_name(sql_type),
            Dialect::MySql => mysql::type_name(sql_type, indexed),
        }
    }

    /// The definition of an auto-increment primary key column, after its quoted name.
    pub(crate) fn auto_increment_column(self, sql_type: &SqlType) -> Cow<'static, str> {
        match self {
            Dialect::Sqlite => sqlite::auto_increment_column(),
            Dialect::Postgres => postgres::auto_increment_column(sql_type),
            Dialect::MySql => mysql::auto_increment_column(sql_type),
        }
    }

    /// Whether indexes are declared inside `CREATE TABLE` (MySQL has no
    /// `CREATE INDEX IF NOT EXISTS`; inline indexes come and go with the table).
    pub(crate) fn inline_indexes(self) -> bool {
        matches!(self, Dialect::MySql)
    }

    /// Whether DDL can run inside a transaction (MySQL commits implicitly around DDL).
    pub fn transactional_ddl(self) -> bool {
        !matches!(self, Dialect::MySql)
    }

    /// Options written after `CREATE TABLE (…)`.
    pub(crate) fn table_options(self) -> &'static str {
        match self {
            Dialect::MySql => mysql::TABLE_OPTIONS,
            Dialect::Sqlite | Dialect::Postgres => "",
        }
    }

    /// `INSERT INTO t` with no columns at all.
    pub(crate) fn insert_default_values(self) -> &'static str {
        match self {
            Dialect::MySql => " () VALUES ()",
            Dialect::Sqlite | Dialect::Postgres => " DEFAULT VALUES",
        }
    }
}

/// Something the dialect's DDL names that not every server of the backend has (MariaDB's
/// NO PAD collation, its `UUID` type), and the spelling for servers without it (MySQL 8,
/// older MariaDB). `Database::connect` asks the server which it has, once;
/// `Database::create_tables` rewrites the DDL for what it lacks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ServerFeature {
    /// A query whose single count is non-zero where the server has the feature (asked
    /// only where the backend's driver is compiled in).
    #[cfg_attr(not(feature = "mysql"), allow(dead_code))]
    pub(crate) present: &'static str,
    /// The DDL's text for it.
    pub(crate) text: &'static str,
    /// What servers without it get in its place.
    pub(crate) fallback: &'static str,
    /// Whether UUIDs are bound as text where the server has it (MariaDB's `UUID` type).
    pub(crate) uuids_as_text: bool,
}

impl std::fmt::Display for Dialect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
