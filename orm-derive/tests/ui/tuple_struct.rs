use orm_core::Model;

#[derive(Model)]
struct UserId(i64);

fn main() {}
