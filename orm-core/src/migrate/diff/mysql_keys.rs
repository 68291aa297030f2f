//! MySQL's rules for foreign keys during a migration.

use orm_schema::{ForeignKeyDef, TableDef};

use super::{Step, TableChanges};
use crate::schema::SchemaChange;

/// MySQL refuses to change the type of a column a foreign key joins (error 3780), and to
/// drop the last index a foreign key can use (error 1553): such a key is dropped before
/// and added again after. A key that goes for good takes the index InnoDB made for it
/// along (else the next diff would find an index no model has).
pub(super) fn guard_foreign_keys(
    pairs: &[(&TableDef, &TableDef)],
    per_table: &mut Vec<TableChanges>,
) {
    let retyped = |per_table: &[TableChanges], table: &str, columns: &[String]| {
        per_table
            .iter()
            .any(|tc| tc.table == table && columns.iter().any(|c| tc.retyped.contains(c)))
    };
    let mut guarded: Vec<(String, ForeignKeyDef)> = Vec::new();
    for (target, current) in pairs {
        for fk in &target.foreign_keys {
            let kept = current.foreign_keys.iter().any(|c| {
                c.columns == fk.columns
                    && c.ref_table == fk.ref_table
                    && c.ref_columns == fk.ref_columns
            });
            if !kept {
                continue;
            }
            let type_change = retyped(per_table, &target.name, &fk.columns)
                || retyped(per_table, &fk.ref_table, &fk.ref_columns);
            let serves = |cols: &[String]| {
                cols.len() >= fk.columns.len() && cols[..fk.columns.len()] == fk.columns[..]
            };
            let loses_one = per_table.iter().any(|tc| {
                tc.table == target.name && tc.dropped_index_columns.iter().any(|c| serves(c))
            });
            // An index on both sides (or the primary key) still serves it.
            let on_both = |cols: &[String]| {
                serves(cols)
                    && (current.indexes.iter().any(|i| i.columns == cols)
                        || current.uniques.iter().any(|u| u.columns == cols)
                        || current.primary_key == cols)
            };
            let still_served = target.indexes.iter().any(|i| on_both(&i.columns))
                || target.uniques.iter().any(|u| on_both(&u.columns))
                || on_both(&target.primary_key);
            if type_change || (loses_one && !still_served) {
                guarded.push((target.name.clone(), fk.clone()));
            }
        }
    }
    for (table, fk) in guarded {
        let name = fk.constraint_name(&table);
        let position = match per_table.iter().position(|tc| tc.table == table) {
            Some(p) => p,
            None => {
                per_table.push(TableChanges {
                    table: table.clone(),
                    ..TableChanges::default()
                });
                per_table.len() - 1
            }
        };
        let tc = &mut per_table[position];
        let dropped = tc.drop_foreign_keys.iter().any(
            |s| matches!(&s.change, SchemaChange::DropForeignKey { name: n, .. } if *n == name),
        );
        if dropped {
            continue;
        }
        tc.drop_foreign_keys.push(Step::new(
            SchemaChange::DropForeignKey {
                table: table.clone(),
                name: name.clone(),
            },
            format!("drop foreign key {name} of {table} (MySQL: added again below)"),
        ));
        tc.add_foreign_keys.push(Step::new(
            SchemaChange::AddForeignKey {
                table: table.clone(),
                foreign_key: fk,
            },
            format!("add foreign key {name} of {table} again"),
        ));
    }
    for tc in per_table.iter_mut() {
        let added: Vec<String> = tc
            .add_foreign_keys
            .iter()
            .filter_map(|s| match &s.change {
                SchemaChange::AddForeignKey { table, foreign_key } => {
                    Some(foreign_key.constraint_name(table))
                }
                _ => None,
            })
            .collect();
        let modelled = |name: &str| {
            pairs.iter().any(|(t, _)| {
                t.name == tc.table
                    && (t.indexes.iter().any(|i| i.name == name)
                        || t.uniques.iter().any(|u| u.name == name))
            })
        };
        let mut implicit = Vec::new();
        for step in &tc.drop_foreign_keys {
            if let SchemaChange::DropForeignKey { table, name } = &step.change
                && !added.contains(name)
                && !modelled(name)
            {
                implicit.push(Step::new(
                    SchemaChange::DropIndex {
                        table: table.clone(),
                        name: name.clone(),
                    },
                    format!("drop the index MySQL made for foreign key {name}, if it made one"),
                ));
            }
        }
        tc.drop_indexes.splice(0..0, implicit);
    }
}
