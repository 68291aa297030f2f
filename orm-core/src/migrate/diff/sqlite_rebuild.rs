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
    let needs_rebuild = |change: &SchemaChange| match change {
        SchemaChange::AlterColumn { .. }
        | SchemaChange::AddForeignKey { .. }
        | SchemaChange::DropForeignKey { .. }
        | SchemaChange::DropUnique { .. } => true,
        SchemaChange::DropColumn { table, column } => current
            .iter()
            .any(|t| &t.name == table && crate::migrate::compare::is_indexed(t, column)),
        // SQLite adds neither a NOT NULL column without a default, nor a keyed one, nor
        // one whose default is not a constant.
        SchemaChange::AddColumn { column, .. } => {
            let constant = column.default.as_deref().is_none_or(constant_default);
            !((column.nullable || column.default.is_some())
                && constant
                && !column.primary_key
                && !column.unique)
        }
        _ => false,
    };
    let rebuilt: HashSet<String> = steps
        .iter()
        .filter(|s| needs_rebuild(&s.change))
        .filter_map(|s| s.change.altered_table())
        .filter(|table| current.iter().any(|t| t.name == *table))
        .map(str::to_owned)
        .collect();
    if rebuilt.is_empty() {
        return steps;
    }
    // The changes a rebuild stands for (a renamed column is renamed before it, in place).
    let table_of = |step: &Step| -> Option<String> {
        if matches!(step.change, SchemaChange::RenameColumn { .. }) {
            return None;
        }
        let table = step.change.altered_table()?;
        rebuilt.contains(table).then(|| table.to_owned())
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
