#[orm_core::test]
fn not_async(db: orm_core::Database) {
    let _ = db;
}

fn main() {}
