//! What bulk writes cost against raw sqlx, on every backend it can reach.
//!
//! Per backend, 10 000 rows of four columns go into a table in one transaction, and every
//! generated key comes back. Four contenders run in rounds, in an order that rotates, each
//! on a table (and pool) of its own:
//!
//! - `orm per-row insert`: `insert` in a loop, the code a user writes without bulk writes;
//! - `orm insert_many`: `Model::insert_many`;
//! - `raw sqlx multi-row`, twice: 1 000-row `INSERT … VALUES` built with sqlx's
//!   `QueryBuilder`, keys read with `RETURNING` where the server has it and from the
//!   last insert id on MySQL. Two identical contenders calibrate: their ratio is the noise
//!   of this machine.
//!
//! Then, on SQLite, `get` by primary key against `sqlx::query_as` of the same `SELECT`.
//! It prints the median time of each contender and its ratio to the first raw one.
//!
//! ```console
//! $ cargo run --release -p examples --bin bulk_writes
//! $ ORM_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test \
//!   ORM_TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/test \
//!   cargo run --release -p examples --bin bulk_writes
//! ```

// Every count here is at most 20 000: casts between the integer types cannot wrap.
#![allow(clippy::cast_possible_wrap, clippy::cast_possible_truncation)]

use std::time::{Duration, Instant};

use examples::models::BenchItem as Item;
use orm_core::prelude::*;
use orm_core::sqlx;

const ROWS: usize = 10_000;
const ROUNDS: usize = 7;
const GETS: usize = 20_000;

fn rows() -> Vec<Item> {
    (0..ROWS)
        .map(|i| Item {
            id: 0,
            label: format!("item number {i}"),
            weight: (i % 4 != 0).then_some(i as f64 * 0.25),
            qty: i32::try_from(i % 1000).unwrap_or(0),
        })
        .collect()
}

/// The median of `times`.
fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

/// A fresh `bench_items` table through the ORM (the DDL every contender gets).
async fn fresh(db: &Database) -> orm_core::Result<()> {
    raw("DROP TABLE IF EXISTS bench_items").execute(db).await?;
    db.create_tables(&[Item::table_def()]).await
}

/// 1 000 rows per `INSERT`, written by hand with sqlx's `QueryBuilder`; returns the keys.
macro_rules! raw_multi_row {
    ($pool:expr, $returning:expr, $items:expr, |$done:ident| $last_id:expr) => {{
        let mut tx = $pool.begin().await?;
        let mut keys: Vec<i64> = Vec::with_capacity($items.len());
        for chunk in $items.chunks(1000) {
            let mut query =
                sqlx::QueryBuilder::new("INSERT INTO bench_items (label, weight, qty) ");
            query.push_values(chunk, |mut row, item| {
                row.push_bind(item.label.clone())
                    .push_bind(item.weight)
                    .push_bind(item.qty);
            });
            if $returning {
                query.push(" RETURNING id");
                let ids: Vec<(i64,)> = query.build_query_as().fetch_all(&mut *tx).await?;
                keys.extend(ids.into_iter().map(|(id,)| id));
            } else {
                let $done = query.build().execute(&mut *tx).await?;
                let first: i64 = $last_id;
                keys.extend((0..chunk.len() as i64).map(|k| first + k));
            }
        }
        tx.commit().await?;
        keys
    }};
}

async fn raw_insert(db: &Database, items: &[Item]) -> Result<Vec<i64>, sqlx::Error> {
    let returning = db.inserts_return();
    if let Some(pool) = db.sqlite_pool() {
        return Ok(raw_multi_row!(pool, true, items, |done| done.last_insert_rowid()));
    }
    if let Some(pool) = db.postgres_pool() {
        return Ok(raw_multi_row!(pool, true, items, |done| {
            let _ = done;
            0
        }));
    }
    if let Some(pool) = db.mysql_pool() {
        return Ok(raw_multi_row!(pool, returning, items, |done| {
            i64::try_from(done.last_insert_id()).unwrap_or(0)
        }));
    }
    Ok(Vec::new())
}

async fn orm_per_row(db: &Database, items: &mut [Item]) -> orm_core::Result<()> {
    let tx = db.begin().await?;
    for item in items.iter_mut() {
        item.insert(&tx).await?;
    }
    tx.commit().await
}

async fn orm_many(db: &Database, items: &mut [Item]) -> orm_core::Result<()> {
    let tx = db.begin().await?;
    Item::insert_many(items, &tx).await?;
    tx.commit().await
}

/// The bulk writes on one backend: a database (and pool) per contender on `urls`; the
/// contenders run one at a time, each into a fresh `bench_items`.
async fn bulk(name: &str, urls: [String; 4]) -> orm_core::Result<()> {
    let mut dbs = Vec::new();
    for url in &urls {
        dbs.push(Database::connect(url).await?);
    }
    let names = [
        "orm per-row insert",
        "orm insert_many",
        "raw sqlx multi-row",
        "raw sqlx multi-row (again)",
    ];
    let mut times: [Vec<Duration>; 4] = Default::default();
    for round in 0..ROUNDS {
        for k in 0..4 {
            let which = (round + k) % 4;
            let db = &dbs[which];
            fresh(db).await?;
            let mut items = rows();
            let started = Instant::now();
            let keys = match which {
                0 => {
                    orm_per_row(db, &mut items).await?;
                    items.iter().map(|i| i.id).collect()
                }
                1 => {
                    orm_many(db, &mut items).await?;
                    items.iter().map(|i| i.id).collect()
                }
                _ => raw_insert(db, &items).await?,
            };
            times[which].push(started.elapsed());
            assert_eq!(keys.len(), ROWS);
            assert_eq!(
                keys[ROWS - 1] - keys[0],
                (ROWS - 1) as i64,
                "{}",
                names[which]
            );
        }
    }
    for db in &dbs {
        raw("DROP TABLE IF EXISTS bench_items").execute(db).await?;
    }
    let medians: Vec<Duration> = times.iter_mut().map(|t| median(t)).collect();
    println!("\n{name}: {ROWS} rows in one transaction, median of {ROUNDS} rounds");
    println!("{:<28} {:>12} {:>14}", "contender", "median", "vs raw sqlx");
    for (contender, m) in names.iter().zip(&medians) {
        let ratio = m.as_secs_f64() / medians[2].as_secs_f64();
        println!("{contender:<28} {m:>12.2?} {ratio:>13.2}x");
    }
    for db in dbs {
        db.close().await;
    }
    Ok(())
}

/// `get` by key on SQLite against the same `SELECT` through sqlx.
async fn sqlite_get(dir: &std::path::Path) -> orm_core::Result<()> {
    let mut dbs = Vec::new();
    for k in 0..3 {
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.join(format!("get{k}.db")).display()
        );
        let db = Database::connect(&url).await?;
        fresh(&db).await?;
        Item::insert_many(&mut rows(), &db).await?;
        dbs.push(db);
    }
    let names = ["orm get", "raw sqlx query_as", "raw sqlx query_as (again)"];
    let mut times: [Vec<Duration>; 3] = Default::default();
    for round in 0..ROUNDS {
        for k in 0..3 {
            let which = (round + k) % 3;
            let db = &dbs[which];
            let started = Instant::now();
            for n in 0..GETS {
                let id = (n % ROWS) as i64 + 1;
                let found = if which == 0 {
                    Item::get(db, id).await?.map(|i| i.qty)
                } else {
                    let pool = db.sqlite_pool().ok_or(Error::Config("not SQLite".into()))?;
                    let row: Option<(i64, String, Option<f64>, i32)> = sqlx::query_as(
                        "SELECT id, label, weight, qty FROM bench_items WHERE id = ? LIMIT 1",
                    )
                    .bind(id)
                    .fetch_optional(pool)
                    .await?;
                    row.map(|r| r.3)
                };
                assert!(found.is_some());
            }
            times[which].push(started.elapsed() / GETS as u32);
        }
    }
    let medians: Vec<Duration> = times.iter_mut().map(|t| median(t)).collect();
    println!("\nsqlite: get by primary key, {GETS} per round, median of {ROUNDS} rounds");
    println!(
        "{:<28} {:>12} {:>14}",
        "contender", "per get", "vs raw sqlx"
    );
    for (contender, m) in names.iter().zip(&medians) {
        let ratio = m.as_secs_f64() / medians[1].as_secs_f64();
        println!("{contender:<28} {m:>12.2?} {ratio:>13.2}x");
    }
    for db in dbs {
        db.close().await;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> orm_core::Result<()> {
    let dir = std::env::temp_dir().join(format!("orm-bulk-writes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| Error::Config(e.to_string()))?;
    let files = [0, 1, 2, 3].map(|k| {
        format!(
            "sqlite://{}?mode=rwc",
            dir.join(format!("bulk{k}.db")).display()
        )
    });
    // `bulk_writes get` runs only the `get` comparison (`bulk` only the bulk writes).
    let only = std::env::args().nth(1).unwrap_or_default();
    if only != "get" {
        bulk("sqlite", files).await?;
        for (name, var) in [
            ("postgres", "ORM_TEST_POSTGRES_URL"),
            ("mysql", "ORM_TEST_MYSQL_URL"),
        ] {
            match std::env::var(var) {
                // One server database, four pools: the contenders run one at a time, so
                // they can share the table name.
                Ok(url) => bulk(name, [url.clone(), url.clone(), url.clone(), url]).await?,
                Err(_) => println!("\n{name}: skipped ({var} is not set)"),
            }
        }
    }
    if only != "bulk" {
        sqlite_get(&dir).await?;
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
