//! SQLite's catalog: `sqlite_master` and the table-valued pragmas.

use orm_schema::{ForeignKeyDef, IndexDef, SqlType, TableDef, UniqueDef};

use super::{Catalog, Gathered, action, column, finish, opt_text, text};
use crate::{Database, Dialect, Raw, Result};

pub(super) async fn tables(db: &Database) -> Result<Vec<TableDef>> {
    let names = Raw::dynamic(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
            .to_owned(),
    )
    .fetch_all(db)
    .await?;
    let mut catalog = Catalog::new();
    for row in names {
        let name = text(&row, 0)?;
        let gathered = table(db, &name).await?;
        catalog.insert(name, gathered);
    }
    let mut tables = finish(catalog);
    // A foreign key that names no columns references the other table's primary key.
    let keys: Vec<(String, Vec<String>)> = tables
        .iter()
        .map(|t| (t.name.clone(), t.primary_key.clone()))
        .collect();
    for table in &mut tables {
        for fk in &mut table.foreign_keys {
            if fk.ref_columns.iter().all(String::is_empty)
                && let Some((_, key)) = keys.iter().find(|(n, _)| *n == fk.ref_table)
            {
                fk.ref_columns = key.clone();
            }
        }
    }
    Ok(tables)
}

async fn table(db: &Database, name: &str) -> Result<Gathered> {
    let mut g = Gathered::default();
    let rows = Raw::dynamic(
        "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid"
            .to_owned(),
    )
    .bind(name)
    .fetch_all(db)
    .await?;
    let mut key: Vec<(i64, String)> = Vec::new();
    for row in &rows {
        let column_name = text(row, 0)?;
        let pk: i64 = row.get(4)?;
        // A key column is NOT NULL whatever the pragma says (SQLite lets a non-integer
        // key hold NULL, a bug kept for compatibility; the ORM never writes one).
        let nullable = !row.get::<bool>(2)? && pk == 0;
        let mut c = column(
            column_name.clone(),
            &text(row, 1)?,
            nullable,
            opt_text(row, 3)?,
        );
        // The date-time types the ORM declares are read as such: what they hold is text
        // that conditions and indexes compare by value (`sql::normalize`).
        if let SqlType::Custom(declared) = &c.sql_type {
            c.sql_type = match declared.to_ascii_uppercase().as_str() {
                "DATETIME" => SqlType::Timestamp,
                "DATE" => SqlType::Date,
                "TIME" => SqlType::Time,
                _ => c.sql_type.clone(),
            };
        }
        g.columns.push(c);
        if pk > 0 {
            key.push((pk, column_name));
        }
    }
    key.sort();
    g.primary_key = key.into_iter().map(|(_, c)| c).collect();
    // A single `INTEGER` key is the rowid: the database generates it.
    if let [only] = g.primary_key.as_slice()
        && let Some(c) = g.columns.iter_mut().find(|c| &c.name == only)
    {
        c.auto_increment =
            matches!(&c.sql_type, SqlType::Custom(t) if t.eq_ignore_ascii_case("INTEGER"));
    }

    let indexes = Raw::dynamic(
        "SELECT l.name, l.\"unique\", l.origin, m.sql FROM pragma_index_list(?) AS l \
         LEFT JOIN sqlite_master AS m ON m.type = 'index' AND m.name = l.name ORDER BY l.seq DESC"
            .to_owned(),
    )
    .bind(name)
    .fetch_all(db)
    .await?;
    for row in &indexes {
        let index_name = text(row, 0)?;
        let unique = row.get::<bool>(1)?;
        let origin = text(row, 2)?;
        if origin == "pk" {
            continue;
        }
        let sql = opt_text(row, 3)?;
        let columns = index_columns(db, &index_name, sql.as_deref()).await?;
        // An index on a text column's value as a number is the ORM's on a decimal.
        for part in sql.as_deref().map(key_expressions).unwrap_or_default() {
            let by_number = part.trim_start_matches(['(', ' ']).starts_with("CAST(")
                && part.contains(" AS REAL)");
            if let Some(name) = first_identifier(&part).filter(|_| by_number)
                && let Some(c) = g.columns.iter_mut().find(|c| c.name == name)
                && matches!(&c.sql_type, SqlType::Custom(t) if t.eq_ignore_ascii_case("TEXT"))
            {
                c.sql_type = SqlType::Decimal;
            }
        }
        if origin == "u" {
            // Written inside CREATE TABLE, where only the table's SQL keeps its name: the
            // conventional one (SQLite's own, `sqlite_autoindex_…`, cannot be created).
            g.uniques.push(UniqueDef::new(name, columns));
        } else {
            g.indexes.push(IndexDef {
                name: index_name,
                columns,
                unique,
            });
        }
    }

    let fks = Raw::dynamic(
        "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq"
            .to_owned(),
    )
    .bind(name)
    .fetch_all(db)
    .await?;
    let mut last_id = None;
    for row in &fks {
        let id: i64 = row.get(0)?;
        if last_id != Some(id) {
            last_id = Some(id);
            g.foreign_keys.push(ForeignKeyDef {
                columns: Vec::new(),
                ref_table: text(row, 1)?,
                ref_columns: Vec::new(),
                // SQLite keeps a constraint's name only in the table's SQL text.
                name: None,
                on_delete: action(Dialect::Sqlite, &text(row, 5)?),
                on_update: action(Dialect::Sqlite, &text(row, 4)?),
            });
        }
        if let Some(fk) = g.foreign_keys.last_mut() {
            fk.columns.push(text(row, 2)?);
            fk.ref_columns.push(opt_text(row, 3)?.unwrap_or_default());
        }
    }
    // pragma_foreign_key_list lists the newest constraint first.
    g.foreign_keys.reverse();
    Ok(g)
}

/// The columns of an index. An expression (the ORM's indexes on the value of decimal and
/// date-time text, `sql::normalize`) counts as the column it reads, found in the index's
/// SQL.
async fn index_columns(db: &Database, index: &str, sql: Option<&str>) -> Result<Vec<String>> {
    let rows = Raw::dynamic("SELECT name FROM pragma_index_info(?) ORDER BY seqno".to_owned())
        .bind(index)
        .fetch_all(db)
        .await?;
    let expressions = sql.map(key_expressions).unwrap_or_default();
    let mut columns = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        match opt_text(row, 0)? {
            Some(name) => columns.push(name),
            None => columns.push(
                expressions
                    .get(i)
                    .and_then(|e| first_identifier(e))
                    .unwrap_or_default(),
            ),
        }
    }
    Ok(columns)
}

/// The key parts of `CREATE INDEX … ON t (a, (expr), …)`, split at top-level commas.
fn key_expressions(sql: &str) -> Vec<String> {
    let Some(on) = sql.find(" ON ") else {
        return Vec::new();
    };
    let rest = &sql[on..];
    let Some(open) = rest.find('(') else {
        return Vec::new();
    };
    let (mut depth, mut parts, mut current, mut quote) = (0, Vec::new(), String::new(), None);
    for c in rest[open + 1..].chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                break;
            }
            (None, ')') => depth -= 1,
            (None, ',') if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts
}

/// The first double-quoted identifier in `expr`, unquoted.
fn first_identifier(expr: &str) -> Option<String> {
    let start = expr.find('"')?;
    let mut name = String::new();
    let mut chars = expr[start + 1..].chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            if chars.peek() == Some(&'"') {
                chars.next();
            } else {
                return Some(name);
            }
        }
        name.push(c);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expression_keys_name_the_column_they_read() {
        let sql = r#"CREATE INDEX "ix_t_at" ON "t" ((strftime('%Y', "at", ',')), "b""c")"#;
        let parts = key_expressions(sql);
        assert_eq!(parts.len(), 2, "{parts:?}");
        assert_eq!(first_identifier(&parts[0]).as_deref(), Some("at"));
        assert_eq!(first_identifier(&parts[1]).as_deref(), Some("b\"c"));
    }
}
