//! Phase 2: from the struct and its attributes to a [`ModelDef`], running the checks of
//! [`super::check`] on the way. Errors go to the context; building goes on after them so
//! that one build reports as many as it can.

use heck::ToSnakeCase;
use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::{DeriveInput, Field, LitStr};

use super::attr::{self, ConstraintAttr, FieldAttrs, StructAttrs, key};
use super::check;
use super::ctxt::{Ctxt, did_you_mean};
use super::model::{FieldDef, ModelDef, ModelReference};
use super::rust_type::{display, rust_type};
use crate::{ColumnDef, IndexDef, RustType, SqlType, TableDef, UniqueDef};

/// A field with the attributes it was read from, for the checks that need their spans.
pub(crate) struct ReadField {
    pub(crate) attrs: FieldAttrs,
    pub(crate) def: FieldDef,
    /// The column's type and NULL-ability; `None` for a skipped field or an unmapped type.
    pub(crate) sql_type: Option<(SqlType, bool)>,
}

/// Reads `input`; `None` when it is not a struct with named fields. Errors are in `cx`.
pub(crate) fn read_model(cx: &Ctxt, input: &DeriveInput) -> Option<ModelDef> {
    let struct_attrs = attr::struct_attrs(cx, &input.attrs);
    let named = check::named_fields(cx, input)?;
    // A type parameter's field would also be "unsupported": one error says it all.
    if !check::not_generic(cx, &input.generics) {
        return None;
    }

    let table = struct_attrs
        .table
        .clone()
        .unwrap_or_else(|| input.ident.unraw().to_string().to_snake_case());
    let mut fields: Vec<ReadField> = named
        .named
        .iter()
        .filter_map(|f| read_field(cx, f))
        .collect();
    decide_auto_increment(&mut fields);

    if !struct_attrs.view {
        check::has_primary_key(cx, &input.ident, &fields);
    }
    check::auto_increment_applies(cx, &fields);
    check::one_version(cx, &fields);
    check::distinct_columns(cx, &fields);
    check::self_references_single_key(cx, &fields);

    let table_def = table_def(cx, &table, &struct_attrs, &fields);
    let field_names: Vec<String> = fields.iter().map(|f| f.def.ident.to_string()).collect();
    let mut references: Vec<ModelReference> = fields
        .iter()
        .filter_map(|f| reference(cx, f, &field_names))
        .collect();
    references.extend(
        struct_attrs
            .foreign_keys
            .iter()
            .filter_map(|fk| struct_foreign_key(cx, fk, &fields)),
    );
    Some(ModelDef {
        ident: input.ident.clone(),
        fields: fields.into_iter().map(|f| f.def).collect(),
        table_def,
        references,
        hooks: struct_attrs.hooks,
        view: struct_attrs.view,
        database: struct_attrs.database.clone(),
    })
}

/// Reads one field and runs the checks about it alone.
fn read_field(cx: &Ctxt, field: &Field) -> Option<ReadField> {
    let ident = field.ident.clone()?;
    let attrs = attr::field_attrs(cx, &field.attrs);
    let rust_type = rust_type(&field.ty);
    let sql_type = match attrs.skip {
        true => None,
        false => column_type(cx, field, &attrs, rust_type.as_ref()),
    };
    let stored_as_text = !attrs.skip
        && attrs.sql_type.is_none()
        && rust_type
            .as_ref()
            .is_some_and(|t| t.sql_type(None).is_none());
    let def = FieldDef {
        column: attrs
            .column
            .clone()
            .unwrap_or_else(|| ident.unraw().to_string()),
        ident,
        vis: field.vis.clone(),
        ty: field.ty.clone(),
        rust_type,
        skip: attrs.skip,
        primary_key: attrs.primary_key && !attrs.skip,
        auto_increment: false, // decided once every key field is known
        nullable: sql_type.as_ref().is_some_and(|(_, nullable)| *nullable),
        stored_as_text,
        version: attrs.version && !attrs.skip,
    };
    let read = ReadField {
        attrs,
        def,
        sql_type,
    };
    check::field(cx, &read);
    Some(read)
}

/// The column type of a field: `sql_type = "..."`, or the mapping of its Rust type.
fn column_type(
    cx: &Ctxt,
    field: &Field,
    attrs: &FieldAttrs,
    rust_type: Option<&RustType>,
) -> Option<(SqlType, bool)> {
    if let Some(sql_type) = &attrs.sql_type {
        let nullable = rust_type.is_some_and(|t| t.option_inner().is_some());
        return Some((SqlType::Custom(sql_type.clone()), nullable));
    }
    let mapped = rust_type.and_then(|t| {
        t.sql_type(attrs.max_length)
            .or_else(|| t.text_value_type(attrs.max_length))
    });
    if mapped.is_none() {
        let message = format!(
            "unsupported field type `{}`: a column's type must be one of {}\n\
             help: name the column's SQL type with `#[orm(sql_type = \"...\")]`, \
             or leave the field out of the table with `#[orm(skip)]`",
            display(&field.ty),
            RustType::SUPPORTED,
        );
        cx.error_spanned_by(&field.ty, message);
    }
    mapped
}

/// A single integer primary key is generated by the database unless opted out.
fn decide_auto_increment(fields: &mut [ReadField]) {
    let mut keys = fields.iter_mut().filter(|f| f.def.primary_key);
    let (Some(key), None) = (keys.next(), keys.next()) else {
        return;
    };
    let integer = key.def.rust_type.as_ref().is_some_and(RustType::is_integer);
    key.def.auto_increment = integer && key.attrs.auto_increment != Some(false);
}

fn column_def(f: &ReadField) -> Option<ColumnDef> {
    let (sql_type, nullable) = f.sql_type.clone()?;
    let mut column = ColumnDef::new(f.def.column.as_str(), sql_type);
    column.nullable = nullable;
    column.primary_key = f.def.primary_key;
    column.auto_increment = f.def.auto_increment;
    column.unique = f.attrs.unique;
    column.default = f.attrs.default.clone();
    column.dialect_types = f.attrs.dialect_types.clone();
    Some(column)
}

/// The table: columns, then the fields' indexes, then the struct's unique constraints
/// and indexes.
fn table_def(cx: &Ctxt, table: &str, attrs: &StructAttrs, fields: &[ReadField]) -> TableDef {
    let mut def = TableDef::new(table);
    // Each index and unique constraint's name with the span that declared it.
    let mut names: Vec<(String, Span)> = Vec::new();
    for f in fields {
        let Some(column) = column_def(f) else {
            continue;
        };
        if column.unique {
            let unique = UniqueDef::new(table, vec![column.name.clone()]);
            names.push((unique.name, key_span(f, key::UNIQUE)));
        }
        def = def.column(column);
    }
    for f in fields.iter().filter(|f| f.attrs.index && !f.def.skip) {
        let index = IndexDef::new(table, vec![f.def.column.clone()]);
        names.push((index.name.clone(), key_span(f, key::INDEX)));
        def = def.index(index);
    }
    for unique in &attrs.uniques {
        let Some(columns) = constraint_columns(cx, unique, fields) else {
            continue;
        };
        let mut constraint = UniqueDef::new(table, columns);
        if let Some(name) = &unique.name {
            constraint.name = name.value();
        }
        names.push((constraint.name.clone(), unique.span));
        def.uniques.push(constraint);
    }
    for index in &attrs.indexes {
        let Some(columns) = constraint_columns(cx, index, fields) else {
            continue;
        };
        let mut constraint = IndexDef::new(table, columns);
        constraint.unique = index.unique;
        if let Some(name) = &index.name {
            constraint.name = name.value();
        }
        names.push((constraint.name.clone(), index.span));
        def = def.index(constraint);
    }
    check::distinct_constraint_names(cx, &names);
    def
}

/// The columns of the fields a struct-level `index(...)` or `unique(...)` names.
fn constraint_columns(
    cx: &Ctxt,
    constraint: &ConstraintAttr,
    fields: &[ReadField],
) -> Option<Vec<String>> {
    if constraint.columns.is_empty() {
        cx.error_at(
            constraint.span,
            "expected at least one field in `columns(...)`",
        );
        return None;
    }
    let columns: Vec<Option<String>> = constraint
        .columns
        .iter()
        .map(|name| field_column(cx, name, fields))
        .collect();
    columns.into_iter().collect()
}

/// The column of the field named `name`.
fn field_column(cx: &Ctxt, name: &LitStr, fields: &[ReadField]) -> Option<String> {
    let wanted = name.value();
    let field = fields.iter().find(|f| f.def.ident.unraw() == wanted);
    match field {
        Some(f) if f.def.skip => {
            cx.error_spanned_by(
                name,
                format!("field `{wanted}` is skipped, so it has no column"),
            );
            None
        }
        Some(f) => Some(f.def.column.clone()),
        None => {
            let names: Vec<String> = fields
                .iter()
                .filter(|f| !f.def.skip)
                .map(|f| f.def.ident.unraw().to_string())
                .collect();
            let mut message =
                format!("no field `{wanted}` in this struct: `columns(...)` lists field names");
            match fields
                .iter()
                .find(|f| f.def.column == wanted && !f.def.skip)
            {
                Some(f) => message.push_str(&format!(
                    "\nhelp: `{wanted}` is the column of field `{}`",
                    f.def.ident
                )),
                None => message.push_str(&did_you_mean(&wanted, names.iter().map(String::as_str))),
            }
            cx.error_spanned_by(name, message);
            None
        }
    }
}

fn reference(cx: &Ctxt, f: &ReadField, field_names: &[String]) -> Option<ModelReference> {
    let model = f.attrs.references.clone().filter(|_| !f.def.skip)?;
    if let Some(Some(name)) = &f.attrs.relation
        && (field_names.contains(name) || MODEL_ITEMS.contains(&name.as_str()))
    {
        let message = format!(
            "relation `{name}` would share its name with a field's column handle or a method \
             of `Model`: choose another"
        );
        cx.error_at(key_span(f, key::RELATION), message);
    }
    // Named by the field without `_id`, where that is a free identifier (`type_id` has
    // none: `type` is a keyword).
    let relation = f.attrs.relation.clone().unwrap_or_else(|| {
        let field = f.def.ident.unraw().to_string();
        let name = field.strip_suffix("_id")?;
        let free = syn::parse_str::<syn::Ident>(name).is_ok()
            && !field_names.iter().any(|n| n == name)
            && !MODEL_ITEMS.contains(&name);
        free.then(|| name.to_string())
    });
    Some(ModelReference {
        columns: vec![f.def.column.clone()],
        fields: vec![f.def.ident.clone()],
        model,
        ref_fields: f.attrs.ref_column.iter().cloned().collect(),
        name: f.attrs.fk_name.clone(),
        relation,
        on_delete: f.attrs.on_delete,
        on_update: f.attrs.on_update,
    })
}

/// The struct's `foreign_key(...)`, its fields found among `fields`.
fn struct_foreign_key(
    cx: &Ctxt,
    fk: &attr::ForeignKeyAttr,
    fields: &[ReadField],
) -> Option<ModelReference> {
    let mut columns = Vec::new();
    let mut idents = Vec::new();
    for name in &fk.columns {
        let found = fields
            .iter()
            .find(|f| !f.def.skip && f.def.ident.unraw() == name.value().as_str());
        match found {
            Some(f) => {
                columns.push(f.def.column.clone());
                idents.push(f.def.ident.clone());
            }
            None => {
                let message = format!(
                    "`foreign_key` names `{}`, which is not a column of this struct",
                    name.value()
                );
                cx.error_spanned_by(name, message);
                return None;
            }
        }
    }
    if !fk.ref_columns.is_empty() && fk.ref_columns.len() != fk.columns.len() {
        let message = format!(
            "`foreign_key` names {} field(s) but {} `ref_columns`: name one referenced field for each",
            fk.columns.len(),
            fk.ref_columns.len()
        );
        cx.error_at(fk.span, message);
        return None;
    }
    Some(ModelReference {
        columns,
        fields: idents,
        model: fk.references.clone()?,
        ref_fields: fk.ref_columns.iter().map(LitStr::value).collect(),
        name: fk.name.clone(),
        relation: fk.relation.clone(),
        on_delete: fk.on_delete,
        on_update: fk.on_update,
    })
}

/// The associated items of `orm_core::Model` that a generated relation must not shadow.
const MODEL_ITEMS: &[&str] = &[
    "all",
    "delete",
    "get",
    "get_by_values",
    "insert",
    "insert_many",
    "insert_many_with_keys",
    "insert_sql",
    "insert_with_key",
    "query",
    "table_def",
    "update",
    "update_sql",
    "upsert",
    "upsert_many",
    "values",
];

/// Where a field's `key` was written, or else its name.
pub(crate) fn key_span(f: &ReadField, key: &str) -> Span {
    f.attrs.seen.span(key).unwrap_or_else(|| f.def.ident.span())
}
