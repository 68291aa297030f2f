use orm_core::Model;

#[derive(Model)]
struct Membership {
    #[orm(primary_key)]
    group_id: i64,
    #[orm(primary_key)]
    user_id: i64,
}

#[derive(Model)]
struct Badge {
    #[orm(primary_key)]
    id: i64,
    #[orm(references(Membership))]
    membership: i64,
}

fn main() {}
