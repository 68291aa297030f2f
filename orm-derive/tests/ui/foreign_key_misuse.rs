use orm_core::Model;

#[derive(Model)]
#[orm(unique(columns("tenant", "number")))]
struct Account {
    #[orm(primary_key)]
    id: i64,
    tenant: i32,
    number: i32,
    code: String,
}

// A composite key names fields of this struct, as many as it references.
#[derive(Model)]
#[orm(
    foreign_key(columns("tenant", "acount"), references(Account), ref_columns("tenant", "number")),
    foreign_key(columns("tenant"), references(Account), ref_columns("tenant", "number")),
    foreign_key(references(Account))
)]
struct Transfer {
    #[orm(primary_key)]
    id: i64,
    tenant: i32,
    account: i32,
    // `ref_column` and `fk_name` belong to a foreign key.
    #[orm(ref_column = "code", fk_name = "fk_x")]
    note: String,
}

fn main() {}

#[derive(Model)]
struct Clash {
    #[orm(primary_key)]
    id: i64,
    #[orm(references(Account), relation = "query")]
    account_id: i64,
}

#[derive(Model)]
struct Keyword {
    #[orm(primary_key)]
    id: i64,
    #[orm(references(Account), relation = "type")]
    account_id: i64,
}
