use orm_core::Model;

#[derive(Model)]
struct Author {
    #[orm(primary_key)]
    id: i64,
}

#[derive(Model)]
struct Book {
    #[orm(primary_key)]
    id: i64,
    #[orm(references(Author))]
    author_id: i32,
    #[orm(references(Author))]
    editor_id: Option<String>,
    #[orm(references(Self))]
    sequel_of: Option<i64>,
}

fn main() {}
