//! The statements of the per-model CRUD methods.

use std::borrow::Borrow;

use orm_schema::{SqlType, TableDef};

use crate::sql::ast::{BinOp, Node};
use crate::sql::normalize::model_column;
use crate::sql::write::{self, Insert, OnConflict, Update};
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

/// The values of `model`, each checked against its column's `max_length`.
pub(crate) fn checked_values<M: Model>(model: &M) -> Result<Vec<Value>> {
    let values = model.values();
    for (column, value) in M::COLUMNS.iter().zip(&values) {
        check_max_length(M::table_def(), column, value)?;
    }
    Ok(values)
}

/// One `INSERT` of `models`: every column, but the auto-increment key unless `with_key`
/// (the database generates it). The caller keeps it within the bind limit and chooses
/// `returning` by what the server has.
pub(crate) fn insert<M: Model, T: Borrow<M>>(
    models: &[T],
    with_key: bool,
    on_conflict: Option<OnConflict>,
    returning: Vec<&'static str>,
) -> Result<Insert> {
    let generated = M::AUTO_INCREMENT.filter(|_| !with_key);
    let mut columns: Vec<&'static str> = M::COLUMNS.to_vec();
    if let Some(i) = generated {
        columns.remove(i);
    }
    let mut rows = Vec::with_capacity(models.len());
    for model in models {
        let mut values = checked_values(model.borrow())?;
        if let Some(i) = generated {
            values.remove(i);
        }
        rows.push(values);
    }
    Ok(Insert {
        table: M::TABLE,
        columns,
        rows,
        on_conflict,
        returning,
    })
}

/// `UPDATE` of every non-key column, by primary key.
pub(crate) fn update_statement<M: Model>(dialect: Dialect, model: &M) -> Result<Statement> {
    crate::model::keyed::<M>("update one row")?;
    let is_key = |c: &str| M::PRIMARY_KEY.contains(&c);
    // A model of key columns only sets the key to itself: that still tells whether the
    // row exists (by the affected-row count).
    let only_key = M::COLUMNS.iter().all(|c| is_key(c));
    let version = M::VERSION.map(|i| M::COLUMNS[i]);
    let set_columns: Vec<&'static str> = M::COLUMNS
        .iter()
        .copied()
        .filter(|c| (only_key || !is_key(c)) && Some(*c) != version)
        .collect();
    let all = model.values();
    let mut values = Vec::with_capacity(set_columns.len() + M::PRIMARY_KEY.len() + 1);
    for (column, value) in M::COLUMNS.iter().zip(&all) {
        if (only_key || !is_key(column)) && Some(*column) != version {
            check_max_length(M::table_def(), column, value)?;
            values.push(value.clone());
        }
    }
    // `SET version = version + ?`: the step is bound, in its place among the values.
    if version.is_some() {
        values.push(Value::I64(Some(1)));
    }
    values.extend(model.key_values());
    // The version the row must still have.
    if let Some(at) = M::VERSION {
        values.push(all[at].clone());
    }
    crate::query::cached::<M>(
        crate::query::Cached::Update,
        dialect,
        values,
        |mut values| {
            let mut key_values = values.split_off(set_columns.len());
            let mut set: Vec<(&'static str, Node)> = set_columns
                .iter()
                .zip(values)
                .map(|(column, value)| (*column, Node::Value(value)))
                .collect();
            let mut compared: Vec<&'static str> = M::PRIMARY_KEY.to_vec();
            if let Some(version) = version {
                let step = key_values.remove(0);
                let counted_up = Node::Binary(
                    Box::new(Node::column(M::TABLE, version)),
                    BinOp::Add,
                    Box::new(Node::Value(step)),
                );
                set.push((version, counted_up));
                compared.push(version);
            }
            // The key columns of `WHERE` are read as every condition reads a column.
            let filter = compared
                .iter()
                .zip(key_values)
                .map(|(column, value)| {
                    Node::Binary(
                        Box::new(model_column(M::table_def(), M::TABLE, column)),
                        BinOp::Eq,
                        Box::new(Node::Value(value)),
                    )
                })
                .reduce(|a, b| Node::Binary(Box::new(a), BinOp::And, Box::new(b)));
            let update = Update {
                table: M::TABLE,
                set,
                filter,
            };
            write::update(&update, dialect)
        },
    )
}
