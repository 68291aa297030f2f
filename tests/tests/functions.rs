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

backend_tests!(functions_read_as_sql_says);
