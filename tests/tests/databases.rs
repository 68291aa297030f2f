//! Several databases behind one application: models bound to a named database, each
//! database's `create_all`, and a typed error for a statement or transaction that would
//! reach a model of another database.
//!
//! The "analytics" database here is a second pool on the test's own database, named: the
//! checks are the ORM's, made before anything is sent.

use orm_core::prelude::*;
use orm_tests::{TestResult, backend_tests};

/// A model of the unnamed (main) database.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "dbs_users")]
struct User {
    #[orm(primary_key)]
    id: i64,
    #[orm(max_length = 40)]
    name: String,
}

/// A model of the database named "analytics".
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "dbs_events", database = "analytics")]
struct Event {
    #[orm(primary_key)]
    id: i64,
    #[orm(max_length = 40)]
    kind: String,
}

/// Another model of "analytics", referencing the first.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "dbs_details", database = "analytics")]
struct Detail {
    #[orm(primary_key)]
    id: i64,
    #[orm(references(Event))]
    event_id: i64,
    note: Option<String>,
}

async fn analytics(db: &Database) -> Result<Database> {
    Database::options(db.url())
        .name("analytics")
        .max_connections(2)
        .connect()
        .await
}

fn other_database(result: Result<impl std::fmt::Debug>, model: &str) {
    match result {
        Err(Error::OtherDatabase { model: m, .. }) => assert_eq!(m, model),
        other => panic!("expected OtherDatabase for {model}, got {other:?}"),
    }
}

async fn create_all_makes_each_databases_own_tables(db: Database) -> TestResult {
    let analytics = analytics(&db).await?;
    db.create_all().await?;
    // Only the main database's model: the analytics tables are not there yet.
    assert_eq!(User::query().count(&db).await?, 0);
    assert!(Event::query().count(&analytics).await.is_err());
    analytics.create_all().await?;
    let mut event = Event {
        id: 0,
        kind: "click".into(),
    };
    event.insert(&analytics).await?;
    Detail {
        id: 0,
        event_id: event.id,
        note: None,
    }
    .insert(&analytics)
    .await?;
    assert_eq!(Event::query().count(&analytics).await?, 1);
    analytics.drop_all().await?;
    assert_eq!(User::query().count(&db).await?, 0, "the main tables stay");
    analytics.close().await;
    Ok(())
}

async fn statements_never_reach_another_databases_model(db: Database) -> TestResult {
    let analytics = analytics(&db).await?;
    db.create_all().await?;
    analytics.create_all().await?;
    let mut event = Event {
        id: 0,
        kind: "view".into(),
    };
    other_database(event.insert(&db).await, "Event");
    other_database(Event::query().all(&db).await, "Event");
    other_database(Event::query().count(&db).await, "Event");
    other_database(Event::get(&db, 1).await, "Event");
    other_database(Event::query().delete(&db).await, "Event");
    other_database(
        Event::query()
            .update()
            .set(Event::kind, "x")
            .execute(&db)
            .await,
        "Event",
    );
    other_database(User::query().all(&analytics).await, "User");
    other_database(
        Event::insert_all(
            &[Event {
                id: 0,
                kind: "a".into(),
            }],
            &db,
        )
        .await,
        "Event",
    );
    // Nothing was written anywhere.
    assert_eq!(Event::query().count(&analytics).await?, 0);

    // A transaction is one database's: the refused statement leaves it usable.
    let tx = db.begin().await?;
    other_database(Event::query().all(&tx).await, "Event");
    User {
        id: 0,
        name: "ann".into(),
    }
    .insert(&tx)
    .await?;
    tx.commit().await?;
    assert_eq!(User::query().count(&db).await?, 1);

    // A session flushes in one transaction on one database: an object of another
    // database's model fails the flush, and nothing of it is written.
    let mut session = db.session();
    session.add(User {
        id: 0,
        name: "bo".into(),
    });
    session.add(Event {
        id: 0,
        kind: "stray".into(),
    });
    other_database(session.commit().await, "Event");
    drop(session);
    assert_eq!(User::query().count(&db).await?, 1);

    // A subquery reading another database's model is refused with the rest.
    let in_other = User::query()
        .filter(User::name.in_query(Event::query().select(Event::kind)))
        .all(&db)
        .await;
    other_database(in_other, "Event");

    // Both models of one database join; the message names both databases.
    event.insert(&analytics).await?;
    Detail {
        id: 0,
        event_id: event.id,
        note: Some("n".into()),
    }
    .insert(&analytics)
    .await?;
    let joined = Detail::query()
        .join(Detail::event())
        .all(&analytics)
        .await?;
    assert_eq!(joined.len(), 1);
    let message = Event::query().all(&db).await.unwrap_err().to_string();
    assert!(
        message.contains("`analytics`") && message.contains("(unnamed)"),
        "{message}"
    );
    analytics.close().await;
    Ok(())
}

backend_tests!(
    create_all_makes_each_databases_own_tables,
    statements_never_reach_another_databases_model,
);
