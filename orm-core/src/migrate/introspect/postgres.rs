//! PostgreSQL's catalog (`pg_catalog`), in the connection's current schema: a few queries
//! over every table at once.

use orm_schema::{ForeignKeyDef, IndexDef, TableDef, UniqueDef};

use super::{Catalog, action, column, finish, opt_text, split_names, text};
use crate::{Database, Dialect, Raw, Result};

/// The tables of the current schema, `r`egular and `p`artitioned, without partitions (of
/// a table listed already) and tables an extension installed (PostGIS's
/// `spatial_ref_sys`).
const TABLES: &str = "SELECT c.relname::text FROM pg_class c \
    JOIN pg_namespace n ON n.oid = c.relnamespace \
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition \
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass \
      AND d.objid = c.oid AND d.deptype = 'e') ORDER BY 1";

const COLUMNS: &str = "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), \
    a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity::text \
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
    JOIN pg_namespace n ON n.oid = c.relnamespace \
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 \
    AND NOT a.attisdropped ORDER BY c.relname, a.attnum";

/// Primary keys, unique constraints and foreign keys, with their columns in key order.
const CONSTRAINTS: &str = "SELECT c.relname::text, con.conname::text, con.contype::text, \
    (SELECT string_agg(a.attname::text, chr(31) ORDER BY k.i) FROM unnest(con.conkey) WITH ORDINALITY AS k(n, i) \
      JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n), \
    r.relname::text, \
    (SELECT string_agg(a.attname::text, chr(31) ORDER BY k.i) FROM unnest(con.confkey) WITH ORDINALITY AS k(n, i) \
      JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n), \
    con.confdeltype::text, con.confupdtype::text \
    FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid \
    JOIN pg_namespace n ON n.oid = c.relnamespace \
    LEFT JOIN pg_class r ON r.oid = con.confrelid \
    WHERE n.nspname = current_schema() AND con.contype IN ('p', 'u', 'f') \
    ORDER BY c.relname, con.conname";

/// Indexes that no constraint owns, with each key as the server prints it (a column's
/// name, quoted where it must be, or an expression).
const INDEXES: &str = "SELECT c.relname::text, i.relname::text, ix.indisunique, \
    (SELECT string_agg(pg_get_indexdef(ix.indexrelid, k.i::int, true), chr(31) ORDER BY k.i) \
      FROM generate_series(1, ix.indnkeyatts) AS k(i)) \
    FROM pg_index ix JOIN pg_class c ON c.oid = ix.indrelid \
    JOIN pg_class i ON i.oid = ix.indexrelid \
    JOIN pg_namespace n ON n.oid = c.relnamespace \
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') \
    AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = ix.indexrelid AND con.conrelid = ix.indrelid) \
    ORDER BY c.relname, i.relname";

pub(super) async fn tables(db: &Database) -> Result<Vec<TableDef>> {
    let mut catalog = Catalog::new();
    for row in Raw::dynamic(TABLES.to_owned()).fetch_all(db).await? {
        catalog.insert(text(&row, 0)?, Default::default());
    }
    for row in Raw::dynamic(COLUMNS.to_owned()).fetch_all(db).await? {
        let Some(g) = catalog.get_mut(&text(&row, 0)?) else {
            continue;
        };
        let mut default = opt_text(&row, 4)?;
        let identity = !text(&row, 5)?.is_empty();
        // `SERIAL` is a default drawn from a sequence: a generated key all the same.
        let serial = default
            .as_deref()
            .is_some_and(|d| d.starts_with("nextval("));
        if serial {
            default = None;
        }
        let mut c = column(
            text(&row, 1)?,
            &text(&row, 2)?,
            !row.get::<bool>(3)?,
            default,
        );
        c.auto_increment = identity || serial;
        g.columns.push(c);
    }
    for row in Raw::dynamic(CONSTRAINTS.to_owned()).fetch_all(db).await? {
        let Some(g) = catalog.get_mut(&text(&row, 0)?) else {
            continue;
        };
        let name = text(&row, 1)?;
        let columns = split_names(&opt_text(&row, 3)?.unwrap_or_default());
        match text(&row, 2)?.as_str() {
            "p" => g.primary_key = columns,
            "u" => g.uniques.push(UniqueDef { name, columns }),
            _ => g.foreign_keys.push(ForeignKeyDef {
                columns,
                ref_table: opt_text(&row, 4)?.unwrap_or_default(),
                ref_columns: split_names(&opt_text(&row, 5)?.unwrap_or_default()),
                name: Some(name),
                on_delete: action(Dialect::Postgres, fk_action(&text(&row, 6)?)),
                on_update: action(Dialect::Postgres, fk_action(&text(&row, 7)?)),
            }),
        }
    }
    for row in Raw::dynamic(INDEXES.to_owned()).fetch_all(db).await? {
        let Some(g) = catalog.get_mut(&text(&row, 0)?) else {
            continue;
        };
        let columns = split_names(&opt_text(&row, 3)?.unwrap_or_default())
            .into_iter()
            .map(|k| unquote(&k))
            .collect();
        g.indexes.push(IndexDef {
            name: text(&row, 1)?,
            columns,
            unique: row.get(2)?,
        });
    }
    let mut tables = finish(catalog);
    for t in &mut tables {
        // Only a single integer key generates its values, as the ORM sees it.
        if t.primary_key.len() != 1 {
            t.columns.iter_mut().for_each(|c| c.auto_increment = false);
        }
    }
    Ok(tables)
}

/// `pg_constraint.confdeltype`'s letters.
fn fk_action(letter: &str) -> &'static str {
    match letter {
        "c" => "cascade",
        "r" => "restrict",
        "n" => "set null",
        "d" => "set default",
        _ => "no action",
    }
}

/// A column name as `pg_get_indexdef` prints it: quoted where it must be.
fn unquote(key: &str) -> String {
    match key.strip_prefix('"').and_then(|k| k.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => key.to_owned(),
    }
}
