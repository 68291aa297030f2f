//! `min` and `max` apply only where every backend has them (PostgreSQL has no MIN of a
//! boolean).
use orm_core::prelude::*;

#[derive(Model)]
struct User {
    #[orm(primary_key)]
    id: i64,
    active: bool,
}

fn main() {
    let _ = User::query().select(User::active.min());
}
