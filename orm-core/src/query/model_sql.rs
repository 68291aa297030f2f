//! The statements of the per-model CRUD methods.

use orm_schema::{SqlType, TableDef};

use crate::query::render;
use crate::query::statement::SqlWriter;
use crate::{Dialect, Error, Model, Result, Statement, Value};

/// Refuses a string longer than its column's `max_length` before it is sent, with the
/// same error on every backend (SQLite would store it, the others refuse it unnamed).
pub(crate) fn check_max_length(table: &TableDef, column: &str, value: &Value) -> Result<()> {
    let Value::String(Some(text)) = value else {
        return Ok(());
    };
    let Some(def) = table.columns.iter().find(|c| c.name == column) else {
        return Ok(());
    };
    if let SqlType::Varchar(max) = def.sql_type {
        // Cheap first: a string of at most `max` bytes has at most `max` characters.
        let max_chars = usize::try_from(max).unwrap_or(usize::MAX);
        let too_long = text.len() > max_chars && text.chars().count() > max_chars;
        if too_long {
            return Err(Error::ValueTooLong {
                table: Some(table.name.clone()),
                column: Some(column.to_owned()),
                max_length: Some(max),
            });
        }
    }
    Ok(())
}

/// `INSERT` of every column but a generated key, returning that key where the dialect can.
pub(crate) fn insert_statement<M: Model>(dialect: Dialect, model: &M) -> Result<Statement> {
    let mut values = model.values();
    for (column, value) in M::COLUMNS.iter().zip(&values) {
        check_max_length(M::table_def(), column, value)?;
    }
    let mut columns: Vec<&str> = M::COLUMNS.to_vec();
    let returning = M::AUTO_INCREMENT.map(|i| {
        columns.remove(i);
        values.remove(i);
        M::COLUMNS[i]
    });
    Ok(render::insert(
        M::TABLE,
        &columns,
        values,
        returning,
        dialect,
    ))
}

/// One multi-row `INSERT` of `models` (every column but a generated key), returning the
/// generated keys where the dialect can. The caller keeps it within the bind limit.
pub(crate) fn insert_rows_statement<M: Model>(dialect: Dialect, models: &[M]) -> Result<Statement> {
    let mut columns: Vec<&str> = M::COLUMNS.to_vec();
    if let Some(i) = M::AUTO_INCREMENT {
        columns.remove(i);
    }
    let mut rows = Vec::with_capacity(models.len());
    for model in models {
        let mut values = model.values();
        for (column, value) in M::COLUMNS.iter().zip(&values) {
            check_max_length(M::table_def(), column, value)?;
        }
        if let Some(i) = M::AUTO_INCREMENT {
            values.remove(i);
        }
        rows.push(values);
    }
    let returning = M::AUTO_INCREMENT.map(|i| M::COLUMNS[i]);
    Ok(render::insert_rows(
        M::TABLE,
        &columns,
        rows,
        returning,
        dialect,
    ))
}

/// `UPDATE` of every non-key column, by primary key.
pub(crate) fn update_statement<M: Model>(dialect: Dialect, model: &M) -> Result<Statement> {
    let is_key = |c: &str| M::PRIMARY_KEY.contains(&c);
    // A model of key columns only sets the key to itself: that still tells whether the
    // row exists (by the affected-row count).
    let only_key = M::COLUMNS.iter().all(|c| is_key(c));
    let set = M::COLUMNS
        .iter()
        .zip(model.values())
        .filter(|(c, _)| only_key || !is_key(c));
    let mut w = SqlWriter::new(dialect);
    // The targets of `SET` are unqualified; the key columns of `WHERE` are qualified like
    // every column a condition reads.
    w.push("UPDATE ").ident(M::TABLE).push(" SET ");
    let set: Vec<(&&str, Value)> = set.collect();
    for (column, value) in &set {
        check_max_length(M::table_def(), column, value)?;
    }
    w.comma_list(set, |w, (column, value)| {
        w.ident(column).push(" = ").value(value);
    });
    w.push(" WHERE ");
    for (i, (column, value)) in M::PRIMARY_KEY.iter().zip(model.key_values()).enumerate() {
        if i > 0 {
            w.push(" AND ");
        }
        render::expr(
            &mut w,
            &crate::query::model_column(M::table_def(), M::TABLE, column),
        );
        w.push(" = ").value(value);
    }
    Ok(w.finish())
}
