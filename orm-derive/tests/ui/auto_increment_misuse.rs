use orm_core::Model;

#[derive(Model)]
struct Membership {
    #[orm(primary_key, auto_increment = true)]
    group_id: i64,
    #[orm(primary_key)]
    user_id: i64,
    #[orm(auto_increment = false)]
    rank: i32,
}

#[derive(Model)]
struct Tag {
    #[orm(primary_key, auto_increment)]
    name: String,
}

fn main() {}
