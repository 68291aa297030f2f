use orm_core::Model;

#[derive(Model)]
#[orm(tabel = "users")]
struct User {
    #[orm(primary_key)]
    id: i64,
    #[orm(uniq)]
    email: String,
    #[orm(frobnicate)]
    name: String,
}

fn main() {}
