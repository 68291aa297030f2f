#[orm_core::test(backends(sqlite, oracle))]
async fn on_oracle(db: orm_core::Database) {
    let _ = db;
}

fn main() {}
