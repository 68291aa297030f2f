use orm_core::Model;

#[derive(Model)]
struct Wrapper<T> {
    #[orm(primary_key)]
    id: i64,
    value: T,
}

#[derive(Model)]
struct Borrowed<'a> {
    #[orm(primary_key)]
    id: i64,
    name: &'a str,
}

fn main() {}
