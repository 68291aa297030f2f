//! What the parser produces: a model's fields, its table, and the references to other
//! models that only the caller can resolve.

use syn::ext::IdentExt;
use syn::{Ident, Path, Type, Visibility};

use crate::{ForeignKeyDef, ReferentialAction, RustType, TableDef};

/// A model struct, read and checked: everything `#[derive(Model)]` generates code from,
/// and everything `orm-cli` needs to build its table.
#[derive(Debug, Clone)]
pub struct ModelDef {
    /// The struct's name.
    pub ident: Ident,
    /// The struct's fields, in declaration order, skipped ones included.
    pub fields: Vec<FieldDef>,
    /// The table: columns, primary key, unique constraints and indexes are complete;
    /// `foreign_keys` is empty until [`ModelDef::table_def_with`] resolves
    /// [`ModelDef::references`].
    pub table_def: TableDef,
    /// The fields' `#[orm(references(OtherModel))]`, in field order.
    pub references: Vec<ModelReference>,
    /// `#[orm(hooks)]`: the model implements `orm_core::Hooks`, which the CRUD methods
    /// and the session call.
    pub hooks: bool,
    /// `#[orm(view)]`: the model reads a view or a subquery; `create_all` and the CLI
    /// neither create nor drop it, and it needs no primary key.
    pub view: bool,
    /// `#[orm(database = "name")]`: the named database the model's table lives in (see
    /// `orm_core::DatabaseOptions::name`); `None`: the unnamed one.
    pub database: Option<String>,
}

/// One field of a model.
#[derive(Debug, Clone)]
pub struct FieldDef {
    /// The field's name.
    pub ident: Ident,
    /// The field's visibility, which its column handle (`User::email`) gets too.
    pub vis: Visibility,
    /// The field's type as written.
    pub ty: Type,
    /// The type as the schema mapping sees it; `None` for a type that is not a path (a
    /// tuple, an array, a reference), which only `skip` or `sql_type` make acceptable.
    pub rust_type: Option<RustType>,
    /// `#[orm(skip)]`: not a column; `Default::default()` when a row is loaded.
    pub skip: bool,
    /// The column's name: `#[orm(column = "...")]` or the field's name. For a skipped
    /// field, the field's name.
    pub column: String,
    /// Whether the column is part of the primary key.
    pub primary_key: bool,
    /// Whether the database generates the column's value.
    pub auto_increment: bool,
    /// Whether the column accepts NULL (an `Option<T>` field).
    pub nullable: bool,
    /// `#[orm(version)]`: the row's version, checked and counted up by every update
    /// (optimistic concurrency).
    pub version: bool,
    /// The field's type is one the mapping does not know, such as an enum with
    /// `#[derive(DbEnum)]`: it is stored as text, and the derive checks that the type
    /// implements `orm_core::TextValue`.
    pub stored_as_text: bool,
}

/// A foreign key to another model (or to this one, with `Self`), whose table is not known
/// while parsing: `#[orm(references(OtherModel))]` on a field, or the struct's
/// `foreign_key(columns(...), references(OtherModel), ...)` over several.
#[derive(Debug, Clone)]
pub struct ModelReference {
    /// The referencing columns.
    pub columns: Vec<String>,
    /// The referencing fields, in the same order.
    pub fields: Vec<Ident>,
    /// The referenced model, as written.
    pub model: Path,
    /// The referenced fields of `model` (`ref_column = "..."`, `ref_columns(...)`); empty
    /// for its primary key.
    pub ref_fields: Vec<String>,
    /// The constraint's name (`fk_name = "..."`, or `name` in `foreign_key(...)`).
    pub name: Option<String>,
    /// The name of the belongs-to relation the derive generates for the key:
    /// `#[orm(relation = "...")]`, else the field's name without its `_id` (`author_id`:
    /// `author`); `None` where neither gives a name free among the fields.
    pub relation: Option<String>,
    /// `#[orm(on_delete = "...")]`.
    pub on_delete: Option<ReferentialAction>,
    /// `#[orm(on_update = "...")]`.
    pub on_update: Option<ReferentialAction>,
}

impl ModelReference {
    /// The name of the referenced model: the last segment of its path (`Self` included).
    pub fn model_name(&self) -> String {
        self.model
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default()
    }

    /// Whether the reference is to the model itself (`references(Self)`).
    pub fn is_self(&self) -> bool {
        self.model.is_ident("Self")
    }
}

impl ModelDef {
    /// The table's name.
    pub fn table(&self) -> &str {
        &self.table_def.name
    }

    /// The fields that are columns (not skipped), in column order.
    pub fn columns(&self) -> impl Iterator<Item = &FieldDef> {
        self.fields.iter().filter(|f| !f.skip)
    }

    /// The primary key's fields, in key order.
    pub fn key_fields(&self) -> impl Iterator<Item = &FieldDef> {
        self.columns().filter(|f| f.primary_key)
    }

    /// The position among [`ModelDef::columns`] of the `#[orm(version)]` column.
    pub fn version_column(&self) -> Option<usize> {
        self.columns().position(|f| f.version)
    }

    /// The position among [`ModelDef::columns`] of the column the database generates.
    pub fn auto_increment_column(&self) -> Option<usize> {
        self.columns().position(|f| f.auto_increment)
    }

    /// The table with its foreign keys: `resolve` gives the model a reference points to
    /// (the foreign key references its table, and its primary key or the fields named).
    /// `references(Self)` is resolved here, without calling `resolve`.
    ///
    /// ```
    /// use orm_schema::parse::parse_model;
    ///
    /// let post = parse_model(&syn::parse_quote! {
    ///     struct Post {
    ///         #[orm(primary_key)]
    ///         id: i64,
    ///         #[orm(references(User), on_delete = "cascade")]
    ///         author_id: i64,
    ///     }
    /// })?;
    /// let users = parse_model(&syn::parse_quote! {
    ///     #[orm(table = "users")]
    ///     struct User { #[orm(primary_key)] id: i64 }
    /// })?;
    /// let table = post.table_def_with(|_| Ok::<_, String>(&users)).unwrap();
    /// assert_eq!(table.foreign_keys[0].ref_table, "users");
    /// assert_eq!(table.foreign_keys[0].ref_columns, ["id"]);
    /// # Ok::<(), syn::Error>(())
    /// ```
    pub fn table_def_with<'a, E>(
        &self,
        mut resolve: impl FnMut(&ModelReference) -> Result<&'a ModelDef, E>,
    ) -> Result<TableDef, E> {
        let mut table = self.table_def.clone();
        for reference in &self.references {
            let target = match reference.is_self() {
                true => self,
                false => resolve(reference)?,
            };
            table = table.foreign_key(ForeignKeyDef {
                columns: reference.columns.clone(),
                ref_table: target.table_def.name.clone(),
                ref_columns: target.referenced_columns(&reference.ref_fields),
                name: reference.name.clone(),
                on_delete: reference.on_delete,
                on_update: reference.on_update,
            });
        }
        Ok(table)
    }

    /// The columns of `fields` (the primary key where there are none; a field that is
    /// not one of this model's stands for a column of its name).
    pub fn referenced_columns(&self, fields: &[String]) -> Vec<String> {
        if fields.is_empty() {
            return self.table_def.primary_key.clone();
        }
        fields
            .iter()
            .map(|name| {
                self.columns()
                    .find(|f| f.ident.unraw() == name.as_str())
                    .map_or_else(|| name.clone(), |f| f.column.clone())
            })
            .collect()
    }
}
