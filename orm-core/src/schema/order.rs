//! Ordering tables so that every table comes after the tables it references.

use std::collections::{BTreeMap, BTreeSet};

use orm_schema::TableDef;

use crate::{Error, Result};

/// `tables` sorted by name, then so that each follows the tables it references (Kahn's
/// algorithm, smallest name first, so the order is the same on every run).
///
/// References to tables outside `tables` are ignored (they may exist already). The same
/// table given twice is kept once; two different definitions of one table are an error,
/// as is a cycle of foreign keys.
pub fn dependency_order<'a>(tables: &[&'a TableDef]) -> Result<Vec<&'a TableDef>> {
    Ok(order(tables, false)?.0)
}

/// One cycle among `pending` tables, each of which still waits for another: following
/// the first dependency from table to table must come back to a table already seen.
/// The first table is repeated at the end (`a -> b -> a`).
fn cycle<'a>(pending: &BTreeMap<&'a str, BTreeSet<&'a str>>) -> Vec<&'a str> {
    let mut path: Vec<&str> = Vec::new();
    let mut at = pending.keys().next().copied();
    while let Some(table) = at {
        if let Some(start) = path.iter().position(|t| *t == table) {
            path.drain(..start);
            path.push(table);
            return path;
        }
        path.push(table);
        at = pending
            .get(table)
            .and_then(|deps| deps.iter().next().copied());
    }
    path
}

/// Tables in the order to create them, and the foreign keys (with their tables) to add
/// once they all exist.
pub type CreationOrder<'a> = (
    Vec<&'a TableDef>,
    Vec<(&'a TableDef, &'a orm_schema::ForeignKeyDef)>,
);

/// The order to create `tables` in, parents first, and the foreign keys that close a
/// cycle (a store has a manager, who works in a store): those are added by
/// `ALTER TABLE` once every table exists, as SQLAlchemy's `use_alter` does. Each cycle is
/// broken at a table of the cycle whose keys into it are NULL-able, so that a session
/// can write its rows first and their keys after (else at the first by name).
pub fn creation_order<'a>(tables: &[&'a TableDef]) -> Result<CreationOrder<'a>> {
    order(tables, true)
}

/// Kahn's algorithm over `tables`, smallest name first. On a cycle: with
/// `break_cycles`, the first table (by name) of what remains gets its foreign keys to
/// the remaining tables deferred; else the cycle is an error that names it.
fn order<'a>(tables: &[&'a TableDef], break_cycles: bool) -> Result<CreationOrder<'a>> {
    let mut by_name: BTreeMap<&str, &'a TableDef> = BTreeMap::new();
    for t in tables {
        if let Some(previous) = by_name.insert(t.name.as_str(), t)
            && previous != *t
        {
            return Err(Error::Schema(format!(
                "two different models are mapped to the table `{}`",
                t.name
            )));
        }
    }
    let mut pending: BTreeMap<&str, BTreeSet<&str>> = by_name
        .iter()
        .map(|(name, t)| {
            let deps = t
                .dependencies()
                .filter(|d| by_name.contains_key(d))
                .collect();
            (*name, deps)
        })
        .collect();
    let mut ordered = Vec::with_capacity(by_name.len());
    let mut deferred = Vec::new();
    while !pending.is_empty() {
        let ready = pending
            .iter()
            .find(|(_, deps)| deps.is_empty())
            .map(|(n, _)| *n);
        let name = match ready {
            Some(name) => name,
            None if !break_cycles => {
                return Err(Error::Schema(format!(
                    "the foreign keys of these tables form a cycle: {}",
                    cycle(&pending).join(" -> ")
                )));
            }
            None => {
                let members = cycle(&pending);
                let nullable_keys = |name: &&str| {
                    let table = by_name[name];
                    table
                        .foreign_keys
                        .iter()
                        .filter(|fk| pending[name].contains(fk.ref_table.as_str()))
                        .flat_map(|fk| &fk.columns)
                        .all(|c| {
                            table
                                .columns
                                .iter()
                                .any(|col| &col.name == c && col.nullable)
                        })
                };
                let mut candidates: Vec<&str> = members.clone();
                candidates.sort_unstable();
                let name = candidates
                    .iter()
                    .find(|n| nullable_keys(n))
                    .or(candidates.first())
                    .copied()
                    .expect("a cycle has tables");
                let table = by_name[name];
                let deps = pending.get_mut(name).expect("a pending table");
                for fk in &table.foreign_keys {
                    if deps.contains(fk.ref_table.as_str()) {
                        deferred.push((table, fk));
                    }
                }
                deps.clear();
                name
            }
        };
        pending.remove(name);
        for deps in pending.values_mut() {
            deps.remove(name);
        }
        ordered.push(by_name[name]);
    }
    Ok((ordered, deferred))
}
