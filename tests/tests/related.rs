//! Related rows for a list of models, one query per relation level, grouped per parent in
//! input order, on every backend.

use orm_core::prelude::*;
use orm_tests::{TestResult, backend_tests, statements_of};

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "rel_users")]
struct User {
    #[orm(primary_key)]
    id: i64,
    name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "rel_posts")]
struct Post {
    #[orm(primary_key)]
    id: i64,
    #[orm(references(User))]
    author_id: i64,
    title: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "rel_comments")]
struct Comment {
    #[orm(primary_key)]
    id: i64,
    #[orm(references(Post))]
    post_id: i64,
    #[orm(references(User))]
    by: Option<i64>,
    text: String,
}

async fn fixture(db: &Database) -> Result<Vec<User>> {
    db.create_tables(&[User::table_def(), Post::table_def(), Comment::table_def()])
        .await?;
    let mut users: Vec<User> = (0..30)
        .map(|i| User {
            id: 0,
            name: format!("user {i}"),
        })
        .collect();
    User::insert_many(&mut users, db).await?;
    // Posts of every user but each fifth, added in an order unlike the users'.
    let mut posts = Vec::new();
    for round in 0..4 {
        for u in users.iter().rev().filter(|u| u.id % 5 != 0) {
            posts.push(Post {
                id: 0,
                author_id: u.id,
                title: format!("{} post {round}", u.name),
            });
        }
    }
    Post::insert_many(&mut posts, db).await?;
    let mut comments = Vec::new();
    for (n, p) in posts.iter().enumerate() {
        for k in 0..3 {
            comments.push(Comment {
                id: 0,
                post_id: p.id,
                by: (k != 1).then_some(users[n % users.len()].id),
                text: format!("comment {k} on {}", p.title),
            });
        }
    }
    Comment::insert_many(&mut comments, db).await?;
    Ok(users)
}

/// Users -> posts -> comments in three queries, whatever the number of users; each
/// group is what a query per parent finds.
async fn three_levels_in_three_queries(db: Database) -> TestResult {
    fixture(&db).await?;
    let (loaded, statements) = statements_of(async {
        let users = User::all(&db).await?;
        let posts = Post::author_id.children_of(&users, &db).await?;
        let flat: Vec<Post> = posts.iter().flatten().cloned().collect();
        let comments = Comment::post_id.children_of(&flat, &db).await?;
        Ok::<_, Error>((users, posts, comments))
    })
    .await;
    let (users, posts, comments) = loaded?;
    assert_eq!(statements.len(), 3, "{statements:?}");
    assert_eq!(posts.len(), users.len());
    for (user, theirs) in users.iter().zip(&posts) {
        let expected = Post::query()
            .filter(Post::author_id.eq(user.id))
            .order_by(Post::id)
            .all(&db)
            .await?;
        assert_eq!(theirs, &expected, "{user:?}");
        assert_eq!(theirs.is_empty(), user.id % 5 == 0);
    }
    let flat: Vec<&Post> = posts.iter().flatten().collect();
    assert_eq!(comments.len(), flat.len());
    for (post, theirs) in flat.iter().zip(&comments) {
        assert_eq!(theirs.len(), 3, "{post:?}");
        assert!(theirs.iter().all(|c| c.post_id == post.id));
    }
    let one = Post::author_id.children_of_one(&users[1], &db).await?;
    assert_eq!(one, posts[1]);
    Ok(())
}

/// The parents children name, in the children's order, `None` for a NULL key; a column
/// that is no foreign key to the model is refused.
async fn parents_of_children(db: Database) -> TestResult {
    let users = fixture(&db).await?;
    let comments = Comment::query()
        .order_by(Comment::id)
        .limit(9)
        .all(&db)
        .await?;
    let (authors, statements) =
        statements_of(Comment::by.parents_of::<User, _>(&comments, &db)).await;
    let authors = authors?;
    assert_eq!(statements.len(), 1, "{statements:?}");
    for (comment, author) in comments.iter().zip(&authors) {
        match comment.by {
            None => assert_eq!(author, &None),
            Some(id) => assert_eq!(author.as_ref().map(|u| u.id), Some(id)),
        }
    }
    let e = Post::title.children_of(&users, &db).await.unwrap_err();
    assert!(matches!(e, Error::InvalidQuery(_)), "{e:?}");
    let nobody: Vec<Vec<Post>> = Post::author_id
        .children_of(&Vec::<User>::new(), &db)
        .await?;
    assert!(nobody.is_empty());
    Ok(())
}

backend_tests!(three_levels_in_three_queries, parents_of_children);
