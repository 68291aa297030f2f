use orm_core::Model;

#[derive(Model)]
#[orm(primary_key)]
struct User {
    #[orm(primary_key, table = "users")]
    id: i64,
}

fn main() {}
