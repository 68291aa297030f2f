use orm_core::Model;

#[derive(Model)]
struct Post {
    #[orm(primary_key)]
    id: i64,
    #[orm(on_delete = "cascade")]
    author_id: i64,
}

fn main() {}
