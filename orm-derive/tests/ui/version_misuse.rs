use orm_core::Model;

#[derive(Model)]
struct Named {
    #[orm(primary_key)]
    id: i64,
    #[orm(version)]
    name: String,
}

#[derive(Model)]
struct Optional {
    #[orm(primary_key)]
    id: i64,
    #[orm(version)]
    version: Option<i64>,
}

#[derive(Model)]
struct Keyed {
    #[orm(primary_key, version)]
    id: i64,
}

#[derive(Model)]
struct Twice {
    #[orm(primary_key)]
    id: i64,
    #[orm(version)]
    one: i64,
    #[orm(version)]
    two: i64,
}

fn main() {}
