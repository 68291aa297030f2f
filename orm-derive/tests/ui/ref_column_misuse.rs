use orm_core::Model;

#[derive(Model)]
struct Account {
    #[orm(primary_key)]
    id: i64,
    number: i32,
    code: String,
}

#[derive(Model)]
struct Transfer {
    #[orm(primary_key)]
    id: i64,
    // No such field.
    #[orm(references(Account), ref_column = "cod")]
    account_code: String,
    // A number does not reference a text.
    #[orm(references(Account), ref_column = "code")]
    other_code: i64,
    // The key of `Account` is one column.
    field: i32,
}

#[derive(Model)]
#[orm(foreign_key(columns("id", "field"), references(Account)))]
struct Pair {
    #[orm(primary_key)]
    id: i64,
    field: i64,
}

fn main() {}
