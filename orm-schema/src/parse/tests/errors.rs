//! The error messages, one test per rule.

use super::{error, errors};
use crate::RustType;

#[test]
fn a_model_needs_a_primary_key() {
    let e = error("struct User { name: String }");
    assert_eq!(
        e,
        "`User` has no primary key\nhelp: mark the key field with `#[orm(primary_key)]`"
    );
}

#[test]
fn unsupported_types_ask_for_sql_type() {
    let e = error("struct A { #[orm(primary_key)] id: i64, n: u64 }");
    assert!(
        e.starts_with("unsupported field type `u64`: a column's type must be one of bool, i8"),
        "{e}"
    );
    assert!(e.contains(RustType::SUPPORTED), "{e}");
    assert!(e.contains("`#[orm(sql_type = \"...\")]`"), "{e}");
    let e = error("struct A { #[orm(primary_key)] id: i64, pair: (i32, i32) }");
    assert!(e.starts_with("unsupported field type `(i32 , i32)`"), "{e}");
    let e = error("struct A { #[orm(primary_key)] id: i64, n: Option<Option<i32>> }");
    assert!(
        e.starts_with("unsupported field type `Option<Option<i32>>`"),
        "{e}"
    );
}

#[test]
fn unknown_keys_list_the_expected_ones_and_suggest_a_near_miss() {
    let e = error("struct A { #[orm(primary_key, uniq)] id: i64 }");
    assert_eq!(
        e,
        "unknown attribute `uniq`, expected one of `primary_key`, `column`, `skip`, `unique`, \
         `index`, `max_length`, `default`, `sql_type`, `references`, `relation`, `ref_column`, \
         `fk_name`, `on_delete`, `on_update`, `auto_increment`, `version`\nhelp: did you mean \
         `unique`?"
    );
    let e = error(r#"#[orm(tabel = "a")] struct A { #[orm(primary_key)] id: i64 }"#);
    assert!(
        e.starts_with(
            "unknown attribute `tabel`, expected one of `table`, `index`, `unique`, `foreign_key`, `hooks`, `view`"
        ),
        "{e}"
    );
    assert!(e.ends_with("did you mean `table`?"), "{e}");
    let e = error("struct A { #[orm(primary_key, frobnicate)] id: i64 }");
    assert!(!e.contains("did you mean"), "{e}");
}

#[test]
fn keys_in_the_wrong_place_say_where_they_belong() {
    let e = error(r#"struct A { #[orm(primary_key, table = "a")] id: i64 }"#);
    assert!(
        e.ends_with("help: `table` is written on the struct, not on a field"),
        "{e}"
    );
    let e = error("#[orm(primary_key)] struct A { #[orm(primary_key)] id: i64 }");
    assert!(
        e.ends_with("help: `primary_key` is written on a field, not on the struct"),
        "{e}"
    );
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
fn sql_types_per_dialect_name_known_dialects_once() {
    let source = r#"struct A {
        #[orm(primary_key)] id: i64,
        #[orm(sql_type(postgress = "CITEXT"))] a: String,
        #[orm(sql_type(sqlite = "TEXT", sqlite = "CLOB"))] b: String,
        #[orm(sql_type())] c: String,
        #[orm(sql_type(mysql = 5))] d: String,
    }"#;
    assert_eq!(
        errors(source),
        [
            "unknown dialect `postgress`, expected one of `sqlite`, `postgres`, `mysql`\nhelp: did you mean `postgres`?",
            "duplicate dialect `sqlite`",
            "expected `sql_type(sqlite = \"NVARCHAR(20)\", postgres = \"VARCHAR(20)\")`",
            "expected a string: `sql_type(sqlite = \"NVARCHAR(20)\", postgres = \"VARCHAR(20)\")`",
        ]
    );
    // With a per-dialect type, the Rust type's mapping serves the other dialects, and
    // `max_length` is its length there.
    let models = crate::parse::parse_file(
        r#"#[derive(Model)] struct A {
            #[orm(primary_key)] id: i64,
            #[orm(max_length = 20, sql_type(sqlite = "NVARCHAR(20)"))] name: String,
        }"#,
    )
    .unwrap();
    let table = crate::parse::resolve_tables(&models).unwrap().remove(0);
    let name = table.column_named("name").unwrap();
    assert_eq!(name.sql_type, crate::SqlType::Varchar(20));
    assert_eq!(name.dialect_type("sqlite"), Some("NVARCHAR(20)"));
    assert_eq!(name.dialect_type("postgres"), None);
}

#[test]
fn only_structs_with_named_fields_are_models() {
    assert!(error("struct A(i64);").starts_with("#[derive(Model)] does not support tuple structs"));
    assert!(error("struct A;").starts_with("#[derive(Model)] does not support unit structs"));
    let enum_error = error("enum A { B }");
    assert!(
        enum_error.starts_with("#[derive(Model)] supports structs with named fields, not enums"),
        "{enum_error}"
    );
    assert!(enum_error.contains("help: "), "{enum_error}");
    assert_eq!(
        error("union A { b: i64 }"),
        "#[derive(Model)] supports structs with named fields, not unions"
    );
}

#[test]
fn generic_structs_are_refused() {
    let message = "#[derive(Model)] does not support generic structs: a model maps to one table";
    assert_eq!(
        error("struct A<T> { #[orm(primary_key)] id: i64, t: T }")
            .lines()
            .next(),
        Some(message)
    );
    assert_eq!(
        error("struct A<'a> { #[orm(primary_key)] id: i64, s: &'a str }")
            .lines()
            .next(),
        Some(message)
    );
}

#[test]
fn two_fields_cannot_share_a_column() {
    let e =
        error(r#"struct A { #[orm(primary_key)] id: i64, a: i64, #[orm(column = "a")] b: i64 }"#);
    assert!(
        e.starts_with("column `a` is already the column of field `a`"),
        "{e}"
    );
}

#[test]
fn skip_stands_alone() {
    let errors = errors(
        r#"struct A { #[orm(primary_key)] id: i64, #[orm(skip, unique, column = "x")] c: u64 }"#,
    );
    assert_eq!(
        errors,
        [
            "`skip` cannot be combined with `unique`: a skipped field is not a column",
            "`skip` cannot be combined with `column`: a skipped field is not a column",
        ]
    );
    let e = error("struct A { #[orm(primary_key, skip)] id: i64 }");
    assert!(
        e.starts_with("`skip` cannot be combined with `primary_key`"),
        "{e}"
    );
}

#[test]
fn max_length_is_for_strings() {
    let e = error("struct A { #[orm(primary_key, max_length = 5)] id: i64 }");
    assert_eq!(
        e,
        "`max_length` applies to `String` fields and text types such as `DbEnum` enums, not `i64`"
    );
    let e = error(
        r#"struct A { #[orm(primary_key)] id: i64, #[orm(max_length = 5, sql_type = "CHAR(5)")] s: String }"#,
    );
    assert!(
        e.starts_with("`max_length` cannot be combined with `sql_type`"),
        "{e}"
    );
}

#[test]
fn referential_actions_need_a_reference() {
    let e =
        error(r#"struct A { #[orm(primary_key)] id: i64, #[orm(on_delete = "cascade")] b: i64 }"#);
    assert!(
        e.starts_with("`on_delete` applies to a foreign key\nhelp:"),
        "{e}"
    );
    let e = error(
        r#"struct A { #[orm(primary_key)] id: i64, #[orm(references(B), on_delete = "set null")] b: i64 }"#,
    );
    assert_eq!(
        e,
        "`on_delete = \"set null\"` needs a NULL-able column\nhelp: make the field an `Option<i64>`"
    );
}

#[test]
fn a_self_reference_needs_a_single_column_key() {
    let e = error(
        "struct A { #[orm(primary_key)] a: i64, #[orm(primary_key, references(Self))] b: i64 }",
    );
    assert_eq!(
        e,
        "`references(Self)` needs a single-column primary key, and this one is composite"
    );
}

#[test]
fn a_primary_key_is_not_optional() {
    let e = error("struct A { #[orm(primary_key)] id: Option<i64> }");
    assert_eq!(
        e,
        "a primary key cannot be an `Option`: key columns are NOT NULL\nhelp: use the inner type `i64`"
    );
}

#[test]
fn auto_increment_is_for_a_single_integer_key() {
    assert_eq!(
        error("struct A { #[orm(primary_key)] id: i64, #[orm(auto_increment = false)] n: i64 }"),
        "`auto_increment` applies to a primary key field"
    );
    assert_eq!(
        error(
            "struct A { #[orm(primary_key, auto_increment)] a: i64, #[orm(primary_key)] b: i64 }"
        ),
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
    let e = error(
        r#"#[orm(index(columns("email")))] struct A { #[orm(primary_key)] id: i64, #[orm(index)] email: String }"#,
    );
    assert!(
        e.starts_with("another index or unique constraint of this table is named `ix_a_email`"),
        "{e}"
    );
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
