//! Phase 1: the `#[orm(...)]` grammar, read into typed values.
//!
//! Each level (struct, field, the struct's `index(...)` and `unique(...)`) has a grammar:
//! a table from key to the function that reads its value. The tables are the one list of
//! keys, used both to parse and to say what was expected after an unknown key.

use proc_macro2::Span;
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Attribute, LitStr, Path, token};

use super::ctxt::{Ctxt, did_you_mean};
use crate::ReferentialAction;

mod value;

use value::{
    action_value, bool_value, dialect_types, flag, length_value, model_path, name_value,
    relation_value, skip_value, string_list, string_value,
};

/// Every attribute key.
pub(crate) mod key {
    /// The attribute's own name: `#[orm(...)]`.
    pub(crate) const ORM: &str = "orm";
    pub(crate) const TABLE: &str = "table";
    pub(crate) const INDEX: &str = "index";
    pub(crate) const UNIQUE: &str = "unique";
    pub(crate) const COLUMNS: &str = "columns";
    pub(crate) const NAME: &str = "name";
    pub(crate) const PRIMARY_KEY: &str = "primary_key";
    pub(crate) const COLUMN: &str = "column";
    pub(crate) const SKIP: &str = "skip";
    pub(crate) const MAX_LENGTH: &str = "max_length";
    pub(crate) const DEFAULT: &str = "default";
    pub(crate) const SQL_TYPE: &str = "sql_type";
    pub(crate) const REFERENCES: &str = "references";
    pub(crate) const RELATION: &str = "relation";
    pub(crate) const REF_COLUMN: &str = "ref_column";
    pub(crate) const REF_COLUMNS: &str = "ref_columns";
    pub(crate) const FK_NAME: &str = "fk_name";
    pub(crate) const FOREIGN_KEY: &str = "foreign_key";
    pub(crate) const ON_DELETE: &str = "on_delete";
    pub(crate) const ON_UPDATE: &str = "on_update";
    pub(crate) const AUTO_INCREMENT: &str = "auto_increment";
    pub(crate) const VERSION: &str = "version";
    pub(crate) const HOOKS: &str = "hooks";
    pub(crate) const VIEW: &str = "view";
    pub(crate) const DATABASE: &str = "database";
}

/// Reads the value of one key into `T`. Errors in the value are recorded in the context;
/// an `Err` means the attribute's tokens cannot be followed any further.
type Handler<T> = fn(&Ctxt, &ParseNestedMeta<'_>, &mut T) -> syn::Result<()>;

/// A level's keys, in the order error messages list them.
type Grammar<T> = &'static [(&'static str, Handler<T>)];

/// Keys given once on one item, with their spans: finds duplicates, and points checks at
/// the key they are about.
#[derive(Debug, Default)]
pub(crate) struct Seen(Vec<(&'static str, Span)>);

impl Seen {
    /// The span of `key`, if it was given.
    pub(crate) fn span(&self, key: &str) -> Option<Span> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, s)| *s)
    }

    /// Every key given, in order.
    pub(crate) fn keys(&self) -> impl Iterator<Item = (&'static str, Span)> + '_ {
        self.0.iter().copied()
    }

    /// Records `key`; `false`, with an error, if it was given before.
    fn first(&mut self, cx: &Ctxt, key: &'static str, span: Span) -> bool {
        if self.span(key).is_some() {
            cx.error_at(span, format!("duplicate attribute `{key}`"));
            return false;
        }
        self.0.push((key, span));
        true
    }
}

/// The struct's `#[orm(...)]`.
#[derive(Debug, Default)]
pub(crate) struct StructAttrs {
    pub(crate) seen: Seen,
    pub(crate) table: Option<String>,
    pub(crate) indexes: Vec<ConstraintAttr>,
    pub(crate) uniques: Vec<ConstraintAttr>,
    pub(crate) foreign_keys: Vec<ForeignKeyAttr>,
    pub(crate) hooks: bool,
    pub(crate) view: bool,
    pub(crate) database: Option<String>,
}

/// The struct's `foreign_key(...)`: a foreign key over one field or several.
#[derive(Debug)]
pub(crate) struct ForeignKeyAttr {
    /// The span of the `foreign_key` key.
    pub(crate) span: Span,
    pub(crate) seen: Seen,
    /// Field names, as written.
    pub(crate) columns: Vec<LitStr>,
    pub(crate) references: Option<Path>,
    /// The referenced model's field names, as written (its key when empty).
    pub(crate) ref_columns: Vec<LitStr>,
    pub(crate) name: Option<String>,
    pub(crate) relation: Option<String>,
    pub(crate) on_delete: Option<ReferentialAction>,
    pub(crate) on_update: Option<ReferentialAction>,
}

/// The struct's `index(...)` or `unique(...)`: constraints over several fields.
#[derive(Debug)]
pub(crate) struct ConstraintAttr {
    /// The span of the `index` / `unique` key.
    pub(crate) span: Span,
    /// Field names, as written.
    pub(crate) columns: Vec<LitStr>,
    pub(crate) name: Option<LitStr>,
    pub(crate) unique: bool,
}

/// A field's `#[orm(...)]`.
#[derive(Debug, Default)]
pub(crate) struct FieldAttrs {
    pub(crate) seen: Seen,
    pub(crate) primary_key: bool,
    pub(crate) column: Option<String>,
    pub(crate) skip: bool,
    pub(crate) unique: bool,
    pub(crate) index: bool,
    pub(crate) max_length: Option<u32>,
    pub(crate) default: Option<String>,
    /// `sql_type = "..."`: on every backend.
    pub(crate) sql_type: Option<String>,
    /// `sql_type(sqlite = "...", ...)`: on the named backends, the Rust type's elsewhere.
    pub(crate) dialect_types: Vec<(String, String)>,
    pub(crate) references: Option<Path>,
    /// `relation = "name"` (`Some(Some)`), `relation = false` (`Some(None)`).
    pub(crate) relation: Option<Option<String>>,
    pub(crate) ref_column: Option<String>,
    pub(crate) fk_name: Option<String>,
    pub(crate) on_delete: Option<ReferentialAction>,
    pub(crate) on_update: Option<ReferentialAction>,
    pub(crate) auto_increment: Option<bool>,
    pub(crate) version: bool,
}

const STRUCT_GRAMMAR: Grammar<StructAttrs> = &[
    (key::TABLE, |cx, meta, a| {
        a.table = name_value(cx, meta, r#"table = "name""#)?;
        Ok(())
    }),
    (key::INDEX, |cx, meta, a| {
        let example = r#"index(columns("field_a", "field_b"))"#;
        a.indexes
            .extend(constraint(cx, meta, INDEX_GRAMMAR, example)?);
        Ok(())
    }),
    (key::UNIQUE, |cx, meta, a| {
        let example = r#"unique(columns("field_a", "field_b"))"#;
        a.uniques
            .extend(constraint(cx, meta, UNIQUE_GRAMMAR, example)?);
        Ok(())
    }),
    (key::FOREIGN_KEY, |cx, meta, a| {
        a.foreign_keys.extend(foreign_key(cx, meta)?);
        Ok(())
    }),
    (key::HOOKS, |cx, meta, a| {
        a.hooks = flag(cx, meta)?;
        Ok(())
    }),
    (key::VIEW, |cx, meta, a| {
        a.view = flag(cx, meta)?;
        Ok(())
    }),
    (key::DATABASE, |cx, meta, a| {
        a.database = name_value(cx, meta, r#"database = "analytics""#)?;
        Ok(())
    }),
];

const FOREIGN_KEY_GRAMMAR: Grammar<ForeignKeyAttr> = &[
    (key::COLUMNS, |cx, meta, a| {
        a.columns = string_list(cx, meta, r#"columns("field_a", "field_b")"#)?;
        Ok(())
    }),
    (key::REFERENCES, |cx, meta, a| {
        a.references = model_path(cx, meta)?;
        Ok(())
    }),
    (key::REF_COLUMNS, |cx, meta, a| {
        a.ref_columns = string_list(cx, meta, r#"ref_columns("field_a", "field_b")"#)?;
        Ok(())
    }),
    (key::NAME, |cx, meta, a| {
        a.name = name_value(cx, meta, r#"name = "fk_name""#)?;
        Ok(())
    }),
    (key::RELATION, |cx, meta, a| {
        a.relation = relation_value(cx, meta)?.flatten();
        Ok(())
    }),
    (key::ON_DELETE, |cx, meta, a| {
        a.on_delete = action_value(cx, meta, r#"on_delete = "cascade""#)?;
        Ok(())
    }),
    (key::ON_UPDATE, |cx, meta, a| {
        a.on_update = action_value(cx, meta, r#"on_update = "cascade""#)?;
        Ok(())
    }),
];

const INDEX_GRAMMAR: Grammar<ConstraintAttr> = &[
    (key::COLUMNS, |cx, meta, a| {
        a.columns = string_list(cx, meta, r#"columns("field_a", "field_b")"#)?;
        Ok(())
    }),
    (key::NAME, |cx, meta, a| {
        a.name = string_value(cx, meta, r#"name = "index_name""#)?;
        Ok(())
    }),
    (key::UNIQUE, |cx, meta, a| {
        a.unique = flag(cx, meta)?;
        Ok(())
    }),
];

const UNIQUE_GRAMMAR: Grammar<ConstraintAttr> = &[
    (key::COLUMNS, |cx, meta, a| {
        a.columns = string_list(cx, meta, r#"columns("field_a", "field_b")"#)?;
        Ok(())
    }),
    (key::NAME, |cx, meta, a| {
        a.name = string_value(cx, meta, r#"name = "constraint_name""#)?;
        Ok(())
    }),
];

const FIELD_GRAMMAR: Grammar<FieldAttrs> = &[
    (key::PRIMARY_KEY, |cx, meta, a| {
        a.primary_key = flag(cx, meta)?;
        Ok(())
    }),
    (key::COLUMN, |cx, meta, a| {
        a.column = name_value(cx, meta, r#"column = "name""#)?;
        Ok(())
    }),
    (key::SKIP, |cx, meta, a| {
        a.skip = flag(cx, meta)?;
        Ok(())
    }),
    (key::UNIQUE, |cx, meta, a| {
        a.unique = flag(cx, meta)?;
        Ok(())
    }),
    (key::INDEX, |cx, meta, a| {
        a.index = flag(cx, meta)?;
        Ok(())
    }),
    (key::MAX_LENGTH, |cx, meta, a| {
        a.max_length = length_value(cx, meta)?;
        Ok(())
    }),
    (key::DEFAULT, |cx, meta, a| {
        let example = r#"default = "<sql expression>""#;
        a.default = name_value(cx, meta, example)?;
        Ok(())
    }),
    (key::SQL_TYPE, |cx, meta, a| {
        if meta.input.peek(token::Paren) {
            a.dialect_types = dialect_types(cx, meta)?;
        } else {
            let example = r#"sql_type = "VARCHAR(20)"` or `sql_type(postgres = "CITEXT")"#;
            a.sql_type = name_value(cx, meta, example)?;
        }
        Ok(())
    }),
    (key::REFERENCES, |cx, meta, a| {
        a.references = model_path(cx, meta)?;
        Ok(())
    }),
    (key::RELATION, |cx, meta, a| {
        a.relation = relation_value(cx, meta)?;
        Ok(())
    }),
    (key::REF_COLUMN, |cx, meta, a| {
        a.ref_column = name_value(cx, meta, r#"ref_column = "field""#)?;
        Ok(())
    }),
    (key::FK_NAME, |cx, meta, a| {
        a.fk_name = name_value(cx, meta, r#"fk_name = "fk_posts_author""#)?;
        Ok(())
    }),
    (key::ON_DELETE, |cx, meta, a| {
        a.on_delete = action_value(cx, meta, r#"on_delete = "cascade""#)?;
        Ok(())
    }),
    (key::ON_UPDATE, |cx, meta, a| {
        a.on_update = action_value(cx, meta, r#"on_update = "cascade""#)?;
        Ok(())
    }),
    (key::AUTO_INCREMENT, |cx, meta, a| {
        a.auto_increment = bool_value(cx, meta, "auto_increment = false")?;
        Ok(())
    }),
    (key::VERSION, |cx, meta, a| {
        a.version = flag(cx, meta)?;
        Ok(())
    }),
];

/// Reads every `#[orm(...)]` on the struct.
pub(crate) fn struct_attrs(cx: &Ctxt, attrs: &[Attribute]) -> StructAttrs {
    let mut out = StructAttrs::default();
    let misplaced = Misplaced {
        keys: FIELD_GRAMMAR,
        help: "is written on a field, not on the struct",
    };
    for attr in orm_attrs(attrs) {
        let parsed = attr.parse_nested_meta(|meta| {
            let Some((key, handler)) = lookup(cx, &meta, STRUCT_GRAMMAR, Some(&misplaced)) else {
                return skip_value(&meta);
            };
            // `index(...)`, `unique(...)` and `foreign_key(...)` may be given several times.
            let repeatable = key == key::INDEX || key == key::UNIQUE || key == key::FOREIGN_KEY;
            if !repeatable && !out.seen.first(cx, key, meta.path.span()) {
                return skip_value(&meta);
            }
            handler(cx, &meta, &mut out)
        });
        if let Err(e) = parsed {
            cx.syn_error(e);
        }
    }
    out
}

/// Reads every `#[orm(...)]` on a field.
pub(crate) fn field_attrs(cx: &Ctxt, attrs: &[Attribute]) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    let misplaced = Misplaced {
        keys: STRUCT_GRAMMAR,
        help: "is written on the struct, not on a field",
    };
    for attr in orm_attrs(attrs) {
        let parsed = attr.parse_nested_meta(|meta| {
            let Some((key, handler)) = lookup(cx, &meta, FIELD_GRAMMAR, Some(&misplaced)) else {
                return skip_value(&meta);
            };
            if !out.seen.first(cx, key, meta.path.span()) {
                return skip_value(&meta);
            }
            handler(cx, &meta, &mut out)
        });
        if let Err(e) = parsed {
            cx.syn_error(e);
        }
    }
    out
}

fn orm_attrs(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|a| a.path().is_ident(key::ORM))
}

/// The keys of another level, to explain a key written in the wrong place.
struct Misplaced<T: 'static> {
    keys: Grammar<T>,
    help: &'static str,
}

/// The grammar entry of the key `meta` names; `None`, with an error, for an unknown key.
fn lookup<T, U>(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    grammar: Grammar<T>,
    misplaced: Option<&Misplaced<U>>,
) -> Option<(&'static str, Handler<T>)> {
    let written = meta.path.to_token_stream().to_string().replace(' ', "");
    if let Some(entry) = grammar.iter().find(|(k, _)| *k == written) {
        return Some(*entry);
    }
    let expected: Vec<String> = grammar.iter().map(|(k, _)| format!("`{k}`")).collect();
    let mut message = format!(
        "unknown attribute `{written}`, expected one of {}",
        expected.join(", ")
    );
    match misplaced {
        Some(m) if m.keys.iter().any(|(k, _)| *k == written) => {
            message.push_str(&format!("\nhelp: `{written}` {}", m.help));
        }
        _ => message.push_str(&did_you_mean(&written, grammar.iter().map(|(k, _)| *k))),
    }
    cx.error_spanned_by(&meta.path, message);
    None
}

/// The struct's `foreign_key(...)`.
fn foreign_key(cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<Option<ForeignKeyAttr>> {
    let example = r#"foreign_key(columns("field_a", "field_b"), references(OtherModel))"#;
    if !meta.input.peek(token::Paren) {
        cx.error_spanned_by(&meta.path, format!("expected `{example}`"));
        skip_value(meta)?;
        return Ok(None);
    }
    let mut out = ForeignKeyAttr {
        span: meta.path.span(),
        seen: Seen::default(),
        columns: Vec::new(),
        references: None,
        ref_columns: Vec::new(),
        name: None,
        relation: None,
        on_delete: None,
        on_update: None,
    };
    meta.parse_nested_meta(|inner| {
        let Some((k, handler)) = lookup::<_, ()>(cx, &inner, FOREIGN_KEY_GRAMMAR, None) else {
            return skip_value(&inner);
        };
        if !out.seen.first(cx, k, inner.path.span()) {
            return skip_value(&inner);
        }
        handler(cx, &inner, &mut out)
    })?;
    if out.columns.is_empty() || out.references.is_none() {
        cx.error_spanned_by(
            &meta.path,
            format!(
                "`foreign_key` needs its fields and the model they reference: write `{example}`"
            ),
        );
        return Ok(None);
    }
    Ok(Some(out))
}

/// The struct's `index(...)` or `unique(...)`, read with `grammar`.
fn constraint(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    grammar: Grammar<ConstraintAttr>,
    example: &str,
) -> syn::Result<Option<ConstraintAttr>> {
    let key = meta.path.to_token_stream();
    if !meta.input.peek(token::Paren) {
        cx.error_spanned_by(&meta.path, format!("expected `{example}`"));
        skip_value(meta)?;
        return Ok(None);
    }
    let mut seen = Seen::default();
    let mut out = ConstraintAttr {
        span: meta.path.span(),
        columns: Vec::new(),
        name: None,
        unique: false,
    };
    meta.parse_nested_meta(|inner| {
        let Some((k, handler)) = lookup::<_, ()>(cx, &inner, grammar, None) else {
            return skip_value(&inner);
        };
        if !seen.first(cx, k, inner.path.span()) {
            return skip_value(&inner);
        }
        handler(cx, &inner, &mut out)
    })?;
    if seen.span(key::COLUMNS).is_none() {
        cx.error_spanned_by(
            &meta.path,
            format!("`{key}` needs its fields: write `{example}`"),
        );
        return Ok(None);
    }
    Ok(Some(out))
}
