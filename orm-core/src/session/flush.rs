//! Flush planning: what changed, in which order it is written, and what the session
//! records once it is.

use std::any::TypeId;
use std::collections::HashMap;

use super::entry::{Entry, Reader, State};
use super::{Identity, Journal, Link};
use crate::query::model_write::value_as_i64 as as_i64;
use crate::sql::ast::{BinOp, Node};
use crate::sql::normalize::model_column;
use crate::sql::write::{self, Delete, Update};
use crate::{Error, Executor as _, Result, Statement, Transaction, Value};

/// The most keys one `DELETE … WHERE key IN (…)` lists.
const DELETE_BATCH: usize = 500;

/// Writes every change of `slots` on `tx`, in a savepoint: inserts (parents first, each
/// table's rows in multi-row statements), then updates (only the changed columns), then
/// deletes (children first, batched by key). On success the objects' rows are recorded
/// as loaded; on failure nothing is written and the objects are as they were.
pub(super) async fn flush(
    slots: &mut [Option<Entry>],
    identity: &mut HashMap<Identity, usize>,
    links: &mut Vec<Link>,
    journal: &mut Journal,
    tx: &Transaction,
) -> Result<()> {
    check_links(slots, links)?;
    let savepoint = tx.begin().await?;
    // A failed flush may have written generated keys into pending objects: put back.
    let keys_before: Vec<(usize, Value)> = slots
        .iter()
        .enumerate()
        .filter_map(|(slot, e)| {
            let e = e.as_ref()?;
            let at = e.ops.auto_increment.filter(|_| e.state == State::Pending)?;
            Some((slot, e.values().swap_remove(at)))
        })
        .collect();
    // Children's foreign keys written from new parents' keys, to put back on failure.
    let mut linked: Vec<(usize, &'static str, Option<i64>)> = Vec::new();
    let written = match write(slots, links, &mut linked, &savepoint).await {
        Ok(bumped) => savepoint.commit().await.map(|()| bumped),
        Err(e) => {
            let _ = savepoint.rollback().await;
            Err(e)
        }
    };
    match written {
        Ok(bumped) => {
            links.clear();
            record(slots, identity, journal, keys_before, &bumped);
            Ok(())
        }
        Err(e) => {
            // Best effort: the flush's own error is the one to report.
            for (slot, column, old) in linked.into_iter().rev() {
                if let Some(entry) = slots[slot].as_mut() {
                    let _ = (entry.ops.set_reference)(&mut *entry.object, column, old);
                }
            }
            for (slot, key) in keys_before {
                if let Some(entry) = slots[slot].as_mut()
                    && let Some(key) = as_i64(&key)
                {
                    let _ = (entry.ops.set_key)(&mut *entry.object, key);
                }
            }
            Err(e)
        }
    }
}

/// Refuses a flush whose links name a parent that left the session or is deleted: the
/// child would be written without its parent's key.
fn check_links(slots: &[Option<Entry>], links: &[Link]) -> Result<()> {
    for link in links {
        let Some(child) = slots[link.child].as_ref() else {
            continue; // the child left: nothing to write
        };
        let parent_there = slots[link.parent]
            .as_ref()
            .is_some_and(|p| p.state != State::Deleted);
        if !parent_there {
            return Err(Error::InvalidQuery(format!(
                "`{}.{}` names a parent that left the session or is deleted",
                child.ops.name, link.column
            )));
        }
    }
    Ok(())
}

/// The statements of a flush. Returns the slots whose version column was bumped.
async fn write(
    slots: &mut [Option<Entry>],
    links: &[Link],
    linked: &mut Vec<(usize, &'static str, Option<i64>)>,
    tx: &Transaction,
) -> Result<Vec<usize>> {
    let order = table_order(slots)?;

    // A row without a key has no identity, nor a way to be found again.
    for entry in slots.iter().flatten() {
        if entry.ops.primary_key.is_empty() && entry.has_changes() {
            return Err(Error::InvalidQuery(format!(
                "`{}` has no primary key (a view): the session cannot write its rows",
                entry.ops.name
            )));
        }
    }

    // Hooks first: an object changed by `before_update` is written as changed.
    for entry in slots.iter_mut().flatten() {
        match entry.state {
            State::Persistent
                if entry.ops.hooks
                    && !entry.expired
                    && entry.loaded.as_ref() != Some(&entry.values()) =>
            {
                (entry.ops.before_update)(&mut *entry.object)?;
            }
            State::Deleted => (entry.ops.before_delete)(&*entry.object)?,
            State::Pending | State::Persistent => {}
        }
    }

    // Links to a new parent written after its new child (a cycle of foreign keys, or a
    // parent in the child's own batch): the child goes in with the key NULL, and gets
    // it by an UPDATE once the parent is in (SQLAlchemy's `post_update`).
    let position = |slot: usize| {
        let type_id = slots[slot].as_ref()?.ops.type_id;
        order.iter().position(|t| *t == type_id)
    };
    let pending = |slot: usize| {
        slots[slot]
            .as_ref()
            .is_some_and(|e| e.state == State::Pending)
    };
    let deferred: Vec<&Link> = links
        .iter()
        .filter(|l| {
            pending(l.child) && pending(l.parent) && position(l.parent) >= position(l.child)
        })
        .collect();
    for link in &deferred {
        let Some(child) = slots[link.child].as_mut() else {
            continue;
        };
        let old = reference_of(child, link.column);
        if (child.ops.set_reference)(&mut *child.object, link.column, None).is_err() {
            return Err(Error::InvalidQuery(format!(
                "`{}.{}` names a new row written after this one (a cycle of foreign keys): \
                 it must be NULL-able (`Option`) to be set once that row is in",
                child.ops.name, link.column
            )));
        }
        linked.push((link.child, link.column, old));
    }

    // Inserts, parents first: one multi-row batch per table.
    for type_id in &order {
        let pending: Vec<&mut Entry> = slots
            .iter_mut()
            .flatten()
            .filter(|e| e.state == State::Pending && e.ops.type_id == *type_id)
            .collect();
        if let Some(first) = pending.first() {
            let insert = first.ops.insert;
            insert(pending, tx).await?;
        }
        // Children of the rows just inserted name their keys now, before they are written.
        for link in links {
            let is_deferred = deferred.iter().any(|d| std::ptr::eq(*d, link));
            if is_deferred || slots[link.parent].as_ref().map(|p| p.ops.type_id) != Some(*type_id) {
                continue;
            }
            link_to_parent(slots, link, linked)?;
        }
    }
    for link in deferred {
        link_to_parent(slots, link, linked)?;
        let Some(child) = slots[link.child].as_ref() else {
            continue;
        };
        let values = child.values();
        let at = child.ops.columns.iter().position(|c| *c == link.column);
        let Some(at) = at else { continue };
        let update = Update {
            table: child.ops.table,
            set: vec![(link.column, Node::Value(values[at].clone()))],
            filter: Some(row_filter(child, &values)),
        };
        let matched = tx.execute(write::update(&update, tx.dialect())?).await?;
        if matched != 1 {
            return Err(stale(child, matched));
        }
    }

    // Updates: the columns that changed, by the key the row had. The text of an update
    // depends only on the model and the columns changed: rendered once per such shape.
    let mut bumped = Vec::new();
    let mut texts: HashMap<(TypeId, Vec<usize>), String> = HashMap::new();
    for (slot, entry) in slots.iter().enumerate() {
        let Some(entry) = entry else { continue };
        if entry.state != State::Persistent || entry.expired {
            continue;
        }
        let Some(loaded) = &entry.loaded else {
            continue;
        };
        let now = entry.values();
        // The version column is the session's to count up, never written as set.
        let changed: Vec<usize> = (0..now.len())
            .filter(|&i| now[i] != loaded[i] && Some(i) != entry.ops.version)
            .collect();
        if changed.is_empty() {
            continue;
        }
        let def = (entry.ops.table_def)();
        for &i in &changed {
            crate::query::model_sql::check_max_length(def, entry.ops.columns[i], &now[i])?;
        }
        let values = update_values(entry, &now, loaded, &changed);
        let shape = (entry.ops.type_id, changed);
        let statement = match texts.get(&shape) {
            Some(sql) => Statement {
                sql: sql.clone(),
                values,
            },
            None => {
                let statement = update_statement(entry, &now, loaded, &shape.1, tx)?;
                // Kept only when the text binds exactly these values (no value written
                // into the text), so that it fits every row of the shape.
                if statement.values == values {
                    texts.insert(shape, statement.sql.clone());
                }
                statement
            }
        };
        let matched = tx.execute(statement).await?;
        if matched != 1 {
            return Err(stale(entry, matched));
        }
        if entry.ops.version.is_some() {
            bumped.push(slot);
        }
    }

    // Deletes, children first.
    for type_id in order.iter().rev() {
        let deleted: Vec<&Entry> = slots
            .iter()
            .flatten()
            .filter(|e| e.state == State::Deleted && e.ops.type_id == *type_id)
            .collect();
        delete_rows(&deleted, tx).await?;
    }
    Ok(bumped)
}

/// The integer value of `child`'s column `column`.
fn reference_of(child: &Entry, column: &str) -> Option<i64> {
    let at = child.ops.columns.iter().position(|c| *c == column)?;
    as_i64(&child.values()[at])
}

/// Writes `link`'s parent's key into its child (recording the old value in `linked`).
fn link_to_parent(
    slots: &mut [Option<Entry>],
    link: &Link,
    linked: &mut Vec<(usize, &'static str, Option<i64>)>,
) -> Result<()> {
    let Some(parent) = slots[link.parent].as_ref() else {
        return Ok(());
    };
    let key_at = parent
        .ops
        .key_positions()
        .next()
        .expect("a single-column key");
    let key = as_i64(&parent.values()[key_at]);
    let Some(child) = slots[link.child].as_mut() else {
        return Ok(());
    };
    let old = reference_of(child, link.column);
    (child.ops.set_reference)(&mut *child.object, link.column, key)?;
    linked.push((link.child, link.column, old));
    Ok(())
}

/// The models with changes, parents before the tables that reference them.
fn table_order(slots: &[Option<Entry>]) -> Result<Vec<TypeId>> {
    let mut types: Vec<(TypeId, &'static crate::schema::TableDef)> = Vec::new();
    for entry in slots.iter().flatten().filter(|e| e.has_changes()) {
        if !types.iter().any(|(t, _)| *t == entry.ops.type_id) {
            types.push((entry.ops.type_id, (entry.ops.table_def)()));
        }
    }
    let defs: Vec<&crate::schema::TableDef> = types.iter().map(|(_, d)| *d).collect();
    // Within a cycle of foreign keys the order is the creation order's, which puts first
    // the table whose keys into the cycle are NULL-able; `write` sets those keys last.
    let (ordered, _) = crate::schema::creation_order(&defs)?;
    Ok(ordered
        .into_iter()
        .flat_map(|def| {
            types
                .iter()
                .filter(move |(_, d)| std::ptr::eq(*d, def) || d.name == def.name)
                .map(|(t, _)| *t)
        })
        .fold(Vec::new(), |mut acc, t| {
            if !acc.contains(&t) {
                acc.push(t);
            }
            acc
        }))
}

/// `UPDATE table SET changed = ? [, version = version + 1] WHERE key = ? [AND version = ?]`.
fn update_statement(
    entry: &Entry,
    now: &[Value],
    loaded: &[Value],
    changed: &[usize],
    tx: &Transaction,
) -> Result<Statement> {
    let ops = &entry.ops;
    let mut set = Vec::with_capacity(changed.len() + 1);
    for &i in changed {
        set.push((ops.columns[i], Node::Value(now[i].clone())));
    }
    if let Some(v) = ops.version {
        let column = Node::column(ops.table, ops.columns[v]);
        set.push((
            ops.columns[v],
            Node::Binary(
                Box::new(column),
                BinOp::Add,
                Box::new(Node::Value(Value::I64(Some(1)))),
            ),
        ));
    }
    let update = Update {
        table: ops.table,
        set,
        filter: Some(row_filter(entry, loaded)),
    };
    write::update(&update, tx.dialect())
}

/// What [`update_statement`] binds, in its order: the changed values, the version's
/// increment, the loaded key and version.
fn update_values(entry: &Entry, now: &[Value], loaded: &[Value], changed: &[usize]) -> Vec<Value> {
    let ops = &entry.ops;
    let mut values: Vec<Value> = changed.iter().map(|&i| now[i].clone()).collect();
    if ops.version.is_some() {
        values.push(Value::I64(Some(1)));
    }
    values.extend(
        ops.key_positions()
            .chain(ops.version)
            .map(|i| loaded[i].clone()),
    );
    values
}

/// The row as last loaded: its key, and its version where the model has one.
fn row_filter(entry: &Entry, loaded: &[Value]) -> Node {
    let ops = &entry.ops;
    let def = (ops.table_def)();
    let mut columns: Vec<usize> = ops.key_positions().collect();
    columns.extend(ops.version);
    columns
        .into_iter()
        .map(|i| {
            Node::Binary(
                Box::new(model_column(def, ops.table, ops.columns[i])),
                BinOp::Eq,
                Box::new(Node::Value(loaded[i].clone())),
            )
        })
        .reduce(|a, b| Node::Binary(Box::new(a), BinOp::And, Box::new(b)))
        .expect("a model has a primary key")
}

/// Deletes the rows of `entries` (all of one model): by key lists where the key is one
/// unversioned column, else row by row. Every row must be found.
async fn delete_rows(entries: &[&Entry], tx: &Transaction) -> Result<()> {
    let Some(first) = entries.first() else {
        return Ok(());
    };
    let ops = first.ops;
    let def = (ops.table_def)();
    let dialect = tx.dialect();
    if ops.primary_key.len() == 1 && ops.version.is_none() {
        let key_at = ops.key_positions().next().expect("one key column");
        for batch in entries.chunks(DELETE_BATCH) {
            let keys = batch
                .iter()
                .filter_map(|e| e.loaded.as_ref())
                .map(|l| Node::Value(l[key_at].clone()))
                .collect::<Vec<_>>();
            let delete = Delete {
                table: ops.table,
                filter: Some(Node::InList(
                    Box::new(model_column(def, ops.table, ops.columns[key_at])),
                    keys,
                    false,
                )),
            };
            let matched = tx.execute(write::delete(&delete, dialect)).await?;
            if matched != batch.len() as u64 {
                return Err(Error::StaleData {
                    table: ops.table.to_owned(),
                    key: Some(format!("{}: some of {} keys", ops.name, batch.len())),
                    expected: batch.len() as u64,
                    matched,
                });
            }
        }
        return Ok(());
    }
    for entry in entries {
        let Some(loaded) = &entry.loaded else {
            continue;
        };
        let delete = Delete {
            table: ops.table,
            filter: Some(row_filter(entry, loaded)),
        };
        let matched = tx.execute(write::delete(&delete, dialect)).await?;
        if matched != 1 {
            return Err(stale(entry, matched));
        }
    }
    Ok(())
}

fn stale(entry: &Entry, matched: u64) -> Error {
    let key = entry.loaded.as_ref().map(|l| entry.ops.key_of(l));
    Error::StaleData {
        table: entry.ops.table.to_owned(),
        key: Some(format!("{} {:?}", entry.ops.name, key.unwrap_or_default())),
        expected: 1,
        matched,
    }
}

/// After a successful flush: pending objects are persistent, every written row is what
/// the objects hold, deleted objects leave the session (kept in the journal until the
/// transaction commits), versions are counted up as the rows were.
fn record(
    slots: &mut [Option<Entry>],
    identity: &mut HashMap<Identity, usize>,
    journal: &mut Journal,
    keys_before: Vec<(usize, Value)>,
    bumped: &[usize],
) {
    for &slot in bumped {
        if let Some(entry) = slots[slot].as_mut()
            && let Some(v) = entry.ops.version
        {
            let loaded = entry
                .loaded
                .as_ref()
                .and_then(|l| as_i64(&l[v]))
                .unwrap_or(0);
            // A version that does not fit the field's type cannot be taken back: the row
            // has it, and the next update of the object fails as stale.
            let _ = (entry.ops.set_version)(&mut *entry.object, loaded + 1);
        }
    }
    journal.inserted.extend(keys_before);
    let mut gone: Vec<DeletedRow> = Vec::new();
    for (slot, cell) in slots.iter_mut().enumerate() {
        let Some(entry) = cell else { continue };
        match entry.state {
            State::Deleted => {
                if let Some(loaded) = &entry.loaded {
                    identity.remove(&Identity::of(entry.ops.type_id, &entry.ops.key_of(loaded)));
                    gone.push(DeletedRow::of(entry, loaded.clone()));
                }
                if let Some(entry) = cell.take() {
                    journal.deleted.push((slot, entry));
                }
            }
            State::Pending | State::Persistent => {
                let values = entry.values();
                if let Some(old) = &entry.loaded {
                    identity.remove(&Identity::of(entry.ops.type_id, &entry.ops.key_of(old)));
                }
                identity.insert(
                    Identity::of(entry.ops.type_id, &entry.ops.key_of(&values)),
                    slot,
                );
                entry.loaded = Some(values);
                entry.state = State::Persistent;
            }
        }
    }
    apply_database_cascades(slots, identity, journal, gone);
}

/// A row a flush deleted: its table and values, to find the rows that named it.
struct DeletedRow {
    table: &'static str,
    columns: &'static [&'static str],
    values: Vec<Value>,
}

impl DeletedRow {
    fn of(entry: &Entry, values: Vec<Value>) -> DeletedRow {
        DeletedRow {
            table: entry.ops.table,
            columns: entry.ops.columns,
            values,
        }
    }

    /// The row's value of `column`.
    fn value(&self, column: &str) -> Option<&Value> {
        let at = self.columns.iter().position(|c| *c == column)?;
        self.values.get(at)
    }
}

/// What the database's `ON DELETE` actions did to the objects the session holds, once
/// rows they named are deleted: `CASCADE` deleted their rows too (they leave the session,
/// and their own children follow), `SET NULL` cleared their foreign key.
fn apply_database_cascades(
    slots: &mut [Option<Entry>],
    identity: &mut HashMap<Identity, usize>,
    journal: &mut Journal,
    mut gone: Vec<DeletedRow>,
) {
    use orm_schema::ReferentialAction;
    while let Some(row) = gone.pop() {
        for (slot, cell) in slots.iter_mut().enumerate() {
            let Some(entry) = cell else { continue };
            let Some(loaded) = entry.loaded.clone() else {
                continue;
            };
            for fk in &(entry.ops.table_def)().foreign_keys {
                let ([column], [ref_column]) = (fk.columns.as_slice(), fk.ref_columns.as_slice())
                else {
                    continue;
                };
                let Some(at) = entry.ops.columns.iter().position(|c| c == column) else {
                    continue;
                };
                let names_row = fk.ref_table == row.table
                    && row
                        .value(ref_column)
                        .is_some_and(|v| same_key(v, &loaded[at]));
                if !names_row {
                    continue;
                }
                match fk.on_delete {
                    Some(ReferentialAction::Cascade) => {
                        identity
                            .remove(&Identity::of(entry.ops.type_id, &entry.ops.key_of(&loaded)));
                        gone.push(DeletedRow::of(entry, loaded.clone()));
                        if let Some(mut entry) = cell.take() {
                            entry.state = State::Deleted;
                            journal.deleted.push((slot, entry));
                        }
                        break;
                    }
                    Some(ReferentialAction::SetNull) => {
                        let column = entry.ops.columns[at];
                        if (entry.ops.set_reference)(&mut *entry.object, column, None).is_ok() {
                            let cleared = entry.values().swap_remove(at);
                            if let Some(loaded) = entry.loaded.as_mut() {
                                loaded[at] = cleared;
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

/// Whether a foreign key's value names a key: integers of any width by number.
fn same_key(key: &Value, reference: &Value) -> bool {
    match (as_i64(key), as_i64(reference)) {
        (Some(a), Some(b)) => a == b,
        _ => !key.is_null() && key == reference,
    }
}

/// Reads every persistent object's row again (after a rollback); an object whose row is
/// gone leaves the session.
pub(super) async fn reload_all(
    slots: &mut [Option<Entry>],
    identity: &mut HashMap<Identity, usize>,
    reader: Reader<'_>,
) -> Result<()> {
    // Swapped in whole at the end: an error half-way leaves the old map, not a gap.
    let mut fresh = HashMap::with_capacity(identity.len());
    for (slot, cell) in slots.iter_mut().enumerate() {
        let Some(entry) = cell else { continue };
        let Some(loaded) = &entry.loaded else {
            continue;
        };
        let key = entry.ops.key_of(loaded);
        let load = entry.ops.load;
        match load(key, reader).await? {
            Some((object, values)) => {
                fresh.insert(
                    Identity::of(entry.ops.type_id, &entry.ops.key_of(&values)),
                    slot,
                );
                entry.object = object;
                entry.loaded = Some(values);
                entry.state = State::Persistent;
                entry.expired = false;
            }
            None => *cell = None,
        }
    }
    *identity = fresh;
    Ok(())
}
