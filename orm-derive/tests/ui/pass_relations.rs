//! Generated relations stay out of the way: a field whose name without `_id` is a keyword
//! gets none, `relation = false` turns one off, and a chosen name is used.
use orm_core::Model;

#[derive(Model)]
struct Kind {
    #[orm(primary_key)]
    id: i64,
}

#[derive(Model)]
struct User {
    #[orm(primary_key)]
    id: i64,
}

#[derive(Model)]
struct Item {
    #[orm(primary_key)]
    id: i64,
    #[orm(references(Kind))]
    type_id: i64,
    #[orm(references(User), relation = false)]
    owner_id: i64,
    #[orm(references(User), relation = "buyer")]
    r#match: Option<i64>,
}

impl Item {
    // The user's own `owner`, which a generated one would collide with.
    fn owner() -> &'static str {
        "mine"
    }
}

fn main() {
    let _ = Item::owner();
    let _: orm_core::Relation<Item, User> = Item::buyer();
}
