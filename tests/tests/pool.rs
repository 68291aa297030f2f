//! The pool under one task: a `Database` keeps its last connection warm, so a task's
//! statements stay on one connection instead of growing the pool, and nothing that uses
//! the pool otherwise (a transaction, a stream, the pool itself, `close`) waits for the
//! parked connection.

use std::time::Duration;

use orm_core::prelude::*;
use orm_tests::{TestResult, backend_tests};

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "pool_items")]
struct Item {
    #[orm(primary_key)]
    id: i64,
    label: String,
}

/// The same database with a pool of `max` connections that gives up waiting after 5 s.
async fn with_pool(db: &Database, max: u32) -> orm_core::Result<Database> {
    Database::options(db.url())
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(5))
        .connect()
        .await
}

/// How many connections `db`'s pool holds, and takes all `max` of them at once.
async fn pool_size_and_take_all(db: &Database, max: u32) -> Result<u32, sqlx::Error> {
    macro_rules! take_all {
        ($pool:expr) => {{
            let size = $pool.size();
            let mut held = Vec::new();
            for _ in 0..max {
                held.push($pool.acquire().await?);
            }
            size
        }};
    }
    if let Some(pool) = db.sqlite_pool() {
        return Ok(take_all!(pool));
    }
    if let Some(pool) = db.postgres_pool() {
        return Ok(take_all!(pool));
    }
    let pool = db.mysql_pool().expect("one of the three backends");
    Ok(take_all!(pool))
}

/// 300 statements one after another open at most two connections (the one the connect
/// used may still be on its way back to the pool when the first statement runs); after
/// them, code that uses the pool directly gets every connection of it.
async fn one_task_stays_on_one_connection(db: Database) -> TestResult {
    let db = with_pool(&db, 4).await?;
    db.create_tables(&[Item::table_def()]).await?;
    let mut item = Item {
        id: 0,
        label: "warm".into(),
    };
    item.insert(&db).await?;
    for _ in 0..100 {
        assert_eq!(Item::get(&db, item.id).await?.as_ref(), Some(&item));
        assert_eq!(Item::query().count(&db).await?, 1);
        item.update(&db).await?;
    }
    let size = pool_size_and_take_all(&db, 4).await?;
    assert!(size <= 2, "one task's statements opened {size} connections");
    db.close().await;
    Ok(())
}

/// With a pool of two: a statement parks a connection, a transaction takes it, the next
/// statement parks the other, and a second transaction takes that one instead of waiting
/// for the pool (which has nothing left to give). Read-only transactions, which SQLite
/// runs side by side (its writers take turns).
async fn transactions_take_the_warm_connection(db: Database) -> TestResult {
    let db = with_pool(&db, 2).await?;
    db.create_tables(&[Item::table_def()]).await?;
    let mut first = Item {
        id: 0,
        label: "first".into(),
    };
    first.insert(&db).await?;
    let read_only = || orm_core::db::TransactionOptions::new().read_only(true);
    let tx1 = db.begin_with(read_only()).await?;
    assert_eq!(Item::query().count(&tx1).await?, 1);
    assert_eq!(Item::query().count(&db).await?, 1);
    let tx2 = db.begin_with(read_only()).await?;
    assert_eq!(Item::query().count(&tx2).await?, 1);
    tx2.commit().await?;
    tx1.commit().await?;
    // A stream after statements gets a connection too, and reads every row.
    use futures_util::TryStreamExt;
    let labels: Vec<String> = Item::query()
        .select(Item::label)
        .stream(&db)
        .try_collect()
        .await?;
    assert_eq!(labels, ["first"]);
    db.close().await;
    Ok(())
}

/// With a pool of two, one held by a transaction: a stream made before a statement gets
/// the other connection when it is read, because the statement does not park it while
/// the pool has nothing else to give.
async fn a_waiting_stream_is_not_starved(db: Database) -> TestResult {
    use futures_util::TryStreamExt;
    let db = with_pool(&db, 2).await?;
    db.create_tables(&[Item::table_def()]).await?;
    let mut item = Item {
        id: 0,
        label: "one".into(),
    };
    item.insert(&db).await?;
    let tx = db
        .begin_with(orm_core::db::TransactionOptions::new().read_only(true))
        .await?;
    let stream = Item::query().select(Item::label).stream(&db);
    assert_eq!(Item::query().count(&db).await?, 1);
    let labels: Vec<String> = stream.try_collect().await?;
    assert_eq!(labels, ["one"]);
    tx.commit().await?;
    db.close().await;
    Ok(())
}

/// `close` ends with the warm connection too, and no statement runs after it.
async fn close_takes_the_warm_connection(db: Database) -> TestResult {
    let db = with_pool(&db, 4).await?;
    db.create_tables(&[Item::table_def()]).await?;
    let mut item = Item {
        id: 0,
        label: "last".into(),
    };
    item.insert(&db).await?;
    assert!(Item::get(&db, item.id).await?.is_some());
    tokio::time::timeout(Duration::from_secs(10), db.close())
        .await
        .map_err(|_| "close waited for the warm connection")?;
    assert!(
        Item::get(&db, item.id).await.is_err(),
        "a statement ran after close"
    );
    Ok(())
}

/// A connection parked by a task that then goes quiet goes back to the pool within about
/// two seconds: code that took the pool before, and now needs its last connection, gets
/// it instead of waiting for the acquire timeout.
async fn an_idle_warm_connection_goes_back(db: Database) -> TestResult {
    let db = Database::options(db.url())
        .max_connections(2)
        .acquire_timeout(Duration::from_secs(20))
        .connect()
        .await?;
    db.create_tables(&[Item::table_def()]).await?;
    macro_rules! last_connection {
        ($pool:expr) => {{
            let pool = $pool.clone();
            // The connection the accessor released settles back in the pool.
            tokio::time::sleep(Duration::from_millis(200)).await;
            let mut item = Item {
                id: 0,
                label: "parked".into(),
            };
            item.insert(&db).await?; // parks the pool's one connection
            let _held = pool.acquire().await?; // the second, and last
            let waited = std::time::Instant::now();
            let _last = pool.acquire().await?;
            waited.elapsed()
        }};
    }
    let waited = if let Some(pool) = db.sqlite_pool() {
        last_connection!(pool)
    } else if let Some(pool) = db.postgres_pool() {
        last_connection!(pool)
    } else {
        last_connection!(db.mysql_pool().expect("one of the three backends"))
    };
    assert!(
        waited < Duration::from_secs(5),
        "waited {waited:?} for a connection parked by an idle task"
    );
    db.close().await;
    Ok(())
}

backend_tests!(
    an_idle_warm_connection_goes_back,
    one_task_stays_on_one_connection,
    transactions_take_the_warm_connection,
    a_waiting_stream_is_not_starved,
    close_takes_the_warm_connection,
);
