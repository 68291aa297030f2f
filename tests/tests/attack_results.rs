//! Attack section: results that were silently wrong on one backend, each kept fixed on
//! every backend. Decimals compare and sort as numbers on SQLite, strings compare exactly
//! on MariaDB (no PAD SPACE), `max_length` is one typed error everywhere, and statements
//! over a backend's bind limit are refused before they are sent.

use std::str::FromStr;

use orm_core::prelude::*;
use orm_tests::{TestResult, backend_tests};
use rust_decimal::Decimal;

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "attack_prices")]
struct Price {
    #[orm(primary_key)]
    id: i64,
    amount: Decimal,
    discount: Option<Decimal>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "attack_tags")]
struct Tag {
    #[orm(primary_key)]
    id: i64,
    #[orm(unique)]
    name: String,
    note: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "attack_codes")]
struct Code {
    #[orm(primary_key)]
    id: i64,
    #[orm(max_length = 5)]
    code: String,
    #[orm(max_length = 3)]
    label: Option<String>,
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

async fn prices(db: &Database, amounts: &[&str]) -> orm_core::Result<()> {
    db.create_tables(&[Price::table_def()]).await?;
    for (i, a) in amounts.iter().enumerate() {
        let discount = (i % 2 == 0).then(|| dec(a) / Decimal::from(10));
        Price {
            id: 0,
            amount: dec(a),
            discount,
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// 9.99, 10.00, 100.00 and 2.50: as text, `> 5` matched one and the order was
/// 10.00, 100.00, 2.50, 9.99.
async fn decimals_compare_and_sort_as_numbers(db: Database) -> TestResult {
    prices(&db, &["9.99", "10.00", "100.00", "2.50"]).await?;
    let over_five = Price::query()
        .filter(Price::amount.gt(dec("5")))
        .count(&db)
        .await?;
    assert_eq!(over_five, 3);
    let ordered: Vec<Decimal> = Price::query()
        .select(Price::amount)
        .order_by(Price::amount)
        .all(&db)
        .await?;
    assert_eq!(
        ordered,
        [dec("2.50"), dec("9.99"), dec("10.00"), dec("100.00")]
    );
    let descending: Vec<Decimal> = Price::query()
        .select(Price::amount)
        .order_by(Price::amount.desc())
        .all(&db)
        .await?;
    assert_eq!(descending[0], dec("100.00"));
    // Equal numbers in other spellings are equal.
    let ten = Price::query()
        .filter(Price::amount.eq(dec("10")))
        .one(&db)
        .await?;
    assert_eq!(ten.amount, dec("10.00"));
    assert_eq!(
        Price::query()
            .filter(Price::amount.between(dec("2.5"), dec("10")))
            .count(&db)
            .await?,
        3
    );
    assert_eq!(
        Price::query()
            .filter(Price::amount.is_in([dec("2.5"), dec("100")]))
            .count(&db)
            .await?,
        2
    );
    assert_eq!(
        Price::query()
            .filter(Price::discount.lt(dec("1")))
            .count(&db)
            .await?,
        1,
        "0.999 < 1, 10.000 is not, NULLs never match"
    );
    // Read back exactly: the text SQLite keeps, the scale the servers keep.
    let all = Price::all(&db).await?;
    assert_eq!(all[0].amount.to_string().trim_end_matches('0'), "9.99");
    Ok(())
}

/// `sum`, `min` and `max` of a decimal are decimals, exact where the backend computes
/// them exactly (PostgreSQL's NUMERIC, MySQL's DECIMAL); SQLite computes them as doubles,
/// which is exact for these.
async fn decimal_aggregates(db: Database) -> TestResult {
    prices(&db, &["9.99", "10.00", "100.00", "2.50", "0.01"]).await?;
    let (sum, min, max): (Option<Decimal>, Option<Decimal>, Option<Decimal>) = Price::query()
        .select((
            Price::amount.sum(),
            Price::amount.min(),
            Price::amount.max(),
        ))
        .one(&db)
        .await?;
    assert_eq!(sum, Some(dec("122.50")));
    assert_eq!(min, Some(dec("0.01")));
    assert_eq!(max, Some(dec("100")));
    let avg = Price::query().select(Price::amount.avg()).one(&db).await?;
    assert!((avg.unwrap() - 24.5).abs() < 1e-9, "{avg:?}");
    let none: Option<Decimal> = Price::query()
        .filter(Price::id.lt(0))
        .select(Price::discount.sum())
        .one(&db)
        .await?;
    assert_eq!(none, None);
    Ok(())
}

/// A decimal column set from a decimal column keeps the exact value: only comparisons see
/// SQLite's decimals as doubles (a cast there would store "100.0" and round the long one).
async fn decimals_copied_by_update_stay_exact(db: Database) -> TestResult {
    prices(&db, &["100.00", "12345678901234567.89"]).await?;
    let before = Price::all(&db).await?;
    Price::query()
        .update()
        .set(Price::amount, Price::amount)
        .execute(&db)
        .await?;
    let after = Price::all(&db).await?;
    assert_eq!(after, before);
    if db.dialect() == Dialect::Sqlite {
        // The stored text itself, scale included.
        let texts: Vec<String> = after.iter().map(|p| p.amount.to_string()).collect();
        assert_eq!(texts, ["100.00", "12345678901234567.89"]);
    }
    Ok(())
}

/// An SQLite database made by another tool: `NUMERIC` columns, whose affinity stores
/// numbers as INTEGER or REAL (and text that is no number as TEXT).
async fn existing_sqlite_numeric_columns_read_and_sort(db: Database) -> TestResult {
    if db.dialect() != Dialect::Sqlite {
        return Ok(());
    }
    raw("CREATE TABLE attack_prices (id INTEGER PRIMARY KEY, amount NUMERIC NOT NULL, discount DECIMAL(10, 2))")
        .execute(&db)
        .await?;
    raw("INSERT INTO attack_prices VALUES (1, 9.99, NULL), (2, 10, 1), (3, '100.00', 0.5), (4, 2.5, NULL)")
        .execute(&db)
        .await?;
    let all = Price::query().order_by(Price::amount).all(&db).await?;
    let amounts: Vec<Decimal> = all.iter().map(|p| p.amount).collect();
    assert_eq!(amounts, [dec("2.5"), dec("9.99"), dec("10"), dec("100")]);
    assert_eq!(all[2].discount, Some(dec("1")));
    assert_eq!(all[3].discount, Some(dec("0.5")));
    assert_eq!(
        Price::query()
            .filter(Price::amount.gt(dec("5")))
            .count(&db)
            .await?,
        3
    );
    Ok(())
}

/// `eq("a")` matched `"a "` and `"a  "` on MariaDB (a PAD SPACE collation), and unique
/// keys `'k'` and `'k '` collided.
async fn strings_compare_exactly_with_trailing_spaces(db: Database) -> TestResult {
    db.create_tables(&[Tag::table_def()]).await?;
    let names = ["a", "a ", "a  ", "", " ", "k", "k ", " k"];
    for name in names {
        Tag {
            id: 0,
            name: name.into(),
            note: Some(name.into()),
        }
        .insert(&db)
        .await?;
    }
    for name in names {
        let found = Tag::query().filter(Tag::name.eq(name)).all(&db).await?;
        assert_eq!(found.len(), 1, "eq({name:?}) found {found:?}");
        assert_eq!(found[0].name, name);
        let by_note = Tag::query().filter(Tag::note.eq(name)).count(&db).await?;
        assert_eq!(by_note, 1, "note eq({name:?})");
    }
    let below_a = Tag::query().filter(Tag::name.lt("a ")).count(&db).await?;
    assert_eq!(below_a, 4, "'', ' ', ' k' and 'a' sort before 'a '");
    Ok(())
}

/// `max_length` is checked before anything is written, with the same typed error naming
/// table and column on every backend; nothing of a refused write is stored.
async fn max_length_is_one_typed_error(db: Database) -> TestResult {
    db.create_tables(&[Code::table_def()]).await?;
    let is_too_long = |e: &Error, column: &str, max: u32| {
        matches!(e, Error::ValueTooLong { table: Some(t), column: Some(c), max_length: Some(m) }
            if t == "attack_codes" && c == column && *m == max)
    };
    // Five characters in six bytes fit.
    let mut ok = Code {
        id: 0,
        code: "héllo".into(),
        label: Some("abc".into()),
    };
    ok.insert(&db).await?;
    let mut long = Code {
        id: 0,
        code: "abcdef".into(),
        label: None,
    };
    let e = long.insert(&db).await.unwrap_err();
    assert!(is_too_long(&e, "code", 5), "{e:?}");
    assert!(e.to_string().contains("`attack_codes`.`code`"), "{e}");
    let mut long_label = ok.clone();
    long_label.label = Some("abcd".into());
    let e = long_label.update(&db).await.unwrap_err();
    assert!(is_too_long(&e, "label", 3), "{e:?}");
    let e = Code::query()
        .filter(Code::id.eq(ok.id))
        .update()
        .set(Code::code, "toolong")
        .execute(&db)
        .await
        .unwrap_err();
    assert!(is_too_long(&e, "code", 5), "{e:?}");
    assert_eq!(Code::all(&db).await?, [ok.clone()], "nothing was written");
    // Raw SQL goes past the ORM: the servers refuse it with the same variant.
    if db.dialect() != Dialect::Sqlite {
        let sql = match db.dialect() {
            Dialect::Postgres => "UPDATE attack_codes SET code = $1",
            _ => "UPDATE attack_codes SET code = ?",
        };
        let e = raw(sql).bind("abcdefgh").execute(&db).await.unwrap_err();
        assert!(matches!(e, Error::ValueTooLong { .. }), "{e:?}");
    }
    Ok(())
}

/// A statement over the bind limit was a "cannot connect" error on PostgreSQL, which
/// retry logic took for a transient failure. `is_in` with a long list works where the
/// list can be one array parameter (PostgreSQL); elsewhere it is refused, typed, before
/// it is sent, and the connection stays usable.
async fn bind_limits_are_typed_and_long_in_lists_work_on_postgres(db: Database) -> TestResult {
    db.create_tables(&[Tag::table_def()]).await?;
    for name in ["x", "y", "z"] {
        Tag {
            id: 0,
            name: name.into(),
            note: None,
        }
        .insert(&db)
        .await?;
    }
    let ids: Vec<i64> = (1..=100_000).collect();
    let found = Tag::query()
        .filter(Tag::id.is_in(ids.clone()))
        .count(&db)
        .await;
    let not_found = Tag::query()
        .filter(Tag::id.not_in(ids.clone()))
        .count(&db)
        .await;
    match db.dialect() {
        Dialect::Postgres => {
            assert_eq!(found?, 3);
            assert_eq!(not_found?, 0);
            // NULLs in the list keep SQL's meaning: `IN` of a NULL is never true.
            let with_null = Tag::query()
                .filter(Tag::note.is_in([None, Some("x".to_string())]))
                .count(&db)
                .await?;
            assert_eq!(with_null, 0);
            let not_in_null = Tag::query()
                .filter(Tag::note.not_in([None, Some("x".to_string())]))
                .count(&db)
                .await?;
            assert_eq!(not_in_null, 0, "NOT IN a list with a NULL is never true");
            // A wrong number of bound values is the statement's fault (SQLSTATE 08P01),
            // not a broken connection.
            let e = raw("SELECT $1::BIGINT, $2::BIGINT")
                .bind(1_i64)
                .fetch_all(&db)
                .await
                .unwrap_err();
            assert!(!matches!(e, Error::Connection { .. }), "{e:?}");
        }
        _ => {
            let e = found.unwrap_err();
            assert!(
                matches!(e, Error::TooManyParameters { count: 100_000, limit } if limit == db.dialect().max_parameters()),
                "{e:?}"
            );
            assert!(!e.is_transient());
        }
    }
    // A raw statement over the limit is refused the same way, on every backend.
    let mut sql = String::from("SELECT 1 WHERE 1 IN (");
    let over = db.dialect().max_parameters() + 1;
    for i in 0..over {
        if i > 0 {
            sql.push_str(", ");
        }
        match db.dialect() {
            Dialect::Postgres => sql.push_str(&format!("${}", i + 1)),
            _ => sql.push('?'),
        }
    }
    sql.push(')');
    let mut statement = Raw::dynamic(sql);
    for i in 0..over {
        statement = statement.bind(i64::try_from(i)?);
    }
    let e = statement.fetch_all(&db).await.unwrap_err();
    assert!(matches!(e, Error::TooManyParameters { .. }), "{e:?}");
    assert_eq!(Tag::query().count(&db).await?, 3, "the pool still answers");
    Ok(())
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "attack_owners")]
struct Owner {
    #[orm(primary_key)]
    id: i64,
    name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "attack_pets", unique(columns("owner_id", "name")))]
struct Pet {
    #[orm(primary_key)]
    id: i64,
    #[orm(references(Owner))]
    owner_id: i64,
    name: String,
}

/// Constraint errors of a model's writes name table and constraint the same way on every
/// backend (MariaDB's unique errors had no table, SQLite's no constraint, and an SQLite
/// foreign-key failure neither).
async fn constraint_errors_name_table_and_constraint(db: Database) -> TestResult {
    db.create_tables(&[Tag::table_def(), Owner::table_def(), Pet::table_def()])
        .await?;
    let named = |e: &Error, table: &str, constraint: Option<&str>| match e {
        Error::UniqueViolation {
            table: t,
            constraint: c,
            ..
        }
        | Error::ForeignKeyViolation {
            table: t,
            constraint: c,
            ..
        } => t.as_deref() == Some(table) && c.as_deref() == constraint,
        _ => false,
    };
    let tag = |name: &str| Tag {
        id: 0,
        name: name.into(),
        note: None,
    };
    tag("one").insert(&db).await?;
    let e = tag("one").insert(&db).await.unwrap_err();
    assert!(matches!(e, Error::UniqueViolation { .. }), "{e:?}");
    assert!(
        named(&e, "attack_tags", Some("uq_attack_tags_name")),
        "{e:?}"
    );
    let mut two = tag("two");
    two.insert(&db).await?;
    two.name = "one".into();
    let e = two.update(&db).await.unwrap_err();
    assert!(
        named(&e, "attack_tags", Some("uq_attack_tags_name")),
        "{e:?}"
    );

    let mut owner = Owner {
        id: 0,
        name: "ann".into(),
    };
    owner.insert(&db).await?;
    let pet = |owner_id: i64, name: &str| Pet {
        id: 0,
        owner_id,
        name: name.into(),
    };
    pet(owner.id, "rex").insert(&db).await?;
    let e = pet(owner.id, "rex").insert(&db).await.unwrap_err();
    assert!(
        named(&e, "attack_pets", Some("uq_attack_pets_owner_id_name")),
        "{e:?}"
    );
    let e = pet(owner.id + 100, "ghost").insert(&db).await.unwrap_err();
    assert!(matches!(e, Error::ForeignKeyViolation { .. }), "{e:?}");
    // SQLite does not say which foreign key failed.
    let fk = (db.dialect() != Dialect::Sqlite).then_some("fk_attack_pets_owner_id");
    assert!(named(&e, "attack_pets", fk), "{e:?}");

    // A NULL into a NOT NULL column, by raw SQL: the column on every backend.
    let sql = match db.dialect() {
        Dialect::Postgres => "INSERT INTO attack_owners (name) VALUES ($1)",
        _ => "INSERT INTO attack_owners (name) VALUES (?)",
    };
    let e = raw(sql)
        .bind(None::<String>)
        .execute(&db)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::NotNullViolation { constraint: Some(c), .. } if c == "name"),
        "{e:?}"
    );
    Ok(())
}

backend_tests!(
    decimals_compare_and_sort_as_numbers,
    decimal_aggregates,
    decimals_copied_by_update_stay_exact,
    existing_sqlite_numeric_columns_read_and_sort,
    strings_compare_exactly_with_trailing_spaces,
    max_length_is_one_typed_error,
    bind_limits_are_typed_and_long_in_lists_work_on_postgres,
    constraint_errors_name_table_and_constraint,
);
