//! How long one unit of work takes on SQLite while eight tasks write at once.
//!
//! Each unit reads a counter and writes it back in one transaction, the shape that used to
//! fail with `Busy` at once. Three contenders run in alternating rounds on files of their
//! own, so that the machine's noise falls on all of them alike:
//!
//! - `orm`: `db.transaction(..)`: `BEGIN IMMEDIATE`, writers queued in the process;
//! - `raw sqlx`, twice: the same unit written by hand on a sqlx pool with
//!   `BEGIN IMMEDIATE`, waiting in SQLite's busy handler. Two identical contenders
//!   calibrate: their difference is the noise of this machine.
//!
//! It prints the median, 99th percentile and worst unit latency of each, the units that
//! failed (none should), and the median throughput of the rounds. Queued writers trade a
//! higher median (each waits for the ones before it) for a tail within milliseconds of
//! it; writers polling in SQLite's busy handler have a low median and a tail of 100 ms
//! and more (its sleeps last up to 100 ms).
//!
//! ```console
//! $ cargo run --release -p examples --bin sqlite_writers
//! ```

use std::time::{Duration, Instant};

use examples::models::Counter;
use orm_core::prelude::*;
use orm_core::sqlx;

const WRITERS: usize = 8;
const UNITS_PER_WRITER: usize = 25;
const ROUNDS: usize = 8;

/// Latencies of one contender, and its failed units.
#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    failed: usize,
    /// Units per second of each round.
    throughput: Vec<f64>,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.latencies.extend(other.latencies);
        self.failed += other.failed;
        self.throughput.extend(other.throughput);
    }

    fn quantile(&mut self, q: f64) -> Duration {
        self.latencies.sort_unstable();
        let last = self.latencies.len().saturating_sub(1);
        // Rounding a fraction of the length to an index: the cast is the intent.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let at = ((last as f64) * q).round() as usize;
        self.latencies.get(at).copied().unwrap_or_default()
    }
}

async fn orm_round(db: &Database) -> Tally {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..WRITERS {
        let db = db.clone();
        tasks.spawn(async move {
            let mut tally = Tally::default();
            for _ in 0..UNITS_PER_WRITER {
                let started = Instant::now();
                let unit = db
                    .transaction(async |tx| {
                        let mut c = Counter::get(tx, 1)
                            .await?
                            .ok_or_else(Error::not_found::<Counter>)?;
                        c.value += 1;
                        c.update(tx).await
                    })
                    .await;
                match unit {
                    Ok(()) => tally.latencies.push(started.elapsed()),
                    Err(_) => tally.failed += 1,
                }
            }
            tally
        });
    }
    collect(tasks).await
}

async fn raw_unit(pool: &sqlx::SqlitePool) -> Result<(), sqlx::Error> {
    let mut conn = pool.acquire().await?;
    sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?;
    let unit = async {
        let (value,): (i64,) = sqlx::query_as("SELECT value FROM counters WHERE id = 1")
            .fetch_one(&mut *conn)
            .await?;
        sqlx::query("UPDATE counters SET value = ? WHERE id = 1")
            .bind(value + 1)
            .execute(&mut *conn)
            .await?;
        sqlx::query("COMMIT").execute(&mut *conn).await
    }
    .await;
    if unit.is_err() {
        let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
    }
    unit.map(drop)
}

async fn raw_round(pool: &sqlx::SqlitePool) -> Tally {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..WRITERS {
        let pool = pool.clone();
        tasks.spawn(async move {
            let mut tally = Tally::default();
            for _ in 0..UNITS_PER_WRITER {
                let started = Instant::now();
                match raw_unit(&pool).await {
                    Ok(()) => tally.latencies.push(started.elapsed()),
                    Err(_) => tally.failed += 1,
                }
            }
            tally
        });
    }
    collect(tasks).await
}

async fn collect(mut tasks: tokio::task::JoinSet<Tally>) -> Tally {
    let mut all = Tally::default();
    while let Some(done) = tasks.join_next().await {
        if let Ok(tally) = done {
            all.add(tally);
        }
    }
    all
}

/// A fresh database file with the counter, through the ORM (which sets WAL and the busy
/// timeout); the raw contenders use its sqlx pool, so both have the same settings.
async fn database(dir: &std::path::Path, name: &str) -> orm_core::Result<Database> {
    let db = Database::connect(&format!("sqlite://{}", dir.join(name).display())).await?;
    db.create_tables(&[Counter::table_def()]).await?;
    Counter { id: 1, value: 0 }.insert(&db).await?;
    Ok(db)
}

#[tokio::main]
async fn main() -> orm_core::Result<()> {
    let dir = std::env::temp_dir().join(format!("orm-sqlite-writers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| Error::Config(e.to_string()))?;
    let orm = database(&dir, "orm.db").await?;
    let raw_a = database(&dir, "raw_a.db").await?;
    let raw_b = database(&dir, "raw_b.db").await?;
    let (Some(pool_a), Some(pool_b)) = (raw_a.sqlite_pool(), raw_b.sqlite_pool()) else {
        return Err(Error::Config("not SQLite".into()));
    };

    let mut tallies: [(&str, Tally); 3] = [
        ("orm", Tally::default()),
        ("raw sqlx", Tally::default()),
        ("raw sqlx (again)", Tally::default()),
    ];
    for round in 0..ROUNDS {
        // Rotate who goes first, so that no contender always runs on a warmer machine.
        for k in 0..3 {
            let which = (round + k) % 3;
            let started = Instant::now();
            let mut tally = match which {
                0 => orm_round(&orm).await,
                1 => raw_round(pool_a).await,
                _ => raw_round(pool_b).await,
            };
            let units = tally.latencies.len() as f64;
            tally
                .throughput
                .push(units / started.elapsed().as_secs_f64());
            tallies[which].1.add(tally);
        }
    }

    println!(
        "SQLite, {WRITERS} writers x {UNITS_PER_WRITER} read-then-write units, {ROUNDS} rounds"
    );
    println!(
        "{:<18} {:>10} {:>10} {:>10} {:>7} {:>10}",
        "contender", "median", "p99", "max", "failed", "units/s"
    );
    for (name, tally) in &mut tallies {
        let (median, p99, max) = (
            tally.quantile(0.5),
            tally.quantile(0.99),
            tally.quantile(1.0),
        );
        tally.throughput.sort_by(f64::total_cmp);
        let per_second = tally.throughput[tally.throughput.len() / 2];
        println!(
            "{name:<18} {median:>10.2?} {p99:>10.2?} {max:>10.2?} {:>7} {per_second:>10.0}",
            tally.failed
        );
    }
    for db in [orm, raw_a, raw_b] {
        db.close().await;
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
