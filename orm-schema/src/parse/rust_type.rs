//! A field's `syn::Type` as the schema mapping sees it.

use quote::ToTokens;
use syn::ext::IdentExt;
use syn::{GenericArgument, PathArguments, Type};

use crate::RustType;

/// The last path segment and the generic type arguments of `ty`, or `None` for a type that
/// is not a path (a tuple, an array, a reference, `<T as Trait>::X`).
pub(crate) fn rust_type(ty: &Type) -> Option<RustType> {
    match ty {
        // Types passed through `macro_rules!` arrive wrapped in invisible groups.
        Type::Group(group) => rust_type(&group.elem),
        Type::Paren(paren) => rust_type(&paren.elem),
        Type::Path(path) if path.qself.is_none() => {
            let segment = path.path.segments.last()?;
            let args = match &segment.arguments {
                PathArguments::None => Vec::new(),
                PathArguments::AngleBracketed(generics) => generics
                    .args
                    .iter()
                    .filter_map(|arg| match arg {
                        GenericArgument::Type(t) => Some(rust_type(t)),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()?,
                PathArguments::Parenthesized(_) => return None,
            };
            Some(RustType::generic(segment.ident.unraw().to_string(), args))
        }
        _ => None,
    }
}

/// How an error message shows `ty`: `DateTime<Utc>` rather than `chrono :: DateTime < Utc >`.
pub(crate) fn display(ty: &Type) -> String {
    match rust_type(ty) {
        Some(t) => t.to_string(),
        None => ty.to_token_stream().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(source: &str) -> Option<RustType> {
        rust_type(&syn::parse_str(source).expect("a type"))
    }

    #[test]
    fn paths_keep_their_last_segment_and_type_arguments() {
        let utc = RustType::generic("DateTime", vec![RustType::plain("Utc")]);
        assert_eq!(of("chrono::DateTime<chrono::Utc>"), Some(utc));
        let option = RustType::generic("Option", vec![RustType::plain("i64")]);
        assert_eq!(of("::std::option::Option<i64>"), Some(option));
        assert_eq!(of("r#String"), Some(RustType::plain("String")));
    }

    #[test]
    fn non_paths_have_no_rust_type() {
        assert_eq!(of("(i32, i32)"), None);
        assert_eq!(of("[u8; 16]"), None);
        assert_eq!(of("&'static str"), None);
        assert_eq!(of("Vec<(i32, i32)>"), None);
    }
}
