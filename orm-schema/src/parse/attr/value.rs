//! Readers of the values after a key: each records a malformed value in the context and
//! consumes it, so that the keys after it are still read.

use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Lit, LitStr, Path, Token, parenthesized, token};

use super::super::ctxt::Ctxt;
use crate::ReferentialAction;

/// Consumes whatever follows a key we are not going to read, so the next keys still are.
pub(super) fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<Expr>()?;
    } else if meta.input.peek(token::Paren) {
        meta.input.parse::<proc_macro2::TokenTree>()?;
    }
    Ok(())
}

/// A key without a value, such as `primary_key`. One written with a value still counts as
/// given, so that its error is not followed by others about its absence.
pub(super) fn flag(cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<bool> {
    if meta.input.peek(Token![=]) || meta.input.peek(token::Paren) {
        let key = meta.path.to_token_stream();
        cx.error_spanned_by(&meta.path, format!("`{key}` takes no value: write `{key}`"));
        skip_value(meta)?;
    }
    Ok(true)
}

/// The expression after `key =`; `None`, with an error showing `example`, without `=`.
pub(super) fn expr_value(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    example: &str,
) -> syn::Result<Option<Expr>> {
    if !meta.input.peek(Token![=]) {
        cx.error_spanned_by(&meta.path, format!("expected `{example}`"));
        skip_value(meta)?;
        return Ok(None);
    }
    Ok(Some(meta.value()?.parse()?))
}

pub(super) fn string_value(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    example: &str,
) -> syn::Result<Option<LitStr>> {
    Ok(expr_value(cx, meta, example)?.and_then(|expr| match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Some(s),
        other => {
            cx.error_spanned_by(other, format!("expected a string: `{example}`"));
            None
        }
    }))
}

/// A string that names something (a table, a column, a type): not empty.
pub(super) fn name_value(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    example: &str,
) -> syn::Result<Option<String>> {
    Ok(string_value(cx, meta, example)?.and_then(|s| {
        let value = s.value();
        if value.trim().is_empty() {
            cx.error_spanned_by(&s, format!("expected a non-empty string: `{example}`"));
            return None;
        }
        Some(value)
    }))
}

/// A relation's name: a string that is a Rust identifier, or `false` for none. `Some(None)`
/// is `false`.
pub(super) fn relation_value(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
) -> syn::Result<Option<Option<String>>> {
    let example = r#"relation = "author"` or `relation = false"#;
    Ok(expr_value(cx, meta, example)?.and_then(|expr| match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Bool(b), ..
        }) if !b.value => Some(None),
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => {
            if syn::parse_str::<syn::Ident>(&s.value()).is_ok() {
                Some(Some(s.value()))
            } else {
                let message = format!(
                    "`{}` is not a Rust identifier: a relation is a function of that name",
                    s.value()
                );
                cx.error_spanned_by(&s, message);
                None
            }
        }
        other => {
            cx.error_spanned_by(other, format!("expected `{example}`"));
            None
        }
    }))
}

pub(super) fn bool_value(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    example: &str,
) -> syn::Result<Option<bool>> {
    if !meta.input.peek(Token![=]) {
        // A bare `auto_increment` asks for the default.
        return flag(cx, meta).map(|_| Some(true));
    }
    Ok(expr_value(cx, meta, example)?.and_then(|expr| match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Bool(b), ..
        }) => Some(b.value),
        other => {
            cx.error_spanned_by(other, format!("expected `true` or `false`: `{example}`"));
            None
        }
    }))
}

pub(super) fn length_value(cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<Option<u32>> {
    let example = "max_length = 255";
    Ok(expr_value(cx, meta, example)?.and_then(|expr| {
        let length = match &expr {
            Expr::Lit(ExprLit {
                lit: Lit::Int(n), ..
            }) => n.base10_parse::<u32>().ok(),
            _ => None,
        };
        match length {
            Some(n) if n > 0 => Some(n),
            _ => {
                let message = format!("expected an integer from 1 to {}: `{example}`", u32::MAX);
                cx.error_spanned_by(expr, message);
                None
            }
        }
    }))
}

pub(super) fn action_value(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    example: &str,
) -> syn::Result<Option<ReferentialAction>> {
    Ok(string_value(cx, meta, example)?.and_then(|s| {
        let action = ReferentialAction::parse(&s.value());
        if action.is_none() {
            let expected: Vec<String> = ReferentialAction::ALL
                .iter()
                .map(|(k, _)| format!("\"{k}\""))
                .collect();
            let message = format!(
                "unknown referential action {:?}, expected one of {}",
                s.value(),
                expected.join(", ")
            );
            cx.error_spanned_by(&s, message);
        }
        action
    }))
}

/// `references(OtherModel)`.
pub(super) fn model_path(cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<Option<Path>> {
    if !meta.input.peek(token::Paren) {
        cx.error_spanned_by(&meta.path, "expected `references(OtherModel)`");
        skip_value(meta)?;
        return Ok(None);
    }
    let content;
    parenthesized!(content in meta.input);
    let path: Path = content.parse()?;
    if !content.is_empty() {
        return Err(content.error("expected one model: `references(OtherModel)`"));
    }
    Ok(Some(path))
}

/// `columns("a", "b")`.
pub(super) fn string_list(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    example: &str,
) -> syn::Result<Vec<LitStr>> {
    if !meta.input.peek(token::Paren) {
        cx.error_spanned_by(&meta.path, format!("expected `{example}`"));
        skip_value(meta)?;
        return Ok(Vec::new());
    }
    let content;
    parenthesized!(content in meta.input);
    let items = Punctuated::<Expr, Token![,]>::parse_terminated(&content)?;
    let mut strings = Vec::new();
    for item in items {
        match item {
            Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            }) => strings.push(s),
            other => cx.error_spanned_by(
                other,
                format!("expected a field name in quotes: `{example}`"),
            ),
        }
    }
    Ok(strings)
}

/// The dialects `sql_type(...)` names, as URLs spell them.
pub(super) const DIALECTS: [&str; 3] = ["sqlite", "postgres", "mysql"];

/// `sql_type(sqlite = "...", postgres = "...")`: a column type per dialect.
pub(super) fn dialect_types(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
) -> syn::Result<Vec<(String, String)>> {
    let example = r#"sql_type(sqlite = "NVARCHAR(20)", postgres = "VARCHAR(20)")"#;
    let mut out: Vec<(String, String)> = Vec::new();
    let empty = matches!(
        meta.input.fork().parse::<proc_macro2::TokenTree>(),
        Ok(proc_macro2::TokenTree::Group(g)) if g.stream().is_empty()
    );
    if empty {
        meta.input.parse::<proc_macro2::TokenTree>()?;
        cx.error_spanned_by(&meta.path, format!("expected `{example}`"));
        return Ok(out);
    }
    meta.parse_nested_meta(|inner| {
        let key = inner.path.to_token_stream().to_string();
        let Some(dialect) = DIALECTS.iter().find(|d| **d == key) else {
            let hint = super::super::ctxt::did_you_mean(&key, DIALECTS.iter().copied());
            cx.error_spanned_by(
                &inner.path,
                format!(
                    "unknown dialect `{key}`, expected one of `sqlite`, `postgres`, `mysql`{hint}"
                ),
            );
            return skip_value(&inner);
        };
        if out.iter().any(|(d, _)| d == dialect) {
            cx.error_spanned_by(&inner.path, format!("duplicate dialect `{dialect}`"));
            return skip_value(&inner);
        }
        if let Some(t) = name_value(cx, &inner, example)? {
            out.push(((*dialect).to_owned(), t));
        }
        Ok(())
    })?;
    Ok(out)
}
