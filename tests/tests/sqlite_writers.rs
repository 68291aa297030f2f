//! The embedded default under concurrent writers: write transactions queue instead of
//! failing, readers keep reading while a writer works, and a writer that waits too long
//! gets `Busy` after the busy timeout, not before.
//!
//! Before, 16 tasks each running read-then-write transactions committed 14 units of 160:
//! a transaction begun with a plain `BEGIN` that reads first cannot upgrade to a writer
//! while another connection writes, and SQLite refused it at once.

use std::sync::Arc;
use std::time::{Duration, Instant};

use orm_core::db::TransactionOptions;
use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[orm(table = "writer_counters")]
struct Counter {
    #[orm(primary_key)]
    id: i64,
    value: i64,
}

async fn file_database(name: &str, busy: Duration) -> (tempfile::TempDir, Database) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}",
        dir.path().join(format!("{name}.db")).display()
    );
    let db = Database::options(&url)
        .sqlite_busy_timeout(busy)
        .connect()
        .await
        .unwrap();
    db.create_tables(&[Counter::table_def()]).await.unwrap();
    Counter { id: 1, value: 0 }.insert(&db).await.unwrap();
    (dir, db)
}

/// 16 tasks × 10 units that read the counter and write it back, with no retry helper:
/// every unit commits and no increment is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_read_then_write_units_all_commit() {
    let (_dir, db) = file_database("queue", Duration::from_secs(5)).await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let db = db.clone();
        tasks.spawn(async move {
            let mut failures = Vec::new();
            for _ in 0..10 {
                let result = db
                    .transaction(async |tx| {
                        let mut c = Counter::get(tx, 1)
                            .await?
                            .ok_or_else(Error::not_found::<Counter>)?;
                        tokio::task::yield_now().await;
                        c.value += 1;
                        c.update(tx).await
                    })
                    .await;
                if let Err(e) = result {
                    failures.push(e.to_string());
                }
            }
            failures
        });
    }
    let mut failures = Vec::new();
    while let Some(done) = tasks.join_next().await {
        failures.extend(done.unwrap());
    }
    assert!(
        failures.is_empty(),
        "{} failed: {failures:?}",
        failures.len()
    );
    assert_eq!(Counter::get(&db, 1).await.unwrap().unwrap().value, 160);
}

/// While a writer holds the database, read-only transactions and plain reads go on
/// (WAL), seeing the last committed value.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_are_not_held_up_by_a_writer() {
    let (_dir, db) = file_database("readers", Duration::from_secs(5)).await;
    let writer = db.begin().await.unwrap();
    Counter { id: 1, value: 41 }.update(&writer).await.unwrap();
    let started = Instant::now();
    let reader = db
        .begin_with(TransactionOptions::new().read_only(true))
        .await
        .unwrap();
    assert_eq!(Counter::get(&reader, 1).await.unwrap().unwrap().value, 0);
    reader.commit().await.unwrap();
    assert_eq!(Counter::get(&db, 1).await.unwrap().unwrap().value, 0);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "readers waited {:?}",
        started.elapsed()
    );
    writer.commit().await.unwrap();
    assert_eq!(Counter::get(&db, 1).await.unwrap().unwrap().value, 41);
}

/// A writer waits its turn up to the busy timeout, then gets `Busy` (transient), like
/// SQLite's own answer: never before the timeout has passed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writer_waits_the_busy_timeout_then_is_busy() {
    let busy = Duration::from_millis(300);
    let (_dir, db) = file_database("busy", busy).await;
    let holder = db.begin().await.unwrap();
    let started = Instant::now();
    let Err(err) = db.begin().await else {
        panic!("the holder keeps its turn");
    };
    assert!(matches!(err, Error::Busy { .. }), "{err:?}");
    assert!(err.is_transient());
    assert!(
        started.elapsed() >= busy,
        "failed after {:?}",
        started.elapsed()
    );
    // The turn passes on as soon as the holder ends.
    let waiter = {
        let db = db.clone();
        tokio::spawn(async move { db.begin().await.map(drop) })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    holder.rollback().await.unwrap();
    waiter.await.unwrap().unwrap();
}

/// A transaction dropped without commit (a cancelled future) gives up its turn.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_transaction_gives_up_its_turn() {
    let (_dir, db) = file_database("dropped", Duration::from_secs(5)).await;
    let db = Arc::new(db);
    let tx = db.begin().await.unwrap();
    Counter { id: 1, value: 7 }.update(&tx).await.unwrap();
    drop(tx);
    let next = tokio::time::timeout(Duration::from_secs(2), db.begin())
        .await
        .expect("the turn was given up")
        .unwrap();
    assert_eq!(Counter::get(&next, 1).await.unwrap().unwrap().value, 0);
    next.commit().await.unwrap();
}

/// The outermost transaction dropped while a savepoint's handle lives on still gives up
/// its turn: the database is rolled back, and the next writer need not wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_transaction_with_a_live_savepoint_gives_up_its_turn() {
    let (_dir, db) = file_database("savepoint", Duration::from_secs(5)).await;
    let tx = db.begin().await.unwrap();
    let savepoint = tx.begin().await.unwrap();
    drop(tx);
    let next = tokio::time::timeout(Duration::from_secs(2), db.begin())
        .await
        .expect("the turn was given up")
        .unwrap();
    next.commit().await.unwrap();
    drop(savepoint);
}

/// Writes outside a transaction queue with the write transactions: under a steady load of
/// transactions, none of them waits out the busy timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_outside_transactions_queue_with_them() {
    let (_dir, db) = file_database("plain", Duration::from_secs(5)).await;
    let mut tasks: tokio::task::JoinSet<orm_core::Result<()>> = tokio::task::JoinSet::new();
    for task in 0..8_i64 {
        let db = db.clone();
        tasks.spawn(async move {
            for i in 0..20 {
                if task % 2 == 0 {
                    db.transaction(async |tx| {
                        let mut c = Counter::get(tx, 1)
                            .await?
                            .ok_or_else(Error::not_found::<Counter>)?;
                        c.value += 1;
                        c.update(tx).await
                    })
                    .await?;
                } else if i % 2 == 0 {
                    Counter {
                        id: 1000 + task * 100 + i,
                        value: 1,
                    }
                    .insert(&db)
                    .await?;
                } else {
                    let mut one = [Counter { id: 0, value: 1 }];
                    Counter::insert_many(&mut one, &db).await?;
                }
            }
            Ok(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap().unwrap();
    }
    assert_eq!(Counter::get(&db, 1).await.unwrap().unwrap().value, 80);
    assert_eq!(Counter::query().count(&db).await.unwrap(), 81);
}
