#[orm_core::test]
async fn two(db: orm_core::Database, other: orm_core::Database) {
    let _ = (db, other);
}

fn main() {}
