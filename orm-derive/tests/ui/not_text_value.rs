use orm_core::Model;

/// A type the schema does not know, which is not a `DbEnum` either.
pub struct Color {
    pub rgb: u32,
}

#[derive(Model)]
struct Pixel {
    #[orm(primary_key)]
    id: i64,
    color: Color,
}

fn main() {}
