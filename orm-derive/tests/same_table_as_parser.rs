//! The derive's `Model::table_def()` equals the table `orm-cli` builds from the same source
//! with `orm_schema::parse`: this file parses itself and compares.

use orm_core::Model;
use orm_core::schema::TableDef;

#[derive(Model)]
#[orm(table = "users", unique(columns("first_name", "last_name")))]
#[orm(index(columns("last_name", "first_name"), name = "by_name", unique))]
struct User {
    #[orm(primary_key)]
    id: i64,
    #[orm(unique, max_length = 64)]
    username: String,
    #[orm(index)]
    email: String,
    first_name: String,
    last_name: String,
    bio: Option<String>,
    #[orm(column = "is_admin", default = "FALSE")]
    admin: bool,
    #[orm(sql_type = "CHAR(2)")]
    country: Option<String>,
    // A custom type, a default and per-dialect types on one column, after columns with
    // none (the derive writes them apart from the column list).
    #[orm(sql_type = "CHAR(3)", default = "'EUR'")]
    currency: String,
    #[orm(sql_type(postgres = "CITEXT", mysql = "VARCHAR(80)"))]
    nickname: Option<String>,
    #[orm(references(Post), on_delete = "set null", on_update = "cascade")]
    best_post: Option<i64>,
    #[orm(skip)]
    #[allow(dead_code)] // never read: it only shows that a skipped field is no column
    cache: Vec<(i32, i32)>,
}

mod blog {
    use orm_core::Model;

    #[derive(Model)]
    #[orm(table = "posts")]
    pub struct Post {
        #[orm(primary_key)]
        pub id: i64,
        #[orm(references(super::User), on_delete = "cascade")]
        pub author_id: i64,
        #[orm(references(Self))]
        pub reply_to: Option<i64>,
        pub created_at: chrono::DateTime<chrono::Utc>,
        pub uuid: uuid::Uuid,
        pub body: Vec<u8>,
        pub score: f64,
    }
}
use blog::Post;

#[derive(Model)]
struct Membership {
    #[orm(primary_key, references(User))]
    user_id: i64,
    #[orm(primary_key)]
    group_id: i32,
    joined: chrono::NaiveDate,
}

#[test]
fn derive_and_parser_build_the_same_tables() {
    let models = orm_schema::parse::parse_file(include_str!("same_table_as_parser.rs"))
        .expect("the models of this file parse");
    let parsed = orm_schema::parse::resolve_tables(&models).expect("every reference resolves");
    let derived: Vec<&TableDef> = vec![
        User::table_def(),
        Post::table_def(),
        Membership::table_def(),
    ];
    assert_eq!(parsed.iter().collect::<Vec<_>>(), derived);
}
