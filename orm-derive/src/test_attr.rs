//! `#[orm_core::test]`: an async test on a fresh database of its own, on one backend or
//! several (see `orm_core::testing`, which does the work at run time).

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::{Ident, ItemFn, LitStr};

/// What the attribute says.
#[derive(Default)]
struct Args {
    backends: Vec<Ident>,
    migrations: Option<LitStr>,
    fixtures: Vec<LitStr>,
    rollback: bool,
}

const BACKENDS: [&str; 3] = ["sqlite", "postgres", "mysql"];

fn parse_args(attr: TokenStream) -> syn::Result<Args> {
    let mut args = Args::default();
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("backends") {
            meta.parse_nested_meta(|backend| {
                let Some(ident) = backend.path.get_ident() else {
                    return Err(backend.error("expected a backend: sqlite, postgres or mysql"));
                };
                if !BACKENDS.contains(&ident.to_string().as_str()) {
                    return Err(backend.error(format!(
                        "unknown backend `{ident}`: expected sqlite, postgres or mysql"
                    )));
                }
                if args.backends.iter().any(|b| b == ident) {
                    return Err(backend.error(format!("`{ident}` is named twice")));
                }
                args.backends.push(ident.clone());
                Ok(())
            })
        } else if meta.path.is_ident("migrations") {
            args.migrations = Some(meta.value()?.parse()?);
            Ok(())
        } else if meta.path.is_ident("fixtures") {
            let files;
            syn::parenthesized!(files in meta.input);
            let files = files.parse_terminated(|p| p.parse::<LitStr>(), syn::Token![,])?;
            args.fixtures.extend(files);
            Ok(())
        } else if meta.path.is_ident("rollback") {
            args.rollback = true;
            Ok(())
        } else {
            Err(meta.error(
                "unknown option: expected `backends(...)`, `migrations = \"dir\"`, \
                 `fixtures(\"file\", ...)` or `rollback`",
            ))
        }
    });
    syn::parse::Parser::parse2(parser, attr)?;
    if args.backends.is_empty() {
        args.backends.push(Ident::new("sqlite", Span::call_site()));
    }
    Ok(args)
}

pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    match try_expand(attr, item) {
        Ok(tokens) => tokens,
        Err(e) => e.to_compile_error(),
    }
}

fn try_expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let args = parse_args(attr)?;
    let mut body: ItemFn = syn::parse2(item)?;
    if body.sig.asyncness.is_none() {
        return Err(syn::Error::new_spanned(
            body.sig.fn_token,
            "#[orm_core::test] takes an `async fn`",
        ));
    }
    if body.sig.inputs.len() != 1 {
        let what = if args.rollback {
            "`tx: &Transaction`"
        } else {
            "`db: Database`"
        };
        return Err(syn::Error::new_spanned(
            &body.sig.inputs,
            format!("#[orm_core::test] gives the test one argument: {what}"),
        ));
    }
    let name = body.sig.ident.clone();
    let inner = format_ident!("__orm_test_{}", name);
    body.sig.ident = inner.clone();
    let attrs = std::mem::take(&mut body.attrs);

    let migrations = match &args.migrations {
        Some(dir) => quote! {
            .migrations(::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/", #dir))
        },
        None => quote!(),
    };
    let fixtures: Vec<TokenStream> = args
        .fixtures
        .iter()
        .map(|file| {
            quote!(.fixture(::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/", #file)))
        })
        .collect();
    let runner = if args.rollback {
        quote!(run_in_transaction)
    } else {
        quote!(run)
    };
    let run = |backend: &Ident| {
        let variant = match backend.to_string().as_str() {
            "postgres" => quote!(Postgres),
            "mysql" => quote!(MySql),
            _ => quote!(Sqlite),
        };
        // Inside the module of several backends, the module path names the test.
        let label = if args.backends.len() == 1 {
            name.to_string()
        } else {
            backend.to_string()
        };
        let fixtures = &fixtures;
        let options = quote! {
            ::orm_core::testing::TestOptions::new()
                #migrations
                #(#fixtures)*
        };
        quote! {
            ::orm_core::testing::#runner(
                ::orm_core::testing::Backend::#variant,
                ::core::concat!(::core::module_path!(), "::", #label),
                #options,
                #inner,
            )
        }
    };
    let tests = if args.backends.len() == 1 {
        let call = run(&args.backends[0]);
        quote! {
            #[::core::prelude::v1::test]
            #(#attrs)*
            fn #name() {
                #call
            }
        }
    } else {
        let each = args.backends.iter().map(|backend| {
            let call = run(backend);
            quote! {
                #[::core::prelude::v1::test]
                #(#attrs)*
                fn #backend() {
                    #[allow(unused_imports)]
                    use super::#inner;
                    #call
                }
            }
        });
        quote! {
            /// One test per backend.
            mod #name {
                #(#each)*
            }
        }
    };
    Ok(quote! {
        #[allow(dead_code)]
        #body
        #tests
    })
}
