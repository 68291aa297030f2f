//! Testing your code with the ORM: every test on a database of its own, on every backend.
//!
//! [`#[orm_core::test]`](crate::test) turns an `async fn` taking a [`Database`] into a
//! test that gets a fresh, empty database, with the tables of the models linked in
//! (`create_all`) or the project's migrations applied, and fixtures loaded; the database
//! is dropped afterwards, also when the test fails or panics.
//!
//! ```
//! use orm_core::prelude::*;
//!
//! #[derive(Model, Debug, PartialEq)]
//! struct Note {
//!     #[orm(primary_key)]
//!     id: i64,
//!     text: String,
//! }
//!
//! #[orm_core::test]
//! async fn notes_are_kept(db: Database) -> orm_core::Result<()> {
//!     Note { id: 0, text: "hello".into() }.insert(&db).await?;
//!     assert_eq!(Note::query().count(&db).await?, 1);
//!     Ok(())
//! }
//! # fn main() {}
//! ```
//!
//! - **Where.** SQLite in memory by default (one connection: while a transaction is
//!   open, run the test's statements on it, not on the `Database`). `backends(sqlite, postgres, mysql)` runs the
//!   body once per backend, each its own test (`notes_are_kept::postgres`…). A server's
//!   URL comes from `ORM_TEST_POSTGRES_URL` or `ORM_TEST_MYSQL_URL`; each test gets a
//!   PostgreSQL schema or a MySQL database named after it and the process, so tests run
//!   in parallel without seeing each other's rows. Without the URL the test prints
//!   `SKIPPED …` and passes; with `ORM_TEST_REQUIRE_BACKENDS=1` (for CI) it fails.
//! - **Set-up.** `create_all` of the models linked into the test binary (those that name
//!   no database), or `migrations = "migrations"` (a directory beside `Cargo.toml`);
//!   then `fixtures("users.sql", "posts.json")`, in the order given: SQL scripts (split
//!   at semicolons outside quotes and `--` comments: no `$$` bodies), and
//!   JSON objects of rows per table (`{"users": [{"id": 1, "name": "ann"}]}`), whose
//!   tables are loaded in foreign-key order.
//! - **Rollback mode.** `rollback` runs the body in a transaction that is rolled back at
//!   the end, on one database per backend that the tests of the binary share (prepared
//!   once per run): cheaper than a database per test, for suites that do not need to
//!   test DDL. The body takes `tx: &Transaction`; its own transactions
//!   (`tx.begin()`, `tx.transaction(…)` through a `Transaction`) are savepoints.
//!
//! The functions below are what the attribute calls, for harnesses of your own.

use std::path::PathBuf;

use crate::{Database, Dialect, Error, Raw, Result, Transaction, Value};

/// A backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// SQLite, in memory: always available.
    Sqlite,
    /// PostgreSQL at `ORM_TEST_POSTGRES_URL`.
    Postgres,
    /// MySQL or MariaDB at `ORM_TEST_MYSQL_URL`.
    MySql,
}

impl Backend {
    /// The environment variable holding the server's URL (`None` for SQLite).
    pub fn env_var(self) -> Option<&'static str> {
        match self {
            Backend::Sqlite => None,
            Backend::Postgres => Some("ORM_TEST_POSTGRES_URL"),
            Backend::MySql => Some("ORM_TEST_MYSQL_URL"),
        }
    }

    /// The server's URL, `None` when its variable is unset or empty.
    pub fn server_url(self) -> Option<String> {
        self.env_var()
            .and_then(|v| std::env::var(v).ok().filter(|u| !u.is_empty()))
    }

    fn dialect(self) -> Dialect {
        match self {
            Backend::Sqlite => Dialect::Sqlite,
            Backend::Postgres => Dialect::Postgres,
            Backend::MySql => Dialect::MySql,
        }
    }
}

/// How a test's database is prepared.
#[derive(Debug, Clone, Default)]
pub struct TestOptions {
    migrations: Option<PathBuf>,
    fixtures: Vec<PathBuf>,
}

impl TestOptions {
    /// `create_all`, no fixtures, a database per test.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies the migrations in `dir` instead of `create_all`.
    pub fn migrations(mut self, dir: impl Into<PathBuf>) -> Self {
        self.migrations = Some(dir.into());
        self
    }

    /// Loads `file` (`.sql`: a script; `.json`: rows per table) after the tables exist.
    pub fn fixture(mut self, file: impl Into<PathBuf>) -> Self {
        self.fixtures.push(file.into());
        self
    }
}

/// What a test body returns: `()`, or a `Result` whose error fails the test.
pub trait TestOutcome {
    /// `Err` with what to report when the test failed.
    fn into_outcome(self) -> std::result::Result<(), String>;
}

impl TestOutcome for () {
    fn into_outcome(self) -> std::result::Result<(), String> {
        Ok(())
    }
}

impl<E: std::fmt::Display> TestOutcome for std::result::Result<(), E> {
    fn into_outcome(self) -> std::result::Result<(), String> {
        self.map_err(|e| e.to_string())
    }
}

/// Whether a missing server URL fails the test (`ORM_TEST_REQUIRE_BACKENDS` set, not `0`).
fn skips_fail() -> bool {
    std::env::var("ORM_TEST_REQUIRE_BACKENDS").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Says a test is skipped, straight to stderr (past the test harness's capture), or
/// fails it when skips must fail.
fn skip(test: &str, backend: Backend) {
    let var = backend.env_var().unwrap_or_default();
    if skips_fail() {
        panic!("{test}: {var} is not set, and ORM_TEST_REQUIRE_BACKENDS forbids skipping");
    }
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: set {var} to run it");
}

/// A database made for one test: dropped by [`TestDatabase::remove`].
pub struct TestDatabase {
    db: Database,
    backend: Backend,
    /// The server URL the schema or database was made on, and its name.
    made: Option<(String, String)>,
}

impl TestDatabase {
    /// A fresh, empty database of `backend` for `test`: `None` (after saying so) when the
    /// backend's URL is not set.
    pub async fn create(backend: Backend, test: &str) -> Result<Option<TestDatabase>> {
        if backend == Backend::Sqlite {
            let db = Database::connect("sqlite::memory:").await?;
            return Ok(Some(TestDatabase {
                db,
                backend,
                made: None,
            }));
        }
        let Some(url) = backend.server_url() else {
            skip(test, backend);
            return Ok(None);
        };
        let name = database_name(test);
        recreate(backend, &url, &name).await?;
        let db = Database::options(&database_url(backend, &url, &name))
            .max_connections(5)
            .acquire_timeout(std::time::Duration::from_secs(20))
            .connect()
            .await?;
        Ok(Some(TestDatabase {
            db,
            backend,
            made: Some((url, name)),
        }))
    }

    /// The test's database.
    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Creates the tables (`create_all`, or the migrations) and loads the fixtures.
    pub async fn prepare(&self, options: &TestOptions) -> Result<()> {
        build_schema(&self.db, options).await?;
        for file in &options.fixtures {
            load_fixture(&self.db, file).await?;
        }
        Ok(())
    }

    /// Closes the pool and drops the schema or database.
    pub async fn remove(self) -> Result<()> {
        self.db.close().await;
        if let Some((url, name)) = self.made {
            let admin = Database::connect(&url).await?;
            let sql = drop_sql(self.backend, &name);
            let dropped = Raw::dynamic(sql).execute(&admin).await;
            admin.close().await;
            dropped?;
        }
        Ok(())
    }
}

/// Runs one test body on `backend`, what `#[orm_core::test]` expands to: a runtime of
/// its own, a fresh database, the body, then the database dropped whatever the body did;
/// a failure or a panic of the body fails the test after that.
pub fn run<R: TestOutcome>(
    backend: Backend,
    test: &str,
    options: TestOptions,
    body: impl AsyncFnOnce(Database) -> R,
) {
    finish(
        test,
        runtime().block_on(on_fresh_database(backend, test, &options, body)),
    );
}

/// [`run`] in rollback mode: the body runs in a transaction on the database the
/// rollback tests of `backend` share, rolled back at its end.
pub fn run_in_transaction<R: TestOutcome>(
    backend: Backend,
    test: &str,
    options: TestOptions,
    body: impl AsyncFnOnce(&Transaction) -> R,
) {
    finish(
        test,
        runtime().block_on(in_rollback(backend, test, &options, body)),
    );
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime for the test")
}

/// Fails the test as its body did, once its database is dropped.
fn finish(test: &str, outcome: Outcome) {
    match outcome {
        Outcome::Passed | Outcome::Skipped => {}
        Outcome::Failed(message) => panic!("{test} failed: {message}"),
        Outcome::Panicked(payload) => std::panic::resume_unwind(payload),
    }
}

enum Outcome {
    Passed,
    Skipped,
    Failed(String),
    Panicked(Box<dyn std::any::Any + Send>),
}

/// Runs `body`, catching a panic.
async fn guarded<R: TestOutcome>(body: impl Future<Output = R>) -> Outcome {
    use futures_util::FutureExt as _;
    match std::panic::AssertUnwindSafe(body).catch_unwind().await {
        Ok(result) => match result.into_outcome() {
            Ok(()) => Outcome::Passed,
            Err(message) => Outcome::Failed(message),
        },
        Err(payload) => Outcome::Panicked(payload),
    }
}

async fn on_fresh_database<R: TestOutcome>(
    backend: Backend,
    test: &str,
    options: &TestOptions,
    body: impl AsyncFnOnce(Database) -> R,
) -> Outcome {
    let made = match TestDatabase::create(backend, test).await {
        Ok(Some(made)) => made,
        Ok(None) => return Outcome::Skipped,
        Err(e) => return Outcome::Failed(format!("its database could not be made: {e}")),
    };
    let outcome = match made.prepare(options).await {
        Ok(()) => guarded(body(made.database().clone())).await,
        Err(e) => Outcome::Failed(format!("its database could not be prepared: {e}")),
    };
    if let Err(e) = made.remove().await
        && matches!(outcome, Outcome::Passed)
    {
        return Outcome::Failed(format!("its database could not be dropped: {e}"));
    }
    outcome
}

async fn in_rollback<R: TestOutcome>(
    backend: Backend,
    test: &str,
    options: &TestOptions,
    body: impl AsyncFnOnce(&Transaction) -> R,
) -> Outcome {
    let db = match shared_database(backend, test, options).await {
        Ok(Some(db)) => db,
        Ok(None) => return Outcome::Skipped,
        Err(e) => return Outcome::Failed(format!("the shared database: {e}")),
    };
    let tx = match db.begin().await {
        Ok(tx) => tx,
        Err(e) => return Outcome::Failed(format!("its transaction could not begin: {e}")),
    };
    for file in &options.fixtures {
        if let Err(e) = load_fixture(&tx, file).await {
            return Outcome::Failed(format!("fixture {}: {e}", file.display()));
        }
    }
    let outcome = guarded(body(&tx)).await;
    // Whatever the body did, it is undone.
    let _ = tx.rollback().await;
    db.close().await;
    outcome
}

/// The database `rollback` tests of `backend` share in this process: made and prepared
/// by the first of them (a schema or database named after the test binary, dropped and
/// made again at the start of each run); on SQLite, an in-memory database per test.
async fn shared_database(
    backend: Backend,
    test: &str,
    options: &TestOptions,
) -> Result<Option<Database>> {
    if backend == Backend::Sqlite {
        let db = Database::connect("sqlite::memory:").await?;
        build_schema(&db, options).await?;
        return Ok(Some(db));
    }
    let Some(url) = backend.server_url() else {
        skip(test, backend);
        return Ok(None);
    };
    type Shared = tokio::sync::OnceCell<std::result::Result<String, String>>;
    static POSTGRES: Shared = Shared::const_new();
    static MYSQL: Shared = Shared::const_new();
    let cell = if backend == Backend::Postgres {
        &POSTGRES
    } else {
        &MYSQL
    };
    let made = cell
        .get_or_init(|| async {
            let binary = std::env::current_exe()
                .ok()
                // Without cargo's `-<hash>` suffix, which changes with every build.
                .and_then(|p| {
                    let stem = p.file_stem()?.to_string_lossy().into_owned();
                    stem.split('-').next().map(str::to_owned)
                })
                .unwrap_or_else(|| "tests".to_owned());
            // Named after the binary alone: the next run drops and reuses it.
            let name = name_of(&binary, "shared");
            let prepared = async {
                recreate(backend, &url, &name).await?;
                let db = Database::connect(&database_url(backend, &url, &name)).await?;
                let built = build_schema(&db, options).await;
                db.close().await;
                built.map(|()| database_url(backend, &url, &name))
            };
            prepared.await.map_err(|e: Error| e.to_string())
        })
        .await;
    let url = made.clone().map_err(Error::Config)?;
    // A pool per test: each test has a runtime of its own, which a pool must not outlive.
    Ok(Some(
        Database::options(&url).max_connections(2).connect().await?,
    ))
}

/// `create_all`, or the migrations of `options`.
async fn build_schema(db: &Database, options: &TestOptions) -> Result<()> {
    match &options.migrations {
        Some(dir) => db.migrate(dir).await.map(drop),
        None => db.create_all().await,
    }
}

/// Drops schema or database `name` if it exists, and makes it anew.
async fn recreate(backend: Backend, url: &str, name: &str) -> Result<()> {
    let admin = Database::connect(url).await?;
    let quoted = backend.dialect().quoted(name);
    let create = match backend {
        Backend::Postgres => format!("CREATE SCHEMA {quoted}"),
        _ => format!("CREATE DATABASE {quoted}"),
    };
    let mut result = Ok(0);
    for sql in [drop_sql(backend, name), create] {
        result = result.and(Raw::dynamic(sql).execute(&admin).await);
    }
    admin.close().await;
    result.map(drop)
}

fn drop_sql(backend: Backend, name: &str) -> String {
    let quoted = backend.dialect().quoted(name);
    match backend {
        Backend::Postgres => format!("DROP SCHEMA IF EXISTS {quoted} CASCADE"),
        _ => format!("DROP DATABASE IF EXISTS {quoted}"),
    }
}

/// `orm_t<hash>_<pid>_<test>`: lower-case letters, digits and `_`, at most 60 characters
/// (PostgreSQL folds an unquoted `search_path` to lower case; MySQL allows 64). The hash
/// of the whole name keeps two long names apart, the process id two runs on one server.
pub fn database_name(test: &str) -> String {
    name_of(test, &std::process::id().to_string())
}

/// `orm_t<hash>_<tag>_<test>`, see [`database_name`].
fn name_of(test: &str, tag: &str) -> String {
    let hash = test.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let readable: String = test
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let mut name = format!("orm_t{:08x}_{tag}_{readable}", hash & 0xffff_ffff);
    name.truncate(60);
    name
}

/// The server URL `url` pointed at schema (PostgreSQL, by `search_path`) or database
/// (MySQL) `name`.
pub fn database_url(backend: Backend, url: &str, name: &str) -> String {
    if backend == Backend::Postgres {
        let sep = if url.contains('?') { "&" } else { "?" };
        return format!("{url}{sep}options[search_path]={name}");
    }
    url_with_database(url, name)
}

/// `url` (`scheme://user@host:port/database?…`) with its database replaced by `name`.
pub fn url_with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let authority_end = base
        .find("://")
        .map(|i| i + 3)
        .and_then(|start| base[start..].find('/').map(|j| start + j))
        .unwrap_or(base.len());
    let mut out = format!("{}/{name}", &base[..authority_end]);
    if !query.is_empty() {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// Loads one fixture file into `exec`: an SQL script, or JSON rows per table.
async fn load_fixture<E: crate::Executor + ?Sized>(exec: &E, file: &std::path::Path) -> Result<()> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        Error::Config(format!(
            "the fixture {} cannot be read: {e}",
            file.display()
        ))
    })?;
    match file.extension().and_then(|e| e.to_str()) {
        Some("sql") => {
            for statement in split_sql(&text) {
                Raw::dynamic(statement).execute(exec).await?;
            }
            Ok(())
        }
        Some("json") => load_json_rows(exec, &text, file).await,
        _ => Err(Error::Config(format!(
            "the fixture {} is neither .sql nor .json",
            file.display()
        ))),
    }
}

/// The statements of an SQL script: split at semicolons outside quotes and comments.
fn split_sql(script: &str) -> Vec<String> {
    let mut statements = Vec::new();
    let mut current = String::new();
    let mut chars = script.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                current.push(c);
                if c == q {
                    quote = None;
                }
            }
            None => match c {
                '\'' | '"' | '`' => {
                    quote = Some(c);
                    current.push(c);
                }
                '-' if chars.peek() == Some(&'-') => {
                    for c in chars.by_ref() {
                        if c == '\n' {
                            break;
                        }
                    }
                    current.push('\n');
                }
                ';' => {
                    if !current.trim().is_empty() {
                        statements.push(std::mem::take(&mut current).trim().to_owned());
                    }
                    current.clear();
                }
                _ => current.push(c),
            },
        }
    }
    if !current.trim().is_empty() {
        statements.push(current.trim().to_owned());
    }
    statements
}

/// Inserts `{"table": [{"column": value, …}, …], …}`, parents before children (the
/// tables' foreign keys, as the linked models declare them).
async fn load_json_rows<E: crate::Executor + ?Sized>(
    exec: &E,
    text: &str,
    file: &std::path::Path,
) -> Result<()> {
    let bad = |why: String| Error::Config(format!("the fixture {}: {why}", file.display()));
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| bad(format!("not JSON: {e}")))?;
    let serde_json::Value::Object(tables) = json else {
        return Err(bad("expected an object of tables".into()));
    };
    let registered = crate::schema::registered_tables();
    let defs: Vec<_> = registered
        .iter()
        .copied()
        .filter(|t| tables.contains_key(&t.name))
        .collect();
    let ordered = crate::schema::dependency_order(&defs)?;
    let mut order: Vec<&str> = ordered.iter().map(|t| t.name.as_str()).collect();
    // Tables no linked model declares keep the file's order, after the known ones.
    let unknown: Vec<&str> = tables
        .keys()
        .map(String::as_str)
        .filter(|t| !order.contains(t))
        .collect();
    order.extend(unknown);
    let dialect = exec.dialect();
    for table in order {
        let Some(serde_json::Value::Array(rows)) = tables.get(table) else {
            return Err(bad(format!("`{table}` is not an array of rows")));
        };
        let def = registered.iter().find(|t| t.name == table);
        for row in rows {
            let serde_json::Value::Object(row) = row else {
                return Err(bad(format!("a row of `{table}` is not an object")));
            };
            let mut sql = format!("INSERT INTO {} (", dialect.quoted(table));
            let mut values = Vec::with_capacity(row.len());
            for (i, column) in row.keys().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&dialect.quoted(column));
            }
            sql.push_str(") VALUES (");
            for (i, (column, value)) in row.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                let mut placeholder = String::new();
                dialect.placeholder(i + 1, &mut placeholder);
                // Text (and NULL) is bound as text: where the dialect does not convert
                // it, it is cast to the column's type.
                let text = matches!(
                    value,
                    serde_json::Value::String(_) | serde_json::Value::Null
                );
                let cast = def
                    .filter(|_| text && dialect.casts_bound_text())
                    .and_then(|def| def.columns.iter().find(|c| &c.name == column))
                    .map(|c| dialect.column_type(c, false));
                match cast {
                    Some(ty) => sql.push_str(&format!("CAST({placeholder} AS {ty})")),
                    None => sql.push_str(&placeholder),
                }
                values.push(json_value(value).ok_or_else(|| {
                    bad(format!(
                        "`{table}.{column}`: arrays and objects are not values"
                    ))
                })?);
            }
            sql.push(')');
            let mut raw = Raw::dynamic(sql);
            for value in values {
                raw = raw.bind(value);
            }
            raw.execute(exec).await?;
        }
    }
    Ok(())
}

/// A JSON scalar as a bound value.
fn json_value(value: &serde_json::Value) -> Option<Value> {
    Some(match value {
        serde_json::Value::Null => Value::String(None),
        serde_json::Value::Bool(b) => Value::Bool(Some(*b)),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::I64(Some(i)),
            None => Value::F64(n.as_f64()),
        },
        serde_json::Value::String(s) => Value::String(Some(s.clone())),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_split_at_semicolons_outside_quotes_and_comments() {
        let script =
            "INSERT INTO t VALUES ('a;b'); -- a comment; here\nINSERT INTO t VALUES (2);\n";
        assert_eq!(
            split_sql(script),
            ["INSERT INTO t VALUES ('a;b')", "INSERT INTO t VALUES (2)"]
        );
    }

    #[test]
    fn names_are_short_lower_case_and_apart() {
        let a = database_name("crate::module::A_Very_Long_Test_Name_That_Goes_On_And_On::postgres");
        let b = database_name("crate::module::A_Very_Long_Test_Name_That_Goes_On_And_On::mysql");
        assert!(
            a.len() <= 60
                && a.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        );
        assert_ne!(a, b);
    }
}
