//! The `TableDef` literal of `Model::table_def()`, equal to what `orm_schema::parse::
//! resolve_tables` builds from the same model: both start from the parser's `TableDef`.

use orm_schema::parse::{ModelDef, ModelReference};
use orm_schema::{ColumnDef, IndexDef, ReferentialAction, SqlType, UniqueDef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

/// The `TableSpec` constant that `Model::table_def()` turns into a `TableDef`: data only,
/// foreign keys resolved through the referenced models' consts (not their `table_def()`,
/// which could make two models' initializations wait on each other).
pub(super) fn table_spec(model: &ModelDef) -> TokenStream {
    let t = &model.table_def;
    let name = &t.name;
    let columns = t.columns.iter().map(column);
    let extras = t.columns.iter().enumerate().filter_map(column_extra);
    let uniques = t
        .uniques
        .iter()
        .map(|UniqueDef { name, columns }| quote!((#name, &[#(#columns),*])));
    let indexes = t.indexes.iter().map(
        |IndexDef {
             name,
             columns,
             unique,
         }| quote!((#name, &[#(#columns),*], #unique)),
    );
    let foreign_keys = model.references.iter().map(|r| foreign_key(model, r));
    quote! {
        __orm::TableSpec {
            name: #name,
            columns: &[#(#columns),*],
            extras: &[#(#extras),*],
            uniques: &[#(#uniques),*],
            indexes: &[#(#indexes),*],
            foreign_keys: &[#(#foreign_keys),*],
        }
    }
}

/// The referenced model as a type: its path, or the model itself for `references(Self)`
/// (`Self` is not a type outside the model's impls).
pub(super) fn target(model: &ModelDef, r: &ModelReference) -> TokenStream {
    if r.is_self() {
        let ident = &model.ident;
        quote!(#ident)
    } else {
        let path = &r.model;
        quote!(#path)
    }
}

/// The referenced column names, as expressions: the target's key, or its fields' columns
/// (through their handles, so that a field that does not exist is a compile error).
pub(super) fn ref_columns(model: &ModelDef, r: &ModelReference) -> Vec<TokenStream> {
    let target = target(model, r);
    if r.ref_fields.is_empty() {
        (0..r.columns.len())
            .map(|i| quote!(__orm::nth(<#target as ::orm_core::Model>::PRIMARY_KEY, #i)))
            .collect()
    } else {
        r.ref_fields
            .iter()
            .map(|f| {
                let field = format_ident!("{}", f, span = r.model.span());
                quote!(#target::#field.name())
            })
            .collect()
    }
}

/// Compile-time checks of each foreign key: the referenced key has as many columns as
/// the foreign key, and each field has the type of the column it references (or an
/// `Option` of it: MySQL refuses `INT` against `BIGINT` at `CREATE TABLE`).
pub(super) fn key_assertions(model: &ModelDef) -> TokenStream {
    let mut checks = Vec::new();
    for r in &model.references {
        let target = target(model, r);
        if !r.is_self() && model.ident != r.model_name() {
            // Both tables in one database: a foreign key cannot reach into another.
            let database = option(model.database.as_ref());
            let message = format!(
                "`{}` references `{}`, a model of another database (`#[orm(database = ...)]`): \
                 a foreign key stays within one database",
                model.ident,
                r.model_name()
            );
            let span = r.model.span();
            checks.push(quote_spanned! {span=>
                const _: () = ::core::assert!(
                    ::orm_core::__private::same_database(
                        <#target as ::orm_core::Model>::META.database,
                        #database,
                    ),
                    #message
                );
            });
        }
        let fields: Vec<_> = r
            .fields
            .iter()
            .filter_map(|ident| model.columns().find(|f| &f.ident == ident))
            .collect();
        if r.ref_fields.is_empty() {
            let count = r.columns.len();
            let message = format!(
                "`{}.{}` references the key of `{}`, which has another number of columns: \
                 name the referenced fields with `ref_columns(...)`, one per field",
                model.ident,
                r.columns.join("`, `"),
                r.model_name()
            );
            let span = r.model.span();
            checks.push(quote_spanned! {span=>
                const _: () = ::core::assert!(
                    <#target as ::orm_core::Model>::PRIMARY_KEY.len() == #count,
                    #message
                );
            });
            // A one-column key: the field has the key's type.
            if let [field] = fields.as_slice() {
                let ty = &field.ty;
                checks.push(quote_spanned! {ty.span()=>
                    const _: () = {
                        fn refers<F: ::orm_core::__private::RefersTo<K>, K>() {}
                        let _ = refers::<#ty, <#target as ::orm_core::Model>::Key>;
                    };
                });
            }
        } else {
            for (field, ref_field) in fields.iter().zip(&r.ref_fields) {
                let ty = &field.ty;
                let ref_field = format_ident!("{}", ref_field, span = r.model.span());
                checks.push(quote_spanned! {ty.span()=>
                    const _: () = {
                        fn refers<F: ::orm_core::__private::RefersTo<K>, K, M>(
                            _: ::orm_core::Column<M, K>,
                        ) {}
                        let _ = || refers::<#ty, _, _>(#target::#ref_field);
                    };
                });
            }
        }
    }
    quote!(#(#checks)*)
}

/// A column's `(type, flags)` in `TableSpec::columns` (its name is in `META.columns`).
fn column(c: &ColumnDef) -> TokenStream {
    // The bits of `orm_core::__private::{NULLABLE, PRIMARY_KEY, AUTO_INCREMENT, UNIQUE}`
    // (`tests/same_table_as_parser.rs` compares the result with the parser's columns).
    let flags = u8::from(c.nullable)
        | u8::from(c.primary_key) << 1
        | u8::from(c.auto_increment) << 2
        | u8::from(c.unique) << 3;
    let (sql_type, _) = self::sql_type(&c.sql_type);
    quote!((__orm::SqlType::#sql_type, #flags))
}

/// The column's `ColumnExtra`, if it has a custom type, a default or per-dialect types.
fn column_extra((index, c): (usize, &ColumnDef)) -> Option<TokenStream> {
    let (_, custom) = self::sql_type(&c.sql_type);
    if custom.is_none() && c.default.is_none() && c.dialect_types.is_empty() {
        return None;
    }
    let custom = option(custom.as_ref());
    let default = option(c.default.as_ref());
    let types = c.dialect_types.iter().map(|(d, t)| quote!((#d, #t)));
    Some(quote! {
        __orm::ColumnExtra {
            column: #index,
            custom_type: #custom,
            default: #default,
            dialect_types: &[#(#types),*],
        }
    })
}

/// `Some(value)` or `None`, as an expression.
pub(super) fn option(value: Option<&impl quote::ToTokens>) -> TokenStream {
    match value {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    }
}

fn foreign_key(model: &ModelDef, r: &ModelReference) -> TokenStream {
    let target = target(model, r);
    let target = quote_spanned!(r.model.span()=> <#target as ::orm_core::Model>);
    let columns = &r.columns;
    let ref_columns = ref_columns(model, r);
    let name = option(r.name.as_ref());
    let on_delete = action(r.on_delete);
    let on_update = action(r.on_update);
    quote! {
        __orm::ForeignKeySpec {
            columns: &[#(#columns),*],
            ref_table: #target::TABLE,
            ref_columns: &[#(#ref_columns),*],
            name: #name,
            on_delete: #on_delete,
            on_update: #on_update,
        }
    }
}

fn action(action: Option<ReferentialAction>) -> TokenStream {
    let variant = match action {
        None => return quote!(::core::option::Option::None),
        Some(ReferentialAction::Cascade) => quote!(Cascade),
        Some(ReferentialAction::Restrict) => quote!(Restrict),
        Some(ReferentialAction::SetNull) => quote!(SetNull),
        Some(ReferentialAction::NoAction) => quote!(NoAction),
    };
    quote!(::core::option::Option::Some(::orm_core::schema::ReferentialAction::#variant))
}

/// The `SqlType` variant, and the name of a custom type (which a constant cannot hold as
/// the `String` of `SqlType::Custom`).
fn sql_type(t: &SqlType) -> (TokenStream, Option<&str>) {
    let variant = match t {
        SqlType::Boolean => quote!(Boolean),
        SqlType::TinyInt => quote!(TinyInt),
        SqlType::SmallInt => quote!(SmallInt),
        SqlType::Integer => quote!(Integer),
        SqlType::BigInt => quote!(BigInt),
        SqlType::UnsignedTinyInt => quote!(UnsignedTinyInt),
        SqlType::UnsignedSmallInt => quote!(UnsignedSmallInt),
        SqlType::UnsignedInteger => quote!(UnsignedInteger),
        SqlType::Real => quote!(Real),
        SqlType::Double => quote!(Double),
        SqlType::Text => quote!(Text),
        SqlType::Varchar(n) => quote!(Varchar(#n)),
        SqlType::Blob => quote!(Blob),
        SqlType::Date => quote!(Date),
        SqlType::Time => quote!(Time),
        SqlType::Timestamp => quote!(Timestamp),
        SqlType::TimestampTz => quote!(TimestampTz),
        SqlType::Uuid => quote!(Uuid),
        SqlType::Json => quote!(Json),
        SqlType::Decimal => quote!(Decimal),
        SqlType::Custom(name) => return (quote!(Text), Some(name)),
    };
    (variant, None)
}
