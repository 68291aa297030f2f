//! Models written back as Rust: what `orm-cli inspect` prints for an existing database.
//!
//! Each table becomes a `#[derive(Model)]` struct whose fields map its columns to Rust
//! types; where the model would not create the column's type as it is on this backend
//! (`NVARCHAR(160)` on SQLite, `NUMERIC(10,2)`), the field says `sql_type`, so that
//! `create-all` of the models gives the same tables back.

use std::fmt::Write;

use heck::{ToSnakeCase, ToUpperCamelCase};

use orm_schema::{ColumnDef, ForeignKeyDef, IndexDef, SqlType, TableDef, UniqueDef};

use super::compare::column_type;
use crate::Dialect;

/// The Rust source of a model struct for each of `tables`, as read from a `dialect`
/// database by [`Database::inspect_schema`](crate::Database::inspect_schema). A foreign
/// key to a table not among `tables` is left as a comment; a table without a primary key
/// (which a model needs) is listed in a comment instead of a struct.
///
/// ```
/// use orm_core::Dialect;
/// use orm_core::migrate::model_source;
/// use orm_core::schema::{ColumnDef, SqlType, TableDef};
///
/// let t = TableDef::new("Artist")
///     .column(ColumnDef::new("ArtistId", SqlType::Custom("INTEGER".into())).primary_key())
///     .column(ColumnDef::new("Name", SqlType::Custom("NVARCHAR(120)".into())).nullable());
/// let source = model_source(Dialect::Sqlite, &[t]);
/// assert!(source.contains("#[orm(table = \"Artist\")]\npub struct Artist {"), "{source}");
/// assert!(source.contains("#[orm(column = \"Name\", max_length = 120, sql_type(sqlite = \"NVARCHAR(120)\"))]\n    pub name: Option<String>,"), "{source}");
/// ```
pub fn model_source(dialect: Dialect, tables: &[TableDef]) -> String {
    let mut out = String::new();
    out.push_str(
        "//! Models of an existing database, written by `orm-cli inspect`. Review the names and\n\
         //! types; `orm-cli create-all --models` reads them as they are.\n\n\
         #![allow(dead_code)]\n\nuse orm_core::Model;\n",
    );
    // Struct names for the tables that get a struct, two alike told apart.
    let mut names: Vec<(String, String)> = Vec::new();
    for t in tables.iter().filter(|t| !t.primary_key.is_empty()) {
        let name = unique_name(struct_name(&t.name), "", |n| {
            names.iter().any(|(_, m)| m == n)
        });
        names.push((t.name.clone(), name));
    }
    let mut keyless = Vec::new();
    for table in tables {
        if table.primary_key.is_empty() {
            keyless.push(table.name.as_str());
            continue;
        }
        out.push('\n');
        write_model(&mut out, dialect, table, tables, &names);
    }
    if !keyless.is_empty() {
        let _ = writeln!(
            out,
            "\n// Tables without a primary key, which a model needs: {}",
            keyless.join(", ")
        );
    }
    out
}

fn write_model(
    out: &mut String,
    dialect: Dialect,
    table: &TableDef,
    tables: &[TableDef],
    names: &[(String, String)],
) {
    let model_of = |table: &str| {
        names
            .iter()
            .find(|(t, _)| t == table)
            .map(|(_, m)| m.clone())
    };
    let struct_name = model_of(&table.name).unwrap_or_else(|| struct_name(&table.name));
    let mut fields: Vec<String> = Vec::new();
    for c in &table.columns {
        let name = unique_name(field_name(&c.name), "_", |n| fields.iter().any(|f| f == n));
        fields.push(name);
    }
    let field_of = |column: &str| {
        table
            .columns
            .iter()
            .position(|c| c.name == column)
            .map(|i| fields[i].clone())
            .unwrap_or_else(|| field_name(column))
    };
    let quoted_fields = |columns: &[String]| {
        columns
            .iter()
            .map(|c| format!("{:?}", field_of(c).trim_start_matches("r#")))
            .collect::<Vec<_>>()
            .join(", ")
    };

    let mut struct_attrs: Vec<String> = Vec::new();
    if heck_snake(&struct_name) != table.name {
        struct_attrs.push(format!("table = {:?}", table.name));
    }
    let mut field_attrs: Vec<Vec<String>> = vec![Vec::new(); table.columns.len()];
    let mut comments: Vec<Vec<String>> = vec![Vec::new(); table.columns.len()];
    let position = |column: &str| table.columns.iter().position(|c| c.name == column);

    for unique in &table.uniques {
        match unique.columns.as_slice() {
            [one] if *unique == UniqueDef::new(&table.name, vec![one.clone()]) => {
                if let Some(i) = position(one) {
                    field_attrs[i].push("unique".into());
                }
            }
            cols => struct_attrs.push(format!(
                "unique(columns({}), name = {:?})",
                quoted_fields(cols),
                unique.name
            )),
        }
    }
    for index in &table.indexes {
        match index.columns.as_slice() {
            [one] if !index.unique && *index == IndexDef::new(&table.name, vec![one.clone()]) => {
                if let Some(i) = position(one) {
                    field_attrs[i].push("index".into());
                }
            }
            cols => struct_attrs.push(format!(
                "index(columns({}), name = {:?}{})",
                quoted_fields(cols),
                index.name,
                if index.unique { ", unique" } else { "" }
            )),
        }
    }
    let single_key = table.primary_key.len() == 1;
    // A key column takes the Rust type of the column it references (the derive checks
    // that they agree), reading its own width with `sql_type` where the two differ.
    let mapped_types: Vec<Mapped> = table
        .columns
        .iter()
        .map(|c| {
            let own = rust_type(dialect, c);
            let referenced = table.foreign_keys.iter().find_map(|fk| {
                let i = fk.columns.iter().position(|k| *k == c.name)?;
                let t = tables.iter().find(|t| t.name == fk.ref_table)?;
                t.column_named(&fk.ref_columns[i])
            });
            match referenced.map(|r| rust_type(dialect, r)) {
                Some(r) if r.integer_key && own.integer_key && r.rust != own.rust => r,
                _ => own,
            }
        })
        .collect();
    for (i, c) in table.columns.iter().enumerate() {
        let field = &fields[i];
        let mut attrs = Vec::new();
        if c.primary_key {
            attrs.push("primary_key".to_owned());
        }
        if field.trim_start_matches("r#") != c.name {
            attrs.push(format!("column = {:?}", c.name));
        }
        let mapped = &mapped_types[i];
        if let Some(n) = mapped.max_length {
            attrs.push(format!("max_length = {n}"));
        }
        // The type the model would create, against the one the table has.
        let mut as_model = c.clone();
        as_model.sql_type = mapped.sql_type.clone();
        let mut in_model = table.clone();
        in_model.columns[i] = as_model.clone();
        in_model.columns[i].auto_increment =
            c.auto_increment && c.primary_key && single_key && mapped.integer_key;
        let wanted = dialect.canonical_type(&dialect.type_name(&c.sql_type, false));
        if column_type(dialect, &in_model, &in_model.columns[i]) != wanted || mapped.unmapped {
            let native = match &c.sql_type {
                SqlType::Custom(t) => t.clone(),
                other => dialect.type_name(other, false).into_owned(),
            };
            // A type no Rust type maps is the column's type everywhere; one the Rust type
            // maps differently is this backend's own, the mapping's elsewhere.
            if mapped.unmapped {
                attrs.push(format!("sql_type = {native:?}"));
            } else {
                attrs.push(format!("sql_type({} = {native:?})", dialect.name()));
            }
        }
        if mapped.unmapped {
            comments[i].push(format!(
                "// `{}` has no Rust mapping: read as text (or change the field's type)",
                dialect.type_name(&c.sql_type, false)
            ));
        }
        if c.primary_key && single_key && mapped.integer_key && !c.auto_increment {
            attrs.push("auto_increment = false".into());
        }
        if let Some(default) = &c.default
            && !(c.auto_increment && c.primary_key)
        {
            attrs.push(format!("default = {default:?}"));
        }
        field_attrs[i].splice(0..0, attrs);
    }
    for fk in &table.foreign_keys {
        let Some(target) = model_of(&fk.ref_table) else {
            let _ = writeln!(
                out,
                "// {}: the foreign key ({}) to `{}` is left out: that table is not among these models",
                struct_name,
                fk.columns.join(", "),
                fk.ref_table
            );
            continue;
        };
        let ref_table = tables.iter().find(|t| t.name == fk.ref_table);
        let ref_field = |column: &str| field_name(column).trim_start_matches("r#").to_owned();
        let to_key = ref_table.is_some_and(|t| t.primary_key == fk.ref_columns);
        let mut parts = Vec::new();
        let conventional = ForeignKeyDef {
            name: None,
            ..fk.clone()
        }
        .constraint_name(&table.name);
        let named = fk.name.as_ref().filter(|n| **n != conventional);
        let actions = |parts: &mut Vec<String>| {
            if let Some(a) = fk.on_delete {
                parts.push(format!("on_delete = {:?}", a.as_sql().to_ascii_lowercase()));
            }
            if let Some(a) = fk.on_update {
                parts.push(format!("on_update = {:?}", a.as_sql().to_ascii_lowercase()));
            }
        };
        match (fk.columns.as_slice(), position(&fk.columns[0])) {
            ([_], Some(i)) => {
                parts.push(format!("references({target})"));
                if !to_key {
                    parts.push(format!("ref_column = {:?}", ref_field(&fk.ref_columns[0])));
                }
                if let Some(name) = named {
                    parts.push(format!("fk_name = {name:?}"));
                }
                actions(&mut parts);
                field_attrs[i].extend(parts);
            }
            _ => {
                parts.push(format!("columns({})", quoted_fields(&fk.columns)));
                parts.push(format!("references({target})"));
                if !to_key {
                    let refs: Vec<String> = fk
                        .ref_columns
                        .iter()
                        .map(|c| format!("{:?}", ref_field(c)))
                        .collect();
                    parts.push(format!("ref_columns({})", refs.join(", ")));
                }
                if let Some(name) = named {
                    parts.push(format!("name = {name:?}"));
                }
                actions(&mut parts);
                struct_attrs.push(format!("foreign_key({})", parts.join(", ")));
            }
        }
    }

    out.push_str("#[derive(Model, Debug, Clone, PartialEq)]\n");
    for attr in &struct_attrs {
        let _ = writeln!(out, "#[orm({attr})]");
    }
    let _ = writeln!(out, "pub struct {struct_name} {{");
    for (i, c) in table.columns.iter().enumerate() {
        for comment in &comments[i] {
            let _ = writeln!(out, "    {comment}");
        }
        if !field_attrs[i].is_empty() {
            let _ = writeln!(out, "    #[orm({})]", field_attrs[i].join(", "));
        }
        let ty = mapped_types[i].rust.clone();
        let ty = if c.nullable && !c.primary_key {
            format!("Option<{ty}>")
        } else {
            ty
        };
        let _ = writeln!(out, "    pub {}: {ty},", fields[i]);
    }
    out.push_str("}\n");
}

/// A column's Rust type, as the model mapping would give it a column type.
struct Mapped {
    rust: String,
    sql_type: SqlType,
    max_length: Option<u32>,
    /// No Rust type reads it: text, with `sql_type`.
    unmapped: bool,
    /// An integer the database can generate as a key.
    integer_key: bool,
}

fn rust_type(dialect: Dialect, c: &ColumnDef) -> Mapped {
    let native = match &c.sql_type {
        SqlType::Custom(t) => t.clone(),
        other => dialect.type_name(other, false).into_owned(),
    };
    let Some(sql_type) = dialect.sql_type_of(&native) else {
        return Mapped {
            rust: "String".to_owned(),
            sql_type: SqlType::Text,
            max_length: None,
            unmapped: true,
            integer_key: false,
        };
    };
    Mapped {
        rust: rust_name(&sql_type).to_owned(),
        max_length: match sql_type {
            SqlType::Varchar(n) => Some(n),
            _ => None,
        },
        integer_key: matches!(
            sql_type,
            SqlType::SmallInt | SqlType::Integer | SqlType::BigInt
        ),
        unmapped: false,
        sql_type,
    }
}

/// The Rust type a field of column type `t` has: the inverse of the derive's mapping
/// (`RustType::sql_type`), chrono for dates and times.
fn rust_name(t: &SqlType) -> &'static str {
    match t {
        SqlType::Boolean => "bool",
        SqlType::TinyInt => "i8",
        SqlType::SmallInt => "i16",
        SqlType::Integer => "i32",
        SqlType::BigInt => "i64",
        SqlType::UnsignedTinyInt => "u8",
        SqlType::UnsignedSmallInt => "u16",
        SqlType::UnsignedInteger => "u32",
        SqlType::Real => "f32",
        SqlType::Double => "f64",
        SqlType::Text | SqlType::Varchar(_) | SqlType::Custom(_) => "String",
        SqlType::Blob => "Vec<u8>",
        SqlType::Date => "chrono::NaiveDate",
        SqlType::Time => "chrono::NaiveTime",
        SqlType::Timestamp => "chrono::NaiveDateTime",
        SqlType::TimestampTz => "chrono::DateTime<chrono::Utc>",
        SqlType::Uuid => "uuid::Uuid",
        SqlType::Json => "serde_json::Value",
        SqlType::Decimal => "rust_decimal::Decimal",
    }
}

/// `invoice_line`, `InvoiceLine`, `invoice line` -> `InvoiceLine`.
fn struct_name(table: &str) -> String {
    let mut name: String = table
        .to_upper_camel_case()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "Table");
    }
    if matches!(
        name.as_str(),
        "Self" | "Model" | "Option" | "String" | "Vec"
    ) {
        name.push_str("Row");
    }
    name
}

/// `ArtistId`, `artist_id`, `artist id` -> `artist_id`; a keyword as a raw identifier.
fn field_name(column: &str) -> String {
    let mut name: String = heck_snake(column)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "column_");
    }
    if syn_keyword(&name) {
        if matches!(name.as_str(), "self" | "super" | "crate" | "Self") {
            name.push('_');
        } else {
            name.insert_str(0, "r#");
        }
    }
    name
}

/// `name`, or `name2`, `name3`… (with `separator` before the number) where `taken` says
/// it is taken.
fn unique_name(name: String, separator: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(&name) {
        return name;
    }
    (2..)
        .map(|i| format!("{name}{separator}{i}"))
        .find(|n| !taken(n))
        .unwrap_or(name)
}

/// snake_case as the derive names a table after its struct.
fn heck_snake(s: &str) -> String {
    s.to_snake_case()
}

fn syn_keyword(name: &str) -> bool {
    matches!(
        name,
        "as" | "break"
            | "const"
            | "continue"
            | "crate"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "Self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
            | "gen"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_derive() {
        assert_eq!(struct_name("invoice_line"), "InvoiceLine");
        assert_eq!(struct_name("InvoiceLine"), "InvoiceLine");
        assert_eq!(struct_name("2fa codes"), "Table2faCodes");
        assert_eq!(struct_name("invoice line"), "InvoiceLine");
        assert_eq!(field_name("ArtistId"), "artist_id");
        assert_eq!(field_name("HTTPStatus"), "http_status");
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(unique_name("Line".into(), "", |n| n == "Line"), "Line2");
    }

    #[test]
    fn tables_alike_and_keyless_tables() {
        use orm_schema::ColumnDef;
        let key = || ColumnDef::new("id", SqlType::Custom("INTEGER".into())).primary_key();
        let tables = [
            TableDef::new("invoice_line").column(key()),
            TableDef::new("InvoiceLine")
                .column(key())
                .column(ColumnDef::new("Id", SqlType::Custom("BIGINT".into())))
                .column(ColumnDef::new("code_id", SqlType::Custom("INTEGER".into())))
                .foreign_key(ForeignKeyDef::new(["code_id"], "codes", ["id"])),
            TableDef::new("codes").column(ColumnDef::new("id", SqlType::Custom("INTEGER".into()))),
        ];
        let source = model_source(Dialect::Sqlite, &tables);
        assert!(source.contains("pub struct InvoiceLine {"), "{source}");
        assert!(source.contains("pub struct InvoiceLine2 {"), "{source}");
        assert!(source.contains("pub id_2: i64,"), "{source}");
        assert!(!source.contains("references(Codes)"), "{source}");
        assert!(source.contains("left out"), "{source}");
        assert!(
            source.contains("without a primary key, which a model needs: codes"),
            "{source}"
        );
    }

    #[test]
    fn a_key_column_takes_the_type_it_references() {
        use orm_schema::ColumnDef;
        let tables = [
            TableDef::new("authors")
                .column(ColumnDef::new("id", SqlType::Custom("integer".into())).primary_key()),
            TableDef::new("books")
                .column(ColumnDef::new("id", SqlType::Custom("integer".into())).primary_key())
                .column(ColumnDef::new(
                    "author_id",
                    SqlType::Custom("bigint".into()),
                ))
                .foreign_key(ForeignKeyDef::new(["author_id"], "authors", ["id"])),
        ];
        let source = model_source(Dialect::Postgres, &tables);
        let expected =
            "#[orm(sql_type(postgres = \"bigint\"), references(Authors))]\n    pub author_id: i32,";
        assert!(source.contains(expected), "{source}");
    }
}
