//! The parser on model structs given as source text: the tables it builds and the errors
//! it reports.

use super::*;

mod errors;
mod files;
mod models;

fn parse(source: &str) -> syn::Result<ModelDef> {
    parse_model(&syn::parse_str(source).expect("valid Rust"))
}

fn model(source: &str) -> ModelDef {
    parse(source).unwrap_or_else(|e| panic!("expected a valid model, got: {e}"))
}

/// Every error message, in the order they were found.
fn errors(source: &str) -> Vec<String> {
    match parse(source) {
        Ok(_) => panic!("expected errors"),
        Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
    }
}

/// The single error of `source`.
fn error(source: &str) -> String {
    let errors = errors(source);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.into_iter().next().unwrap_or_default()
}
