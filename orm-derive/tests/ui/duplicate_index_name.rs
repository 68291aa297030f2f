use orm_core::Model;

#[derive(Model)]
#[orm(index(columns("email")))]
struct User {
    #[orm(primary_key)]
    id: i64,
    #[orm(index)]
    email: String,
}

fn main() {}
