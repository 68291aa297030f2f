//! Tables, columns, indexes and foreign keys as plain data.

use serde::{Deserialize, Serialize};

use crate::SqlType;

/// A table: what `CREATE TABLE` needs to know, and what the runtime reads to build queries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableDef {
    /// The table's name in the database (unquoted).
    pub name: String,
    /// Columns in declaration order.
    pub columns: Vec<ColumnDef>,
    /// Names of the primary key's columns, in key order. Empty for a table without a key.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub primary_key: Vec<String>,
    /// Unique constraints over one or more columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uniques: Vec<UniqueDef>,
    /// Secondary indexes, created after the table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<IndexDef>,
    /// Foreign keys to other tables (or to this one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKeyDef>,
}

impl TableDef {
    /// An empty table named `name`.
    pub fn new(name: impl Into<String>) -> Self {
        TableDef {
            name: name.into(),
            columns: Vec::new(),
            primary_key: Vec::new(),
            uniques: Vec::new(),
            indexes: Vec::new(),
            foreign_keys: Vec::new(),
        }
    }

    /// The table as compact JSON (what is at its default is left out): how the derive
    /// hands a model's table to the runtime, as one string constant, which the compiler
    /// reads far faster than the same data written as constant structs.
    ///
    /// ```
    /// use orm_schema::{ColumnDef, SqlType, TableDef};
    ///
    /// let users = TableDef::new("users").column(ColumnDef::new("id", SqlType::BigInt).primary_key());
    /// let json = users.to_json();
    /// assert_eq!(json, r#"{"name":"users","columns":[{"name":"id","sql_type":"BigInt","primary_key":true}],"primary_key":["id"]}"#);
    /// assert_eq!(TableDef::from_json(&json).unwrap(), users);
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("plain data is always JSON")
    }

    /// The table [`TableDef::to_json`] wrote.
    pub fn from_json(json: &str) -> Result<TableDef, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// Adds a column; a column marked `primary_key` joins the key, and one marked `unique`
    /// gets a single-column unique constraint.
    pub fn column(mut self, column: ColumnDef) -> Self {
        if column.primary_key {
            self.primary_key.push(column.name.clone());
        }
        if column.unique {
            self.uniques
                .push(UniqueDef::new(&self.name, vec![column.name.clone()]));
        }
        self.columns.push(column);
        self
    }

    /// Adds a unique constraint over several columns.
    pub fn unique(mut self, columns: Vec<String>) -> Self {
        self.uniques.push(UniqueDef::new(&self.name, columns));
        self
    }

    /// Adds an index.
    pub fn index(mut self, index: IndexDef) -> Self {
        self.indexes.push(index);
        self
    }

    /// Adds a foreign key.
    pub fn foreign_key(mut self, foreign_key: ForeignKeyDef) -> Self {
        self.foreign_keys.push(foreign_key);
        self
    }

    /// The column named `name`, if there is one.
    pub fn column_named(&self, name: &str) -> Option<&ColumnDef> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The tables this one references, other than itself, in declaration order.
    pub fn dependencies(&self) -> impl Iterator<Item = &str> {
        self.foreign_keys
            .iter()
            .map(|fk| fk.ref_table.as_str())
            .filter(move |t| *t != self.name)
    }
}

/// A column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnDef {
    /// The column's name in the database (unquoted).
    pub name: String,
    /// Its SQL type, before the dialect names it.
    pub sql_type: SqlType,
    /// Whether it accepts NULL (the field is an `Option<T>`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub nullable: bool,
    /// Whether it is part of the primary key.
    #[serde(default, skip_serializing_if = "is_false")]
    pub primary_key: bool,
    /// Whether the database generates its value (a single integer primary key).
    #[serde(default, skip_serializing_if = "is_false")]
    pub auto_increment: bool,
    /// Whether it has a single-column unique constraint.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// A default as an SQL expression, written verbatim into the DDL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// The column's type on some backends, written verbatim in place of `sql_type`'s:
    /// `(dialect, type)`, the dialect as URLs spell it (`sqlite`, `postgres`, `mysql`).
    /// What `#[orm(sql_type(sqlite = "NVARCHAR(20)"))]` gives, so that one model keeps a
    /// table's exact types on several backends.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dialect_types: Vec<(String, String)>,
}

impl ColumnDef {
    /// A NOT NULL column of type `sql_type` without constraints.
    pub fn new(name: impl Into<String>, sql_type: SqlType) -> Self {
        ColumnDef {
            name: name.into(),
            sql_type,
            nullable: false,
            primary_key: false,
            auto_increment: false,
            unique: false,
            default: None,
            dialect_types: Vec::new(),
        }
    }

    /// The type written for `dialect` (`sqlite`, `postgres`, `mysql`) in place of
    /// `sql_type`'s, if the column names one.
    pub fn dialect_type(&self, dialect: &str) -> Option<&str> {
        self.dialect_types
            .iter()
            .find(|(d, _)| d == dialect)
            .map(|(_, t)| t.as_str())
    }

    /// Names the column's type on `dialect` (`sqlite`, `postgres`, `mysql`) verbatim.
    pub fn sql_type_on(mut self, dialect: impl Into<String>, sql_type: impl Into<String>) -> Self {
        let dialect = dialect.into();
        self.dialect_types.retain(|(d, _)| *d != dialect);
        self.dialect_types.push((dialect, sql_type.into()));
        self
    }

    /// Makes the column NULL-able.
    pub fn nullable(mut self) -> Self {
        self.nullable = true;
        self
    }

    /// Makes the column part of the primary key.
    pub fn primary_key(mut self) -> Self {
        self.primary_key = true;
        self
    }

    /// Lets the database generate the column's value.
    pub fn auto_increment(mut self) -> Self {
        self.auto_increment = true;
        self
    }

    /// Gives the column a unique constraint.
    pub fn unique(mut self) -> Self {
        self.unique = true;
        self
    }

    /// Gives the column a default, an SQL expression written verbatim into the DDL.
    pub fn default_sql(mut self, expr: impl Into<String>) -> Self {
        self.default = Some(expr.into());
        self
    }
}

/// A unique constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UniqueDef {
    /// The constraint's name: `uq_<table>_<columns>`, as SQLAlchemy's naming convention has it.
    pub name: String,
    /// Its columns.
    pub columns: Vec<String>,
}

impl UniqueDef {
    /// A unique constraint of `table` over `columns`, with the conventional name.
    pub fn new(table: &str, columns: Vec<String>) -> Self {
        UniqueDef {
            name: conventional_name("uq", table, &columns),
            columns,
        }
    }
}

/// A secondary index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexDef {
    /// The index's name: given, or `ix_<table>_<columns>`.
    pub name: String,
    /// Its columns, in index order.
    pub columns: Vec<String>,
    /// Whether it is a unique index.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
}

impl IndexDef {
    /// A non-unique index of `table` over `columns`, with the conventional name.
    pub fn new(table: &str, columns: Vec<String>) -> Self {
        IndexDef {
            name: conventional_name("ix", table, &columns),
            columns,
            unique: false,
        }
    }
}

/// A foreign key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKeyDef {
    /// The referencing columns of this table.
    pub columns: Vec<String>,
    /// The referenced table.
    pub ref_table: String,
    /// The referenced columns: its primary key, or columns under a unique constraint.
    pub ref_columns: Vec<String>,
    /// The constraint's name, where not the conventional one (`fk_<table>_<columns>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What happens to referencing rows when the referenced row is deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_delete: Option<ReferentialAction>,
    /// What happens to referencing rows when the referenced key changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_update: Option<ReferentialAction>,
}

impl ForeignKeyDef {
    /// A foreign key from `columns` to `ref_columns` of `ref_table`, with the conventional
    /// name and no actions.
    ///
    /// ```
    /// use orm_schema::{ForeignKeyDef, ReferentialAction};
    ///
    /// let fk = ForeignKeyDef {
    ///     on_delete: Some(ReferentialAction::Cascade),
    ///     ..ForeignKeyDef::new(["author_id"], "users", ["id"])
    /// };
    /// assert_eq!(fk.constraint_name("posts"), "fk_posts_author_id");
    /// ```
    pub fn new<C: Into<String>>(
        columns: impl IntoIterator<Item = C>,
        ref_table: impl Into<String>,
        ref_columns: impl IntoIterator<Item = C>,
    ) -> Self {
        ForeignKeyDef {
            columns: columns.into_iter().map(Into::into).collect(),
            ref_table: ref_table.into(),
            ref_columns: ref_columns.into_iter().map(Into::into).collect(),
            name: None,
            on_delete: None,
            on_update: None,
        }
    }

    /// The constraint's name in `table`: its own, or `fk_<table>_<columns>`.
    pub fn constraint_name(&self, table: &str) -> String {
        match &self.name {
            Some(name) => name.clone(),
            None => conventional_name("fk", table, &self.columns),
        }
    }
}

/// The action of `ON DELETE` / `ON UPDATE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReferentialAction {
    /// `CASCADE`: delete or update the referencing rows too.
    Cascade,
    /// `RESTRICT`: refuse at once.
    Restrict,
    /// `SET NULL`: clear the referencing columns.
    SetNull,
    /// `NO ACTION`: refuse at the end of the statement (the SQL default).
    NoAction,
}

impl ReferentialAction {
    /// Every action with the spelling `#[orm(on_delete = "...")]` accepts.
    pub const ALL: [(&'static str, ReferentialAction); 4] = [
        ("cascade", ReferentialAction::Cascade),
        ("restrict", ReferentialAction::Restrict),
        ("set null", ReferentialAction::SetNull),
        ("no action", ReferentialAction::NoAction),
    ];

    /// Parses the spelling of `#[orm(on_delete = "...")]`, ignoring case and `_`/space.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase().replace('_', " ");
        Self::ALL.iter().find(|(k, _)| *k == s).map(|(_, a)| *a)
    }

    /// The SQL keywords.
    pub fn as_sql(self) -> &'static str {
        match self {
            ReferentialAction::Cascade => "CASCADE",
            ReferentialAction::Restrict => "RESTRICT",
            ReferentialAction::SetNull => "SET NULL",
            ReferentialAction::NoAction => "NO ACTION",
        }
    }
}

/// Identifiers longer than this are shortened: PostgreSQL keeps 63 bytes, MySQL 64.
const MAX_IDENTIFIER: usize = 63;

/// `<prefix>_<table>_<col>_<col>`, shortened with a stable hash when too long for the backends.
fn conventional_name(prefix: &str, table: &str, columns: &[String]) -> String {
    let name = format!("{prefix}_{table}_{}", columns.join("_"));
    if name.len() <= MAX_IDENTIFIER {
        return name;
    }
    // FNV-1a: stable across builds and platforms, unlike std's hasher.
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let mut cut = MAX_IDENTIFIER - 17;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_{hash:016x}", &name[..cut])
}

/// `skip_serializing_if` for the flags: JSON leaves out what is `false`.
fn is_false(flag: &bool) -> bool {
    !flag
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_of_a_table_survives_json() {
        let table = TableDef::new("odd \"name\"")
            .column(
                ColumnDef::new("id", SqlType::BigInt)
                    .primary_key()
                    .auto_increment(),
            )
            .column(
                ColumnDef::new("title", SqlType::Varchar(200))
                    .unique()
                    .default_sql("'it''s \\ \u{1f} é'")
                    .sql_type_on("sqlite", "NVARCHAR(200)"),
            )
            .column(
                ColumnDef::new("shape", SqlType::Custom("geometry(Point, 4326)".into())).nullable(),
            )
            .unique(vec!["title".into(), "shape".into()])
            .index(IndexDef {
                unique: true,
                ..IndexDef::new("odd", vec!["shape".into()])
            })
            .foreign_key(ForeignKeyDef {
                name: Some("fk_custom".into()),
                on_delete: Some(ReferentialAction::SetNull),
                on_update: Some(ReferentialAction::Cascade),
                ..ForeignKeyDef::new(["id"], "other", ["key"])
            });
        let json = table.to_json();
        assert_eq!(TableDef::from_json(&json).unwrap(), table, "{json}");
        // What is at its default is left out: a plain column is its name and type.
        let plain = TableDef::new("t").column(ColumnDef::new("n", SqlType::Integer));
        assert_eq!(
            plain.to_json(),
            r#"{"name":"t","columns":[{"name":"n","sql_type":"Integer"}]}"#
        );
        assert!(
            TableDef::from_json(r#"{"name":"t"}"#).is_err(),
            "columns are required"
        );
    }

    #[test]
    fn long_names_are_shortened_stably() {
        let cols = vec!["a_very_long_column_name_indeed".to_string(); 3];
        let a = conventional_name("ix", "some_table", &cols);
        assert!(a.len() <= MAX_IDENTIFIER, "{a}");
        assert_eq!(a, conventional_name("ix", "some_table", &cols));
        assert_ne!(a, conventional_name("ix", "other_table", &cols));
    }

    #[test]
    fn referential_actions_parse_loosely() {
        assert_eq!(
            ReferentialAction::parse("SET_NULL"),
            Some(ReferentialAction::SetNull)
        );
        assert_eq!(
            ReferentialAction::parse("cascade"),
            Some(ReferentialAction::Cascade)
        );
        assert_eq!(ReferentialAction::parse("explode"), None);
    }
}
