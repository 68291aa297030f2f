use orm_core::Model;

#[derive(Model)]
#[orm(index(columns("author", "titel")), unique(columns("cache")))]
struct Post {
    #[orm(primary_key)]
    id: i64,
    #[orm(column = "author_id")]
    author: i64,
    title: String,
    #[orm(skip)]
    cache: Vec<u8>,
}

fn main() {}
