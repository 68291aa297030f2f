//! The real `orm-cli` binary against temporary databases and model sources.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use orm_core::Dialect;
use orm_core::schema::{create_statements, registered_tables};

use examples::models::{
    Account, BenchComment, BenchItem, BenchPost, BenchUser, Counter, Post, User,
};
use orm_core::Model;

fn examples_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/src")
}

fn cli(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("orm-cli").expect("the orm-cli binary is built");
    cmd.current_dir(dir).env_remove("DATABASE_URL");
    cmd
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The names of the tables and indexes of an SQLite file, as `sqlite_master` lists them.
async fn sqlite_objects(path: &Path) -> Vec<(String, String)> {
    use sqlx::ConnectOptions;
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .connect()
        .await
        .expect("the database file exists");
    sqlx::query_as(
        "SELECT type, name FROM sqlite_master \
         WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
    )
    .fetch_all(&mut conn)
    .await
    .expect("sqlite_master is readable")
}

#[tokio::test]
async fn create_all_creates_tables_and_indexes_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    for _ in 0..2 {
        let out = cli(dir.path())
            .args(["create-all", "--models"])
            .arg(examples_src())
            .args(["--database-url", &url])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stdout(&out).contains("posts, users") || stdout(&out).contains("users, posts"));
    }
    let objects = sqlite_objects(&dir.path().join("x.db")).await;
    let expect = |kind: &str, name: &str| (kind.to_owned(), name.to_owned());
    assert_eq!(
        objects,
        [
            expect("index", "ix_posts_author_id_created_at"),
            expect("index", "ix_users_email"),
            expect("table", "bench_comments"),
            expect("table", "bench_items"),
            expect("table", "bench_posts"),
            expect("table", "bench_users"),
            expect("table", "counters"),
            expect("table", "posts"),
            expect("table", "transfer_accounts"),
            expect("table", "users"),
        ]
    );

    let out = cli(dir.path())
        .args(["drop-all", "--yes", "--models"])
        .arg(examples_src())
        .args(["--database-url", &url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(sqlite_objects(&dir.path().join("x.db")).await.is_empty());
}

#[test]
fn dry_run_ddl_is_what_create_all_runs() {
    let dir = tempfile::tempdir().unwrap();
    // The example models are linked into this binary, so the registry holds exactly them.
    let registered = registered_tables();
    let mut names: Vec<&str> = registered.iter().map(|t| t.name.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            BenchComment::TABLE,
            BenchItem::TABLE,
            BenchPost::TABLE,
            BenchUser::TABLE,
            Counter::TABLE,
            Post::TABLE,
            Account::TABLE,
            User::TABLE
        ]
    );
    for (dialect, url) in [
        (Dialect::Sqlite, "sqlite://unused.db"),
        (Dialect::Postgres, "postgres://nobody@127.0.0.1:1/none"),
        (Dialect::MySql, "mysql://nobody@127.0.0.1:1/none"),
    ] {
        let out = cli(dir.path())
            .args(["create-all", "--dry-run", "--models"])
            .arg(examples_src())
            .args(["--database-url", url])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let expected: String = create_statements(dialect, &registered)
            .unwrap()
            .iter()
            .map(|s| format!("{s};\n"))
            .collect();
        assert_eq!(stdout(&out), expected, "{dialect}");
    }
    // A dry run touches no database.
    assert!(!dir.path().join("unused.db").exists());
}

#[test]
fn url_comes_from_dotenv_then_defaults_to_app_db() {
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        cli(dir.path())
            .args(["create-all", "--models"])
            .arg(examples_src())
            .output()
            .unwrap()
    };
    let out = run();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.path().join("app.db").exists(), "the embedded default");

    std::fs::write(
        dir.path().join(".env"),
        "DATABASE_URL=sqlite://from_env.db\n",
    )
    .unwrap();
    let out = run();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.path().join("from_env.db").exists(), ".env is read");

    // The environment beats .env, and --database-url beats both.
    let out = cli(dir.path())
        .args(["create-all", "--models"])
        .arg(examples_src())
        .env("DATABASE_URL", "sqlite://from_environment.db")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.path().join("from_environment.db").exists());
    let out = cli(dir.path())
        .args(["create-all", "--models"])
        .arg(examples_src())
        .args(["--database-url", "sqlite://from_flag.db"])
        .env("DATABASE_URL", "sqlite://not_this.db")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.path().join("from_flag.db").exists());
    assert!(!dir.path().join("not_this.db").exists());
}

/// Without `--models`, the models are read from `./src`, as in a cargo project.
#[tokio::test]
async fn models_are_read_from_src_by_default() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("src/lib.rs"),
        "#[derive(Model)]\nstruct Note {\n    #[orm(primary_key)]\n    id: i64,\n    body: String,\n}\n",
    )
    .unwrap();
    let out = cli(dir.path()).arg("create-all").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let objects = sqlite_objects(&dir.path().join("app.db")).await;
    assert!(
        objects
            .iter()
            .any(|(kind, name)| kind == "table" && name == "note"),
        "{objects:?}"
    );
}

#[test]
fn drop_all_needs_confirmation() {
    let dir = tempfile::tempdir().unwrap();
    let out = cli(dir.path())
        .args(["drop-all", "--models"])
        .arg(examples_src())
        .args(["--database-url", "sqlite://keep.db"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
}

/// `create-all --dry-run` over a directory holding one source file, which must fail
/// with exit code 1; returns what it printed on stderr.
fn dry_run_fails_on(file: &str, source: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(file), source).unwrap();
    let out = cli(dir.path())
        .args(["create-all", "--dry-run", "--models", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    stderr(&out)
}

#[test]
fn no_models_is_a_clear_error() {
    let err = dry_run_fails_on("lib.rs", "pub struct NotAModel { x: i32 }\n");
    assert!(err.contains("no models found"), "{err}");
}

#[test]
fn a_source_that_does_not_parse_names_file_and_line() {
    let err = dry_run_fails_on("broken.rs", "\n\nstruct Broken {\n  x: i32,,\n}\n");
    assert!(err.contains("broken.rs:4:"), "{err}");
}

#[test]
fn an_invalid_model_in_the_sources_is_reported_like_the_derive_does() {
    let err = dry_run_fails_on(
        "models.rs",
        "#[derive(Model)]\nstruct NoKey {\n    name: String,\n}\n",
    );
    assert!(
        err.contains("models.rs:") && err.contains("primary"),
        "{err}"
    );
}

#[test]
fn an_unreachable_database_is_reported_without_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let out = cli(dir.path())
        .args(["create-all", "--models"])
        .arg(examples_src())
        .args(["--database-url", "postgres://app:hunter2@127.0.0.1:1/prod"])
        .args(["--connect-timeout", "2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("127.0.0.1:1"), "{err}");
    assert!(!err.contains("hunter2"), "the password leaked: {err}");
}

/// create-all and drop-all against PostgreSQL and MySQL, in a schema/database of their own.
#[tokio::test]
async fn create_and_drop_on_server_backends() {
    use orm_tests::{Backend, drop_database, fresh_database_url};
    for backend in [Backend::Postgres, Backend::MySql] {
        let test = format!("cli_create_and_drop_{backend:?}");
        let Some(url) = fresh_database_url(backend, &test).await else {
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        let run = |command: &[&str]| {
            let out = cli(dir.path())
                .args(command)
                .arg("--models")
                .arg(examples_src())
                .args(["--database-url", &url])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{backend:?} {command:?}: {}",
                stderr(&out)
            );
        };
        let db = orm_core::Database::connect(&url).await.unwrap();
        // Twice: create-all skips what exists.
        run(&["create-all"]);
        run(&["create-all"]);
        let mut u = User {
            id: 0,
            username: "cli".into(),
            email: "cli@example.com".into(),
            bio: None,
        };
        u.insert(&db).await.unwrap();
        assert_eq!(User::all(&db).await.unwrap(), [u]);
        Post::all(&db).await.unwrap();

        run(&["drop-all", "--yes"]);
        assert!(
            User::all(&db).await.is_err(),
            "{backend:?}: users survived drop-all"
        );
        assert!(
            Post::all(&db).await.is_err(),
            "{backend:?}: posts survived drop-all"
        );
        db.close().await;
        drop_database(backend, &test).await;
    }
}

/// `--models` takes one file as well as a directory; two models mapped to one table are
/// refused, as `db.create_all()` refuses them.
#[test]
fn models_from_one_file_and_two_models_on_one_table() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("models.rs");
    std::fs::write(
        &file,
        "#[derive(Model)]\n#[orm(table = \"things\")]\npub struct A { #[orm(primary_key)] pub id: i64 }\n",
    )
    .unwrap();
    let out = cli(dir.path())
        .args(["create-all", "--dry-run", "--models"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("\"things\""), "{}", stdout(&out));

    std::fs::write(
        &file,
        "#[derive(Model)]\n#[orm(table = \"things\")]\npub struct A { #[orm(primary_key)] pub id: i64 }\n\
         #[derive(Model)]\n#[orm(table = \"things\")]\npub struct B { #[orm(primary_key)] pub id: i64, pub name: String }\n",
    )
    .unwrap();
    let err = dry_run_fails_on("models.rs", &std::fs::read_to_string(&file).unwrap());
    assert!(
        err.contains("two different models are mapped to the table `things`"),
        "{err}"
    );
}

/// A connection failure names the URL once.
#[test]
fn a_connection_error_names_the_url_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = cli(dir.path())
        .args(["create-all", "--models"])
        .arg(examples_src())
        .args(["--database-url", "postgres://app@127.0.0.1:1/prod"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(err.matches("127.0.0.1:1").count(), 1, "{err}");
}

/// Models v1 and v2 of a small schema: v2 adds a table and a nullable column, drops an
/// index and lets a NOT NULL column take NULL.
const MODELS_V1: &str = r#"
#[derive(Model)]
#[orm(table = "cli_authors")]
pub struct Author {
    #[orm(primary_key)]
    pub id: i64,
    #[orm(index, max_length = 100)]
    pub email: String,
    pub nickname: String,
}
"#;

const MODELS_V2: &str = r#"
#[derive(Model)]
#[orm(table = "cli_authors")]
pub struct Author {
    #[orm(primary_key)]
    pub id: i64,
    #[orm(max_length = 100)]
    pub email: String,
    pub nickname: Option<String>,
    pub bio: Option<String>,
}

#[derive(Model)]
#[orm(table = "cli_tags")]
pub struct Tag {
    #[orm(primary_key)]
    pub id: i64,
    #[orm(references(Author))]
    pub author_id: i64,
    #[orm(unique, max_length = 40)]
    pub name: String,
}
"#;

/// `orm-cli ARGS --models MODELS --database-url URL` in `dir`: success, stdout, stderr.
fn run_with(dir: &Path, url: &str, args: &[&str], models: &Path) -> (bool, String, String) {
    let out = cli(dir)
        .args(args)
        .arg("--models")
        .arg(models)
        .args(["--database-url", url])
        .output()
        .unwrap();
    (out.status.success(), stdout(&out), stderr(&out))
}

/// The whole cycle through the binary, on every backend: `create-all` of v1 with a row,
/// `migrate generate` of v2, `migrate up`, nothing more to generate, `migrate down`
/// back to v1 with the row; then from an empty database, `migrate check` failing until a
/// migration brings the models' schema.
#[tokio::test]
async fn migrate_cycle_on_every_backend() {
    use orm_tests::{Backend, drop_database, fresh_database_url};
    for backend in [Backend::Sqlite, Backend::Postgres, Backend::MySql] {
        let test = format!("cli_migrate_cycle_{backend:?}");
        let Some(url) = fresh_database_url(backend, &test).await else {
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        let (v1, v2) = (dir.path().join("v1.rs"), dir.path().join("v2.rs"));
        std::fs::write(&v1, MODELS_V1).unwrap();
        std::fs::write(&v2, MODELS_V2).unwrap();
        let run = |args: &[&str], models: &Path| run_with(dir.path(), &url, args, models);
        let ok = |args: &[&str], models: &Path| {
            let (success, out, err) = run(args, models);
            assert!(success, "{backend:?} {args:?}: {err}");
            out
        };
        ok(&["create-all"], &v1);
        let db = orm_core::Database::connect(&url).await.unwrap();
        orm_core::raw("INSERT INTO cli_authors (email, nickname) VALUES ('a@example.com', 'al')")
            .execute(&db)
            .await
            .unwrap();
        let out = ok(&["migrate", "generate", "to_v2"], &v2);
        assert!(out.contains("create table cli_tags"), "{backend:?}: {out}");
        let files = std::fs::read_dir(dir.path().join("migrations"))
            .unwrap()
            .count();
        assert_eq!(files, 2, "{backend:?}: one .up.sql and one .down.sql");
        let out = ok(&["migrate", "sql"], &v2);
        assert!(out.contains("cli_tags"), "{backend:?}: {out}");
        let out = ok(&["migrate", "status"], &v2);
        assert!(
            out.contains("to v2") && out.contains("pending"),
            "{backend:?}: {out}"
        );
        ok(&["migrate", "up"], &v2);
        let out = ok(&["migrate", "status"], &v2);
        assert!(out.contains("applied"), "{backend:?}: {out}");
        let out = ok(&["migrate", "generate", "again"], &v2);
        assert!(out.contains("nothing to do"), "{backend:?}: {out}");
        assert_eq!(
            std::fs::read_dir(dir.path().join("migrations"))
                .unwrap()
                .count(),
            2
        );
        let rows: Vec<(String, Option<String>, Option<String>)> =
            orm_core::raw("SELECT email, nickname, bio FROM cli_authors")
                .fetch_as(&db)
                .await
                .unwrap();
        assert_eq!(rows, [("a@example.com".into(), Some("al".into()), None)]);

        let out = ok(&["migrate", "down"], &v2);
        assert!(out.contains("reverted"), "{backend:?}: {out}");
        // (Into another directory: the reverted migration is pending in this one.)
        let out = ok(&["migrate", "generate", "back", "--dir", "elsewhere"], &v1);
        assert!(
            out.contains("nothing to do"),
            "{backend:?}: after down, v1 again: {out}"
        );
        let rows: Vec<(String, String)> = orm_core::raw("SELECT email, nickname FROM cli_authors")
            .fetch_as(&db)
            .await
            .unwrap();
        assert_eq!(rows, [("a@example.com".into(), "al".into())]);

        // The migrations so far do not build v1 from nothing (create-all did): check fails.
        let (success, _, err) = run(&["migrate", "check"], &v2);
        assert!(
            !success,
            "{backend:?}: check passed without an initial migration"
        );
        assert!(err.contains("empty database"), "{backend:?}: {err}");
        db.close().await;
        drop_database(backend, &test).await;

        // From an empty database: an initial migration, then check agrees with v1, not v2.
        let Some(url) = fresh_database_url(backend, &test).await else {
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("v1.rs"), MODELS_V1).unwrap();
        std::fs::write(dir.path().join("v2.rs"), MODELS_V2).unwrap();
        let (v1, v2) = (dir.path().join("v1.rs"), dir.path().join("v2.rs"));
        let run = |args: &[&str], models: &Path| run_with(dir.path(), &url, args, models);
        let (success, _, err) = run(&["migrate", "generate", "init"], &v1);
        assert!(success, "{backend:?}: {err}");
        let (success, out, err) = run(&["migrate", "check"], &v1);
        assert!(success, "{backend:?}: {out} {err}");
        let (success, out, _) = run(&["migrate", "check"], &v2);
        assert!(
            !success,
            "{backend:?}: check passed for models with a table more"
        );
        assert!(out.contains("create table cli_tags"), "{backend:?}: {out}");
        drop_database(backend, &test).await;
    }
}
