//! Futures dropped half-way through reading a result, on every backend: on the pool, in a
//! transaction, and in a savepoint, for statements and for streams. Afterwards the
//! connection is never left out of step with the server: the next statement answers, the
//! pool closes (the harness checks that after every test), and a transaction whose
//! statement was cut off refuses to commit.
//!
//! The futures are cut off after their k-th wait for the network, for many k, so some stop
//! between a packet's header and its body: what once hung sqlx's MySQL driver. Where a
//! test needs a statement cut off for sure, it cuts off one that keeps the database busy.

use std::future::Future;
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use futures_util::StreamExt;
use orm_core::prelude::*;
use orm_tests::{TestResult, backend_tests};

#[derive(Model, Debug, Clone)]
#[orm(table = "cancel_rows")]
struct WideRow {
    #[orm(primary_key)]
    id: i64,
    body: String,
}

#[derive(Model, Debug, Clone)]
#[orm(table = "cancel_marks")]
struct Mark {
    #[orm(primary_key)]
    id: i64,
    label: String,
}

/// Rows in the table: with their bodies, about a megabyte, so that reading them all
/// takes many network reads.
const ROWS: u64 = 300;

/// How many cut-off points the loops try. On an idle machine the reads below wait that
/// often; on a busy one a read may find its whole result already buffered and finish.
const CUT_POINTS: usize = 200;

/// The longest any statement after a cut-off may take: a connection out of step would
/// hang instead.
const ANSWER_WITHIN: Duration = Duration::from_secs(20);

async fn setup(db: &Database) -> orm_core::Result<()> {
    db.create_tables(&[WideRow::table_def(), Mark::table_def()])
        .await?;
    db.transaction(async |tx| {
        for i in 0..ROWS {
            // Bodies of uneven length, so rows straddle the driver's reads at many places.
            let len = 2000 + usize::try_from(i * 37 % 3000).unwrap_or(0);
            let body = char::from(b'a' + u8::try_from(i % 26).unwrap_or(0)).to_string();
            WideRow {
                id: 0,
                body: body.repeat(len),
            }
            .insert(tx)
            .await?;
        }
        Ok(())
    })
    .await
}

/// Polls `work` until it has waited `waits` times, then drops it. `Some` holds its output
/// if it finished first.
async fn cut_off<F: Future>(waits: usize, work: F) -> Option<F::Output> {
    let mut work = pin!(work);
    let mut waited = 0;
    std::future::poll_fn(|cx| match work.as_mut().poll(cx) {
        Poll::Ready(out) => Poll::Ready(Some(out)),
        Poll::Pending if waited == waits => Poll::Ready(None),
        Poll::Pending => {
            waited += 1;
            Poll::Pending
        }
    })
    .await
}

/// Starts a statement that keeps the database busy for about half a second on `tx`, and
/// drops it at its first wait: a statement sure to be cut off while it runs.
async fn interrupt(tx: &Transaction) {
    let sql = match tx.dialect() {
        Dialect::Postgres => "SELECT CAST(pg_sleep(0.5) AS TEXT)",
        Dialect::MySql => "SELECT SLEEP(0.5)",
        _ => {
            "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000000) \
             SELECT COUNT(*) FROM n"
        }
    };
    let finished = cut_off(0, raw(sql).execute(tx)).await;
    assert!(
        finished.is_none(),
        "the slow statement did not wait: {finished:?}"
    );
}

/// Runs `work`, failing the test if it does not answer within [`ANSWER_WITHIN`].
async fn answers<T>(work: impl Future<Output = orm_core::Result<T>>) -> orm_core::Result<T> {
    match tokio::time::timeout(ANSWER_WITHIN, work).await {
        Ok(result) => result,
        Err(_) => panic!("no answer within {ANSWER_WITHIN:?}: a connection is out of step"),
    }
}

async fn pool_statements_cut_off_mid_read(db: Database) -> TestResult {
    setup(&db).await?;
    for waits in 0..CUT_POINTS {
        if let Some(rows) = cut_off(waits, WideRow::query().order_by(WideRow::id).all(&db)).await {
            assert_eq!(u64::try_from(rows?.len())?, ROWS);
        }
        assert_eq!(answers(WideRow::query().count(&db)).await?, ROWS);
    }
    // Every connection came back or was replaced: the pool closes.
    Ok(())
}

async fn pool_streams_dropped_mid_read(db: Database) -> TestResult {
    setup(&db).await?;
    for waits in 0..CUT_POINTS {
        let mut rows = WideRow::query().order_by(WideRow::id).stream(&db);
        let first = answers(async { rows.next().await.transpose() }).await?;
        assert_eq!(first.map(|r| r.id), Some(1));
        // The second row is wide: most cut-off points fall inside it.
        if let Some(second) = cut_off(waits, rows.next()).await {
            assert_eq!(second.transpose()?.map(|r| r.id), Some(2));
        }
        drop(rows);
        assert_eq!(answers(WideRow::query().count(&db)).await?, ROWS);
    }
    Ok(())
}

/// Whether `result` is the refusal of a transaction whose statement was cut off.
fn is_refused<T>(result: &orm_core::Result<T>) -> bool {
    matches!(
        result,
        Err(Error::Transaction(orm_core::TransactionState::Interrupted))
    )
}

async fn a_transaction_cut_off_mid_statement_only_rolls_back(db: Database) -> TestResult {
    setup(&db).await?;
    let mut mark = Mark {
        id: 0,
        label: "rolled back".into(),
    };
    let tx = db.begin().await?;
    mark.insert(&tx).await?;
    interrupt(&tx).await;
    // What the cut-off statement did is unknown: no more statements, no savepoint.
    let refused = answers(Mark::query().count(&tx)).await;
    assert!(is_refused(&refused), "{refused:?}");
    let refused = answers(async { tx.begin().await.map(drop) }).await;
    assert!(is_refused(&refused), "{refused:?}");
    // Rolling back works, and undoes the work before the statement.
    answers(tx.rollback()).await?;
    assert!(answers(Mark::get(&db, mark.id)).await?.is_none());

    // Commit is refused, and the refusal rolls nothing forward.
    let tx = db.begin().await?;
    mark.insert(&tx).await?;
    interrupt(&tx).await;
    let refused = answers(tx.commit()).await;
    assert!(is_refused(&refused), "{refused:?}");
    assert_eq!(answers(Mark::query().count(&db)).await?, 0);

    // Reads cut off at every point, some half-way through a row.
    for waits in 0..CUT_POINTS {
        let tx = db.begin().await?;
        mark.insert(&tx).await?;
        match cut_off(waits, WideRow::query().all(&tx)).await {
            Some(rows) => assert_eq!(u64::try_from(rows?.len())?, ROWS),
            None => {
                let refused = answers(Mark::query().count(&tx)).await;
                assert!(is_refused(&refused), "{refused:?}");
            }
        }
        answers(tx.rollback()).await?;
    }
    assert_eq!(answers(Mark::query().count(&db)).await?, 0);
    Ok(())
}

async fn a_savepoint_cut_off_mid_statement(db: Database) -> TestResult {
    savepoint_cut_off_then(db, true).await
}

/// The same, with the savepoint's handle dropped (as a cancelled `tx.transaction(..)`
/// does) instead of rolled back.
async fn a_dropped_savepoint_cut_off_mid_statement(db: Database) -> TestResult {
    savepoint_cut_off_then(db, false).await
}

async fn savepoint_cut_off_then(db: Database, roll_back: bool) -> TestResult {
    setup(&db).await?;
    let tx = db.begin().await?;
    Mark {
        id: 0,
        label: "outer".into(),
    }
    .insert(&tx)
    .await?;
    let savepoint = tx.begin().await?;
    Mark {
        id: 0,
        label: "inner".into(),
    }
    .insert(&savepoint)
    .await?;
    interrupt(&savepoint).await;
    if roll_back {
        answers(savepoint.rollback()).await?;
    } else {
        drop(savepoint);
    }

    let labels = answers(Mark::query().select(Mark::label).all(&tx)).await;
    if db.dialect() == Dialect::MySql {
        // MySQL's connection cannot go on after a cut-off read: the whole transaction
        // goes, by closing the connection.
        assert!(matches!(labels, Err(Error::Transaction(_))), "{labels:?}");
        answers(tx.rollback()).await?;
        assert_eq!(answers(Mark::query().count(&db)).await?, 0);
    } else {
        // Rolling the savepoint back restored a known state: the outer work goes on.
        assert_eq!(labels?, ["outer"]);
        answers(tx.commit()).await?;
        let labels: Vec<String> = Mark::query().select(Mark::label).all(&db).await?;
        assert_eq!(labels, ["outer"]);
    }
    Ok(())
}

async fn transaction_streams_dropped_mid_read(db: Database) -> TestResult {
    setup(&db).await?;
    let tx = db.begin().await?;
    for waits in 0..CUT_POINTS {
        let mut rows = WideRow::query().order_by(WideRow::id).stream(&tx);
        let first = answers(async { rows.next().await.transpose() }).await?;
        assert_eq!(first.map(|r| r.id), Some(1));
        if let Some(second) = cut_off(waits, rows.next()).await {
            assert_eq!(second.transpose()?.map(|r| r.id), Some(2));
        }
        drop(rows);
        // A dropped stream is not a cut-off statement: the transaction goes on.
        assert_eq!(answers(WideRow::query().count(&tx)).await?, ROWS);
    }
    WideRow::query()
        .filter(WideRow::id.gt(10))
        .delete(&tx)
        .await?;
    answers(tx.commit()).await?;
    assert_eq!(answers(WideRow::query().count(&db)).await?, 10);
    Ok(())
}

/// `insert_all` of many rows (one `COPY` on PostgreSQL, `INSERT`s in a transaction
/// elsewhere) cut off at many points: on a `Database` all rows or none are left (none,
/// unless the cut lands while the server commits: a commit sent is a commit whose outcome
/// the caller cannot know) and the pool answers;
/// in a transaction, the transaction refuses everything but its rollback, which leaves no
/// row either. (A `COPY` cut off may leave half a message on the wire: its connection is
/// closed, never reused.)
async fn bulk_inserts_cut_off_leave_nothing(db: Database) -> TestResult {
    db.create_tables(&[Mark::table_def()]).await?;
    let marks: Vec<Mark> = (0..20_000)
        .map(|i| Mark {
            id: 0,
            label: format!("mark {i} {}", "x".repeat(40)),
        })
        .collect();
    for waits in (0..CUT_POINTS).step_by(8) {
        match cut_off(waits, Mark::insert_all(&marks, &db)).await {
            Some(inserted) => assert_eq!(inserted?, 20_000),
            // A commit already sent lands in a moment, or never: let it, before counting.
            None => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
        let left = answers(Mark::query().count(&db)).await?;
        assert!(left == 0 || left == 20_000, "cut at {waits}: {left} rows");
        answers(Mark::query().delete(&db)).await?;
    }
    for waits in [0, 1, 2, 3, 5, 20] {
        let tx = db.begin().await?;
        match cut_off(waits, Mark::insert_all(&marks, &tx)).await {
            Some(inserted) => {
                assert_eq!(inserted?, 20_000);
                answers(tx.rollback()).await?;
            }
            // Cut off in the `COPY`'s savepoint statement: whether it happened is unknown,
            // so the transaction is abandoned (dropped, its connection closed).
            None => match answers(Mark::query().count(&tx)).await {
                Err(Error::Transaction(orm_core::TransactionState::Abandoned)) => drop(tx),
                refused => {
                    assert!(is_refused(&refused), "{refused:?}");
                    answers(tx.rollback()).await?;
                }
            },
        }
        assert_eq!(
            answers(Mark::query().count(&db)).await?,
            0,
            "cut at {waits}"
        );
    }
    Ok(())
}

backend_tests!(
    bulk_inserts_cut_off_leave_nothing,
    pool_statements_cut_off_mid_read,
    pool_streams_dropped_mid_read,
    a_transaction_cut_off_mid_statement_only_rolls_back,
    a_savepoint_cut_off_mid_statement,
    a_dropped_savepoint_cut_off_mid_statement,
    transaction_streams_dropped_mid_read,
);
