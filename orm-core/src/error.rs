//! The one error type of the crate, classified once from each backend's codes.

use std::borrow::Cow;

/// The result type of the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every failure the ORM reports.
///
/// Database failures are classified once, where sqlx hands them over, from SQLSTATE
/// (PostgreSQL), error numbers (MySQL) and extended result codes (SQLite), so that an
/// application matches on variants instead of parsing messages. Messages never contain a
/// password: URLs are redacted before they reach an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A lookup that needed a row found none: [`Select::one`](crate::Select::one), or a
    /// `get` the application turned into an error with [`Error::not_found`].
    #[error("no row found{}", in_table(*table))]
    NotFound {
        /// The table looked in, when known (not for raw SQL).
        table: Option<&'static str>,
    },

    /// [`Select::one`](crate::Select::one) or `one_or_none` found more than one row.
    #[error("expected at most one row{}, found several", in_table(*table))]
    MultipleRows {
        /// The table looked in.
        table: Option<&'static str>,
    },

    /// An insert or update broke a unique constraint or primary key.
    ///
    /// `table` is always filled for a model's `insert`, `update` and `update().set`, and
    /// `constraint` names the model's constraint (`uq_<table>_<columns>`) on every
    /// backend. For raw SQL: PostgreSQL tells both; MySQL 8 both, MariaDB the constraint
    /// only; SQLite the table only. A primary key is `<table>_pkey` on PostgreSQL,
    /// `PRIMARY` on MySQL, and unnamed on SQLite.
    #[error("unique constraint violated{}: {message}", on(table, constraint))]
    UniqueViolation {
        /// The table, where the backend says.
        table: Option<String>,
        /// The constraint or index, where the backend says.
        constraint: Option<String>,
        /// The backend's message.
        message: String,
    },

    /// A write referenced a missing row, or a delete left references behind.
    ///
    /// PostgreSQL and MySQL tell the referencing table and the constraint. SQLite tells
    /// neither: for a model's `insert` and `update` the table is the one written (the
    /// referencing one, unless a referenced key was updated), and the constraint stays
    /// `None`.
    #[error("foreign key constraint violated{}: {message}", on(table, constraint))]
    ForeignKeyViolation {
        /// The table, where the backend says.
        table: Option<String>,
        /// The constraint, where the backend says.
        constraint: Option<String>,
        /// The backend's message.
        message: String,
    },

    /// A NULL was written to a NOT NULL column.
    ///
    /// Every backend names the column (`constraint`); the table is told by PostgreSQL
    /// and SQLite, and filled for a model's writes on MySQL.
    #[error("NOT NULL constraint violated{}: {message}", on(table, constraint))]
    NotNullViolation {
        /// The table, where the backend says.
        table: Option<String>,
        /// The column, on every backend (a NOT NULL constraint has no name of its own).
        constraint: Option<String>,
        /// The backend's message.
        message: String,
    },

    /// A CHECK constraint refused a row.
    #[error("check constraint violated{}: {message}", on(table, constraint))]
    CheckViolation {
        /// The table, where the backend says.
        table: Option<String>,
        /// The constraint, where the backend says.
        constraint: Option<String>,
        /// The backend's message.
        message: String,
    },

    /// A string is longer than its column's `max_length`. The ORM checks the values it
    /// writes (insert, update, `update().set`) before sending them, the same way on every
    /// backend, and names table and column; a value written with raw SQL is refused by
    /// PostgreSQL and MySQL themselves (`table` unknown there; PostgreSQL names no column
    /// either) and is stored as is by SQLite, which has no length limits.
    #[error("value too long for{} (at most {} characters)", column_of(table, column), max_length.map_or_else(|| "the column's".to_owned(), |n| n.to_string()))]
    ValueTooLong {
        /// The table, where known.
        table: Option<String>,
        /// The column, where known.
        column: Option<String>,
        /// The column's length limit, where known.
        max_length: Option<u32>,
    },

    /// The database could not serialize this transaction with a concurrent one; retrying
    /// the whole transaction may succeed.
    #[error("serialization failure, the transaction may be retried: {message}")]
    SerializationFailure {
        /// The backend's message.
        message: String,
    },

    /// The transaction was chosen as a deadlock victim; retrying it may succeed.
    #[error("deadlock detected, the transaction may be retried: {message}")]
    Deadlock {
        /// The backend's message.
        message: String,
    },

    /// A lock could not be taken: it stayed held past the wait limit (MySQL's
    /// `innodb_lock_wait_timeout`, SQLite's busy timeout), or SQLite refused to turn a
    /// reading transaction into a writing one while another connection writes (it
    /// fails at once then, as waiting could deadlock). Retrying the transaction may
    /// succeed.
    #[error("database busy, the transaction may be retried: {message}")]
    Busy {
        /// The backend's message.
        message: String,
    },

    /// No connection became free within the pool's acquire timeout: every connection
    /// was busy. (A server that cannot be reached is [`Error::Connection`], at once.)
    #[error("timed out waiting for a connection from the pool")]
    PoolTimedOut,

    /// The database could not be reached (refused, unknown host, wrong password), or an
    /// established connection broke: the server closed it (PostgreSQL's administrator
    /// shutdown, a killed session, failover: SQLSTATE 57P01-57P03 and class 08; MySQL's
    /// `KILL`), or the network failed. Inside a transaction this ends the transaction:
    /// nothing of it was committed. Outside one, a read that met a dead pooled connection
    /// was already run once more on a fresh one; a write is not retried, since whether the
    /// server applied it cannot be known.
    #[error("connection to {url} failed: {message}")]
    Connection {
        /// The URL, with its password redacted.
        url: String,
        /// What went wrong.
        message: String,
    },

    /// A column of a row could not be decoded into the model's field.
    #[error("cannot decode column `{column}` of model `{model}`: {source}")]
    Decode {
        /// The model (or `"row"` for a raw query).
        model: &'static str,
        /// The column's name (or its position for a raw query).
        column: Cow<'static, str>,
        /// Why.
        #[source]
        source: sqlx::error::BoxDynError,
    },

    /// A statement binds more values than the backend takes in one statement (32 766 on
    /// SQLite, 65 535 on PostgreSQL and MySQL). Refused before anything is sent. Split the
    /// work into smaller statements; on PostgreSQL `is_in` binds its list as one array
    /// and has no such limit.
    #[error("a statement may bind at most {limit} values on this backend, this one binds {count}")]
    TooManyParameters {
        /// The values the statement binds.
        count: usize,
        /// The backend's limit.
        limit: usize,
    },

    /// A value could not be encoded for the backend (a `u32` too large for a key, say).
    #[error("cannot encode a value: {0}")]
    Encode(String),

    /// A write by primary key matched fewer rows than it was meant to write: the row was
    /// deleted (or its key changed) by someone else since it was read.
    #[error(
        "stale data in `{table}`{}: expected to write {expected} row(s), matched {matched}",
        key.as_deref().map(|k| format!(" (key {k})")).unwrap_or_default()
    )]
    StaleData {
        /// The table written.
        table: String,
        /// The key of the row, where one row was meant (as the key values print).
        key: Option<String>,
        /// How many rows the write was meant to match.
        expected: u64,
        /// How many it matched.
        matched: u64,
    },

    /// A query the ORM refuses to run (an update without assignments, a delete with a
    /// limit, an upsert whose target is no unique key).
    #[error("invalid query: {0}")]
    InvalidQuery(String),

    /// A statement or transaction reached a model bound to another database
    /// (`#[orm(database = "…")]`) than the one it runs on (see
    /// [`DatabaseOptions::name`](crate::db::DatabaseOptions::name)): one statement or
    /// transaction never spans two databases.
    #[error(
        "model `{model}` belongs to database {}, but the statement runs on database {}",
        name_or_default(model_database.as_deref()),
        name_or_default(database.as_deref())
    )]
    OtherDatabase {
        /// The model's name.
        model: &'static str,
        /// The database the model is bound to; `None`: the unnamed one.
        model_database: Option<String>,
        /// The database the statement ran on; `None`: an unnamed one.
        database: Option<String>,
    },

    /// A transaction cannot take the call in the state it is in (ended, a savepoint or a
    /// stream open on it, a statement cut off half-way).
    #[error("{0}")]
    Transaction(TransactionState),

    /// The backend cannot do this at all (SQLite cannot alter a column of an existing
    /// table, nor add a foreign key to one: such a change rebuilds the table).
    #[error("{backend} cannot {what}")]
    Unsupported {
        /// The backend's name, as URLs spell it.
        backend: &'static str,
        /// What it cannot do.
        what: String,
    },

    /// A bad URL or option.
    #[error("invalid configuration: {0}")]
    Config(String),

    /// The models do not form a valid schema (a foreign key to a table that is not
    /// registered, a cycle of foreign keys).
    #[error("invalid schema: {0}")]
    Schema(String),

    /// A migration could not be read, applied or reverted, or the database's ledger of
    /// applied migrations disagrees with the migration files (one changed or missing
    /// since it was applied, one that failed half-way on a backend without
    /// transactional DDL).
    #[error("{}{message}", version.map(|v| format!("migration {v}: ")).unwrap_or_default())]
    Migration {
        /// The migration concerned, where there is one.
        version: Option<i64>,
        /// What went wrong.
        message: String,
    },

    /// A database error with no variant of its own.
    #[error("database error{}: {message}", code.as_deref().map(|c| format!(" {c}")).unwrap_or_default())]
    Database {
        /// SQLSTATE (PostgreSQL), error number (MySQL) or extended result code (SQLite).
        code: Option<String>,
        /// The backend's message.
        message: String,
    },

    /// Any other failure of the driver.
    #[error(transparent)]
    Driver(sqlx::Error),
}

/// Why a transaction refused a call: what state it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransactionState {
    /// It was committed or rolled back already (or, for a savepoint's handle, the level
    /// around it ended).
    Ended,
    /// A savepoint inside it is still open: statements go through the savepoint, and
    /// the outer level waits until it is committed or rolled back.
    SavepointOpen,
    /// A stream is reading on it: read it to the end or drop it first.
    StreamOpen,
    /// A statement of it was cancelled while it ran, so what it changed is unknown: only
    /// a rollback is taken.
    Interrupted,
    /// A commit, rollback or savepoint was cancelled while the database worked on it:
    /// its outcome is unknown, and the transaction takes nothing more.
    Abandoned,
}

impl std::fmt::Display for TransactionState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TransactionState::Ended => "the transaction has already ended",
            TransactionState::SavepointOpen => {
                "a savepoint of this transaction is still open: commit or roll it back first"
            }
            TransactionState::StreamOpen => {
                "a stream is reading on this transaction: read it to the end or drop it first"
            }
            TransactionState::Interrupted => {
                "a statement of this transaction was cancelled while it ran, so what it \
                 changed is unknown: roll the transaction back"
            }
            TransactionState::Abandoned => {
                "the transaction was abandoned: a commit, rollback or savepoint was cancelled \
                 while the database worked on it, so its outcome is unknown"
            }
        })
    }
}

fn in_table(table: Option<&str>) -> String {
    table.map(|t| format!(" in `{t}`")).unwrap_or_default()
}

fn column_of(table: &Option<String>, column: &Option<String>) -> String {
    match (table, column) {
        (Some(t), Some(c)) => format!(" `{t}`.`{c}`"),
        (None, Some(c)) => format!(" column `{c}`"),
        (Some(t), None) => format!(" a column of `{t}`"),
        (None, None) => " a column".to_owned(),
    }
}

fn on(table: &Option<String>, constraint: &Option<String>) -> String {
    match (table, constraint) {
        (Some(t), Some(c)) => format!(" on `{t}` (`{c}`)"),
        (Some(t), None) => format!(" on `{t}`"),
        (None, Some(c)) => format!(" (`{c}`)"),
        (None, None) => String::new(),
    }
}

impl Error {
    /// [`Error::NotFound`] in the table of model `M`, for turning a missing row into an
    /// error: `User::get(&db, id).await?.ok_or_else(Error::not_found::<User>)?`.
    pub fn not_found<M: crate::Model>() -> Error {
        Error::NotFound {
            table: Some(M::TABLE),
        }
    }

    /// Whether retrying the whole transaction may succeed: a serialization failure, a
    /// deadlock or a lock timeout.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Error::SerializationFailure { .. } | Error::Deadlock { .. } | Error::Busy { .. }
        )
    }

    /// Names the database in a connection error that does not say which one yet.
    pub(crate) fn with_url(self, redacted_url: &str) -> Self {
        match self {
            Error::Connection { url, message } if url.is_empty() => Error::Connection {
                url: redacted_url.to_owned(),
                message,
            },
            other => other,
        }
    }

    /// Fills in what the backend did not say about a constraint broken by a write to
    /// `table` (an insert or update of a model): the table, and on SQLite the name of
    /// the unique constraint over the columns it lists.
    pub(crate) fn written_to(mut self, def: &orm_schema::TableDef) -> Self {
        if let Error::UniqueViolation {
            constraint: constraint @ None,
            message,
            ..
        } = &mut self
        {
            *constraint = unique_over_listed_columns(def, message);
        }
        match &mut self {
            Error::UniqueViolation { table, .. }
            | Error::ForeignKeyViolation { table, .. }
            | Error::NotNullViolation { table, .. }
            | Error::CheckViolation { table, .. }
            | Error::ValueTooLong { table, .. } => {
                table.get_or_insert_with(|| def.name.clone());
            }
            _ => {}
        }
        self
    }

    /// A decode failure of column `index`, named after the model's column when known.
    pub(crate) fn from_decode(
        e: sqlx::Error,
        model: Option<(&'static str, &'static str)>,
        index: usize,
    ) -> Self {
        let (model, column) = match model {
            Some((m, c)) => (m, Cow::Borrowed(c)),
            None => ("row", Cow::Owned(format!("#{index}"))),
        };
        let source = match e {
            sqlx::Error::ColumnDecode { source, .. } => source,
            other => Box::new(other),
        };
        Error::Decode {
            model,
            column,
            source,
        }
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => Error::NotFound { table: None },
            sqlx::Error::PoolTimedOut => Error::PoolTimedOut,
            sqlx::Error::Database(db) => classify(db.as_ref()),
            sqlx::Error::Encode(e) => Error::Encode(e.to_string()),
            // The connection broke or the pool was closed: `with_url` names the database.
            e @ (sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::WorkerCrashed
            | sqlx::Error::PoolClosed) => Error::Connection {
                url: String::new(),
                message: e.to_string(),
            },
            other => Error::Driver(other),
        }
    }
}

/// What a driver error says, for a message of ours: a database error's own message only
/// (PostgreSQL's driver appends the server's C source line, " at line 326", to its
/// `Display`), anything else as the driver puts it.
pub(crate) fn driver_message(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.message().to_owned(),
        other => other.to_string(),
    }
}

/// Maps a backend's error to a variant by its code.
fn classify(db: &dyn sqlx::error::DatabaseError) -> Error {
    let message = db.message().to_owned();
    let code = backend_code(db);
    let (mut table, mut constraint) = (
        db.table().map(str::to_owned),
        db.constraint().map(str::to_owned),
    );
    if table.is_none() || constraint.is_none() {
        // MySQL and SQLite name them only in the message.
        let (t, c) = names_in_message(&message);
        table = table.or(t);
        constraint = constraint.or(c);
    }
    match code.as_deref() {
        // PostgreSQL: the server ended the session (administrator command, shutdown,
        // crash recovery) or the connection failed: the same event MySQL reports as a
        // broken connection. `with_url` names the database.
        // (08P01, a protocol violation, is the statement's fault: a wrong bind count.)
        // MySQL: the session was killed (MariaDB 1927), the server is shutting down
        // (1053), or `wait_timeout` ended an idle session (MySQL 8's 4031).
        Some(
            "57P01" | "57P02" | "57P03" | "57P04" | "57P05" | "08000" | "08001" | "08003" | "08004"
            | "08006" | "08007" | "1927" | "1053" | "4031",
        ) => {
            return Error::Connection {
                url: String::new(),
                message,
            };
        }
        // MariaDB's `UUID` type refuses some values a `Uuid` holds: the value, not the
        // database, is at fault.
        Some("1292") if message.contains("uuid value") => return Error::Encode(message),
        // PostgreSQL's string_data_right_truncation; MySQL's ER_DATA_TOO_LONG ("Data too
        // long for column 'name' at row 1").
        Some("22001" | "1406") => {
            let column = message
                .split_once("column '")
                .and_then(|(_, rest)| rest.split_once('\''))
                .map(|(c, _)| c.to_owned());
            return Error::ValueTooLong {
                table: None,
                column,
                max_length: None,
            };
        }
        // PostgreSQL SQLSTATE
        Some("40001") => return Error::SerializationFailure { message },
        Some("40P01") => return Error::Deadlock { message },
        Some("55P03") => return Error::Busy { message },
        // MySQL: ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT.
        Some("1213") => return Error::Deadlock { message },
        Some("1205") => return Error::Busy { message },
        // SQLite: SQLITE_BUSY_SNAPSHOT is a write conflict with a newer snapshot;
        // SQLITE_BUSY, its other extended codes and SQLITE_LOCKED are lock contention.
        Some("517") => return Error::SerializationFailure { message },
        Some("5" | "6" | "261" | "262" | "773") => return Error::Busy { message },
        // SQLite reports an ON UPDATE/ON DELETE RESTRICT refusal as SQLITE_CONSTRAINT_TRIGGER
        // (its foreign-key actions are triggers inside), with the foreign-key message.
        Some("1811") if message.starts_with("FOREIGN KEY constraint failed") => {
            return Error::ForeignKeyViolation {
                table,
                constraint,
                message,
            };
        }
        _ => {}
    }
    use sqlx::error::ErrorKind;
    match db.kind() {
        ErrorKind::UniqueViolation => Error::UniqueViolation {
            table,
            constraint,
            message,
        },
        ErrorKind::ForeignKeyViolation => Error::ForeignKeyViolation {
            table,
            constraint,
            message,
        },
        // A NOT NULL "constraint" is its column, on every backend.
        ErrorKind::NotNullViolation => Error::NotNullViolation {
            table,
            constraint: not_null_column(db).or(constraint),
            message,
        },
        ErrorKind::CheckViolation => Error::CheckViolation {
            table,
            constraint,
            message,
        },
        _ => Error::Database { code, message },
    }
}

/// The column a NOT NULL violation names: PostgreSQL's error field, MySQL's message
/// ("Column 'x' cannot be null"); SQLite's message was read by `names_in_message`.
fn not_null_column(db: &dyn sqlx::error::DatabaseError) -> Option<String> {
    #[cfg(feature = "postgres")]
    if let Some(e) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        return e.column().map(str::to_owned);
    }
    let (_, rest) = db.message().split_once("Column '")?;
    rest.split_once("' cannot be null")
        .map(|(c, _)| c.to_owned())
}

/// SQLite names the columns of a broken unique constraint ("UNIQUE constraint failed:
/// t.a, t.b"), not the constraint: the model's unique constraint over exactly those
/// columns, if it has one.
fn unique_over_listed_columns(table: &orm_schema::TableDef, message: &str) -> Option<String> {
    let (_, listed) = message.split_once("UNIQUE constraint failed: ")?;
    let columns: Vec<&str> = listed
        .split(", ")
        .map(|c| c.split_once('.').map_or(c, |(_, c)| c).trim())
        .collect();
    table
        .uniques
        .iter()
        .find(|u| {
            u.columns
                .iter()
                .map(String::as_str)
                .eq(columns.iter().copied())
        })
        .map(|u| u.name.clone())
        .or_else(|| {
            table
                .indexes
                .iter()
                .find(|i| {
                    i.unique
                        && i.columns
                            .iter()
                            .map(String::as_str)
                            .eq(columns.iter().copied())
                })
                .map(|i| i.name.clone())
        })
}

/// The code to classify by: SQLSTATE on PostgreSQL, the extended result code on SQLite,
/// and on MySQL the error number (its SQLSTATEs are too coarse: a deadlock and a
/// serialization failure share `40001`).
fn backend_code(db: &dyn sqlx::error::DatabaseError) -> Option<String> {
    #[cfg(feature = "mysql")]
    if let Some(e) = db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        return Some(e.number().to_string());
    }
    db.code().map(Cow::into_owned)
}

/// The table and constraint a MySQL or SQLite error message names, where it names them:
/// MySQL's "Duplicate entry '1' for key 'table.name'" and "… fails (`db`.`table`,
/// CONSTRAINT `name` …)", SQLite's "UNIQUE constraint failed: table.column".
fn names_in_message(message: &str) -> (Option<String>, Option<String>) {
    fn between<'a>(s: &'a str, start: &str, end: char) -> Option<&'a str> {
        let rest = &s[s.find(start)? + start.len()..];
        Some(&rest[..rest.find(end)?])
    }
    if let Some(key) = between(message, "for key '", '\'') {
        return match key.split_once('.') {
            Some((t, c)) => (Some(t.to_owned()), Some(c.to_owned())),
            None => (None, Some(key.to_owned())),
        };
    }
    if let Some(c) = between(message, "CONSTRAINT `", '`') {
        let table = between(message, "`.`", '`').map(str::to_owned);
        return (table, Some(c.to_owned()));
    }
    if let Some((kind, rest)) = message.split_once(" constraint failed: ") {
        return match kind {
            // "CHECK constraint failed: <name or expression>"
            "CHECK" => (None, Some(rest.to_owned())),
            // "NOT NULL constraint failed: table.column"
            "NOT NULL" => match rest.split_once('.') {
                Some((t, c)) => (Some(t.to_owned()), Some(c.to_owned())),
                None => (None, None),
            },
            // "UNIQUE constraint failed: table.a, table.b": the table, not a constraint name.
            _ => (rest.split_once('.').map(|(t, _)| t.to_owned()), None),
        };
    }
    (None, None)
}

/// A database's name in messages: quoted, or "(unnamed)".
fn name_or_default(name: Option<&str>) -> String {
    name.map_or_else(|| "(unnamed)".to_owned(), |n| format!("`{n}`"))
}
