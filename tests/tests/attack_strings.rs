//! Hostile strings, on every backend: several hundred values built from fragments that
//! break naive quoting, escaping, parsing or display (quotes of every kind, comment
//! markers, `'; DROP TABLE …; --` shapes, backslashes, `%` and `_`, SQL keywords and
//! placeholders, control characters, NUL, bidi and zero-width marks, combining
//! characters, astral-plane emoji, Unicode quotes, significant spaces, a 1 MiB value).
//!
//! Each value is inserted through a model, read back by key and found by `eq` (exactly
//! that row, byte for byte: a trailing space is significant), updated to another hostile
//! value, matched by an escaped `like` pattern without a wildcard over-matching, and
//! echoed by raw SQL with bound parameters. At the end the tables hold exactly the rows
//! written. PostgreSQL cannot store NUL in text: there it is `Error::Encode` before
//! anything is sent. Two smaller tests pin down NUL inside `like` patterns and values
//! (SQLite's LIKE stops at a NUL), and a pattern as long as the 1 MiB value.

#[path = "attack_strings/corpus.rs"]
mod corpus;

use orm_core::prelude::*;
use orm_tests::{TestResult, backend_tests};

use corpus::{corpus, one_mebibyte};

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "attack_strings")]
struct Hostile {
    #[orm(primary_key)]
    id: i64,
    body: String,
    maybe: Option<String>,
}

/// A table the injection-shaped values name: it must survive them.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "attack_sentinel")]
struct Sentinel {
    #[orm(primary_key)]
    id: i64,
    note: String,
}

/// `s` as a LIKE pattern matching itself only: `\`, `%` and `_` escaped by a backslash.
fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// At most this many characters of a value go into a LIKE pattern: SQLite refuses
/// patterns over 50,000 bytes (see `a_pattern_as_long_as_the_longest_value`).
const PATTERN_CHARS: usize = 1000;

/// The first half of `s` (at least one character), and its middle third, as pieces to
/// look for with `like`.
fn pieces(s: &str) -> (String, String) {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    let prefix: String = chars[..n.div_ceil(2).min(PATTERN_CHARS)].iter().collect();
    let start = n / 3;
    let end = (start + (n / 3).max(1)).min(n).min(start + PATTERN_CHARS);
    let middle: String = chars[start..end].iter().collect();
    (prefix, middle)
}

/// `s` for a message: escaped, and cut short when long.
fn show(s: &str) -> String {
    let escaped = format!("{s:?}");
    match escaped.char_indices().nth(60) {
        Some((cut, _)) => format!("{}… ({} bytes)", &escaped[..cut], s.len()),
        None => escaped,
    }
}

fn placeholder(dialect: Dialect, n: usize) -> String {
    match dialect {
        Dialect::Postgres => format!("${n}"),
        _ => "?".to_string(),
    }
}

/// The ids of `rows` that satisfy `keep`, in key order.
fn ids_where(rows: &[Hostile], keep: impl Fn(&Hostile) -> bool) -> Vec<i64> {
    rows.iter().filter(|r| keep(r)).map(|r| r.id).collect()
}

/// Runs `filter` and returns the ids it matches, in key order.
async fn ids(db: &Database, filter: Expr<Hostile>) -> Result<Vec<i64>> {
    Hostile::query()
        .filter(filter)
        .order_by(Hostile::id)
        .select(Hostile::id)
        .all(db)
        .await
}

/// Checks that the table holds `rows` exactly, byte for byte, read in full and by key.
async fn check_stored(db: &Database, rows: &[Hostile]) -> Result<Vec<String>> {
    let mut failures = Vec::new();
    let stored = Hostile::all(db).await?;
    if stored.len() != rows.len() {
        failures.push(format!(
            "{} rows stored, {} written",
            stored.len(),
            rows.len()
        ));
    }
    for (got, want) in stored.iter().zip(rows) {
        if got != want {
            failures.push(format!(
                "row {}: read back ({}, {:?}), wrote ({}, {:?})",
                want.id,
                show(&got.body),
                got.maybe.as_deref().map(show),
                show(&want.body),
                want.maybe.as_deref().map(show),
            ));
        }
    }
    for want in rows.iter().step_by(7) {
        let got = Hostile::get(db, want.id).await?;
        if got.as_ref() != Some(want) {
            failures.push(format!("get({}) read back something else", want.id));
        }
    }
    Ok(failures)
}

/// Finds `row` (one of `rows`, the whole table) every way a user would: `eq` on both
/// columns finds exactly the rows holding its values; an escaped `like` prefix and
/// middle find exactly the rows holding those pieces, so no wildcard or backslash of the
/// value acts as one; raw SQL echoes the bound value and compares it with the column.
async fn check_found(db: &Database, rows: &[Hostile], row: &Hostile) -> Result<Vec<String>> {
    let mut failures = Vec::new();
    let mut expect = |what: String, got: Vec<i64>, want: Vec<i64>| {
        if got != want {
            failures.push(format!("{what}: ids {got:?}, expected {want:?}"));
        }
    };
    let v = &row.body;
    let got = ids(db, Hostile::body.eq(v.as_str())).await?;
    expect(
        format!("body = {}", show(v)),
        got,
        ids_where(rows, |r| r.body == *v),
    );
    if let Some(m) = &row.maybe {
        let got = ids(db, Hostile::maybe.eq(m.as_str())).await?;
        expect(
            format!("maybe = {}", show(m)),
            got,
            ids_where(rows, |r| r.maybe.as_ref() == Some(m)),
        );
    }

    let (prefix, middle) = pieces(v);
    // SQLite's LIKE reads a value and a pattern only up to their first NUL (documented):
    // rows are expected as it sees them, and patterns holding a NUL are not tried there.
    let sqlite = db.dialect() == Dialect::Sqlite;
    let seen = |s: &str| -> String {
        if sqlite {
            s.split('\0').next().unwrap_or_default().to_owned()
        } else {
            s.to_owned()
        }
    };
    let like_checked = !(sqlite && (prefix.contains('\0') || middle.contains('\0')));
    if like_checked {
        let pattern = format!("{}%", escape_like(&prefix));
        let got = ids(db, Hostile::body.like(pattern.as_str())).await?;
        expect(
            format!("body LIKE {}", show(&pattern)),
            got,
            ids_where(rows, |r| seen(&r.body).starts_with(&prefix)),
        );
        let pattern = format!("%{}%", escape_like(&middle));
        let got = ids(db, Hostile::body.like(pattern.as_str())).await?;
        expect(
            format!("body LIKE {}", show(&pattern)),
            got,
            ids_where(rows, |r| seen(&r.body).contains(&middle)),
        );
        let got = ids(db, Hostile::maybe.like(pattern.as_str())).await?;
        expect(
            format!("maybe LIKE {}", show(&pattern)),
            got,
            ids_where(rows, |r| {
                r.maybe.as_ref().is_some_and(|m| seen(m).contains(&middle))
            }),
        );
    }

    // Raw SQL: the value bound twice, echoed back and compared with the column.
    let dialect = db.dialect();
    let sql = format!(
        "SELECT {id}, {echo} FROM {table} WHERE {body} = {value} ORDER BY {id}",
        id = dialect.quoted("id"),
        body = dialect.quoted("body"),
        table = dialect.quoted(Hostile::TABLE),
        echo = placeholder(dialect, 1),
        value = placeholder(dialect, 2),
    );
    let got: Vec<(i64, String)> = Raw::dynamic(sql)
        .bind(v.as_str())
        .bind(v.as_str())
        .fetch_as(db)
        .await?;
    let echoed_exactly = got.iter().all(|(_, echo)| echo == v);
    let got: Vec<i64> = got.into_iter().map(|(id, _)| id).collect();
    expect(
        format!("raw body = {}", show(v)),
        got,
        ids_where(rows, |r| r.body == *v),
    );
    if !echoed_exactly {
        failures.push(format!("raw echo of {} differs", show(v)));
    }
    Ok(failures)
}

/// Runs `check` on each of `rows`, a few at a time (each on a pooled connection), and
/// collects what failed, in row order.
async fn check_each<'a, F>(
    rows: &'a [Hostile],
    check: impl Fn(&'a Hostile) -> F,
) -> Result<Vec<String>>
where
    F: Future<Output = Result<Vec<String>>>,
{
    use futures_util::{StreamExt, TryStreamExt};
    let failures: Vec<Vec<String>> = futures_util::stream::iter(rows)
        .map(check)
        .buffered(4)
        .try_collect()
        .await?;
    Ok(failures.concat())
}

/// Every value of the corpus, on the model's two text columns, through every path.
async fn hostile_strings_round_trip(db: Database) -> TestResult {
    let dialect = db.dialect();
    db.create_tables(&[Hostile::table_def(), Sentinel::table_def()])
        .await?;
    Sentinel {
        id: 0,
        note: "still here".into(),
    }
    .insert(&db)
    .await?;

    // PostgreSQL text cannot hold NUL: those values are checked apart (below).
    let (values, nul_values): (Vec<String>, Vec<String>) = corpus()
        .into_iter()
        .partition(|s| dialect != Dialect::Postgres || !s.contains('\0'));
    assert!(values.len() >= 500, "corpus of {} values", values.len());
    let n = values.len();

    // Each value in `body`, another in `maybe` (every tenth row NULL); then a control
    // row per value holding wildcards, with each wildcard replaced by a letter: an
    // unescaped `%` or `_` in a pattern would match it.
    let mut rows: Vec<Hostile> = (0..n)
        .map(|i| Hostile {
            id: 0,
            body: values[i].clone(),
            maybe: (i % 10 != 9).then(|| values[n - 1 - i].clone()),
        })
        .collect();
    for v in &values {
        if v.contains(['%', '_']) && v.len() < 100_000 {
            let control = v.replace('%', "X").replace('_', "Y");
            rows.push(Hostile {
                id: 0,
                body: control.clone(),
                maybe: Some(control),
            });
        }
    }
    let tx = db.begin().await?;
    for row in &mut rows {
        row.insert(&tx).await?;
    }
    tx.commit().await?;

    let mut failures = check_stored(&db, &rows).await?;
    failures.extend(check_each(&rows[..n], |row| check_found(&db, &rows, row)).await?);

    // Every row updated to other hostile values, half through the model, half through
    // an update by filter; `maybe` turns NULL where it held a value, and back.
    let tx = db.begin().await?;
    for (i, row) in rows.iter_mut().enumerate() {
        row.body = values[(i + 1) % n].clone();
        row.maybe = match row.maybe {
            Some(_) if i % 3 == 0 => None,
            _ => Some(values[(i * 7 + 3) % n].clone()),
        };
        if i % 2 == 0 {
            row.update(&tx).await?;
        } else {
            Hostile::query()
                .filter(Hostile::id.eq(row.id))
                .update()
                .set(Hostile::body, row.body.as_str())
                .set(Hostile::maybe, row.maybe.clone())
                .execute(&tx)
                .await?;
        }
    }
    tx.commit().await?;
    failures.extend(check_stored(&db, &rows).await?);
    // `eq` on the new values, for a sample of rows.
    let sample: Vec<Hostile> = rows.iter().step_by(5).cloned().collect();
    failures.extend(
        check_each(&sample, |row| async {
            let got = ids(&db, Hostile::body.eq(row.body.as_str())).await?;
            let want = ids_where(&rows, |r| r.body == row.body);
            Ok(if got == want {
                vec![]
            } else {
                vec![format!(
                    "updated body = {}: ids {got:?}, expected {want:?}",
                    show(&row.body)
                )]
            })
        })
        .await?,
    );

    // The schema survived: both tables there, holding what was written.
    assert_eq!(Hostile::query().count(&db).await?, rows.len() as u64);
    assert_eq!(
        Sentinel::all(&db).await?,
        [Sentinel {
            id: 1,
            note: "still here".into()
        }]
    );
    if dialect == Dialect::Postgres {
        assert!(!nul_values.is_empty());
        check_nul_refused(&db, &nul_values).await?;
    }
    assert!(
        failures.is_empty(),
        "{} mismatches on {dialect}:\n{}",
        failures.len(),
        failures.join("\n")
    );
    Ok(())
}

/// PostgreSQL cannot store NUL in text: inserting, updating or filtering by such a value
/// is `Error::Encode`, refused before it is sent (so a transaction it ran in is not
/// aborted), never a panic or a lost connection, and the next statement works.
async fn check_nul_refused(db: &Database, nul_values: &[String]) -> Result<()> {
    let before = Hostile::query().count(db).await?;
    let assert_refused = |what: &str, v: &str, err: Error| match &err {
        Error::Encode(message) if message.contains("NUL") => {}
        other => panic!("{what} {}: expected Error::Encode, got {other:?}", show(v)),
    };
    for v in nul_values {
        let mut row = Hostile {
            id: 0,
            body: v.clone(),
            maybe: None,
        };
        assert_refused("insert", v, row.insert(db).await.unwrap_err());
        row.body = "fine".into();
        row.maybe = Some(v.clone());
        assert_refused("insert into maybe", v, row.insert(db).await.unwrap_err());
        let err = ids(db, Hostile::body.eq(v.as_str())).await.unwrap_err();
        assert_refused("eq", v, err);
        let err = Hostile::query()
            .filter(Hostile::id.eq(1))
            .update()
            .set(Hostile::maybe, v.as_str())
            .execute(db)
            .await
            .unwrap_err();
        assert_refused("update", v, err);
        // The pool's connections are still good.
        assert_eq!(Hostile::query().count(db).await?, before);
    }
    // Inside a transaction nothing was sent, so the transaction goes on.
    let tx = db.begin().await?;
    let mut row = Hostile {
        id: 0,
        body: nul_values[0].clone(),
        maybe: None,
    };
    assert_refused("insert", &nul_values[0], row.insert(&tx).await.unwrap_err());
    row.body = "kept".into();
    row.insert(&tx).await?;
    tx.rollback().await?;
    assert_eq!(Hostile::query().count(db).await?, before);
    Ok(())
}

/// NUL is a character like any other to `like` on MySQL: it ends neither the stored value
/// nor the pattern. PostgreSQL refuses such a pattern with the same typed error as such a
/// value. SQLite stores and compares NUL exactly, but its LIKE reads a value and a pattern
/// only up to their first NUL (documented in the README): pinned here, so that a change
/// is noticed.
async fn like_and_nul(db: Database) -> TestResult {
    db.create_tables(&[Hostile::table_def()]).await?;
    let postgres = db.dialect() == Dialect::Postgres;
    for body in ["a\0b", "a", "ab", "b"] {
        if !(postgres && body.contains('\0')) {
            Hostile {
                id: 0,
                body: body.into(),
                maybe: None,
            }
            .insert(&db)
            .await?;
        }
    }
    let like = async |pattern: &str| {
        Hostile::query()
            .filter(Hostile::body.like(pattern))
            .order_by(Hostile::id)
            .select(Hostile::body)
            .all(&db)
            .await
    };
    if postgres {
        for pattern in ["%\0%", "a\0%"] {
            match like(pattern).await {
                Err(Error::Encode(_)) => {}
                other => panic!("LIKE {pattern:?}: expected Error::Encode, got {other:?}"),
            }
        }
        assert_eq!(like("%b").await?, ["ab", "b"]);
    } else if db.dialect() == Dialect::Sqlite {
        // "a\0b" is "a" to LIKE; the pattern "%\0%" is "%", and "a\0%" is "a".
        assert_eq!(like("%\0%").await?, ["a\0b", "a", "ab", "b"]);
        assert_eq!(like("a\0%").await?, ["a\0b", "a"]);
        assert_eq!(like("%b").await?, ["ab", "b"]);
        let exact = Hostile::query()
            .filter(Hostile::body.eq("a\0b"))
            .select(Hostile::body)
            .all(&db)
            .await?;
        assert_eq!(exact, ["a\0b"], "eq compares the whole value");
    } else {
        assert_eq!(
            like("%\0%").await?,
            ["a\0b"],
            "only the value holding a NUL"
        );
        assert_eq!(
            like("a\0%").await?,
            ["a\0b"],
            "the NUL does not end the pattern"
        );
        assert_eq!(like("%b").await?, ["a\0b", "ab", "b"], "nor the value");
    }
    Ok(())
}

/// The 1 MiB value, escaped whole, as a pattern: PostgreSQL and MySQL find its row;
/// SQLite refuses patterns over 50,000 bytes (`SQLITE_LIMIT_LIKE_PATTERN_LENGTH`),
/// which must come back as a typed error, not a panic or a wrong answer.
async fn a_pattern_as_long_as_the_longest_value(db: Database) -> TestResult {
    db.create_tables(&[Hostile::table_def()]).await?;
    let mut value = one_mebibyte();
    if db.dialect() == Dialect::Postgres {
        value = value.replace('\0', "0");
    }
    let mut row = Hostile {
        id: 0,
        body: value.clone(),
        maybe: Some(value.clone()),
    };
    row.insert(&db).await?;
    // The same less its last character: an exact pattern must not match it.
    let mut shorter = value.clone();
    shorter.pop();
    Hostile {
        id: 0,
        body: shorter,
        maybe: None,
    }
    .insert(&db)
    .await?;
    let found = ids(&db, Hostile::body.like(escape_like(&value).as_str())).await;
    match db.dialect() {
        Dialect::Sqlite => match found {
            Err(Error::Database { message, .. }) => {
                assert_eq!(message, "LIKE or GLOB pattern too complex");
            }
            other => panic!("expected SQLite's pattern length limit, got {other:?}"),
        },
        _ => assert_eq!(found?, [row.id]),
    }
    // `eq` has no such limit anywhere.
    assert_eq!(ids(&db, Hostile::body.eq(value.as_str())).await?, [row.id]);
    assert_eq!(ids(&db, Hostile::maybe.eq(value.as_str())).await?, [row.id]);
    Ok(())
}

/// The hostile values through `insert_all`, more rows than one statement takes (on
/// PostgreSQL one `COPY`, whose text format has escapes of its own): every row reads back
/// as written, and a value PostgreSQL cannot hold is the same typed error as for
/// `insert`, with nothing written.
async fn hostile_strings_through_insert_all(db: Database) -> TestResult {
    let dialect = db.dialect();
    db.create_tables(&[Hostile::table_def()]).await?;
    let (values, nul_values): (Vec<String>, Vec<String>) = corpus()
        .into_iter()
        .partition(|s| dialect != Dialect::Postgres || !s.contains('\0'));
    let n = values.len();
    let mut rows: Vec<Hostile> = (0..2 * n)
        .map(|i| Hostile {
            id: 0,
            body: values[i % n].clone(),
            maybe: (i % 10 != 9).then(|| values[(i * 7 + 3) % n].clone()),
        })
        .collect();
    assert!(
        rows.len() > 1_000,
        "{} rows: one statement would take them",
        rows.len()
    );
    assert_eq!(Hostile::insert_all(&rows, &db).await?, rows.len() as u64);
    // Keys in the order the rows were sent.
    for (row, id) in rows.iter_mut().zip(1..) {
        row.id = id;
    }
    let failures = check_stored(&db, &rows).await?;
    assert!(
        failures.is_empty(),
        "{} mismatches on {dialect}:\n{}",
        failures.len(),
        failures.join("\n")
    );
    if let Some(nul) = nul_values.first() {
        let mut many = rows.clone();
        many[1_000].maybe = Some(nul.clone());
        let err = Hostile::insert_all(&many, &db).await.unwrap_err();
        assert!(
            matches!(&err, Error::Encode(m) if m.contains("NUL")),
            "{err:?}"
        );
        assert_eq!(Hostile::query().count(&db).await?, rows.len() as u64);
    }
    Ok(())
}

backend_tests!(
    hostile_strings_through_insert_all,
    hostile_strings_round_trip,
    like_and_nul,
    a_pattern_as_long_as_the_longest_value,
);
