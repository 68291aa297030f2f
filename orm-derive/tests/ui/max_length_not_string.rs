use orm_core::Model;

#[derive(Model)]
struct User {
    #[orm(primary_key)]
    id: i64,
    #[orm(max_length = 3)]
    age: i32,
}

fn main() {}
