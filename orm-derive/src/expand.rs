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

fn generate(model: &ModelDef) -> TokenStream {
    let model_impl = model_impl(model);
    let column_handles = column_handles(model);
    let key_assertions = table_def::key_assertions(model);
    let ident = &model.ident;
    // A view is not created by `create_all`: it is not registered.
    let registration = (!model.view).then(|| {
        quote! {
            ::orm_core::__private::inventory::submit! {
                ::orm_core::__private::Registration::of::<#ident>()
            }
        }
    });
    quote! {
        const _: () = {
            #model_impl
            #column_handles
            #key_assertions
            #registration
        };
    }
}

fn model_impl(model: &ModelDef) -> TokenStream {
    let ident = &model.ident;
    let name = ident.unraw().to_string();
    let table = model.table();
    let columns = model.columns().map(|f| &f.column);
    let primary_key = &model.table_def.primary_key;
    let auto_increment = match model.auto_increment_column() {
        Some(i) => quote!(::core::option::Option::Some(#i)),
        None => quote!(::core::option::Option::None),
    };
    let key_type = key_type(model);
    let table_def = table_def::table_def(model);
    let from_row = from_row(model, &name);
    let to_values = model.columns().map(to_value);
    let column_value_arms = model.columns().enumerate().map(|(i, f)| {
        let value = to_value(f);
        quote!(#i => #value,)
    });
    let key_values = model.key_fields().map(to_value);
    let key_into_values = key_into_values(model);
    let set_generated_key = set_generated_key(model, &name);
    let (version_const, set_version) = version(model, &name);
    let hooks = hooks(model);
    let set_reference = set_reference(model, &name);
    quote! {
        #[automatically_derived]
        impl ::orm_core::Model for #ident {
            const NAME: &'static str = #name;
            const TABLE: &'static str = #table;
            const COLUMNS: &'static [&'static str] = &[#(#columns),*];
            const PRIMARY_KEY: &'static [&'static str] = &[#(#primary_key),*];
            const AUTO_INCREMENT: ::core::option::Option<usize> = #auto_increment;
            #version_const

            type Key = #key_type;

            fn table_def() -> &'static ::orm_core::schema::TableDef {
                static DEF: ::std::sync::OnceLock<::orm_core::schema::TableDef> =
                    ::std::sync::OnceLock::new();
                fn build() -> ::orm_core::schema::TableDef {
                    #table_def
                }
                ::orm_core::__private::table_def_once(&DEF, build)
            }

            #[inline]
            fn from_row(row: &::orm_core::Row) -> ::orm_core::Result<Self> {
                <Self as ::orm_core::Model>::from_row_at(row, 0)
            }

            #[inline]
            fn from_row_at(row: &::orm_core::Row, offset: usize) -> ::orm_core::Result<Self> {
                ::core::result::Result::Ok(#from_row)
            }

            #[inline]
            fn values(&self) -> ::std::vec::Vec<::orm_core::Value> {
                ::std::vec![#(#to_values),*]
            }

            #[inline]
            fn column_value(&self, index: usize) -> ::orm_core::Value {
                match index {
                    #(#column_value_arms)*
                    _ => <Self as ::orm_core::Model>::values(self).swap_remove(index),
                }
            }

            #[inline]
            fn key_values(&self) -> ::std::vec::Vec<::orm_core::Value> {
                ::std::vec![#(#key_values),*]
            }

            #[inline]
            fn key_into_values(key: Self::Key) -> ::std::vec::Vec<::orm_core::Value> {
                #key_into_values
            }

            #[inline]
            fn set_generated_key(&mut self, key: i64) -> ::orm_core::Result<()> {
                #set_generated_key
            }

            #set_version

            #hooks

            #set_reference

            #[inline]
            fn statement_cache() -> ::core::option::Option<&'static ::orm_core::query::StatementCache> {
                static CACHE: ::orm_core::query::StatementCache =
                    ::orm_core::query::StatementCache::new();
                ::core::option::Option::Some(&CACHE)
            }
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

/// `User { id: decode(row, offset + 0, ..)?, cache: Default::default(), .. }`.
fn from_row(model: &ModelDef, name: &str) -> TokenStream {
    let ident = &model.ident;
    let mut index = 0usize;
    let fields = model.fields.iter().map(|f| {
        let field = &f.ident;
        if f.skip {
            return quote!(#field: ::core::default::Default::default());
        }
        let column = &f.column;
        let span = at_type(f);
        let value = if f.stored_as_text {
            // The schema stores an unknown type as text: only a `TextValue` fits there.
            quote_spanned!(span=> #field: ::orm_core::__private::decode_text(row, offset + #index, #name, #column)?)
        } else {
            quote_spanned!(span=> #field: ::orm_core::__private::decode(row, offset + #index, #name, #column)?)
        };
        index += 1;
        value
    });
    quote!(#ident { #(#fields),* })
}

/// `SqlValue::to_value(&self.field)`, spanned at the field's type.
fn to_value(f: &FieldDef) -> TokenStream {
    let field = &f.ident;
    let span = at_type(f);
    quote_spanned!(span=> ::orm_core::SqlValue::to_value(&self.#field))
}

/// Where code about a field's value goes, so that a type that is not `SqlValue` is reported
/// on the field's type. Only the location is the type's: names still resolve at the derive,
/// even when the type was written inside a `macro_rules!` whose locals are hygienic.
fn at_type(f: &FieldDef) -> Span {
    Span::call_site().located_at(f.ty.span())
}

fn key_into_values(model: &ModelDef) -> TokenStream {
    let fields: Vec<&FieldDef> = model.key_fields().collect();
    if let [single] = fields.as_slice() {
        let span = at_type(single);
        return quote_spanned!(span=> ::std::vec![::orm_core::SqlValue::to_value(&key)]);
    }
    let parts: Vec<_> = (0..fields.len())
        .map(|i| format_ident!("key_{i}"))
        .collect();
    let to_values = fields.iter().zip(&parts).map(|(f, part)| {
        let span = at_type(f);
        quote_spanned!(span=> ::orm_core::SqlValue::to_value(&#part))
    });
    quote! {
        let (#(#parts),*) = key;
        ::std::vec![#(#to_values),*]
    }
}

fn set_generated_key(model: &ModelDef, name: &str) -> TokenStream {
    let Some(f) = model.fields.iter().find(|f| f.auto_increment) else {
        return quote! {
            let _ = key;
            ::core::result::Result::Ok(())
        };
    };
    let field = &f.ident;
    let column = &f.column;
    quote! {
        self.#field = ::orm_core::__private::generated_key(key, #name, #column)?;
        ::core::result::Result::Ok(())
    }
}

/// The hooks of a model with `#[orm(hooks)]`: its `orm_core::Hooks` implementation.
fn hooks(model: &ModelDef) -> TokenStream {
    if !model.hooks {
        return TokenStream::new();
    }
    quote! {
        #[inline]
        fn run_hook(&mut self, event: ::orm_core::__private::Hook) -> ::orm_core::Result<()> {
            ::orm_core::__private::run_hook(self, event)
        }

        #[inline]
        fn run_before_delete(&self) -> ::orm_core::Result<()> {
            <Self as ::orm_core::Hooks>::before_delete(self)
        }
    }
}

/// `set_reference`: each integer column can take a parent's key.
fn set_reference(model: &ModelDef, name: &str) -> TokenStream {
    let arms = model.columns().filter_map(|f| {
        let rust_type = f.rust_type.as_ref()?;
        let field = &f.ident;
        let column = &f.column;
        if rust_type.is_integer() {
            Some(quote! {
                #column => {
                    self.#field = ::orm_core::__private::reference(key, #name, #column)?;
                    ::core::result::Result::Ok(())
                }
            })
        } else if rust_type.name == "Option"
            && rust_type.args.first().is_some_and(|a| a.is_integer())
        {
            Some(quote! {
                #column => {
                    self.#field = match key {
                        ::core::option::Option::Some(key) => ::core::option::Option::Some(
                            ::orm_core::__private::generated_key(key, #name, #column)?,
                        ),
                        ::core::option::Option::None => ::core::option::Option::None,
                    };
                    ::core::result::Result::Ok(())
                }
            })
        } else {
            None
        }
    });
    quote! {
        #[inline]
        fn set_reference(
            &mut self,
            column: &str,
            key: ::core::option::Option<i64>,
        ) -> ::orm_core::Result<()> {
            #[allow(unreachable_code, unused_variables)]
            match column {
                #(#arms)*
                _ => ::core::result::Result::Err(::orm_core::__private::not_a_reference(#name, column)),
            }
        }
    }
}

/// `const VERSION` and `set_version` for a model with a `#[orm(version)]` field.
fn version(model: &ModelDef, name: &str) -> (TokenStream, TokenStream) {
    let (Some(position), Some(f)) = (
        model.version_column(),
        model.fields.iter().find(|f| f.version),
    ) else {
        return (TokenStream::new(), TokenStream::new());
    };
    let field = &f.ident;
    let column = &f.column;
    (
        quote!(const VERSION: ::core::option::Option<usize> = ::core::option::Option::Some(#position);),
        quote! {
            #[inline]
            fn set_version(&mut self, version: i64) -> ::orm_core::Result<()> {
                self.#field = ::orm_core::__private::generated_key(version, #name, #column)?;
                ::core::result::Result::Ok(())
            }
        },
    )
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
                matches!(t, SqlType::Decimal | SqlType::Timestamp | SqlType::TimestampTz | SqlType::Time)
            });
        let stored_as = stored_as_text
            .then(|| quote!(.stored_as(<#ty as ::orm_core::SqlValue>::STORED_AS)));
        quote! {
            #[doc = #doc]
            #vis const #field: ::orm_core::Column<#ident, #ty> = ::orm_core::Column::new(#table, #column)#stored_as;
        }
    });
    let relations = relations(model);
    quote! {
        #[allow(non_upper_case_globals)]
        #[automatically_derived]
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
