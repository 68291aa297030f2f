use orm_core::Model;

#[derive(Model)]
struct User {
    #[orm(primary_key)]
    id: i64,
}

#[derive(Model)]
struct Post {
    #[orm(primary_key)]
    id: i64,
    #[orm(references(User), on_delete = "set null")]
    author_id: i64,
}

fn main() {}
