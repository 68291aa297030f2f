//! The one parser of model structs, shared by `#[derive(Model)]` and `orm-cli` so that both
//! see the same tables (feature `parse`).
//!
//! It works in phases, as serde's derive does: read the `#[orm(...)]` attributes into
//! typed values (`attr`), build the model (`build`), run the checks that involve several
//! attributes or fields (`check`). Every error is collected with its span (`ctxt`), and all
//! of them are returned together, so a user sees every mistake in one build.
//!
//! ```
//! use orm_schema::SqlType;
//! use orm_schema::parse::parse_model;
//!
//! let model = parse_model(&syn::parse_quote! {
//!     #[orm(table = "users")]
//!     struct User {
//!         #[orm(primary_key)]
//!         id: i64,
//!         #[orm(unique, max_length = 64)]
//!         username: String,
//!         bio: Option<String>,
//!     }
//! })?;
//! let table = &model.table_def;
//! assert_eq!(table.name, "users");
//! assert_eq!(table.primary_key, ["id"]);
//! assert!(table.columns[0].auto_increment);
//! assert_eq!(table.columns[1].sql_type, SqlType::Varchar(64));
//! assert!(table.columns[2].nullable);
//! # Ok::<(), syn::Error>(())
//! ```

mod attr;
mod build;
mod check;
mod ctxt;
mod db_enum;
mod file;
mod model;
mod rust_type;
#[cfg(test)]
mod tests;

pub use db_enum::{DbEnumDef, parse_db_enum};
pub use file::{parse_file, resolve_tables};
pub use model::{FieldDef, ModelDef, ModelReference};

/// Reads and checks a `#[derive(Model)]` struct.
///
/// Fails with one error per mistake found, each spanned at the attribute, field or type it
/// is about (combine them with [`syn::Error::to_compile_error`]).
pub fn parse_model(input: &syn::DeriveInput) -> syn::Result<ModelDef> {
    let cx = ctxt::Ctxt::new();
    let model = build::read_model(&cx, input);
    cx.check()?;
    // Without errors, the input was a struct with named fields, so there is a model.
    model.ok_or_else(|| {
        syn::Error::new_spanned(&input.ident, "#[derive(Model)] found no model here")
    })
}
