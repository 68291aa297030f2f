//! `INSERT` (one row or many, with an upsert clause and `RETURNING`), `UPDATE` and
//! `DELETE` as data, and their rendering.

use crate::dialect::UpsertStyle;
use crate::sql::SqlWriter;
use crate::sql::ast::{Node, SelectStatement};
use crate::sql::render::{expr, stored, where_clause};
use crate::{Dialect, Error, Result, Statement, Value};

/// `INSERT INTO table (columns) VALUES (…), (…) [upsert] [RETURNING …]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Insert {
    pub(crate) table: &'static str,
    pub(crate) columns: Vec<&'static str>,
    /// One list of values per row, each as long as `columns`.
    pub(crate) rows: Vec<Vec<Value>>,
    pub(crate) on_conflict: Option<OnConflict>,
    /// Columns handed back; the caller sets them only where the server has `RETURNING`.
    pub(crate) returning: Vec<&'static str>,
}

/// What an insert does with a row that would break a unique constraint.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OnConflict {
    /// The columns of the unique constraint or primary key that conflicts. MySQL cannot
    /// name them: it reacts to every unique key.
    pub(crate) target: Vec<&'static str>,
    pub(crate) action: ConflictAction,
    /// MySQL: the auto-increment key to report through `LAST_INSERT_ID(key)` whether the
    /// row is inserted or found, for a one-row upsert on a server without `RETURNING`.
    pub(crate) report_key: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ConflictAction {
    /// Leave the existing row as it is.
    Nothing,
    /// Set these columns of the existing row to the values the insert proposed.
    Update(Vec<&'static str>),
}

/// `UPDATE table SET column = value, … WHERE filter`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Update {
    pub(crate) table: &'static str,
    pub(crate) set: Vec<(&'static str, Node)>,
    pub(crate) filter: Option<Node>,
}

/// `DELETE FROM table WHERE filter`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Delete {
    pub(crate) table: &'static str,
    pub(crate) filter: Option<Node>,
}

impl Update {
    /// The update of the rows `query` matches: only its filter can be honoured.
    pub(crate) fn of_query(
        query: &SelectStatement,
        set: Vec<(&'static str, Node)>,
    ) -> Result<Update> {
        check_writable(query, "an update")?;
        Ok(Update {
            table: query.table,
            set,
            filter: query.filter.clone(),
        })
    }
}

impl Delete {
    /// The deletion of the rows `query` matches: only its filter can be honoured.
    pub(crate) fn of_query(query: &SelectStatement) -> Result<Delete> {
        check_writable(query, "a delete")?;
        Ok(Delete {
            table: query.table,
            filter: query.filter.clone(),
        })
    }
}

/// Refuses the parts of a query that an `UPDATE` or `DELETE` cannot honour everywhere.
fn check_writable(s: &SelectStatement, what: &str) -> Result<()> {
    if crate::sql::render::needs_subquery(s)
        || !s.order_by.is_empty()
        || !s.joins.is_empty()
        || s.derived.is_some()
        || s.alias.is_some()
    {
        return Err(Error::InvalidQuery(format!(
            "{what} applies only `filter` to a table; this query also orders, pages, groups, \
             is distinct, joins, or reads a subquery"
        )));
    }
    Ok(())
}

pub(crate) fn insert(st: Insert, dialect: Dialect) -> Statement {
    let mut w = SqlWriter::new(dialect);
    w.push("INSERT INTO ").ident(st.table);
    if dialect.binds_arrays() && st.rows.len() > 1 && as_arrays(&st) {
        // One array per column: as many parameters for 10 000 rows as for 2, one
        // statement text for any number of rows, and less for the server to parse.
        w.push(" (");
        w.comma_list(&st.columns, |w, c| {
            w.ident(c);
        });
        w.push(") SELECT * FROM UNNEST(");
        let mut columns: Vec<Vec<Value>> = st
            .columns
            .iter()
            .map(|_| Vec::with_capacity(st.rows.len()))
            .collect();
        for row in st.rows {
            for (column, value) in columns.iter_mut().zip(row) {
                column.push(value);
            }
        }
        w.comma_list(columns, |w, values| {
            w.value(Value::List(values));
        });
        w.push(")");
    } else if st.columns.is_empty() {
        w.push(dialect.insert_default_values());
    } else {
        w.push(" (");
        w.comma_list(&st.columns, |w, c| {
            w.ident(c);
        });
        w.push(") VALUES ");
        w.comma_list(st.rows, |w, values| {
            w.push("(");
            w.comma_list(values, |w, v| {
                w.value(v);
            });
            w.push(")");
        });
    }
    if let Some(conflict) = &st.on_conflict {
        on_conflict(&mut w, conflict);
    }
    if !st.returning.is_empty() {
        w.push(" RETURNING ");
        w.comma_list(&st.returning, |w, c| {
            w.ident(c);
        });
    }
    w.finish()
}

/// Whether every column's values can go in one array: bindable as array items, and all
/// of one type (a model's values always are).
fn as_arrays(st: &Insert) -> bool {
    let Some(first) = st.rows.first() else {
        return false;
    };
    !st.columns.is_empty()
        && first.iter().enumerate().all(|(i, value)| {
            crate::sql::render::binds_in_pg_array(value)
                && st.rows.iter().all(|row| {
                    row.get(i)
                        .is_some_and(|v| std::mem::discriminant(v) == std::mem::discriminant(value))
                })
        })
}

fn on_conflict(w: &mut SqlWriter, conflict: &OnConflict) {
    match w.dialect.upsert_style() {
        UpsertStyle::OnConflict => {
            w.push(" ON CONFLICT (");
            w.comma_list(&conflict.target, |w, c| {
                w.ident(c);
            });
            w.push(")");
            match &conflict.action {
                ConflictAction::Nothing => {
                    w.push(" DO NOTHING");
                }
                ConflictAction::Update(columns) => {
                    w.push(" DO UPDATE SET ");
                    w.comma_list(columns, |w, c| {
                        w.ident(c).push(" = ").push("EXCLUDED.").ident(c);
                    });
                }
            }
        }
        UpsertStyle::OnDuplicateKey => {
            w.push(" ON DUPLICATE KEY UPDATE ");
            // The first assignment reports the key, or changes nothing: MySQL has no
            // "do nothing" (`INSERT IGNORE` would also turn other errors into warnings).
            match conflict.report_key {
                Some(key) => {
                    w.ident(key).push(" = LAST_INSERT_ID(").ident(key).push(")");
                }
                None => {
                    let first = conflict.target[0];
                    w.ident(first).push(" = ").ident(first);
                }
            }
            if let ConflictAction::Update(columns) = &conflict.action {
                for c in columns {
                    // `VALUES(c)`: what MariaDB reads; MySQL 8 still does (deprecated).
                    w.push(", ").ident(c).push(" = VALUES(").ident(c).push(")");
                }
            }
        }
    }
}

pub(crate) fn update(st: &Update, dialect: Dialect) -> Result<Statement> {
    if st.set.is_empty() {
        return Err(Error::InvalidQuery(
            "an update needs at least one `set`".into(),
        ));
    }
    let ordered = if dialect.assigns_in_order() {
        in_order_assignments(st.table, &st.set)?
    } else {
        st.set.iter().collect()
    };
    let mut w = SqlWriter::new(dialect);
    w.push("UPDATE ").ident(st.table).push(" SET ");
    // The targets are unqualified: `SET "users"."name" = …` is not SQL everywhere.
    w.comma_list(ordered, |w, (column, value)| {
        w.ident(column).push(" = ");
        expr(w, stored(value));
    });
    where_clause(&mut w, &st.filter);
    Ok(w.finish())
}

pub(crate) fn delete(st: &Delete, dialect: Dialect) -> Statement {
    let mut w = SqlWriter::new(dialect);
    w.push("DELETE FROM ").ident(st.table);
    where_clause(&mut w, &st.filter);
    w.finish()
}

/// The assignments in an order in which a backend that assigns left to right (MySQL)
/// gives them SQL's meaning.
///
/// Every expression of an `UPDATE … SET` reads the row as it was, on SQLite and
/// PostgreSQL; MySQL assigns left to right and later expressions see the new values
/// (`SET a = a + 1, b = a` sets `b` to the new `a`). So an assignment to a column comes
/// after every other assignment that reads it, the given order kept otherwise; when the
/// reads form a cycle (`SET a = b, b = a`) no order works, and the update is refused.
fn in_order_assignments<'a>(
    table: &str,
    assignments: &'a [(&'static str, Node)],
) -> Result<Vec<&'a (&'static str, Node)>> {
    use crate::sql::render::reads_column;
    let mut left: Vec<&(&'static str, Node)> = assignments.iter().collect();
    let mut ordered = Vec::with_capacity(left.len());
    while !left.is_empty() {
        // The first assignment whose column no other remaining assignment still reads.
        let ready = (0..left.len()).find(|&i| {
            let column = left[i].0;
            left.iter()
                .enumerate()
                .all(|(j, (_, value))| j == i || !reads_column(value, table, column))
        });
        match ready {
            Some(i) => ordered.push(left.remove(i)),
            None => {
                let columns: Vec<String> = left.iter().map(|(c, _)| format!("`{c}`")).collect();
                return Err(Error::InvalidQuery(format!(
                    "the values set to {} read each other's columns, which MySQL would read \
                     as already updated: split the update in two",
                    columns.join(", ")
                )));
            }
        }
    }
    Ok(ordered)
}

/// Moves the sequence behind the generated key `column` of `table` past `key`, on a
/// backend whose key generator does not move past explicit keys by itself (PostgreSQL;
/// SQLite and MySQL do); `None` elsewhere. Never moves it back.
pub(crate) fn advance_key_sequence(
    table: &str,
    column: &'static str,
    key: i64,
    dialect: Dialect,
) -> Option<Statement> {
    if !dialect.explicit_keys_need_sequence_advance() {
        return None;
    }
    let mut w = SqlWriter::new(dialect);
    // `pg_get_serial_sequence` reads its first argument as SQL: the quoted name.
    let sequence = |w: &mut SqlWriter| {
        w.push("pg_get_serial_sequence(")
            .value(Value::String(Some(dialect.quoted(table))))
            .push(", ")
            .value(Value::String(Some(column.to_owned())))
            .push(")::regclass");
    };
    // The position is the last value handed out, or (never called) the one before the
    // start: a key at or below it changes nothing.
    w.push("SELECT setval(");
    sequence(&mut w);
    w.push(", ").value(Value::I64(Some(key))).push(") WHERE ");
    w.value(Value::I64(Some(key)))
        .push(" > COALESCE(pg_sequence_last_value(");
    sequence(&mut w);
    w.push("), (SELECT seqstart - 1 FROM pg_catalog.pg_sequence WHERE seqrelid = ");
    sequence(&mut w);
    w.push("))");
    Some(w.finish())
}

#[cfg(test)]
mod tests {
    //! Statement kinds the public API reaches only through a database (multi-row inserts
    //! with `RETURNING` and an upsert clause, the sequence move), snapshot per dialect.

    use super::*;

    fn each_dialect(render: impl Fn(Dialect) -> Option<Statement>) -> String {
        Dialect::ALL
            .map(|d| match render(d) {
                Some(st) => format!("{d}: {}\n    {:?}", st.sql, st.values),
                None => format!("{d}: (none)"),
            })
            .join("\n")
    }

    fn rows(on_conflict: Option<OnConflict>, returning: Vec<&'static str>) -> Insert {
        Insert {
            table: "items",
            columns: vec!["sku", "count"],
            rows: vec![
                vec![Value::String(Some("a".into())), Value::I32(Some(1))],
                vec![Value::String(Some("b".into())), Value::I32(Some(2))],
            ],
            on_conflict,
            returning,
        }
    }

    #[test]
    fn multi_row_inserts() {
        let update = OnConflict {
            target: vec!["sku"],
            action: ConflictAction::Update(vec!["count"]),
            report_key: None,
        };
        let nothing = OnConflict {
            action: ConflictAction::Nothing,
            ..update.clone()
        };
        let reporting = OnConflict {
            report_key: Some("id"),
            ..update.clone()
        };
        let no_columns = Insert {
            columns: Vec::new(),
            rows: vec![Vec::new()],
            ..rows(None, vec!["id"])
        };
        insta::assert_snapshot!(
            [
                each_dialect(|d| Some(insert(rows(None, Vec::new()), d))),
                each_dialect(|d| Some(insert(rows(None, vec!["id"]), d))),
                each_dialect(|d| Some(insert(rows(Some(update.clone()), vec!["id", "sku"]), d))),
                each_dialect(|d| Some(insert(rows(Some(nothing.clone()), Vec::new()), d))),
                each_dialect(|d| Some(insert(rows(Some(reporting.clone()), Vec::new()), d))),
                each_dialect(|d| Some(insert(no_columns.clone(), d))),
            ]
            .join("\n\n")
        );
    }

    #[test]
    fn key_sequence_moves_only_where_needed() {
        insta::assert_snapshot!(each_dialect(|d| advance_key_sequence(
            "we\"ird", "id", 41, d
        )));
    }
}
