//! create_all / drop_all on every backend: foreign-key order, indexes, idempotence, and
//! the constraints the DDL declares doing their work.

use orm_core::prelude::*;
use orm_core::schema::registered_tables;
use orm_tests::{TestResult, backend_tests};

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "authors")]
struct Author {
    #[orm(primary_key)]
    id: i64,
    #[orm(unique, max_length = 80)]
    name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(
    table = "books",
    index(columns("author_id", "title")),
    unique(columns("isbn_prefix", "isbn_rest"))
)]
struct Book {
    #[orm(primary_key)]
    id: i64,
    #[orm(references(Author), on_delete = "cascade")]
    author_id: i64,
    #[orm(index)]
    title: String,
    isbn_prefix: i32,
    isbn_rest: i64,
    #[orm(default = "0")]
    stock: i32,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "reviews")]
struct Review {
    #[orm(primary_key)]
    id: i64,
    #[orm(references(Book), on_delete = "set null")]
    book_id: Option<i64>,
    body: String,
}

/// A parent with a text key, for the referential actions on update.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "shelves")]
struct Shelf {
    #[orm(primary_key, max_length = 8)]
    code: String,
}

/// Follows its shelf's key; keeps the shelf from being deleted.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "placements")]
struct Placement {
    #[orm(primary_key)]
    id: i64,
    #[orm(references(Shelf), on_update = "cascade", on_delete = "restrict")]
    shelf: String,
}

/// Keeps its shelf's key from changing and the shelf from being deleted.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "loans")]
struct Loan {
    #[orm(primary_key)]
    id: i64,
    #[orm(references(Shelf), on_update = "restrict", on_delete = "no action")]
    shelf: String,
}

/// Indexes (other than the primary key's) of `table`, by name, as the catalog lists them.
async fn index_names(db: &Database, table: &str) -> orm_core::Result<Vec<String>> {
    let rows: Vec<(String,)> = match db.dialect() {
        Dialect::Sqlite => {
            raw(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? \
                 AND name NOT LIKE 'sqlite_autoindex%' ORDER BY name",
            )
            .bind(table)
            .fetch_as(db)
            .await?
        }
        Dialect::Postgres => {
            raw(
                "SELECT indexname::text FROM pg_indexes WHERE schemaname = current_schema() \
                 AND tablename = $1 AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE 'uq_%' \
                 ORDER BY indexname",
            )
            .bind(table)
            .fetch_as(db)
            .await?
        }
        _ => {
            raw(
                "SELECT DISTINCT CAST(index_name AS CHAR) FROM information_schema.statistics \
                 WHERE table_schema = DATABASE() AND table_name = ? AND index_name <> 'PRIMARY' \
                 AND index_name NOT LIKE 'uq_%' AND index_name NOT LIKE 'fk_%' ORDER BY 1",
            )
            .bind(table)
            .fetch_as(db)
            .await?
        }
    };
    Ok(rows.into_iter().map(|(n,)| n).collect())
}

async fn table_exists(db: &Database, table: &str) -> orm_core::Result<bool> {
    let probe = Raw::dynamic(format!(
        "SELECT COUNT(*) FROM {}",
        db.dialect().quoted(table)
    ));
    match probe.execute(db).await {
        Ok(_) => Ok(true),
        Err(Error::Database { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

async fn create_all_is_idempotent_and_creates_indexes(db: Database) -> TestResult {
    db.create_all().await?;
    db.create_all().await?;
    for table in ["authors", "books", "reviews"] {
        assert!(table_exists(&db, table).await?, "{table}");
    }
    assert_eq!(
        index_names(&db, "books").await?,
        ["ix_books_author_id_title", "ix_books_title"]
    );
    // Data survives a second create_all.
    let mut ann = Author {
        id: 0,
        name: "Ann".into(),
    };
    ann.insert(&db).await?;
    db.create_all().await?;
    assert_eq!(Author::all(&db).await?, [ann]);
    Ok(())
}

async fn foreign_keys_are_enforced_with_their_actions(db: Database) -> TestResult {
    db.create_all().await?;
    let mut ann = Author {
        id: 0,
        name: "Ann".into(),
    };
    ann.insert(&db).await?;
    let mut book = Book {
        id: 0,
        author_id: ann.id,
        title: "Rust".into(),
        isbn_prefix: 978,
        isbn_rest: 1,
        stock: 3,
    };
    book.insert(&db).await?;
    let mut review = Review {
        id: 0,
        book_id: Some(book.id),
        body: "good".into(),
    };
    review.insert(&db).await?;

    let orphan = Book {
        id: 0,
        author_id: ann.id + 100,
        isbn_rest: 2,
        ..book.clone()
    }
    .insert(&db)
    .await;
    assert!(
        matches!(orphan, Err(Error::ForeignKeyViolation { .. })),
        "{orphan:?}"
    );

    let same_isbn = Book {
        id: 0,
        title: "Copy".into(),
        ..book.clone()
    }
    .insert(&db)
    .await;
    match same_isbn {
        Err(Error::UniqueViolation {
            table, constraint, ..
        }) => {
            // Each backend says what it knows: SQLite names the table (and columns),
            // MariaDB the constraint, PostgreSQL both.
            if db.dialect() != Dialect::MySql {
                assert_eq!(table.as_deref(), Some("books"));
            }
            if db.dialect() != Dialect::Sqlite {
                assert_eq!(
                    constraint.as_deref(),
                    Some("uq_books_isbn_prefix_isbn_rest")
                );
            }
        }
        other => panic!("expected a unique violation, got {other:?}"),
    }

    // ON DELETE CASCADE removes the book; ON DELETE SET NULL keeps the review.
    ann.delete(&db).await?;
    assert_eq!(Book::all(&db).await?, []);
    let review = Review::get(&db, review.id).await?.expect("kept");
    assert_eq!(review.book_id, None);
    Ok(())
}

async fn referential_actions_on_update_and_delete(db: Database) -> TestResult {
    db.create_all().await?;
    for code in ["a", "c"] {
        Shelf { code: code.into() }.insert(&db).await?;
    }
    let mut placed = Placement {
        id: 0,
        shelf: "a".into(),
    };
    placed.insert(&db).await?;
    let mut lent = Loan {
        id: 0,
        shelf: "c".into(),
    };
    lent.insert(&db).await?;
    let rename = async |from: &str, to: &str| {
        Shelf::query()
            .filter(Shelf::code.eq(from.to_owned()))
            .update()
            .set(Shelf::code, to.to_owned())
            .execute(&db)
            .await
    };

    // ON UPDATE CASCADE: the placement follows its shelf's new key.
    assert_eq!(rename("a", "b").await?, 1);
    assert_eq!(
        Placement::get(&db, placed.id).await?.expect("kept").shelf,
        "b"
    );
    // ON UPDATE RESTRICT: the loan's shelf keeps its key.
    let refused = rename("c", "d").await;
    assert!(
        matches!(refused, Err(Error::ForeignKeyViolation { .. })),
        "{refused:?}"
    );
    assert!(Shelf::get(&db, "c".to_string()).await?.is_some());
    // ON DELETE RESTRICT and NO ACTION: referenced shelves stay.
    for code in ["b", "c"] {
        let shelf = Shelf { code: code.into() };
        let refused = shelf.delete(&db).await;
        assert!(
            matches!(refused, Err(Error::ForeignKeyViolation { .. })),
            "{code}: {refused:?}"
        );
    }
    // Once nothing references them, they go.
    placed.delete(&db).await?;
    lent.delete(&db).await?;
    for code in ["b", "c"] {
        assert!(Shelf { code: code.into() }.delete(&db).await?);
    }
    Ok(())
}

async fn drop_all_drops_in_reverse_order(db: Database) -> TestResult {
    db.create_all().await?;
    let mut ann = Author {
        id: 0,
        name: "Ann".into(),
    };
    ann.insert(&db).await?;
    Book {
        id: 0,
        author_id: ann.id,
        title: "T".into(),
        isbn_prefix: 1,
        isbn_rest: 2,
        stock: 0,
    }
    .insert(&db)
    .await?;
    db.drop_all().await?;
    for table in [
        "authors",
        "books",
        "reviews",
        "shelves",
        "placements",
        "loans",
    ] {
        assert!(!table_exists(&db, table).await?, "{table} dropped");
    }
    db.drop_all().await?; // nothing left to drop is fine
    Ok(())
}

backend_tests!(
    create_all_is_idempotent_and_creates_indexes,
    foreign_keys_are_enforced_with_their_actions,
    referential_actions_on_update_and_delete,
    drop_all_drops_in_reverse_order,
);

/// The registry holds exactly the models of this test binary, each once, in name order
/// whatever order the linker ran their constructors in.
#[test]
fn registry_lists_every_linked_model() {
    let names: Vec<&str> = registered_tables()
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "authors",
            "books",
            "loans",
            "placements",
            "reviews",
            "shelves"
        ]
    );
}
