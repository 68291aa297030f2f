//! An async ORM for Rust on sqlx: declarative models checked at compile time, a typed
//! query builder, transactions, and schema creation, on SQLite, PostgreSQL and
//! MySQL/MariaDB chosen at run time by URL.
//!
//! ```standalone_crate
//! use orm_core::prelude::*;
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[orm(table = "users")]
//! pub struct User {
//!     #[orm(primary_key)]
//!     pub id: i64,
//!     #[orm(unique, max_length = 64)]
//!     pub username: String,
//!     #[orm(index)]
//!     pub email: String,
//!     pub bio: Option<String>,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> orm_core::Result<()> {
//! let db = Database::connect("sqlite::memory:").await?;
//! db.create_all().await?; // every model linked into the program (here: User)
//!
//! let mut john = User { id: 0, username: "john".into(), email: "john@example.com".into(), bio: None };
//! john.insert(&db).await?;
//!
//! let found = User::query()
//!     .filter(User::username.eq("john").and(User::email.like("%@example.com")))
//!     .order_by(User::id.desc())
//!     .limit(10)
//!     .all(&db)
//!     .await?;
//! assert_eq!(found, [john.clone()]);
//!
//! User::query().filter(User::id.eq(john.id)).delete(&db).await?;
//! # Ok(())
//! # }
//! ```
//!
//! The backend is a cargo feature (`sqlite`, on by default; `postgres`; `mysql`), as are
//! the optional types (`chrono`, `uuid`, `json`, on by default).

#[cfg(not(any(feature = "sqlite", feature = "postgres", feature = "mysql")))]
compile_error!(
    "orm-core needs at least one backend: enable the feature `sqlite` (the default), `postgres` or `mysql`"
);

mod column;
pub mod db;
mod error;
pub mod migrate;
mod model;
mod per_backend;
pub mod query;
mod relation;
mod row;
pub mod schema;
mod session;
mod sql;
pub mod testing;
mod url;
mod value;

mod dialect;

#[doc(hidden)]
pub mod __private;

pub use column::Column;
pub use db::{Database, DatabaseOptions, Executor, Transaction};
pub use dialect::Dialect;
pub use error::{Error, Result, TransactionState};
pub use model::{Hooks, Model};
pub use query::{Expr, FromRow, Raw, Select, raw};
pub use relation::{Relation, RelationKind};
pub use row::Row;
pub use session::{Obj, ObjectState, Session, SessionQuery};
pub use sql::Statement;
pub use url::redact_url;
#[cfg(feature = "json")]
pub use value::Json;
pub use value::{IntoValue, SqlValue, StoredAs, TextValue, Value};

/// `#[derive(Model)]`: maps a struct to a table. See [`Model`] for what it provides.
pub use orm_derive::Model;

/// `#[derive(DbEnum)]`: stores a fieldless enum as text.
pub use orm_derive::DbEnum;

/// `#[orm_core::test]`: an async test on a database of its own. See [`testing`].
pub use orm_derive::test;

/// The sqlx this crate runs on, for the pools behind [`Database`] and custom [`SqlValue`]s.
pub use sqlx;

/// What most programs need: `use orm_core::prelude::*;`.
pub mod prelude {
    pub use crate::query::count_all;
    pub use crate::{
        Database, DbEnum, Dialect, Error, Executor, Expr, Model, Raw, Result, Select, Transaction,
        raw,
    };
}
