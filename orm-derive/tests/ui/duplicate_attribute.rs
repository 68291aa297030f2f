use orm_core::Model;

#[derive(Model)]
#[orm(table = "users")]
#[orm(table = "people")]
struct User {
    #[orm(primary_key)]
    #[orm(primary_key, column = "a", column = "b")]
    id: i64,
}

fn main() {}
