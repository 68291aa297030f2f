//! A query over one model filters, orders and compares only with that model's columns.
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
    // `Team::id` is not `User::id`, though both columns are named `id`.
    let _ = User::query().filter(Team::id.eq(1));
    let _ = User::query().order_by(Team::name.asc());
    let _ = User::name.eq(Team::name);
}
