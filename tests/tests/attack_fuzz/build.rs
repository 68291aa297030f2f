//! The trees through the public expression API: each node becomes the call a user
//! would write (`Item::a.add(3).gt(Item::c)`), typed as the API types it.

use orm_core::query::{Operand, TypedExpr};
use orm_core::{Column, Expr, SqlValue};

use crate::Item;
use crate::tree::{Arith, Cmp, Cond, Fam, LikeKind, Term, Tok, Val};

/// One side of a comparison, as the API types it.
enum Side<T> {
    Col(Column<Item, T>),
    Expr(TypedExpr<Item, T>),
    Val(T),
}

/// Runs `$body` with `$x` bound to the column or expression of a left side.
macro_rules! on_left {
    ($side:expr, |$x:ident| $body:expr) => {
        match $side {
            Side::Col($x) => $body,
            Side::Expr($x) => $body,
            Side::Val(_) => unreachable!("a value is never on the left"),
        }
    };
}

/// Runs `$body` with `$x` bound to whatever a right side holds.
macro_rules! on_right {
    ($side:expr, |$x:ident| $body:expr) => {
        match $side {
            Side::Col($x) => $body,
            Side::Expr($x) => $body,
            Side::Val($x) => $body,
        }
    };
}

/// A family's Rust type, columns and literals.
trait Typed {
    type T: SqlValue + Operand<Item, Self::T>;
    fn column(i: usize) -> Column<Item, Self::T>;
    fn literal(v: &Option<Val>) -> Self::T;
    fn arith(_: Side<Self::T>, _: Arith, _: Side<Self::T>) -> TypedExpr<Item, Self::T> {
        unreachable!("no arithmetic on this type is generated")
    }
}

macro_rules! typed {
    ($name:ident: $t:ty, [$($col:expr),*], $lit:expr $(, $numeric:tt)?) => {
        struct $name;
        impl Typed for $name {
            type T = $t;
            fn column(i: usize) -> Column<Item, $t> {
                [$($col),*][i]
            }
            fn literal(v: &Option<Val>) -> $t {
                $lit(v.clone())
            }
            $(typed!(@arith $numeric);)?
        }
    };
    (@arith numeric) => {
        fn arith(l: Side<Self::T>, op: Arith, r: Side<Self::T>) -> TypedExpr<Item, Self::T> {
            on_left!(l, |x| on_right!(r, |y| match op {
                Arith::Add => x.add(y),
                Arith::Sub => x.sub(y),
                Arith::Mul => x.mul(y),
                Arith::Div => x.div(y),
            }))
        }
    };
}

fn int(v: Option<Val>) -> Option<i64> {
    v.map(|v| match v {
        Val::I(i) => i,
        other => unreachable!("{other:?}"),
    })
}
fn float(v: Option<Val>) -> Option<f64> {
    v.map(|v| match v {
        Val::F(f) => f,
        other => unreachable!("{other:?}"),
    })
}
fn text(v: Option<Val>) -> Option<String> {
    v.map(|v| match v {
        Val::S(s) => s,
        other => unreachable!("{other:?}"),
    })
}
fn flag(v: Option<Val>) -> bool {
    matches!(v, Some(Val::B(true)))
}

typed!(IntT: i64, [Item::a, Item::c], |v| int(v).expect("not NULL"), numeric);
typed!(MaybeIntT: Option<i64>, [Item::b, Item::d], int, numeric);
typed!(FloatT: Option<f64>, [Item::f], float, numeric);
typed!(TextT: String, [Item::s], |v| text(v).expect("not NULL"));
typed!(PlainT: Option<String>, [Item::t, Item::u], text);
typed!(FlagT: bool, [Item::flag], flag);

fn side<F: Typed>(term: &Term) -> Side<F::T> {
    match term {
        Term::Col(i) => Side::Col(F::column(*i)),
        Term::Lit(v) => Side::Val(F::literal(v)),
        Term::Arith(l, op, r) => Side::Expr(F::arith(side::<F>(l), *op, side::<F>(r))),
    }
}

/// A comparison, NULL test, IN list or BETWEEN over family `F`.
fn predicate<F: Typed>(cond: &Cond) -> Expr<Item> {
    match cond {
        Cond::Cmp(_, l, op, r) => on_left!(side::<F>(l), |x| on_right!(side::<F>(r), |y| {
            match op {
                Cmp::Eq => x.eq(y),
                Cmp::Ne => x.ne(y),
                Cmp::Lt => x.lt(y),
                Cmp::Le => x.le(y),
                Cmp::Gt => x.gt(y),
                Cmp::Ge => x.ge(y),
            }
        })),
        Cond::IsNull(_, t, false) => on_left!(side::<F>(t), |x| x.is_null()),
        Cond::IsNull(_, t, true) => on_left!(side::<F>(t), |x| x.is_not_null()),
        Cond::In(_, t, list, negated) => {
            let values: Vec<F::T> = list.iter().map(F::literal).collect();
            on_left!(side::<F>(t), |x| if *negated {
                x.not_in(values)
            } else {
                x.is_in(values)
            })
        }
        Cond::Between(_, t, low, high) => on_left!(side::<F>(t), |x| on_right!(
            side::<F>(low),
            |lo| on_right!(side::<F>(high), |hi| x.between(lo, hi))
        )),
        _ => unreachable!("not a predicate: {cond:?}"),
    }
}

pub(crate) fn pattern(toks: &[Tok]) -> String {
    let mut out = String::new();
    for t in toks {
        match t {
            Tok::Text(s) => {
                for c in s.chars() {
                    if matches!(c, '\\' | '%' | '_') {
                        out.push('\\');
                    }
                    out.push(c);
                }
            }
            Tok::Any => out.push('%'),
            Tok::One => out.push('_'),
        }
    }
    out
}

pub(crate) fn build(cond: &Cond) -> Expr<Item> {
    match cond {
        Cond::And(l, r) => build(l).and(build(r)),
        Cond::Or(l, r) => build(l).or(build(r)),
        Cond::Not(c) => build(c).not(),
        Cond::Like(fam, column, kind, toks) => {
            let p = pattern(toks);
            let p = p.as_str();
            macro_rules! like {
                ($col:expr) => {
                    match kind {
                        LikeKind::Like => $col.like(p),
                        LikeKind::NotLike => $col.not_like(p),
                        LikeKind::ILike => $col.ilike(p),
                    }
                };
            }
            match (fam, column) {
                (Fam::Text, _) => like!(Item::s),
                (_, 0) => like!(Item::t),
                _ => like!(Item::u),
            }
        }
        Cond::Cmp(fam, ..) | Cond::IsNull(fam, ..) | Cond::In(fam, ..) | Cond::Between(fam, ..) => {
            match fam {
                Fam::Int => predicate::<IntT>(cond),
                Fam::MaybeInt => predicate::<MaybeIntT>(cond),
                Fam::Float => predicate::<FloatT>(cond),
                Fam::Text => predicate::<TextT>(cond),
                Fam::Plain => predicate::<PlainT>(cond),
                Fam::Flag => predicate::<FlagT>(cond),
            }
        }
    }
}
