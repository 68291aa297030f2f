use orm_core::Model;

// Four mistakes (the fourth: no primary key), four errors in one build.
#[derive(Model)]
struct User {
    #[orm(uniq)]
    email: String,
    visits: u64,
    #[orm(max_length = 3)]
    age: i32,
}

fn main() {}
