//! Connecting: URL schemes, SQLite defaults, and errors that say what went wrong without
//! the password.

use std::time::Duration;

use orm_core::prelude::*;
use orm_tests::Backend;

#[tokio::test]
async fn unsupported_scheme_is_a_config_error() {
    let err = Database::connect("oracle://scott:tiger@db/orcl")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("tiger"));
}

#[tokio::test]
async fn unreachable_server_is_a_connection_error_without_password() {
    let err = Database::options("postgres://app:s3cr3t-pw@127.0.0.1:1/prod")
        .acquire_timeout(Duration::from_secs(2))
        .connect()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("127.0.0.1:1"), "{shown}");
    assert!(!shown.contains("s3cr3t-pw"), "password leaked: {shown}");
}

#[tokio::test]
async fn wrong_password_is_reported_without_it() {
    let Some(url) = Backend::MySql.server_url() else {
        orm_tests::skip("wrong_password_is_reported_without_it: set ORM_TEST_MYSQL_URL");
        return;
    };
    let url = url.replacen("://root@", "://root:not-the-password@", 1);
    let err = Database::options(&url)
        .acquire_timeout(Duration::from_secs(5))
        .connect()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains("not-the-password"),
        "password leaked: {shown}"
    );
}

#[tokio::test]
async fn debug_output_redacts_the_password() {
    let options = Database::options("postgres://app:s3cr3t-pw@db.internal/prod");
    assert!(!format!("{options:?}").contains("s3cr3t-pw"));
    let db = Database::connect("sqlite::memory:").await.unwrap();
    assert_eq!(
        format!("{db:?}"),
        r#"Database { url: "sqlite::memory:", dialect: Sqlite, .. }"#
    );
}

#[tokio::test]
async fn sqlite_file_gets_the_expected_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    let db = Database::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    assert!(path.exists(), "a new file is created");
    let pragmas: Vec<(String, i64)> = raw("SELECT * FROM pragma_journal_mode, pragma_foreign_keys")
        .fetch_as(&db)
        .await
        .unwrap();
    assert_eq!(pragmas, [("wal".to_string(), 1)]);
    let busy: Vec<(i64,)> = raw("PRAGMA busy_timeout").fetch_as(&db).await.unwrap();
    assert_eq!(busy, [(5000,)]);
}

#[tokio::test]
async fn sqlite_memory_database_survives_between_statements() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    raw("CREATE TABLE t (x INTEGER)")
        .execute(&db)
        .await
        .unwrap();
    for _ in 0..3 {
        raw("INSERT INTO t VALUES (1)").execute(&db).await.unwrap();
    }
    let n: Vec<(i64,)> = raw("SELECT COUNT(*) FROM t").fetch_as(&db).await.unwrap();
    assert_eq!(n, [(3,)]);
}

/// `postgresql://` and `mariadb://` name the same backends as `postgres://` and `mysql://`.
#[tokio::test]
async fn alternative_schemes_reach_the_same_servers() {
    for (backend, from, to) in [
        (Backend::Postgres, "postgres://", "postgresql://"),
        (Backend::MySql, "mysql://", "mariadb://"),
    ] {
        let Some(url) = backend.server_url() else {
            orm_tests::skip(&format!(
                "alternative schemes on {backend:?}: no server URL"
            ));
            continue;
        };
        let url = url.replacen(from, to, 1);
        let db = Database::connect(&url).await.unwrap();
        let one: Vec<(i32,)> = raw("SELECT 1").fetch_as(&db).await.unwrap();
        assert_eq!(one, [(1,)], "{url}");
        db.close().await;
    }
}

/// A refused connection fails at once with the cause, not after the acquire timeout as
/// "no answer": an exhausted pool (`PoolTimedOut`) and a server that is down are told
/// apart.
#[tokio::test]
async fn a_refused_connection_fails_fast_with_its_cause() {
    for url in [
        "postgres://app@127.0.0.1:1/prod",
        "mysql://app@127.0.0.1:1/prod",
    ] {
        let started = std::time::Instant::now();
        let err = Database::options(url)
            .acquire_timeout(Duration::from_secs(30))
            .connect()
            .await
            .unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{url}: {:?}",
            started.elapsed()
        );
        assert!(matches!(err, Error::Connection { .. }), "{err:?}");
        assert!(err.to_string().contains("refused"), "{err}");
    }
}

/// Server URLs the drivers would misread are configuration errors, before any connection.
#[tokio::test]
async fn server_urls_without_slashes_or_with_unknown_parameters_are_refused() {
    for url in [
        "postgres:/app:pw-secret@db/prod",
        "postgres:app:pw-secret@db/prod",
        "mysql:/root:pw-secret@db/prod",
        "postgres://app@db/prod?sslmod=require",
        "mysql://app@db/prod?password=pw-secret",
    ] {
        let err = Database::connect(url).await.unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{url}: {err:?}");
        assert!(!format!("{err} {err:?}").contains("pw-secret"), "{err}");
    }
}

/// A server's refusal reads as the server's message, without the driver's additions
/// (PostgreSQL's driver appends the server's C source line: " at line 326").
#[tokio::test]
async fn a_refusal_by_the_server_reads_as_its_message() {
    let Some(url) = Backend::Postgres.server_url() else {
        orm_tests::skip("a_refusal_by_the_server_reads_as_its_message: set ORM_TEST_POSTGRES_URL");
        return;
    };
    let (base, _) = url.split_once('?').unwrap_or((&url, ""));
    let (server, _) = base.rsplit_once('/').expect("a database in the URL");
    let err = Database::connect(&format!("{server}/orm_no_such_database"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    let shown = err.to_string();
    assert!(shown.contains("orm_no_such_database"), "{shown}");
    assert!(!shown.contains(" at line "), "{shown}");
}
