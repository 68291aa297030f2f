//! Tests of the examples' models, written as an application's own tests would be: each
//! on a fresh database made by `#[orm_core::test]`, on SQLite and, when their URLs are
//! set (`ORM_TEST_POSTGRES_URL`, `ORM_TEST_MYSQL_URL`), on PostgreSQL and MySQL too.

use examples::models::{Post, User};
use orm_core::prelude::*;

fn ann() -> User {
    User {
        id: 0,
        username: "ann".into(),
        email: "ann@example.com".into(),
        bio: None,
    }
}

#[orm_core::test(backends(sqlite, postgres, mysql))]
async fn a_username_is_taken_once(db: Database) -> Result<()> {
    ann().insert(&db).await?;
    let again = ann().insert(&db).await;
    assert!(
        matches!(again, Err(Error::UniqueViolation { .. })),
        "{again:?}"
    );
    assert_eq!(User::query().count(&db).await?, 1);
    Ok(())
}

#[orm_core::test(backends(sqlite, postgres, mysql))]
async fn deleting_a_user_deletes_their_posts(db: Database) -> Result<()> {
    let mut user = ann();
    user.insert(&db).await?;
    let mut posts = vec![
        Post {
            id: 0,
            author_id: user.id,
            title: "one".into(),
            created_at: chrono::Utc::now(),
        },
        Post {
            id: 0,
            author_id: user.id,
            title: "two".into(),
            created_at: chrono::Utc::now(),
        },
    ];
    Post::insert_many(&mut posts, &db).await?;
    user.delete(&db).await?;
    assert_eq!(Post::query().count(&db).await?, 0);
    Ok(())
}

/// Cheaper: one shared database, each test in a transaction rolled back at its end.
#[orm_core::test(rollback)]
async fn a_bio_can_be_set_later(tx: &Transaction) -> Result<()> {
    let mut user = ann();
    user.insert(tx).await?;
    user.bio = Some("writes examples".into());
    user.update(tx).await?;
    let read = User::get(tx, user.id)
        .await?
        .ok_or_else(Error::not_found::<User>)?;
    assert_eq!(read.bio.as_deref(), Some("writes examples"));
    Ok(())
}
