//! MySQL's and MariaDB's catalog (`information_schema`), in the connection's database.
//!
//! What the servers add or rewrite is read back as the models would say it: the index
//! InnoDB creates for a foreign key that has none is left out, MariaDB's `JSON` (a
//! `LONGTEXT` with a `json_valid` check) is `JSON` again, and a default is SQL again (MySQL
//! 8 lists a string default without its quotes).

use orm_schema::{ForeignKeyDef, IndexDef, TableDef, UniqueDef};

use super::{Catalog, action, column, finish, opt_text, text};
use crate::{Database, Dialect, Raw, Result};

const TABLES: &str = "SELECT CAST(TABLE_NAME AS CHAR) FROM information_schema.TABLES \
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1";

const COLUMNS: &str = "SELECT CAST(TABLE_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR), \
    CAST(COLUMN_TYPE AS CHAR), CAST(IS_NULLABLE AS CHAR), CAST(COLUMN_DEFAULT AS CHAR), \
    CAST(EXTRA AS CHAR), CAST(DATA_TYPE AS CHAR) \
    FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() \
    ORDER BY TABLE_NAME, ORDINAL_POSITION";

const INDEXES: &str = "SELECT CAST(TABLE_NAME AS CHAR), CAST(INDEX_NAME AS CHAR), \
    CAST(NON_UNIQUE AS SIGNED), CAST(COLUMN_NAME AS CHAR) \
    FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() \
    ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

const FOREIGN_KEYS: &str = "SELECT CAST(k.TABLE_NAME AS CHAR), CAST(k.CONSTRAINT_NAME AS CHAR), \
    CAST(k.COLUMN_NAME AS CHAR), CAST(k.REFERENCED_TABLE_NAME AS CHAR), \
    CAST(k.REFERENCED_COLUMN_NAME AS CHAR), CAST(r.DELETE_RULE AS CHAR), CAST(r.UPDATE_RULE AS CHAR) \
    FROM information_schema.KEY_COLUMN_USAGE k \
    JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
      ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME \
      AND r.TABLE_NAME = k.TABLE_NAME \
    WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL \
    ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION";

/// MariaDB's `JSON` columns: `LONGTEXT` checked by `json_valid`.
const JSON_CHECKS: &str = "SELECT CAST(TABLE_NAME AS CHAR), CAST(CHECK_CLAUSE AS CHAR) \
    FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() \
    AND CHECK_CLAUSE LIKE 'json\\_valid(%'";

pub(super) async fn tables(db: &Database) -> Result<Vec<TableDef>> {
    let mariadb = Raw::dynamic("SELECT VERSION()".to_owned())
        .fetch_all(db)
        .await?
        .first()
        .map(|r| text(r, 0))
        .transpose()?
        .is_some_and(|v| v.contains("MariaDB"));
    let mut catalog = Catalog::new();
    for row in Raw::dynamic(TABLES.to_owned()).fetch_all(db).await? {
        catalog.insert(text(&row, 0)?, Default::default());
    }
    let json: Vec<(String, String)> = match Raw::dynamic(JSON_CHECKS.to_owned()).fetch_all(db).await
    {
        Ok(rows) => rows
            .iter()
            .map(|r| Ok((text(r, 0)?, text(r, 1)?)))
            .collect::<Result<_>>()?,
        // MySQL before 8.0.16 has no CHECK_CONSTRAINTS, and no JSON-as-text either.
        Err(_) => Vec::new(),
    };
    for row in Raw::dynamic(COLUMNS.to_owned()).fetch_all(db).await? {
        let table = text(&row, 0)?;
        let Some(g) = catalog.get_mut(&table) else {
            continue;
        };
        let name = text(&row, 1)?;
        let mut native = text(&row, 2)?;
        let nullable = text(&row, 3)? == "YES";
        let extra = text(&row, 5)?.to_ascii_lowercase();
        let data_type = text(&row, 6)?.to_ascii_lowercase();
        if data_type == "longtext"
            && json
                .iter()
                .any(|(t, clause)| *t == table && is_json_check(clause, &name))
        {
            native = "JSON".to_owned();
        }
        let default = opt_text(&row, 4)?.and_then(|d| default_sql(&d, mariadb, &extra, &data_type));
        let mut c = column(name, &native, nullable, default);
        c.auto_increment = extra.contains("auto_increment");
        g.columns.push(c);
    }
    let mut fk_names: Vec<(String, String, Vec<String>)> = Vec::new();
    for row in Raw::dynamic(FOREIGN_KEYS.to_owned()).fetch_all(db).await? {
        let table = text(&row, 0)?;
        let Some(g) = catalog.get_mut(&table) else {
            continue;
        };
        let name = text(&row, 1)?;
        let same = g
            .foreign_keys
            .last()
            .is_some_and(|fk| fk.name.as_deref() == Some(name.as_str()));
        if !same {
            g.foreign_keys.push(ForeignKeyDef {
                columns: Vec::new(),
                ref_table: text(&row, 3)?,
                ref_columns: Vec::new(),
                name: Some(name),
                on_delete: action(Dialect::MySql, &text(&row, 5)?),
                on_update: action(Dialect::MySql, &text(&row, 6)?),
            });
        }
        if let Some(fk) = g.foreign_keys.last_mut() {
            fk.columns.push(text(&row, 2)?);
            fk.ref_columns.push(text(&row, 4)?);
        }
    }
    for (table, g) in &catalog {
        for fk in &g.foreign_keys {
            fk_names.push((
                table.clone(),
                fk.name.clone().unwrap_or_default(),
                fk.columns.clone(),
            ));
        }
    }
    let mut indexes: Vec<(String, String, bool, Vec<String>)> = Vec::new();
    for row in Raw::dynamic(INDEXES.to_owned()).fetch_all(db).await? {
        let (table, name) = (text(&row, 0)?, text(&row, 1)?);
        let unique = row.get::<i64>(2)? == 0;
        let column = opt_text(&row, 3)?.unwrap_or_default();
        match indexes.last_mut() {
            Some((t, n, _, columns)) if *t == table && *n == name => columns.push(column),
            _ => indexes.push((table, name, unique, vec![column])),
        }
    }
    for (table, name, unique, columns) in indexes {
        let Some(g) = catalog.get_mut(&table) else {
            continue;
        };
        if name == "PRIMARY" {
            g.primary_key = columns;
            continue;
        }
        // InnoDB's own index for a foreign key, named after it.
        let implicit = !unique
            && fk_names
                .iter()
                .any(|(t, fk, cols)| *t == table && *fk == name && *cols == columns);
        if implicit {
            continue;
        }
        if unique {
            // MySQL's unique constraints are unique indexes: one kind.
            g.uniques.push(UniqueDef { name, columns });
        } else {
            g.indexes.push(IndexDef {
                name,
                columns,
                unique,
            });
        }
    }
    Ok(finish(catalog))
}

/// Whether `clause` is `json_valid(`column`)`.
fn is_json_check(clause: &str, column: &str) -> bool {
    let inner = clause
        .trim()
        .trim_start_matches("json_valid(")
        .trim_end_matches(')');
    inner.trim_matches('`') == column
}

/// A column default as SQL. MariaDB (10.2.7+) lists it as SQL already, with `NULL` for
/// none; MySQL 8 lists a literal without its quotes and marks expressions
/// `DEFAULT_GENERATED`.
fn default_sql(listed: &str, mariadb: bool, extra: &str, data_type: &str) -> Option<String> {
    if mariadb {
        return (listed != "NULL").then(|| listed.to_owned());
    }
    let numeric = matches!(
        data_type,
        "tinyint"
            | "smallint"
            | "mediumint"
            | "int"
            | "bigint"
            | "decimal"
            | "float"
            | "double"
            | "bit"
    );
    if extra.contains("default_generated") {
        // `_utf8mb4\'draft\'`: a literal written as an expression, `DEFAULT ('draft')`.
        if let Some(rest) = listed.strip_prefix('_')
            && let Some((_, quoted)) = rest.split_once("\\'")
            && let Some(inner) = quoted.strip_suffix("\\'")
        {
            return Some(format!("('{}')", inner.replace("\\'", "''")));
        }
        Some(listed.to_owned())
    } else if numeric {
        Some(listed.to_owned())
    } else {
        Some(format!("'{}'", listed.replace('\'', "''")))
    }
}
