//! Code generation: from a checked [`ModelDef`] to the `Model` impl, the column handles and
//! the registration. The parsing and every check live in `orm_schema::parse`.

mod table_def;
#[cfg(test)]
mod tests;

use orm_schema::parse::{FieldDef, ModelDef, parse_model};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;

/// The derive's output for `input`: the generated items, or only `compile_error!`s.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let generated = syn::parse2(input).and_then(|input| parse_model(&input));
    match generated {
        Ok(model) => generate(&model),
        Err(errors) => errors.to_compile_error(),
    }
}

/// The most columns a primary key can have (`orm_core::__private::KeyValues` is implemented
/// for tuples up to this size).
const MAX_KEY_COLUMNS: usize = 8;

fn generate(model: &ModelDef) -> TokenStream {
    if model.key_fields().count() > MAX_KEY_COLUMNS {
        return syn::Error::new(
            model.ident.span(),
            format!("a primary key of more than {MAX_KEY_COLUMNS} columns is not supported"),
        )
        .to_compile_error();
    }
    let model_impl = model_impl(model);
    let column_handles = column_handles(model);
    let key_assertions = table_def::key_assertions(model);
    quote! {
        const _: () = {
            use ::orm_core::__private as __orm;
            #model_impl
            #column_handles
            #key_assertions
        };
    }
}

fn model_impl(model: &ModelDef) -> TokenStream {
    let ident = &model.ident;
    let name = ident.unraw().to_string();
    let columns = model.columns().map(|f| &f.column);
    let key_columns = model
        .key_fields()
        .filter_map(|k| model.columns().position(|f| f.ident == k.ident));
    let auto_increment = table_def::option(model.auto_increment_column().as_ref());
    let version = table_def::option(model.version_column().as_ref());
    let key_type = key_type(model);
    let table = model.table();
    let primary_key = &model.table_def.primary_key;
    let state = table_def::state(model);
    let from_row = from_row(model);
    let column_value = column_value(model);
    let hooks = hooks(model);
    let has_hooks = model.hooks;
    let database = table_def::option(model.database.as_ref());
    let set_integer = set_integer(model);
    // One item per model where it can be: the constants are one `META`, the state and the
    // registration one `static`, and what can be written once is a default method of
    // `Model`.
    quote! {
        #state

        #[automatically_derived]
        impl __orm::Model for #ident {
            const META: __orm::ModelMeta = __orm::ModelMeta {
                name: #name,
                table: #table,
                columns: &[#(#columns),*],
                key_columns: &[#(#key_columns),*],
                primary_key: &[#(#primary_key),*],
                auto_increment: #auto_increment,
                version: #version,
                hooks: #has_hooks,
                database: #database,
                state: &STATE,
            };

            type Key = #key_type;

            #[inline]
            fn from_row_at(row: &__orm::Row, offset: usize) -> __orm::Result<Self> {
                #from_row
            }

            #[inline]
            fn column_value(&self, index: usize) -> __orm::Value {
                #column_value
            }

            #set_integer

            #hooks
        }
    }
}

/// The key field's type, or a tuple of them for a composite key.
fn key_type(model: &ModelDef) -> TokenStream {
    let types: Vec<_> = model.key_fields().map(|f| &f.ty).collect();
    match types.as_slice() {
        [single] => quote!(#single),
        several => quote!((#(#several),*)),
    }
}

/// The most fields decoded as one tuple (`orm_core::__private::DecodeFields`).
const FIELDS_PER_TUPLE: usize = 16;

/// `match fields::<Self, (i64, String,)>(row, offset, 0) { Ok((__f0, __f1,)) => Ok(User {
/// id: __f0, name: __f1, cache: Default::default() }), Err(e) => Err(e) }`: the columns
/// decoded as tuples of up to 16, one check per tuple, which type-checks far faster than
/// one per field.
fn from_row(model: &ModelDef) -> TokenStream {
    let ident = &model.ident;
    let columns: Vec<&FieldDef> = model.columns().collect();
    let local = |i: usize| format_ident!("__f{}", i);
    let mut index = 0usize;
    let fields = model.fields.iter().map(|f| {
        let field = &f.ident;
        if f.skip {
            return quote!(#field: ::core::default::Default::default());
        }
        let value = local(index);
        index += 1;
        quote!(#field: #value)
    });
    let mut body = quote!(__orm::Ok(#ident { #(#fields),* }));
    // A `match` per tuple, innermost last: the compiler checks a plain `match` faster
    // than `?`, which goes through the `Try` traits.
    for (chunk, fields) in columns.chunks(FIELDS_PER_TUPLE).enumerate().rev() {
        let first = chunk * FIELDS_PER_TUPLE;
        let locals = (first..first + fields.len()).map(local);
        let types = fields.iter().map(|f| {
            let ty = &f.ty;
            quote_spanned!(at_type(f)=> #ty)
        });
        body = quote! {
            match __orm::fields::<Self, (#(#types,)*)>(row, offset, #first) {
                __orm::Ok((#(#locals,)*)) => #body,
                __orm::Err(__e) => __orm::Err(__e),
            }
        };
    }
    body
}

/// `value_in::<Self, _>((&self.id, &self.name,), index, 0)`: the fields as tuples of up
/// to 16 references, one call per tuple (`orm_core::__private::FieldValues`).
fn column_value(model: &ModelDef) -> TokenStream {
    let name = model.ident.unraw().to_string();
    let columns: Vec<&FieldDef> = model.columns().collect();
    let calls: Vec<TokenStream> = columns
        .chunks(FIELDS_PER_TUPLE)
        .enumerate()
        .map(|(chunk, fields)| {
            let first = chunk * FIELDS_PER_TUPLE;
            let fields = fields.iter().map(|f| &f.ident);
            quote!(__orm::value_in::<Self, _>((#(&self.#fields,)*), index, #first))
        })
        .collect();
    match calls.as_slice() {
        [one] => one.clone(),
        several => {
            let chunks = 0..several.len();
            quote! {
                match index / #FIELDS_PER_TUPLE {
                    #(#chunks => #several,)*
                    _ => __orm::no_column(#name, index),
                }
            }
        }
    }
}

/// Where code about a field's value goes, so that a type that is not `SqlValue` is reported
/// on the field's type. Only the location is the type's: names still resolve at the derive,
/// even when the type was written inside a `macro_rules!` whose locals are hygienic.
fn at_type(f: &FieldDef) -> Span {
    Span::call_site().located_at(f.ty.span())
}

/// The hooks of a model with `#[orm(hooks)]`: its `orm_core::Hooks` implementation.
fn hooks(model: &ModelDef) -> TokenStream {
    if !model.hooks {
        return TokenStream::new();
    }
    quote! {
        #[inline]
        fn run_hook(&mut self, event: __orm::Hook) -> __orm::Result<()> {
            __orm::run_hook(self, event)
        }

        #[inline]
        fn run_before_delete(&self) -> __orm::Result<()> {
            <Self as ::orm_core::Hooks>::before_delete(self)
        }
    }
}

/// `set_integer`: the columns that can take a key (a generated key, a version, a parent's
/// key): the auto-increment and version fields however their type is spelled (an alias),
/// which `KeyField` then checks, and the foreign keys that are integers or their
/// `Option`s. Other columns get no arm: each arm is compiled in every model crate.
fn set_integer(model: &ModelDef) -> TokenStream {
    let arms: Vec<_> = model
        .columns()
        .enumerate()
        .filter(|(_, f)| {
            let is_reference = || model.references.iter().any(|r| r.fields.contains(&f.ident));
            f.auto_increment
                || f.version
                || (f.rust_type.as_ref().is_some_and(|t| {
                    t.is_integer()
                        || (t.name == "Option" && t.args.first().is_some_and(|a| a.is_integer()))
                }) && is_reference())
        })
        .map(|(i, f)| {
            let field = &f.ident;
            let span = at_type(f);
            quote_spanned!(span=> #i => __orm::set_key::<Self, _>(&mut self.#field, #i, key),)
        })
        .collect();
    if arms.is_empty() {
        return TokenStream::new();
    }
    quote! {
        #[inline]
        fn set_integer(
            &mut self,
            index: usize,
            key: __orm::Option<i64>,
        ) -> __orm::Result<()> {
            match index {
                #(#arms)*
                _ => __orm::not_an_integer::<Self>(index),
            }
        }
    }
}

/// `User::email`: an associated constant per column, typed by the field.
fn column_handles(model: &ModelDef) -> TokenStream {
    let ident = &model.ident;
    let table = model.table();
    let handles = model.columns().map(|f| {
        let FieldDef {
            vis,
            ident: field,
            ty,
            column,
            ..
        } = f;
        let doc = format!("Column `{column}` of `{table}`.");
        // Decimals, dates and times are stored as text by SQLite: the handle says what
        // the text means (for other types the call is left out, keeping the expansion and
        // its errors small).
        let stored_as_text = f
            .rust_type
            .as_ref()
            .and_then(|t| t.sql_type(None))
            .is_some_and(|(t, _)| {
                use ::orm_schema::SqlType;
                matches!(
                    t,
                    SqlType::Decimal | SqlType::Timestamp | SqlType::TimestampTz | SqlType::Time
                )
            });
        let stored_as =
            stored_as_text.then(|| quote!(.stored_as(<#ty as __orm::SqlValue>::STORED_AS)));
        // Spanned at the field's type, where a type that cannot be stored is reported.
        let constructor = if f.stored_as_text {
            quote_spanned!(at_type(f)=> __orm::Column::of_text_field(#table, #column))
        } else {
            quote_spanned!(at_type(f)=> __orm::Column::of_field(#table, #column))
        };
        quote! {
            #[doc = #doc]
            #vis const #field: __orm::Column<#ident, #ty> = #constructor #stored_as;
        }
    });
    let relations = relations(model);
    quote! {
        #[allow(non_upper_case_globals)]
        impl #ident {
            #(#handles)*
            #relations
        }
    }
}

/// `Post::author()`: the belongs-to relation of each foreign key that has a name.
fn relations(model: &ModelDef) -> TokenStream {
    let ident = &model.ident;
    let relations = model.references.iter().filter_map(|r| {
        let name = r.relation.as_ref()?;
        let first = model
            .columns()
            .find(|f| Some(&f.ident) == r.fields.first())?;
        let vis = &first.vis;
        let target = table_def::target(model, r);
        let function = format_ident!("{}", name, span = first.ident.span());
        let doc = format!(
            "The `{}` that `{}` names (belongs-to).",
            r.model_name(),
            r.columns.join("`, `")
        );
        let columns = &r.columns;
        let ref_columns = table_def::ref_columns(model, r);
        Some(quote! {
            #[doc = #doc]
            #vis fn #function() -> ::orm_core::Relation<#ident, #target> {
                ::orm_core::Relation::foreign_key(
                    #name,
                    ::std::vec![#((#columns, #ref_columns)),*],
                )
            }
        })
    });
    quote!(#(#relations)*)
}
