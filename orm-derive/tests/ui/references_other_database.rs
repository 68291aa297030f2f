use orm_core::prelude::*;

#[derive(Model)]
#[orm(table = "events", database = "analytics")]
struct Event {
    #[orm(primary_key)]
    id: i64,
}

#[derive(Model)]
#[orm(table = "users")]
struct User {
    #[orm(primary_key)]
    id: i64,
    #[orm(references(Event))]
    last_event: i64,
}

fn main() {}
