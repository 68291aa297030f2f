//! The query builder: typed expressions, `SELECT`/`UPDATE`/`DELETE` by filter, upsert,
//! raw SQL, and the statements of a model's own CRUD; `sql/` renders them.

mod across;
mod cache;
mod expr;
mod functions;
pub(crate) mod model_sql;
pub(crate) mod model_write;
mod order;
mod raw;
mod related;
mod select;
mod selection;
mod terminal;
mod update;
mod upsert;

pub use crate::relation::{Contains, Joined, Part, Source};
/// Rendered SQL (kept here too, where it was first exported).
pub use crate::sql::Statement;
pub use across::OtherColumn;
#[doc(hidden)]
pub use cache::StatementCache;
pub(crate) use cache::{Cached, cached};
pub use expr::{Expr, Numeric, Operand, SubqueryOf, Text, TypedExpr};
pub use functions::{Case, CaseValue, Castable, Float, ToInteger};
#[cfg(feature = "chrono")]
pub use functions::{DateOrTime, HasDate, HasTime, Timestamp, now};
pub use order::Ordering;
pub use raw::{Raw, raw};
pub(crate) use related::{KeyId, references};
pub use select::Select;
pub use selection::{FromRow, Nullable, SelectItem, Selection, Summable, count_all};
pub use update::Update;
pub use upsert::Upsert;
