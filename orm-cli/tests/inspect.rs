//! `orm-cli inspect` on the Chinook sample database, on every backend: the models it
//! writes compile (they are the modules below, checked to be what it writes now), read
//! the data, and `create-all` of them gives the same tables again, as the database's own
//! catalog tells.
//!
//! After a deliberate change to what `inspect` writes, regenerate the files with
//! `ORM_BLESS=1 cargo test -p orm-cli --test inspect`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use orm_core::Database;
use orm_core::migrate::{Renames, diff};
use orm_tests::{Backend, drop_database, fresh_database_url, load_chinook};

// Exactly as `inspect` writes them: rustfmt leaves them alone.
#[rustfmt::skip]
#[path = "inspected/chinook_mysql.rs"]
mod chinook_mysql;
// Exactly as `inspect` writes them: rustfmt leaves them alone.
#[rustfmt::skip]
#[path = "inspected/chinook_postgres.rs"]
mod chinook_postgres;
// Exactly as `inspect` writes them: rustfmt leaves them alone.
#[rustfmt::skip]
#[path = "inspected/chinook_sqlite.rs"]
mod chinook_sqlite;

fn cli(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("orm-cli").expect("the orm-cli binary is built");
    cmd.current_dir(dir).env_remove("DATABASE_URL");
    cmd
}

fn run(dir: &Path, args: &[&str]) -> String {
    let out = cli(dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "orm-cli {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn committed(backend: Backend) -> PathBuf {
    let name = match backend {
        Backend::Sqlite => "chinook_sqlite.rs",
        Backend::Postgres | Backend::PgBouncer => "chinook_postgres.rs",
        Backend::MySql => "chinook_mysql.rs",
    };
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/inspected")
        .join(name)
}

/// The rows of each Chinook table, read through the inspected models of `module`.
macro_rules! read_all {
    ($module:ident, $db:expr) => {{
        use orm_core::Model;
        use $module::*;
        let invoices = Invoice::all($db).await.unwrap();
        let total: rust_decimal::Decimal = invoices.iter().map(|i| i.total).sum();
        assert_eq!(
            total.to_string(),
            "2328.60",
            "the invoices' totals, read as decimals"
        );
        vec![
            Album::all($db).await.unwrap().len(),
            Artist::all($db).await.unwrap().len(),
            Customer::all($db).await.unwrap().len(),
            Employee::all($db).await.unwrap().len(),
            Genre::all($db).await.unwrap().len(),
            Invoice::all($db).await.unwrap().len(),
            InvoiceLine::all($db).await.unwrap().len(),
            MediaType::all($db).await.unwrap().len(),
            Playlist::all($db).await.unwrap().len(),
            PlaylistTrack::all($db).await.unwrap().len(),
            Track::all($db).await.unwrap().len(),
        ]
    }};
}

async fn inspect_round_trip(backend: Backend) {
    let test = format!("cli_inspect_chinook_{backend:?}");
    let copy_test = format!("{test}_copy");
    let (Some(url), Some(copy_url)) = (
        fresh_database_url(backend, &test).await,
        fresh_database_url(backend, &copy_test).await,
    ) else {
        return;
    };
    let original = Database::connect(&url).await.unwrap();
    if !load_chinook(&original).await.unwrap() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let models = dir.path().join("models.rs");
    let models_arg = models.to_str().unwrap();
    run(
        dir.path(),
        &["inspect", "--database-url", &url, "-o", models_arg],
    );
    let written = std::fs::read_to_string(&models).unwrap();
    let file = committed(backend);
    if std::env::var_os("ORM_BLESS").is_some() {
        std::fs::write(&file, &written).unwrap();
    } else {
        let expected = std::fs::read_to_string(&file).unwrap();
        assert!(
            written == expected,
            "{backend:?}: inspect writes other models than {} (the compiled ones); \
             regenerate with ORM_BLESS=1 if the change is meant:\n{written}",
            file.display()
        );
    }

    // The models read the data: every row of every table, with its decimals and dates.
    let counts = match backend {
        Backend::Sqlite => read_all!(chinook_sqlite, &original),
        Backend::Postgres | Backend::PgBouncer => read_all!(chinook_postgres, &original),
        Backend::MySql => read_all!(chinook_mysql, &original),
    };
    assert_eq!(
        counts,
        [347, 275, 59, 8, 25, 412, 2240, 5, 18, 8715, 3503],
        "{backend:?}"
    );

    // `create-all` of the models gives the same tables, keys and indexes.
    run(
        dir.path(),
        &[
            "create-all",
            "--models",
            models_arg,
            "--database-url",
            &copy_url,
        ],
    );
    let copy = Database::connect(&copy_url).await.unwrap();
    let a = original.inspect_schema().await.unwrap();
    let b = copy.inspect_schema().await.unwrap();
    let names = |s: &[orm_core::schema::TableDef]| -> Vec<(String, Vec<String>)> {
        s.iter()
            .map(|t| (t.name.clone(), t.primary_key.clone()))
            .collect()
    };
    assert_eq!(names(&a), names(&b), "{backend:?}: tables and primary keys");
    assert_eq!(a.len(), 11, "{backend:?}: Chinook has 11 tables");
    let dialect = original.dialect();
    for (from, to) in [(&a, &b), (&b, &a)] {
        let from: Vec<&orm_core::schema::TableDef> = from.iter().collect();
        let steps = diff(dialect, &from, to, &Renames::default()).unwrap();
        let comments: Vec<&str> = steps.iter().map(|s| s.comment.as_str()).collect();
        assert!(comments.is_empty(), "{backend:?}: {comments:#?}");
    }
    original.close().await;
    copy.close().await;
    drop_database(backend, &test).await;
    drop_database(backend, &copy_test).await;
}

#[tokio::test]
async fn inspect_chinook_on_sqlite() {
    inspect_round_trip(Backend::Sqlite).await;
}

#[tokio::test]
async fn inspect_chinook_on_postgres() {
    inspect_round_trip(Backend::Postgres).await;
}

#[tokio::test]
async fn inspect_chinook_on_mysql() {
    inspect_round_trip(Backend::MySql).await;
}

/// What `inspect` writes, read back by the parser the derive and `create-all` use, is the
/// schema it was written from: names, keys, named indexes and uniques, foreign keys
/// (composite, to a non-key column, with actions), keyword columns, per-dialect types.
#[test]
fn written_models_parse_back_to_their_schema() {
    use orm_core::Dialect;
    use orm_core::schema::{
        ColumnDef, ForeignKeyDef, IndexDef, ReferentialAction, SqlType, TableDef, UniqueDef,
    };
    let custom = |t: &str| SqlType::Custom(t.into());
    let teams = TableDef::new("teams")
        .column(
            ColumnDef::new("id", custom("bigint"))
                .primary_key()
                .auto_increment(),
        )
        .column(ColumnDef::new("code", custom("character varying(8)")))
        .column(ColumnDef::new("type", custom("text")).nullable())
        .unique(vec!["code".into()]);
    let mut players = TableDef::new("Players")
        .column(ColumnDef::new("TeamCode", custom("character varying(8)")))
        .column(ColumnDef::new("Number", custom("integer")))
        .column(ColumnDef::new("team_id", custom("bigint")).nullable())
        .column(ColumnDef::new("Rating", custom("numeric(4,1)")).default_sql("0"))
        .column(ColumnDef::new("Mood", custom("mood")).nullable());
    players.primary_key = vec!["TeamCode".into(), "Number".into()];
    for c in &mut players.columns[..2] {
        c.primary_key = true;
    }
    players.uniques.push(UniqueDef {
        name: "players_number_rating".into(),
        columns: vec!["Number".into(), "Rating".into()],
    });
    players.indexes.push(IndexDef {
        name: "players_by_team".into(),
        columns: vec!["team_id".into(), "Number".into()],
        unique: false,
    });
    players.foreign_keys = vec![
        ForeignKeyDef {
            columns: vec!["team_id".into()],
            ref_table: "teams".into(),
            ref_columns: vec!["id".into()],
            name: Some("players_team".into()),
            on_delete: Some(ReferentialAction::SetNull),
            on_update: Some(ReferentialAction::Cascade),
        },
        ForeignKeyDef {
            columns: vec!["TeamCode".into()],
            ref_table: "teams".into(),
            ref_columns: vec!["code".into()],
            name: None,
            on_delete: Some(ReferentialAction::Cascade),
            on_update: None,
        },
    ];
    let tables = [teams, players];
    let source = orm_core::migrate::model_source(Dialect::Postgres, &tables);
    let models = orm_schema::parse::parse_file(&source).unwrap_or_else(|e| panic!("{e}\n{source}"));
    let parsed = orm_schema::parse::resolve_tables(&models).unwrap();
    assert_eq!(parsed.len(), 2, "{source}");
    for (original, read) in tables.iter().zip(&parsed) {
        assert_eq!(read.name, original.name, "{source}");
        let columns = |t: &TableDef| -> Vec<(String, bool, Option<String>)> {
            t.columns
                .iter()
                .map(|c| (c.name.clone(), c.nullable, c.default.clone()))
                .collect()
        };
        assert_eq!(columns(read), columns(original), "{source}");
        assert_eq!(read.primary_key, original.primary_key, "{source}");
        let mut uniques: Vec<_> = read.uniques.iter().map(|u| &u.columns).collect();
        uniques.sort();
        let mut expected: Vec<_> = original.uniques.iter().map(|u| &u.columns).collect();
        expected.sort();
        assert_eq!(uniques, expected, "{source}");
        assert_eq!(read.indexes, original.indexes, "{source}");
        for fk in &original.foreign_keys {
            let found = read.foreign_keys.iter().find(|f| f.columns == fk.columns);
            let found = found.unwrap_or_else(|| panic!("{fk:?} missing:\n{source}"));
            assert_eq!(found.ref_table, fk.ref_table);
            assert_eq!(found.ref_columns, fk.ref_columns);
            assert_eq!(
                found.constraint_name(&read.name),
                fk.constraint_name(&original.name)
            );
            assert_eq!(
                (found.on_delete, found.on_update),
                (fk.on_delete, fk.on_update)
            );
        }
        // Each column's type on PostgreSQL is the table's.
        for (r, o) in read.columns.iter().zip(&original.columns) {
            let canonical = |c: &ColumnDef| Dialect::Postgres.column_type(c, false).to_lowercase();
            let written = canonical(r).replace("varchar", "character varying");
            assert_eq!(written, canonical(o), "{}: {source}", o.name);
        }
    }
    assert!(source.contains("pub r#type: Option<String>,"), "{source}");
    assert!(source.contains("has no Rust mapping"), "{source}");
}
