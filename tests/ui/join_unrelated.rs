//! A relation joins only from a table the query reads; a comparison across tables needs
//! both read.
use orm_core::prelude::*;

#[derive(Model)]
struct User {
    #[orm(primary_key)]
    id: i64,
}

#[derive(Model)]
struct Post {
    #[orm(primary_key)]
    id: i64,
    #[orm(references(User))]
    author_id: i64,
}

#[derive(Model)]
struct Tag {
    #[orm(primary_key)]
    id: i64,
}

fn main() {
    // `Post::author()` starts from posts; a query over tags has none.
    let _ = Tag::query().join(Post::author());
    // A comparison across two tables needs a query that reads both.
    let _ = Post::query().filter(Post::author_id.eq_col(User::id));
}
