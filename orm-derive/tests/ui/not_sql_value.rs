use orm_core::Model;

struct Tags(Vec<String>);

#[derive(Model)]
struct Post {
    #[orm(primary_key)]
    id: i64,
    #[orm(sql_type = "TEXT")]
    tags: Tags,
}

fn main() {}
