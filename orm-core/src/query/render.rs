//! Rendering: a pure function from a statement and a dialect to SQL text and bound values.

use crate::query::expr::{Aggregate, BinOp, Node};
use crate::query::order::{Nulls, Ordering};
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
        Node::Column(_) | Node::Value(_) | Node::Not(_) | Node::Aggregate(..) | Node::Cast(..) => 9,
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
        Node::Column(name) => {
            w.ident(name);
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
            // AND, OR, + and * are associative; elsewhere the right side binds tighter.
            let right = if matches!(op, BinOp::And | BinOp::Or | BinOp::Add | BinOp::Mul) {
                p
            } else {
                p + 1
            };
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
            w.push(if *negated { " NOT IN (" } else { " IN (" });
            w.comma_list(list, expr);
            w.push(")");
        }
        Node::InSelect(inner, select, negated) => {
            expr_at(w, inner, 5);
            w.push(if *negated { " NOT IN (" } else { " IN (" });
            select_into(w, select);
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
        Node::Cast(inner, to) => {
            w.push("CAST(");
            expr(w, inner);
            w.push(" AS ");
            w.push(to.type_name(w.dialect));
            w.push(")");
        }
    }
}

fn is_null_value(node: &Node) -> bool {
    matches!(node, Node::Value(v) if v.is_null())
}

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
}

fn ordering(w: &mut SqlWriter, o: &Ordering) {
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
    w.push(if s.distinct {
        "SELECT DISTINCT "
    } else {
        "SELECT "
    });
    w.comma_list(&s.columns, expr);
    w.push(" FROM ").ident(s.table);
    where_clause(w, &s.filter);
    if !s.group_by.is_empty() {
        w.push(" GROUP BY ");
        w.comma_list(&s.group_by, expr);
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
            w.push(" LIMIT ").value(count_value(limit));
            if let Some(offset) = offset {
                w.push(" OFFSET ").value(count_value(offset));
            }
        }
        (None, Some(offset)) => {
            // SQLite and MySQL accept OFFSET only after a LIMIT.
            match w.dialect {
                Dialect::Sqlite => w.push(" LIMIT -1"),
                Dialect::MySql => w.push(" LIMIT 18446744073709551615"),
                Dialect::Postgres => w,
            };
            w.push(" OFFSET ").value(count_value(offset));
        }
        (None, None) => {}
    }
}

pub(crate) fn select(s: &SelectStatement, dialect: Dialect) -> Statement {
    let mut w = SqlWriter::new(dialect);
    select_into(&mut w, s);
    w.finish()
}

/// Whether counting or testing the query needs it as a subquery.
fn needs_subquery(s: &SelectStatement) -> bool {
    s.distinct
        || !s.group_by.is_empty()
        || s.having.is_some()
        || s.limit.is_some()
        || s.offset.is_some()
}

pub(crate) fn count(s: &SelectStatement, dialect: Dialect) -> Statement {
    let mut w = SqlWriter::new(dialect);
    if needs_subquery(s) {
        w.push("SELECT COUNT(*) FROM (");
        select_into(&mut w, s);
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
        select_into(&mut w, s);
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
    let mut w = SqlWriter::new(dialect);
    w.push("UPDATE ").ident(s.table).push(" SET ");
    w.comma_list(assignments, |w, (column, value)| {
        w.ident(column).push(" = ");
        expr(w, value);
    });
    where_clause(&mut w, &s.filter);
    Ok(w.finish())
}

/// `INSERT` of one row of `columns`/`values`; `returning` names a generated key to hand back.
pub(crate) fn insert(
    table: &str,
    columns: &[&str],
    values: Vec<Value>,
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
        w.push(") VALUES (");
        w.comma_list(values, |w, v| {
            w.value(v);
        });
        w.push(")");
    }
    if let Some(key) = returning.filter(|_| dialect.has_returning()) {
        w.push(" RETURNING ").ident(key);
    }
    w.finish()
}
