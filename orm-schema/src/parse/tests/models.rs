//! The tables built from valid models.

use super::model;
use crate::{ColumnDef, IndexDef, ReferentialAction, RustType, SqlType, TableDef};

#[test]
fn the_design_documents_user_model() {
    let user = model(
        r#"
        #[orm(table = "users")]
        pub struct User {
            #[orm(primary_key)]
            pub id: i64,
            #[orm(unique, max_length = 64)]
            pub username: String,
            #[orm(index)]
            pub email: String,
            pub bio: Option<String>,
        }"#,
    );
    let expected = TableDef::new("users")
        .column(
            ColumnDef::new("id", SqlType::BigInt)
                .primary_key()
                .auto_increment(),
        )
        .column(ColumnDef::new("username", SqlType::Varchar(64)).unique())
        .column(ColumnDef::new("email", SqlType::Text))
        .column(ColumnDef::new("bio", SqlType::Text).nullable())
        .index(IndexDef::new("users", vec!["email".into()]));
    assert_eq!(user.table_def, expected);
    assert_eq!(user.ident, "User");
    assert_eq!(user.table(), "users");
    assert_eq!(user.auto_increment_column(), Some(0));
    assert!(user.references.is_empty());
    assert_eq!(
        user.fields[3].rust_type,
        Some(RustType::generic("Option", vec![RustType::plain("String")]))
    );
    assert!(user.fields[3].nullable);
}

#[test]
fn the_table_is_named_after_the_struct_in_snake_case() {
    let m = model("struct BlogPost { #[orm(primary_key)] id: i32 }");
    assert_eq!(m.table(), "blog_post");
}

#[test]
fn columns_are_named_after_fields_unless_renamed() {
    let m = model(
        r#"struct Item {
            #[orm(primary_key)] id: i64,
            r#type: String,
            #[orm(column = "label")] name: String,
        }"#,
    );
    let names: Vec<&str> = m
        .table_def
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["id", "type", "label"]);
    assert_eq!(m.fields[2].column, "label");
}

#[test]
fn skipped_fields_are_not_columns() {
    let m = model(
        r#"struct Item {
            #[orm(primary_key)] id: i64,
            #[orm(skip)] cache: std::collections::HashMap<String, (i32, i32)>,
            name: String,
        }"#,
    );
    assert_eq!(m.table_def.columns.len(), 2);
    assert!(m.fields[1].skip);
    let columns: Vec<String> = m.columns().map(|f| f.ident.to_string()).collect();
    assert_eq!(columns, ["id", "name"]);
}

#[test]
fn sql_type_defaults_and_lengths() {
    let m = model(
        r#"struct Item {
            #[orm(primary_key)] id: i64,
            #[orm(sql_type = "MONEY")] price: Cents,
            #[orm(sql_type = "CHAR(2)")] country: Option<String>,
            #[orm(default = "CURRENT_TIMESTAMP")] created_at: chrono::DateTime<chrono::Utc>,
            #[orm(max_length = 10)] code: Option<String>,
        }"#,
    );
    let c = &m.table_def.columns;
    assert_eq!(
        c[1],
        ColumnDef::new("price", SqlType::Custom("MONEY".into()))
    );
    assert_eq!(
        c[2],
        ColumnDef::new("country", SqlType::Custom("CHAR(2)".into())).nullable()
    );
    assert_eq!(
        c[3],
        ColumnDef::new("created_at", SqlType::TimestampTz).default_sql("CURRENT_TIMESTAMP")
    );
    assert_eq!(
        c[4],
        ColumnDef::new("code", SqlType::Varchar(10)).nullable()
    );
}

#[test]
fn a_single_integer_key_auto_increments_unless_opted_out() {
    let opted_out = model("struct A { #[orm(primary_key, auto_increment = false)] id: i64 }");
    assert!(!opted_out.table_def.columns[0].auto_increment);
    assert_eq!(opted_out.auto_increment_column(), None);

    let text = model("struct A { #[orm(primary_key)] code: String }");
    assert!(!text.table_def.columns[0].auto_increment);

    let uuid = model("struct A { name: String, #[orm(primary_key)] id: uuid::Uuid }");
    assert_eq!(uuid.table_def.primary_key, ["id"]);
    assert_eq!(uuid.auto_increment_column(), None);

    let after_skip = model("struct A { #[orm(skip)] x: u64, #[orm(primary_key)] id: i16 }");
    assert_eq!(after_skip.auto_increment_column(), Some(0));
}

#[test]
fn several_key_fields_make_a_composite_key_that_never_auto_increments() {
    let m = model(
        r#"struct Membership {
            #[orm(primary_key)] group_id: i64,
            note: String,
            #[orm(primary_key)] user_id: i64,
        }"#,
    );
    assert_eq!(m.table_def.primary_key, ["group_id", "user_id"]);
    assert!(m.table_def.columns.iter().all(|c| !c.auto_increment));
    let keys: Vec<String> = m.key_fields().map(|f| f.ident.to_string()).collect();
    assert_eq!(keys, ["group_id", "user_id"]);
}

#[test]
fn struct_level_indexes_and_uniques_name_fields() {
    let m = model(
        r#"
        #[orm(index(columns("author", "created_at")))]
        #[orm(index(columns("title"), name = "by_title", unique), unique(columns("author", "title")))]
        struct Post {
            #[orm(primary_key)] id: i64,
            #[orm(column = "author_id")] author: i64,
            title: String,
            created_at: i64,
        }"#,
    );
    let t = &m.table_def;
    assert_eq!(
        t.indexes[0],
        IndexDef::new("post", vec!["author_id".into(), "created_at".into()])
    );
    assert_eq!(t.indexes[1].name, "by_title");
    assert_eq!(t.indexes[1].columns, ["title"]);
    assert!(t.indexes[1].unique);
    assert_eq!(t.uniques[0].name, "uq_post_author_id_title");
    assert_eq!(t.uniques[0].columns, ["author_id", "title"]);
}

#[test]
fn references_are_left_for_the_caller() {
    let m = model(
        r#"struct Post {
            #[orm(primary_key)] id: i64,
            #[orm(references(crate::User), on_delete = "cascade", on_update = "SET_NULL")]
            author_id: Option<i64>,
            #[orm(references(Self))] parent_id: Option<i64>,
        }"#,
    );
    assert!(m.table_def.foreign_keys.is_empty());
    let r = &m.references[0];
    assert_eq!(r.columns, ["author_id"]);
    assert_eq!(r.relation.as_deref(), Some("author"));
    assert_eq!(r.model_name(), "User");
    assert_eq!(r.on_delete, Some(ReferentialAction::Cascade));
    assert_eq!(r.on_update, Some(ReferentialAction::SetNull));
    assert!(m.references[1].is_self());
}

#[test]
fn other_attributes_are_ignored() {
    let m = model(
        r#"#[derive(Debug)] #[serde(rename_all = "camelCase")]
        struct A { #[serde(default)] #[orm(primary_key)] #[orm()] id: i64 }"#,
    );
    assert_eq!(m.table_def.primary_key, ["id"]);
}
