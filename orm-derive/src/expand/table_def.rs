//! The `TableDef` literal of `Model::table_def()`, equal to what `orm_schema::parse::
//! resolve_tables` builds from the same model: both start from the parser's `TableDef`.

use orm_schema::parse::{ModelDef, ModelReference};
use orm_schema::{ColumnDef, IndexDef, ReferentialAction, SqlType, UniqueDef};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

/// The `TableDef` expression, foreign keys resolved through the referenced models' consts
/// (not their `table_def()`, which could make two models' initializations wait on each other).
pub(super) fn table_def(model: &ModelDef) -> TokenStream {
    let t = &model.table_def;
    let name = &t.name;
    let columns = t.columns.iter().map(column);
    let primary_key = strings(&t.primary_key);
    let uniques = t.uniques.iter().map(unique);
    let indexes = t.indexes.iter().map(index);
    let foreign_keys = model.references.iter().map(foreign_key);
    quote! {
        ::orm_core::schema::TableDef {
            name: ::std::string::String::from(#name),
            columns: ::std::vec![#(#columns),*],
            primary_key: #primary_key,
            uniques: ::std::vec![#(#uniques),*],
            indexes: ::std::vec![#(#indexes),*],
            foreign_keys: ::std::vec![#(#foreign_keys),*],
        }
    }
}

/// A compile-time check that each referenced model has a single-column key, as the
/// foreign key's one column needs. (`references(Self)` is checked by the parser.)
pub(super) fn key_assertions(model: &ModelDef) -> TokenStream {
    // A foreign key's field has the type of the key it references, or an `Option` of it
    // (MySQL refuses `INT` against `BIGINT` at `CREATE TABLE`).
    let types = model.references.iter().filter_map(|r| {
        let field = model.columns().find(|f| f.column == r.column)?;
        let ty = &field.ty;
        let target = if r.is_self() {
            let ident = &model.ident;
            quote!(#ident)
        } else {
            let path = &r.model;
            quote!(#path)
        };
        Some(quote_spanned! {ty.span()=>
            const _: () = {
                fn refers<F: ::orm_core::__private::RefersTo<K>, K>() {}
                let _ = refers::<#ty, <#target as ::orm_core::Model>::Key>;
            };
        })
    });
    let types: Vec<TokenStream> = types.collect();
    let assertions = model.references.iter().filter(|r| !r.is_self()).map(|r| {
        let target = &r.model;
        let message = format!(
            "`{}.{}` references `{}`, whose primary key is not a single column",
            model.ident,
            r.column,
            r.model_name()
        );
        quote_spanned! {target.span()=>
            const _: () = ::core::assert!(
                <#target as ::orm_core::Model>::PRIMARY_KEY.len() == 1,
                #message
            );
        }
    });
    quote!(#(#assertions)* #(#types)*)
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
    } = c;
    let sql_type = self::sql_type(sql_type);
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

fn foreign_key(r: &ModelReference) -> TokenStream {
    let ModelReference {
        column,
        model,
        on_delete,
        on_update,
        ..
    } = r;
    let target = quote_spanned!(model.span()=> <#model as ::orm_core::Model>);
    let on_delete = action(*on_delete);
    let on_update = action(*on_update);
    quote! {
        ::orm_core::schema::ForeignKeyDef {
            columns: ::std::vec![::std::string::String::from(#column)],
            ref_table: ::std::string::String::from(#target::TABLE),
            ref_columns: #target::PRIMARY_KEY
                .iter()
                .map(|c| ::std::string::String::from(*c))
                .collect(),
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
