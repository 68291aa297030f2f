//! Reading a live database's tables back into the schema model, through each backend's
//! own catalog: what `migrate generate` diffs the models against, and what `inspect`
//! turns into model structs.
//!
//! Column types are read as the server spells them ([`SqlType::Custom`]), so that a table
//! created from them again is the same table; `diff` compares them with the models'
//! types in one canonical spelling per dialect (see `compare`).

mod mysql;
mod postgres;
mod sqlite;

use std::collections::BTreeMap;

use orm_schema::{
    ColumnDef, ForeignKeyDef, IndexDef, ReferentialAction, SqlType, TableDef, UniqueDef,
};

use crate::{Database, Dialect, Result, Row};

/// The table sqlx's migrator keeps its ledger in: never part of the application's schema.
pub const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

impl Database {
    /// Every table of the database (the connection's schema on PostgreSQL, its database
    /// on MySQL), read from the catalog, sorted by name, without sqlx's
    /// `_sqlx_migrations`. Views are not tables and are left out.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// use orm_core::{Database, raw};
    ///
    /// let db = Database::connect("sqlite::memory:").await?;
    /// raw("CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(80) NOT NULL UNIQUE)").execute(&db).await?;
    /// let tables = db.inspect_schema().await?;
    /// assert_eq!(tables[0].name, "users");
    /// assert_eq!(tables[0].primary_key, ["id"]);
    /// assert!(!tables[0].column_named("email").unwrap().nullable);
    /// assert_eq!(tables[0].uniques[0].columns, ["email"]);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn inspect_schema(&self) -> Result<Vec<TableDef>> {
        let mut tables = match self.dialect() {
            Dialect::Sqlite => sqlite::tables(self).await?,
            Dialect::Postgres => postgres::tables(self).await?,
            Dialect::MySql => mysql::tables(self).await?,
        };
        tables.retain(|t| t.name != MIGRATIONS_TABLE);
        tables.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(tables)
    }
}

/// What a catalog says of one table, gathered row by row before it becomes a
/// [`TableDef`].
#[derive(Debug, Default)]
struct Gathered {
    columns: Vec<ColumnDef>,
    primary_key: Vec<String>,
    uniques: Vec<UniqueDef>,
    indexes: Vec<IndexDef>,
    foreign_keys: Vec<ForeignKeyDef>,
}

impl Gathered {
    fn into_table(self, name: String) -> TableDef {
        let mut table = TableDef::new(name);
        table.columns = self.columns;
        for column in &mut table.columns {
            column.primary_key = self.primary_key.contains(&column.name);
        }
        table.primary_key = self.primary_key;
        table.uniques = self.uniques;
        table.indexes = self.indexes;
        table.foreign_keys = self.foreign_keys;
        table
    }
}

/// Tables by name, in the order the catalog listed them.
type Catalog = BTreeMap<String, Gathered>;

fn finish(catalog: Catalog) -> Vec<TableDef> {
    catalog
        .into_iter()
        .map(|(name, g)| g.into_table(name))
        .collect()
}

/// A column as read from a catalog; its type is the server's spelling.
fn column(name: String, native_type: &str, nullable: bool, default: Option<String>) -> ColumnDef {
    let mut c = ColumnDef::new(name, SqlType::Custom(native_type.trim().to_owned()));
    c.nullable = nullable;
    c.default = default;
    c
}

/// `ON DELETE` / `ON UPDATE` as `dialect`'s catalog spells it; its default
/// ([`Dialect::default_action`]) is `None`, as a model that says nothing has it.
fn action(dialect: Dialect, spelled: &str) -> Option<ReferentialAction> {
    ReferentialAction::parse(spelled).filter(|a| *a != dialect.default_action())
}

/// The columns of a multi-valued catalog cell, joined with the unit separator (which no
/// sane identifier holds).
fn split_names(joined: &str) -> Vec<String> {
    joined.split('\u{1f}').map(str::to_owned).collect()
}

fn text(row: &Row, index: usize) -> Result<String> {
    row.get::<String>(index)
}

fn opt_text(row: &Row, index: usize) -> Result<Option<String>> {
    row.get::<Option<String>>(index)
}
