//! The statements of the per-model CRUD methods.

use crate::query::render;
use crate::query::statement::SqlWriter;
use crate::{Dialect, Model, Statement};

/// `INSERT` of every column but a generated key, returning that key where the dialect can.
pub(crate) fn insert_statement<M: Model>(dialect: Dialect, model: &M) -> Statement {
    let mut values = model.values();
    let mut columns: Vec<&str> = M::COLUMNS.to_vec();
    let returning = M::AUTO_INCREMENT.map(|i| {
        columns.remove(i);
        values.remove(i);
        M::COLUMNS[i]
    });
    render::insert(M::TABLE, &columns, values, returning, dialect)
}

/// `UPDATE` of every non-key column, by primary key.
pub(crate) fn update_statement<M: Model>(dialect: Dialect, model: &M) -> Statement {
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
    w.comma_list(set, |w, (column, value)| {
        w.ident(column).push(" = ").value(value);
    });
    w.push(" WHERE ");
    for (i, (column, value)) in M::PRIMARY_KEY.iter().zip(model.key_values()).enumerate() {
        if i > 0 {
            w.push(" AND ");
        }
        w.ident(M::TABLE)
            .push(".")
            .ident(column)
            .push(" = ")
            .value(value);
    }
    w.finish()
}
