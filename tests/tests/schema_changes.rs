//! Schema changes rendered by `SchemaChange::to_sql`, run on every backend: each one does
//! to a real table what it says.

use orm_core::prelude::*;
use orm_core::schema::{ColumnDef, IndexDef, SchemaChange, SqlType, TableDef, UniqueDef};
use orm_tests::{TestResult, backend_tests};

async fn apply<E: Executor>(db: &E, change: SchemaChange) -> TestResult {
    for sql in change.to_sql(db.dialect())? {
        let statement = orm_core::Statement {
            sql,
            values: Vec::new(),
        };
        db.execute(statement).await?;
    }
    Ok(())
}

async fn count<E: Executor>(db: &E, sql: &'static str) -> Result<i64> {
    let rows: Vec<(i64,)> = raw(sql).fetch_as(db).await?;
    Ok(rows[0].0)
}

/// Which statement of `sql` fails, in a savepoint (PostgreSQL aborts a transaction at
/// its first error).
async fn in_savepoint(tx: &Transaction, sql: &'static str) -> Result<Error> {
    let savepoint = tx.begin().await?;
    let outcome = raw(sql).execute(&savepoint).await;
    savepoint.rollback().await?;
    Ok(outcome.expect_err(sql))
}

/// On one connection (a transaction) where DDL is transactional, as a migration runs:
/// SQLite checks a renamed column against the connection's own copy of the schema, which
/// another connection's change leaves stale. MySQL commits around DDL: on the pool.
async fn changes_apply_on_a_live_table(db: Database) -> TestResult {
    if db.dialect().transactional_ddl() {
        let tx = db.begin().await?;
        check_changes(&tx, async |sql| in_savepoint(&tx, sql).await).await?;
        tx.commit().await?;
    } else {
        check_changes(&db, async |sql| {
            Ok(raw(sql).execute(&db).await.expect_err(sql))
        })
        .await?;
    }
    Ok(())
}

async fn check_changes<E: Executor>(
    db: &E,
    refused: impl AsyncFn(&'static str) -> Result<Error>,
) -> TestResult {
    let table = TableDef::new("sc_persons")
        .column(
            ColumnDef::new("id", SqlType::BigInt)
                .primary_key()
                .auto_increment(),
        )
        .column(ColumnDef::new("name", SqlType::Varchar(40)));
    apply(db, SchemaChange::CreateTable(table)).await?;
    apply(
        db,
        SchemaChange::RenameTable {
            from: "sc_persons".into(),
            to: "sc_people".into(),
        },
    )
    .await?;
    let t = || "sc_people".to_owned();
    apply(
        db,
        SchemaChange::AddColumn {
            table: t(),
            column: ColumnDef::new("score", SqlType::Integer).default_sql("7"),
        },
    )
    .await?;
    apply(
        db,
        SchemaChange::AddColumn {
            table: t(),
            column: ColumnDef::new("nick", SqlType::Varchar(40)).nullable(),
        },
    )
    .await?;
    apply(
        db,
        SchemaChange::RenameColumn {
            table: t(),
            from: "nick".into(),
            to: "nickname".into(),
        },
    )
    .await?;
    raw("INSERT INTO sc_people (name, nickname) VALUES ('ann', 'a')")
        .execute(db)
        .await?;
    assert_eq!(
        count(db, "SELECT score FROM sc_people WHERE nickname = 'a'").await?,
        7,
        "the added column's default"
    );

    apply(
        db,
        SchemaChange::AddUnique {
            table: t(),
            unique: UniqueDef::new("sc_people", vec!["nickname".into()]),
        },
    )
    .await?;
    let e = refused("INSERT INTO sc_people (name, nickname) VALUES ('bob', 'a')").await?;
    assert!(matches!(e, Error::UniqueViolation { .. }), "{e:?}");
    apply(
        db,
        SchemaChange::DropUnique {
            table: t(),
            name: "uq_sc_people_nickname".into(),
        },
    )
    .await?;
    raw("INSERT INTO sc_people (name, nickname) VALUES ('bob', 'a')")
        .execute(db)
        .await?;

    let people = TableDef::new("sc_people").column(ColumnDef::new("score", SqlType::Integer));
    apply(
        db,
        SchemaChange::CreateIndex {
            table: people,
            index: IndexDef::new("sc_people", vec!["score".into()]),
        },
    )
    .await?;
    apply(
        db,
        SchemaChange::DropIndex {
            table: t(),
            name: "ix_sc_people_score".into(),
        },
    )
    .await?;

    // A new type and NOT NULL: in place on PostgreSQL and MySQL; SQLite rebuilds tables
    // (the migrations' work), and says so.
    let alter = SchemaChange::AlterColumn {
        table: t(),
        column: ColumnDef::new("score", SqlType::BigInt),
    };
    match db.dialect() {
        Dialect::Sqlite => assert!(matches!(
            alter.to_sql(db.dialect()),
            Err(Error::Unsupported { .. })
        )),
        _ => {
            apply(db, alter).await?;
            raw("UPDATE sc_people SET score = 5000000000")
                .execute(db)
                .await?;
            assert_eq!(
                count(db, "SELECT MAX(score) FROM sc_people").await?,
                5_000_000_000
            );
            let e = refused("UPDATE sc_people SET score = NULL").await?;
            assert!(matches!(e, Error::NotNullViolation { .. }), "{e:?}");
            // The generated key keeps generating keys after its type changes.
            apply(
                db,
                SchemaChange::AlterColumn {
                    table: t(),
                    column: ColumnDef::new("id", SqlType::BigInt)
                        .primary_key()
                        .auto_increment(),
                },
            )
            .await?;
            raw("INSERT INTO sc_people (name, score) VALUES ('cy', 1)")
                .execute(db)
                .await?;
            let after_bob = "SELECT COUNT(*) FROM sc_people c JOIN sc_people b ON b.name = 'bob' \
                             WHERE c.name = 'cy' AND c.id > b.id";
            assert_eq!(count(db, after_bob).await?, 1);
        }
    }

    apply(
        db,
        SchemaChange::DropColumn {
            table: t(),
            column: "nickname".into(),
        },
    )
    .await?;
    refused("SELECT nickname FROM sc_people").await?;
    apply(db, SchemaChange::DropTable { table: t() }).await?;
    refused("SELECT 1 FROM sc_people").await?;
    Ok(())
}

/// Through the `Database`: spelled for this server, and run.
async fn a_database_applies_changes(db: Database) -> TestResult {
    let table = TableDef::new("sc_applied")
        .column(
            ColumnDef::new("id", SqlType::BigInt)
                .primary_key()
                .auto_increment(),
        )
        .column(ColumnDef::new("name", SqlType::Text));
    let create = SchemaChange::CreateTable(table);
    // This MariaDB has what MariaDB's spelling names: nothing to replace.
    assert_eq!(db.schema_change_sql(&create)?, create.to_sql(db.dialect())?);
    db.apply_schema_change(&create).await?;
    raw("INSERT INTO sc_applied (name) VALUES ('x')")
        .execute(&db)
        .await?;
    db.apply_schema_change(&SchemaChange::DropTable {
        table: "sc_applied".into(),
    })
    .await?;
    assert!(raw("SELECT 1 FROM sc_applied").execute(&db).await.is_err());
    Ok(())
}

backend_tests!(changes_apply_on_a_live_table, a_database_applies_changes);
