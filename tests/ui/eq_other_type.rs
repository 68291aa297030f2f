//! A column compares only with values of its own type.
use orm_core::prelude::*;

#[derive(Model)]
struct User {
    #[orm(primary_key)]
    id: i64,
    name: String,
}

fn main() {
    let _ = User::query().filter(User::id.eq("x"));
}
