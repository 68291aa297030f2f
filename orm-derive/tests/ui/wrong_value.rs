use orm_core::Model;

#[derive(Model)]
struct User {
    #[orm(primary_key = true, auto_increment = "no")]
    id: i64,
    #[orm(column = name)]
    name: String,
    #[orm(max_length = "64")]
    email: String,
    #[orm(column)]
    bio: String,
    #[orm(references = "Group", on_delete = "explode")]
    group_id: i64,
}

fn main() {}
