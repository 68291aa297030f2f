use orm_core::Model;

#[derive(Model)]
struct Marker;

fn main() {}
