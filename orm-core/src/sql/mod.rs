//! The SQL layer: statements as plain data (`ast`, `write`, `ddl`) and
//! the one renderer from a statement and a [`Dialect`](crate::Dialect) to SQL text and
//! bound values.
//!
//! It sits under everything that talks SQL: `query/` builds these statements from typed
//! handles, `db/` runs what they render to, `schema/` renders DDL through it. It imports
//! none of them. Where backends differ, the renderer asks the dialect a question
//! (`Dialect::has_returning`, `Dialect::upsert_style`…); it never asks which backend it is.

pub(crate) mod ast;
pub(crate) mod copy;
pub(crate) mod ddl;
pub(crate) mod normalize;
pub(crate) mod render;
mod statement;
pub(crate) mod write;

pub(crate) use statement::SqlWriter;
pub use statement::Statement;
