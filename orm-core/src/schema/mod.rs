//! The schema: table definitions (re-exported from `orm-schema`), their DDL per dialect,
//! and creating or dropping them in foreign-key order.

mod order;

pub use crate::sql::ddl::{SchemaChange, create_table, drop_table};
pub use order::{CreationOrder, creation_order, dependency_order};
// The schema types, named one by one: a glob would also export `orm_schema::parse`
// whenever some crate in the build turns its `parse` feature on.
pub use orm_schema::{
    ColumnDef, ForeignKeyDef, IndexDef, ReferentialAction, SqlType, TableDef, UniqueDef,
};

use crate::db::Executor;
use crate::sql::Statement;
use crate::{Database, Dialect, Error, Result};

/// Every statement that creates `tables` (in foreign-key order) and their indexes.
/// What [`Database::create_tables`] runs and `orm-cli create-all --dry-run` prints.
///
/// Foreign keys that form a cycle are added by `ALTER TABLE … ADD CONSTRAINT` once the
/// tables exist (SQLite, which checks foreign keys only when rows are written, takes
/// them inside `CREATE TABLE`).
pub fn create_statements(dialect: Dialect, tables: &[&TableDef]) -> Result<Vec<String>> {
    let (ordered, deferred) = creation_order(tables)?;
    let deferred = if dialect.accepts_forward_references() {
        Vec::new()
    } else {
        deferred
    };
    let mut statements: Vec<String> = ordered
        .iter()
        .flat_map(|t| {
            let own: Vec<&ForeignKeyDef> = deferred
                .iter()
                .filter(|(d, _)| std::ptr::eq(*d, *t))
                .map(|(_, fk)| *fk)
                .collect();
            crate::sql::ddl::create_table_without(dialect, t, &own)
        })
        .collect();
    for (table, fk) in deferred {
        statements.push(crate::sql::ddl::add_foreign_key_once(
            dialect,
            &table.name,
            fk,
        ));
    }
    Ok(statements)
}

/// Every statement that drops `tables`, referencing tables first. The foreign keys of a
/// cycle go first (SQLite: checked only at commit instead).
pub fn drop_statements(dialect: Dialect, tables: &[&TableDef]) -> Result<Vec<String>> {
    let (ordered, deferred) = creation_order(tables)?;
    let mut statements = Vec::new();
    if !deferred.is_empty() {
        match dialect.defer_foreign_keys() {
            Some(defer) => statements.push(defer.to_owned()),
            None => {
                for (table, fk) in &deferred {
                    let drop = SchemaChange::DropForeignKey {
                        table: table.name.clone(),
                        name: fk.constraint_name(&table.name),
                    };
                    statements.extend(drop.to_sql(dialect)?);
                }
            }
        }
    }
    statements.extend(ordered.into_iter().rev().map(|t| drop_table(dialect, t)));
    Ok(statements)
}

/// The tables of every model linked into the binary (each `#[derive(Model)]` registers
/// its own), like SQLAlchemy's `Base.metadata`.
pub fn registered_tables() -> Vec<&'static TableDef> {
    crate::__private::registered_tables()
}

/// The tables of the models linked into the binary that are bound to `database` (by
/// `#[orm(database = "…")]`; `None`: the models that name no database).
pub fn registered_tables_in(database: Option<&str>) -> Vec<&'static TableDef> {
    crate::__private::registered_tables_in(database)
}

/// [`registered_tables_in`], or an error on a target where models are not registered
/// (one whose linker the derive has no section for): an empty list would look like
/// success.
fn linked_tables(database: Option<&str>) -> Result<Vec<&'static TableDef>> {
    if !crate::__private::REGISTRATION {
        return Err(Error::Config(
            "models are not registered on this target: list them with `create_tables`".into(),
        ));
    }
    Ok(registered_tables_in(database))
}

impl Database {
    /// Creates the table of every model linked into the binary, with its indexes, in
    /// foreign-key order. Tables that exist are left alone (SQLAlchemy's `checkfirst`),
    /// so running it twice is fine. Runs in one transaction where the backend has
    /// transactional DDL (SQLite, PostgreSQL).
    ///
    /// Only the models of this database: those bound to its
    /// [`name`](crate::DatabaseOptions::name) by `#[orm(database = "…")]`, or, on a
    /// database without a name, those that name none.
    pub async fn create_all(&self) -> Result<()> {
        self.create_tables(&linked_tables(self.name())?).await
    }

    /// Drops the table of every model of this database linked into the binary (see
    /// [`Database::create_all`]), referencing tables first.
    pub async fn drop_all(&self) -> Result<()> {
        self.drop_tables(&linked_tables(self.name())?).await
    }

    /// Creates `tables` (those that do not exist yet) and their indexes.
    pub async fn create_tables(&self, tables: &[&TableDef]) -> Result<()> {
        let statements = create_statements(self.dialect(), tables)?;
        self.run_ddl(self.for_this_server(statements)).await
    }

    /// The statements that make `change` on this database's server: the dialect's
    /// ([`SchemaChange::to_sql`]), with what this server lacks spelled as it has it (MySQL
    /// 8 has neither MariaDB's NO PAD collation nor its `UUID` type).
    pub fn schema_change_sql(&self, change: &SchemaChange) -> Result<Vec<String>> {
        Ok(self.for_this_server(change.to_sql(self.dialect())?))
    }

    /// Makes `change` (see [`Database::schema_change_sql`]), in one transaction where
    /// the backend has transactional DDL.
    pub async fn apply_schema_change(&self, change: &SchemaChange) -> Result<()> {
        let statements = self.schema_change_sql(change)?;
        self.run_ddl(statements).await
    }

    fn for_this_server(&self, mut statements: Vec<String>) -> Vec<String> {
        for feature in self.lacked_features() {
            for sql in &mut statements {
                *sql = sql.replace(feature.text, feature.fallback);
            }
        }
        statements
    }

    /// Drops `tables` (those that exist), referencing tables first.
    pub async fn drop_tables(&self, tables: &[&TableDef]) -> Result<()> {
        let statements = drop_statements(self.dialect(), tables)?;
        self.run_ddl(statements).await
    }

    async fn run_ddl(&self, statements: Vec<String>) -> Result<()> {
        let statements = statements.into_iter().map(|sql| Statement {
            sql,
            values: Vec::new(),
        });
        if self.dialect().transactional_ddl() {
            let tx = self.begin().await?;
            for st in statements {
                tx.execute(st).await?;
            }
            tx.commit().await
        } else {
            for st in statements {
                self.execute(st).await?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server without MariaDB's NO PAD collation and `UUID` type (MySQL 8, MariaDB
    /// before 10.7) gets their stand-ins, and nothing of MariaDB's spelling is left.
    #[test]
    fn servers_without_mariadb_features_get_their_stand_ins() {
        let table = TableDef::new("badges")
            .column(ColumnDef::new("id", SqlType::Uuid).primary_key())
            .column(ColumnDef::new("owner", SqlType::Uuid).nullable());
        let mut statements = create_statements(Dialect::MySql, &[&table]).unwrap();
        assert!(
            statements[0].contains("`id` UUID NOT NULL"),
            "{statements:?}"
        );
        for feature in Dialect::MySql.server_features() {
            for sql in &mut statements {
                *sql = sql.replace(feature.text, feature.fallback);
            }
        }
        let sql = &statements[0];
        assert!(sql.contains("`id` BINARY(16) NOT NULL"), "{sql}");
        assert!(sql.contains("`owner` BINARY(16)"), "{sql}");
        assert!(sql.contains("COLLATE=utf8mb4_0900_bin"), "{sql}");
        assert!(!sql.contains(" UUID") && !sql.contains("nopad"), "{sql}");
    }
}
