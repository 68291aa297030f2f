//! A subquery for `in_query` selects values of the column's type.
use orm_core::prelude::*;

#[derive(Model)]
struct User {
    #[orm(primary_key)]
    id: i64,
    team_name: String,
}

#[derive(Model)]
struct Team {
    #[orm(primary_key)]
    id: i64,
    name: String,
}

fn main() {
    let _ = User::query().filter(User::team_name.in_query(Team::query().select(Team::id)));
}
