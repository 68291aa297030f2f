//! The DDL each dialect gets for the same models: one snapshot per statement kind, listing
//! SQLite, PostgreSQL and MySQL in turn; and the foreign-key order tables are created in.
//!
//! Regenerate with `INSTA_UPDATE=always cargo test -p orm-core --test ddl`, then read the
//! changed `.snap` files in `tests/snapshots/`: each is the SQL that `create_all` runs.

// The models exist for their table definitions; their fields are never read.
#![allow(dead_code)]

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use orm_core::prelude::*;
use orm_core::schema::{
    ForeignKeyDef, TableDef, create_statements, dependency_order, drop_statements,
    registered_tables,
};

/// Every type of the default features, each nullable once.
#[derive(Model)]
#[orm(table = "every_type")]
struct EveryType {
    #[orm(primary_key)]
    id: i64,
    flag: bool,
    tiny: i8,
    small: i16,
    int: i32,
    big: i64,
    utiny: u8,
    usmall: u16,
    uint: u32,
    single: f32,
    double: f64,
    text: String,
    bytes: Vec<u8>,
    date: NaiveDate,
    time: NaiveTime,
    datetime: NaiveDateTime,
    instant: DateTime<Utc>,
    uuid: uuid::Uuid,
    json: serde_json::Value,
    maybe_int: Option<i32>,
    maybe_text: Option<String>,
}

#[derive(Model)]
#[orm(table = "teams")]
struct Team {
    #[orm(primary_key)]
    id: i32,
    #[orm(unique, max_length = 80)]
    name: String,
    #[orm(default = "TRUE")]
    active: bool,
}

/// Column options, struct-level indexes and foreign keys with their actions.
#[derive(Model)]
#[orm(
    table = "members",
    index(columns("team_id", "joined")),
    unique(columns("team_id", "handle"))
)]
struct Member {
    #[orm(primary_key)]
    id: i64,
    #[orm(references(Team), on_delete = "cascade", on_update = "restrict")]
    team_id: i32,
    #[orm(references(Member), on_delete = "set null")]
    mentor_id: Option<i64>,
    #[orm(max_length = 40, column = "login")]
    handle: String,
    #[orm(index)]
    email: String,
    #[orm(sql_type = "TEXT")]
    notes: Option<String>,
    joined: NaiveDateTime,
    #[orm(skip)]
    cache: Vec<String>,
}

/// A text key given by the user and a composite key.
#[derive(Model)]
#[orm(table = "memberships")]
struct Membership {
    #[orm(primary_key, max_length = 36)]
    code: String,
    #[orm(primary_key, references(Team), on_delete = "no action")]
    team_id: i32,
}

/// Accounts have a unique code and a unique (tenant, number) besides their key.
#[derive(Model)]
#[orm(table = "accounts", unique(columns("tenant", "number")))]
struct Account {
    #[orm(primary_key)]
    id: i64,
    tenant: i32,
    number: i32,
    #[orm(unique, max_length = 16)]
    code: String,
}

/// Foreign keys to those: composite, to a non-key column, with names of their own.
#[derive(Model)]
#[orm(
    table = "transfers",
    foreign_key(
        columns("tenant", "account_number"),
        references(Account),
        ref_columns("tenant", "number"),
        name = "fk_transfer_account",
        on_delete = "cascade",
    )
)]
struct Transfer {
    #[orm(primary_key)]
    id: i64,
    tenant: i32,
    account_number: i32,
    #[orm(references(Account), ref_column = "code", fk_name = "fk_transfer_code")]
    account_code: Option<String>,
}

#[test]
fn composite_named_and_non_key_foreign_keys() {
    let tables = [Transfer::table_def(), Account::table_def()];
    let fks = &Transfer::table_def().foreign_keys;
    assert_eq!(fks.len(), 2);
    assert_eq!(fks[0].columns, ["account_code"]);
    assert_eq!(fks[0].ref_columns, ["code"]);
    assert_eq!(fks[0].constraint_name("transfers"), "fk_transfer_code");
    assert_eq!(fks[1].columns, ["tenant", "account_number"]);
    assert_eq!(fks[1].ref_columns, ["tenant", "number"]);
    insta::assert_snapshot!(per_dialect(|d| {
        let mut all = create_statements(d, &tables).unwrap();
        all.extend(drop_statements(d, &tables).unwrap());
        all
    }));
}

fn per_dialect(statements: impl Fn(Dialect) -> Vec<String>) -> String {
    Dialect::ALL
        .iter()
        .map(|d| format!("-- {d}\n{};\n", statements(*d).join(";\n")))
        .collect::<Vec<_>>()
        .join("\n")
}

fn tables() -> [&'static TableDef; 4] {
    [
        Member::table_def(),
        EveryType::table_def(),
        Membership::table_def(),
        Team::table_def(),
    ]
}

#[test]
fn create_every_type() {
    insta::assert_snapshot!(per_dialect(|d| create_statements(
        d,
        &[EveryType::table_def()]
    )
    .unwrap()));
}

#[test]
fn create_keys_indexes_and_foreign_keys() {
    let tables = [
        Member::table_def(),
        Team::table_def(),
        Membership::table_def(),
    ];
    insta::assert_snapshot!(per_dialect(|d| create_statements(d, &tables).unwrap()));
}

#[test]
fn drop_in_reverse_foreign_key_order() {
    insta::assert_snapshot!(per_dialect(|d| drop_statements(d, &tables()).unwrap()));
}

fn names(tables: &[&TableDef]) -> Vec<String> {
    tables.iter().map(|t| t.name.clone()).collect()
}

#[test]
fn referenced_tables_come_first_whatever_the_input_order() {
    let mut input = tables().to_vec();
    let expected = ["every_type", "teams", "members", "memberships"];
    for _ in 0..input.len() {
        input.rotate_left(1);
        assert_eq!(names(&dependency_order(&input).unwrap()), expected);
    }
}

#[test]
fn the_same_table_twice_is_kept_once() {
    let ordered = dependency_order(&[Team::table_def(), Team::table_def()]).unwrap();
    assert_eq!(names(&ordered), ["teams"]);
}

#[test]
fn two_models_on_one_table_are_refused() {
    let mut other = Team::table_def().clone();
    other.columns.pop();
    let err = dependency_order(&[Team::table_def(), &other]).unwrap_err();
    assert!(matches!(err, Error::Schema(_)), "{err:?}");
    assert!(err.to_string().contains("`teams`"), "{err}");
}

#[test]
fn a_foreign_key_cycle_is_refused_with_its_tables() {
    // teams -> members -> teams
    let mut teams = Team::table_def().clone();
    teams
        .foreign_keys
        .push(ForeignKeyDef::new(["captain_id"], "members", ["id"]));
    let members = Member::table_def();
    let err = dependency_order(&[&teams, members, Membership::table_def()]).unwrap_err();
    assert!(matches!(err, Error::Schema(_)), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("cycle") && message.contains("members -> teams -> members"),
        "{message}"
    );
}

/// A cycle is created as SQLAlchemy's `use_alter` does: tables first, then the key that
/// closes the cycle; dropped in the reverse way. SQLite takes the key inline.
#[test]
fn a_foreign_key_cycle_is_created_then_closed() {
    let mut teams = Team::table_def().clone();
    teams.columns.push(
        orm_core::schema::ColumnDef::new("captain_id", orm_core::schema::SqlType::BigInt)
            .nullable(),
    );
    teams
        .foreign_keys
        .push(ForeignKeyDef::new(["captain_id"], "members", ["id"]));
    let tables = [&teams, Member::table_def()];
    let (order, deferred) = orm_core::schema::creation_order(&tables).unwrap();
    // Broken at the NULL-able key, whose row a session can write first.
    assert_eq!(names(&order), ["teams", "members"]);
    assert_eq!(deferred.len(), 1);
    assert_eq!(deferred[0].1.columns, ["captain_id"]);
    insta::assert_snapshot!(per_dialect(|d| {
        let mut all = create_statements(d, &tables).unwrap();
        all.push("-- drop".into());
        all.extend(drop_statements(d, &tables).unwrap());
        all
    }));
}

#[test]
fn the_registry_holds_every_model_of_the_binary() {
    let tables = registered_tables();
    let registered = names(&tables);
    for table in ["every_type", "teams", "members", "memberships"] {
        assert!(
            registered.iter().any(|t| t == table),
            "{table}: {registered:?}"
        );
    }
    let mut sorted = registered.clone();
    sorted.sort();
    assert_eq!(registered, sorted, "in table name order");
    // Each is the model's own definition, foreign keys included (the state the link
    // section holds is the model's one `static`).
    let member = tables.iter().find(|t| t.name == "members").unwrap();
    assert!(std::ptr::eq(*member, Member::table_def()));
    assert_eq!(
        member
            .foreign_keys
            .iter()
            .map(|f| f.ref_table.as_str())
            .collect::<Vec<_>>(),
        ["teams", "members"]
    );
    assert_eq!(
        member.column_named("notes").map(|c| &c.sql_type),
        Some(&orm_core::schema::SqlType::Custom("TEXT".into()))
    );
    assert_eq!(
        member
            .column_named("login")
            .and_then(|c| c.default.as_deref()),
        None
    );
    assert_eq!(
        Team::table_def()
            .column_named("active")
            .and_then(|c| c.default.as_deref()),
        Some("TRUE")
    );
}

/// Every schema change, per dialect: what migrations are made of.
#[test]
fn schema_changes() {
    use orm_core::schema::{
        ColumnDef, ForeignKeyDef, IndexDef, ReferentialAction, SchemaChange, SqlType, UniqueDef,
    };
    let t = || "people".to_owned();
    let changes = [
        SchemaChange::RenameTable {
            from: "persons".into(),
            to: t(),
        },
        SchemaChange::AddColumn {
            table: t(),
            column: ColumnDef::new("nick", SqlType::Varchar(40)).nullable(),
        },
        SchemaChange::AddColumn {
            table: t(),
            column: ColumnDef::new("score", SqlType::Integer).default_sql("0"),
        },
        SchemaChange::RenameColumn {
            table: t(),
            from: "nick".into(),
            to: "nickname".into(),
        },
        SchemaChange::AlterColumn {
            table: t(),
            column: ColumnDef::new("score", SqlType::BigInt),
        },
        SchemaChange::CreateIndex {
            table: TableDef::new("people").column(ColumnDef::new("score", SqlType::BigInt)),
            index: IndexDef::new("people", vec!["score".into()]),
        },
        SchemaChange::DropIndex {
            table: t(),
            name: "ix_people_score".into(),
        },
        SchemaChange::AddUnique {
            table: t(),
            unique: UniqueDef::new("people", vec!["nickname".into()]),
        },
        SchemaChange::DropUnique {
            table: t(),
            name: "uq_people_nickname".into(),
        },
        SchemaChange::AddForeignKey {
            table: t(),
            foreign_key: ForeignKeyDef {
                on_delete: Some(ReferentialAction::SetNull),
                ..ForeignKeyDef::new(["team_id"], "teams", ["id"])
            },
        },
        SchemaChange::DropForeignKey {
            table: t(),
            name: "fk_people_team_id_teams".into(),
        },
        SchemaChange::DropColumn {
            table: t(),
            column: "nickname".into(),
        },
        SchemaChange::DropTable { table: t() },
        SchemaChange::AddColumn {
            table: t(),
            column: ColumnDef::new("title", SqlType::Varchar(40))
                .nullable()
                .sql_type_on("sqlite", "NVARCHAR(40)"),
        },
        SchemaChange::RebuildTable {
            table: TableDef::new("people")
                .column(
                    ColumnDef::new("id", SqlType::BigInt)
                        .primary_key()
                        .auto_increment(),
                )
                .column(ColumnDef::new("score", SqlType::Decimal).nullable())
                .index(IndexDef::new("people", vec!["score".into()]))
                .foreign_key(ForeignKeyDef {
                    on_delete: Some(ReferentialAction::Cascade),
                    ..ForeignKeyDef::new(["id"], "persons", ["id"])
                }),
            columns: vec![
                ("id".into(), "id".into()),
                ("score".into(), "points".into()),
            ],
        },
    ];
    let shown: Vec<String> = changes
        .iter()
        .map(|change| {
            Dialect::ALL
                .map(|d| match change.to_sql(d) {
                    Ok(sql) => format!("{d}: {}", sql.join(";\n    ")),
                    Err(e) => format!("{d}: error: {e}"),
                })
                .join("\n")
        })
        .collect();
    insta::assert_snapshot!(shown.join("\n\n"));
}

/// The migration files between two versions of a schema, per dialect: the order of the
/// steps, the destructive ones marked, SQLite's rebuilds inside its own transaction with
/// foreign keys off and checked.
#[test]
fn migration_files() {
    use orm_core::migrate::{MigrationFiles, Renames, diff};
    use orm_core::schema::{ColumnDef, ForeignKeyDef, IndexDef, SqlType};
    let v1 = vec![
        TableDef::new("teams")
            .column(
                ColumnDef::new("id", SqlType::BigInt)
                    .primary_key()
                    .auto_increment(),
            )
            .column(ColumnDef::new("name", SqlType::Text))
            .index(IndexDef::new("teams", vec!["name".into()])),
        TableDef::new("players")
            .column(
                ColumnDef::new("id", SqlType::BigInt)
                    .primary_key()
                    .auto_increment(),
            )
            .column(ColumnDef::new("team_id", SqlType::BigInt))
            .column(ColumnDef::new("nick", SqlType::Varchar(20)))
            .column(ColumnDef::new("legacy", SqlType::Text).nullable())
            .foreign_key(ForeignKeyDef::new(["team_id"], "teams", ["id"])),
    ];
    let mut v2 = v1.clone();
    v2[0].indexes.clear();
    v2[0].columns[1].nullable = true;
    v2[1].columns.retain(|c| c.name != "legacy");
    v2[1].columns[2].name = "nickname".into();
    v2[1].columns[2].sql_type = SqlType::Varchar(40);
    v2.push(
        TableDef::new("matches")
            .column(
                ColumnDef::new("id", SqlType::BigInt)
                    .primary_key()
                    .auto_increment(),
            )
            .column(ColumnDef::new("home_id", SqlType::BigInt))
            .column(ColumnDef::new("played", SqlType::Timestamp).default_sql("CURRENT_TIMESTAMP")),
    );
    let renames = Renames::default().column("players", "nick", "nickname");
    fn refs(s: &[TableDef]) -> Vec<&TableDef> {
        s.iter().collect()
    }
    let shown: Vec<String> = Dialect::ALL
        .iter()
        .map(|&d| {
            let up = diff(d, &refs(&v2), &v1, &renames).unwrap();
            let down = diff(d, &refs(&v1), &v2, &renames.reversed()).unwrap();
            let files = MigrationFiles::new(d, &up, &down).unwrap();
            format!("===== {d} up\n{}\n===== {d} down\n{}", files.up, files.down)
        })
        .collect();
    insta::assert_snapshot!(shown.join("\n"));
}
