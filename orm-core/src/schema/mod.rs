//! The schema: table definitions (re-exported from `orm-schema`), their DDL per dialect,
//! and creating or dropping them in foreign-key order.

mod ddl;
mod order;

pub use ddl::{create_table, drop_table};
pub use order::dependency_order;
pub use orm_schema::*;

use crate::db::Executor;
use crate::query::Statement;
use crate::{Database, Dialect, Result};

/// Every statement that creates `tables` (in foreign-key order) and their indexes.
/// What [`Database::create_tables`] runs and `orm-cli create-all --dry-run` prints.
pub fn create_statements(dialect: Dialect, tables: &[&TableDef]) -> Result<Vec<String>> {
    Ok(dependency_order(tables)?
        .into_iter()
        .flat_map(|t| create_table(dialect, t))
        .collect())
}

/// Every statement that drops `tables`, referencing tables first.
pub fn drop_statements(dialect: Dialect, tables: &[&TableDef]) -> Result<Vec<String>> {
    Ok(dependency_order(tables)?
        .into_iter()
        .rev()
        .map(|t| drop_table(dialect, t))
        .collect())
}

/// The tables of every model linked into the binary (each `#[derive(Model)]` registers
/// its own), like SQLAlchemy's `Base.metadata`.
pub fn registered_tables() -> Vec<&'static TableDef> {
    crate::__private::registered_tables()
}

impl Database {
    /// Creates the table of every model linked into the binary, with its indexes, in
    /// foreign-key order. Tables that exist are left alone (SQLAlchemy's `checkfirst`),
    /// so running it twice is fine. Runs in one transaction where the backend has
    /// transactional DDL (SQLite, PostgreSQL).
    pub async fn create_all(&self) -> Result<()> {
        self.create_tables(&registered_tables()).await
    }

    /// Drops the table of every model linked into the binary, referencing tables first.
    pub async fn drop_all(&self) -> Result<()> {
        self.drop_tables(&registered_tables()).await
    }

    /// Creates `tables` (those that do not exist yet) and their indexes.
    pub async fn create_tables(&self, tables: &[&TableDef]) -> Result<()> {
        let mut statements = create_statements(self.dialect(), tables)?;
        if let Some(mariadb) = self.dialect().mariadb_only()
            && !self.has_collation(mariadb.collation).await?
        {
            for sql in &mut statements {
                for (mariadb_text, mysql_text) in mariadb.replacements {
                    *sql = sql.replace(mariadb_text, mysql_text);
                }
            }
        }
        self.run_ddl(statements).await
    }

    /// Whether the server knows collation `name` (MySQL 8 lacks MariaDB's NO PAD one).
    async fn has_collation(&self, name: &str) -> Result<bool> {
        let rows: Vec<(i64,)> = crate::raw(
            "SELECT COUNT(*) FROM information_schema.COLLATIONS WHERE COLLATION_NAME = ?",
        )
        .bind(name)
        .fetch_as(self)
        .await?;
        Ok(rows.first().is_some_and(|(n,)| *n > 0))
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
