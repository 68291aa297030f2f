use orm_core::Model;

#[derive(Model)]
struct User {
    id: i64,
    name: String,
}

fn main() {}
