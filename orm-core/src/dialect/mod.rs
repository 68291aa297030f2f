//! SQL dialects: how each backend spells identifiers, placeholders and types.
//!
//! Rendering is a pure function of a statement and a [`Dialect`]; dialects are always
//! compiled (they are small and need no driver), so SQL for any backend can be rendered,
//! printed and snapshot-tested whichever driver features are on.

mod catalog;
mod mysql;
mod postgres;
pub(crate) mod sqlite;

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

    /// The dialect's position in [`Dialect::ALL`].
    pub(crate) fn index(self) -> usize {
        match self {
            Dialect::Sqlite => 0,
            Dialect::Postgres => 1,
            Dialect::MySql => 2,
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

    /// How many rows of `columns` columns one multi-row `INSERT` takes: 1 000, or fewer
    /// where half the bind limit asks (room for what a statement binds besides). Where
    /// rows are bound as one array per column (PostgreSQL), the bind limit does not
    /// count; 10 000-row statements measured no faster than 1 000-row ones there.
    pub(crate) fn rows_per_insert(self, columns: usize) -> usize {
        if self.binds_arrays() {
            return INSERT_ROWS;
        }
        (self.max_parameters() / 2 / columns.max(1)).clamp(1, INSERT_ROWS)
    }

    /// Whether many rows load faster as `COPY … FROM STDIN` than as `INSERT`s
    /// (PostgreSQL; see `sql::copy` for its text format).
    pub(crate) fn copies_rows(self) -> bool {
        matches!(self, Dialect::Postgres)
    }

    /// What a transaction needs behind a transaction-mode pooler, sent with its `BEGIN`
    /// (PostgreSQL: the session's time zone, which the pooler does not keep); `None`
    /// where the ORM has no pooler mode for the backend.
    pub(crate) fn pooled_transaction_setup(self) -> Option<&'static str> {
        match self {
            Dialect::Postgres => Some(postgres::POOLED_TRANSACTION_SETUP),
            Dialect::Sqlite | Dialect::MySql => None,
        }
    }

    /// How a read replica of this backend says how far behind its primary it is.
    pub(crate) fn replica_lag(self) -> ReplicaLag {
        match self {
            Dialect::Sqlite => ReplicaLag::Answers,
            Dialect::Postgres => ReplicaLag::Position {
                primary: postgres::WAL_POSITION,
                replica: postgres::REPLICA_LAG,
            },
            Dialect::MySql => ReplicaLag::ReplicaStatus,
        }
    }

    /// Whether a value bound as text must be cast to its column's type to be stored
    /// there (PostgreSQL types the parameter as text; the others convert it).
    pub(crate) fn casts_bound_text(self) -> bool {
        matches!(self, Dialect::Postgres)
    }

    /// Whether a list of values can be bound as one array parameter: an `IN` list
    /// (PostgreSQL's `= ANY($1)`), and each column of a multi-row `INSERT`
    /// (`SELECT * FROM UNNEST($1, $2, …)`).
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

    /// Whether every server of the dialect has `INSERT … RETURNING`. MySQL has not;
    /// MariaDB (10.5+) has, which a [`Database`](crate::Database) finds out when it
    /// connects.
    pub fn has_returning(self) -> bool {
        !matches!(self, Dialect::MySql)
    }

    /// A query whose single count is non-zero where the server has `INSERT … RETURNING`
    /// although the dialect does not promise it (MariaDB 10.5+ among MySQLs).
    pub(crate) fn returning_probe(self) -> Option<&'static str> {
        match self {
            Dialect::MySql => Some(mysql::RETURNING_PROBE),
            Dialect::Sqlite | Dialect::Postgres => None,
        }
    }

    /// Whether the driver reports the key a one-row `INSERT` generated (SQLite's last
    /// rowid, MySQL's last insert id): cheaper than `RETURNING`, which SQLite runs as a
    /// query (measured 1.12x per row).
    pub(crate) fn reports_insert_id(self) -> bool {
        !matches!(self, Dialect::Postgres)
    }

    /// How an upsert is written.
    pub(crate) fn upsert_style(self) -> UpsertStyle {
        match self {
            Dialect::MySql => UpsertStyle::OnDuplicateKey,
            Dialect::Sqlite | Dialect::Postgres => UpsertStyle::OnConflict,
        }
    }

    /// Whether an explicit value in a generated key leaves the key generator behind
    /// (PostgreSQL's sequences), so that it must be moved past by hand.
    pub(crate) fn explicit_keys_need_sequence_advance(self) -> bool {
        matches!(self, Dialect::Postgres)
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

    /// The type written for `column`: the one it names for this dialect
    /// (`#[orm(sql_type(postgres = "..."))]`), else [`Dialect::type_name`] of its `sql_type`.
    pub fn column_type(self, column: &orm_schema::ColumnDef, indexed: bool) -> Cow<'static, str> {
        match column.dialect_type(self.name()) {
            Some(t) => Cow::Owned(t.to_owned()),
            None => self.type_name(&column.sql_type, indexed),
        }
    }

    /// The type of an auto-increment primary key of `sql_type` as `CREATE TABLE` writes it
    /// (SQLite's is its rowid, `INTEGER`, whatever the key's type).
    pub(crate) fn auto_increment_type(self, sql_type: &SqlType) -> Cow<'static, str> {
        match self {
            Dialect::Sqlite => Cow::Borrowed(sqlite::ROWID_TYPE),
            Dialect::Postgres | Dialect::MySql => self.type_name(sql_type, true),
        }
    }

    /// Whether a foreign key pins its columns while it exists: neither side's type may
    /// change (MySQL's error 3780) nor its last usable index go (error 1553), so a
    /// migration drops the key and adds it again around such a change.
    pub(crate) fn keys_pin_their_columns(self) -> bool {
        matches!(self, Dialect::MySql)
    }

    /// Where a migration must rebuild tables (see [`Dialect::alters_constraints`]): the
    /// statements that run it in a transaction of its own with foreign keys off and
    /// checked before `COMMIT`. `None` where tables are not rebuilt.
    pub(crate) fn rebuild_transaction(self) -> Option<RebuildTransaction> {
        match self {
            Dialect::Sqlite => Some(RebuildTransaction {
                begin: sqlite::REBUILD_BEGIN,
                commit: sqlite::REBUILD_COMMIT,
                restore: sqlite::REBUILD_RESTORE,
            }),
            Dialect::Postgres | Dialect::MySql => None,
        }
    }

    /// The statements that carry an auto-increment key's high-water mark from table `from`
    /// to table `to` when one replaces the other in a rebuild (SQLite's `sqlite_sequence`,
    /// so that keys of deleted rows stay unused); none where keys are not tracked apart.
    pub(crate) fn carry_key_sequence(self, from: &str, to: &str) -> Vec<String> {
        match self {
            Dialect::Sqlite => sqlite::carry_key_sequence(from, to),
            Dialect::Postgres | Dialect::MySql => Vec::new(),
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

    /// The operator of integer division truncating toward zero (MySQL's `/` returns a
    /// decimal).
    pub(crate) fn integer_division(self) -> &'static str {
        match self {
            Dialect::MySql => " DIV ",
            Dialect::Sqlite | Dialect::Postgres => " / ",
        }
    }

    /// Whether `ILIKE` matches case-blind (else `LOWER(a) LIKE LOWER(b)`).
    pub(crate) fn has_ilike(self) -> bool {
        matches!(self, Dialect::Postgres)
    }

    /// What follows `LIKE pattern` so that a backslash escapes `%`, `_` and itself.
    /// PostgreSQL and MySQL do so by default; SQLite has no escape character unless told
    /// (and `'\'` is not a complete string literal in MySQL's syntax).
    pub(crate) fn like_escape(self) -> &'static str {
        match self {
            Dialect::Sqlite => r" ESCAPE '\'",
            Dialect::Postgres | Dialect::MySql => "",
        }
    }

    /// Whether `ORDER BY … NULLS FIRST/LAST` exists (else the renderer sorts on
    /// `IS NULL` first).
    pub(crate) fn has_nulls_ordering(self) -> bool {
        !matches!(self, Dialect::MySql)
    }

    /// The `LIMIT` that limits nothing, for an `OFFSET` or a derived table that needs a
    /// `LIMIT` (SQLite and MySQL accept `OFFSET` only after one); `None` where neither needs it.
    pub(crate) fn unlimited(self) -> Option<&'static str> {
        match self {
            Dialect::Sqlite => Some(" LIMIT -1"),
            Dialect::MySql => Some(" LIMIT 18446744073709551615"),
            Dialect::Postgres => None,
        }
    }

    /// Whether an `IN (SELECT …)` must read a materialized derived table: MySQL refuses a
    /// `LIMIT` in an `IN` subquery (error 1235), and a subquery that reads the table an
    /// `UPDATE` or `DELETE` writes (error 1093).
    pub(crate) fn in_subquery_as_derived_table(self) -> bool {
        matches!(self, Dialect::MySql)
    }

    /// Whether `UPDATE … SET` assigns left to right, later expressions reading the new
    /// values (MySQL); elsewhere every expression reads the row as it was.
    pub(crate) fn assigns_in_order(self) -> bool {
        matches!(self, Dialect::MySql)
    }

    /// The name of a scalar function: MySQL's `LENGTH` counts bytes, `CHAR_LENGTH`
    /// characters, as the others' `LENGTH` does.
    ///
    /// A function is written as its pieces with the arguments between them: `["LOWER(",
    /// ")"]` for one argument, three pieces for two.
    pub(crate) fn function_pieces(
        self,
        function: crate::sql::ast::Function,
    ) -> &'static [&'static str] {
        use crate::sql::ast::{DatePart, Function};
        match (function, self) {
            (Function::Lower, _) => &["LOWER(", ")"],
            (Function::Upper, _) => &["UPPER(", ")"],
            (Function::Length, Dialect::MySql) => &["CHAR_LENGTH(", ")"],
            (Function::Length, Dialect::Sqlite | Dialect::Postgres) => &["LENGTH(", ")"],
            (Function::Abs, _) => &["ABS(", ")"],
            (Function::Coalesce, _) => &["COALESCE(", ", ", ")"],
            // Rounding half away from zero everywhere: PostgreSQL rounds only NUMERIC to a
            // number of digits, and MySQL rounds doubles half to even; both round exactly.
            (Function::Round, Dialect::Sqlite) => &["ROUND(", ", ", ")"],
            (Function::Round, Dialect::Postgres) => &[
                "CAST(ROUND(CAST(",
                " AS NUMERIC), ",
                ") AS DOUBLE PRECISION)",
            ],
            (Function::Round, Dialect::MySql) => {
                &["CAST(ROUND(CAST(", " AS DECIMAL(65,20)), ", ") AS DOUBLE)"]
            }
            // In UTC, in the spelling each backend compares timestamps in (SQLite: the
            // normalized text of `sql::normalize`, to the microsecond).
            (Function::Now { .. }, Dialect::Sqlite) => &["strftime('%Y-%m-%d %H:%M:%f000', 'now')"],
            (Function::Now { naive: false }, Dialect::Postgres) => &["CURRENT_TIMESTAMP"],
            (Function::Now { naive: true }, Dialect::Postgres) => {
                &["(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')"]
            }
            (Function::Now { .. }, Dialect::MySql) => &["UTC_TIMESTAMP(6)"],
            (Function::InUtc, Dialect::Postgres) => &["(", " AT TIME ZONE 'UTC')"],
            // SQLite's text and MySQL's DATETIME hold UTC already.
            (Function::InUtc, Dialect::Sqlite | Dialect::MySql) => &["", ""],
            (Function::Extract(part), Dialect::Sqlite) => match part {
                DatePart::Year => &["CAST(strftime('%Y', ", ") AS INTEGER)"],
                DatePart::Month => &["CAST(strftime('%m', ", ") AS INTEGER)"],
                DatePart::Day => &["CAST(strftime('%d', ", ") AS INTEGER)"],
                DatePart::Hour => &["CAST(strftime('%H', ", ") AS INTEGER)"],
                DatePart::Minute => &["CAST(strftime('%M', ", ") AS INTEGER)"],
                DatePart::Second => &["CAST(strftime('%S', ", ") AS INTEGER)"],
            },
            // PostgreSQL's EXTRACT returns NUMERIC, with the fraction of the seconds.
            (Function::Extract(part), Dialect::Postgres) => match part {
                DatePart::Year => &["CAST(EXTRACT(YEAR FROM ", ") AS INTEGER)"],
                DatePart::Month => &["CAST(EXTRACT(MONTH FROM ", ") AS INTEGER)"],
                DatePart::Day => &["CAST(EXTRACT(DAY FROM ", ") AS INTEGER)"],
                DatePart::Hour => &["CAST(EXTRACT(HOUR FROM ", ") AS INTEGER)"],
                DatePart::Minute => &["CAST(EXTRACT(MINUTE FROM ", ") AS INTEGER)"],
                DatePart::Second => &["CAST(FLOOR(EXTRACT(SECOND FROM ", ")) AS INTEGER)"],
            },
            (Function::Extract(part), Dialect::MySql) => match part {
                DatePart::Year => &["EXTRACT(YEAR FROM ", ")"],
                DatePart::Month => &["EXTRACT(MONTH FROM ", ")"],
                DatePart::Day => &["EXTRACT(DAY FROM ", ")"],
                DatePart::Hour => &["EXTRACT(HOUR FROM ", ")"],
                DatePart::Minute => &["EXTRACT(MINUTE FROM ", ")"],
                DatePart::Second => &["EXTRACT(SECOND FROM ", ")"],
            },
        }
    }

    /// The type name of a cast target.
    pub(crate) fn cast_type(self, to: CastType) -> &'static str {
        match (to, self) {
            (CastType::BigInt, Dialect::Postgres) => "BIGINT",
            (CastType::BigInt, Dialect::MySql) => "SIGNED",
            (CastType::BigInt, Dialect::Sqlite) => "INTEGER",
            (CastType::Double, Dialect::Postgres) => "DOUBLE PRECISION",
            (CastType::Double, Dialect::MySql) => "DOUBLE",
            (CastType::Double, Dialect::Sqlite) => "REAL",
            (CastType::Text, Dialect::Sqlite | Dialect::Postgres) => "TEXT",
            (CastType::Text, Dialect::MySql) => "CHAR",
        }
    }

    /// Whether a read-only transaction is the connection switched to read-only (SQLite's
    /// `PRAGMA query_only`), to be switched back before the connection is reused.
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    pub(crate) fn read_only_by_switch(self) -> bool {
        matches!(self, Dialect::Sqlite)
    }

    /// The statements that open a transaction: one to run before `BEGIN` (MySQL sets the
    /// next transaction's level apart; SQLite switches the connection to read-only), and
    /// the `BEGIN` itself where the driver's plain one will not do.
    pub(crate) fn begin(
        self,
        isolation: Option<&'static str>,
        read_only: bool,
    ) -> (Option<String>, Option<String>) {
        match self {
            Dialect::Postgres => {
                let mut sql = String::from("BEGIN");
                if let Some(level) = isolation {
                    sql.push_str(" ISOLATION LEVEL ");
                    sql.push_str(level);
                }
                if read_only {
                    sql.push_str(" READ ONLY");
                }
                (None, (sql != "BEGIN").then_some(sql))
            }
            Dialect::MySql => (
                isolation.map(|l| format!("SET TRANSACTION ISOLATION LEVEL {l}")),
                read_only.then(|| "START TRANSACTION READ ONLY".to_owned()),
            ),
            // SQLite transactions are serializable, which satisfies every level; read-only
            // is the connection's `query_only` switch (see `db::sqlite_read_only`). A
            // writing transaction takes the write lock at `BEGIN IMMEDIATE`: one begun with
            // a plain `BEGIN` that reads first cannot upgrade to a writer while another
            // connection writes, and SQLite fails it at once (`SQLITE_BUSY`).
            Dialect::Sqlite if read_only => (Some(sqlite::QUERY_ONLY_ON.to_owned()), None),
            Dialect::Sqlite => (None, Some("BEGIN IMMEDIATE".to_owned())),
        }
    }

    /// How a column's type, nullability and default are changed.
    pub(crate) fn column_alteration(self) -> ColumnAlteration {
        match self {
            Dialect::Postgres => ColumnAlteration::Clauses,
            Dialect::MySql => ColumnAlteration::Modify,
            Dialect::Sqlite => ColumnAlteration::Rebuild,
        }
    }

    /// Whether constraints can be added to and dropped from an existing table (SQLite:
    /// only as unique indexes, and foreign keys not at all).
    pub(crate) fn alters_constraints(self) -> bool {
        !matches!(self, Dialect::Sqlite)
    }

    /// How a unique constraint is dropped.
    pub(crate) fn unique_drop(self) -> ConstraintDrop {
        match self {
            Dialect::Postgres => ConstraintDrop::Constraint,
            Dialect::MySql => ConstraintDrop::Index,
            Dialect::Sqlite => ConstraintDrop::StandaloneIndex,
        }
    }

    /// Whether `CREATE INDEX IF NOT EXISTS` exists (MariaDB has it, MySQL 8 not).
    pub(crate) fn create_index_if_not_exists(self) -> bool {
        !matches!(self, Dialect::MySql)
    }

    /// A query of two numbers: how far apart the server hands out consecutive generated
    /// keys, and whether the rows of one multi-row `INSERT` surely get consecutive keys
    /// (non-zero). `None` where the keys come back by `RETURNING` instead.
    pub(crate) fn consecutive_keys_query(self) -> Option<&'static str> {
        match self {
            Dialect::MySql => Some(mysql::CONSECUTIVE_KEYS),
            Dialect::Sqlite | Dialect::Postgres => None,
        }
    }

    /// Whether `DROP INDEX` names the table (MySQL: `DROP INDEX i ON t`).
    pub(crate) fn drops_index_on_table(self) -> bool {
        matches!(self, Dialect::MySql)
    }

    /// `IF EXISTS ` where `ALTER TABLE` and its `DROP` clauses take it (PostgreSQL,
    /// MariaDB 10.5+; not MySQL 8), so that dropping what is not there is no error.
    pub(crate) fn alter_if_exists(self) -> &'static str {
        match self {
            Dialect::Postgres | Dialect::MySql => "IF EXISTS ",
            Dialect::Sqlite => "",
        }
    }

    /// Whether `CREATE TABLE` may name a table that does not exist yet in a foreign key
    /// (SQLite checks foreign keys only when rows are written), so that a cycle of
    /// foreign keys needs no `ALTER TABLE` afterwards.
    pub(crate) fn accepts_forward_references(self) -> bool {
        matches!(self, Dialect::Sqlite)
    }

    /// How a foreign key is added to an existing table only if it is not there yet (for
    /// `create_all`, which must be idempotent, on a cycle's closing key).
    pub(crate) fn foreign_key_once(self) -> ForeignKeyOnce {
        match self {
            Dialect::Postgres => ForeignKeyOnce::CatchDuplicate,
            Dialect::MySql => ForeignKeyOnce::IfNotExists,
            Dialect::Sqlite => ForeignKeyOnce::Inline,
        }
    }

    /// The statement that lets a transaction break foreign keys until it commits, for
    /// dropping tables whose keys form a cycle where they cannot be dropped first.
    pub(crate) fn defer_foreign_keys(self) -> Option<&'static str> {
        match self {
            Dialect::Sqlite => Some("PRAGMA defer_foreign_keys = ON"),
            Dialect::Postgres | Dialect::MySql => None,
        }
    }

    /// What `ALTER TABLE … DROP` calls a foreign key.
    pub(crate) fn foreign_key_keyword(self) -> &'static str {
        match self {
            Dialect::MySql => "FOREIGN KEY",
            Dialect::Sqlite | Dialect::Postgres => "CONSTRAINT",
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

/// How a read replica says how far behind it is (see `db::replicas`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReplicaLag {
    /// A copy with no replication to ask about (SQLite): it only has to answer.
    Answers,
    /// PostgreSQL: the primary's WAL position (`primary`, one text column), and the
    /// standby's lag in seconds against it (`replica`, bound as `$1`, NULL for none).
    Position {
        primary: &'static str,
        replica: &'static str,
    },
    /// MySQL: `SHOW REPLICA STATUS`, `Seconds_Behind_Source`.
    ReplicaStatus,
}

/// See [`Dialect::rebuild_transaction`]: SQL text, statements ended by `;`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RebuildTransaction {
    /// Before the migration's statements.
    pub(crate) begin: &'static str,
    /// After them: the checks, then `COMMIT`.
    pub(crate) commit: &'static str,
    /// After `COMMIT`, or after a failure and its `ROLLBACK`: the connection as it was.
    pub(crate) restore: &'static str,
}

/// The most rows one multi-row `INSERT` takes.
const INSERT_ROWS: usize = 1_000;

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

/// Target types of casts: the user's, and those that make aggregates decode the same on
/// every backend (PostgreSQL sums bigints as NUMERIC, MySQL averages as DECIMAL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CastType {
    BigInt,
    Double,
    Text,
}

/// How a dialect spells an upsert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UpsertStyle {
    /// `ON CONFLICT (target) DO NOTHING | DO UPDATE SET c = EXCLUDED.c` (PostgreSQL,
    /// SQLite 3.24+).
    OnConflict,
    /// `ON DUPLICATE KEY UPDATE c = VALUES(c)` (MySQL, MariaDB): no target, and "do
    /// nothing" is an assignment that changes nothing.
    OnDuplicateKey,
}

/// How a foreign key is added once (see [`Dialect::foreign_key_once`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ForeignKeyOnce {
    /// `ALTER TABLE … ADD CONSTRAINT …` in a block that ignores `duplicate_object`
    /// (PostgreSQL has no `IF NOT EXISTS` for constraints).
    CatchDuplicate,
    /// `ADD CONSTRAINT name FOREIGN KEY IF NOT EXISTS (…)` (MariaDB; not MySQL 8).
    IfNotExists,
    /// Never added afterwards: `CREATE TABLE` takes it (SQLite).
    Inline,
}

/// How a dialect changes a column's type, nullability and default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColumnAlteration {
    /// `ALTER COLUMN c TYPE …, ALTER COLUMN c SET NOT NULL …` (PostgreSQL).
    Clauses,
    /// `MODIFY COLUMN` with the whole new definition (MySQL).
    Modify,
    /// Not at all: the table is rebuilt (SQLite).
    Rebuild,
}

/// How a dialect drops a unique constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConstraintDrop {
    /// `ALTER TABLE t DROP CONSTRAINT n` (PostgreSQL).
    Constraint,
    /// `ALTER TABLE t DROP INDEX n` (MySQL, whose unique constraints are indexes).
    Index,
    /// `DROP INDEX n` (SQLite, where the ORM adds unique constraints as unique indexes).
    StandaloneIndex,
}

impl std::fmt::Display for Dialect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
