//! Source files with several models, and resolving their references.

use crate::parse::{parse_file, resolve_tables};
use crate::{ForeignKeyDef, ReferentialAction};

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

    #[cfg(test)]
    mod tests {
        #[derive(Model)]
        struct OnlyInTests { #[orm(primary_key)] id: i64 }
    }

    #[cfg(test)]
    #[derive(Model)]
    struct AlsoOnlyInTests { #[orm(primary_key)] id: i64 }
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
                name: None,
                on_delete: Some(ReferentialAction::Cascade),
                on_update: None,
            },
            ForeignKeyDef {
                columns: vec!["reply_to".into()],
                ref_table: "post".into(),
                ref_columns: vec!["id".into()],
                name: None,
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
    assert!(e.contains("whose key has 2 columns"), "{e}");
    let unknown = parse_file(
        "#[derive(Model)] struct M { #[orm(primary_key)] a: i64, code: String }
         #[derive(Model)] struct N { #[orm(primary_key)] id: i64, #[orm(references(M), ref_column = \"cod\")] m: String }",
    );
    let e = resolve_tables(&unknown.expect("valid")).expect_err("unknown field");
    assert_eq!(e, "`N.m` references `M`, which has no field `cod`");
}

#[test]
fn composite_and_non_key_references_resolve_to_columns() {
    let models = parse_file(
        r#"#[derive(Model)] #[orm(table = "accounts")] struct Account {
               #[orm(primary_key)] id: i64, tenant: i32, #[orm(column = "no")] number: i32, code: String }
           #[derive(Model)]
           #[orm(foreign_key(columns("tenant", "num"), references(Account), ref_columns("tenant", "number"), name = "fk_pair"))]
           struct Transfer { #[orm(primary_key)] id: i64, tenant: i32, num: i32,
               #[orm(references(Account), ref_column = "code")] code: Option<String> }"#,
    )
    .expect("valid");
    let tables = resolve_tables(&models).expect("resolves");
    let fks = &tables[1].foreign_keys;
    assert_eq!(fks[0].ref_columns, ["code"]);
    assert_eq!(fks[1].columns, ["tenant", "num"]);
    assert_eq!(
        fks[1].ref_columns,
        ["tenant", "no"],
        "the renamed field's column"
    );
    assert_eq!(fks[1].constraint_name("transfer"), "fk_pair");
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
