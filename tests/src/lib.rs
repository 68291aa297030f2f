//! The harness of the integration tests: one test body, run on every backend.
//!
//! [`backend_tests!`] turns each `async fn name(db: Database) -> TestResult` into a test
//! per backend (`sqlite::name`, `postgres::name`, `mysql::name`). Each test gets a database
//! of its own: an SQLite file, a PostgreSQL schema, or a MySQL database named after the
//! test and the process, so tests (and test runs) proceed in parallel without meeting.
//!
//! PostgreSQL and MySQL are reached through `ORM_TEST_POSTGRES_URL` and
//! `ORM_TEST_MYSQL_URL`. Without one, that backend's tests print that they are skipped
//! (see [`skip`]) and pass, so `cargo test` passes on a machine with nothing but Rust; when `CI` is set,
//! a missing URL fails the test instead, so CI never skips a backend.

use orm_core::{Database, Dialect, Raw};

/// What a test body returns.
pub type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// A backend the tests run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, in a temporary file: always available.
    Sqlite,
    /// PostgreSQL at `ORM_TEST_POSTGRES_URL`.
    Postgres,
    /// MySQL or MariaDB at `ORM_TEST_MYSQL_URL`.
    MySql,
    /// PostgreSQL through PgBouncer in transaction mode at `ORM_TEST_PGBOUNCER_URL`,
    /// connected with `transaction_pooler(true)`; each test's database is made on the
    /// server at `ORM_TEST_POSTGRES_URL` (a session setting such as a schema's
    /// `search_path` does not follow a client through the pooler).
    PgBouncer,
}

impl Backend {
    /// The environment variable holding this backend's server URL.
    pub fn env_var(self) -> Option<&'static str> {
        match self {
            Backend::PgBouncer => Some("ORM_TEST_PGBOUNCER_URL"),
            other => other.public().and_then(orm_core::testing::Backend::env_var),
        }
    }

    /// The same backend as `orm_core::testing` names it, where that helper makes its
    /// databases (PostgreSQL and MySQL).
    pub fn public(self) -> Option<orm_core::testing::Backend> {
        match self {
            Backend::Postgres => Some(orm_core::testing::Backend::Postgres),
            Backend::MySql => Some(orm_core::testing::Backend::MySql),
            Backend::Sqlite | Backend::PgBouncer => None,
        }
    }

    /// The server URL, `None` when the variable is unset (never for SQLite).
    pub fn server_url(self) -> Option<String> {
        self.env_var()
            .and_then(|v| std::env::var(v).ok().filter(|u| !u.is_empty()))
    }
}

/// Runs `body` on a fresh database of `backend` named after `test`, or reports the test
/// skipped when the backend's URL is not set (a failure under CI).
pub async fn run<F>(backend: Backend, test: &str, body: F)
where
    F: AsyncFnOnce(Database) -> TestResult,
{
    use futures_util::FutureExt as _;
    // PostgreSQL's and MySQL's databases are made and dropped by the public helper
    // (`orm_core::testing`), which the whole suite thus exercises; SQLite files and the
    // PgBouncer databases are this harness's own.
    let server = match backend.public() {
        Some(public) => {
            if backend.server_url().is_none() {
                let var = backend.env_var().unwrap_or_default();
                skip(&format!("{test} on {backend:?}: set {var} to run it"));
                return;
            }
            match orm_core::testing::TestDatabase::create(public, test).await {
                Ok(Some(made)) => Some(made),
                Ok(None) => return,
                Err(e) => panic!("{test}: its database could not be made on {backend:?}: {e}"),
            }
        }
        None => None,
    };
    let db = match &server {
        Some(made) => made.database().clone(),
        None => match fresh_database(backend, test).await {
            Some(db) => db,
            None => return,
        },
    };
    // Boxed: a test body's future is large in a debug build, and moving it into the
    // timeout by value would take that much of the test thread's 2 MiB stack again. A
    // panic is caught so that the database is dropped first.
    let ran =
        std::panic::AssertUnwindSafe(tokio::time::timeout(TIME_LIMIT, Box::pin(body(db.clone()))))
            .catch_unwind()
            .await;
    // Every connection must come back: a pool that cannot close has lost one.
    let closed = tokio::time::timeout(CLOSE_LIMIT, db.close()).await.is_ok();
    match server {
        Some(made) => {
            if let Err(e) = made.remove().await {
                panic!("{test}: its database could not be dropped on {backend:?}: {e}");
            }
        }
        None => drop_database(backend, test).await,
    }
    match ran {
        Err(panicked) => std::panic::resume_unwind(panicked),
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => panic!("{test} failed on {backend:?}: {e}"),
        Ok(Err(_)) => panic!("{test} did not finish within {TIME_LIMIT:?} on {backend:?}"),
    }
    if !closed {
        panic!("{test}: the pool did not close within {CLOSE_LIMIT:?} on {backend:?}");
    }
}

/// The longest a test body may run: a hang fails its test, by name, instead of stalling
/// the whole run.
const TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(300);

/// The longest closing a test's pool may take.
const CLOSE_LIMIT: std::time::Duration = std::time::Duration::from_secs(30);

/// A connection to a fresh, empty database of `backend` for `test`; `None` (after saying
/// so) when the backend is not configured.
pub async fn fresh_database(backend: Backend, test: &str) -> Option<Database> {
    let url = fresh_database_url(backend, test).await?;
    Some(connect_to(backend, &url).await)
}

/// The URL of a fresh, empty database of `backend` for `test`; `None` (after saying so)
/// when the backend is not configured.
pub async fn fresh_database_url(backend: Backend, test: &str) -> Option<String> {
    if backend == Backend::Sqlite {
        let path = sqlite_path(test);
        remove_sqlite_files(&path);
        return Some(format!("sqlite://{}", path.display()));
    }
    let Some(url) = backend.server_url() else {
        let var = backend.env_var().unwrap_or_default();
        skip(&format!("{test} on {backend:?}: set {var} to run it"));
        return None;
    };
    let name = database_name(test);
    let admin = connect(&admin_url(backend, test)?).await;
    let (drop_sql, create_sql) = match backend {
        Backend::Postgres => ("DROP SCHEMA IF EXISTS {} CASCADE", "CREATE SCHEMA {}"),
        Backend::PgBouncer => (
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            "CREATE DATABASE {}",
        ),
        _ => ("DROP DATABASE IF EXISTS {}", "CREATE DATABASE {}"),
    };
    let quoted = admin_dialect(backend).quoted(&name);
    for sql in [drop_sql, create_sql] {
        raw_admin(&admin, sql.replace("{}", &quoted)).await;
    }
    admin.close().await;
    Some(with_database(backend, &url, &name))
}

/// Says that a test (or part of one) is skipped and why, or fails it when `CI` is set:
/// CI never skips. The line goes straight to the process's stderr, past libtest's output
/// capture, so a developer sees it even when the test passes.
pub fn skip(reason: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("CI must not skip: {reason}");
    }
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "SKIPPED {reason}");
}

/// Drops what [`fresh_database`] made for `test`.
pub async fn drop_database(backend: Backend, test: &str) {
    if backend == Backend::Sqlite {
        remove_sqlite_files(&sqlite_path(test));
        return;
    }
    if backend.server_url().is_none() {
        return;
    }
    let Some(url) = admin_url(backend, test) else {
        return;
    };
    let quoted = admin_dialect(backend).quoted(&database_name(test));
    let sql = match backend {
        Backend::Sqlite => return,
        Backend::Postgres => format!("DROP SCHEMA IF EXISTS {quoted} CASCADE"),
        Backend::PgBouncer => format!("DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"),
        Backend::MySql => format!("DROP DATABASE IF EXISTS {quoted}"),
    };
    let admin = connect(&url).await;
    raw_admin(&admin, sql).await;
    admin.close().await;
}

/// `<tmp>/orm-tests/<name>.db`: one file per test.
fn sqlite_path(test: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join("orm-tests");
    if let Err(e) = std::fs::create_dir_all(&dir) {
        panic!("cannot create {}: {e}", dir.display());
    }
    dir.join(format!("{}.db", database_name(test)))
}

/// Removes an SQLite database and its WAL files, if they exist.
fn remove_sqlite_files(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let _ = std::fs::remove_file(file);
    }
}

fn admin_dialect(backend: Backend) -> Dialect {
    match backend {
        Backend::Sqlite => Dialect::Sqlite,
        Backend::Postgres | Backend::PgBouncer => Dialect::Postgres,
        Backend::MySql => Dialect::MySql,
    }
}

/// The URL that makes and drops `test`'s database: the backend's own server, or for
/// PgBouncer the PostgreSQL server behind it (`None`, after saying so, without one).
fn admin_url(backend: Backend, test: &str) -> Option<String> {
    if backend != Backend::PgBouncer {
        return backend.server_url();
    }
    let url = Backend::Postgres.server_url();
    if url.is_none() {
        skip(&format!(
            "{test} through PgBouncer: set ORM_TEST_POSTGRES_URL to the server behind it"
        ));
    }
    url
}

/// DDL on an admin connection; the statement holds only names quoted by the dialect.
async fn raw_admin(admin: &Database, sql: String) {
    if let Err(e) = Raw::dynamic(sql.clone()).execute(admin).await {
        panic!("test set-up `{sql}` failed: {e}");
    }
}

/// The name of `test`'s schema or database: `orm_core::testing`'s, so that either can
/// drop what the other made.
fn database_name(test: &str) -> String {
    orm_core::testing::database_name(test)
}

/// The server URL pointed at database (MySQL) or schema (PostgreSQL) `name`.
fn with_database(backend: Backend, url: &str, name: &str) -> String {
    if let Some(public) = backend.public() {
        return orm_core::testing::database_url(public, url, name);
    }
    // Through PgBouncer: a PostgreSQL database of its own, named in the path.
    orm_core::testing::url_with_database(url, name)
}

async fn connect(url: &str) -> Database {
    connect_to(Backend::Sqlite, url).await
}

/// A pool on `url` as the tests use it; through PgBouncer, in transaction-pooler mode.
pub async fn connect_to(backend: Backend, url: &str) -> Database {
    match Database::options(url)
        .transaction_pooler(backend == Backend::PgBouncer)
        .max_connections(5)
        .acquire_timeout(std::time::Duration::from_secs(20))
        .connect()
        .await
    {
        Ok(db) => db,
        Err(e) => panic!("cannot connect to {}: {e}", orm_core::redact_url(url)),
    }
}

/// The Chinook sample database's script for `dialect`, from `shared/datasets/chinook/`
/// (or `ORM_CHINOOK_DIR`), without its database-level statements (a test has a database
/// of its own); `None` when the dataset is not on this machine.
pub fn chinook_script(dialect: Dialect) -> Option<String> {
    let dir = std::env::var("ORM_CHINOOK_DIR").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/datasets/chinook").to_owned()
    });
    let file = match dialect {
        Dialect::Postgres => "Chinook_PostgreSql.sql",
        Dialect::MySql => "Chinook_MySql.sql",
        _ => "Chinook_Sqlite.sql",
    };
    let text = std::fs::read_to_string(std::path::Path::new(&dir).join(file)).ok()?;
    // The PostgreSQL and MySQL scripts create and enter a database of their own first.
    let start = ["\\c chinook;", "USE `Chinook`;"]
        .iter()
        .find_map(|marker| text.find(marker).map(|i| i + marker.len()))
        .unwrap_or(0);
    Some(text[start..].to_owned())
}

/// Loads Chinook's tables and rows into `db`; `false` (after saying so, see [`skip`])
/// without the dataset.
pub async fn load_chinook(db: &Database) -> Result<bool, sqlx::Error> {
    let Some(script) = chinook_script(db.dialect()) else {
        skip("Chinook: the dataset is not at ../shared/datasets/chinook (set ORM_CHINOOK_DIR)");
        return Ok(false);
    };
    let script = sqlx::AssertSqlSafe(script);
    if let Some(pool) = db.sqlite_pool() {
        sqlx::raw_sql(script).execute(pool).await?;
    } else if let Some(pool) = db.postgres_pool() {
        sqlx::raw_sql(script).execute(pool).await?;
    } else if let Some(pool) = db.mysql_pool() {
        sqlx::raw_sql(script).execute(pool).await?;
    }
    Ok(true)
}

/// Generates, for each named test body, one `#[tokio::test]` per backend, in modules
/// `sqlite`, `postgres` and `mysql`; with `pgbouncer:` first, also in module `pgbouncer`
/// (PostgreSQL through PgBouncer in transaction mode).
#[macro_export]
macro_rules! backend_tests {
    (pgbouncer: $($name:ident),* $(,)?) => {
        $crate::backend_tests!($($name),*);
        $crate::backend_tests!(@backend pgbouncer, PgBouncer, $($name),*);
    };
    ($($name:ident),* $(,)?) => {
        $crate::backend_tests!(@backend sqlite, Sqlite, $($name),*);
        $crate::backend_tests!(@backend postgres, Postgres, $($name),*);
        $crate::backend_tests!(@backend mysql, MySql, $($name),*);
    };
    (@backend $module:ident, $backend:ident, $($name:ident),*) => {
        mod $module {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let test = concat!(module_path!(), "::", stringify!($name));
                    $crate::run($crate::Backend::$backend, test, super::$name).await;
                }
            )*
        }
    };
}

/// The SQL of every statement `work` runs (its `orm.statement` spans, `BEGIN`, `COMMIT`
/// and savepoints included), in order, with `work`'s output.
///
/// A global subscriber (installed on first use) hands each span to the statements of the
/// task that made it: scoped subscribers raced with other tests' threads over tracing's
/// per-callsite interest cache, and once in a while saw nothing.
pub async fn statements_of<F: std::future::Future>(work: F) -> (F::Output, Vec<String>) {
    let (output, seen) = servers_of(work).await;
    (output, seen.into_iter().map(|(_, sql)| sql).collect())
}

/// [`statements_of`], each statement with the role of the server that ran it
/// (`"primary"` or `"replica"`, the span's `db.role`).
pub async fn servers_of<F: std::future::Future>(work: F) -> (F::Output, Vec<(String, String)>) {
    install_statement_collector();
    let seen = Statements::default();
    let output = STATEMENTS.scope(seen.clone(), work).await;
    let statements = seen.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
    (output, statements)
}

/// The role and SQL of the statements a task ran.
#[derive(Clone, Default)]
struct Statements(std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>);

tokio::task_local! {
    static STATEMENTS: Statements;
}

/// Records `orm.statement` spans into the current task's [`Statements`], if any.
struct StatementCollector;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for StatementCollector {
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        _: &tracing::span::Id,
        _: tracing_subscriber::layer::Context<'_, S>,
    ) {
        if attrs.metadata().name() != "orm.statement" {
            return;
        }
        let mut sql = Sql(None, String::new());
        attrs.record(&mut sql);
        if let Some(text) = sql.0 {
            let _ = STATEMENTS.try_with(|s| {
                s.0.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((sql.1, text))
            });
        }
    }
}

/// The `db.statement` and `db.role` fields of a span.
struct Sql(Option<String>, String);

impl tracing::field::Visit for Sql {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        match field.name() {
            "db.statement" => self.0 = Some(value.to_owned()),
            "db.role" => self.1 = value.to_owned(),
            _ => {}
        }
    }

    fn record_debug(&mut self, _: &tracing::field::Field, _: &dyn std::fmt::Debug) {}
}

fn install_statement_collector() {
    use tracing_subscriber::layer::SubscriberExt as _;
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let subscriber = tracing_subscriber::registry().with(StatementCollector);
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other global subscriber in the test binaries");
    });
}
