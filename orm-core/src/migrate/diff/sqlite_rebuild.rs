//! SQLite's way to make the changes its `ALTER TABLE` cannot: rebuilding the table.

use std::collections::HashSet;

use orm_schema::TableDef;

use super::Step;
use crate::schema::SchemaChange;

/// SQLite alters little in place: the changes of a table that it cannot make (a column's
/// type, nullability or default, a foreign key, a unique constraint written in its
/// `CREATE TABLE`, a column that is keyed or indexed) become one rebuild of that table
/// as the target has it.
pub(super) fn rebuild_where_needed(
    steps: Vec<Step>,
    target: &[&TableDef],
    current: &[TableDef],
) -> Vec<Step> {
    let needs_rebuild = |step: &Step| -> Option<String> {
        let table = match &step.change {
            SchemaChange::AlterColumn { table, .. }
            | SchemaChange::AddForeignKey { table, .. }
            | SchemaChange::DropForeignKey { table, .. }
            | SchemaChange::DropUnique { table, .. } => table,
            SchemaChange::DropColumn { table, column } => {
                let c = current.iter().find(|t| &t.name == table)?;
                if !crate::migrate::compare::is_indexed(c, column) {
                    return None;
                }
                table
            }
            SchemaChange::AddColumn { table, column } => {
                // SQLite adds neither a NOT NULL column without a default, nor a keyed
                // one, nor one whose default is not a constant.
                let constant = column.default.as_deref().is_none_or(constant_default);
                let plain = (column.nullable || column.default.is_some())
                    && constant
                    && !column.primary_key
                    && !column.unique;
                if plain {
                    return None;
                }
                table
            }
            _ => return None,
        };
        current
            .iter()
            .any(|t| &t.name == table)
            .then(|| table.clone())
    };
    let rebuilt: HashSet<String> = steps.iter().filter_map(needs_rebuild).collect();
    if rebuilt.is_empty() {
        return steps;
    }
    let table_of = |step: &Step| -> Option<String> {
        let table = match &step.change {
            SchemaChange::AddColumn { table, .. }
            | SchemaChange::DropColumn { table, .. }
            | SchemaChange::AlterColumn { table, .. }
            | SchemaChange::DropIndex { table, .. }
            | SchemaChange::AddUnique { table, .. }
            | SchemaChange::DropUnique { table, .. }
            | SchemaChange::AddForeignKey { table, .. }
            | SchemaChange::DropForeignKey { table, .. } => table.clone(),
            SchemaChange::CreateIndex { table, .. } => table.name.clone(),
            _ => return None,
        };
        rebuilt.contains(&table).then_some(table)
    };
    // What each rebuild does, in the words of the changes it stands for.
    let mut what: Vec<(String, Vec<String>, bool)> = Vec::new();
    for step in &steps {
        if let Some(table) = table_of(step) {
            match what.iter_mut().find(|(t, _, _)| *t == table) {
                Some((_, comments, destructive)) => {
                    comments.push(step.comment.clone());
                    *destructive |= step.destructive;
                }
                None => what.push((table, vec![step.comment.clone()], step.destructive)),
            }
        }
    }
    let mut out = Vec::new();
    for step in steps {
        let Some(table) = table_of(&step) else {
            out.push(step);
            continue;
        };
        let Some(pos) = what.iter().position(|(t, _, _)| *t == table) else {
            continue; // placed already
        };
        let (_, comments, destructive) = what.remove(pos);
        let (Some(t), Some(c)) = (
            target.iter().find(|t| t.name == table),
            current.iter().find(|t| t.name == table),
        ) else {
            continue;
        };
        let columns: Vec<(String, String)> = t
            .columns
            .iter()
            .filter(|tc| c.column_named(&tc.name).is_some())
            .map(|tc| (tc.name.clone(), tc.name.clone()))
            .collect();
        let mut comment = format!(
            "{}rebuild table {table} (SQLite alters it no other way), keeping its rows \
             (triggers on it are dropped with it: re-create them below if it has any):",
            if destructive { "DESTRUCTIVE: " } else { "" }
        );
        for line in comments {
            comment.push_str("\n  ");
            comment.push_str(&line);
        }
        out.push(Step {
            destructive,
            change: SchemaChange::RebuildTable {
                table: (*t).clone(),
                columns,
            },
            comment,
        });
    }
    out
}

/// Whether SQLite's `ALTER TABLE ADD COLUMN` takes `default`: a literal, not the clock
/// nor an expression.
fn constant_default(default: &str) -> bool {
    let d = default.trim().to_ascii_uppercase();
    !d.contains('(')
        && !matches!(
            d.as_str(),
            "CURRENT_TIME" | "CURRENT_DATE" | "CURRENT_TIMESTAMP"
        )
}
