//! Every attribute, a composite key, references both ways and a model made by a
//! `macro_rules!`: all compile without a warning, documented column handles included.
#![deny(warnings, missing_docs)]

use orm_core::Model;
use orm_core::schema::{ReferentialAction, SqlType};

/// A user.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "users", unique(columns("first_name", "last_name")))]
#[orm(index(columns("last_name", "first_name"), name = "by_name", unique))]
pub struct User {
    /// The key.
    #[orm(primary_key)]
    pub id: i64,
    /// Unique, at most 64 characters.
    #[orm(unique, max_length = 64)]
    pub username: String,
    /// Indexed.
    #[orm(index)]
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// NULL-able.
    pub bio: Option<String>,
    /// Renamed, with a default.
    #[orm(column = "is_admin", default = "FALSE")]
    pub admin: bool,
    /// A custom SQL type.
    #[orm(sql_type = "CHAR(2)")]
    pub country: Option<String>,
    /// The user's best post: a reference to a model that references this one.
    #[orm(references(Post), on_delete = "set null", on_update = "cascade")]
    pub best_post: Option<i64>,
    /// A raw identifier.
    pub r#type: i32,
    /// Not a column.
    #[orm(skip)]
    pub cache: Vec<(i32, i32)>,
    private_note: String,
}

/// A post.
#[derive(Model, Debug)]
#[orm(table = "posts")]
pub struct Post {
    /// The key.
    #[orm(primary_key, auto_increment = true)]
    pub id: i64,
    /// The author.
    #[orm(references(crate::User), on_delete = "cascade")]
    pub author_id: i64,
    /// The post this one answers.
    #[orm(references(Self))]
    pub reply_to: Option<i64>,
    /// When.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// An identifier.
    pub uuid: uuid::Uuid,
    /// Anything.
    pub extra: serde_json::Value,
}

/// A composite key.
#[derive(Model)]
pub struct Membership {
    /// Part of the key.
    #[orm(primary_key)]
    pub group_id: i32,
    /// Part of the key.
    #[orm(primary_key)]
    pub user_id: i64,
    /// A role.
    pub role: String,
}

/// A text key.
#[derive(Model)]
pub struct Tag {
    /// The key, given by the application.
    #[orm(primary_key)]
    pub name: String,
}

/// An integer key the application gives, in a database of its own.
#[derive(Model)]
#[orm(database = "config")]
pub struct Setting {
    /// The key.
    #[orm(primary_key, auto_increment = false)]
    pub id: i16,
}

macro_rules! model {
    ($name:ident, $key:ident: $ty:ty) => {
        /// A model made by a macro.
        #[derive(Model)]
        pub struct $name {
            /// The key.
            #[orm(primary_key)]
            pub $key: $ty,
        }
    };
}

model!(FromMacro, id: i64);

fn key_of<M: Model>(key: M::Key) -> M::Key {
    key
}

fn main() {
    assert_eq!(User::NAME, "User");
    assert_eq!(User::TABLE, "users");
    assert_eq!(
        User::COLUMNS,
        [
            "id", "username", "email", "first_name", "last_name", "bio", "is_admin", "country",
            "best_post", "type", "private_note"
        ]
    );
    assert_eq!(User::PRIMARY_KEY, ["id"]);
    assert_eq!(User::AUTO_INCREMENT, Some(0));
    assert_eq!(User::admin.name(), "is_admin");
    assert_eq!(User::r#type.name(), "type");
    assert_eq!(User::private_note.name(), "private_note");

    let users = User::table_def();
    assert_eq!(users.column_named("username").map(|c| &c.sql_type), Some(&SqlType::Varchar(64)));
    assert_eq!(users.column_named("country").map(|c| &c.sql_type), Some(&SqlType::Custom("CHAR(2)".into())));
    assert_eq!(users.column_named("is_admin").and_then(|c| c.default.as_deref()), Some("FALSE"));
    assert!(users.column_named("bio").is_some_and(|c| c.nullable));
    assert_eq!(users.uniques.len(), 2);
    assert_eq!(users.indexes[0].name, "ix_users_email");
    assert_eq!(users.indexes[1].name, "by_name");
    assert!(users.indexes[1].unique);
    let best_post = &users.foreign_keys[0];
    assert_eq!((best_post.ref_table.as_str(), best_post.ref_columns.as_slice()), ("posts", &["id".to_string()][..]));
    assert_eq!(best_post.on_delete, Some(ReferentialAction::SetNull));
    assert_eq!(best_post.on_update, Some(ReferentialAction::Cascade));

    let posts = Post::table_def();
    assert_eq!(posts.foreign_keys[0].ref_table, "users");
    assert_eq!(posts.foreign_keys[1].ref_table, "posts");
    assert_eq!(posts.column_named("created_at").map(|c| &c.sql_type), Some(&SqlType::TimestampTz));

    assert_eq!(Membership::TABLE, "membership");
    assert_eq!(Membership::PRIMARY_KEY, ["group_id", "user_id"]);
    assert_eq!(Membership::AUTO_INCREMENT, None);
    let (group, user): (i32, i64) = key_of::<Membership>((1, 2));
    assert_eq!(Membership::key_into_values((group, user)).len(), 2);

    let _: String = key_of::<Tag>("rust".to_string());
    assert_eq!(Tag::AUTO_INCREMENT, None);
    assert_eq!(Setting::AUTO_INCREMENT, None);
    assert_eq!(FromMacro::TABLE, "from_macro");
    assert_eq!(FromMacro::AUTO_INCREMENT, Some(0));

    let mut post_user = User {
        id: 0,
        username: "ann".into(),
        email: "ann@example.com".into(),
        first_name: "Ann".into(),
        last_name: "Lee".into(),
        bio: None,
        admin: false,
        country: None,
        best_post: None,
        r#type: 1,
        cache: Vec::new(),
        private_note: String::new(),
    };
    post_user.set_generated_key(7).expect("fits an i64");
    assert_eq!(post_user.id, 7);
    assert_eq!(post_user.values().len(), User::COLUMNS.len());
    assert_eq!(post_user.key_values().len(), 1);
}
