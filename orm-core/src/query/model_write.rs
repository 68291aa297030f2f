//! Inserting and upserting models, one or many: how many rows go in one statement, and
//! how the keys the database generates get back into the models.

use std::borrow::{Borrow, BorrowMut};

use crate::query::Upsert;
use crate::query::model_sql;
use crate::sql::copy;
use crate::sql::write::{self, OnConflict};
use crate::{Dialect, Error, Executor, Model, Result, Value};

/// How an insert of some rows learns the keys the database generates for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keys {
    /// No key is generated: there is none, or the models carry theirs.
    None,
    /// `RETURNING key`, one row per inserted row, keys ascending in insert order.
    Returned,
    /// `RETURNING` every column (an upsert of many rows, some of which may be updated):
    /// each row is matched to its model by the conflict target.
    ReturnedRows,
    /// The driver's last insert id: the first row's key, the others following it.
    LastInsertId,
    /// Not knowable for certain (a multi-row upsert without `RETURNING`): not written back.
    Unknown,
}

/// One statement's shape: which columns, what happens on conflict, what comes back.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) with_key: bool,
    pub(crate) on_conflict: Option<OnConflict>,
    pub(crate) returning: Vec<&'static str>,
    pub(crate) keys: Keys,
}

impl Plan {
    /// An insert of `rows` rows. `returns`: whether the server has `INSERT … RETURNING`.
    pub(crate) fn insert<M: Model>(
        dialect: Dialect,
        returns: bool,
        with_key: bool,
        rows: usize,
    ) -> Plan {
        let generated = M::AUTO_INCREMENT
            .filter(|_| !with_key)
            .map(|i| M::COLUMNS[i]);
        let (returning, keys) = match generated {
            None => (Vec::new(), Keys::None),
            // One row: the driver's report is cheapest where it has one.
            Some(_) if rows == 1 && dialect.reports_insert_id() => (Vec::new(), Keys::LastInsertId),
            Some(key) if returns => (vec![key], Keys::Returned),
            Some(_) => (Vec::new(), Keys::LastInsertId),
        };
        Plan {
            with_key,
            on_conflict: None,
            returning,
            keys,
        }
    }

    /// The plan of `rows` rows: `upsert`'s where given, else an insert's.
    fn of<M: Model>(
        upsert: Option<&Upsert<M>>,
        dialect: Dialect,
        returns: bool,
        with_key: bool,
        rows: usize,
    ) -> Result<Plan> {
        match upsert {
            Some(u) => Plan::upsert(u, returns, rows),
            None => Ok(Plan::insert::<M>(dialect, returns, with_key, rows)),
        }
    }

    /// An upsert of `rows` rows.
    pub(crate) fn upsert<M: Model>(upsert: &Upsert<M>, returns: bool, rows: usize) -> Result<Plan> {
        // A conflict on the generated key can only happen when the key is sent along.
        let with_key = upsert.targets_generated_key();
        let generated = M::AUTO_INCREMENT
            .filter(|_| !with_key)
            .map(|i| M::COLUMNS[i]);
        let (returning, keys, report_key) = match generated {
            None => (Vec::new(), Keys::None, None),
            Some(key) if returns && rows == 1 => (vec![key], Keys::Returned, None),
            Some(_) if returns => (M::COLUMNS.to_vec(), Keys::ReturnedRows, None),
            // MySQL: `key = LAST_INSERT_ID(key)` reports the row's key, inserted or found.
            Some(key) if rows == 1 => (Vec::new(), Keys::LastInsertId, Some(key)),
            Some(_) => (Vec::new(), Keys::Unknown, None),
        };
        Ok(Plan {
            with_key,
            on_conflict: Some(upsert.conflict(report_key)?),
            returning,
            keys,
        })
    }
}

/// Inserts (or upserts) `models` in multi-row statements within the bind limit, and
/// writes the generated keys back as far as they can be known (see [`Keys`]). The
/// models are a slice of them, or of references to them (a session's objects).
pub(crate) async fn write_models<M: Model, T: BorrowMut<M> + Send + Sync, E: Executor + ?Sized>(
    models: &mut [T],
    exec: &E,
    with_key: bool,
    upsert: Option<&Upsert<M>>,
) -> Result<()> {
    crate::db::check_model::<M>(exec)?;
    if models.is_empty() {
        return Ok(());
    }
    for model in models.iter_mut() {
        model
            .borrow_mut()
            .run_hook(crate::__private::Hook::BeforeInsert)?;
    }
    let dialect = exec.dialect();
    let first = Plan::of(
        upsert,
        dialect,
        exec.inserts_return(),
        with_key,
        models.len(),
    )?;
    let columns = M::COLUMNS.len() - usize::from(M::AUTO_INCREMENT.is_some() && !first.with_key);
    // Half the bind limit: room for what a backend binds besides. Nothing to list (a
    // model of a generated key only) means `DEFAULT VALUES`, one row at a time.
    let mut per_statement = match columns {
        0 => 1,
        n => dialect.rows_per_insert(n),
    };
    let mut step = 1;
    if first.keys == Keys::LastInsertId && models.len() > 1 {
        let (increment, consecutive) = auto_increment_settings(exec).await?;
        step = increment;
        if !consecutive {
            // The server may interleave other statements' keys with these rows' keys:
            // only a row alone is sure to get the key reported.
            per_statement = 1;
        }
    }
    if models.len() > per_statement
        && let Some(tx) = exec.batch().await?
    {
        // Several statements on a `Database`: one transaction, so that the rows are all
        // written or none (and committed once, not once per statement). If it fails, the
        // models get their keys back: none of the keys written into them exists.
        let keys: Vec<Option<i64>> = match M::AUTO_INCREMENT {
            Some(i) => models
                .iter()
                .map(|m| integer(&m.borrow().column_value(i)))
                .collect(),
            None => Vec::new(),
        };
        let written = write_chunks(models, &tx, upsert, with_key, per_statement, step).await;
        let written = settle(tx, written).await;
        if written.is_err() {
            for (model, key) in models.iter_mut().zip(keys) {
                if let Some(key) = key {
                    model.borrow_mut().set_generated_key(key)?;
                }
            }
        }
        return written;
    }
    write_chunks(models, exec, upsert, with_key, per_statement, step).await
}

/// [`Model::insert_all`]: the rows of `models` in multi-row statements, no key read
/// back; on a `Database`, in one transaction when they take several statements.
pub(crate) async fn insert_rows<M: Model, E: Executor + ?Sized>(
    models: &[M],
    exec: &E,
) -> Result<u64> {
    crate::db::check_model::<M>(exec)?;
    if M::META.hooks {
        return Err(Error::InvalidQuery(format!(
            "`{}` has hooks, which `insert_all` cannot run on models it only borrows: \
             use `insert_many`",
            M::NAME
        )));
    }
    if models.is_empty() {
        return Ok(0);
    }
    let columns = M::COLUMNS.len() - usize::from(M::AUTO_INCREMENT.is_some());
    let per_statement = match columns {
        0 => 1,
        n => exec.dialect().rows_per_insert(n),
    };
    // Many rows on PostgreSQL: one `COPY`, in a transaction of its own (a savepoint in
    // the caller's) so that a table that refuses `COPY` gets the `INSERT`s instead.
    if exec.dialect().copies_rows()
        && columns > 0
        && models.len() > per_statement
        && copy::fits(M::table_def())
        && let Some((sql, data)) = copy_text(exec.dialect(), models, per_statement)?
        && let Some(tx) = exec.nested().await?
    {
        match tx.copy_in(sql, data).await {
            Ok(Some(n)) => return tx.commit().await.map(|()| n),
            Ok(None) => tx.rollback().await?,
            Err(e) if copy::refused(&e) => tx.rollback().await?,
            Err(e) => return settle(tx, Err(e.written_to(M::table_def()))).await,
        }
    }
    if models.len() > per_statement
        && let Some(tx) = exec.batch().await?
    {
        let inserted = insert_row_chunks(models, &tx, per_statement).await;
        return settle(tx, inserted).await;
    }
    insert_row_chunks(models, exec, per_statement).await
}

/// The `COPY` statement and text of `models`, built `chunk` rows at a time (only the text
/// is held whole); `None` when a value has no exact text.
fn copy_text<M: Model>(
    dialect: Dialect,
    models: &[M],
    chunk: usize,
) -> Result<Option<(String, Vec<u8>)>> {
    let mut text = String::new();
    let mut columns = Vec::new();
    for rows in models.chunks(chunk) {
        let insert = model_sql::insert::<M, M>(rows, false, None, Vec::new())?;
        if copy::push_rows(&insert.rows, &mut text).is_none() {
            return Ok(None);
        }
        columns = insert.columns;
    }
    Ok(Some((
        copy::statement(dialect, M::TABLE, &columns),
        text.into_bytes(),
    )))
}

/// `result` of work on `tx`, a transaction of its own: committed when it is `Ok`, rolled
/// back (the rollback awaited) when it is not.
async fn settle<T>(tx: crate::Transaction, result: Result<T>) -> Result<T> {
    match result {
        Ok(value) => tx.commit().await.map(|()| value),
        Err(e) => {
            let _ = tx.rollback().await;
            Err(e)
        }
    }
}

/// The statements of [`insert_rows`], `per_statement` rows each, on `exec`.
async fn insert_row_chunks<M: Model, E: Executor + ?Sized>(
    models: &[M],
    exec: &E,
    per_statement: usize,
) -> Result<u64> {
    let mut inserted = 0;
    for chunk in models.chunks(per_statement) {
        let insert = model_sql::insert::<M, M>(chunk, false, None, Vec::new())?;
        let statement = write::insert(insert, exec.dialect());
        inserted += exec
            .execute(statement)
            .await
            .map_err(|e| e.written_to(M::table_def()))?;
    }
    Ok(inserted)
}

/// An integer key's value.
fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::I16(Some(k)) => Some(i64::from(*k)),
        Value::I32(Some(k)) => Some(i64::from(*k)),
        Value::I64(Some(k)) => Some(*k),
        _ => None,
    }
}

/// The statements of [`write_models`], `per_statement` rows each, on `exec`.
async fn write_chunks<M: Model, T: BorrowMut<M> + Send + Sync, E: Executor + ?Sized>(
    models: &mut [T],
    exec: &E,
    upsert: Option<&Upsert<M>>,
    with_key: bool,
    per_statement: usize,
    step: i64,
) -> Result<()> {
    let dialect = exec.dialect();
    let returns = exec.inserts_return();
    let written = |e: Error| e.written_to(M::table_def());
    for chunk in models.chunks_mut(per_statement) {
        let plan = Plan::of(upsert, dialect, returns, with_key, chunk.len())?;
        let explicit_key = M::AUTO_INCREMENT.filter(|_| plan.with_key);
        let statement = if chunk.len() == 1 && upsert.is_none() && !plan.with_key {
            // One row of the model's own `insert`: the same text every time.
            let mut values = model_sql::checked_values(chunk[0].borrow())?;
            if let Some(i) = M::AUTO_INCREMENT {
                values.remove(i);
            }
            let returning = plan.returning;
            crate::query::cached::<M>(crate::query::Cached::Insert, dialect, values, |values| {
                let mut insert = model_sql::insert::<M, T>(&chunk[..1], false, None, returning)?;
                insert.rows = vec![values];
                Ok(write::insert(insert, dialect))
            })?
        } else {
            let insert =
                model_sql::insert::<M, T>(chunk, plan.with_key, plan.on_conflict, plan.returning)?;
            write::insert(insert, dialect)
        };
        match plan.keys {
            Keys::None | Keys::Unknown => {
                exec.execute(statement).await.map_err(written)?;
            }
            Keys::Returned => {
                let rows = exec
                    .insert_returning_rows(statement)
                    .await
                    .map_err(written)?;
                let mut keys = rows
                    .iter()
                    .map(|row| row.get::<i64>(0))
                    .collect::<Result<Vec<_>>>()?;
                // An upsert that did nothing returns no row, and the model keeps its key.
                if upsert.is_some() && keys.is_empty() {
                    continue;
                }
                if keys.len() != chunk.len() {
                    return Err(Error::InvalidQuery(format!(
                        "{} rows were written to {}, but {} keys came back",
                        chunk.len(),
                        M::TABLE,
                        keys.len()
                    )));
                }
                keys.sort_unstable();
                for (model, key) in chunk.iter_mut().zip(keys) {
                    model.borrow_mut().set_generated_key(key)?;
                }
            }
            Keys::ReturnedRows => {
                let rows = exec
                    .insert_returning_rows(statement)
                    .await
                    .map_err(written)?;
                let target = upsert.map(|u| u.conflict(None)).transpose()?;
                let target = target.map(|c| c.target).unwrap_or_default();
                match_returned_rows::<M, T>(chunk, &rows, &target)?;
            }
            Keys::LastInsertId => {
                let first = exec
                    .insert_returning_key(statement, M::PRIMARY_KEY[0])
                    .await
                    .map_err(written)?;
                let mut key = first;
                for model in chunk.iter_mut() {
                    model.borrow_mut().set_generated_key(key)?;
                    key = key
                        .checked_add(step)
                        .ok_or_else(|| Error::Encode("a generated key passed i64::MAX".into()))?;
                }
            }
        }
        // Right after the statement: outside a transaction, the rows are there for good
        // even if a later statement fails.
        if let Some(i) = explicit_key {
            advance_key_sequence::<M, T, E>(chunk, i, exec).await?;
        }
    }
    Ok(())
}

/// Gives each model whose row came back (by its conflict-target values) the key of
/// that row.
fn match_returned_rows<M: Model, T: BorrowMut<M>>(
    chunk: &mut [T],
    rows: &[crate::Row],
    target: &[&'static str],
) -> Result<()> {
    let positions: Vec<usize> = target
        .iter()
        .filter_map(|t| M::COLUMNS.iter().position(|c| c == t))
        .collect();
    let Some(key_at) = M::AUTO_INCREMENT else {
        return Ok(());
    };
    let pick = |values: Vec<Value>| -> Vec<Value> {
        positions.iter().map(|&p| values[p].clone()).collect()
    };
    let mut returned = Vec::with_capacity(rows.len());
    for row in rows {
        let model = M::from_row(row)?;
        let values = model.values();
        let key = value_as_i64(&values[key_at]);
        returned.push((pick(values), key));
    }
    for model in chunk.iter_mut() {
        let wanted = pick(Borrow::<M>::borrow(model).values());
        if let Some((_, Some(key))) = returned.iter().find(|(t, _)| *t == wanted) {
            model.borrow_mut().set_generated_key(*key)?;
        }
    }
    Ok(())
}

pub(crate) fn value_as_i64(value: &Value) -> Option<i64> {
    match value {
        Value::I8(v) => v.map(i64::from),
        Value::I16(v) => v.map(i64::from),
        Value::I32(v) => v.map(i64::from),
        Value::I64(v) => *v,
        Value::U8(v) => v.map(i64::from),
        Value::U16(v) => v.map(i64::from),
        Value::U32(v) => v.map(i64::from),
        _ => None,
    }
}

/// After explicit values went into a generated key: where the database does not move
/// its key generator past them itself (PostgreSQL's sequences), moves it, so that the
/// next generated key does not collide with one of them.
async fn advance_key_sequence<M: Model, T: Borrow<M>, E: Executor + ?Sized>(
    models: &[T],
    key_at: usize,
    exec: &E,
) -> Result<()> {
    let largest = models
        .iter()
        .filter_map(|m| value_as_i64(&m.borrow().values()[key_at]))
        .max();
    let statement = largest
        .and_then(|k| write::advance_key_sequence(M::TABLE, M::COLUMNS[key_at], k, exec.dialect()));
    if let Some(statement) = statement {
        crate::db::never_retried(exec.fetch_all(statement)).await?;
    }
    Ok(())
}

/// How far apart the server hands out consecutive keys, and whether the rows of one
/// multi-row `INSERT` surely get consecutive keys (see `Dialect::consecutive_keys_query`).
async fn auto_increment_settings<E: Executor + ?Sized>(exec: &E) -> Result<(i64, bool)> {
    let Some(sql) = exec.dialect().consecutive_keys_query() else {
        return Ok((1, false));
    };
    let statement = crate::Statement {
        sql: sql.to_owned(),
        values: Vec::new(),
    };
    let rows = crate::db::never_retried(exec.fetch_all(statement)).await?;
    match rows.first() {
        Some(row) => Ok((row.get::<i64>(0)?, row.get::<i64>(1)? != 0)),
        None => Ok((1, false)),
    }
}
