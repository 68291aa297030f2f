//! Rendering: a pure function from a statement and a dialect to SQL text and bound values.

use crate::sql::SqlWriter;
use crate::sql::ast::{Aggregate, BinOp, JoinKind, Node, Nulls, OrderItem, SelectStatement};
use crate::{Dialect, Statement, Value};

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
        | Node::Function(..)
        | Node::Normalized(..)
        | Node::Exists(_)
        | Node::Literal(_)
        | Node::Case(..) => 9,
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
            w.push(match op {
                BinOp::IntDiv => w.dialect.integer_division(),
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
            // A list of up to a thousand or so is bound value by value, as on the other
            // backends: PostgreSQL plans `IN ($1, …)` by its values and hashes a long
            // one, where a kept `= ANY($1)` turns into a generic plan after five runs and
            // compares every row with every element. Longer lists (past the bind limit's
            // comfort) are one array parameter, planned at each run (see `db::run`).
            let long = list.len() > ARRAY_LIST_FROM;
            if let Some(values) = pg_array(w.dialect, list).filter(|_| long) {
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
        Node::Literal(sql) => {
            w.push(sql);
        }
        Node::Exists(select) => {
            w.push("EXISTS (");
            select_shaped(w, select, Names::AsWritten, false, false);
            w.push(")");
        }
        Node::InSelect(inner, select, negated) => {
            expr_at(w, inner, 5);
            w.push(if *negated { " NOT IN (" } else { " IN (" });
            if w.dialect.in_subquery_as_derived_table() {
                // The restrictions are lifted for a derived table that is materialized,
                // which its LIMIT guarantees (a merged one would be the subquery again).
                w.push("SELECT ").ident("c1").push(" FROM (");
                select_shaped(w, select, Names::Numbered, true, true);
                w.push(") AS ").ident("sub");
            } else {
                select_shaped(w, select, Names::AsWritten, false, true);
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
            crate::sql::normalize::sqlite(w, inner, *stored);
        }
        Node::Normalized(inner, _) => expr(w, inner),
        Node::Function(function, args) => {
            let pieces = w.dialect.function_pieces(*function);
            debug_assert_eq!(pieces.len(), args.len() + 1, "{function:?}");
            w.push(pieces[0]);
            for (arg, piece) in args.iter().zip(&pieces[1..]) {
                expr(w, arg);
                w.push(piece);
            }
        }
        Node::Case(arms, otherwise) => {
            w.push("CASE");
            for (condition, value) in arms {
                w.push(" WHEN ");
                expr(w, condition);
                w.push(" THEN ");
                expr(w, value);
            }
            if let Some(otherwise) = otherwise {
                w.push(" ELSE ");
                expr(w, otherwise);
            }
            w.push(" END");
        }
        Node::Cast(inner, to) => {
            w.push("CAST(");
            expr(w, inner);
            w.push(" AS ");
            w.push(w.dialect.cast_type(*to));
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
/// The length past which PostgreSQL binds an `IN` list as one array.
const ARRAY_LIST_FROM: usize = 1024;

fn pg_array(dialect: Dialect, list: &[Node]) -> Option<Vec<Value>> {
    if !dialect.binds_arrays() {
        return None;
    }
    list.iter()
        .map(|node| match node {
            Node::Value(v) if binds_in_pg_array(v) => Some(v.clone()),
            _ => None,
        })
        .collect()
}

/// `node` as stored, where it is read or copied whole (a selected column, the value of a
/// `SET`): a decimal's exact text rather than the number comparisons cast it to, a
/// timestamp as written.
pub(crate) fn stored(node: &Node) -> &Node {
    match node {
        Node::Normalized(inner, _) => inner,
        other => other,
    }
}

/// Whether PostgreSQL can bind `value` as an item of an array parameter.
pub(crate) fn binds_in_pg_array(value: &Value) -> bool {
    !matches!(value, Value::Invalid(_) | Value::List(_))
}

fn is_null_value(node: &Node) -> bool {
    matches!(node, Node::Value(v) if v.is_null())
}

/// `LIKE` (or its case-blind form), with a backslash escaping `%`, `_` and itself in the
/// pattern on every backend.
fn like(w: &mut SqlWriter, inner: &Node, pattern: &Node, case_insensitive: bool, negated: bool) {
    let not = if negated { " NOT" } else { "" };
    match (case_insensitive, w.dialect.has_ilike()) {
        (true, true) => {
            expr_at(w, inner, 5);
            w.push(not).push(" ILIKE ");
            expr_at(w, pattern, 5);
        }
        (true, false) => {
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
    w.push(w.dialect.like_escape());
}

fn ordering(w: &mut SqlWriter, o: &OrderItem) {
    let direction = if o.descending { " DESC" } else { " ASC" };
    match o.nulls {
        // Without NULLS FIRST/LAST: sort on `IS NULL` (0 or 1) first.
        Some(nulls) if !w.dialect.has_nulls_ordering() => {
            expr_at(w, &o.node, 5);
            w.push(match nulls {
                Nulls::First => " IS NULL DESC, ",
                Nulls::Last => " IS NULL ASC, ",
            });
            expr_at(w, &o.node, 5);
            w.push(direction);
        }
        nulls => {
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

/// What the columns of a `SELECT` are named.
#[derive(Clone, Copy)]
enum Names<'a> {
    /// As their expressions name them.
    AsWritten,
    /// `c1`, `c2`…: a derived table's, which MySQL refuses with two of one name.
    Numbered,
    /// These names, in order: a subquery read as a view's rows.
    Given(&'a [&'static str]),
}

/// ` FROM table [AS alias]` (or ` FROM (subquery) AS table`) and its joins.
fn from_clause(w: &mut SqlWriter, s: &SelectStatement) {
    w.push(" FROM ");
    match &s.derived {
        Some(derived) => {
            w.push("(");
            select_with(w, &derived.select, Names::Given(derived.columns), false);
            w.push(")");
            w.push(" AS ").ident(s.alias.unwrap_or(s.table));
        }
        None => {
            w.ident(s.table);
            if let Some(alias) = s.alias {
                w.push(" AS ").ident(alias);
            }
        }
    }
    for join in &s.joins {
        w.push(match join.kind {
            JoinKind::Inner => " INNER JOIN ",
            JoinKind::Left => " LEFT JOIN ",
        });
        w.ident(join.table);
        if let Some(alias) = join.alias {
            w.push(" AS ").ident(alias);
        }
        w.push(" ON ");
        expr(w, &join.on);
    }
}

pub(crate) fn where_clause(w: &mut SqlWriter, filter: &Option<Node>) {
    if let Some(f) = filter {
        w.push(" WHERE ");
        expr(w, f);
    }
}

pub(crate) fn select_into(w: &mut SqlWriter, s: &SelectStatement) {
    select_with(w, s, Names::AsWritten, false);
}

/// A `SELECT`; with `alias_columns`, its columns are named `c1`, `c2`… so that it can be
/// a derived table (MySQL refuses two columns of the same name there). With
/// `always_limit`, it has a `LIMIT` even when the query has none (MySQL materializes a
/// derived table with a `LIMIT` rather than merge it into the outer query).
fn select_with(w: &mut SqlWriter, s: &SelectStatement, names: Names<'_>, always_limit: bool) {
    select_shaped(w, s, names, always_limit, false);
}

/// [`select_with`]; with `compared`, the columns are selected as conditions read them
/// (normalized), for an `IN` subquery whose values are compared, not read.
fn select_shaped(
    w: &mut SqlWriter,
    s: &SelectStatement,
    names: Names<'_>,
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
        match names {
            Names::AsWritten => {}
            Names::Numbered => {
                w.push(" AS ").ident(&format!("c{}", i + 1));
            }
            Names::Given(names) => {
                if let Some(name) = names.get(i) {
                    w.push(" AS ").ident(name);
                }
            }
        }
    });
    from_clause(w, s);
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
            if let Some(unlimited) = w.dialect.unlimited() {
                w.push(unlimited);
            }
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
        Node::Column { .. } | Node::InSelect(..) | Node::Literal(_) => false,
        // Its subquery may bind values: conservatively, it does.
        Node::Exists(_) => true,
        Node::Binary(a, _, b) => holds_value(a) || holds_value(b),
        Node::Function(_, args) => args.iter().any(holds_value),
        Node::Not(a) | Node::IsNull(a, _) | Node::Cast(a, _) | Node::Normalized(a, _) => {
            holds_value(a)
        }
        Node::InList(a, list, _) => holds_value(a) || list.iter().any(holds_value),
        Node::Between(a, b, c, _) => holds_value(a) || holds_value(b) || holds_value(c),
        Node::Like { expr, pattern, .. } => holds_value(expr) || holds_value(pattern),
        Node::Aggregate(_, arg) => arg.as_deref().is_some_and(holds_value),
        Node::Case(arms, otherwise) => {
            arms.iter().any(|(c, v)| holds_value(c) || holds_value(v))
                || otherwise.as_deref().is_some_and(holds_value)
        }
    }
}

/// Whether counting or testing the query needs it as a subquery: whether it returns
/// other rows than its filter matches (an aggregate without `GROUP BY` returns one row).
pub(crate) fn needs_subquery(s: &SelectStatement) -> bool {
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
        select_with(&mut w, s, Names::Numbered, false);
        w.push(") AS ").ident("counted");
    } else {
        w.push("SELECT COUNT(*)");
        from_clause(&mut w, s);
        where_clause(&mut w, &s.filter);
    }
    w.finish()
}

pub(crate) fn exists(s: &SelectStatement, dialect: Dialect) -> Statement {
    let mut w = SqlWriter::new(dialect);
    if needs_subquery(s) {
        w.push("SELECT 1 FROM (");
        select_with(&mut w, s, Names::Numbered, false);
        w.push(") AS ").ident("tested");
    } else {
        w.push("SELECT 1");
        from_clause(&mut w, s);
        where_clause(&mut w, &s.filter);
    }
    w.push(" LIMIT 1");
    w.finish()
}

/// Whether `node` or a node inside it (outside subqueries, which read their own table)
/// satisfies `f`.
fn any_node(node: &Node, f: &impl Fn(&Node) -> bool) -> bool {
    let any = |nodes: &[&Node]| nodes.iter().any(|n| any_node(n, f));
    f(node)
        || match node {
            Node::Column { .. } | Node::Value(_) | Node::Exists(_) | Node::Literal(_) => false,
            Node::Binary(l, _, r) => any(&[l, r]),
            Node::Not(n)
            | Node::IsNull(n, _)
            | Node::Cast(n, _)
            | Node::Normalized(n, _)
            | Node::InSelect(n, _, _) => any_node(n, f),
            Node::InList(n, list, _) => any_node(n, f) || list.iter().any(|i| any_node(i, f)),
            Node::Function(_, args) => args.iter().any(|a| any_node(a, f)),
            Node::Between(n, low, high, _) => any(&[n, low, high]),
            Node::Like { expr, pattern, .. } => any(&[expr, pattern]),
            Node::Aggregate(_, arg) => arg.as_deref().is_some_and(|a| any_node(a, f)),
            Node::Case(arms, otherwise) => {
                arms.iter().any(|(c, v)| any_node(c, f) || any_node(v, f))
                    || otherwise.as_deref().is_some_and(|o| any_node(o, f))
            }
        }
}

/// A column `node` reads (outside subqueries) of a table not in `tables`.
pub(crate) fn foreign_column(node: &Node, tables: &[&str]) -> Option<(&'static str, &'static str)> {
    let found = std::cell::Cell::new(None);
    any_node(node, &|n| match n {
        Node::Column { table, name } if !tables.contains(table) => {
            found.set(Some((*table, *name)));
            true
        }
        _ => false,
    });
    found.get()
}

/// Whether `node` reads column `name` of `table`.
pub(crate) fn reads_column(node: &Node, table: &str, name: &str) -> bool {
    any_node(
        node,
        &|n| matches!(n, Node::Column { table: t, name: c } if *t == table && *c == name),
    )
}

#[cfg(test)]
mod tests {
    //! `count` and `exists` are not public: their SQL is snapshot here, on statements
    //! built by hand. (`tests/render.rs` snapshots everything public.)

    use super::*;

    /// `SELECT "id", "name" FROM "items" WHERE "id" > 1`.
    fn items() -> SelectStatement {
        SelectStatement {
            filter: Some(Node::Binary(
                Box::new(Node::column("items", "id")),
                BinOp::Gt,
                Box::new(Node::Value(Value::I64(Some(1)))),
            )),
            order_by: vec![OrderItem::asc(Node::column("items", "name"))],
            ..SelectStatement::new(
                "items",
                vec![Node::column("items", "id"), Node::column("items", "name")],
            )
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

    /// Books joined to their author (inner), authors to their books (left), and books to
    /// the authors table twice under aliases (writer and editor).
    fn joins() -> [SelectStatement; 4] {
        use crate::sql::ast::Join;
        let col = Node::column;
        let eq = |a: Node, b: Node| Node::Binary(Box::new(a), BinOp::Eq, Box::new(b));
        let bare = SelectStatement::new;
        let inner = SelectStatement {
            joins: vec![Join {
                kind: JoinKind::Inner,
                table: "jn_books",
                alias: None,
                on: eq(col("jn_books", "author_id"), col("jn_authors", "id")),
            }],
            order_by: vec![OrderItem::asc(col("jn_books", "id"))],
            ..bare(
                "jn_authors",
                vec![col("jn_authors", "name"), col("jn_books", "title")],
            )
        };
        let left = SelectStatement {
            joins: vec![Join {
                kind: JoinKind::Left,
                ..inner.joins[0].clone()
            }],
            order_by: vec![
                OrderItem::asc(col("jn_authors", "id")),
                OrderItem::asc(col("jn_books", "id")),
            ],
            ..inner.clone()
        };
        let twice = SelectStatement {
            alias: Some("b"),
            joins: vec![
                Join {
                    kind: JoinKind::Inner,
                    table: "jn_authors",
                    alias: Some("writer"),
                    on: eq(col("b", "author_id"), col("writer", "id")),
                },
                Join {
                    kind: JoinKind::Left,
                    table: "jn_authors",
                    alias: Some("editor"),
                    on: eq(col("b", "editor_id"), col("editor", "id")),
                },
            ],
            order_by: vec![OrderItem::asc(col("b", "id"))],
            ..bare(
                "jn_books",
                vec![
                    col("b", "title"),
                    col("writer", "name"),
                    col("editor", "name"),
                ],
            )
        };
        let counted = SelectStatement {
            filter: Some(Node::IsNull(Box::new(col("jn_books", "id")), false)),
            order_by: Vec::new(),
            ..left.clone()
        };
        [inner, left, twice, counted]
    }

    #[test]
    fn joins_and_aliases() {
        let [inner, left, twice, counted] = joins();
        let show = |s: &SelectStatement| {
            Dialect::ALL
                .map(|d| format!("{d}: {}", select(s, d).sql))
                .join("\n")
        };
        insta::assert_snapshot!(
            [
                show(&inner),
                show(&left),
                show(&twice),
                Dialect::ALL
                    .map(|d| format!("{d} count: {}", count(&counted, d).sql))
                    .join("\n"),
            ]
            .join("\n\n")
        );
    }

    /// The joins run, on SQLite and on each server the environment names, and return what
    /// SQL says they return.
    #[tokio::test]
    async fn joins_run_on_every_backend() -> crate::Result<()> {
        use crate::Executor as _;
        let mut urls = vec!["sqlite::memory:".to_owned()];
        let servers = [
            ("ORM_TEST_POSTGRES_URL", cfg!(feature = "postgres")),
            ("ORM_TEST_MYSQL_URL", cfg!(feature = "mysql")),
        ];
        urls.extend(
            servers
                .into_iter()
                .filter(|(_, compiled)| *compiled)
                .filter_map(|(var, _)| std::env::var(var).ok()),
        );
        let [inner, left, twice, counted] = joins();
        for url in urls {
            let db = crate::Database::connect(&url).await?;
            let run = async |sql: &'static str| crate::raw(sql).execute(&db).await;
            run("DROP TABLE IF EXISTS jn_books").await?;
            run("DROP TABLE IF EXISTS jn_authors").await?;
            run("CREATE TABLE jn_authors (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL)")
                .await?;
            run(
                "CREATE TABLE jn_books (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL, \
                 editor_id INTEGER, title VARCHAR(20) NOT NULL)",
            )
            .await?;
            run("INSERT INTO jn_authors (id, name) VALUES (1, 'ann'), (2, 'bob'), (3, 'cy')")
                .await?;
            run(
                "INSERT INTO jn_books (id, author_id, editor_id, title) VALUES \
                 (1, 1, 2, 'a1'), (2, 1, NULL, 'a2'), (3, 2, 1, 'b1')",
            )
            .await?;
            let texts = async |s: &SelectStatement| -> crate::Result<Vec<Vec<Option<String>>>> {
                let rows = db.fetch_all(select(s, db.dialect())).await?;
                rows.iter()
                    .map(|r| (0..r.len()).map(|i| r.get::<Option<String>>(i)).collect())
                    .collect()
            };
            let s = |v: &str| Some(v.to_owned());
            assert_eq!(
                texts(&inner).await?,
                [
                    [s("ann"), s("a1")],
                    [s("ann"), s("a2")],
                    [s("bob"), s("b1")]
                ],
                "{url}"
            );
            assert_eq!(
                texts(&left).await?,
                [
                    [s("ann"), s("a1")],
                    [s("ann"), s("a2")],
                    [s("bob"), s("b1")],
                    [s("cy"), None]
                ],
                "{url}"
            );
            assert_eq!(
                texts(&twice).await?,
                [
                    [s("a1"), s("ann"), s("bob")],
                    [s("a2"), s("ann"), None],
                    [s("b1"), s("bob"), s("ann")]
                ],
                "{url}"
            );
            let authors_without_books = db.fetch_all(count(&counted, db.dialect())).await?;
            assert_eq!(authors_without_books[0].get::<i64>(0)?, 1, "{url}");
            run("DROP TABLE jn_books").await?;
            run("DROP TABLE jn_authors").await?;
            db.close().await;
        }
        Ok(())
    }
}
