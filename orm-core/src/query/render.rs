//! Rendering: a pure function from a statement and a dialect to SQL text and bound values.

use crate::query::expr::{Aggregate, BinOp, Node};
use crate::query::order::{Nulls, OrderItem};
use crate::query::select::SelectStatement;
use crate::query::statement::SqlWriter;
use crate::{Dialect, Error, Result, Statement, Value};

/// Binding strength, loosest first: a child looser than its context gets parentheses.
fn precedence(node: &Node) -> u8 {
    match node {
        Node::Binary(_, BinOp::Or, _) => 1,
        Node::Binary(_, BinOp::And, _) => 2,
        Node::Binary(
            _,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge,
            _,
        )
        | Node::IsNull(..)
        | Node::InList(..)
        | Node::InSelect(..)
        | Node::Between(..)
        | Node::Like { .. } => 4,
        Node::Binary(_, BinOp::Add | BinOp::Sub, _) => 5,
        Node::Binary(_, BinOp::Mul | BinOp::Div | BinOp::IntDiv, _) => 6,
        Node::Column { .. }
        | Node::Value(_)
        | Node::Not(_)
        | Node::Aggregate(..)
        | Node::Cast(..)
        | Node::Normalized(..) => 9,
    }
}

/// Writes `node`, parenthesized when it binds looser than `min`.
fn expr_at(w: &mut SqlWriter, node: &Node, min: u8) {
    if precedence(node) < min {
        w.push("(");
        expr(w, node);
        w.push(")");
    } else {
        expr(w, node);
    }
}

pub(crate) fn expr(w: &mut SqlWriter, node: &Node) {
    match node {
        // Qualified, so that a column of another model fails at the database ("no such
        // column", "missing FROM-clause entry") instead of reading this table's column of
        // the same name.
        Node::Column { table, name } => {
            w.ident(table).push(".").ident(name);
        }
        Node::Value(v) => {
            w.value(v.clone());
        }
        // SQLAlchemy's rule: `= NULL` is never true, so comparing with NULL means IS NULL.
        Node::Binary(lhs, op @ (BinOp::Eq | BinOp::Ne), rhs) if is_null_value(rhs) => {
            expr_at(w, lhs, 5);
            w.push(if *op == BinOp::Eq {
                " IS NULL"
            } else {
                " IS NOT NULL"
            });
        }
        Node::Binary(lhs, op, rhs) => {
            let p = precedence(node);
            // A right side of the same level needs parentheses, `a - (b - c)`, `a * (b / c)`
            // (integer division: not `a * b / c`), except under the same associative
            // operator: `a AND b AND c`, `a + b + c`.
            let associative = matches!(op, BinOp::And | BinOp::Or | BinOp::Add | BinOp::Mul)
                && matches!(&**rhs, Node::Binary(_, rhs_op, _) if rhs_op == op);
            let right = if associative { p } else { p + 1 };
            let left = if p == 4 { 5 } else { p };
            expr_at(w, lhs, left);
            w.push(match (op, w.dialect) {
                (BinOp::IntDiv, Dialect::MySql) => " DIV ",
                _ => op.sql(),
            });
            expr_at(w, rhs, right);
        }
        Node::Not(inner) => {
            w.push("NOT (");
            expr(w, inner);
            w.push(")");
        }
        Node::IsNull(inner, negated) => {
            expr_at(w, inner, 5);
            w.push(if *negated { " IS NOT NULL" } else { " IS NULL" });
        }
        Node::InList(inner, list, negated) => {
            if list.is_empty() {
                // `IN ()` is a syntax error; an empty list matches nothing (NOT IN: everything).
                w.push(if *negated { "1 = 1" } else { "1 = 0" });
                return;
            }
            expr_at(w, inner, 5);
            if let Some(values) = pg_array(w.dialect, list) {
                // One array parameter: the same SQL for any length, no bind limit.
                w.push(if *negated { " <> ALL(" } else { " = ANY(" });
                w.value(Value::List(values));
                w.push(")");
                return;
            }
            w.push(if *negated { " NOT IN (" } else { " IN (" });
            w.comma_list(list, expr);
            // Lists of values are padded with their last value, which changes nothing
            // of their meaning, so that lists of many lengths share a few statement texts
            // and prepared statements. (On MySQL, sqlx 0.9.0 stalls ~40 ms whenever its
            // statement cache evicts one: sqlx issue #4335.)
            if let Some(Node::Value(last)) = list.last()
                && list.iter().all(|n| matches!(n, Node::Value(_)))
            {
                // Padding never takes a statement over the bind limit (a margin is left
                // for values bound after the list).
                let room = (w.dialect.max_parameters() / 2).saturating_sub(w.bound());
                for _ in list.len()..padded_len(list.len()).min(list.len() + room) {
                    w.push(", ").value(last.clone());
                }
            }
            w.push(")");
        }
        Node::InSelect(inner, select, negated) => {
            expr_at(w, inner, 5);
            w.push(if *negated { " NOT IN (" } else { " IN (" });
            if w.dialect == Dialect::MySql {
                // MySQL refuses a LIMIT in an IN subquery (error 1235), and a subquery that
                // reads the table an UPDATE or DELETE writes (error 1093). Both restrictions
                // are lifted for a derived table that is materialized, which its LIMIT
                // guarantees (a merged one would be the subquery again).
                w.push("SELECT ").ident("c1").push(" FROM (");
                select_shaped(w, select, true, true, true);
                w.push(") AS ").ident("sub");
            } else {
                select_shaped(w, select, false, false, true);
            }
            w.push(")");
        }
        Node::Between(inner, low, high, negated) => {
            expr_at(w, inner, 5);
            w.push(if *negated {
                " NOT BETWEEN "
            } else {
                " BETWEEN "
            });
            expr_at(w, low, 5);
            w.push(" AND ");
            expr_at(w, high, 5);
        }
        Node::Like {
            expr: inner,
            pattern,
            case_insensitive,
            negated,
        } => like(w, inner, pattern, *case_insensitive, *negated),
        Node::Aggregate(function, arg) => {
            w.push(match function {
                Aggregate::Count => "COUNT(",
                Aggregate::CountDistinct => "COUNT(DISTINCT ",
                Aggregate::Sum => "SUM(",
                Aggregate::Avg => "AVG(",
                Aggregate::Min => "MIN(",
                Aggregate::Max => "MAX(",
            });
            match arg {
                Some(arg) => expr(w, arg),
                None => {
                    w.push("*");
                }
            }
            w.push(")");
        }
        Node::Normalized(inner, stored) if w.dialect.normalizes_text() => {
            crate::query::normalize::sqlite(w, inner, *stored);
        }
        Node::Normalized(inner, _) => expr(w, inner),
        Node::Cast(inner, to) => {
            w.push("CAST(");
            expr(w, inner);
            w.push(" AS ");
            w.push(to.type_name(w.dialect));
            w.push(")");
        }
    }
}

/// The length an `IN` list of `n` values is padded to: the next power of two, and past
/// 1024 the next multiple of 1024 (at most 32 texts more per query shape).
fn padded_len(n: usize) -> usize {
    if n <= 1024 {
        n.next_power_of_two()
    } else {
        n.div_ceil(1024) * 1024
    }
}

/// The values of an `IN` list that PostgreSQL can take as one array: a list of plain
/// values only (not columns or expressions), each bindable as an array item.
fn pg_array(dialect: Dialect, list: &[Node]) -> Option<Vec<Value>> {
    if !dialect.binds_arrays() {
        return None;
    }
    list.iter()
        .map(|node| match node {
            Node::Value(v) if crate::db::binds_in_pg_array(v) => Some(v.clone()),
            _ => None,
        })
        .collect()
}

/// `node` as stored, where it is read or copied whole (a selected column, the value of a
/// `SET`): a decimal's exact text rather than the number comparisons cast it to, a
/// timestamp as written.
fn stored(node: &Node) -> &Node {
    match node {
        Node::Normalized(inner, _) => inner,
        other => other,
    }
}

fn is_null_value(node: &Node) -> bool {
    matches!(node, Node::Value(v) if v.is_null())
}

/// `LIKE` (or its case-blind form), with a backslash escaping `%`, `_` and itself in the
/// pattern on every backend.
fn like(w: &mut SqlWriter, inner: &Node, pattern: &Node, case_insensitive: bool, negated: bool) {
    let not = if negated { " NOT" } else { "" };
    match (case_insensitive, w.dialect) {
        (true, Dialect::Postgres) => {
            expr_at(w, inner, 5);
            w.push(not).push(" ILIKE ");
            expr_at(w, pattern, 5);
        }
        (true, _) => {
            w.push("LOWER(");
            expr(w, inner);
            w.push(")").push(not).push(" LIKE LOWER(");
            expr(w, pattern);
            w.push(")");
        }
        (false, _) => {
            expr_at(w, inner, 5);
            w.push(not).push(" LIKE ");
            expr_at(w, pattern, 5);
        }
    }
    // PostgreSQL and MySQL escape `%`, `_` and `\` in a pattern with a backslash by
    // default; SQLite has no escape character unless told. (Only SQLite gets the clause:
    // `'\'` is not a complete string literal in MySQL's syntax.)
    if w.dialect == Dialect::Sqlite {
        w.push(r" ESCAPE '\'");
    }
}

fn ordering(w: &mut SqlWriter, o: &OrderItem) {
    let direction = if o.descending { " DESC" } else { " ASC" };
    match (o.nulls, w.dialect) {
        // MySQL has no NULLS FIRST/LAST: sort on `IS NULL` (0 or 1) first.
        (Some(nulls), Dialect::MySql) => {
            expr_at(w, &o.node, 5);
            w.push(match nulls {
                Nulls::First => " IS NULL DESC, ",
                Nulls::Last => " IS NULL ASC, ",
            });
            expr_at(w, &o.node, 5);
            w.push(direction);
        }
        (nulls, _) => {
            expr_at(w, &o.node, 5);
            w.push(direction);
            match nulls {
                Some(Nulls::First) => w.push(" NULLS FIRST"),
                Some(Nulls::Last) => w.push(" NULLS LAST"),
                None => w,
            };
        }
    }
}

/// A count or offset as a bound value: stable SQL text keeps the statement cache warm.
fn count_value(n: u64) -> Value {
    Value::I64(Some(i64::try_from(n).unwrap_or(i64::MAX)))
}

fn where_clause(w: &mut SqlWriter, filter: &Option<Node>) {
    if let Some(f) = filter {
        w.push(" WHERE ");
        expr(w, f);
    }
}

pub(crate) fn select_into(w: &mut SqlWriter, s: &SelectStatement) {
    select_with(w, s, false, false);
}

/// A `SELECT`; with `alias_columns`, its columns are named `c1`, `c2`… so that it can be
/// a derived table (MySQL refuses two columns of the same name there). With
/// `always_limit`, it has a `LIMIT` even when the query has none (MySQL materializes a
/// derived table with a `LIMIT` rather than merge it into the outer query).
fn select_with(w: &mut SqlWriter, s: &SelectStatement, alias_columns: bool, always_limit: bool) {
    select_shaped(w, s, alias_columns, always_limit, false);
}

/// [`select_with`]; with `compared`, the columns are selected as conditions read them
/// (normalized), for an `IN` subquery whose values are compared, not read.
fn select_shaped(
    w: &mut SqlWriter,
    s: &SelectStatement,
    alias_columns: bool,
    always_limit: bool,
    compared: bool,
) {
    w.push(if s.distinct {
        "SELECT DISTINCT "
    } else {
        "SELECT "
    });
    w.comma_list(s.columns.iter().enumerate(), |w, (i, column)| {
        expr(w, if compared { column } else { stored(column) });
        if alias_columns {
            w.push(" AS ").ident(&format!("c{}", i + 1));
        }
    });
    w.push(" FROM ").ident(s.table);
    where_clause(w, &s.filter);
    if !s.group_by.is_empty() {
        w.push(" GROUP BY ");
        w.comma_list(&s.group_by, |w, g| group_item(w, g, &s.columns));
    }
    if let Some(h) = &s.having {
        w.push(" HAVING ");
        expr(w, h);
    }
    if !s.order_by.is_empty() {
        w.push(" ORDER BY ");
        w.comma_list(&s.order_by, ordering);
    }
    match (s.limit, s.offset) {
        (Some(limit), offset) => {
            w.push(" LIMIT ");
            if w.dialect.inlines_limit() {
                // SQLite's integers are signed 64-bit: a larger limit is no limit.
                w.integer(limit.min(i64::MAX.unsigned_abs()));
            } else {
                w.value(count_value(limit));
            }
            if let Some(offset) = offset {
                w.push(" OFFSET ").value(count_value(offset));
            }
        }
        (None, offset) if offset.is_some() || always_limit => {
            // SQLite and MySQL accept OFFSET only after a LIMIT.
            match w.dialect {
                Dialect::Sqlite => w.push(" LIMIT -1"),
                Dialect::MySql => w.push(" LIMIT 18446744073709551615"),
                Dialect::Postgres => w,
            };
            if let Some(offset) = offset {
                w.push(" OFFSET ").value(count_value(offset));
            }
        }
        (None, _) => {}
    }
}

pub(crate) fn select(s: &SelectStatement, dialect: Dialect) -> Statement {
    let mut w = SqlWriter::new(dialect);
    select_into(&mut w, s);
    w.finish()
}

/// A `GROUP BY` item. One that holds a bound value and is also selected is written as
/// the selected column's position: PostgreSQL numbers each placeholder apart, and would
/// not see that `price * $1` and `price * $2` are the same expression.
fn group_item(w: &mut SqlWriter, g: &Node, columns: &[Node]) {
    match columns.iter().position(|c| c == g) {
        Some(i) if holds_value(g) => {
            w.push(&(i + 1).to_string());
        }
        _ => expr(w, g),
    }
}

/// Whether `node` binds a value somewhere inside it.
fn holds_value(node: &Node) -> bool {
    match node {
        Node::Value(_) => true,
        Node::Column { .. } | Node::InSelect(..) => false,
        Node::Binary(a, _, b) => holds_value(a) || holds_value(b),
        Node::Not(a) | Node::IsNull(a, _) | Node::Cast(a, _) | Node::Normalized(a, _) => {
            holds_value(a)
        }
        Node::InList(a, list, _) => holds_value(a) || list.iter().any(holds_value),
        Node::Between(a, b, c, _) => holds_value(a) || holds_value(b) || holds_value(c),
        Node::Like { expr, pattern, .. } => holds_value(expr) || holds_value(pattern),
        Node::Aggregate(_, arg) => arg.as_deref().is_some_and(holds_value),
    }
}

/// Whether counting or testing the query needs it as a subquery: whether it returns
/// other rows than its filter matches (an aggregate without `GROUP BY` returns one row).
fn needs_subquery(s: &SelectStatement) -> bool {
    s.distinct
        || !s.group_by.is_empty()
        || s.having.is_some()
        || s.limit.is_some()
        || s.offset.is_some()
        || s.columns
            .iter()
            .any(|c| any_node(c, &|n| matches!(n, Node::Aggregate(..))))
}

pub(crate) fn count(s: &SelectStatement, dialect: Dialect) -> Statement {
    let mut w = SqlWriter::new(dialect);
    if needs_subquery(s) {
        w.push("SELECT COUNT(*) FROM (");
        select_with(&mut w, s, true, false);
        w.push(") AS ").ident("counted");
    } else {
        w.push("SELECT COUNT(*) FROM ").ident(s.table);
        where_clause(&mut w, &s.filter);
    }
    w.finish()
}

pub(crate) fn exists(s: &SelectStatement, dialect: Dialect) -> Statement {
    let mut w = SqlWriter::new(dialect);
    if needs_subquery(s) {
        w.push("SELECT 1 FROM (");
        select_with(&mut w, s, true, false);
        w.push(") AS ").ident("tested");
    } else {
        w.push("SELECT 1 FROM ").ident(s.table);
        where_clause(&mut w, &s.filter);
    }
    w.push(" LIMIT 1");
    w.finish()
}

/// Refuses the parts of a query that an `UPDATE` or `DELETE` cannot honour everywhere.
fn check_writable(s: &SelectStatement, what: &str) -> Result<()> {
    if needs_subquery(s) || !s.order_by.is_empty() {
        return Err(Error::InvalidQuery(format!(
            "{what} applies only `filter`; this query also orders, pages, groups or is distinct"
        )));
    }
    Ok(())
}

pub(crate) fn delete(s: &SelectStatement, dialect: Dialect) -> Result<Statement> {
    check_writable(s, "a delete")?;
    let mut w = SqlWriter::new(dialect);
    w.push("DELETE FROM ").ident(s.table);
    where_clause(&mut w, &s.filter);
    Ok(w.finish())
}

pub(crate) fn update(
    s: &SelectStatement,
    assignments: &[(&'static str, Node)],
    dialect: Dialect,
) -> Result<Statement> {
    check_writable(s, "an update")?;
    if assignments.is_empty() {
        return Err(Error::InvalidQuery(
            "an update needs at least one `set`".into(),
        ));
    }
    let ordered = match dialect {
        Dialect::MySql => mysql_assignment_order(s.table, assignments)?,
        Dialect::Sqlite | Dialect::Postgres => assignments.iter().collect(),
    };
    let mut w = SqlWriter::new(dialect);
    w.push("UPDATE ").ident(s.table).push(" SET ");
    // The targets are unqualified: `SET "users"."name" = …` is not SQL everywhere.
    w.comma_list(ordered, |w, (column, value)| {
        w.ident(column).push(" = ");
        expr(w, stored(value));
    });
    where_clause(&mut w, &s.filter);
    Ok(w.finish())
}

/// Whether `node` or a node inside it (outside subqueries, which read their own table)
/// satisfies `f`.
fn any_node(node: &Node, f: &impl Fn(&Node) -> bool) -> bool {
    let any = |nodes: &[&Node]| nodes.iter().any(|n| any_node(n, f));
    f(node)
        || match node {
            Node::Column { .. } | Node::Value(_) => false,
            Node::Binary(l, _, r) => any(&[l, r]),
            Node::Not(n)
            | Node::IsNull(n, _)
            | Node::Cast(n, _)
            | Node::Normalized(n, _)
            | Node::InSelect(n, _, _) => any_node(n, f),
            Node::InList(n, list, _) => any_node(n, f) || list.iter().any(|i| any_node(i, f)),
            Node::Between(n, low, high, _) => any(&[n, low, high]),
            Node::Like { expr, pattern, .. } => any(&[expr, pattern]),
            Node::Aggregate(_, arg) => arg.as_deref().is_some_and(|a| any_node(a, f)),
        }
}

/// Whether `node` reads column `name` of `table`.
fn reads_column(node: &Node, table: &str, name: &str) -> bool {
    any_node(
        node,
        &|n| matches!(n, Node::Column { table: t, name: c } if *t == table && *c == name),
    )
}

/// The assignments in an order in which MySQL gives them SQL's meaning.
///
/// Every expression of an `UPDATE … SET` reads the row as it was, on SQLite and
/// PostgreSQL; MySQL assigns left to right and later expressions see the new values
/// (`SET a = a + 1, b = a` sets `b` to the new `a`). So an assignment to a column comes
/// after every other assignment that reads it, the given order kept otherwise; when the
/// reads form a cycle (`SET a = b, b = a`) no order works, and the update is refused.
fn mysql_assignment_order<'a>(
    table: &str,
    assignments: &'a [(&'static str, Node)],
) -> Result<Vec<&'a (&'static str, Node)>> {
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

/// `INSERT` of one row of `columns`/`values`; `returning` names a generated key to hand back.
pub(crate) fn insert(
    table: &str,
    columns: &[&str],
    values: Vec<Value>,
    returning: Option<&str>,
    dialect: Dialect,
) -> Statement {
    insert_rows(table, columns, vec![values], returning, dialect)
}

/// `INSERT INTO table (columns) VALUES (…), (…)`, one parenthesized list per row, with
/// `RETURNING returning` where the dialect has it. Rows of no columns get the dialect's
/// `DEFAULT VALUES` (one row only).
pub(crate) fn insert_rows(
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Value>>,
    returning: Option<&str>,
    dialect: Dialect,
) -> Statement {
    let mut w = SqlWriter::new(dialect);
    w.push("INSERT INTO ").ident(table);
    if columns.is_empty() {
        w.push(dialect.insert_default_values());
    } else {
        w.push(" (");
        w.comma_list(columns, |w, c| {
            w.ident(c);
        });
        w.push(") VALUES ");
        w.comma_list(rows, |w, values| {
            w.push("(");
            w.comma_list(values, |w, v| {
                w.value(v);
            });
            w.push(")");
        });
    }
    if let Some(key) = returning.filter(|_| dialect.has_returning()) {
        w.push(" RETURNING ").ident(key);
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    //! `count` and `exists` are not public: their SQL is snapshot here, on statements
    //! built by hand. (`tests/render.rs` snapshots everything public.)

    use super::*;
    use crate::query::expr::Aggregate;

    /// `SELECT "id", "name" FROM "items" WHERE "id" > 1`.
    fn items() -> SelectStatement {
        SelectStatement {
            table: "items",
            columns: vec![Node::column("items", "id"), Node::column("items", "name")],
            distinct: false,
            filter: Some(Node::Binary(
                Box::new(Node::column("items", "id")),
                BinOp::Gt,
                Box::new(Node::Value(Value::I64(Some(1)))),
            )),
            group_by: Vec::new(),
            having: None,
            order_by: vec![OrderItem::asc(Node::column("items", "name"))],
            limit: None,
            offset: None,
        }
    }

    fn count_and_exists(s: &SelectStatement) -> String {
        Dialect::ALL
            .map(|d| {
                let (c, e) = (count(s, d), exists(s, d));
                format!(
                    "{d} count: {}\n    {:?}\n{d} exists: {}\n    {:?}",
                    c.sql, c.values, e.sql, e.values
                )
            })
            .join("\n")
    }

    #[test]
    fn count_and_exists_of_a_filter() {
        insta::assert_snapshot!(count_and_exists(&items()));
    }

    /// Paged, distinct, grouped or aggregated queries are counted as derived tables,
    /// whose columns get names of their own (MySQL refuses duplicates there).
    #[test]
    fn count_and_exists_as_derived_tables() {
        let paged = SelectStatement {
            limit: Some(10),
            offset: Some(20),
            ..items()
        };
        let distinct = SelectStatement {
            columns: vec![Node::column("items", "name"), Node::column("items", "name")],
            distinct: true,
            ..items()
        };
        let count_all = Node::Aggregate(Aggregate::Count, None);
        let grouped = SelectStatement {
            columns: vec![Node::column("items", "name"), count_all.clone()],
            group_by: vec![Node::column("items", "name")],
            having: Some(Node::Binary(
                Box::new(count_all.clone()),
                BinOp::Gt,
                Box::new(Node::Value(Value::I64(Some(2)))),
            )),
            order_by: Vec::new(),
            ..items()
        };
        let aggregated = SelectStatement {
            columns: vec![count_all],
            order_by: Vec::new(),
            ..items()
        };
        insta::assert_snapshot!(
            [paged, distinct, grouped, aggregated]
                .iter()
                .map(count_and_exists)
                .collect::<Vec<_>>()
                .join("\n\n")
        );
    }
}
