//! The query renderer, fuzzed: random filter trees built with the public expression API
//! (comparisons with values, columns and arithmetic, `IS NULL`, `IN` lists, empty ones
//! included, `BETWEEN`, escaped `LIKE`/`NOT LIKE`/`ILIKE` patterns, `AND`/`OR`/`NOT`)
//! run against thirty fixed rows full of NULLs, negatives, zeros, equal values and
//! wildcard characters, on every backend. Each result must equal what a Rust evaluator
//! of SQL's three-valued logic says: a wrong parenthesis, a dropped `NOT`, a bind out of
//! order or a NULL handled as a value shows up as a different set of rows.
//!
//! Deterministic: a fixed seed and `ORM_FUZZ_CASES` cases (128 by default); set
//! `ORM_FUZZ_SEED` to explore other trees. A failing tree is shrunk to a small one and
//! reported with the SQL the backend ran.
//!
//! Trees whose answer legitimately differs per backend are not generated: integer
//! arithmetic stays far from overflow, divisors are non-zero literals, floats are exact
//! in binary (dyadic values, no division but by powers of two), ordering comparisons on
//! text use lower-case letters and digits only (on which every collation agrees), and
//! no text ends in a space (MySQL's PAD SPACE collations, tested in `attack_strings`).

#[path = "attack_fuzz/build.rs"]
mod build;
#[path = "attack_fuzz/generate.rs"]
mod generate;
#[path = "attack_fuzz/tree.rs"]
mod tree;

use orm_core::prelude::*;
use orm_tests::{TestResult, backend_tests};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use build::build;
use generate::condition;
use tree::{Cond, eval, reductions};

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "fuzz_items")]
struct Item {
    #[orm(primary_key)]
    id: i64,
    a: i64,
    c: i64,
    b: Option<i64>,
    d: Option<i64>,
    s: String,
    t: Option<String>,
    u: Option<String>,
    f: Option<f64>,
    flag: bool,
}

/// Zero, signs, extremes of the data, and a value twice.
const INTS: [i64; 10] = [0, 1, -1, 7, -7, 3, 1000, -1000, 42, 3];
const MAYBE_INTS: [Option<i64>; 7] = [None, Some(0), Some(-1), Some(3), Some(7), None, Some(1000)];
/// Case, wildcards and a backslash, for `like`; no trailing space.
const TEXTS: [&str; 12] = [
    "", "a", "A", "ab", "a%b", "a_b", "%", "_", "a\\b", "abc", "ABC", "b%",
];
/// Lower-case letters and digits only: every collation orders them alike.
const PLAIN: [Option<&str>; 8] = [
    None,
    Some(""),
    Some("a"),
    Some("ab"),
    Some("b"),
    Some("a1"),
    Some("10"),
    Some("abc"),
];
/// Dyadic and small: sums, products and halvings of them are exact on every backend.
const FLOATS: [Option<f64>; 7] = [
    None,
    Some(0.0),
    Some(-0.0),
    Some(1.5),
    Some(-2.25),
    Some(1024.0),
    Some(0.5),
];

/// Thirty rows; the strides are coprime with the table sizes, so the columns combine
/// in many ways (`a = c` every fifth row).
fn items() -> Vec<Item> {
    (0..30)
        .map(|i| Item {
            id: 0,
            a: INTS[i % 10],
            c: INTS[(i * 7) % 10],
            b: MAYBE_INTS[i % 7],
            d: MAYBE_INTS[(i * 3 + 2) % 7],
            s: TEXTS[i % 12].to_string(),
            t: PLAIN[i % 8].map(str::to_string),
            u: PLAIN[(i * 5 + 3) % 8].map(str::to_string),
            f: FLOATS[(i * 2 + 1) % 7],
            flag: i % 3 == 0,
        })
        .collect()
}

/// The number of trees per backend: `ORM_FUZZ_CASES`, or 128.
fn budget() -> usize {
    std::env::var("ORM_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(128)
}

/// The runner: seeded by `ORM_FUZZ_SEED` when set, else proptest's fixed seed.
fn runner() -> (TestRunner, String) {
    match std::env::var("ORM_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        Some(seed) => {
            let mut bytes = [0; 32];
            bytes[..8].copy_from_slice(&seed.to_le_bytes());
            let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
            let runner = TestRunner::new_with_rng(Config::default(), rng);
            (runner, format!("ORM_FUZZ_SEED={seed}"))
        }
        None => (TestRunner::deterministic(), "the fixed seed".into()),
    }
}

/// The ids SQL's rules select from `rows`.
fn expected(cond: &Cond, rows: &[Item]) -> Vec<i64> {
    rows.iter()
        .filter(|r| eval(cond, r) == Some(true))
        .map(|r| r.id)
        .collect()
}

/// What the backend answers for `cond` when that is not what SQL's rules say.
async fn mismatch(db: &Database, rows: &[Item], cond: &Cond) -> Option<String> {
    let want = expected(cond, rows);
    let query = Item::query().filter(build(cond));
    let got = query
        .clone()
        .order_by(Item::id)
        .select(Item::id)
        .all(db)
        .await;
    let count = query.count(db).await;
    match (got, count) {
        (Ok(got), Ok(n)) if got == want && n == want.len() as u64 => None,
        (got, n) => Some(format!(
            "got ids {got:?} and count {n:?}, expected ids {want:?}"
        )),
    }
}

/// A smaller tree that still fails, and how: proptest's shrinking first, as its runner
/// would do it, then hoisting subtrees (proptest shrinks a branch into an unrelated
/// leaf, never into one of its own children).
async fn shrink(
    db: &Database,
    rows: &[Item],
    mut tree: impl ValueTree<Value = Cond>,
    failure: (Cond, String),
) -> (Cond, String) {
    let (mut smallest, mut why) = failure;
    let mut more = tree.simplify();
    for _ in 0..1000 {
        if !more {
            break;
        }
        let candidate = tree.current();
        more = match mismatch(db, rows, &candidate).await {
            Some(w) => {
                (smallest, why) = (candidate, w);
                tree.simplify()
            }
            None => tree.complicate(),
        };
    }
    let mut tries = 500;
    'hoist: while tries > 0 {
        for candidate in reductions(&smallest) {
            tries -= 1;
            if let Some(w) = mismatch(db, rows, &candidate).await {
                (smallest, why) = (candidate, w);
                continue 'hoist;
            }
        }
        break;
    }
    (smallest, why)
}

/// Each random tree selects on every backend the rows a three-valued evaluator selects.
async fn filters_follow_three_valued_logic(db: Database) -> TestResult {
    db.create_tables(&[Item::table_def()]).await?;
    let mut rows = items();
    let tx = db.begin().await?;
    for row in &mut rows {
        row.insert(&tx).await?;
    }
    tx.commit().await?;
    // The evaluator reads these rows: they must be what the database holds.
    assert_eq!(Item::all(&db).await?, rows);

    let (mut runner, seed) = runner();
    let strategy = condition();
    let (cases, mut selective) = (budget(), 0);
    for case in 0..cases {
        let tree = strategy.new_tree(&mut runner).map_err(|r| r.to_string())?;
        let cond = tree.current();
        let Some(first) = mismatch(&db, &rows, &cond).await else {
            let n = expected(&cond, &rows).len();
            selective += usize::from(n > 0 && n < rows.len());
            continue;
        };
        let (smallest, why) = shrink(&db, &rows, tree, (cond, first)).await;
        let sql = Item::query()
            .filter(build(&smallest))
            .order_by(Item::id)
            .select(Item::id)
            .to_sql(db.dialect());
        return Err(format!(
            "case {case} of {cases} ({seed}) differs on {}:\n  WHERE {smallest}\n  {why}\n  \
             SQL: {}\n  values: {:?}\n  tree: {smallest:?}",
            db.dialect(),
            sql.sql,
            sql.values
        )
        .into());
    }
    // A fuzzer whose trees all select nothing or everything would prove little.
    assert!(
        selective * 3 >= cases,
        "only {selective} of {cases} trees selected some rows but not all"
    );
    Ok(())
}

/// Statements of distinct SQL (every tree above is one) cost a round trip each, however
/// many came before on the connection. On MySQL, sqlx 0.9.0 closes its least recently
/// used prepared statement once the connection's cache (100) is full, and the next
/// packet then waits ~40 ms for the server's delayed ACK: sqlx no longer sets
/// TCP_NODELAY (sqlx issue #4335). 300 statements must take well under the ~8 s that
/// costs.
async fn distinct_statements_do_not_stall(db: Database) -> TestResult {
    db.create_tables(&[Item::table_def()]).await?;
    // A transaction holds one connection, so its statement cache overflows.
    let tx = db.begin().await?;
    let start = std::time::Instant::now();
    for n in 1..=300 {
        let found = Item::query().filter(Item::a.is_in(0..n)).count(&tx).await?;
        assert_eq!(found, 0);
    }
    let elapsed = start.elapsed();
    tx.commit().await?;
    assert!(
        elapsed < std::time::Duration::from_secs(4),
        "300 distinct statements took {elapsed:?} on {}",
        db.dialect()
    );
    Ok(())
}

backend_tests!(
    filters_follow_three_valued_logic,
    distinct_statements_do_not_stall
);
