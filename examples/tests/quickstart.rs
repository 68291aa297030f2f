//! The quickstart runs unchanged on every backend, chosen by `DATABASE_URL`.

use orm_tests::{Backend, drop_database, fresh_database_url};

#[tokio::test]
async fn quickstart_runs_on_every_backend() {
    runs_on_every_backend(
        "quickstart",
        env!("CARGO_BIN_EXE_quickstart"),
        &[
            "created: User { id: 1",
            "read:",
            "updated:",
            "john.doe@example.com",
            "deleted: 0 user(s)",
        ],
    )
    .await;
}

/// Without `DATABASE_URL`, the README's first command: an in-memory SQLite database.
#[test]
fn quickstart_runs_on_the_embedded_default() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_quickstart"))
        .env_remove("DATABASE_URL")
        .output()
        .expect("the quickstart runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("sqlite"), "{stdout}");
    assert!(stdout.contains("deleted: 0 user(s)"), "{stdout}");
}

#[tokio::test]
async fn transfers_keep_the_total_on_every_backend() {
    runs_on_every_backend(
        "transfers",
        env!("CARGO_BIN_EXE_transfers"),
        &[
            "total before: 40000 cents",
            "8 concurrent transfers of 25.00 done",
            "an overdraft was refused and rolled back",
            "total after: 40000 cents",
        ],
    )
    .await;
}

/// The session example (SQLAlchemy's unit of work, line for line) on every backend.
#[tokio::test]
async fn session_example_runs_on_every_backend() {
    runs_on_every_backend(
        "session",
        env!("CARGO_BIN_EXE_session"),
        &[
            "added and committed: User { id: 1",
            "(the same object: true)",
            "changed the email and committed: User { id: 1, username: \"john_doe\", email: \"john.doe@example.com\"",
            "deleted and committed; users left: 0",
        ],
    )
    .await;
}

/// Runs example `exe` with `DATABASE_URL` on a fresh database of each backend, and checks
/// that it succeeds and prints every one of `lines`.
async fn runs_on_every_backend(name: &str, exe: &str, lines: &[&str]) {
    for backend in [Backend::Sqlite, Backend::Postgres, Backend::MySql] {
        let test = format!("{name}_{backend:?}");
        let Some(url) = fresh_database_url(backend, &test).await else {
            continue;
        };
        let out = std::process::Command::new(exe)
            .env("DATABASE_URL", &url)
            .output()
            .expect("the example runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{backend:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        for line in lines {
            assert!(
                stdout.contains(line),
                "{backend:?} missing `{line}` in:\n{stdout}"
            );
        }
        drop_database(backend, &test).await;
    }
}
