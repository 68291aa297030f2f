//! Code generation of `#[derive(DbEnum)]`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;

use orm_schema::parse::{DbEnumDef, parse_db_enum};

pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let parsed = syn::parse2(input).and_then(|input| parse_db_enum(&input));
    match parsed {
        Ok(def) => generate(&def),
        Err(e) => e.to_compile_error(),
    }
}

fn generate(def: &DbEnumDef) -> TokenStream {
    let ident = &def.ident;
    let name = ident.unraw().to_string();
    let variants: Vec<_> = def.variants.iter().map(|(v, _)| v).collect();
    let texts: Vec<_> = def.variants.iter().map(|(_, t)| t).collect();
    quote! {
        const _: () = {
            #[automatically_derived]
            impl ::orm_core::SqlValue for #ident {
                fn to_value(&self) -> ::orm_core::Value {
                    let text = match self {
                        #(#ident::#variants => #texts,)*
                    };
                    ::orm_core::Value::String(::core::option::Option::Some(text.into()))
                }

                fn null() -> ::orm_core::Value {
                    ::orm_core::Value::String(::core::option::Option::None)
                }

                fn decode(
                    row: &::orm_core::Row,
                    index: usize,
                ) -> ::core::result::Result<Self, ::orm_core::sqlx::Error> {
                    let text = <::std::string::String as ::orm_core::SqlValue>::decode(row, index)?;
                    match text.as_str() {
                        #(#texts => ::core::result::Result::Ok(#ident::#variants),)*
                        other => ::core::result::Result::Err(
                            ::orm_core::__private::unknown_variant(#name, other, index),
                        ),
                    }
                }
            }

            #[automatically_derived]
            impl ::orm_core::TextValue for #ident {}
        };
    }
}
