//! Migrations: the live schema read back from the catalog ([`Database::inspect_schema`]),
//! diffed against the models ([`diff`]), written as reversible migration files in sqlx's
//! format ([`MigrationFiles`]), applied and reverted with sqlx's migrator
//! ([`Database::migrate`]), and models written back as Rust ([`model_source`]).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> orm_core::Result<()> {
//! use orm_core::migrate::{MigrationFiles, Renames};
//! use orm_core::schema::{ColumnDef, SqlType, TableDef};
//! use orm_core::Database;
//!
//! let db = Database::connect("sqlite::memory:").await?;
//! let v1 = TableDef::new("notes").column(ColumnDef::new("id", SqlType::BigInt).primary_key().auto_increment());
//! db.create_tables(&[&v1]).await?;
//!
//! let v2 = v1.clone().column(ColumnDef::new("body", SqlType::Text).nullable());
//! let files = db.plan_migration(&[&v2], &Renames::default()).await?;
//! assert!(files.up.contains(r#"ALTER TABLE "notes" ADD COLUMN "body" TEXT;"#), "{}", files.up);
//! assert!(files.down.contains(r#"ALTER TABLE "notes" DROP COLUMN "body";"#), "{}", files.down);
//!
//! let dir = tempfile::tempdir().unwrap();
//! files.write(dir.path(), "add_body").unwrap();
//! db.migrate(dir.path()).await?;
//! assert!(db.plan_migration(&[&v2], &Renames::default()).await?.is_empty());
//! # Ok(())
//! # }
//! ```

mod apply;
mod codegen;
pub(crate) mod compare;
mod diff;
mod file;
mod introspect;

pub use apply::{MigrationState, MigrationStatus};
pub use codegen::model_source;
pub use diff::{Renames, Step, diff};
pub use file::MigrationFiles;
pub use introspect::MIGRATIONS_TABLE;

use orm_schema::TableDef;

use crate::{Database, Result};

impl Database {
    /// The migration that turns this database's schema into `models`' (and back): the
    /// [`diff`] of the two both ways, rendered for this server. Empty when there is
    /// nothing to do.
    pub async fn plan_migration(
        &self,
        models: &[&TableDef],
        renames: &Renames,
    ) -> Result<MigrationFiles> {
        let live = self.inspect_schema().await?;
        let up = diff(self.dialect(), models, &live, renames)?;
        let live_refs: Vec<&TableDef> = live.iter().collect();
        let owned: Vec<TableDef> = models.iter().map(|t| (*t).clone()).collect();
        let down = diff(self.dialect(), &live_refs, &owned, &renames.reversed())?;
        MigrationFiles::render(self.dialect(), &up, &down, |change| {
            self.schema_change_sql(change)
        })
    }
}
