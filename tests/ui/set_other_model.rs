//! An update of one model sets only that model's columns.
use orm_core::prelude::*;

#[derive(Model)]
struct User {
    #[orm(primary_key)]
    id: i64,
    name: String,
}

#[derive(Model)]
struct Team {
    #[orm(primary_key)]
    id: i64,
    name: String,
}

fn main() {
    let _ = User::query().update().set(Team::name, "x".to_string());
}
