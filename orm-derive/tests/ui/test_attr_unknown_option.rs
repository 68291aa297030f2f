#[orm_core::test(fixture("users.sql"))]
async fn with_a_typo(db: orm_core::Database) {
    let _ = db;
}

fn main() {}
