//! The model's table for `Model::table_def()`, equal to what `orm_schema::parse::
//! resolve_tables` builds from the same model: both start from the parser's `TableDef`.

use orm_schema::ReferentialAction;
use orm_schema::parse::{ModelDef, ModelReference};
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

/// The model's `static` `ModelState`: its table as JSON (the parser's `TableDef`, whose
/// foreign keys are left to `foreign_keys`: they name other models' tables through those
/// models' constants, which only the compiler knows), and its registration: a registered
/// model's state goes through `orm_core::__registered!`, into the link section
/// `create_all` reads; a view is not created by `create_all`, and is not registered.
pub(super) fn state(model: &ModelDef) -> TokenStream {
    let table = orm_schema::TableDef {
        foreign_keys: Vec::new(),
        ..model.table_def.clone()
    }
    .to_json();
    let foreign_keys = model.references.iter().map(|r| foreign_key(model, r));
    let database = option(model.database.as_ref());
    let state = quote! {
        static STATE: __orm::ModelState = __orm::ModelState {
            table: #table,
            foreign_keys: &[#(#foreign_keys),*],
            database: #database,
            caches: __orm::ModelCaches::NEW,
        };
    };
    if model.view {
        state
    } else {
        quote!(::orm_core::__registered! { #state })
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

/// `Some(value)` or `None`, as an expression.
pub(super) fn option(value: Option<&impl quote::ToTokens>) -> TokenStream {
    match value {
        Some(value) => quote!(__orm::Some(#value)),
        None => quote!(__orm::None),
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
        None => return quote!(__orm::None),
        Some(ReferentialAction::Cascade) => quote!(Cascade),
        Some(ReferentialAction::Restrict) => quote!(Restrict),
        Some(ReferentialAction::SetNull) => quote!(SetNull),
        Some(ReferentialAction::NoAction) => quote!(NoAction),
    };
    quote!(__orm::Some(__orm::ReferentialAction::#variant))
}
