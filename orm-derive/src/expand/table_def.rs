//! The `TableDef` literal of `Model::table_def()`, equal to what `orm_schema::parse::
//! resolve_tables` builds from the same model: both start from the parser's `TableDef`.

use orm_schema::parse::{ModelDef, ModelReference};
use orm_schema::{ColumnDef, IndexDef, ReferentialAction, SqlType, UniqueDef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

/// The `TableDef` expression, foreign keys resolved through the referenced models' consts
/// (not their `table_def()`, which could make two models' initializations wait on each other).
pub(super) fn table_def(model: &ModelDef) -> TokenStream {
    let t = &model.table_def;
    let name = &t.name;
    // Columns of plain data are a constant table turned into `ColumnDef`s by one shared
    // function (less code per model to compile); the others are written out.
    let plain = |c: &ColumnDef| {
        c.default.is_none()
            && c.dialect_types.is_empty()
            && !matches!(c.sql_type, SqlType::Custom(_))
    };
    let columns = if t.columns.iter().all(plain) {
        let specs = t.columns.iter().map(column_spec);
        quote! {{
            const COLUMNS: &[::orm_core::__private::ColumnSpec] = &[#(#specs),*];
            ::orm_core::__private::columns(COLUMNS)
        }}
    } else {
        let columns = t.columns.iter().map(column);
        quote!(::std::vec![#(#columns),*])
    };
    let primary_key = &t.primary_key;
    let primary_key = quote!(::orm_core::__private::strings(&[#(#primary_key),*]));
    let uniques = t.uniques.iter().map(unique);
    let indexes = t.indexes.iter().map(index);
    let foreign_keys = model.references.iter().map(|r| foreign_key(model, r));
    quote! {
        ::orm_core::schema::TableDef {
            name: ::std::string::String::from(#name),
            columns: #columns,
            primary_key: #primary_key,
            uniques: ::std::vec![#(#uniques),*],
            indexes: ::std::vec![#(#indexes),*],
            foreign_keys: ::std::vec![#(#foreign_keys),*],
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
            .map(|i| quote!(<#target as ::orm_core::Model>::PRIMARY_KEY[#i]))
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

fn column(c: &ColumnDef) -> TokenStream {
    let ColumnDef {
        name,
        sql_type,
        nullable,
        primary_key,
        auto_increment,
        unique,
        default,
        dialect_types,
    } = c;
    let sql_type = self::sql_type(sql_type);
    let dialect_types = dialect_types
        .iter()
        .map(|(d, t)| quote!((::std::string::String::from(#d), ::std::string::String::from(#t))));
    let default = match default {
        Some(expr) => quote!(::core::option::Option::Some(::std::string::String::from(#expr))),
        None => quote!(::core::option::Option::None),
    };
    quote! {
        ::orm_core::schema::ColumnDef {
            name: ::std::string::String::from(#name),
            sql_type: #sql_type,
            nullable: #nullable,
            primary_key: #primary_key,
            auto_increment: #auto_increment,
            unique: #unique,
            default: #default,
            dialect_types: ::std::vec![#(#dialect_types),*],
        }
    }
}

/// A column of plain data as an `orm_core::__private::ColumnSpec` constant.
fn column_spec(c: &ColumnDef) -> TokenStream {
    let ColumnDef {
        name,
        sql_type,
        nullable,
        primary_key,
        auto_increment,
        unique,
        ..
    } = c;
    let sql_type = self::sql_type(sql_type);
    quote! {
        ::orm_core::__private::ColumnSpec {
            name: #name,
            sql_type: #sql_type,
            nullable: #nullable,
            primary_key: #primary_key,
            auto_increment: #auto_increment,
            unique: #unique,
        }
    }
}

fn unique(u: &UniqueDef) -> TokenStream {
    let UniqueDef { name, columns } = u;
    let columns = strings(columns);
    quote! {
        ::orm_core::schema::UniqueDef {
            name: ::std::string::String::from(#name),
            columns: #columns,
        }
    }
}

fn index(i: &IndexDef) -> TokenStream {
    let IndexDef {
        name,
        columns,
        unique,
    } = i;
    let columns = strings(columns);
    quote! {
        ::orm_core::schema::IndexDef {
            name: ::std::string::String::from(#name),
            columns: #columns,
            unique: #unique,
        }
    }
}

fn foreign_key(model: &ModelDef, r: &ModelReference) -> TokenStream {
    let target = target(model, r);
    let target = quote_spanned!(r.model.span()=> <#target as ::orm_core::Model>);
    let columns = &r.columns;
    let ref_columns = ref_columns(model, r);
    let name = match &r.name {
        Some(name) => quote!(::core::option::Option::Some(::std::string::String::from(#name))),
        None => quote!(::core::option::Option::None),
    };
    let on_delete = action(r.on_delete);
    let on_update = action(r.on_update);
    quote! {
        ::orm_core::schema::ForeignKeyDef {
            columns: ::std::vec![#(::std::string::String::from(#columns)),*],
            ref_table: ::std::string::String::from(#target::TABLE),
            ref_columns: ::std::vec![#(::std::string::String::from(#ref_columns)),*],
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

fn sql_type(t: &SqlType) -> TokenStream {
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
        SqlType::Custom(name) => quote!(Custom(::std::string::String::from(#name))),
    };
    quote!(::orm_core::schema::SqlType::#variant)
}

/// `vec![String::from("a"), ..]`.
fn strings(values: &[String]) -> TokenStream {
    quote!(::std::vec![#(::std::string::String::from(#values)),*])
}
