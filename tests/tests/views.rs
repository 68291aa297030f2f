//! Models over what the ORM does not create: a subquery read as rows (`as_subquery`) and
//! a database view, both `#[orm(view)]`; filtered, ordered and joined on every backend,
//! never written by key.

use orm_core::Relation;
use orm_core::prelude::*;
use orm_tests::{TestResult, backend_tests};

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "view_users")]
struct User {
    #[orm(primary_key)]
    id: i64,
    name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "view_posts")]
struct Post {
    #[orm(primary_key)]
    id: i64,
    #[orm(references(User))]
    author_id: i64,
    views: i32,
}

/// Posts per author: the rows of a grouped subquery.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(view, table = "post_counts")]
struct PostCount {
    author_id: i64,
    posts: i64,
    views: Option<i64>,
}

/// A database view, created by hand.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(view, table = "view_popular")]
struct Popular {
    id: i64,
    views: i32,
}

async fn fixture(db: &Database) -> Result<Vec<User>> {
    db.create_all().await?;
    let mut users: Vec<User> = ["ann", "bob", "cy"]
        .map(|n| User {
            id: 0,
            name: n.into(),
        })
        .into();
    User::insert_many(&mut users, db).await?;
    let mut posts: Vec<Post> = [(0, 10), (0, 30), (1, 5), (0, 1)]
        .map(|(u, views)| Post {
            id: 0,
            author_id: users[u].id,
            views,
        })
        .into();
    Post::insert_many(&mut posts, db).await?;
    Ok(users)
}

fn counts() -> Select<PostCount> {
    Post::query()
        .select((Post::author_id, Post::id.count(), Post::views.sum()))
        .group_by(Post::author_id)
        .as_subquery::<PostCount>()
}

/// A subquery in FROM: filtered, ordered and joined like a table.
async fn subqueries_read_as_rows(db: Database) -> TestResult {
    let users = fixture(&db).await?;
    // `create_all` made the tables, not the views' names.
    assert_eq!(counts().count(&db).await?, 2);
    let busy = counts()
        .filter(PostCount::posts.ge(2))
        .order_by(PostCount::posts.desc())
        .all(&db)
        .await?;
    assert_eq!(
        busy,
        [PostCount {
            author_id: users[0].id,
            posts: 3,
            views: Some(41)
        }]
    );
    let named: Vec<(String, i64)> = counts()
        .join(Relation::on(PostCount::author_id, User::id))
        .order_by(User::name)
        .select((User::name, PostCount::posts))
        .all(&db)
        .await?;
    assert_eq!(named, [("ann".to_string(), 3), ("bob".to_string(), 1)]);
    // A subquery whose columns do not fit the model is refused before it runs.
    let err = Post::query()
        .select(Post::author_id)
        .as_subquery::<PostCount>()
        .all(&db)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidQuery(_)), "{err:?}");
    Ok(())
}

/// A database view read through a model; nothing writes it by key.
async fn views_are_read_not_written(db: Database) -> TestResult {
    fixture(&db).await?;
    raw("CREATE VIEW view_popular AS SELECT id, views FROM view_posts WHERE views >= 10")
        .execute(&db)
        .await?;
    let popular = Popular::query().order_by(Popular::views).all(&db).await?;
    assert_eq!(
        popular.iter().map(|p| p.views).collect::<Vec<_>>(),
        [10, 30]
    );
    let err = Popular::get(&db, ()).await.unwrap_err();
    assert!(matches!(err, Error::InvalidQuery(_)), "{err:?}");
    let mut one = popular[0].clone();
    one.views = 99;
    assert!(matches!(one.update(&db).await, Err(Error::InvalidQuery(_))));
    assert!(matches!(one.delete(&db).await, Err(Error::InvalidQuery(_))));
    let mut session = db.session();
    assert!(session.query::<Popular>().all().await.is_err());
    // Neither `update` nor `delete` touched the view's rows.
    assert_eq!(
        Post::query().filter(Post::views.ge(10)).count(&db).await?,
        2
    );
    raw("DROP VIEW view_popular").execute(&db).await?;
    // `drop_all` drops the tables, and no view of that name is asked for.
    db.drop_all().await?;
    Ok(())
}

backend_tests!(subqueries_read_as_rows, views_are_read_not_written);
