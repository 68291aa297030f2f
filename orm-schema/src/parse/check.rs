//! Phase 3: the named checks, each about rules that involve more than one attribute or
//! more than one field. Every check records its errors and returns, so all of them run.

use std::collections::HashMap;

use proc_macro2::Span;
use syn::{Data, DeriveInput, FieldsNamed, Generics, Ident};

use super::attr::key;
use super::build::{ReadField, key_span};
use super::ctxt::Ctxt;
use super::rust_type::display;
use crate::ReferentialAction;

/// The struct's named fields; `None`, with an error, for anything else.
pub(crate) fn named_fields<'a>(cx: &Ctxt, input: &'a DeriveInput) -> Option<&'a FieldsNamed> {
    match &input.data {
        Data::Struct(data) => match &data.fields {
            syn::Fields::Named(named) => return Some(named),
            syn::Fields::Unnamed(fields) => cx.error_spanned_by(
                fields,
                "#[derive(Model)] does not support tuple structs: columns are named after fields\n\
                 help: name the fields: `struct Name { id: i64, .. }`",
            ),
            syn::Fields::Unit => cx.error_spanned_by(
                &input.ident,
                "#[derive(Model)] does not support unit structs: a model needs fields, \
                 one of them its primary key",
            ),
        },
        Data::Enum(data) => cx.error_spanned_by(
            data.enum_token,
            "#[derive(Model)] supports structs with named fields, not enums\n\
             help: a model is a struct, one field per column; to store a fieldless enum in a \
             column, `#[derive(DbEnum)]` it and make it a field's type",
        ),
        Data::Union(data) => cx.error_spanned_by(
            data.union_token,
            "#[derive(Model)] supports structs with named fields, not unions",
        ),
    }
    None
}

/// `false`, with an error, for a struct with lifetimes, type or const parameters.
pub(crate) fn not_generic(cx: &Ctxt, generics: &Generics) -> bool {
    let message = "#[derive(Model)] does not support generic structs: a model maps to one table\n\
        help: give the fields concrete, owned types (`String`, not `&'a str` or `T`), one struct \
        per table";
    if !generics.params.is_empty() {
        cx.error_spanned_by(generics, message);
    } else if let Some(where_clause) = &generics.where_clause {
        cx.error_spanned_by(where_clause, message);
    } else {
        return true;
    }
    false
}

/// The checks about one field alone.
pub(crate) fn field(cx: &Ctxt, f: &ReadField) {
    skip_stands_alone(cx, f);
    max_length_on_strings(cx, f);
    actions_need_references(cx, f);
    key_not_nullable(cx, f);
    set_null_needs_nullable(cx, f);
}

/// A skipped field is not a column, so no column attribute applies to it.
fn skip_stands_alone(cx: &Ctxt, f: &ReadField) {
    if !f.attrs.skip {
        return;
    }
    for (other, span) in f.attrs.seen.keys().filter(|(k, _)| *k != key::SKIP) {
        let message =
            format!("`skip` cannot be combined with `{other}`: a skipped field is not a column");
        cx.error_at(span, message);
    }
}

fn max_length_on_strings(cx: &Ctxt, f: &ReadField) {
    let Some(span) = f.attrs.seen.span(key::MAX_LENGTH) else {
        return;
    };
    if f.attrs.sql_type.is_some() {
        let message =
            "`max_length` cannot be combined with `sql_type`: write the length in the SQL type";
        cx.error_at(span, message);
        return;
    }
    let rust_type = f.def.rust_type.as_ref();
    let inner = rust_type.map(|t| t.option_inner().unwrap_or(t));
    let string = inner.is_some_and(|t| t.name == "String" && t.args.is_empty());
    if !string && !f.def.stored_as_text {
        let message = format!(
            "`max_length` applies to `String` fields and text types such as `DbEnum` enums, not `{}`",
            display(&f.def.ty)
        );
        cx.error_at(span, message);
    }
}

fn actions_need_references(cx: &Ctxt, f: &ReadField) {
    if f.attrs.seen.span(key::REFERENCES).is_some() {
        return;
    }
    for action in [
        key::ON_DELETE,
        key::ON_UPDATE,
        key::RELATION,
        key::REF_COLUMN,
        key::FK_NAME,
    ] {
        if let Some(span) = f.attrs.seen.span(action) {
            let example = match action {
                key::RELATION => "relation = \"parent\"",
                key::REF_COLUMN => "ref_column = \"field\"",
                key::FK_NAME => "fk_name = \"fk_name\"",
                _ => "on_delete = \"cascade\"",
            };
            let example = example.replace("on_delete", action);
            let message = format!(
                "`{action}` applies to a foreign key\n\
                 help: name the referenced model: `#[orm(references(OtherModel), {example})]`"
            );
            cx.error_at(span, message);
        }
    }
}

fn key_not_nullable(cx: &Ctxt, f: &ReadField) {
    if !(f.def.primary_key && f.def.nullable) {
        return;
    }
    let inner = f.def.rust_type.as_ref().and_then(|t| t.option_inner());
    let help = match inner {
        Some(inner) => format!("\nhelp: use the inner type `{inner}`"),
        None => String::new(),
    };
    let message = format!("a primary key cannot be an `Option`: key columns are NOT NULL{help}");
    cx.error_spanned_by(&f.def.ty, message);
}

fn set_null_needs_nullable(cx: &Ctxt, f: &ReadField) {
    if f.def.nullable || f.def.skip || f.sql_type.is_none() {
        return;
    }
    for (action, value) in [
        (key::ON_DELETE, f.attrs.on_delete),
        (key::ON_UPDATE, f.attrs.on_update),
    ] {
        if value == Some(ReferentialAction::SetNull) {
            let message = format!(
                "`{action} = \"set null\"` needs a NULL-able column\n\
                 help: make the field an `Option<{}>`",
                display(&f.def.ty)
            );
            cx.error_at(key_span(f, action), message);
        }
    }
}

pub(crate) fn has_primary_key(cx: &Ctxt, ident: &Ident, fields: &[ReadField]) {
    // A key field that is also skipped has its own error.
    if !fields.iter().any(|f| f.attrs.primary_key) {
        let message = format!(
            "`{ident}` has no primary key\n\
             help: mark the key field with `#[orm(primary_key)]`"
        );
        cx.error_spanned_by(ident, message);
    }
}

/// `#[orm(version)]`: on one integer field that is not NULL-able nor part of the key.
pub(crate) fn one_version(cx: &Ctxt, fields: &[ReadField]) {
    let mut seen = false;
    for f in fields {
        let Some(span) = f.attrs.seen.span(key::VERSION) else {
            continue;
        };
        let integer = f.def.rust_type.as_ref().is_some_and(|t| t.is_integer());
        let message = if seen {
            "a model has one `version` field"
        } else if f.def.primary_key || f.def.skip {
            "`version` applies to a column outside the primary key"
        } else if !integer || f.def.nullable {
            "`version` applies to an integer field that is not an `Option` (`i32` or `i64`)"
        } else {
            seen = true;
            continue;
        };
        seen = true;
        cx.error_at(span, message);
    }
}

/// `auto_increment = ...` is about a single integer primary key.
pub(crate) fn auto_increment_applies(cx: &Ctxt, fields: &[ReadField]) {
    let composite = fields.iter().filter(|f| f.def.primary_key).count() > 1;
    for f in fields {
        let Some(span) = f.attrs.seen.span(key::AUTO_INCREMENT) else {
            continue;
        };
        let integer = f.def.rust_type.as_ref().is_some_and(|t| t.is_integer());
        let message = if !f.def.primary_key {
            "`auto_increment` applies to a primary key field"
        } else if f.attrs.auto_increment != Some(true) {
            continue;
        } else if composite {
            "a composite primary key cannot auto-increment"
        } else if !integer {
            "only an integer primary key (`i16`, `i32` or `i64`) can auto-increment"
        } else {
            continue;
        };
        cx.error_at(span, message);
    }
}

/// A foreign key has one column, so the key it references must have one too.
pub(crate) fn self_references_single_key(cx: &Ctxt, fields: &[ReadField]) {
    if fields.iter().filter(|f| f.def.primary_key).count() < 2 {
        return;
    }
    let self_references = fields.iter().filter(|f| {
        f.attrs
            .references
            .as_ref()
            .is_some_and(|p| p.is_ident("Self"))
    });
    for f in self_references {
        let message =
            "`references(Self)` needs a single-column primary key, and this one is composite";
        cx.error_at(key_span(f, key::REFERENCES), message);
    }
}

/// Two fields may not share a column.
pub(crate) fn distinct_columns(cx: &Ctxt, fields: &[ReadField]) {
    let mut owners: HashMap<&str, &Ident> = HashMap::new();
    for f in fields.iter().filter(|f| !f.def.skip) {
        match owners.get(f.def.column.as_str()) {
            Some(owner) => {
                let message = format!(
                    "column `{}` is already the column of field `{owner}`\n\
                     help: give one of them another name with `#[orm(column = \"...\")]`",
                    f.def.column
                );
                cx.error_at(key_span(f, key::COLUMN), message);
            }
            None => {
                owners.insert(&f.def.column, &f.def.ident);
            }
        }
    }
}

/// Indexes and unique constraints share one namespace in PostgreSQL, so names must differ.
pub(crate) fn distinct_constraint_names(cx: &Ctxt, constraints: &[(String, Span)]) {
    for (i, (name, span)) in constraints.iter().enumerate() {
        if constraints[..i].iter().any(|(earlier, _)| earlier == name) {
            let message = format!(
                "another index or unique constraint of this table is named `{name}`\n\
                 help: remove the duplicate, or give this one a `name = \"...\"`"
            );
            cx.error_at(*span, message);
        }
    }
}
