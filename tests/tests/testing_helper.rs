//! `#[orm_core::test]` and `orm_core::testing`, tested as a user would use them: a fresh
//! database per test on every backend, fixtures in foreign-key order, migrations, the
//! rollback mode, cleanup after a failing or panicking test, and the switch that turns a
//! skipped backend into a failure.

use orm_core::prelude::*;
use orm_core::testing::{self, Backend, TestOptions};

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "th_writers")]
struct Writer {
    #[orm(primary_key)]
    id: i64,
    #[orm(max_length = 60)]
    name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "th_books")]
struct Book {
    #[orm(primary_key)]
    id: i64,
    #[orm(references(Writer))]
    writer_id: i64,
    #[orm(max_length = 60)]
    title: String,
    published: Option<chrono::NaiveDate>,
}

/// `th_books` comes first in the JSON (its keys are read in name order), yet its rows
/// reference `th_writers`: the writers must be loaded first. Then the SQL script.
#[orm_core::test(
    backends(sqlite, postgres, mysql),
    fixtures("fixtures/writers.json", "fixtures/more_writers.sql")
)]
async fn fixtures_load_in_foreign_key_order(db: Database) -> Result<()> {
    let writers = Writer::all(&db).await?;
    let names: Vec<&str> = writers.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["Frank Herbert", "Le Guin; Ursula K."]);
    let dune = Book::get(&db, 1)
        .await?
        .ok_or_else(Error::not_found::<Book>)?;
    assert_eq!(dune.published, chrono::NaiveDate::from_ymd_opt(1965, 8, 1));
    assert_eq!(
        Book::query()
            .filter(Book::published.is_null())
            .count(&db)
            .await?,
        2
    );
    Ok(())
}

/// Two tests writing the same table at the same time: each sees its own rows only.
#[orm_core::test(backends(sqlite, postgres, mysql))]
async fn each_test_has_its_own_database_a(db: Database) -> Result<()> {
    own_rows_only(&db, 3).await
}

#[orm_core::test(backends(sqlite, postgres, mysql))]
async fn each_test_has_its_own_database_b(db: Database) -> Result<()> {
    own_rows_only(&db, 5).await
}

async fn own_rows_only(db: &Database, n: u64) -> Result<()> {
    assert_eq!(Writer::query().count(db).await?, 0, "a fresh database");
    for i in 0..n {
        Writer {
            id: 0,
            name: format!("w{i}"),
        }
        .insert(db)
        .await?;
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert_eq!(Writer::query().count(db).await?, n);
    Ok(())
}

/// `migrations = "…"` applies the migrations instead of `create_all`.
#[orm_core::test(backends(sqlite, postgres, mysql), migrations = "fixtures/migrations")]
async fn migrations_instead_of_create_all(db: Database) -> Result<()> {
    raw("INSERT INTO th_migrated (id, note) VALUES (1, 'from a migration')")
        .execute(&db)
        .await?;
    let rows: Vec<(i64,)> = raw("SELECT COUNT(*) FROM th_migrated")
        .fetch_as(&db)
        .await?;
    assert_eq!(rows[0].0, 1);
    assert!(Writer::query().count(&db).await.is_err(), "no create_all");
    Ok(())
}

/// The rollback mode: a transaction on a shared database; the code's own transactions
/// are savepoints inside it.
#[orm_core::test(backends(sqlite, postgres, mysql), rollback)]
async fn rollback_mode_runs_in_a_transaction(tx: &Transaction) -> Result<()> {
    Writer {
        id: 0,
        name: "kept".into(),
    }
    .insert(tx)
    .await?;
    let savepoint = tx.begin().await?;
    Writer {
        id: 0,
        name: "undone".into(),
    }
    .insert(&savepoint)
    .await?;
    savepoint.rollback().await?;
    let names: Vec<String> = Writer::all(tx).await?.into_iter().map(|w| w.name).collect();
    assert_eq!(names, ["kept"]);
    Ok(())
}

fn backends() -> [Backend; 3] {
    [Backend::Sqlite, Backend::Postgres, Backend::MySql]
}

/// What a rollback test wrote is gone for the next one on the shared database.
#[test]
fn rollback_mode_leaves_no_rows() {
    for backend in backends() {
        let test = format!("testing_helper::rollback_leaves_nothing::{backend:?}");
        testing::run_in_transaction(backend, &test, TestOptions::new(), async |tx| {
            for i in 0..4 {
                Writer {
                    id: 0,
                    name: format!("gone {i}"),
                }
                .insert(tx)
                .await?;
            }
            assert_eq!(
                Writer::query()
                    .filter(Writer::name.like("gone %"))
                    .count(tx)
                    .await?,
                4
            );
            Ok::<_, Error>(())
        });
        testing::run_in_transaction(backend, &test, TestOptions::new(), async |tx| {
            assert_eq!(
                Writer::query()
                    .filter(Writer::name.like("gone %"))
                    .count(tx)
                    .await?,
                0
            );
            Ok::<_, Error>(())
        });
    }
}

/// Whether the schema (PostgreSQL) or database (MySQL) named `name` exists on the server.
async fn exists_on_server(backend: Backend, url: &str, name: &str) -> bool {
    let admin = Database::connect(url).await.expect("the server");
    let sql = match backend {
        Backend::Postgres => {
            "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = $1"
        }
        _ => "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = ?",
    };
    let rows: Vec<(i64,)> = Raw::dynamic(sql.to_owned())
        .bind(name.to_owned())
        .fetch_as(&admin)
        .await
        .expect("the catalog");
    admin.close().await;
    rows[0].0 > 0
}

/// A test that panics, and one that returns an error, fail, and leave no schema or
/// database behind on the server.
#[test]
fn failing_and_panicking_tests_leave_nothing_behind() {
    for backend in [Backend::Postgres, Backend::MySql] {
        let Some(url) = backend.server_url() else {
            orm_tests::skip(&format!("cleanup on {backend:?}: no server URL"));
            continue;
        };
        for (how, test) in [
            (
                "panics",
                format!("testing_helper::cleanup_probe_panics::{backend:?}"),
            ),
            (
                "fails",
                format!("testing_helper::cleanup_probe_fails::{backend:?}"),
            ),
        ] {
            let run = std::panic::catch_unwind(|| {
                testing::run(backend, &test, TestOptions::new(), async |db| {
                    Writer {
                        id: 0,
                        name: "left?".into(),
                    }
                    .insert(&db)
                    .await?;
                    if how == "panics" {
                        panic!("on purpose");
                    }
                    Err::<(), _>(Error::InvalidQuery("on purpose".into()))
                })
            });
            assert!(run.is_err(), "the test that {how} did not fail");
            let name = testing::database_name(&test);
            let runtime = tokio::runtime::Runtime::new().expect("a runtime");
            let left = runtime.block_on(exists_on_server(backend, &url, &name));
            assert!(!left, "the test that {how} left `{name}` on {backend:?}");
        }
    }
}

/// Without a server URL a test says SKIPPED and passes; with ORM_TEST_REQUIRE_BACKENDS it
/// fails. Run in a child process of this binary, whose environment can differ.
#[test]
fn a_skip_fails_when_backends_are_required() {
    if std::env::var_os("ORM_PROBE_SKIP").is_some() {
        testing::run(
            Backend::Postgres,
            "testing_helper::skip_probe",
            TestOptions::new(),
            async |_db| Ok::<_, Error>(()),
        );
        return;
    }
    let child = |require: bool| {
        let mut command = std::process::Command::new(std::env::current_exe().expect("this binary"));
        command
            .args([
                "--exact",
                "a_skip_fails_when_backends_are_required",
                "--nocapture",
            ])
            .env("ORM_PROBE_SKIP", "1")
            .env_remove("ORM_TEST_POSTGRES_URL")
            .env_remove("ORM_TEST_REQUIRE_BACKENDS");
        if require {
            command.env("ORM_TEST_REQUIRE_BACKENDS", "1");
        }
        let out = command.output().expect("the child test");
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), text)
    };
    let (passed, text) = child(false);
    assert!(
        passed && text.contains("SKIPPED testing_helper::skip_probe"),
        "{text}"
    );
    let (passed, text) = child(true);
    assert!(
        !passed && text.contains("ORM_TEST_REQUIRE_BACKENDS"),
        "{text}"
    );
}
