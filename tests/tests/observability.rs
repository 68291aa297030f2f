//! What statements leave in the logs: a span per statement with its SQL, values only on
//! request, slow statements at WARN, and never a password.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

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

#[test]
fn statements_are_traced_with_sql_but_not_values() {
    let logs = capture_logs(async || {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        write_and_read_a_secret(&db).await;
    });
    assert!(logs.contains("orm.statement"), "{logs}");
    // The formatter escapes the quotes of identifiers.
    assert!(
        logs.contains(
            r#"SELECT \"obs_secrets\".\"id\", \"obs_secrets\".\"value\" FROM \"obs_secrets\" WHERE \"obs_secrets\".\"value\" = ?"#
        ),
        "{logs}"
    );
    assert!(
        !logs.contains("hunter2-value"),
        "a bound value was logged:\n{logs}"
    );
}

#[test]
fn values_are_recorded_only_when_asked() {
    let logs = capture_logs(async || {
        let db = Database::options("sqlite::memory:")
            .log_values(true)
            .connect()
            .await
            .unwrap();
        write_and_read_a_secret(&db).await;
    });
    assert!(logs.contains("hunter2-value"), "{logs}");
}

#[test]
fn slow_statements_are_logged_at_warn() {
    let logs = capture_logs(async || {
        let db = Database::options("sqlite::memory:")
            .slow_statement_threshold(Duration::ZERO)
            .connect()
            .await
            .unwrap();
        raw("SELECT 1").execute(&db).await.unwrap();
    });
    let warn = logs
        .lines()
        .find(|l| l.contains("WARN") && l.contains("slow statement"));
    assert!(warn.is_some_and(|l| l.contains("SELECT 1")), "{logs}");

    let quiet = capture_logs(async || {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        raw("SELECT 1").execute(&db).await.unwrap();
    });
    assert!(!quiet.contains("slow statement"), "{quiet}");
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
