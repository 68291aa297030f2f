use orm_core::Model;

#[derive(Model)]
struct Counter {
    #[orm(primary_key)]
    id: i64,
    hits: u64,
    tags: std::collections::HashSet<String>,
}

fn main() {}
