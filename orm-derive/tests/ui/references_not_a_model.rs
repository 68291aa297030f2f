use orm_core::Model;

struct Group {
    id: i64,
}

#[derive(Model)]
struct User {
    #[orm(primary_key)]
    id: i64,
    #[orm(references(Group))]
    group_id: i64,
}

fn main() {}
