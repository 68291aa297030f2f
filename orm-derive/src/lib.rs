//! `#[derive(Model)]`, re-exported by `orm_core` (use it from there, or from
//! `orm_core::prelude`).
//!
//! This crate is thin on purpose: `orm_schema::parse` reads and checks the struct (the
//! same parser `orm-cli` reads model sources with), and this crate only generates code.

mod db_enum;
mod expand;
mod test_attr;

use proc_macro::TokenStream;

/// Maps a struct to a database table.
///
/// The derive implements `orm_core::Model` (table metadata, row decoding, the CRUD
/// methods), adds one typed column handle per field as an associated constant
/// (`User::email`, used in filters), and registers the model so that
/// `Database::create_all` creates its table.
///
/// ```
/// use orm_core::prelude::*;
///
/// #[derive(Model, Debug, Clone, PartialEq)]
/// #[orm(table = "users")]
/// pub struct User {
///     #[orm(primary_key)]            // an integer primary key auto-increments
///     pub id: i64,
///     #[orm(unique, max_length = 64)]
///     pub username: String,
///     #[orm(index)]
///     pub email: String,
///     pub bio: Option<String>,       // Option<T> is NULL-able, everything else NOT NULL
/// }
///
/// #[derive(Model, Debug, Clone)]
/// #[orm(table = "posts", index(columns("author_id", "created_at")))]
/// pub struct Post {
///     #[orm(primary_key)]
///     pub id: i64,
///     #[orm(references(User), on_delete = "cascade")]
///     pub author_id: i64,
///     pub title: String,
///     #[orm(default = "CURRENT_TIMESTAMP")]
///     pub created_at: chrono::DateTime<chrono::Utc>,
///     #[orm(skip)]                   // not a column: `Default::default()` when loaded
///     pub comment_count: usize,
/// }
///
/// assert_eq!(User::TABLE, "users");
/// assert_eq!(User::COLUMNS, ["id", "username", "email", "bio"]);
/// assert_eq!(User::AUTO_INCREMENT, Some(0));
/// assert_eq!(User::email.name(), "email");
///
/// let posts = Post::table_def();
/// assert_eq!(posts.columns.len(), 4);
/// assert_eq!(posts.indexes[0].name, "ix_posts_author_id_created_at");
/// assert_eq!(posts.foreign_keys[0].ref_table, "users");
/// assert_eq!(posts.foreign_keys[0].ref_columns, ["id"]);
/// ```
///
/// Every attribute is written in `#[orm(...)]`; several keys may share one attribute or be
/// spread over several. A key given twice on the same item is an error.
///
/// # Struct attributes
///
/// ## `table = "name"`
///
/// The table's name. Default: the struct's name in snake_case (`BlogPost` → `blog_post`).
///
/// ## `index(columns("field_a", "field_b"), name = "index_name", unique)`
///
/// An index over the columns of the named fields (field names, not column names), in
/// that order. May be repeated.
/// - `columns(...)`: required, at least one field.
/// - `name`: default `ix_<table>_<column>_<column>`, shortened with a stable hash past 63
///   bytes.
/// - `unique`: a unique index. Default: not unique.
///
/// ## `unique(columns("field_a", "field_b"), name = "constraint_name")`
///
/// A unique constraint over several fields. May be repeated.
/// - `columns(...)`: required, at least one field.
/// - `name`: default `uq_<table>_<column>_<column>`.
///
/// # Field attributes
///
/// ## `primary_key`
///
/// The field is (part of) the primary key; a model needs at least one. Several
/// `primary_key` fields form a composite key, in field order, and the model's `Key` is the
/// tuple of their types. A key field cannot be an `Option`.
///
/// A single key of type `i16`, `i32` or `i64` auto-increments: `insert` ignores the field's
/// value and writes the generated key back. Keys of other types (`String`, `Uuid`) and
/// composite keys are given by the application.
///
/// ## `auto_increment = false`
///
/// Opts a single integer primary key out of auto-increment. Default: `true` for a single
/// integer key; an error anywhere else.
///
/// ## `version`
///
/// An integer field (`i32` or `i64`, not an `Option`, outside the primary key) that
/// counts the row's versions, for optimistic concurrency: `update` and a session's flush
/// write the row only while it is still at the version the model holds, and count it up
/// in the row and in the model; a row someone else changed meanwhile fails the write with
/// `Error::StaleData`, and nothing is written. At most one per model.
///
/// ## `column = "name"`
///
/// The column's name. Default: the field's name (`r#type` → `type`).
///
/// ## `skip`
///
/// The field is not a column: it is left out of the table and of every statement, and
/// set to `Default::default()` when a row is loaded. Combines with no other key.
///
/// ## `unique`
///
/// A unique constraint on this column alone, named `uq_<table>_<column>`. Default: none.
///
/// ## `index`
///
/// An index on this column alone, named `ix_<table>_<column>`. Default: none.
///
/// ## `max_length = N`
///
/// `VARCHAR(N)` instead of `TEXT`, for a `String` or `Option<String>` field only.
/// Default: no length.
///
/// ## `default = "<sql expression>"`
///
/// The column's `DEFAULT`, an SQL expression written verbatim into the DDL (a string
/// value needs its SQL quotes: `default = "'draft'"`). Default: none.
///
/// ## `sql_type = "..."`
///
/// The column's SQL type, written verbatim into the DDL. It also makes a field whose
/// Rust type the ORM does not map acceptable, provided the type implements
/// `orm_core::SqlValue`. Default: the type mapped from the field's Rust type (below).
///
/// ## `references(OtherModel)`
///
/// A foreign key from this column to the primary key of `OtherModel` (a path to another
/// `#[derive(Model)]` struct, or `Self`), which must be a single column. The field has
/// the key's type, or an `Option` of it (a compile error says so otherwise: MySQL would
/// refuse `INT` against `BIGINT` when the table is created). Default: none.
///
/// ## `on_delete = "..."`, `on_update = "..."`
///
/// The foreign key's referential actions: `"cascade"`, `"restrict"`, `"set null"` (the
/// field must be an `Option`) or `"no action"`. Only with `references`. Default: none, so
/// the database's own (`NO ACTION`).
///
/// # Types
///
/// | Rust type | SQL type |
/// |---|---|
/// | `bool` | `Boolean` |
/// | `i8`, `i16`, `i32`, `i64` | `TinyInt`, `SmallInt`, `Integer`, `BigInt` |
/// | `u8`, `u16`, `u32` | unsigned, or a wider signed type where the backend has none |
/// | `f32`, `f64` | `Real`, `Double` |
/// | `String` | `Text`, or `Varchar(N)` with `max_length = N` |
/// | `Vec<u8>` | `Blob` |
/// | `chrono::NaiveDate`, `NaiveTime`, `NaiveDateTime` | `Date`, `Time`, `Timestamp` |
/// | `chrono::DateTime<Utc>` | `TimestampTz` |
/// | `time::Date`, `Time`, `PrimitiveDateTime` | `Date`, `Time`, `Timestamp` (feature `time`) |
/// | `time::OffsetDateTime` | `TimestampTz` (feature `time`) |
/// | `uuid::Uuid` | `Uuid` |
/// | `serde_json::Value`, `Json<T>` | `Json` |
/// | `rust_decimal::Decimal` | `Decimal` (feature `decimal`) |
/// | `Option<T>` | the type of `T`, NULL-able; every other type is NOT NULL |
///
/// Types are recognized by name, as written: a type alias is not seen through, so name its
/// SQL type with `sql_type`. A type the table does not list (an enum with
/// `#[derive(DbEnum)]`, say) is stored as text and must implement `orm_core::TextValue`;
/// for any other, the compile error at the field says what to write. Generic types and
/// primitives no backend holds exactly (`u64`, `usize`, `i128`…) are errors at once.
///
/// # Generated items
///
/// - `impl orm_core::Model for User`: `TABLE`, `PRIMARY_KEY`, the `Key` type, and the
///   model's other constants in one hidden `META` (from which `NAME`, `COLUMNS`,
///   `AUTO_INCREMENT`… are read), row decoding, a field read and an integer field write by
///   column index; the rest of `Model` is shared code in `orm_core`.
/// - A `static` of the model's state: its rendered statements and table definition.
/// - `User::<field>`: an `orm_core::Column<User, FieldType>` per column, with the
///   field's visibility. A field named like a method of `Model` (`get`, `all`, `query`,
///   `insert`, `update`, `delete`) makes the path `User::update` name the column; call
///   the method as `user.update(&db)` or `<User as Model>::update(&user, &db)`.
/// - A registration that `Database::create_all` finds.
///
/// # Errors
///
/// Every mistake is a compile error at the attribute, field or type it is about, and all
/// of them are reported in one build: unknown keys (with the expected ones and the nearest
/// match), duplicate keys, values of the wrong kind, a missing primary key, unsupported
/// types, two fields with one column, and structs that cannot be models (tuple, unit or
/// generic structs, enums, unions).
#[proc_macro_derive(Model, attributes(orm))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    expand::expand(input.into()).into()
}

/// `#[derive(DbEnum)]`: stores a fieldless enum as the text of its variants, so it can be
/// a model field (a `TEXT` column, or `VARCHAR(n)` with `#[orm(max_length = n)]`) and a
/// query parameter.
///
/// Attributes:
/// - on the enum, `#[orm(rename_all = "...")]`: how variant names become text, one of
///   `snake_case` (the default), `kebab-case`, `SCREAMING_SNAKE_CASE`, `lowercase`,
///   `UPPERCASE`, `PascalCase`, `camelCase`;
/// - on a variant, `#[orm(rename = "...")]`: its text, verbatim.
///
/// Text that names no variant fails to load with `Error::Decode`, naming model and column.
///
/// ```
/// use orm_core::{DbEnum, prelude::*};
///
/// #[derive(DbEnum, Debug, Clone, Copy, PartialEq)]
/// enum Status {
///     Active,
///     #[orm(rename = "gone")]
///     Deleted,
/// }
///
/// #[derive(Model, Debug)]
/// struct Account {
///     #[orm(primary_key)]
///     id: i64,
///     status: Status,
/// }
///
/// let q = Account::query().filter(Account::status.eq(Status::Deleted));
/// assert_eq!(q.to_sql(Dialect::Sqlite).values, [orm_core::Value::String(Some("gone".into()))]);
/// ```
#[proc_macro_derive(DbEnum, attributes(orm))]
pub fn derive_db_enum(input: TokenStream) -> TokenStream {
    db_enum::expand(input.into()).into()
}

/// An async test on a database of its own: see `orm_core::testing` for what it does and
/// the options it takes (`backends(...)`, `migrations = "dir"`, `fixtures(...)`,
/// `rollback`).
#[proc_macro_attribute]
pub fn test(attr: TokenStream, item: TokenStream) -> TokenStream {
    test_attr::expand(attr.into(), item.into()).into()
}
