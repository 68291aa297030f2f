//! What statements leave in the logs: a span per statement with its SQL, values only on
//! request, slow statements at WARN, and never a password.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use orm_core::DatabaseOptions;
use orm_core::prelude::*;
use orm_tests::Backend;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "obs_secrets")]
struct Secret {
    #[orm(primary_key)]
    id: i64,
    value: String,
}

/// Everything the subscriber writes, shared with the test.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

/// Runs `body` on a current-thread runtime with a subscriber that records every span
/// and event at TRACE level, and returns what it wrote.
fn capture_logs(body: impl AsyncFnOnce()) -> String {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(body());
    captured.text()
}

async fn write_and_read_a_secret(db: &Database) {
    db.create_tables(&[Secret::table_def()]).await.unwrap();
    let mut s = Secret {
        id: 0,
        value: "hunter2-value".into(),
    };
    s.insert(db).await.unwrap();
    let found = Secret::query()
        .filter(Secret::value.eq("hunter2-value"))
        .one(db)
        .await
        .unwrap();
    assert_eq!(found, s);
}

/// What `body` logs on a fresh database of `backend` connected with `options`; `None`
/// when the backend is skipped.
fn logs_of(
    backend: Backend,
    test: &str,
    options: impl FnOnce(DatabaseOptions) -> DatabaseOptions,
    body: impl AsyncFnOnce(&Database),
) -> Option<String> {
    let mut ran = false;
    let logs = capture_logs(async || {
        let Some(url) = orm_tests::fresh_database_url(backend, test).await else {
            return;
        };
        let db = options(Database::options(&url)).connect().await.unwrap();
        body(&db).await;
        db.close().await;
        orm_tests::drop_database(backend, test).await;
        ran = true;
    });
    ran.then_some(logs)
}

/// One `#[test]` per backend for each `fn name(backend: Backend)`: these tests need a
/// subscriber of their own on a current-thread runtime, which `backend_tests!` does not set.
macro_rules! per_backend {
    ($($name:ident),* $(,)?) => {
        per_backend!(@backend sqlite, Sqlite, $($name),*);
        per_backend!(@backend postgres, Postgres, $($name),*);
        per_backend!(@backend mysql, MySql, $($name),*);
    };
    (@backend $module:ident, $backend:ident, $($name:ident),*) => {
        mod $module {
            $(
                #[test]
                fn $name() {
                    super::$name(super::Backend::$backend);
                }
            )*
        }
    };
}

per_backend!(
    statements_are_traced_with_sql_and_duration_but_not_values,
    values_are_recorded_only_when_asked,
    slow_statements_are_logged_at_warn,
    streams_and_transactions_are_traced,
    cancelled_statements_are_traced,
);

/// The SQL of the filtered select, with the dialect's quotes escaped as the log shows them.
fn logged_select(dialect: Dialect) -> String {
    let sql = Secret::query()
        .filter(Secret::value.eq("x"))
        .to_sql(dialect)
        .sql;
    format!("{sql:?}").trim_matches('"').to_owned()
}

fn statements_are_traced_with_sql_and_duration_but_not_values(backend: Backend) {
    let test = format!("obs_traced_{backend:?}");
    let Some(logs) = logs_of(
        backend,
        &test,
        |o| o,
        async |db| {
            write_and_read_a_secret(db).await;
        },
    ) else {
        return;
    };
    let select = logged_select(dialect_of(backend));
    let closed = |l: &&str| l.contains("orm.statement") && l.contains("close time.busy");
    let line = logs.lines().filter(closed).find(|l| l.contains(&select));
    let line = line.unwrap_or_else(|| panic!("no span for {select}:\n{logs}"));
    assert!(line.contains("db.duration_us="), "no duration: {line}");
    assert!(
        !logs.contains("hunter2-value"),
        "a bound value was logged:\n{logs}"
    );
}

fn values_are_recorded_only_when_asked(backend: Backend) {
    let test = format!("obs_values_{backend:?}");
    let Some(logs) = logs_of(
        backend,
        &test,
        |o| o.log_values(true),
        async |db| {
            write_and_read_a_secret(db).await;
        },
    ) else {
        return;
    };
    assert!(logs.contains("hunter2-value"), "{logs}");
}

fn slow_statements_are_logged_at_warn(backend: Backend) {
    let test = format!("obs_slow_{backend:?}");
    let slow = |o: DatabaseOptions| o.slow_statement_threshold(Duration::ZERO);
    let Some(logs) = logs_of(backend, &test, slow, async |db| {
        raw("SELECT 1").execute(db).await.unwrap();
    }) else {
        return;
    };
    let warn = logs
        .lines()
        .find(|l| l.contains("WARN") && l.contains("slow statement"));
    assert!(warn.is_some_and(|l| l.contains("SELECT 1")), "{logs}");

    let quiet = logs_of(
        backend,
        &test,
        |o| o,
        async |db| {
            raw("SELECT 1").execute(db).await.unwrap();
        },
    );
    let quiet = quiet.unwrap();
    assert!(!quiet.contains("slow statement"), "{quiet}");
}

/// A stream's span carries its duration once read; BEGIN, savepoints and COMMIT are
/// statements like any other in the logs.
fn streams_and_transactions_are_traced(backend: Backend) {
    use futures_util::TryStreamExt;
    let test = format!("obs_stream_tx_{backend:?}");
    let Some(logs) = logs_of(
        backend,
        &test,
        |o| o,
        async |db| {
            write_and_read_a_secret(db).await;
            let tx = db.begin().await.unwrap();
            let inner = tx.begin().await.unwrap();
            inner.commit().await.unwrap();
            let rows: Vec<Secret> = Secret::query().stream(&tx).try_collect().await.unwrap();
            assert_eq!(rows.len(), 1);
            tx.commit().await.unwrap();
            let rows: Vec<Secret> = Secret::query().stream(db).try_collect().await.unwrap();
            assert_eq!(rows.len(), 1);
        },
    ) else {
        return;
    };
    let streams: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("stream=true") && l.contains("close time.busy"))
        .collect();
    assert_eq!(streams.len(), 2, "{logs}");
    for line in streams {
        assert!(line.contains("db.duration_us="), "{line}");
    }
    for operation in ["BEGIN", "SAVEPOINT", "RELEASE SAVEPOINT", "COMMIT"] {
        let statement = format!("db.statement=\"{operation}\"");
        assert!(logs.contains(&statement), "no {operation}:\n{logs}");
    }
}

/// A statement whose future is dropped still ends its span, as `cancelled`, with how
/// long it ran.
fn cancelled_statements_are_traced(backend: Backend) {
    let test = format!("obs_cancelled_{backend:?}");
    let slow = match backend {
        Backend::Postgres | Backend::PgBouncer => "SELECT CAST(pg_sleep(2) AS TEXT)",
        Backend::MySql => "SELECT SLEEP(2)",
        Backend::Sqlite => {
            "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000000) \
             SELECT COUNT(*) FROM n"
        }
    };
    let Some(logs) = logs_of(
        backend,
        &test,
        |o| o,
        async |db| {
            let cut = tokio::time::timeout(Duration::from_millis(20), raw(slow).execute(db)).await;
            assert!(cut.is_err(), "the slow statement finished: {cut:?}");
        },
    ) else {
        return;
    };
    let line = logs
        .lines()
        .find(|l| l.contains("close time.busy") && l.contains("db.outcome=\"cancelled\""));
    let line = line.unwrap_or_else(|| panic!("no cancelled statement:\n{logs}"));
    assert!(line.contains(slow.split(' ').next().unwrap()), "{line}");
    assert!(line.contains("db.duration_us="), "{line}");
}

fn dialect_of(backend: Backend) -> Dialect {
    match backend {
        Backend::Sqlite => Dialect::Sqlite,
        Backend::Postgres | Backend::PgBouncer => Dialect::Postgres,
        Backend::MySql => Dialect::MySql,
    }
}

#[test]
fn passwords_appear_in_no_error_and_no_log() {
    let mut shown = Vec::new();
    let logs = capture_logs(async || {
        let urls = [
            "postgres://app:hunter2-password@127.0.0.1:1/prod".to_owned(),
            "mysql://app:hunter2-password@127.0.0.1:1/prod".to_owned(),
            "oracle://app:hunter2-password@db/prod".to_owned(),
        ];
        for url in urls {
            let options = Database::options(&url).acquire_timeout(Duration::from_secs(1));
            shown.push(format!("{options:?}"));
            let err = options.connect().await.unwrap_err();
            shown.push(format!("{err} {err:?}"));
        }
        // A server that refuses the password (MariaDB checks it; the local PostgreSQL
        // trusts every local connection).
        if let Some(url) = Backend::MySql.server_url() {
            let url = url.replacen("://root@", "://root:hunter2-password@", 1);
            let err = Database::connect(&url).await.unwrap_err();
            shown.push(format!("{err} {err:?}"));
        }
    });
    for text in shown.iter().chain([&logs]) {
        assert!(
            !text.contains("hunter2-password"),
            "the password leaked: {text}"
        );
    }
}

/// Every shape a server URL with a password was seen in (no `//`, secrets in query
/// parameters of any case, unknown parameters the PostgreSQL driver would log with their
/// values): no password in any error, `Debug` line or log line of any target at TRACE.
#[test]
fn no_url_shape_leaks_its_password() {
    let mut urls: Vec<String> = Vec::new();
    for scheme in ["postgres", "postgresql", "mysql", "mariadb"] {
        for body in [
            "/u:hunter2-pw@127.0.0.1:1/db",
            "u:hunter2-pw@127.0.0.1:1/db",
            "//u:hunter2-pw@127.0.0.1:1/db",
            "//u@127.0.0.1:1/db?password=hunter2-pw",
            "//u@127.0.0.1:1/db?sslpassword=hunter2-pw",
            "//u@127.0.0.1:1/db?PassWord=hunter2-pw",
            "//u@127.0.0.1:1/db?pwd=hunter2-pw",
            "//u:hun/ter2-pw@127.0.0.1:1/db",
            "//u:hunter2-pw@127.0.0.1:notaport/db",
        ] {
            urls.push(format!("{scheme}:{body}"));
        }
    }
    // Reachable servers, with secrets in parameters their drivers do not know.
    for backend in [Backend::Postgres, Backend::MySql] {
        if let Some(url) = backend.server_url() {
            let sep = if url.contains('?') { '&' } else { '?' };
            for key in ["sslpassword", "pwd", "PassWord", "api_token"] {
                urls.push(format!("{url}{sep}{key}=hunter2-pw"));
            }
        }
    }
    let mut shown = Vec::new();
    let logs = capture_logs(async || {
        for url in &urls {
            let options = Database::options(url).acquire_timeout(Duration::from_secs(1));
            shown.push(format!("{options:?}"));
            match options.connect().await {
                Ok(db) => {
                    shown.push(format!("{db:?} {}", db.url()));
                    db.close().await;
                }
                Err(e) => shown.push(format!("{e} {e:?}")),
            }
            shown.push(orm_core::redact_url(url));
        }
    });
    for text in shown.iter().chain([&logs]) {
        assert!(!text.contains("hunter2"), "the password leaked: {text}");
    }
}

/// `trace_statements(false)` leaves every statement without its `orm.statement` span
/// (plain statements and streams alike); on, the default, each one has it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statement_tracing_can_be_switched_off() {
    use futures_util::TryStreamExt;
    for on in [true, false] {
        let db = Database::options("sqlite::memory:")
            .trace_statements(on)
            .connect()
            .await
            .expect("an in-memory database");
        let (counted, statements) = orm_tests::statements_of(async {
            db.create_tables(&[Secret::table_def()]).await?;
            Secret {
                id: 0,
                value: "s".into(),
            }
            .insert(&db)
            .await?;
            let streamed: Vec<Secret> = Secret::query().stream(&db).try_collect().await?;
            Ok::<_, orm_core::Error>((Secret::query().count(&db).await?, streamed.len()))
        })
        .await;
        assert_eq!(counted.expect("the statements ran"), (1, 1));
        if on {
            assert!(
                statements.iter().any(|s| s.starts_with("SELECT")),
                "tracing on: {statements:?}"
            );
        } else {
            assert!(
                statements.is_empty(),
                "tracing off, yet traced: {statements:?}"
            );
        }
    }
}
