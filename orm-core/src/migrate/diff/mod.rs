//! The difference between two schemas as the [`SchemaChange`]s that turn one into the
//! other: the models against the live database for a migration's `up`, and the live
//! database against the models for its `down`.

mod mysql_keys;
mod sqlite_rebuild;

use orm_schema::{ColumnDef, ForeignKeyDef, IndexDef, TableDef, UniqueDef};

use super::compare::{as_written, column_type};
use crate::schema::SchemaChange;
use crate::{Dialect, Result};

/// Renames that a diff must not take for a drop and an add: they are never guessed.
///
/// ```
/// use orm_core::migrate::Renames;
///
/// let renames = Renames::default().table("people", "persons").column("persons", "mail", "email");
/// assert_eq!(renames.reversed().columns, [("people".to_string(), "email".to_string(), "mail".to_string())]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Renames {
    /// `(from, to)` table names.
    pub tables: Vec<(String, String)>,
    /// `(table, from, to)`: the table by its new name.
    pub columns: Vec<(String, String, String)>,
}

impl Renames {
    /// Table `from` is now called `to`.
    pub fn table(mut self, from: impl Into<String>, to: impl Into<String>) -> Self {
        self.tables.push((from.into(), to.into()));
        self
    }

    /// Column `from` of `table` (by its new name) is now called `to`.
    pub fn column(
        mut self,
        table: impl Into<String>,
        from: impl Into<String>,
        to: impl Into<String>,
    ) -> Self {
        self.columns.push((table.into(), from.into(), to.into()));
        self
    }

    /// The renames that undo these (for a migration's `down`).
    pub fn reversed(&self) -> Renames {
        let old_name = |table: &str| {
            self.tables
                .iter()
                .find(|(_, to)| to == table)
                .map_or(table.to_owned(), |(from, _)| from.clone())
        };
        Renames {
            tables: self
                .tables
                .iter()
                .map(|(f, t)| (t.clone(), f.clone()))
                .collect(),
            columns: self
                .columns
                .iter()
                .map(|(t, f, to)| (old_name(t), to.clone(), f.clone()))
                .collect(),
        }
    }
}

/// One change of a migration, with what a reader of the file must know about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The change.
    pub change: SchemaChange,
    /// Whether it loses data (a dropped table or column, a narrowed type).
    pub destructive: bool,
    /// A line for the migration file, above the change's statements.
    pub comment: String,
}

impl Step {
    pub(super) fn new(change: SchemaChange, comment: String) -> Step {
        Step {
            change,
            destructive: false,
            comment,
        }
    }

    fn destructive(change: SchemaChange, comment: String) -> Step {
        Step {
            change,
            destructive: true,
            comment,
        }
    }
}

/// The steps that turn the schema `current` into `target` on `dialect`. Tables are matched
/// by name, columns by name within them; `renames` says which differences are renames
/// rather than a drop and an add. An empty plan means the two schemas are the same as far
/// as the dialect can tell.
///
/// What is compared: tables; columns with their type (in the spelling the dialect's
/// catalog gives back), nullability and default; unique constraints and unique indexes
/// (by their columns: backends tell the two apart differently); other indexes (by name
/// and columns); foreign keys (by columns, referenced table and columns, and actions).
/// Primary keys and generated keys are not altered.
pub fn diff(
    dialect: Dialect,
    target: &[&TableDef],
    current: &[TableDef],
    renames: &Renames,
) -> Result<Vec<Step>> {
    let mut current: Vec<TableDef> = current.to_vec();
    let mut steps = Vec::new();
    // The indexes `create_table` adds of its own accord (SQLite's on a date-time key) are
    // part of the target.
    let with_own: Vec<TableDef> = target
        .iter()
        .map(|t| {
            let mut t = (*t).clone();
            if let Some(index) = crate::sql::ddl::key_value_index(dialect, &t)
                && !t.indexes.iter().any(|i| i.name == index.name)
            {
                t.indexes.push(index);
            }
            t
        })
        .collect();
    let target: Vec<&TableDef> = with_own.iter().collect();
    let target = target.as_slice();

    for (from, to) in &renames.tables {
        let exists = target.iter().any(|t| &t.name == to);
        if let Some(t) = current
            .iter_mut()
            .find(|t| &t.name == from)
            .filter(|_| exists)
        {
            steps.push(Step::new(
                SchemaChange::RenameTable {
                    from: from.clone(),
                    to: to.clone(),
                },
                format!("rename table {from} to {to}"),
            ));
            rename_table(t, to);
        }
    }
    for (table, from, to) in &renames.columns {
        let wanted = target
            .iter()
            .find(|t| &t.name == table)
            .is_some_and(|t| t.column_named(to).is_some());
        if let Some(t) = current
            .iter_mut()
            .find(|t| &t.name == table)
            .filter(|t| wanted && t.column_named(from).is_some())
        {
            steps.push(Step::new(
                SchemaChange::RenameColumn {
                    table: table.clone(),
                    from: from.clone(),
                    to: to.clone(),
                },
                format!("rename column {table}.{from} to {to}"),
            ));
            rename_column(t, from, to);
        }
    }

    let new_tables: Vec<&TableDef> = target
        .iter()
        .copied()
        .filter(|t| !current.iter().any(|c| c.name == t.name))
        .collect();
    let gone: Vec<&TableDef> = current
        .iter()
        .filter(|c| !target.iter().any(|t| t.name == c.name))
        .collect();
    let pairs: Vec<(&TableDef, &TableDef)> = target
        .iter()
        .filter_map(|t| current.iter().find(|c| c.name == t.name).map(|c| (*t, c)))
        .collect();

    let mut per_table: Vec<TableChanges> = Vec::new();
    for (t, c) in &pairs {
        let changes = table_changes(dialect, t, c);
        if !changes.is_empty() {
            per_table.push(changes);
        }
    }
    if dialect.keys_pin_their_columns() {
        mysql_keys::guard_foreign_keys(&pairs, &mut per_table);
    }

    // Foreign keys and indexes that go, before the columns they name change.
    for tc in &per_table {
        steps.extend(tc.drop_foreign_keys.iter().cloned());
    }
    for tc in &per_table {
        steps.extend(tc.drop_indexes.iter().cloned());
    }
    // New tables in foreign-key order; the closing keys of a cycle afterwards.
    let (ordered, deferred) = crate::schema::creation_order(&new_tables)?;
    let deferred = if dialect.accepts_forward_references() {
        Vec::new()
    } else {
        deferred
    };
    for t in ordered {
        let mut t = t.clone();
        t.foreign_keys.retain(|fk| {
            !deferred.iter().any(|(d, dfk)| {
                d.name == t.name && dfk.columns == fk.columns && dfk.ref_table == fk.ref_table
            })
        });
        let comment = format!("create table {}", t.name);
        steps.push(Step::new(SchemaChange::CreateTable(t), comment));
    }
    for tc in &per_table {
        steps.extend(tc.columns.iter().cloned());
    }
    for tc in &per_table {
        steps.extend(tc.add_indexes.iter().cloned());
    }
    for tc in &per_table {
        steps.extend(tc.add_foreign_keys.iter().cloned());
    }
    for (table, fk) in deferred {
        steps.push(Step::new(
            SchemaChange::AddForeignKey {
                table: table.name.clone(),
                foreign_key: fk.clone(),
            },
            format!(
                "add foreign key {} (closes a cycle)",
                fk.constraint_name(&table.name)
            ),
        ));
    }
    // Tables that go, referencing ones first; the keys of a cycle among them before.
    let (ordered, cycle) = crate::schema::creation_order(&gone)?;
    if dialect.alters_constraints() {
        for (table, fk) in cycle {
            let name = fk.constraint_name(&table.name);
            steps.push(Step::new(
                SchemaChange::DropForeignKey {
                    table: table.name.clone(),
                    name: name.clone(),
                },
                format!("drop foreign key {name} of {} (closes a cycle)", table.name),
            ));
        }
    }
    for t in ordered.into_iter().rev() {
        steps.push(Step::destructive(
            SchemaChange::DropTable {
                table: t.name.clone(),
            },
            format!(
                "DESTRUCTIVE: drops table {} and every row in it. If it was renamed, generate \
                 again with --rename-table {}=NEW_NAME",
                t.name, t.name
            ),
        ));
    }

    if !dialect.alters_constraints() {
        steps = sqlite_rebuild::rebuild_where_needed(steps, target, &current);
    }
    Ok(steps)
}

/// The changes of one table present on both sides, by kind.
#[derive(Default)]
pub(super) struct TableChanges {
    /// The table's name.
    pub(super) table: String,
    /// Columns whose type changes.
    pub(super) retyped: Vec<String>,
    /// Indexes (plain or unique) that go, by their columns.
    pub(super) dropped_index_columns: Vec<Vec<String>>,
    pub(super) drop_foreign_keys: Vec<Step>,
    pub(super) drop_indexes: Vec<Step>,
    pub(super) columns: Vec<Step>,
    pub(super) add_indexes: Vec<Step>,
    pub(super) add_foreign_keys: Vec<Step>,
}

impl TableChanges {
    fn is_empty(&self) -> bool {
        self.drop_foreign_keys.is_empty()
            && self.drop_indexes.is_empty()
            && self.columns.is_empty()
            && self.add_indexes.is_empty()
            && self.add_foreign_keys.is_empty()
    }
}

fn table_changes(dialect: Dialect, target: &TableDef, current: &TableDef) -> TableChanges {
    let name = &target.name;
    let mut out = TableChanges {
        table: name.clone(),
        ..TableChanges::default()
    };

    // Columns: added, altered, then dropped.
    let mut added = Vec::new();
    for tc in &target.columns {
        match current.column_named(&tc.name) {
            None => {
                added.push(tc);
                out.columns.push(Step::new(
                    SchemaChange::AddColumn {
                        table: name.clone(),
                        column: as_written(dialect, target, tc),
                    },
                    format!("add column {name}.{}", tc.name),
                ));
            }
            Some(cc) => {
                if let Some(step) = column_change(dialect, target, tc, current, cc) {
                    if column_type(dialect, target, tc) != column_type(dialect, current, cc) {
                        out.retyped.push(tc.name.clone());
                    }
                    out.columns.push(step);
                }
            }
        }
    }
    for cc in &current.columns {
        if target.column_named(&cc.name).is_none() {
            let alike: Vec<&str> = added
                .iter()
                .filter(|a| column_type(dialect, target, a) == column_type(dialect, current, cc))
                .map(|a| a.name.as_str())
                .collect();
            let hint = match alike.as_slice() {
                [] => format!("--rename-column {name}.{}=NEW_NAME", cc.name),
                some => format!(
                    "--rename-column {name}.{}={} (a column of the same type is added)",
                    cc.name, some[0]
                ),
            };
            out.columns.push(Step::destructive(
                SchemaChange::DropColumn {
                    table: name.clone(),
                    column: cc.name.clone(),
                },
                format!(
                    "DESTRUCTIVE: drops column {name}.{} and its data. If it was renamed, \
                     generate again with {hint}",
                    cc.name
                ),
            ));
        }
    }

    // Unique constraints and unique indexes, by their columns.
    let uniques = |t: &TableDef| -> Vec<(Vec<String>, UniqueKind)> {
        let mut v: Vec<(Vec<String>, UniqueKind)> = t
            .uniques
            .iter()
            .map(|u| (u.columns.clone(), UniqueKind::Constraint(u.clone())))
            .collect();
        v.extend(
            t.indexes
                .iter()
                .filter(|i| i.unique)
                .map(|i| (i.columns.clone(), UniqueKind::Index(i.clone()))),
        );
        v
    };
    let (tu, cu) = (uniques(target), uniques(current));
    for (cols, kind) in &cu {
        if !tu.iter().any(|(c, _)| c == cols) {
            out.dropped_index_columns.push(cols.clone());
            let change = match kind {
                UniqueKind::Constraint(u) => SchemaChange::DropUnique {
                    table: name.clone(),
                    name: u.name.clone(),
                },
                UniqueKind::Index(i) => SchemaChange::DropIndex {
                    table: name.clone(),
                    name: i.name.clone(),
                },
            };
            out.drop_indexes.push(Step::new(
                change,
                format!("drop unique ({}) of {name}", cols.join(", ")),
            ));
        }
    }
    for (cols, kind) in &tu {
        if !cu.iter().any(|(c, _)| c == cols) {
            let change = match kind {
                UniqueKind::Constraint(u) => SchemaChange::AddUnique {
                    table: name.clone(),
                    unique: u.clone(),
                },
                UniqueKind::Index(i) => SchemaChange::CreateIndex {
                    table: target.clone(),
                    index: i.clone(),
                },
            };
            out.add_indexes.push(Step::new(
                change,
                format!("add unique ({}) to {name}", cols.join(", ")),
            ));
        }
    }

    // Other indexes, by name and columns.
    let plain = |t: &TableDef| -> Vec<IndexDef> {
        t.indexes.iter().filter(|i| !i.unique).cloned().collect()
    };
    let (ti, ci) = (plain(target), plain(current));
    for i in &ci {
        if !ti
            .iter()
            .any(|t| t.name == i.name && t.columns == i.columns)
        {
            out.dropped_index_columns.push(i.columns.clone());
            out.drop_indexes.push(Step::new(
                SchemaChange::DropIndex {
                    table: name.clone(),
                    name: i.name.clone(),
                },
                format!("drop index {} of {name}", i.name),
            ));
        }
    }
    for i in &ti {
        if !ci
            .iter()
            .any(|c| c.name == i.name && c.columns == i.columns)
        {
            out.add_indexes.push(Step::new(
                SchemaChange::CreateIndex {
                    table: target.clone(),
                    index: i.clone(),
                },
                format!(
                    "create index {} on {name} ({})",
                    i.name,
                    i.columns.join(", ")
                ),
            ));
        }
    }

    // Foreign keys, by what they say.
    let same = |a: &ForeignKeyDef, b: &ForeignKeyDef| {
        a.columns == b.columns
            && a.ref_table == b.ref_table
            && a.ref_columns == b.ref_columns
            && dialect.canonical_action(a.on_delete) == dialect.canonical_action(b.on_delete)
            && dialect.canonical_action(a.on_update) == dialect.canonical_action(b.on_update)
    };
    for fk in &current.foreign_keys {
        if !target.foreign_keys.iter().any(|t| same(t, fk)) {
            let constraint = fk.constraint_name(name);
            out.drop_foreign_keys.push(Step::new(
                SchemaChange::DropForeignKey {
                    table: name.clone(),
                    name: constraint.clone(),
                },
                format!("drop foreign key {constraint} of {name}"),
            ));
        }
    }
    for fk in &target.foreign_keys {
        if !current.foreign_keys.iter().any(|c| same(c, fk)) {
            out.add_foreign_keys.push(Step::new(
                SchemaChange::AddForeignKey {
                    table: name.clone(),
                    foreign_key: fk.clone(),
                },
                format!(
                    "add foreign key ({}) of {name} to {}",
                    fk.columns.join(", "),
                    fk.ref_table
                ),
            ));
        }
    }
    out
}

enum UniqueKind {
    Constraint(UniqueDef),
    Index(IndexDef),
}

/// An `AlterColumn` where type, nullability or default differ.
fn column_change(
    dialect: Dialect,
    target: &TableDef,
    tc: &ColumnDef,
    current: &TableDef,
    cc: &ColumnDef,
) -> Option<Step> {
    let (tt, ct) = (
        column_type(dialect, target, tc),
        column_type(dialect, current, cc),
    );
    let type_changed = tt != ct;
    // A key column is NOT NULL however it was declared.
    let key = tc.primary_key || cc.primary_key;
    let nullable_changed = !key && tc.nullable != cc.nullable;
    // A generated key's default is its sequence: not compared.
    let generated = tc.auto_increment || cc.auto_increment;
    let default = |c: &ColumnDef| c.default.as_deref().map(|d| dialect.canonical_default(d));
    let default_changed = !generated && default(tc) != default(cc);
    if !(type_changed || nullable_changed || default_changed) {
        return None;
    }
    let mut what = Vec::new();
    if type_changed {
        what.push(format!("type {ct} -> {tt}"));
    }
    if nullable_changed {
        what.push(
            if tc.nullable {
                "NULL allowed"
            } else {
                "NOT NULL"
            }
            .to_owned(),
        );
    }
    if default_changed {
        what.push(format!(
            "default {} -> {}",
            cc.default.as_deref().unwrap_or("none"),
            tc.default.as_deref().unwrap_or("none")
        ));
    }
    let change = SchemaChange::AlterColumn {
        table: target.name.clone(),
        column: as_written(dialect, target, tc),
    };
    let comment = format!(
        "alter column {}.{}: {}",
        target.name,
        tc.name,
        what.join(", ")
    );
    Some(
        if type_changed && super::compare::narrows(dialect, &ct, &tt) {
            Step::destructive(
                change,
                format!("{comment} (DESTRUCTIVE where values do not fit the new type)"),
            )
        } else {
            Step::new(change, comment)
        },
    )
}

fn rename_table(t: &mut TableDef, to: &str) {
    t.name = to.to_owned();
}

fn rename_column(t: &mut TableDef, from: &str, to: &str) {
    let swap = |names: &mut Vec<String>| {
        for n in names.iter_mut().filter(|n| *n == from) {
            *n = to.to_owned();
        }
    };
    for c in t.columns.iter_mut().filter(|c| c.name == from) {
        c.name = to.to_owned();
    }
    swap(&mut t.primary_key);
    t.uniques.iter_mut().for_each(|u| swap(&mut u.columns));
    t.indexes.iter_mut().for_each(|i| swap(&mut i.columns));
    t.foreign_keys.iter_mut().for_each(|f| swap(&mut f.columns));
}
