//! Scalar SQL functions in filters, selections and ordering, on every backend.

use orm_core::prelude::*;
use orm_tests::{TestResult, backend_tests};

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "fn_people")]
struct Person {
    #[orm(primary_key)]
    id: i64,
    name: String,
    bio: Option<String>,
    score: i32,
}

async fn functions_read_as_sql_says(db: Database) -> TestResult {
    db.create_tables(&[Person::table_def()]).await?;
    for (name, bio, score) in [("Ann", None, -3), ("bob", Some("x"), 5), ("Émile", None, 0)] {
        Person {
            id: 0,
            name: name.into(),
            bio: bio.map(Into::into),
            score,
        }
        .insert(&db)
        .await?;
    }
    let ann: Vec<String> = Person::query()
        .select(Person::name)
        .filter(Person::name.lower().eq("ann"))
        .all(&db)
        .await?;
    assert_eq!(ann, ["Ann"]);

    let shapes: Vec<(String, Option<i64>, String, i32)> = Person::query()
        .select((
            Person::name.upper(),
            Person::name.length(),
            Person::bio.coalesce("none"),
            Person::score.abs(),
        ))
        .order_by(Person::id)
        .all(&db)
        .await?;
    assert_eq!(
        shapes,
        [
            ("ANN".to_string(), Some(3), "none".to_string(), 3),
            ("BOB".to_string(), Some(3), "x".to_string(), 5),
            ("ÉMILE".to_string(), Some(5), "none".to_string(), 0),
        ]
    );

    // Ordered by a function of a column, filtered by one that compares as a number.
    let by_distance: Vec<String> = Person::query()
        .select(Person::name)
        .filter(Person::score.abs().lt(5))
        .order_by(Person::score.abs().desc())
        .all(&db)
        .await?;
    assert_eq!(by_distance, ["Ann", "Émile"]);
    let long_names = Person::query()
        .filter(Person::name.length().gt(3))
        .count(&db)
        .await?;
    assert_eq!(long_names, 1);
    Ok(())
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "fn_readings")]
struct Reading {
    #[orm(primary_key)]
    id: i64,
    value: f64,
    code: String,
    at: chrono::DateTime<chrono::Utc>,
    local: chrono::NaiveDateTime,
    on: Option<chrono::NaiveDate>,
}

fn utc(s: &str) -> chrono::DateTime<chrono::Utc> {
    s.parse().expect("a date and time")
}

/// `round`, casts, `CASE`, date parts and `now()` give the same values everywhere, and
/// filter and sort by them.
async fn rounding_casts_cases_and_dates(db: Database) -> TestResult {
    db.create_tables(&[Reading::table_def()]).await?;
    let rows = [
        (2.5, "10", "2024-02-29T23:59:58Z", Some("2024-02-29")),
        (-2.5, "9", "1999-12-31T00:00:07.250Z", None),
        (1.25, "100", "2030-07-04T12:30:00Z", Some("2030-07-04")),
    ];
    for (value, code, at, on) in rows {
        let at = utc(at);
        Reading {
            id: 0,
            value,
            code: code.into(),
            at,
            local: at.naive_utc(),
            on: on.map(|d| d.parse().expect("a date")),
        }
        .insert(&db)
        .await?;
    }
    // Half away from zero, whatever the backend's own rule for doubles.
    let rounded: Vec<(f64, f64)> = Reading::query()
        .select((Reading::value.round(0), Reading::value.round(1)))
        .order_by(Reading::id)
        .all(&db)
        .await?;
    assert_eq!(rounded, [(3.0, 2.5), (-3.0, -2.5), (1.0, 1.3)]);
    // To hundreds, half away from zero too.
    let hundreds: Vec<f64> = Reading::query()
        .select(Reading::value.mul(1000.0).round(-2))
        .order_by(Reading::id)
        .all(&db)
        .await?;
    assert_eq!(hundreds, [2500.0, -2500.0, 1300.0]);
    // Text sorts as text; cast, it sorts as numbers.
    let as_text: Vec<String> = Reading::query()
        .select(Reading::code)
        .order_by(Reading::code)
        .all(&db)
        .await?;
    assert_eq!(as_text, ["10", "100", "9"]);
    let as_numbers: Vec<i64> = Reading::query()
        .select(Reading::code.cast_to_integer())
        .filter(Reading::code.cast_to_integer().gt(9))
        .order_by(Reading::code.cast_to_integer())
        .all(&db)
        .await?;
    assert_eq!(as_numbers, [10, 100]);
    let ids_as_text: Vec<String> = Reading::query()
        .select(Reading::id.cast_to_text())
        .order_by(Reading::id)
        .all(&db)
        .await?;
    assert_eq!(ids_as_text, ["1", "2", "3"]);
    let halves: Vec<f64> = Reading::query()
        .select(Reading::code.cast_to_float().div(4.0))
        .order_by(Reading::id)
        .all(&db)
        .await?;
    assert_eq!(halves, [2.5, 2.25, 25.0]);
    // CASE WHEN, selected and sorted by.
    let sign = || {
        Reading::value
            .gt(2.0)
            .then("high")
            .when(Reading::value.lt(0.0), "negative")
            .otherwise("low")
    };
    let signs: Vec<(String, i64)> = Reading::query()
        .select((sign(), Reading::id))
        .order_by(sign())
        .all(&db)
        .await?;
    assert_eq!(
        signs,
        [
            ("high".into(), 1),
            ("low".into(), 3),
            ("negative".into(), 2)
        ]
    );
    let flagged: Vec<Option<i32>> = Reading::query()
        .select(Reading::value.lt(0.0).then(1).end())
        .order_by(Reading::id)
        .all(&db)
        .await?;
    assert_eq!(flagged, [None, Some(1), None]);
    // Parts of dates and times, in UTC, of zoned and naive columns alike.
    type Parts = (i32, i32, i32, i32, i32, i32);
    let zoned: Vec<Parts> = Reading::query()
        .select((
            Reading::at.year(),
            Reading::at.month(),
            Reading::at.day(),
            Reading::at.hour(),
            Reading::at.minute(),
            Reading::at.second(),
        ))
        .order_by(Reading::id)
        .all(&db)
        .await?;
    let expected: Vec<Parts> = vec![
        (2024, 2, 29, 23, 59, 58),
        (1999, 12, 31, 0, 0, 7),
        (2030, 7, 4, 12, 30, 0),
    ];
    assert_eq!(zoned, expected);
    let naive: Vec<(i32, i32)> = Reading::query()
        .select((Reading::local.year(), Reading::local.hour()))
        .order_by(Reading::id)
        .all(&db)
        .await?;
    assert_eq!(naive, [(2024, 23), (1999, 0), (2030, 12)]);
    let leap_days: Vec<Option<i32>> = Reading::query()
        .select(Reading::on.day())
        .filter(Reading::on.month().eq(2))
        .all(&db)
        .await?;
    assert_eq!(leap_days, [Some(29)]);
    let by_year: Vec<i64> = Reading::query()
        .select(Reading::id)
        .order_by(Reading::at.year().desc())
        .all(&db)
        .await?;
    assert_eq!(by_year, [3, 1, 2]);
    // now(): the past is before it and the future after it, on both column types.
    use orm_core::query::now;
    let past: Vec<i64> = Reading::query()
        .select(Reading::id)
        .filter(Reading::at.lt(now()))
        .filter(Reading::local.lt(now()))
        .order_by(Reading::id)
        .all(&db)
        .await?;
    assert_eq!(past, [1, 2]);
    let clock: chrono::DateTime<chrono::Utc> =
        Reading::query().select(now()).limit(1).one(&db).await?;
    let drift = (chrono::Utc::now() - clock).num_seconds().abs();
    assert!(drift < 120, "the database's clock is {drift} s from ours");
    Ok(())
}

backend_tests!(rounding_casts_cases_and_dates, functions_read_as_sql_says);
