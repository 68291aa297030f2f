use orm_core::Model;

#[derive(Model)]
struct User {
    #[orm(primary_key)]
    id: i64,
    #[orm(skip, unique, column = "cache")]
    cache: Vec<String>,
}

fn main() {}
