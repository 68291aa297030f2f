//! Statements as plain data: the expression tree, `ORDER BY` items and `SELECT`.
//! Nothing here knows a backend; `render` writes them for a dialect.

use crate::Value;
pub(crate) use crate::dialect::CastType;
use crate::value::StoredAs;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// A column, qualified by its table: `"users"."id"`. (Written unqualified only where
    /// SQL requires it: the targets of `UPDATE … SET` and the column list of `INSERT`.)
    Column {
        table: &'static str,
        name: &'static str,
    },
    Value(Value),
    Binary(Box<Node>, BinOp, Box<Node>),
    Not(Box<Node>),
    IsNull(Box<Node>, bool),
    InList(Box<Node>, Vec<Node>, bool),
    InSelect(Box<Node>, Box<SelectStatement>, bool),
    /// `EXISTS (subquery)`; the subquery may read the outer query's columns.
    Exists(Box<SelectStatement>),
    /// SQL text written as it is: only constants of this crate, never a user's string.
    Literal(&'static str),
    Between(Box<Node>, Box<Node>, Box<Node>, bool),
    Like {
        expr: Box<Node>,
        pattern: Box<Node>,
        case_insensitive: bool,
        negated: bool,
    },
    Aggregate(Aggregate, Option<Box<Node>>),
    Cast(Box<Node>, CastType),
    /// A scalar SQL function of its arguments.
    Function(Function, Vec<Node>),
    /// `CASE WHEN condition THEN value … [ELSE value] END`.
    Case(Vec<(Node, Node)>, Option<Box<Node>>),
    /// A column whose values SQLite stores as text (decimals, dates and times): compared
    /// and ordered by what the text means there, read as stored when selected or copied.
    Normalized(Box<Node>, StoredAs),
}

impl Node {
    /// Column `name` of `table`.
    pub(crate) fn column(table: &'static str, name: &'static str) -> Node {
        Node::Column { table, name }
    }

    /// Whether a subquery inside this node reads its table under `alias`.
    pub(crate) fn uses_alias(&self, alias: &str) -> bool {
        let mut found = false;
        self.visit_subqueries(&mut |s| {
            found |= s.alias == Some(alias) || s.joins.iter().any(|j| j.alias == Some(alias));
        });
        found
    }

    /// Calls `f` on every `EXISTS` subquery inside this node, nested ones included.
    fn visit_subqueries(&self, f: &mut impl FnMut(&SelectStatement)) {
        match self {
            Node::Exists(select) => {
                f(select);
                if let Some(filter) = &select.filter {
                    filter.visit_subqueries(f);
                }
            }
            Node::Binary(l, _, r) => {
                l.visit_subqueries(f);
                r.visit_subqueries(f);
            }
            Node::Not(n) => n.visit_subqueries(f),
            _ => {}
        }
    }

    /// Calls `f` on every subquery directly inside this node (`IN (SELECT …)`,
    /// `EXISTS`), not on those nested in them (`f` walks those itself).
    fn visit_selects(&self, f: &mut impl FnMut(&SelectStatement)) {
        match self {
            Node::Exists(select) | Node::InSelect(_, select, _) => f(select),
            Node::Binary(l, _, r) => {
                l.visit_selects(f);
                r.visit_selects(f);
            }
            Node::Not(n) => n.visit_selects(f),
            _ => {}
        }
    }

    /// The node with every column replaced by what `f` makes of its table and name,
    /// inside correlated `EXISTS` subqueries too (an `IN` subquery is left as it is).
    pub(crate) fn map_columns(self, f: &impl Fn(&'static str, &'static str) -> Node) -> Node {
        let map = |n: Box<Node>| Box::new(n.map_columns(f));
        match self {
            Node::Column { table, name } => f(table, name),
            Node::Value(_) | Node::Literal(_) => self,
            // A correlated subquery reads the outer query's columns: those are mapped too.
            Node::Exists(select) => Node::Exists(Box::new(select.map_columns(f))),
            Node::Binary(l, op, r) => Node::Binary(map(l), op, map(r)),
            Node::Not(n) => Node::Not(map(n)),
            Node::IsNull(n, negated) => Node::IsNull(map(n), negated),
            Node::InList(n, list, negated) => Node::InList(
                map(n),
                list.into_iter().map(|i| i.map_columns(f)).collect(),
                negated,
            ),
            Node::InSelect(n, select, negated) => Node::InSelect(map(n), select, negated),
            Node::Between(n, low, high, negated) => {
                Node::Between(map(n), map(low), map(high), negated)
            }
            Node::Like {
                expr,
                pattern,
                case_insensitive,
                negated,
            } => Node::Like {
                expr: map(expr),
                pattern: map(pattern),
                case_insensitive,
                negated,
            },
            Node::Aggregate(a, arg) => Node::Aggregate(a, arg.map(map)),
            Node::Cast(n, to) => Node::Cast(map(n), to),
            Node::Function(func, args) => {
                Node::Function(func, args.into_iter().map(|a| a.map_columns(f)).collect())
            }
            Node::Normalized(n, stored) => Node::Normalized(map(n), stored),
            Node::Case(arms, otherwise) => Node::Case(
                arms.into_iter()
                    .map(|(c, v)| (c.map_columns(f), v.map_columns(f)))
                    .collect(),
                otherwise.map(map),
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    Add,
    Sub,
    Mul,
    Div,
    /// Division of integers, truncating toward zero on every backend (MySQL's `/` would
    /// return a decimal).
    IntDiv,
}

impl BinOp {
    pub(crate) fn sql(self) -> &'static str {
        match self {
            BinOp::Eq => " = ",
            BinOp::Ne => " <> ",
            BinOp::Lt => " < ",
            BinOp::Le => " <= ",
            BinOp::Gt => " > ",
            BinOp::Ge => " >= ",
            BinOp::And => " AND ",
            BinOp::Or => " OR ",
            BinOp::Add => " + ",
            BinOp::Sub => " - ",
            BinOp::Mul => " * ",
            BinOp::Div => " / ",
            BinOp::IntDiv => " / ",
        }
    }
}

/// Scalar functions, each spelled by the dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Function {
    Lower,
    Upper,
    /// In characters, on every backend.
    Length,
    Abs,
    Coalesce,
    /// Rounded half away from zero to the digits of its second argument.
    Round,
    /// The current date and time, in UTC: `naive` for a `TIMESTAMP` without time zone.
    /// (The date functions are built with the `chrono` feature's types.)
    #[cfg_attr(not(feature = "chrono"), allow(dead_code))]
    Now {
        naive: bool,
    },
    /// A part of a date or time, as an integer.
    #[cfg_attr(not(feature = "chrono"), allow(dead_code))]
    Extract(DatePart),
    /// A date and time with a time zone, seen in UTC (PostgreSQL reads parts of a
    /// `TIMESTAMPTZ` in the session's zone).
    #[cfg_attr(not(feature = "chrono"), allow(dead_code))]
    InUtc,
}

/// The parts of a date or time that `Function::Extract` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "chrono"), allow(dead_code))]
pub(crate) enum DatePart {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    /// Whole seconds.
    Second,
}

/// Aggregate functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Aggregate {
    Count,
    CountDistinct,
    Sum,
    Avg,
    Min,
    Max,
}

/// The backend-independent form of an `ORDER BY` item.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OrderItem {
    pub(crate) node: Node,
    pub(crate) descending: bool,
    pub(crate) nulls: Option<Nulls>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Nulls {
    First,
    Last,
}

impl OrderItem {
    pub(crate) fn asc(node: Node) -> Self {
        OrderItem {
            node,
            descending: false,
            nulls: None,
        }
    }
}

/// The backend-independent form of a `SELECT`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SelectStatement {
    /// The table read, as `FROM` names it.
    pub(crate) table: &'static str,
    /// What columns of `table` are qualified by, where not its name (`FROM t AS a`).
    pub(crate) alias: Option<&'static str>,
    /// The subquery read under `table`'s name instead of a table (`FROM (…) AS table`).
    pub(crate) derived: Option<Derived>,
    /// Tables joined to it, in order.
    pub(crate) joins: Vec<Join>,
    pub(crate) columns: Vec<Node>,
    pub(crate) distinct: bool,
    pub(crate) filter: Option<Node>,
    pub(crate) group_by: Vec<Node>,
    pub(crate) having: Option<Node>,
    pub(crate) order_by: Vec<OrderItem>,
    pub(crate) limit: Option<u64>,
    pub(crate) offset: Option<u64>,
    /// The model read (by name) and the database it is bound to, checked against the
    /// database the statement runs on; `None` for a statement no model's query made.
    pub(crate) model: Option<(&'static str, Option<&'static str>)>,
    /// The same for each model joined (empty, without allocating, for no join).
    pub(crate) joined_models: Vec<(&'static str, Option<&'static str>)>,
}

impl SelectStatement {
    /// Refuses to run on `exec` when a model read, joined or read in a subquery is bound
    /// to another database.
    pub(crate) fn check_database(
        &self,
        exec: &(impl crate::Executor + ?Sized),
    ) -> crate::Result<()> {
        let own = self.model.iter().chain(&self.joined_models);
        for (model, database) in own {
            crate::db::check_database(exec, model, *database)?;
        }
        let mut result = Ok(());
        for node in self.filter.iter().chain(&self.having) {
            node.visit_selects(&mut |select| {
                if result.is_ok() {
                    result = select.check_database(exec);
                }
            });
        }
        result
    }

    /// The statement with every column of its expressions replaced by what `f` makes of
    /// it (its own table's columns included: `f` must leave those as they are).
    pub(crate) fn map_columns(mut self, f: &impl Fn(&'static str, &'static str) -> Node) -> Self {
        self.columns = self.columns.into_iter().map(|c| c.map_columns(f)).collect();
        self.filter = self.filter.map(|n| n.map_columns(f));
        for join in &mut self.joins {
            join.on = std::mem::replace(&mut join.on, Node::Literal("")).map_columns(f);
        }
        self
    }

    /// `SELECT columns FROM table`, nothing else yet.
    pub(crate) fn new(table: &'static str, columns: Vec<Node>) -> SelectStatement {
        SelectStatement {
            table,
            alias: None,
            derived: None,
            joins: Vec::new(),
            columns,
            distinct: false,
            filter: None,
            group_by: Vec::new(),
            having: None,
            order_by: Vec::new(),
            limit: None,
            offset: None,
            model: None,
            joined_models: Vec::new(),
        }
    }
}

/// A subquery read as a table: its columns named `columns`, in order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Derived {
    pub(crate) select: Box<SelectStatement>,
    pub(crate) columns: &'static [&'static str],
}

/// `{INNER | LEFT} JOIN table [AS alias] ON condition`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Join {
    pub(crate) kind: JoinKind,
    pub(crate) table: &'static str,
    /// What the joined table's columns are qualified by, where not its name: needed to
    /// join a table twice (or to itself).
    pub(crate) alias: Option<&'static str>,
    pub(crate) on: Node,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JoinKind {
    /// Rows that have a match.
    Inner,
    /// Every row of the left side, with NULLs where the joined table has no match.
    Left,
}
