//! The schema model of the ORM as plain data, and (with the `parse` feature) the one
//! parser that turns a model struct into that data.
//!
//! Both `#[derive(Model)]` and `orm-cli` read models through [`parse`], so the DDL that
//! `orm-cli create-all` prints and the DDL that `Database::create_all` runs come from the
//! same definitions.
//!
//! ```
//! use orm_schema::{ColumnDef, SqlType, TableDef};
//!
//! let users = TableDef::new("users")
//!     .column(ColumnDef::new("id", SqlType::BigInt).primary_key().auto_increment())
//!     .column(ColumnDef::new("email", SqlType::Text).unique());
//! assert_eq!(users.primary_key, ["id"]);
//! assert_eq!(users.column_named("email").map(|c| c.unique), Some(true));
//! ```

mod table;
mod types;

#[cfg(feature = "parse")]
pub mod parse;

pub use table::{ColumnDef, ForeignKeyDef, IndexDef, ReferentialAction, TableDef, UniqueDef};
pub use types::{RustType, SqlType};
