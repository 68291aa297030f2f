//! The trees the fuzzer generates, what SQL's three-valued logic says they select, and
//! how a report prints them.

use std::cmp::Ordering;
use std::fmt;

use crate::Item;
use crate::build::pattern;

/// A value of a row or a literal; `None` in an `Option<Val>` is NULL.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    I(i64),
    F(f64),
    S(String),
    B(bool),
}

impl Val {
    fn order(&self, other: &Val) -> Ordering {
        match (self, other) {
            (Val::I(x), Val::I(y)) => x.cmp(y),
            (Val::F(x), Val::F(y)) => x.partial_cmp(y).expect("no NaN is generated"),
            (Val::S(x), Val::S(y)) => x.as_bytes().cmp(y.as_bytes()),
            (Val::B(x), Val::B(y)) => x.cmp(y),
            _ => unreachable!("a tree compares values of one type"),
        }
    }
}

/// The columns of one Rust type, which compare with each other.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Fam {
    Int,
    MaybeInt,
    Float,
    Text,
    Plain,
    Flag,
}

impl Fam {
    pub(crate) const ALL: [Fam; 6] = [
        Fam::Int,
        Fam::MaybeInt,
        Fam::Float,
        Fam::Text,
        Fam::Plain,
        Fam::Flag,
    ];

    pub(crate) fn columns(self) -> &'static [&'static str] {
        match self {
            Fam::Int => &["a", "c"],
            Fam::MaybeInt => &["b", "d"],
            Fam::Float => &["f"],
            Fam::Text => &["s"],
            Fam::Plain => &["t", "u"],
            Fam::Flag => &["flag"],
        }
    }

    fn read(self, row: &Item, column: usize) -> Option<Val> {
        match (self, column) {
            (Fam::Int, 0) => Some(Val::I(row.a)),
            (Fam::Int, _) => Some(Val::I(row.c)),
            (Fam::MaybeInt, 0) => row.b.map(Val::I),
            (Fam::MaybeInt, _) => row.d.map(Val::I),
            (Fam::Float, _) => row.f.map(Val::F),
            (Fam::Text, _) => Some(Val::S(row.s.clone())),
            (Fam::Plain, 0) => row.t.clone().map(Val::S),
            (Fam::Plain, _) => row.u.clone().map(Val::S),
            (Fam::Flag, _) => Some(Val::B(row.flag)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

/// A value expression of one family; `Col` indexes [`Fam::columns`]. A literal never
/// stands on the left: the API has no way to put it there.
#[derive(Debug, Clone)]
pub(crate) enum Term {
    Col(usize),
    Lit(Option<Val>),
    Arith(Box<Term>, Arith, Box<Term>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A piece of a `LIKE` pattern.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// Literal text, escaped when rendered.
    Text(String),
    /// `%`
    Any,
    /// `_`
    One,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum LikeKind {
    Like,
    NotLike,
    ILike,
}

/// A filter. The `bool`s say negated: `IS NOT NULL`, `NOT IN`.
#[derive(Debug, Clone)]
pub(crate) enum Cond {
    Cmp(Fam, Term, Cmp, Term),
    IsNull(Fam, Term, bool),
    In(Fam, Term, Vec<Option<Val>>, bool),
    Between(Fam, Term, Term, Term),
    Like(Fam, usize, LikeKind, Vec<Tok>),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
    Not(Box<Cond>),
}

fn eval_term(fam: Fam, term: &Term, row: &Item) -> Option<Val> {
    match term {
        Term::Col(i) => fam.read(row, *i),
        Term::Lit(v) => v.clone(),
        Term::Arith(l, op, r) => {
            let (l, r) = (eval_term(fam, l, row)?, eval_term(fam, r, row)?);
            Some(match (l, r) {
                (Val::I(x), Val::I(y)) => Val::I(
                    match op {
                        Arith::Add => x.checked_add(y),
                        Arith::Sub => x.checked_sub(y),
                        Arith::Mul => x.checked_mul(y),
                        // Truncates toward zero, as on every backend.
                        Arith::Div => x.checked_div(y),
                    }
                    .expect("the generator keeps integers far from overflow"),
                ),
                (Val::F(x), Val::F(y)) => Val::F(match op {
                    Arith::Add => x + y,
                    Arith::Sub => x - y,
                    Arith::Mul => x * y,
                    Arith::Div => x / y,
                }),
                _ => unreachable!("arithmetic on numbers only"),
            })
        }
    }
}

/// Whether `value` matches the pattern `toks` (case-blind for ASCII when `fold`).
fn like_matches(value: &str, toks: &[Tok], fold: bool) -> bool {
    #[derive(PartialEq)]
    enum P {
        Char(char),
        One,
        Any,
    }
    let norm = |c: char| if fold { c.to_ascii_lowercase() } else { c };
    let pat: Vec<P> = toks
        .iter()
        .flat_map(|t| match t {
            Tok::Text(s) => s.chars().map(|c| P::Char(norm(c))).collect(),
            Tok::Any => vec![P::Any],
            Tok::One => vec![P::One],
        })
        .collect();
    let v: Vec<char> = value.chars().map(norm).collect();
    // Greedy matching, backtracking to the last `%`.
    let (mut i, mut p, mut star, mut mark) = (0, 0, None, 0);
    while i < v.len() {
        if p < pat.len() && (pat[p] == P::One || pat[p] == P::Char(v[i])) {
            i += 1;
            p += 1;
        } else if p < pat.len() && pat[p] == P::Any {
            star = Some(p);
            mark = i;
            p += 1;
        } else if let Some(s) = star {
            p = s + 1;
            mark += 1;
            i = mark;
        } else {
            return false;
        }
    }
    pat[p..].iter().all(|t| *t == P::Any)
}

/// SQL's answer for `cond` on `row`: `Some(true)`, `Some(false)` or unknown (`None`).
pub(crate) fn eval(cond: &Cond, row: &Item) -> Option<bool> {
    match cond {
        // Comparing with a NULL value means IS [NOT] NULL in this ORM.
        Cond::Cmp(fam, l, op @ (Cmp::Eq | Cmp::Ne), Term::Lit(None)) => {
            Some(eval_term(*fam, l, row).is_none() == (*op == Cmp::Eq))
        }
        Cond::Cmp(fam, l, op, r) => {
            let o = eval_term(*fam, l, row)?.order(&eval_term(*fam, r, row)?);
            Some(match op {
                Cmp::Eq => o.is_eq(),
                Cmp::Ne => o.is_ne(),
                Cmp::Lt => o.is_lt(),
                Cmp::Le => o.is_le(),
                Cmp::Gt => o.is_gt(),
                Cmp::Ge => o.is_ge(),
            })
        }
        Cond::IsNull(fam, t, negated) => Some(eval_term(*fam, t, row).is_none() != *negated),
        // An empty list matches nothing (NOT IN: everything), NULL or not.
        Cond::In(_, _, list, negated) if list.is_empty() => Some(*negated),
        Cond::In(fam, t, list, negated) => {
            let x = eval_term(*fam, t, row)?;
            let found = list
                .iter()
                .map(|item| Some(x.order(item.as_ref()?).is_eq()))
                .reduce(or3)
                .expect("the list is not empty");
            found.map(|f| f != *negated)
        }
        Cond::Between(fam, t, low, high) => {
            let x = eval_term(*fam, t, row);
            let side = |bound: &Term, ok: fn(Ordering) -> bool| {
                Some(ok(x.as_ref()?.order(&eval_term(*fam, bound, row)?)))
            };
            and3(side(low, Ordering::is_ge), side(high, Ordering::is_le))
        }
        Cond::Like(fam, column, kind, toks) => {
            let Val::S(v) = fam.read(row, *column)? else {
                unreachable!("LIKE on text only")
            };
            let matched = like_matches(&v, toks, *kind == LikeKind::ILike);
            Some(matched != (*kind == LikeKind::NotLike))
        }
        Cond::And(l, r) => and3(eval(l, row), eval(r, row)),
        Cond::Or(l, r) => or3(eval(l, row), eval(r, row)),
        Cond::Not(c) => eval(c, row).map(|b| !b),
    }
}

fn and3(l: Option<bool>, r: Option<bool>) -> Option<bool> {
    match (l, r) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

fn or3(l: Option<bool>, r: Option<bool>) -> Option<bool> {
    match (l, r) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

fn show_term(fam: Fam, term: &Term) -> String {
    match term {
        Term::Col(i) => fam.columns()[*i].to_string(),
        Term::Lit(None) => "NULL".into(),
        Term::Lit(Some(Val::I(i))) => i.to_string(),
        Term::Lit(Some(Val::F(f))) => format!("{f:?}"),
        Term::Lit(Some(Val::S(s))) => format!("{s:?}"),
        Term::Lit(Some(Val::B(b))) => b.to_string().to_uppercase(),
        Term::Arith(l, op, r) => {
            let op = match op {
                Arith::Add => "+",
                Arith::Sub => "-",
                Arith::Mul => "*",
                Arith::Div => "/",
            };
            format!("({} {op} {})", show_term(fam, l), show_term(fam, r))
        }
    }
}

impl fmt::Display for Cond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lits = |fam: Fam, list: &[Option<Val>]| {
            let items: Vec<String> = list
                .iter()
                .map(|v| show_term(fam, &Term::Lit(v.clone())))
                .collect();
            items.join(", ")
        };
        match self {
            Cond::Cmp(fam, l, op, r) => {
                let op = match op {
                    Cmp::Eq => "=",
                    Cmp::Ne => "<>",
                    Cmp::Lt => "<",
                    Cmp::Le => "<=",
                    Cmp::Gt => ">",
                    Cmp::Ge => ">=",
                };
                write!(f, "{} {op} {}", show_term(*fam, l), show_term(*fam, r))
            }
            Cond::IsNull(fam, t, negated) => {
                let not = if *negated { " NOT" } else { "" };
                write!(f, "{} IS{not} NULL", show_term(*fam, t))
            }
            Cond::In(fam, t, list, negated) => {
                let not = if *negated { " NOT" } else { "" };
                write!(f, "{}{not} IN ({})", show_term(*fam, t), lits(*fam, list))
            }
            Cond::Between(fam, t, low, high) => write!(
                f,
                "{} BETWEEN {} AND {}",
                show_term(*fam, t),
                show_term(*fam, low),
                show_term(*fam, high)
            ),
            Cond::Like(fam, column, kind, toks) => {
                let kind = match kind {
                    LikeKind::Like => "LIKE",
                    LikeKind::NotLike => "NOT LIKE",
                    LikeKind::ILike => "ILIKE",
                };
                let column = fam.columns()[*column];
                write!(f, "{column} {kind} {:?}", pattern(toks))
            }
            Cond::And(l, r) => write!(f, "({l} AND {r})"),
            Cond::Or(l, r) => write!(f, "({l} OR {r})"),
            Cond::Not(c) => write!(f, "NOT ({c})"),
        }
    }
}

/// The trees one step smaller than `cond`: one of its `AND`/`OR`/`NOT` nodes replaced
/// by one of that node's operands.
pub(crate) fn reductions(cond: &Cond) -> Vec<Cond> {
    let b = |c: Cond| Box::new(c);
    match cond {
        Cond::And(l, r) | Cond::Or(l, r) => {
            let join = |l: Cond, r: Cond| match cond {
                Cond::And(..) => Cond::And(b(l), b(r)),
                _ => Cond::Or(b(l), b(r)),
            };
            let mut out = vec![(**l).clone(), (**r).clone()];
            out.extend(reductions(l).into_iter().map(|l2| join(l2, (**r).clone())));
            out.extend(reductions(r).into_iter().map(|r2| join((**l).clone(), r2)));
            out
        }
        Cond::Not(c) => {
            let mut out = vec![(**c).clone()];
            out.extend(reductions(c).into_iter().map(|c2| Cond::Not(b(c2))));
            out
        }
        _ => Vec::new(),
    }
}
