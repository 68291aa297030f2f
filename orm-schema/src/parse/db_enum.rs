//! `#[derive(DbEnum)]`: a fieldless enum stored as the text of its variants.

use heck::{ToKebabCase, ToLowerCamelCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use syn::ext::IdentExt;
use syn::{Data, DeriveInput, Fields, Ident, LitStr};

use super::ctxt::{Ctxt, did_you_mean};

/// An enum stored as text: each variant and the text that stands for it.
#[derive(Debug, Clone)]
pub struct DbEnumDef {
    /// The enum's name.
    pub ident: Ident,
    /// The variants, each with its stored text.
    pub variants: Vec<(Ident, String)>,
}

/// The spellings `#[orm(rename_all = "...")]` accepts.
const RENAME_ALL: [&str; 7] = [
    "snake_case",
    "kebab-case",
    "SCREAMING_SNAKE_CASE",
    "lowercase",
    "UPPERCASE",
    "PascalCase",
    "camelCase",
];

fn renamed(rule: &str, name: &str) -> String {
    match rule {
        "kebab-case" => name.to_kebab_case(),
        "SCREAMING_SNAKE_CASE" => name.to_shouty_snake_case(),
        "lowercase" => name.to_lowercase(),
        "UPPERCASE" => name.to_uppercase(),
        "PascalCase" => name.to_upper_camel_case(),
        "camelCase" => name.to_lower_camel_case(),
        _ => name.to_snake_case(),
    }
}

/// Parses a `#[derive(DbEnum)]` input: a fieldless enum, `#[orm(rename_all = "...")]` on
/// the enum (default `snake_case`), `#[orm(rename = "...")]` on a variant. Every error is
/// reported at once.
///
/// ```
/// let input: syn::DeriveInput = syn::parse_quote! {
///     #[orm(rename_all = "UPPERCASE")]
///     enum Status { Active, #[orm(rename = "gone")] Deleted }
/// };
/// let def = orm_schema::parse::parse_db_enum(&input).unwrap();
/// let texts: Vec<&str> = def.variants.iter().map(|(_, t)| t.as_str()).collect();
/// assert_eq!(texts, ["ACTIVE", "gone"]);
/// ```
pub fn parse_db_enum(input: &DeriveInput) -> syn::Result<DbEnumDef> {
    let cx = Ctxt::new();
    let mut rule = "snake_case".to_owned();
    for value in orm_values(&cx, &input.attrs, "rename_all") {
        if RENAME_ALL.contains(&value.value().as_str()) {
            rule = value.value();
        } else {
            let hint = did_you_mean(&value.value(), RENAME_ALL.iter().copied());
            cx.error_spanned_by(
                &value,
                format!(
                    "unknown `rename_all` rule, expected one of {}{hint}",
                    RENAME_ALL.join(", ")
                ),
            );
        }
    }
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(
            &input.generics,
            "#[derive(DbEnum)] does not support generic enums",
        );
    }
    let mut variants = Vec::new();
    match &input.data {
        Data::Enum(data) => {
            for v in &data.variants {
                if !matches!(v.fields, Fields::Unit) {
                    cx.error_spanned_by(
                        &v.fields,
                        "#[derive(DbEnum)] variants cannot have fields: the column stores the variant's name",
                    );
                }
                let text = orm_values(&cx, &v.attrs, "rename")
                    .last()
                    .map(LitStr::value)
                    .unwrap_or_else(|| renamed(&rule, &v.ident.unraw().to_string()));
                if let Some((other, _)) = variants.iter().find(|(_, t)| *t == text) {
                    cx.error_spanned_by(
                        &v.ident,
                        format!("`{}` is stored as \"{text}\", like `{other}`", v.ident),
                    );
                }
                variants.push((v.ident.clone(), text));
            }
            if data.variants.is_empty() {
                cx.error_spanned_by(&input.ident, "#[derive(DbEnum)] needs at least one variant");
            }
        }
        _ => cx.error_spanned_by(&input.ident, "#[derive(DbEnum)] applies to enums"),
    }
    cx.check()?;
    Ok(DbEnumDef {
        ident: input.ident.clone(),
        variants,
    })
}

/// The string values of `#[orm(<key> = "...")]` among `attrs`; any other key is an error.
fn orm_values(cx: &Ctxt, attrs: &[syn::Attribute], key: &str) -> Vec<LitStr> {
    let mut found = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("orm")) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(key) {
                found.push(meta.value()?.parse::<LitStr>()?);
                Ok(())
            } else {
                Err(meta.error(format!("unknown attribute, expected `{key} = \"...\"`")))
            }
        });
        if let Err(e) = result {
            cx.syn_error(e);
        }
    }
    found
}
