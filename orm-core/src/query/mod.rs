//! The query builder: typed expressions, `SELECT`/`UPDATE`/`DELETE` by filter, raw SQL,
//! and their rendering per dialect.

mod expr;
mod model_sql;
mod normalize;
mod order;
mod raw;
pub(crate) mod render;
mod select;
mod selection;
mod statement;
mod terminal;
mod update;

pub use expr::{Expr, Numeric, Operand, SubqueryOf, Text, TypedExpr};
pub(crate) use model_sql::{insert_rows_statement, insert_statement, update_statement};
pub(crate) use normalize::{model_column, sqlite_index_expression, stored_as};
pub use order::Ordering;
pub use raw::{Raw, raw};
pub use select::Select;
pub use selection::{FromRow, Nullable, SelectItem, Selection, Summable, count_all};
pub use statement::Statement;
pub use update::Update;
