//! Migrations on every backend: a schema created from models v1, with rows in it, moved to
//! models v2 by a generated migration applied with sqlx's migrator, and back.

use orm_core::Model;
use orm_core::migrate::{MigrationFiles, MigrationState, Renames, diff};
use orm_core::prelude::*;
use orm_core::schema::TableDef;
use orm_tests::{TestResult, backend_tests};

mod v1 {
    use orm_core::Model;

    #[derive(Model, Debug, Clone, PartialEq)]
    #[orm(table = "mig_authors")]
    pub struct Author {
        #[orm(primary_key)]
        pub id: i64,
        #[orm(index, max_length = 120)]
        pub email: String,
        pub nickname: String,
        #[orm(default = "0")]
        pub rank: i32,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[orm(table = "mig_books")]
    pub struct Book {
        #[orm(primary_key)]
        pub id: i64,
        #[orm(references(Author), on_delete = "cascade")]
        pub author_id: i64,
        pub title: String,
    }

    pub fn tables() -> Vec<&'static orm_core::schema::TableDef> {
        vec![Author::table_def(), Book::table_def()]
    }
}

mod v2 {
    use orm_core::Model;

    /// The index on `email` is dropped, `nickname` may be NULL, `bio` is new.
    #[derive(Model, Debug, Clone, PartialEq)]
    #[orm(table = "mig_authors")]
    pub struct Author {
        #[orm(primary_key)]
        pub id: i64,
        #[orm(max_length = 120)]
        pub email: String,
        pub nickname: Option<String>,
        #[orm(default = "0")]
        pub rank: i32,
        pub bio: Option<String>,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[orm(table = "mig_books")]
    pub struct Book {
        #[orm(primary_key)]
        pub id: i64,
        #[orm(references(Author), on_delete = "cascade")]
        pub author_id: i64,
        pub title: String,
    }

    /// A new table, referencing an old one.
    #[derive(Model, Debug, Clone, PartialEq)]
    #[orm(table = "mig_reviews")]
    pub struct Review {
        #[orm(primary_key)]
        pub id: i64,
        #[orm(references(Book))]
        pub book_id: i64,
        #[orm(unique, max_length = 40)]
        pub code: String,
    }

    pub fn tables() -> Vec<&'static orm_core::schema::TableDef> {
        vec![Author::table_def(), Book::table_def(), Review::table_def()]
    }
}

/// `plan`'s files, written into a directory of their own.
fn written(plan: &MigrationFiles, name: &str) -> std::io::Result<tempfile::TempDir> {
    let dir = tempfile::tempdir()?;
    plan.write(dir.path(), name)?;
    Ok(dir)
}

/// The differences between the database and `models`, as a diff sees them.
async fn differences(db: &Database, models: &[&TableDef]) -> orm_core::Result<Vec<String>> {
    let live = db.inspect_schema().await?;
    Ok(diff(db.dialect(), models, &live, &Renames::default())?
        .into_iter()
        .map(|s| s.comment)
        .collect())
}

async fn v1_to_v2_and_back_keeps_rows(db: Database) -> TestResult {
    db.create_tables(&v1::tables()).await?;
    assert_eq!(differences(&db, &v1::tables()).await?, Vec::<String>::new());
    let mut ann = v1::Author {
        id: 0,
        email: "ann@example.com".into(),
        nickname: "ann".into(),
        rank: 3,
    };
    ann.insert(&db).await?;
    let mut book = v1::Book {
        id: 0,
        author_id: ann.id,
        title: "Migrations".into(),
    };
    book.insert(&db).await?;

    let plan = db
        .plan_migration(&v2::tables(), &Renames::default())
        .await?;
    let comments: Vec<&str> = plan.up_steps.iter().map(|s| s.comment.as_str()).collect();
    assert!(!plan.is_destructive(), "{comments:?}");
    assert!(
        comments.contains(&"create table mig_reviews"),
        "{comments:?}"
    );
    assert!(
        plan.down.contains("DESTRUCTIVE: drops table mig_reviews"),
        "{}",
        plan.down
    );
    let dir = written(&plan, "v2")?;
    let applied = db.migrate(dir.path()).await?;
    assert_eq!(applied.len(), 1);

    // The live schema is v2's, as the catalog says it.
    assert_eq!(differences(&db, &v2::tables()).await?, Vec::<String>::new());
    let live = db.inspect_schema().await?;
    let authors = live.iter().find(|t| t.name == "mig_authors").unwrap();
    assert!(authors.column_named("nickname").unwrap().nullable);
    assert!(authors.column_named("bio").unwrap().nullable);
    assert!(authors.indexes.is_empty(), "{:?}", authors.indexes);
    let reviews = live.iter().find(|t| t.name == "mig_reviews").unwrap();
    assert_eq!(reviews.foreign_keys[0].ref_table, "mig_books");
    assert_eq!(reviews.uniques[0].columns, ["code"]);

    // The rows are still there, and v2 reads and writes them.
    let authors = v2::Author::all(&db).await?;
    assert_eq!(
        authors,
        [v2::Author {
            id: ann.id,
            email: "ann@example.com".into(),
            nickname: Some("ann".into()),
            rank: 3,
            bio: None,
        }]
    );
    assert_eq!(v2::Book::all(&db).await?.len(), 1);
    let mut review = v2::Review {
        id: 0,
        book_id: book.id,
        code: "r1".into(),
    };
    review.insert(&db).await?;

    // Nothing left to do: a second plan is empty.
    assert!(
        db.plan_migration(&v2::tables(), &Renames::default())
            .await?
            .is_empty()
    );
    let status = db.migration_status(dir.path()).await?;
    assert_eq!(status.len(), 1);
    assert_eq!(status[0].state, MigrationState::Applied);

    // Down: v1 again, with its rows.
    let reverted = db.migrate_down(dir.path(), 1).await?;
    assert_eq!(reverted, applied);
    assert_eq!(differences(&db, &v1::tables()).await?, Vec::<String>::new());
    assert_eq!(v1::Author::all(&db).await?, [ann.clone()]);
    assert_eq!(v1::Book::all(&db).await?, [book]);
    assert_eq!(
        db.migration_status(dir.path()).await?[0].state,
        MigrationState::Pending
    );
    Ok(())
}

/// A rename hint renames: the column keeps its values; without the hint the same change is
/// a drop and an add, marked destructive.
async fn renames_are_hinted_not_guessed(db: Database) -> TestResult {
    let before = TableDef::new("mig_people")
        .column(
            orm_core::schema::ColumnDef::new("id", orm_core::schema::SqlType::BigInt).primary_key(),
        )
        .column(orm_core::schema::ColumnDef::new(
            "mail",
            orm_core::schema::SqlType::Varchar(80),
        ));
    db.create_tables(&[&before]).await?;
    raw("INSERT INTO mig_people (id, mail) VALUES (1, 'a@example.com')")
        .execute(&db)
        .await?;
    let mut after = before.clone();
    after.columns[1].name = "email".into();

    let guessed = db.plan_migration(&[&after], &Renames::default()).await?;
    assert!(guessed.is_destructive());
    assert!(
        guessed.up.contains("--rename-column mig_people.mail=email"),
        "{}",
        guessed.up
    );

    let hinted = db
        .plan_migration(
            &[&after],
            &Renames::default().column("mig_people", "mail", "email"),
        )
        .await?;
    assert!(!hinted.is_destructive(), "{}", hinted.up);
    let dir = written(&hinted, "rename")?;
    db.migrate(dir.path()).await?;
    let rows: Vec<(String,)> = raw("SELECT email FROM mig_people").fetch_as(&db).await?;
    assert_eq!(rows, [("a@example.com".to_string(),)]);
    db.migrate_down(dir.path(), 1).await?;
    let rows: Vec<(String,)> = raw("SELECT mail FROM mig_people").fetch_as(&db).await?;
    assert_eq!(rows, [("a@example.com".to_string(),)]);
    Ok(())
}

/// A migration that fails leaves the database as it was (where DDL is transactional) and
/// reports which migration failed; an applied file that changed is refused.
async fn failures_are_typed(db: Database) -> TestResult {
    let dir = tempfile::tempdir()?;
    std::fs::write(
        dir.path().join("1_ok.up.sql"),
        "CREATE TABLE mig_ok (id INT PRIMARY KEY);",
    )?;
    std::fs::write(dir.path().join("1_ok.down.sql"), "DROP TABLE mig_ok;")?;
    std::fs::write(
        dir.path().join("2_bad.up.sql"),
        "CREATE TABLE mig_bad (id INT PRIMARY KEY);\nINSERT INTO no_such_table VALUES (1);",
    )?;
    std::fs::write(dir.path().join("2_bad.down.sql"), "DROP TABLE mig_bad;")?;
    let err = db.migrate(dir.path()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Migration {
                version: Some(2),
                ..
            }
        ),
        "{err:?}"
    );
    let status = db.migration_status(dir.path()).await?;
    assert_eq!(status[0].state, MigrationState::Applied);
    if db.dialect().transactional_ddl() {
        assert_eq!(status[1].state, MigrationState::Pending);
        let tables: Vec<String> = db
            .inspect_schema()
            .await?
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(tables, ["mig_ok"]);
    } else {
        // MySQL commits DDL as it goes: sqlx marks the migration failed.
        assert_eq!(status[1].state, MigrationState::Failed);
        return Ok(());
    }
    std::fs::remove_file(dir.path().join("2_bad.up.sql"))?;
    std::fs::remove_file(dir.path().join("2_bad.down.sql"))?;
    std::fs::write(
        dir.path().join("1_ok.up.sql"),
        "CREATE TABLE mig_ok (id BIGINT PRIMARY KEY);",
    )?;
    assert_eq!(
        db.migration_status(dir.path()).await?[0].state,
        MigrationState::ChecksumMismatch
    );
    let err = db.migrate(dir.path()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Migration {
                version: Some(1),
                ..
            }
        ),
        "{err:?}"
    );
    Ok(())
}

/// A migration whose foreign key the rows break fails, typed, and changes nothing where
/// DDL is transactional: on SQLite the rebuilt table is checked before its COMMIT, and
/// the connection it ran on (foreign keys off) is not reused.
async fn a_broken_foreign_key_fails_the_migration(db: Database) -> TestResult {
    broken_foreign_key(&db).await
}

/// The same on an in-memory SQLite database, which lives on its one connection: the
/// failed rebuild is rolled back on it, and foreign keys are on again.
#[tokio::test]
async fn a_failed_rebuild_keeps_an_in_memory_database() -> TestResult {
    let db = Database::connect("sqlite::memory:").await?;
    broken_foreign_key(&db).await?;
    let on: Vec<(i64,)> = raw("PRAGMA foreign_keys").fetch_as(&db).await?;
    assert_eq!(on, [(1,)]);
    Ok(())
}

async fn broken_foreign_key(db: &Database) -> TestResult {
    let db = db.clone();
    use orm_core::schema::{ColumnDef, ForeignKeyDef, SqlType};
    let parents =
        TableDef::new("mig_parents").column(ColumnDef::new("id", SqlType::BigInt).primary_key());
    let others =
        TableDef::new("mig_others").column(ColumnDef::new("id", SqlType::BigInt).primary_key());
    let fk = |to: &str| ForeignKeyDef {
        on_delete: Some(orm_core::schema::ReferentialAction::Cascade),
        ..ForeignKeyDef::new(["parent_id"], to, ["id"])
    };
    let children = TableDef::new("mig_children")
        .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
        .column(ColumnDef::new("parent_id", SqlType::BigInt))
        .foreign_key(fk("mig_parents"));
    db.create_tables(&[&parents, &others, &children]).await?;
    raw("INSERT INTO mig_parents (id) VALUES (1)")
        .execute(&db)
        .await?;
    raw("INSERT INTO mig_children (id, parent_id) VALUES (10, 1)")
        .execute(&db)
        .await?;

    // The children now reference `mig_others`, where no row 1 exists.
    let mut moved = children.clone();
    moved.foreign_keys = vec![fk("mig_others")];
    let plan = db
        .plan_migration(&[&parents, &others, &moved], &Renames::default())
        .await?;
    let dir = written(&plan, "move_children")?;
    let err = db.migrate(dir.path()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Migration {
                version: Some(_),
                ..
            }
        ),
        "{err:?}"
    );
    if db.dialect().transactional_ddl() {
        let live = db.inspect_schema().await?;
        let children_now = live.iter().find(|t| t.name == "mig_children").unwrap();
        assert_eq!(children_now.foreign_keys[0].ref_table, "mig_parents");
        assert_eq!(
            db.migration_status(dir.path()).await?[0].state,
            MigrationState::Pending
        );
    }
    // Nothing was lost.
    let rows: Vec<(i64, i64)> = raw("SELECT id, parent_id FROM mig_children")
        .fetch_as(&db)
        .await?;
    assert_eq!(rows, [(10, 1)]);
    if !db.dialect().transactional_ddl() {
        // MySQL dropped the old key before the new one failed: sqlx marks the migration
        // failed, and nothing else runs until someone looks.
        assert_eq!(
            db.migration_status(dir.path()).await?[0].state,
            MigrationState::Failed
        );
        let again = db.migrate(dir.path()).await.unwrap_err();
        assert!(
            matches!(
                again,
                Error::Migration {
                    version: Some(_),
                    ..
                }
            ),
            "{again:?}"
        );
        return Ok(());
    }
    // Foreign keys are enforced on every connection still.
    for _ in 0..3 {
        let orphan = raw("INSERT INTO mig_children (id, parent_id) VALUES (11, 99)")
            .execute(&db)
            .await;
        assert!(
            matches!(orphan, Err(Error::ForeignKeyViolation { .. })),
            "{orphan:?}"
        );
    }
    Ok(())
}

/// A table of every column type, with defaults of every kind, reads back from the
/// catalog as the table it was created as: no difference, and a second plan is empty.
async fn every_type_and_default_reads_back_as_created(db: Database) -> TestResult {
    use orm_core::schema::{ColumnDef, IndexDef, SqlType};
    let types = [
        SqlType::Boolean,
        SqlType::TinyInt,
        SqlType::SmallInt,
        SqlType::Integer,
        SqlType::BigInt,
        SqlType::UnsignedTinyInt,
        SqlType::UnsignedSmallInt,
        SqlType::UnsignedInteger,
        SqlType::Real,
        SqlType::Double,
        SqlType::Text,
        SqlType::Varchar(30),
        SqlType::Blob,
        SqlType::Date,
        SqlType::Time,
        SqlType::Timestamp,
        SqlType::TimestampTz,
        SqlType::Uuid,
        SqlType::Json,
        SqlType::Decimal,
    ];
    let mut table = TableDef::new("mig_types").column(
        ColumnDef::new("id", SqlType::BigInt)
            .primary_key()
            .auto_increment(),
    );
    for (i, t) in types.iter().enumerate() {
        table = table
            .column(ColumnDef::new(format!("c{i}"), t.clone()))
            .column(ColumnDef::new(format!("n{i}"), t.clone()).nullable());
    }
    table = table
        .column(ColumnDef::new("status", SqlType::Varchar(20)).default_sql("'draft'"))
        .column(ColumnDef::new("active", SqlType::Boolean).default_sql("TRUE"))
        .column(ColumnDef::new("score", SqlType::Integer).default_sql("0"))
        .column(ColumnDef::new("ratio", SqlType::Double).default_sql("1.5"))
        .column(ColumnDef::new("created", SqlType::Timestamp).default_sql("CURRENT_TIMESTAMP"))
        .column(ColumnDef::new("label", SqlType::Text).nullable())
        .index(IndexDef::new(
            "mig_types",
            vec!["label".into(), "c11".into()],
        ))
        .unique(vec!["c4".into(), "c11".into()]);
    // A date-time key (SQLite indexes it by value as well).
    let events = TableDef::new("mig_events")
        .column(ColumnDef::new("at", SqlType::Timestamp).primary_key())
        .column(ColumnDef::new("what", SqlType::Text));
    db.create_tables(&[&table, &events]).await?;
    assert_eq!(
        differences(&db, &[&table, &events]).await?,
        Vec::<String>::new()
    );
    assert!(
        db.plan_migration(&[&table, &events], &Renames::default())
            .await?
            .is_empty()
    );
    Ok(())
}

/// Plans `to` from the database's schema, applies it, and checks that the database is
/// then `to` and a second plan is empty; then reverts it and checks that the database is
/// `from` again. Returns the up file, for a look at what it did.
async fn up_and_down(
    db: &Database,
    from: &[&TableDef],
    to: &[&TableDef],
) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    let plan = db.plan_migration(to, &Renames::default()).await?;
    assert!(!plan.is_empty());
    let dir = written(&plan, "step")?;
    db.migrate(dir.path()).await?;
    assert_eq!(
        differences(db, to).await?,
        Vec::<String>::new(),
        "after up:\n{}",
        plan.up
    );
    let again = db.plan_migration(to, &Renames::default()).await?;
    assert!(again.is_empty(), "a second plan after up:\n{}", again.up);
    db.migrate_down(dir.path(), 1).await?;
    assert_eq!(
        differences(db, from).await?,
        Vec::<String>::new(),
        "after down:\n{}",
        plan.down
    );
    Ok(plan.up)
}

fn key(name: &str, t: orm_core::schema::SqlType) -> orm_core::schema::ColumnDef {
    orm_core::schema::ColumnDef::new(name, t)
        .primary_key()
        .auto_increment()
}

fn fk(columns: &str, to: &str) -> orm_core::schema::ForeignKeyDef {
    orm_core::schema::ForeignKeyDef::new([columns], to, ["id"])
}

/// The index of a foreign key's column goes (MySQL needs one: the key is dropped and
/// added again around it), and the key columns on both sides widen (MySQL refuses to
/// change one side under a key).
async fn foreign_key_columns_change_under_their_key(db: Database) -> TestResult {
    use orm_core::schema::{ColumnDef, IndexDef, SqlType};
    let authors = TableDef::new("mk_authors").column(key("id", SqlType::Integer));
    let books = TableDef::new("mk_books")
        .column(key("id", SqlType::BigInt))
        .column(ColumnDef::new("author_id", SqlType::Integer))
        .index(IndexDef::new("mk_books", vec!["author_id".into()]))
        .foreign_key(fk("author_id", "mk_authors"));
    db.create_tables(&[&authors, &books]).await?;
    raw("INSERT INTO mk_authors (id) VALUES (7)")
        .execute(&db)
        .await?;
    raw("INSERT INTO mk_books (id, author_id) VALUES (1, 7)")
        .execute(&db)
        .await?;

    let mut unindexed = books.clone();
    unindexed.indexes.clear();
    up_and_down(&db, &[&authors, &books], &[&authors, &unindexed]).await?;

    let mut wide_authors = authors.clone();
    wide_authors.columns[0].sql_type = SqlType::BigInt;
    let mut wide_books = books.clone();
    wide_books.columns[1].sql_type = SqlType::BigInt;
    up_and_down(&db, &[&authors, &books], &[&wide_authors, &wide_books]).await?;
    let rows: Vec<(i64, i64)> = raw("SELECT id, author_id FROM mk_books")
        .fetch_as(&db)
        .await?;
    assert_eq!(rows, [(1, 7)]);
    Ok(())
}

/// Two tables whose keys form a cycle go together, rows and all.
async fn a_cycle_of_tables_is_dropped(db: Database) -> TestResult {
    use orm_core::schema::{ColumnDef, SqlType};
    let stores = TableDef::new("mc_stores")
        .column(key("id", SqlType::BigInt))
        .column(ColumnDef::new("manager_id", SqlType::BigInt).nullable())
        .foreign_key(fk("manager_id", "mc_managers"));
    let managers = TableDef::new("mc_managers")
        .column(key("id", SqlType::BigInt))
        .column(ColumnDef::new("store_id", SqlType::BigInt))
        .foreign_key(fk("store_id", "mc_stores"));
    let other = TableDef::new("mc_other").column(key("id", SqlType::BigInt));
    db.create_tables(&[&stores, &managers, &other]).await?;
    raw("INSERT INTO mc_stores (id) VALUES (1)")
        .execute(&db)
        .await?;
    raw("INSERT INTO mc_managers (id, store_id) VALUES (2, 1)")
        .execute(&db)
        .await?;
    raw("UPDATE mc_stores SET manager_id = 2")
        .execute(&db)
        .await?;
    let up = up_and_down(&db, &[&stores, &managers, &other], &[&other]).await?;
    assert!(up.contains("DESTRUCTIVE: drops table mc_stores"), "{up}");
    Ok(())
}

/// Changes SQLite makes by a rebuild (and the others in place): a column added with a
/// clock default, a unique constraint dropped and restored, text turned into numbers;
/// rows are kept and SQLite's AUTOINCREMENT does not hand out a deleted row's key again.
async fn rebuilds_keep_rows_and_keys(db: Database) -> TestResult {
    use orm_core::schema::{ColumnDef, SqlType};
    let v1 = TableDef::new("mr_items")
        .column(key("id", SqlType::BigInt))
        .column(ColumnDef::new("code", SqlType::Varchar(20)).unique())
        .column(ColumnDef::new("qty", SqlType::Text));
    db.create_tables(&[&v1]).await?;
    raw("INSERT INTO mr_items (code, qty) VALUES ('a', '1'), ('b', '22'), ('c', '333')")
        .execute(&db)
        .await?;
    raw("DELETE FROM mr_items WHERE code = 'c'")
        .execute(&db)
        .await?;

    let mut v2 = TableDef::new("mr_items")
        .column(key("id", SqlType::BigInt))
        .column(ColumnDef::new("code", SqlType::Varchar(20)))
        .column(ColumnDef::new("qty", SqlType::Integer))
        .column(ColumnDef::new("added", SqlType::Timestamp).default_sql("CURRENT_TIMESTAMP"));
    v2.uniques.clear();
    let plan = db.plan_migration(&[&v2], &Renames::default()).await?;
    assert!(
        plan.is_destructive(),
        "text to integer may not fit:\n{}",
        plan.up
    );
    let dir = written(&plan, "v2")?;
    db.migrate(dir.path()).await?;
    assert_eq!(differences(&db, &[&v2]).await?, Vec::<String>::new());
    let rows: Vec<(String, i64)> = raw("SELECT code, qty FROM mr_items ORDER BY id")
        .fetch_as(&db)
        .await?;
    assert_eq!(rows, [("a".to_string(), 1), ("b".to_string(), 22)]);
    raw("INSERT INTO mr_items (code, qty) VALUES ('d', 4)")
        .execute(&db)
        .await?;
    let ids: Vec<(i64,)> = raw("SELECT id FROM mr_items WHERE code = 'd'")
        .fetch_as(&db)
        .await?;
    assert_eq!(
        ids,
        [(4,)],
        "the key of the deleted row is not handed out again"
    );
    raw("DELETE FROM mr_items WHERE code = 'd'")
        .execute(&db)
        .await?;
    db.migrate_down(dir.path(), 1).await?;
    assert_eq!(
        differences(&db, &[&v1]).await?,
        Vec::<String>::new(),
        "{}",
        plan.down
    );
    // (Other SQL than before: PostgreSQL refuses a statement prepared before a column it
    // reads changed type, "cached plan must not change result type".)
    let rows: Vec<(String, String)> = raw("SELECT code, qty FROM mr_items ORDER BY code")
        .fetch_as(&db)
        .await?;
    assert_eq!(
        rows,
        [
            ("a".to_string(), "1".to_string()),
            ("b".to_string(), "22".to_string())
        ]
    );
    Ok(())
}

/// A read prepared before a migration changed a column's type reads after it: on
/// PostgreSQL the connection's statement cache goes and the read runs again.
async fn reads_go_on_across_a_type_change(db: Database) -> TestResult {
    use orm_core::schema::{ColumnDef, SqlType};
    #[derive(orm_core::Model, Debug, PartialEq)]
    #[orm(table = "mt_counts")]
    struct Count {
        #[orm(primary_key)]
        id: i64,
        n: i64,
    }
    let narrow = TableDef::new("mt_counts")
        .column(key("id", SqlType::BigInt))
        .column(ColumnDef::new("n", SqlType::Integer));
    db.create_tables(&[&narrow]).await?;
    raw("INSERT INTO mt_counts (id, n) VALUES (1, 5)")
        .execute(&db)
        .await?;
    // Prepared on every pooled connection it may meet.
    for _ in 0..8 {
        assert_eq!(Count::query().all(&db).await?, [Count { id: 1, n: 5 }]);
    }
    let mut wide = narrow.clone();
    wide.columns[1].sql_type = SqlType::BigInt;
    let plan = db.plan_migration(&[&wide], &Renames::default()).await?;
    let dir = written(&plan, "widen")?;
    db.migrate(dir.path()).await?;
    for _ in 0..8 {
        assert_eq!(Count::query().all(&db).await?, [Count { id: 1, n: 5 }]);
    }
    if db.dialect() != orm_core::Dialect::Postgres {
        return Ok(());
    }
    // Changed by another client while every pooled connection holds the statement: each
    // connection forgets it when refused, and the read runs again.
    let reads = || async { Count::query().all(&db).await };
    let warm = futures_util::future::join_all((0..5).map(|_| reads())).await;
    assert!(warm.iter().all(|r| r.is_ok()), "{warm:?}");
    raw("ALTER TABLE mt_counts ALTER COLUMN n TYPE INTEGER")
        .execute(&db)
        .await?;
    let after = futures_util::future::join_all((0..5).map(|_| reads())).await;
    assert!(after.iter().all(|r| r.is_ok()), "{after:?}");
    raw("ALTER TABLE mt_counts ALTER COLUMN n TYPE BIGINT")
        .execute(&db)
        .await?;
    for _ in 0..5 {
        assert_eq!(reads().await?, [Count { id: 1, n: 5 }]);
    }
    Ok(())
}

backend_tests!(
    reads_go_on_across_a_type_change,
    foreign_key_columns_change_under_their_key,
    a_cycle_of_tables_is_dropped,
    rebuilds_keep_rows_and_keys,
    every_type_and_default_reads_back_as_created,
    a_broken_foreign_key_fails_the_migration,
    v1_to_v2_and_back_keeps_rows,
    renames_are_hinted_not_guessed,
    failures_are_typed
);
