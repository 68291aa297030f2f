//! For `orm-cli`: every model of a source file, and their tables with foreign keys resolved.

use syn::punctuated::Punctuated;
use syn::{Attribute, DeriveInput, Item, Path, Token};

use super::model::{ModelDef, ModelReference};
use super::parse_model;
use crate::TableDef;
use syn::ext::IdentExt;

/// Every struct of `source` that derives `Model` (`#[derive(Model)]`, or a path ending in
/// `Model`), inline `mod`s included, read with [`parse_model`]. Other items are ignored.
///
/// Fails if the file is not valid Rust, or with the errors of every invalid model.
///
/// ```
/// let models = orm_schema::parse::parse_file(r#"
///     #[derive(Debug, orm_core::Model)]
///     struct User { #[orm(primary_key)] id: i64 }
///     mod blog {
///         #[derive(Model)]
///         struct Post { #[orm(primary_key)] id: i64, #[orm(references(super::User))] author: i64 }
///     }
///     struct NotAModel;
/// "#)?;
/// let tables = orm_schema::parse::resolve_tables(&models).unwrap();
/// assert_eq!(tables[1].name, "post");
/// assert_eq!(tables[1].foreign_keys[0].ref_table, "user");
/// # Ok::<(), syn::Error>(())
/// ```
pub fn parse_file(source: &str) -> syn::Result<Vec<ModelDef>> {
    let file = syn::parse_file(source)?;
    let mut models = Vec::new();
    let mut errors: Option<syn::Error> = None;
    collect_models(&file.items, &mut models, &mut errors);
    match errors {
        Some(e) => Err(e),
        None => Ok(models),
    }
}

fn collect_models(items: &[Item], models: &mut Vec<ModelDef>, errors: &mut Option<syn::Error>) {
    for item in items {
        match item {
            // Test-only models are not part of what the program links.
            Item::Struct(s) if is_cfg_test(&s.attrs) => {}
            Item::Mod(m) if is_cfg_test(&m.attrs) => {}
            Item::Struct(s) if derives_model(&s.attrs) => {
                match parse_model(&DeriveInput::from(s.clone())) {
                    Ok(model) => models.push(model),
                    Err(e) => match errors {
                        Some(all) => all.combine(e),
                        None => *errors = Some(e),
                    },
                }
            }
            Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    collect_models(items, models, errors);
                }
            }
            _ => {}
        }
    }
}

/// Whether `#[cfg(test)]` is among `attrs`.
fn is_cfg_test(attrs: &[Attribute]) -> bool {
    attrs.iter().filter(|a| a.path().is_ident("cfg")).any(|a| {
        a.parse_args::<syn::Ident>()
            .is_ok_and(|ident| ident == "test")
    })
}

/// Whether a `#[derive(...)]` lists `Model` or a path ending in `Model`.
fn derives_model(attrs: &[Attribute]) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .any(|a| {
            a.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
                .is_ok_and(|paths| {
                    paths
                        .iter()
                        .any(|p| p.segments.last().is_some_and(|s| s.ident == "Model"))
                })
        })
}

/// The tables of `models`, in the same order, with their foreign keys: a reference names
/// a model by the last segment of its path (or `Self`) and points to its primary key or
/// the fields it names.
///
/// Fails naming the model and field whose reference is to no model of the list, to a name
/// several models share, to a field the model lacks, or to a key of another width.
pub fn resolve_tables(models: &[ModelDef]) -> Result<Vec<TableDef>, String> {
    models
        .iter()
        .map(|model| model.table_def_with(|reference| target(models, model, reference)))
        .collect()
}

/// The table `reference`, a reference of `model`, points to.
fn target<'a>(
    models: &'a [ModelDef],
    model: &ModelDef,
    reference: &ModelReference,
) -> Result<&'a ModelDef, String> {
    let name = reference.model_name();
    let whose = format!(
        "`{}.{}` references `{name}`",
        model.ident,
        reference.columns.join("`, `")
    );
    let mut candidates = models.iter().filter(|m| m.ident == name);
    let found = match (candidates.next(), candidates.next()) {
        (Some(found), None) => found,
        (None, _) => return Err(format!("{whose}, which is not a model of the sources read")),
        (Some(_), Some(_)) => return Err(format!("{whose}, a name several models have")),
    };
    if let Some(missing) = reference
        .ref_fields
        .iter()
        .find(|f| !found.columns().any(|c| c.ident.unraw() == f.as_str()))
    {
        return Err(format!("{whose}, which has no field `{missing}`"));
    }
    let referenced = found.referenced_columns(&reference.ref_fields).len();
    if referenced != reference.columns.len() {
        return Err(format!(
            "{whose}, whose key has {referenced} columns: a reference names as many as it has"
        ));
    }
    Ok(found)
}
