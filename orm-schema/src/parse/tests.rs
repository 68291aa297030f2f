//! The parser on model structs given as source text: the tables it builds and the errors
//! it reports.

use super::*;
use crate::{ColumnDef, ForeignKeyDef, IndexDef, ReferentialAction, RustType, SqlType, TableDef};

fn parse(source: &str) -> syn::Result<ModelDef> {
    parse_model(&syn::parse_str(source).expect("valid Rust"))
}

fn model(source: &str) -> ModelDef {
    parse(source).unwrap_or_else(|e| panic!("expected a valid model, got: {e}"))
}

/// Every error message, in the order they were found.
fn errors(source: &str) -> Vec<String> {
    match parse(source) {
        Ok(_) => panic!("expected errors"),
        Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
    }
}

/// The single error of `source`.
fn error(source: &str) -> String {
    let errors = errors(source);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.into_iter().next().unwrap_or_default()
}

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
        .column(ColumnDef::new("id", SqlType::BigInt).primary_key().auto_increment())
        .column(ColumnDef::new("username", SqlType::Varchar(64)).unique())
        .column(ColumnDef::new("email", SqlType::Text))
        .column(ColumnDef::new("bio", SqlType::Text).nullable())
        .index(IndexDef::new("users", vec!["email".into()]));
    assert_eq!(user.table_def, expected);
    assert_eq!(user.ident, "User");
    assert_eq!(user.table(), "users");
    assert_eq!(user.auto_increment_column(), Some(0));
    assert!(user.references.is_empty());
    assert_eq!(user.fields[3].rust_type, Some(RustType::generic("Option", vec![RustType::plain("String")])));
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
    let names: Vec<&str> = m.table_def.columns.iter().map(|c| c.name.as_str()).collect();
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
    assert_eq!(c[1], ColumnDef::new("price", SqlType::Custom("MONEY".into())));
    assert_eq!(c[2], ColumnDef::new("country", SqlType::Custom("CHAR(2)".into())).nullable());
    assert_eq!(c[3], ColumnDef::new("created_at", SqlType::TimestampTz).default_sql("CURRENT_TIMESTAMP"));
    assert_eq!(c[4], ColumnDef::new("code", SqlType::Varchar(10)).nullable());
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
    assert_eq!(t.indexes[0], IndexDef::new("post", vec!["author_id".into(), "created_at".into()]));
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
    assert_eq!(r.column, "author_id");
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

// --- errors -------------------------------------------------------------------------

#[test]
fn a_model_needs_a_primary_key() {
    let e = error("struct User { name: String }");
    assert_eq!(e, "`User` has no primary key\nhelp: mark the key field with `#[orm(primary_key)]`");
}

#[test]
fn unsupported_types_ask_for_sql_type() {
    let e = error("struct A { #[orm(primary_key)] id: i64, n: u64 }");
    assert!(e.starts_with("unsupported field type `u64`: a column's type must be one of bool, i8"), "{e}");
    assert!(e.contains(RustType::SUPPORTED), "{e}");
    assert!(e.contains("`#[orm(sql_type = \"...\")]`"), "{e}");
    let e = error("struct A { #[orm(primary_key)] id: i64, pair: (i32, i32) }");
    assert!(e.starts_with("unsupported field type `(i32 , i32)`"), "{e}");
    let e = error("struct A { #[orm(primary_key)] id: i64, n: Option<Option<i32>> }");
    assert!(e.starts_with("unsupported field type `Option<Option<i32>>`"), "{e}");
}

#[test]
fn unknown_keys_list_the_expected_ones_and_suggest_a_near_miss() {
    let e = error("struct A { #[orm(primary_key, uniq)] id: i64 }");
    assert_eq!(
        e,
        "unknown attribute `uniq`, expected one of `primary_key`, `column`, `skip`, `unique`, \
         `index`, `max_length`, `default`, `sql_type`, `references`, `on_delete`, `on_update`, \
         `auto_increment`\nhelp: did you mean `unique`?"
    );
    let e = error(r#"#[orm(tabel = "a")] struct A { #[orm(primary_key)] id: i64 }"#);
    assert!(e.starts_with("unknown attribute `tabel`, expected one of `table`, `index`, `unique`"), "{e}");
    assert!(e.ends_with("did you mean `table`?"), "{e}");
    let e = error("struct A { #[orm(primary_key, frobnicate)] id: i64 }");
    assert!(!e.contains("did you mean"), "{e}");
}

#[test]
fn keys_in_the_wrong_place_say_where_they_belong() {
    let e = error(r#"struct A { #[orm(primary_key, table = "a")] id: i64 }"#);
    assert!(e.ends_with("help: `table` is written on the struct, not on a field"), "{e}");
    let e = error("#[orm(primary_key)] struct A { #[orm(primary_key)] id: i64 }");
    assert!(e.ends_with("help: `primary_key` is written on a field, not on the struct"), "{e}");
}

#[test]
fn duplicate_keys_are_errors_even_across_attributes() {
    let e = error(r#"struct A { #[orm(primary_key)] #[orm(column = "a", primary_key)] id: i64 }"#);
    assert_eq!(e, "duplicate attribute `primary_key`");
    let e = error(r#"#[orm(table = "a", table = "b")] struct A { #[orm(primary_key)] id: i64 }"#);
    assert_eq!(e, "duplicate attribute `table`");
}

#[test]
fn values_of_the_wrong_kind_show_the_right_form() {
    let source = r#"struct A {
        #[orm(primary_key = true)] id: i64,
        #[orm(column = 5)] a: String,
        #[orm(max_length = "10")] b: String,
        #[orm(max_length = 0)] c: String,
        #[orm(column)] d: String,
        #[orm(references = "User")] e: i64,
        #[orm(on_delete = "explode", references(B))] f: i64,
        #[orm(column = "")] g: String,
    }"#;
    assert_eq!(
        errors(source),
        [
            "`primary_key` takes no value: write `primary_key`",
            "expected a string: `column = \"name\"`",
            "expected an integer from 1 to 4294967295: `max_length = 255`",
            "expected an integer from 1 to 4294967295: `max_length = 255`",
            "expected `column = \"name\"`",
            "expected `references(OtherModel)`",
            "unknown referential action \"explode\", expected one of \"cascade\", \"restrict\", \"set null\", \"no action\"",
            "expected a non-empty string: `column = \"name\"`",
        ]
    );
}

#[test]
fn only_structs_with_named_fields_are_models() {
    assert!(error("struct A(i64);").starts_with("#[derive(Model)] does not support tuple structs"));
    assert!(error("struct A;").starts_with("#[derive(Model)] does not support unit structs"));
    assert_eq!(error("enum A { B }"), "#[derive(Model)] supports structs with named fields, not enums");
    assert_eq!(
        error("union A { b: i64 }"),
        "#[derive(Model)] supports structs with named fields, not unions"
    );
}

#[test]
fn generic_structs_are_refused() {
    let message = "#[derive(Model)] does not support generic structs: a model maps to one table";
    assert_eq!(error("struct A<T> { #[orm(primary_key)] id: i64, t: T }").lines().next(), Some(message));
    assert_eq!(error("struct A<'a> { #[orm(primary_key)] id: i64, s: &'a str }").lines().next(), Some(message));
}

#[test]
fn two_fields_cannot_share_a_column() {
    let e = error(r#"struct A { #[orm(primary_key)] id: i64, a: i64, #[orm(column = "a")] b: i64 }"#);
    assert!(e.starts_with("column `a` is already the column of field `a`"), "{e}");
}

#[test]
fn skip_stands_alone() {
    let errors = errors(r#"struct A { #[orm(primary_key)] id: i64, #[orm(skip, unique, column = "x")] c: u64 }"#);
    assert_eq!(
        errors,
        [
            "`skip` cannot be combined with `unique`: a skipped field is not a column",
            "`skip` cannot be combined with `column`: a skipped field is not a column",
        ]
    );
    let e = error("struct A { #[orm(primary_key, skip)] id: i64 }");
    assert!(e.starts_with("`skip` cannot be combined with `primary_key`"), "{e}");
}

#[test]
fn max_length_is_for_strings() {
    let e = error("struct A { #[orm(primary_key, max_length = 5)] id: i64 }");
    assert_eq!(e, "`max_length` applies to `String` fields, not `i64`");
    let e = error(r#"struct A { #[orm(primary_key)] id: i64, #[orm(max_length = 5, sql_type = "CHAR(5)")] s: String }"#);
    assert!(e.starts_with("`max_length` cannot be combined with `sql_type`"), "{e}");
}

#[test]
fn referential_actions_need_a_reference() {
    let e = error(r#"struct A { #[orm(primary_key)] id: i64, #[orm(on_delete = "cascade")] b: i64 }"#);
    assert!(e.starts_with("`on_delete` applies to a foreign key\nhelp:"), "{e}");
    let e = error(r#"struct A { #[orm(primary_key)] id: i64, #[orm(references(B), on_delete = "set null")] b: i64 }"#);
    assert_eq!(e, "`on_delete = \"set null\"` needs a NULL-able column\nhelp: make the field an `Option<i64>`");
}

#[test]
fn a_self_reference_needs_a_single_column_key() {
    let e = error("struct A { #[orm(primary_key)] a: i64, #[orm(primary_key, references(Self))] b: i64 }");
    assert_eq!(e, "`references(Self)` needs a single-column primary key, and this one is composite");
}

#[test]
fn a_primary_key_is_not_optional() {
    let e = error("struct A { #[orm(primary_key)] id: Option<i64> }");
    assert_eq!(e, "a primary key cannot be an `Option`: key columns are NOT NULL\nhelp: use the inner type `i64`");
}

#[test]
fn auto_increment_is_for_a_single_integer_key() {
    assert_eq!(
        error("struct A { #[orm(primary_key)] id: i64, #[orm(auto_increment = false)] n: i64 }"),
        "`auto_increment` applies to a primary key field"
    );
    assert_eq!(
        error("struct A { #[orm(primary_key, auto_increment)] a: i64, #[orm(primary_key)] b: i64 }"),
        "a composite primary key cannot auto-increment"
    );
    assert_eq!(
        error("struct A { #[orm(primary_key, auto_increment = true)] a: String }"),
        "only an integer primary key (`i16`, `i32` or `i64`) can auto-increment"
    );
}

#[test]
fn struct_level_constraints_name_existing_fields() {
    let source = r#"
        #[orm(index(columns("titel")), unique(columns("author_id")), index(columns("cache")))]
        #[orm(index(name = "x"), index(columns()))]
        struct Post {
            #[orm(primary_key)] id: i64,
            title: String,
            #[orm(column = "author_id")] author: i64,
            #[orm(skip)] cache: u64,
        }"#;
    assert_eq!(
        errors(source),
        [
            "`index` needs its fields: write `index(columns(\"field_a\", \"field_b\"))`",
            // Unique constraints are built before indexes.
            "no field `author_id` in this struct: `columns(...)` lists field names\nhelp: `author_id` is the column of field `author`",
            "no field `titel` in this struct: `columns(...)` lists field names\nhelp: did you mean `title`?",
            "field `cache` is skipped, so it has no column",
            "expected at least one field in `columns(...)`",
        ]
    );
}

#[test]
fn constraint_names_are_distinct() {
    let e = error(r#"#[orm(index(columns("email")))] struct A { #[orm(primary_key)] id: i64, #[orm(index)] email: String }"#);
    assert!(e.starts_with("another index or unique constraint of this table is named `ix_a_email`"), "{e}");
}

#[test]
fn every_error_is_reported_at_once() {
    let errors = errors(
        r#"struct A {
            #[orm(uniq)] a: String,
            b: u64,
            #[orm(max_length = 3)] c: i32,
        }"#,
    );
    assert_eq!(errors.len(), 4, "{errors:#?}");
}

// --- files and foreign keys ------------------------------------------------------------

const BLOG: &str = r#"
    use orm_core::prelude::*;

    #[derive(Debug, Model)]
    #[orm(table = "users")]
    pub struct User { #[orm(primary_key)] pub id: i64 }

    pub mod blog {
        #[derive(Clone, orm_core::Model)]
        pub struct Post {
            #[orm(primary_key)] id: i64,
            #[orm(references(crate::User), on_delete = "cascade")] author_id: i64,
            #[orm(references(Self))] reply_to: Option<i64>,
        }
        mod not_inline;
    }

    #[derive(Debug)]
    struct NotAModel { x: u64 }
    fn f() {}
"#;

#[test]
fn files_yield_every_struct_deriving_model() {
    let models = parse_file(BLOG).expect("valid models");
    let names: Vec<String> = models.iter().map(|m| m.ident.to_string()).collect();
    assert_eq!(names, ["User", "Post"]);
}

#[test]
fn resolving_fills_in_foreign_keys() {
    let tables = resolve_tables(&parse_file(BLOG).expect("valid models")).expect("resolvable");
    assert!(tables[0].foreign_keys.is_empty());
    assert_eq!(
        tables[1].foreign_keys,
        [
            ForeignKeyDef {
                columns: vec!["author_id".into()],
                ref_table: "users".into(),
                ref_columns: vec!["id".into()],
                on_delete: Some(ReferentialAction::Cascade),
                on_update: None,
            },
            ForeignKeyDef {
                columns: vec!["reply_to".into()],
                ref_table: "post".into(),
                ref_columns: vec!["id".into()],
                on_delete: None,
                on_update: None,
            },
        ]
    );
}

#[test]
fn unresolvable_references_name_the_field() {
    let missing = parse_file(
        "#[derive(Model)] struct Post { #[orm(primary_key)] id: i64, #[orm(references(User))] author_id: i64 }",
    );
    assert_eq!(
        resolve_tables(&missing.expect("valid")),
        Err("`Post.author_id` references `User`, which is not a model of the sources read".into())
    );
    let composite = parse_file(
        "#[derive(Model)] struct M { #[orm(primary_key)] a: i64, #[orm(primary_key)] b: i64 }
         #[derive(Model)] struct N { #[orm(primary_key)] id: i64, #[orm(references(M))] m: i64 }",
    );
    let e = resolve_tables(&composite.expect("valid")).expect_err("composite target");
    assert!(e.contains("whose primary key has 2 columns"), "{e}");
}

#[test]
fn file_errors_combine_every_model() {
    let e = parse_file(
        "#[derive(Model)] struct A { x: i64 }
         mod m { #[derive(Model)] struct B { y: i64 } }",
    )
    .expect_err("two models without keys");
    assert_eq!(e.into_iter().count(), 2);
    assert!(parse_file("struct {").is_err());
}
