//! Migrations from the program, on the backend `DATABASE_URL` names (an SQLite file by
//! default): version 1 of a table with a row in it, then version 2 planned from the
//! difference, written as sqlx migration files, applied, and reverted. Each step prints
//! what it did. (`orm-cli migrate …` does the same from the command line.)
//!
//! ```console
//! $ cargo run -p examples --bin migrations
//! $ DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo run -p examples --bin migrations
//! ```

use orm_core::migrate::Renames;
use orm_core::prelude::*;
use orm_core::schema::{ColumnDef, IndexDef, SqlType, TableDef};

#[tokio::main]
async fn main() -> orm_core::Result<()> {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| {
        let path = std::env::temp_dir().join(format!("orm-migrations-{}.db", std::process::id()));
        format!("sqlite://{}?mode=rwc", path.display())
    });
    let db = Database::connect(&url).await?;
    println!("connected to {}", db.url());

    // Version 1: notes with a NOT NULL title and an index on it.
    let v1 = TableDef::new("example_notes")
        .column(
            ColumnDef::new("id", SqlType::BigInt)
                .primary_key()
                .auto_increment(),
        )
        .column(ColumnDef::new("title", SqlType::Varchar(80)))
        .index(IndexDef::new("example_notes", vec!["title".into()]));
    db.drop_tables(&[&v1]).await?;
    db.create_tables(&[&v1]).await?;
    raw("INSERT INTO example_notes (title) VALUES ('first')")
        .execute(&db)
        .await?;
    println!("created version 1 with one row");

    // Version 2: a body column, the title may be NULL, no index.
    let mut v2 = v1.clone();
    v2.indexes.clear();
    v2.columns[1].nullable = true;
    let v2 = v2.column(ColumnDef::new("body", SqlType::Text).nullable());

    let plan = db.plan_migration(&[&v2], &Renames::default()).await?;
    println!("\n--- up ---\n{}", plan.up);
    println!("--- down ---\n{}", plan.down);
    let dir = std::env::temp_dir().join(format!("orm-migrations-{}", std::process::id()));
    let (up, _down) = plan
        .write(&dir, "notes_v2")
        .map_err(|e| Error::Config(format!("cannot write the migration: {e}")))?;
    println!("wrote {}", up.display());

    let applied = db.migrate(&dir).await?;
    println!("applied {applied:?}");
    let rows: Vec<(String, Option<String>)> = raw("SELECT title, body FROM example_notes")
        .fetch_as(&db)
        .await?;
    println!("rows after up: {rows:?}");
    assert!(
        db.plan_migration(&[&v2], &Renames::default())
            .await?
            .is_empty()
    );
    println!("a second plan is empty: the database is version 2");

    let reverted = db.migrate_down(&dir, 1).await?;
    println!("reverted {reverted:?}");
    assert!(
        db.plan_migration(&[&v1], &Renames::default())
            .await?
            .is_empty()
    );
    println!("the database is version 1 again, with its row");
    db.drop_tables(&[&v1]).await?;
    raw("DROP TABLE _sqlx_migrations").execute(&db).await?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
