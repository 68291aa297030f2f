//! Faults that come from outside the application: the server ending a connection, and
//! units of work abandoned at random points while others run.
//!
//! - A connection killed by the server (`pg_terminate_backend`, `KILL`), as an
//!   administrator, a failover or an idle-session reaper would: inside a transaction the
//!   next statement and the commit fail as a broken connection, nothing of the unit is
//!   kept, and the pool goes on serving; when the pooled connections are killed while
//!   idle, a read is run again on a fresh connection, a write fails once as a broken
//!   connection, and the pool replaces the rest before anyone else meets them. PostgreSQL and MySQL only: SQLite has no
//!   server and no connection another client could end.
//! - Hundreds of money transfers, several at a time, each cut off by a timeout or dropped
//!   after a random number of polls: only whole transfers remain (the balances match the
//!   audit rows), no transaction stays open on the server, and the database answers.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use orm_core::prelude::*;
use orm_tests::{Backend, TestResult, backend_tests};
use tokio::task::JoinSet;

#[derive(Model, Debug, Clone)]
#[orm(table = "fault_marks")]
struct Mark {
    #[orm(primary_key)]
    id: i64,
    label: String,
}

#[derive(Model, Debug, Clone)]
#[orm(table = "fault_accounts")]
struct Account {
    #[orm(primary_key)]
    id: i64,
    balance: i64,
}

/// The audit row a transfer writes with its two updates, in the same transaction.
#[derive(Model, Debug, Clone)]
#[orm(table = "fault_transfers")]
struct Transfer {
    #[orm(primary_key)]
    id: i64,
    unit: i64,
    from_account: i64,
    to_account: i64,
    amount: i64,
}

/// The longest any single call may take: longer means it hangs.
const ANSWER_WITHIN: Duration = Duration::from_secs(10);

/// How long the server may take to let a killed connection go, and the pool to send the
/// rollbacks of dropped transactions (it does so in the background, on release).
const SETTLE_WITHIN: Duration = Duration::from_secs(5);

fn mark(label: &str) -> Mark {
    Mark {
        id: 0,
        label: label.into(),
    }
}

/// Runs `work`, failing the test if it does not answer within `limit`.
async fn within<T>(limit: Duration, work: impl Future<Output = T>) -> T {
    // Boxed, to keep the debug build's stack frames small.
    match tokio::time::timeout(limit, Box::pin(work)).await {
        Ok(out) => out,
        Err(_) => panic!("no answer within {limit:?}"),
    }
}

async fn answers<T>(work: impl Future<Output = T>) -> T {
    within(ANSWER_WITHIN, work).await
}

/// The server's id of the connection `exec` runs on.
async fn connection_id<E: Executor + ?Sized>(exec: &E) -> orm_core::Result<i64> {
    let sql = match exec.dialect() {
        Dialect::Postgres => "SELECT CAST(pg_backend_pid() AS BIGINT)",
        _ => "SELECT CAST(CONNECTION_ID() AS SIGNED)",
    };
    let rows: Vec<(i64,)> = answers(raw(sql).fetch_as(exec)).await?;
    Ok(rows[0].0)
}

/// Ends connection `id` from the server side, through `admin` (a connection of its own),
/// and waits until the server has let it go, so that the victim's next statement meets
/// a closed connection rather than racing the kill.
async fn kill(admin: &Database, id: i64) -> orm_core::Result<()> {
    let gone_sql = match admin.dialect() {
        Dialect::Postgres => {
            let pid = i32::try_from(id).map_err(|e| Error::Encode(e.to_string()))?;
            let done: Vec<(bool,)> = answers(
                raw("SELECT pg_terminate_backend($1)")
                    .bind(pid)
                    .fetch_as(admin),
            )
            .await?;
            assert_eq!(
                done,
                [(true,)],
                "pg_terminate_backend({id}) found no such backend"
            );
            "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = $1"
        }
        _ => {
            // KILL takes a literal, not a placeholder; `id` is an integer the server gave.
            answers(Raw::dynamic(format!("KILL {id}")).execute(admin)).await?;
            "SELECT COUNT(*) FROM information_schema.processlist WHERE id = ?"
        }
    };
    let gone = async {
        loop {
            let left: Vec<(i64,)> = raw(gone_sql).bind(id).fetch_as(admin).await?;
            if left[0].0 == 0 {
                return Ok::<_, Error>(());
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    match tokio::time::timeout(SETTLE_WITHIN, gone).await {
        Ok(result) => result,
        Err(_) => panic!("connection {id} still open {SETTLE_WITHIN:?} after the kill"),
    }
}

/// How many connections the pool has open, and how many of them are idle in it.
fn pool_size(db: &Database) -> (u32, usize) {
    db.postgres_pool()
        .map(|p| (p.size(), p.num_idle()))
        .or_else(|| db.mysql_pool().map(|p| (p.size(), p.num_idle())))
        .unwrap_or_default()
}

/// The number of connections the pool has open, once they are all idle: the pool checks
/// a released connection in the background before it takes it back.
async fn all_idle(db: &Database) -> u32 {
    let deadline = tokio::time::Instant::now() + SETTLE_WITHIN;
    loop {
        let (open, idle) = pool_size(db);
        if usize::try_from(open).is_ok_and(|open| open == idle) {
            return open;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{idle} of {open} connections idle after {SETTLE_WITHIN:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn a_transaction_killed_by_the_server_fails_as_a_broken_connection(
    db: Database,
) -> TestResult {
    db.create_tables(&[Mark::table_def()]).await?;
    let tx = db.begin().await?;
    for label in ["a", "b", "c"] {
        answers(mark(label).insert(&tx)).await?;
    }
    // Killed through the pool, on a connection other than the transaction's.
    kill(&db, connection_id(&tx).await?).await?;

    let next = answers(Mark::query().count(&tx)).await;
    assert!(next.is_err(), "a killed connection answered: {next:?}");
    let commit = answers(tx.commit()).await;
    assert!(commit.is_err(), "a killed transaction committed");
    // The server rolled the unit back, and the pool hands out working connections.
    assert_eq!(answers(Mark::query().count(&db)).await?, 0);
    answers(mark("after").insert(&db)).await?;
    assert_eq!(answers(Mark::query().count(&db)).await?, 1);
    // Checked last, so that a wrong variant does not hide the checks above. The variant
    // is how an application tells a broken connection (retry the unit elsewhere) from
    // a statement the database refused.
    assert!(
        matches!(next, Err(Error::Connection { .. })),
        "the statement after the kill: {next:?}"
    );
    Ok(())
}

async fn a_transaction_killed_before_commit_commits_nothing(db: Database) -> TestResult {
    db.create_tables(&[Mark::table_def()]).await?;
    let committed = answers(db.transaction(async |tx| {
        for label in ["a", "b", "c"] {
            mark(label).insert(tx).await?;
        }
        kill(&db, connection_id(tx).await?).await?;
        Ok(())
    }))
    .await;
    assert!(committed.is_err(), "a killed transaction committed");
    assert_eq!(answers(Mark::query().count(&db)).await?, 0);
    answers(mark("after").insert(&db)).await?;
    assert_eq!(answers(Mark::query().count(&db)).await?, 1);
    assert!(
        matches!(committed, Err(Error::Connection { .. })),
        "the commit after the kill: {committed:?}"
    );
    Ok(())
}

/// Kills, from a connection of its own, every connection `db`'s pool has open (all
/// idle in it), as a failover or an administrator would; returns their ids.
async fn kill_idle_pool(
    db: &Database,
) -> Result<Vec<i64>, Box<dyn std::error::Error + Send + Sync>> {
    let open = all_idle(db).await;
    assert!(open > 0, "the pool has no connection open");
    let mut held = Vec::new();
    for _ in 0..open {
        held.push(answers(db.begin()).await?);
    }
    let mut ids = Vec::new();
    for tx in held {
        ids.push(connection_id(&tx).await?);
        answers(tx.rollback()).await?;
    }
    assert_eq!(all_idle(db).await, open, "the pool opened a connection");
    let backend = match db.dialect() {
        Dialect::Postgres => Backend::Postgres,
        _ => Backend::MySql,
    };
    let url = backend.server_url().ok_or("the server URL is not set")?;
    let admin = answers(Database::connect(&url)).await?;
    for &id in &ids {
        kill(&admin, id).await?;
    }
    admin.close().await;
    Ok(ids)
}

/// A read that meets a connection the server closed is run again on a fresh one: the
/// application sees no error, and later statements find live connections.
async fn a_read_on_a_killed_idle_connection_is_retried(db: Database) -> TestResult {
    db.create_tables(&[Mark::table_def()]).await?;
    answers(mark("before").insert(&db)).await?;
    let ids = kill_idle_pool(&db).await?;
    for round in 0..=ids.len() {
        let read = answers(Mark::query().count(&db)).await;
        assert!(
            matches!(read, Ok(1)),
            "read {round} after killing idle connections {ids:?}: {read:?}"
        );
    }
    answers(mark("after").insert(&db)).await?;
    assert_eq!(answers(Mark::query().count(&db)).await?, 2);
    Ok(())
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "fault_badges")]
struct Badge {
    #[orm(primary_key)]
    id: uuid::Uuid,
    note: String,
}

/// The read run again after a dead connection finds what the first try would have (with
/// a UUID key, bound as text on MariaDB like any other statement there).
async fn a_retried_read_binds_as_the_first_try(db: Database) -> TestResult {
    db.create_tables(&[Badge::table_def()]).await?;
    let id = uuid::Uuid::parse_str("59c7f5f6-f5aa-1bc2-5796-b167a6894854")?;
    answers(
        Badge {
            id,
            note: "kept".into(),
        }
        .insert(&db),
    )
    .await?;
    kill_idle_pool(&db).await?;
    let found = answers(Badge::get(&db, id)).await?;
    assert_eq!(found.map(|b| b.note).as_deref(), Some("kept"));
    Ok(())
}

async fn a_write_on_a_killed_idle_connection_fails_once(db: Database) -> TestResult {
    db.create_tables(&[Mark::table_def()]).await?;
    let ids = kill_idle_pool(&db).await?;

    // The first write meets a dead connection and fails as `Connection` (a write is not
    // retried: whether the server applied it cannot be known). The
    // pool then pings the connections opened before that failure and replaces the dead
    // ones, so every later statement runs: one failure per outage, not one per connection.
    let first = answers(mark("first").insert(&db)).await;
    assert!(
        matches!(first, Err(Error::Connection { .. })),
        "the first statement after killing idle connections {ids:?}: {first:?}"
    );
    for round in 0..=ids.len() {
        let inserted = answers(mark("after").insert(&db)).await;
        assert!(
            inserted.is_ok(),
            "insert {round} after the first failure, with connections {ids:?} killed: {inserted:?}"
        );
    }
    // Each insert that succeeded ran exactly once, the failed one not at all.
    let rows = answers(Mark::query().count(&db)).await?;
    assert_eq!(rows, u64::try_from(ids.len() + 1)?);
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Transfers cancelled at random points.

const ACCOUNTS: usize = 12;
const OPENING_BALANCE: i64 = 1_000;
const UNITS: i64 = 300;
/// Transfers in flight at once: more than the harness's pool of 5, so some are cut off
/// while waiting for a connection.
const AT_ONCE: usize = 8;
/// The budget of the transfers meant to finish.
const ENOUGH: Duration = Duration::from_secs(5);
/// The longest the whole run of transfers may take.
const RUN_WITHIN: Duration = Duration::from_secs(12);

/// A deterministic xorshift generator: a failing run replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n).unwrap_or(u64::MAX)).unwrap_or(0)
    }
}

/// How a transfer is cut short.
#[derive(Debug, Clone, Copy)]
enum Cut {
    /// Dropped at its n-th wait.
    AtWait(usize),
    /// Dropped when the time is up (zero: after its first poll).
    After(Duration),
}

impl Cut {
    fn random(rng: &mut Rng) -> Cut {
        let n = u64::try_from(rng.below(1_000)).unwrap_or(0);
        match rng.below(10) {
            0 | 1 => Cut::AtWait(rng.below(40)),
            2 => Cut::After(Duration::ZERO),
            3 | 4 => Cut::After(Duration::from_micros(1 + n % 300)),
            5 | 6 => Cut::After(Duration::from_micros(1_000 + n * 7)),
            _ => Cut::After(ENOUGH),
        }
    }

    /// `work`'s output, or `None` if it was cut off first.
    async fn apply<F: Future>(self, work: F) -> Option<F::Output> {
        match self {
            Cut::After(limit) => tokio::time::timeout(limit, work).await.ok(),
            Cut::AtWait(waits) => {
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
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Completed,
    Cancelled,
    /// Failed with a transient error (SQLite busy, a lock timeout): rolled back.
    RolledBack,
}

/// Moves `t.amount` between two accounts and records `t`, all or nothing.
async fn transfer(db: &Database, t: &Transfer) -> orm_core::Result<()> {
    db.transaction(async |tx| {
        // Rows are updated in id order, so concurrent transfers queue for a row instead
        // of deadlocking (a PostgreSQL deadlock costs a second of detection).
        let mut legs = [(t.from_account, -t.amount), (t.to_account, t.amount)];
        legs.sort_unstable();
        for (account, delta) in legs {
            let changed = Account::query()
                .filter(Account::id.eq(account))
                .update()
                .set(Account::balance, Account::balance.add(delta))
                .execute(tx)
                .await?;
            if changed != 1 {
                return Err(Error::StaleData {
                    table: "fault_accounts".into(),
                    key: Some(account.to_string()),
                    expected: 1,
                    matched: changed,
                });
            }
        }
        t.clone().insert(tx).await
    })
    .await
}

/// A transfer's unit, and its result unless it was cut off.
type Joined = (i64, Option<orm_core::Result<()>>);

/// Runs the transfers, [`AT_ONCE`] at a time, each with its own cut; returns each unit's
/// outcome. A non-transient error fails the test.
async fn run_transfers(
    db: &Database,
    accounts: &[i64],
) -> Result<BTreeMap<i64, Outcome>, Box<dyn std::error::Error + Send + Sync>> {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut running = JoinSet::new();
    let mut outcomes = BTreeMap::new();
    let mut record = |joined: Result<Joined, tokio::task::JoinError>| -> TestResult {
        let (unit, result) = joined?;
        let outcome = match result {
            None => Outcome::Cancelled,
            Some(Ok(())) => Outcome::Completed,
            Some(Err(e)) if e.is_transient() => Outcome::RolledBack,
            Some(Err(e)) => return Err(format!("transfer {unit} failed: {e:?}").into()),
        };
        outcomes.insert(unit, outcome);
        Ok(())
    };
    for unit in 0..UNITS {
        if running.len() >= AT_ONCE
            && let Some(joined) = running.join_next().await
        {
            record(joined)?;
        }
        let from = rng.below(accounts.len());
        let to = (from + 1 + rng.below(accounts.len() - 1)) % accounts.len();
        let t = Transfer {
            id: 0,
            unit,
            from_account: accounts[from],
            to_account: accounts[to],
            amount: i64::try_from(1 + rng.below(50))?,
        };
        let cut = Cut::random(&mut rng);
        let db = db.clone();
        running.spawn(async move { (unit, cut.apply(transfer(&db, &t)).await) });
    }
    while let Some(joined) = running.join_next().await {
        record(joined)?;
    }
    Ok(outcomes)
}

/// Open transactions, other than the asking connection's, that hold locks on this test's
/// tables (PostgreSQL) or run on this test's database (MySQL), as `(connection, state)`;
/// waits up to [`SETTLE_WITHIN`] for them to end (on SQLite: until no other connection
/// holds the write lock). Other tests run on the same server at the same time: these
/// filters keep their transactions out.
async fn open_transactions(db: &Database) -> orm_core::Result<Vec<(i64, String)>> {
    let sql = match db.dialect() {
        Dialect::Postgres => {
            "SELECT CAST(a.pid AS BIGINT), COALESCE(a.state, '') FROM pg_stat_activity a \
             WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() \
             AND a.pid IN (SELECT l.pid FROM pg_locks l WHERE l.relation IN \
             (CAST('fault_accounts' AS regclass), CAST('fault_transfers' AS regclass)))"
        }
        Dialect::MySql => {
            "SELECT CAST(p.id AS SIGNED), t.trx_state FROM information_schema.innodb_trx t \
             JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id \
             WHERE p.db = DATABASE() AND p.id <> CONNECTION_ID()"
        }
        // No server: the write lock is the barrier. A cancelled transfer's COMMIT or
        // ROLLBACK may still be queued on its connection's worker thread, which holds
        // SQLite's write lock until it has run; a write transaction begins only after
        // that. (A lock left behind for good would fail this begin as busy.)
        _ => {
            db.begin().await?.rollback().await?;
            return Ok(Vec::new());
        }
    };
    let deadline = tokio::time::Instant::now() + SETTLE_WITHIN;
    loop {
        let open: Vec<(i64, String)> = answers(raw(sql).fetch_as(db)).await?;
        if open.is_empty() || tokio::time::Instant::now() >= deadline {
            return Ok(open);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn transfers_cancelled_at_random_points_leave_only_whole_transfers(
    db: Database,
) -> TestResult {
    db.create_tables(&[Account::table_def(), Transfer::table_def()])
        .await?;
    let mut accounts = Vec::new();
    for _ in 0..ACCOUNTS {
        let mut account = Account {
            id: 0,
            balance: OPENING_BALANCE,
        };
        account.insert(&db).await?;
        accounts.push(account.id);
    }

    let outcomes = within(RUN_WITHIN, run_transfers(&db, &accounts)).await?;
    let count = |o| outcomes.values().filter(|&&x| x == o).count();
    let (completed, cancelled) = (count(Outcome::Completed), count(Outcome::Cancelled));
    let summary = format!(
        "{completed} completed, {cancelled} cancelled, {} rolled back",
        count(Outcome::RolledBack)
    );
    // Both outcomes happen, or the test proves nothing.
    assert!(completed > 0 && cancelled > 0, "{summary}");
    // A transfer cut off during its COMMIT may still be committing: the reads below wait
    // until every transaction has ended, or they could see its audit row before it
    // lands and its balances after.
    let open = open_transactions(&db).await?;
    assert!(open.is_empty(), "transactions left open: {open:?}");

    // Every audit row is a transfer that completed, or was cut off after the database
    // had committed it; every completed transfer has its row.
    let transfers = answers(Transfer::all(&db)).await?;
    let mut expected: BTreeMap<i64, i64> = accounts.iter().map(|&a| (a, OPENING_BALANCE)).collect();
    let mut audited = BTreeSet::new();
    for t in &transfers {
        assert!(audited.insert(t.unit), "transfer {} recorded twice", t.unit);
        let outcome = outcomes.get(&t.unit);
        assert!(
            matches!(outcome, Some(Outcome::Completed | Outcome::Cancelled)),
            "transfer {} is recorded, yet it {outcome:?}",
            t.unit
        );
        *expected.entry(t.from_account).or_default() -= t.amount;
        *expected.entry(t.to_account).or_default() += t.amount;
    }
    for (unit, outcome) in &outcomes {
        if *outcome == Outcome::Completed {
            assert!(
                audited.contains(unit),
                "completed transfer {unit} is missing"
            );
        }
    }
    let late = audited.len() - completed;
    println!("{summary}; {late} cancelled after the commit reached the database");
    // The balances are what the recorded transfers make them: no half transfer (one
    // update without the other, or without its audit row) survived.
    let balances: BTreeMap<i64, i64> = answers(Account::all(&db))
        .await?
        .into_iter()
        .map(|a| (a.id, a.balance))
        .collect();
    assert_eq!(balances, expected, "{summary}");
    let total: i64 = balances.values().sum();
    assert_eq!(total, OPENING_BALANCE * i64::try_from(ACCOUNTS)?);

    // No transaction stays open on the server, holding locks.
    let open = open_transactions(&db).await?;
    assert!(open.is_empty(), "transactions left open: {open:?}");

    // The database answers, and a transfer still goes through.
    let last = Transfer {
        id: 0,
        unit: UNITS,
        from_account: accounts[0],
        to_account: accounts[1],
        amount: 1,
    };
    answers(transfer(&db, &last)).await?;
    let recorded = Transfer::query().filter(Transfer::unit.eq(UNITS));
    assert!(answers(recorded.exists(&db)).await?);
    Ok(())
}

// The kill tests need a server: SQLite has no connection another client could end.
backend_tests!(@backend sqlite, Sqlite,
    transfers_cancelled_at_random_points_leave_only_whole_transfers
);
backend_tests!(@backend postgres, Postgres,
    a_transaction_killed_by_the_server_fails_as_a_broken_connection,
    a_transaction_killed_before_commit_commits_nothing,
    a_write_on_a_killed_idle_connection_fails_once,
    a_read_on_a_killed_idle_connection_is_retried,
    a_retried_read_binds_as_the_first_try,
    transfers_cancelled_at_random_points_leave_only_whole_transfers
);
backend_tests!(@backend mysql, MySql,
    a_transaction_killed_by_the_server_fails_as_a_broken_connection,
    a_transaction_killed_before_commit_commits_nothing,
    a_write_on_a_killed_idle_connection_fails_once,
    a_read_on_a_killed_idle_connection_is_retried,
    transfers_cancelled_at_random_points_leave_only_whole_transfers,
    a_retried_read_binds_as_the_first_try
);
