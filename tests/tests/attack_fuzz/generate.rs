//! Random trees: proptest strategies for values, terms and conditions of each type.

use proptest::prelude::*;

use crate::tree::{Arith, Cmp, Cond, Fam, LikeKind, Term, Tok, Val};
use crate::{INTS, PLAIN, TEXTS};

fn literal(fam: Fam) -> BoxedStrategy<Option<Val>> {
    let ints = || prop_oneof![prop::sample::select(INTS.to_vec()), -100i64..=100];
    let plain: Vec<String> = PLAIN.iter().flatten().map(|s| s.to_string()).collect();
    match fam {
        Fam::Int => ints().prop_map(|i| Some(Val::I(i))).boxed(),
        Fam::MaybeInt => prop::option::weighted(0.8, ints().prop_map(Val::I)).boxed(),
        Fam::Float => {
            let floats = vec![0.0, -0.0, 0.5, 1.5, -2.25, 3.0, 1024.0];
            prop::option::weighted(0.8, prop::sample::select(floats).prop_map(Val::F)).boxed()
        }
        Fam::Text => {
            let texts: Vec<String> = TEXTS.iter().map(|s| s.to_string()).collect();
            prop_oneof![prop::sample::select(texts), "[aAb%_\\\\]{0,3}"]
                .prop_map(|s| Some(Val::S(s)))
                .boxed()
        }
        Fam::Plain => {
            let plain = prop_oneof![prop::sample::select(plain), "[ab1]{0,3}"];
            prop::option::weighted(0.8, plain.prop_map(Val::S)).boxed()
        }
        Fam::Flag => any::<bool>().prop_map(|b| Some(Val::B(b))).boxed(),
    }
}

/// A non-zero divisor: division by zero is an error on PostgreSQL only; floats are
/// divided by powers of two only, which is exact.
fn divisor(fam: Fam) -> BoxedStrategy<Option<Val>> {
    match fam {
        Fam::Float => prop::sample::select(vec![Some(2.0), Some(-0.5), Some(4.0), None])
            .prop_map(|f| f.map(Val::F))
            .boxed(),
        _ => prop::sample::select(vec![-7i64, -2, 2, 3, 7])
            .prop_map(|i| Some(Val::I(i)))
            .boxed(),
    }
}

/// A column, or arithmetic two levels deep at most: integers stay below 1000⁴.
fn term(fam: Fam) -> BoxedStrategy<Term> {
    let column = (0..fam.columns().len()).prop_map(Term::Col);
    if !matches!(fam, Fam::Int | Fam::MaybeInt | Fam::Float) {
        return column.boxed();
    }
    column
        .prop_recursive(2, 6, 2, move |inner| {
            let ops = prop::sample::select(vec![Arith::Add, Arith::Sub, Arith::Mul]);
            let right = prop_oneof![literal(fam).prop_map(Term::Lit), inner.clone()];
            prop_oneof![
                3 => (inner.clone(), ops, right)
                    .prop_map(|(l, op, r)| Term::Arith(Box::new(l), op, Box::new(r))),
                1 => (inner, divisor(fam)).prop_map(|(l, d)| {
                    Term::Arith(Box::new(l), Arith::Div, Box::new(Term::Lit(d)))
                }),
            ]
        })
        .boxed()
}

/// The right side of a comparison: a literal, a column or arithmetic.
fn operand(fam: Fam) -> BoxedStrategy<Term> {
    prop_oneof![2 => literal(fam).prop_map(Term::Lit), 1 => term(fam)].boxed()
}

fn like(fam: Fam) -> BoxedStrategy<Cond> {
    let tok = prop_oneof![
        3 => "[aAb1%_\\\\]{1,2}".prop_map(Tok::Text),
        1 => Just(Tok::Any),
        1 => Just(Tok::One),
    ];
    let kinds = vec![LikeKind::Like, LikeKind::NotLike, LikeKind::ILike];
    (
        0..fam.columns().len(),
        prop::sample::select(kinds),
        prop::collection::vec(tok, 0..4),
    )
        .prop_map(move |(column, kind, toks)| Cond::Like(fam, column, kind, toks))
        .boxed()
}

fn predicate_of(fam: Fam) -> BoxedStrategy<Cond> {
    use Cmp::*;
    // Text with case and punctuation compares only for equality: its order depends on
    // the collation.
    let ops = match fam {
        Fam::Text => vec![Eq, Ne],
        _ => vec![Eq, Ne, Lt, Le, Gt, Ge],
    };
    let mut arms = vec![
        (
            4,
            (term(fam), prop::sample::select(ops), operand(fam))
                .prop_map(move |(l, op, r)| Cond::Cmp(fam, l, op, r))
                .boxed(),
        ),
        (
            1,
            (term(fam), any::<bool>())
                .prop_map(move |(t, negated)| Cond::IsNull(fam, t, negated))
                .boxed(),
        ),
        (
            2,
            (
                term(fam),
                prop::collection::vec(literal(fam), 0..4),
                any::<bool>(),
            )
                .prop_map(move |(t, list, negated)| Cond::In(fam, t, list, negated))
                .boxed(),
        ),
    ];
    if fam != Fam::Text {
        arms.push((
            1,
            (term(fam), operand(fam), operand(fam))
                .prop_map(move |(t, low, high)| Cond::Between(fam, t, low, high))
                .boxed(),
        ));
    }
    if matches!(fam, Fam::Text | Fam::Plain) {
        arms.push((3, like(fam)));
    }
    prop::strategy::Union::new_weighted(arms).boxed()
}

/// Trees of `AND`, `OR` and `NOT` four levels deep at most over the predicates.
pub(crate) fn condition() -> impl Strategy<Value = Cond> {
    let leaf = prop::sample::select(Fam::ALL.to_vec()).prop_flat_map(predicate_of);
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(l, r)| Cond::And(Box::new(l), Box::new(r))),
            (inner.clone(), inner.clone()).prop_map(|(l, r)| Cond::Or(Box::new(l), Box::new(r))),
            inner.prop_map(|c| Cond::Not(Box::new(c))),
        ]
    })
}
