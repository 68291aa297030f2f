use orm_core::Model;

#[derive(Model)]
union Bits {
    int: i64,
    float: f64,
}

fn main() {}
