//! Transactions on every backend: commit and rollback as seen from another connection,
//! rollback on drop, error, panic and cancellation, savepoints, isolation options,
//! retries of real conflicts, and each error variant produced by a real violation.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use orm_core::TransactionState;
use orm_core::db::{IsolationLevel, TransactionOptions};
use orm_core::prelude::*;
use orm_tests::{TestResult, backend_tests};

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "tx_items")]
struct Item {
    #[orm(primary_key)]
    id: i64,
    #[orm(index)]
    unit: i64,
    #[orm(max_length = 40)]
    name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "tx_counters")]
struct Counter {
    #[orm(primary_key)]
    id: i64,
    value: i64,
}

fn item(unit: i64, name: &str) -> Item {
    Item {
        id: 0,
        unit,
        name: name.into(),
    }
}

async fn names(db: &Database) -> orm_core::Result<Vec<String>> {
    let items = Item::query().order_by(Item::id).all(db).await?;
    Ok(items.into_iter().map(|i| i.name).collect())
}

async fn setup(db: &Database) -> orm_core::Result<()> {
    db.create_tables(&[Item::table_def(), Counter::table_def()])
        .await
}

async fn commit_is_visible_to_other_connections_only_after_commit(db: Database) -> TestResult {
    setup(&db).await?;
    let tx = db.begin().await?;
    item(1, "a").insert(&tx).await?;
    assert_eq!(
        names(&db).await?,
        Vec::<String>::new(),
        "not visible before commit"
    );
    assert_eq!(
        Item::all(&tx).await?.len(),
        1,
        "visible inside the transaction"
    );
    tx.commit().await?;
    assert_eq!(names(&db).await?, ["a"]);
    Ok(())
}

async fn rollback_and_drop_undo_everything(db: Database) -> TestResult {
    setup(&db).await?;
    let tx = db.begin().await?;
    item(1, "rolled back").insert(&tx).await?;
    tx.rollback().await?;

    let tx = db.begin().await?;
    item(2, "dropped").insert(&tx).await?;
    drop(tx);

    assert_eq!(names(&db).await?, Vec::<String>::new());
    item(3, "after").insert(&db).await?; // the pool still serves
    assert_eq!(names(&db).await?, ["after"]);
    Ok(())
}

async fn closure_commits_on_ok_and_rolls_back_on_err(db: Database) -> TestResult {
    setup(&db).await?;
    let id = db
        .transaction(async |tx| {
            let mut a = item(1, "kept");
            a.insert(tx).await?;
            Ok(a.id)
        })
        .await?;
    assert!(id > 0);

    let result: orm_core::Result<()> = db
        .transaction(async |tx| {
            item(2, "undone").insert(tx).await?;
            Err(Error::not_found::<Item>())
        })
        .await;
    assert!(matches!(result, Err(Error::NotFound { .. })));
    assert_eq!(names(&db).await?, ["kept"]);
    Ok(())
}

async fn panic_rolls_back_and_the_pool_survives(db: Database) -> TestResult {
    setup(&db).await?;
    let task = {
        let db = db.clone();
        tokio::spawn(async move {
            db.transaction(async |tx| {
                item(1, "half").insert(tx).await?;
                panic!("boom in the middle of a transaction");
                #[allow(unreachable_code)]
                Ok(())
            })
            .await
        })
    };
    assert!(task.await.unwrap_err().is_panic());
    assert_eq!(names(&db).await?, Vec::<String>::new());
    for i in 0..10 {
        item(i, "ok").insert(&db).await?;
    }
    assert_eq!(Item::query().count(&db).await?, 10);
    Ok(())
}

/// Polls `work` once and drops it unless it finished: a cancel at its first wait.
async fn cut_at_first_wait<F: Future>(work: F) -> Option<F::Output> {
    let mut work = std::pin::pin!(work);
    std::future::poll_fn(|cx| {
        std::task::Poll::Ready(match work.as_mut().poll(cx) {
            std::task::Poll::Ready(output) => Some(output),
            std::task::Poll::Pending => None,
        })
    })
    .await
}

/// A unit of work is two rows with the same `unit`; futures are cancelled at random
/// points. Afterwards every unit in the table is whole, and the pool still serves.
async fn cancellation_never_leaves_half_a_unit(db: Database) -> TestResult {
    setup(&db).await?;
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let (mut completed, mut cancelled) = (0, 0);
    for unit in 0..300 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let work = db.transaction(async |tx| {
            item(unit, "first").insert(tx).await?;
            tokio::task::yield_now().await;
            item(unit, "second").insert(tx).await?;
            Ok(())
        });
        // Every tenth unit runs to the end and every tenth is dropped at its first wait,
        // so both outcomes happen however loaded the machine is; the rest get a random
        // time budget.
        let outcome = match unit % 10 {
            0 => Some(work.await),
            5 => cut_at_first_wait(work).await,
            _ => tokio::time::timeout(Duration::from_micros(seed % 4000), work)
                .await
                .ok(),
        };
        match outcome {
            Some(result) => {
                result?;
                completed += 1;
            }
            None => cancelled += 1,
        }
    }
    assert!(completed >= 30, "{completed} units completed");
    assert!(cancelled >= 25, "{cancelled} units cancelled");
    let per_unit: Vec<(i64, i64)> = Item::query()
        .select((Item::unit, orm_core::query::count_all()))
        .group_by(Item::unit)
        .all(&db)
        .await?;
    for (unit, rows) in &per_unit {
        assert_eq!(*rows, 2, "unit {unit} is half-written");
    }
    assert!(per_unit.len() >= completed, "every completed unit is there");
    // The pool is healthy: a fresh transaction and plain statements work.
    db.transaction(async |tx| item(1000, "after").insert(tx).await)
        .await?;
    assert!(
        Item::query()
            .filter(Item::unit.eq(1000))
            .exists(&db)
            .await?
    );
    Ok(())
}

async fn savepoints_undo_only_their_own_work(db: Database) -> TestResult {
    setup(&db).await?;
    let tx = db.begin().await?;
    item(1, "outer").insert(&tx).await?;

    let sp = tx.begin().await?;
    assert!(sp.is_nested());
    item(1, "rolled back savepoint").insert(&sp).await?;
    sp.rollback().await?;

    let sp = tx.begin().await?;
    item(1, "released savepoint").insert(&sp).await?;
    sp.commit().await?;

    let sp = tx.begin().await?;
    item(1, "dropped savepoint").insert(&sp).await?;
    drop(sp);

    let nested: orm_core::Result<()> = tx
        .transaction(async |sp| {
            item(1, "failed closure").insert(sp).await?;
            Err(Error::not_found::<Item>())
        })
        .await;
    assert!(nested.is_err());
    tx.transaction(async |sp| item(1, "closure").insert(sp).await)
        .await?;

    // Two levels deep.
    let sp = tx.begin().await?;
    let inner = sp.begin().await?;
    item(1, "deep").insert(&inner).await?;
    inner.commit().await?;
    sp.commit().await?;

    tx.commit().await?;
    assert_eq!(
        names(&db).await?,
        ["outer", "released savepoint", "closure", "deep"]
    );

    // Rolling back the outer transaction undoes its committed savepoints too.
    let tx = db.begin().await?;
    let sp = tx.begin().await?;
    item(2, "gone").insert(&sp).await?;
    sp.commit().await?;
    tx.rollback().await?;
    assert_eq!(names(&db).await?.len(), 4);
    Ok(())
}

async fn open_savepoints_guard_the_outer_transaction(db: Database) -> TestResult {
    setup(&db).await?;
    let tx = db.begin().await?;
    let sp = tx.begin().await?;
    item(1, "in savepoint").insert(&sp).await?;
    // While the savepoint is open, the outer level refuses statements and new savepoints
    // instead of running them inside the savepoint.
    let outer = item(2, "outer").insert(&tx).await.unwrap_err();
    assert!(matches!(
        outer,
        Error::Transaction(TransactionState::SavepointOpen)
    ));
    assert!(matches!(
        tx.begin().await,
        Err(Error::Transaction(TransactionState::SavepointOpen))
    ));
    // Committing the outer transaction keeps the open savepoint's work, as COMMIT does...
    tx.commit().await?;
    // ...and the savepoint's handle refuses statements once its level has ended.
    let late = item(3, "late").insert(&sp).await.unwrap_err();
    assert!(
        matches!(late, Error::Transaction(TransactionState::Ended)),
        "{late:?}"
    );
    assert_eq!(names(&db).await?, ["in savepoint"]);
    Ok(())
}

/// A savepoint's handle acts on its own level only, never on a later one at its depth.
async fn savepoint_handles_act_on_their_own_level(db: Database) -> TestResult {
    setup(&db).await?;
    let tx = db.begin().await?;
    let first = tx.begin().await?;
    item(1, "first").insert(&first).await?;
    first.rollback().await?;
    let second = tx.begin().await?;
    item(1, "second").insert(&second).await?;
    second.commit().await?;
    tx.commit().await?;
    assert_eq!(names(&db).await?, ["second"]);
    Ok(())
}

/// A stream open on a transaction makes other statements on it fail at once instead of
/// waiting forever for a stream that cannot move on.
async fn a_statement_while_a_transaction_streams_is_refused(db: Database) -> TestResult {
    use futures_util::StreamExt;
    setup(&db).await?;
    for i in 0..200 {
        item(i, "row").insert(&db).await?;
    }
    let tx = db.begin().await?;
    let mut rows = Item::query().stream(&tx);
    let first = rows.next().await.expect("a row")?;
    let refused = Item::query().count(&tx).await.unwrap_err();
    assert!(
        matches!(refused, Error::Transaction(TransactionState::StreamOpen)),
        "{refused:?}"
    );
    drop(rows);
    // Dropping the stream frees the transaction.
    assert_eq!(Item::query().count(&tx).await?, 200);
    Item::query()
        .filter(Item::id.eq(first.id))
        .delete(&tx)
        .await?;
    tx.commit().await?;
    assert_eq!(Item::query().count(&db).await?, 199);
    Ok(())
}

/// The retry helper runs the work at most `retries + 1` times, and only again after a
/// transient error.
#[tokio::test]
async fn retries_are_bounded_and_only_for_transient_errors() -> TestResult {
    let db = Database::connect("sqlite::memory:").await?;
    let options = TransactionOptions::new()
        .retries(3)
        .backoff_base(Duration::from_millis(1));
    let attempts = AtomicU32::new(0);
    let busy: Result<()> = db
        .transaction_with(options.clone(), async |_| {
            attempts.fetch_add(1, Ordering::SeqCst);
            Err(Error::Busy {
                message: "always busy".into(),
            })
        })
        .await;
    assert!(matches!(busy, Err(Error::Busy { .. })), "{busy:?}");
    assert_eq!(attempts.swap(0, Ordering::SeqCst), 4);

    let not_found: Result<()> = db
        .transaction_with(options, async |_| {
            attempts.fetch_add(1, Ordering::SeqCst);
            Err(Error::not_found::<Item>())
        })
        .await;
    assert!(matches!(not_found, Err(Error::NotFound { .. })));
    assert_eq!(
        attempts.load(Ordering::SeqCst),
        1,
        "not transient: no retry"
    );
    Ok(())
}

/// However a read-only transaction ends, its connection writes again afterwards. An
/// in-memory SQLite database has a single connection, so every step reuses the one the
/// read-only transaction had.
#[tokio::test]
async fn sqlite_connections_leave_read_only_with_their_transaction() -> TestResult {
    let db = Database::connect("sqlite::memory:").await?;
    setup(&db).await?;
    let read_only = || TransactionOptions::new().read_only(true);
    let tx = db.begin_with(read_only()).await?;
    assert!(item(1, "x").insert(&tx).await.is_err(), "writes fail");
    let nested = tx.begin().await?;
    assert!(
        item(1, "x").insert(&nested).await.is_err(),
        "also in a savepoint"
    );
    nested.rollback().await?;
    tx.commit().await?;
    item(1, "after commit").insert(&db).await?;

    let tx = db.begin_with(read_only()).await?;
    tx.rollback().await?;
    item(2, "after rollback").insert(&db).await?;

    drop(db.begin_with(read_only()).await?);
    item(3, "after drop").insert(&db).await?;

    let failed: Result<()> = db
        .transaction_with(read_only(), async |tx| item(4, "refused").insert(tx).await)
        .await;
    assert!(failed.is_err());
    item(4, "after an error").insert(&db).await?;
    assert_eq!(
        names(&db).await?,
        [
            "after commit",
            "after rollback",
            "after drop",
            "after an error"
        ]
    );
    Ok(())
}

async fn read_only_transactions_refuse_writes(db: Database) -> TestResult {
    setup(&db).await?;
    let options = TransactionOptions::new().read_only(true);
    let tx = db.begin_with(options.clone()).await?;
    assert_eq!(Item::query().count(&tx).await?, 0, "reads work");
    assert!(item(1, "x").insert(&tx).await.is_err(), "writes fail");
    drop(tx);
    let tx = db
        .begin_with(TransactionOptions::new().isolation(IsolationLevel::Serializable))
        .await?;
    item(1, "serializable").insert(&tx).await?;
    tx.commit().await?;
    assert_eq!(names(&db).await?, ["serializable"]);
    Ok(())
}

/// Two transactions read a counter, wait for each other, then both increment it: one of
/// them conflicts (a serialization failure on PostgreSQL, a deadlock on MySQL). With
/// retries both succeed and no increment is lost. (SQLite's writers take turns from
/// `BEGIN` on, so two of them never overlap: `tests/sqlite_writers.rs`.)
async fn retries_turn_a_real_conflict_into_success(db: Database) -> TestResult {
    if db.dialect() == Dialect::Sqlite {
        return Ok(());
    }
    setup(&db).await?;
    Counter { id: 1, value: 0 }.insert(&db).await?;
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let attempts = Arc::new(AtomicU32::new(0));
    let options = TransactionOptions::new()
        .isolation(IsolationLevel::Serializable)
        .retries(10)
        .backoff_base(Duration::from_millis(5));

    let increment = |db: Database, barrier: Arc<tokio::sync::Barrier>, attempts: Arc<AtomicU32>| {
        let options = options.clone();
        tokio::spawn(async move {
            db.transaction_with(options, async |tx| {
                let first_attempt = attempts.fetch_add(1, Ordering::SeqCst) < 2;
                let mut c = Counter::get(tx, 1)
                    .await?
                    .ok_or_else(Error::not_found::<Counter>)?;
                if first_attempt {
                    // Both have read the old value before either writes.
                    barrier.wait().await;
                }
                c.value += 1;
                c.update(tx).await
            })
            .await
        })
    };
    let a = increment(db.clone(), barrier.clone(), attempts.clone());
    let b = increment(db.clone(), barrier, attempts.clone());
    a.await??;
    b.await??;
    assert_eq!(
        Counter::get(&db, 1).await?.unwrap().value,
        2,
        "no lost update"
    );
    assert!(
        attempts.load(Ordering::SeqCst) > 2,
        "a conflict happened and was retried"
    );
    Ok(())
}

async fn without_retries_the_conflict_is_a_typed_transient_error(db: Database) -> TestResult {
    // SQLite's writers cannot conflict: they take turns (`tests/sqlite_writers.rs`).
    if db.dialect() == Dialect::Sqlite {
        return Ok(());
    }
    setup(&db).await?;
    Counter { id: 1, value: 0 }.insert(&db).await?;
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let options = TransactionOptions::new().isolation(IsolationLevel::Serializable);
    let run = |db: Database, barrier: Arc<tokio::sync::Barrier>| {
        let options = options.clone();
        tokio::spawn(async move {
            db.transaction_with(options, async |tx| {
                let mut c = Counter::get(tx, 1)
                    .await?
                    .ok_or_else(Error::not_found::<Counter>)?;
                barrier.wait().await;
                c.value += 1;
                c.update(tx).await
            })
            .await
        })
    };
    let a = run(db.clone(), barrier.clone());
    let b = run(db.clone(), barrier);
    let results = [a.await?, b.await?];
    let failures: Vec<&Error> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(failures.len(), 1, "{results:?}");
    let e = failures[0];
    assert!(e.is_transient(), "{e:?}");
    // Each backend reports the conflict its way, all of them transient.
    match db.dialect() {
        Dialect::MySql => assert!(matches!(e, Error::Deadlock { .. }), "{e:?}"),
        _ => assert!(matches!(e, Error::SerializationFailure { .. }), "{e:?}"),
    }
    assert_eq!(Counter::get(&db, 1).await?.unwrap().value, 1);
    Ok(())
}

/// Two transactions lock two rows in opposite orders: the server picks a victim, whose
/// error is `Deadlock` (SQLite has one writer at a time, so it cannot deadlock: its
/// contention is `Busy`, tested above).
async fn opposite_lock_orders_deadlock_with_a_typed_error(db: Database) -> TestResult {
    setup(&db).await?;
    if db.dialect() == Dialect::Sqlite {
        return Ok(());
    }
    Counter { id: 1, value: 0 }.insert(&db).await?;
    Counter { id: 2, value: 0 }.insert(&db).await?;
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let run = |db: Database, barrier: Arc<tokio::sync::Barrier>, first: i64, second: i64| {
        tokio::spawn(async move {
            db.transaction(async |tx| {
                let bump = |id: i64| {
                    Counter::query()
                        .filter(Counter::id.eq(id))
                        .update()
                        .set(Counter::value, Counter::value + 1)
                };
                bump(first).execute(tx).await?;
                barrier.wait().await;
                bump(second).execute(tx).await?;
                Ok(())
            })
            .await
        })
    };
    let a = run(db.clone(), barrier.clone(), 1, 2);
    let b = run(db.clone(), barrier, 2, 1);
    let results = [a.await?, b.await?];
    let victims: Vec<&Error> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(victims.len(), 1, "{results:?}");
    assert!(
        matches!(victims[0], Error::Deadlock { .. }),
        "{:?}",
        victims[0]
    );
    // The survivor's work is whole: both rows bumped once.
    let values: Vec<i64> = Counter::all(&db)
        .await?
        .into_iter()
        .map(|c| c.value)
        .collect();
    assert_eq!(values, [1, 1]);
    Ok(())
}

/// A writer that waits too long for a row another transaction holds gets `Busy`, a
/// transient error: PostgreSQL's `lock_timeout`, MySQL's `innodb_lock_wait_timeout`,
/// SQLite's busy timeout, each set short on the waiting connection.
async fn a_lock_wait_timeout_is_busy(db: Database) -> TestResult {
    setup(&db).await?;
    Counter { id: 1, value: 0 }.insert(&db).await?;
    let bump = || {
        Counter::query()
            .filter(Counter::id.eq(1))
            .update()
            .set(Counter::value, Counter::value + 1)
    };
    let holder = db.begin().await?;
    bump().execute(&holder).await?;

    if db.dialect() == Dialect::Sqlite {
        // SQLite writers wait at `BEGIN IMMEDIATE`: another process (here, another pool)
        // waits in SQLite's busy handler, and gets `Busy` once its busy timeout passed.
        let other = Database::options(db.url())
            .sqlite_busy_timeout(Duration::from_millis(200))
            .connect()
            .await?;
        let Err(err) = other.begin().await else {
            panic!("the write lock is held");
        };
        assert!(matches!(err, Error::Busy { .. }), "{err:?}");
        // The `BEGIN IMMEDIATE` that found the database busy began nothing: its
        // connection went back to the pool instead of being closed.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        let mut pooled = None;
        while std::time::Instant::now() < deadline {
            pooled = other.sqlite_pool().map(|p| (p.size(), p.num_idle()));
            if pooled == Some((1, 1)) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(pooled, Some((1, 1)));
        other.close().await;
        holder.commit().await?;
        assert_eq!(Counter::get(&db, 1).await?.map(|c| c.value), Some(1));
        return Ok(());
    }
    let waiter = db.begin().await?;
    let short_wait = match db.dialect() {
        Dialect::Postgres => "SET LOCAL lock_timeout = '200ms'",
        _ => "SET SESSION innodb_lock_wait_timeout = 1",
    };
    raw(short_wait).execute(&waiter).await?;
    let err = bump().execute(&waiter).await.unwrap_err();
    assert!(matches!(err, Error::Busy { .. }), "{err:?}");
    assert!(err.is_transient());
    waiter.rollback().await?;

    holder.commit().await?;
    assert_eq!(Counter::get(&db, 1).await?.map(|c| c.value), Some(1));
    Ok(())
}

async fn constraint_violations_are_typed(db: Database) -> TestResult {
    let q = |name: &str| db.dialect().quoted(name);
    let create = format!(
        "CREATE TABLE {} ({} INTEGER PRIMARY KEY, {} INTEGER NOT NULL, CONSTRAINT {} CHECK ({} > 0))",
        q("tx_checked"),
        q("id"),
        q("amount"),
        q("positive_amount"),
        q("amount")
    );
    Raw::dynamic(create).execute(&db).await?;
    let insert = format!(
        "INSERT INTO {} ({}, {}) VALUES (",
        q("tx_checked"),
        q("id"),
        q("amount")
    );
    let placeholders = match db.dialect() {
        Dialect::Postgres => "$1, $2)",
        _ => "?, ?)",
    };
    let insert = format!("{insert}{placeholders}");

    let null = Raw::dynamic(insert.clone())
        .bind(1_i32)
        .bind(None::<i32>)
        .execute(&db)
        .await;
    assert!(
        matches!(null, Err(Error::NotNullViolation { .. })),
        "{null:?}"
    );
    let negative = Raw::dynamic(insert.clone())
        .bind(1_i32)
        .bind(-5_i32)
        .execute(&db)
        .await;
    assert!(
        matches!(negative, Err(Error::CheckViolation { .. })),
        "{negative:?}"
    );
    Raw::dynamic(insert.clone())
        .bind(1_i32)
        .bind(5_i32)
        .execute(&db)
        .await?;
    let duplicate = Raw::dynamic(insert)
        .bind(1_i32)
        .bind(6_i32)
        .execute(&db)
        .await;
    assert!(
        matches!(duplicate, Err(Error::UniqueViolation { .. })),
        "{duplicate:?}"
    );
    Ok(())
}

async fn an_exhausted_pool_times_out_with_a_typed_error(db: Database) -> TestResult {
    setup(&db).await?;
    // The same database through a pool of one connection. (`url()` is redacted: a
    // password would not survive, and the test servers have none.)
    let url = db.url().to_owned();
    if url.contains("***") {
        return Ok(());
    }
    let small = Database::options(&url)
        .max_connections(1)
        .acquire_timeout(Duration::from_millis(300))
        .connect()
        .await?;
    let tx = small.begin().await?;
    let err = Item::query().count(&small).await.unwrap_err();
    assert!(matches!(err, Error::PoolTimedOut), "{err:?}");
    tx.rollback().await?;
    assert_eq!(Item::query().count(&small).await?, 0, "free again");
    small.close().await;
    Ok(())
}

backend_tests!(
    pgbouncer:
    a_lock_wait_timeout_is_busy,
    commit_is_visible_to_other_connections_only_after_commit,
    rollback_and_drop_undo_everything,
    closure_commits_on_ok_and_rolls_back_on_err,
    panic_rolls_back_and_the_pool_survives,
    cancellation_never_leaves_half_a_unit,
    savepoints_undo_only_their_own_work,
    open_savepoints_guard_the_outer_transaction,
    savepoint_handles_act_on_their_own_level,
    a_statement_while_a_transaction_streams_is_refused,
    read_only_transactions_refuse_writes,
    retries_turn_a_real_conflict_into_success,
    without_retries_the_conflict_is_a_typed_transient_error,
    opposite_lock_orders_deadlock_with_a_typed_error,
    constraint_violations_are_typed,
    an_exhausted_pool_times_out_with_a_typed_error,
);
