//! `like` applies to text columns only.
use orm_core::prelude::*;

#[derive(Model)]
struct User {
    #[orm(primary_key)]
    id: i64,
    name: String,
}

fn main() {
    let _ = User::query().filter(User::id.like("1%"));
}
