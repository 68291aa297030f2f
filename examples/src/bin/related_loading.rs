//! Eager loading against raw sqlx: 100 users, 10 posts each, 10 comments per post
//! (11 100 rows), loaded as users -> posts -> comments in three queries.
//!
//! Contenders, in rotating rounds, medians of 9 (or `ROUNDS`):
//! - `orm children_of`: `User::all`, then `Post::author_id.children_of`, then
//!   `Comment::post_id.children_of` (3 queries);
//! - `raw sqlx`, twice: the same three queries written by hand (`IN (…)` lists built
//!   with `QueryBuilder`), rows grouped per parent in a `HashMap`. Two identical
//!   contenders calibrate: their ratio is the machine's noise.
//!
//! ```console
//! $ cargo run --release -p examples --bin related_loading
//! $ ORM_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test \
//!   ORM_TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/test \
//!   cargo run --release -p examples --bin related_loading
//! ```

use std::collections::HashMap;
use std::time::{Duration, Instant};

use examples::models::{BenchComment, BenchPost, BenchUser};
use orm_core::prelude::*;
use orm_core::sqlx;

/// Rounds per backend (`ROUNDS` in the environment, else 9).
fn rounds() -> usize {
    std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(9)
}

async fn fill(db: &Database) -> orm_core::Result<()> {
    for table in ["bench_comments", "bench_posts", "bench_users"] {
        orm_core::Raw::dynamic(format!("DROP TABLE IF EXISTS {table}"))
            .execute(db)
            .await?;
    }
    db.create_tables(&[
        BenchUser::table_def(),
        BenchPost::table_def(),
        BenchComment::table_def(),
    ])
    .await?;
    let mut users: Vec<BenchUser> = (0..100)
        .map(|i| BenchUser {
            id: 0,
            name: format!("user {i}"),
        })
        .collect();
    BenchUser::insert_many(&mut users, db).await?;
    let mut posts: Vec<BenchPost> = users
        .iter()
        .flat_map(|u| {
            (0..10).map(move |i| BenchPost {
                id: 0,
                author_id: u.id,
                title: format!("post {i}"),
            })
        })
        .collect();
    BenchPost::insert_many(&mut posts, db).await?;
    let mut comments: Vec<BenchComment> = posts
        .iter()
        .flat_map(|p| {
            (0..10).map(move |i| BenchComment {
                id: 0,
                post_id: p.id,
                text: format!("comment {i}"),
            })
        })
        .collect();
    BenchComment::insert_many(&mut comments, db).await?;
    Ok(())
}

/// The three levels through the ORM: (users, posts per user, comments per post).
async fn orm(db: &Database) -> orm_core::Result<usize> {
    let users = BenchUser::all(db).await?;
    let posts = BenchPost::author_id.children_of(&users, db).await?;
    let flat: Vec<BenchPost> = posts.into_iter().flatten().collect();
    let comments = BenchComment::post_id.children_of(&flat, db).await?;
    Ok(comments.iter().map(Vec::len).sum())
}

/// The same three queries by hand, grouped per parent.
macro_rules! raw_levels {
    ($pool:expr) => {{
        let users: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, name FROM bench_users ORDER BY id")
                .fetch_all($pool)
                .await?;
        let mut q = sqlx::QueryBuilder::new(
            "SELECT id, author_id, title FROM bench_posts WHERE author_id IN (",
        );
        let mut list = q.separated(", ");
        for (id, _) in &users {
            list.push_bind(*id);
        }
        q.push(") ORDER BY id");
        let posts: Vec<(i64, i64, String)> = q.build_query_as().fetch_all($pool).await?;
        let mut by_user: HashMap<i64, Vec<(i64, i64, String)>> = HashMap::new();
        for p in posts {
            by_user.entry(p.1).or_default().push(p);
        }
        let flat: Vec<(i64, i64, String)> = users
            .iter()
            .flat_map(|(id, _)| by_user.remove(id).unwrap_or_default())
            .collect();
        let mut q = sqlx::QueryBuilder::new(
            "SELECT id, post_id, text FROM bench_comments WHERE post_id IN (",
        );
        let mut list = q.separated(", ");
        for (id, _, _) in &flat {
            list.push_bind(*id);
        }
        q.push(") ORDER BY id");
        let comments: Vec<(i64, i64, String)> = q.build_query_as().fetch_all($pool).await?;
        let mut by_post: HashMap<i64, Vec<(i64, i64, String)>> = HashMap::new();
        for c in comments {
            by_post.entry(c.1).or_default().push(c);
        }
        let grouped: Vec<Vec<(i64, i64, String)>> = flat
            .iter()
            .map(|(id, _, _)| by_post.remove(id).unwrap_or_default())
            .collect();
        grouped.iter().map(Vec::len).sum::<usize>()
    }};
}

async fn raw(db: &Database) -> Result<usize, sqlx::Error> {
    if let Some(pool) = db.sqlite_pool() {
        return Ok(raw_levels!(pool));
    }
    if let Some(pool) = db.postgres_pool() {
        return Ok(raw_levels!(pool));
    }
    if let Some(pool) = db.mysql_pool() {
        return Ok(raw_levels!(pool));
    }
    Ok(0)
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

async fn compare(name: &str, url: &str) -> orm_core::Result<()> {
    let dbs = [
        Database::connect(url).await?,
        Database::connect(url).await?,
        Database::connect(url).await?,
    ];
    fill(&dbs[0]).await?;
    let names = ["orm children_of", "raw sqlx", "raw sqlx (again)"];
    let mut times: [Vec<Duration>; 3] = Default::default();
    let rounds = rounds();
    for round in 0..rounds {
        for k in 0..3 {
            let which = (round + k) % 3;
            let started = Instant::now();
            let loaded = match which {
                0 => orm(&dbs[0]).await?,
                _ => raw(&dbs[which]).await?,
            };
            times[which].push(started.elapsed());
            assert_eq!(loaded, 10_000, "{}", names[which]);
        }
    }
    let medians: Vec<Duration> = times.iter_mut().map(|t| median(t)).collect();
    println!(
        "\n{name}: 100 users -> 1 000 posts -> 10 000 comments, 3 queries, median of {rounds}"
    );
    println!("{:<20} {:>12} {:>14}", "contender", "median", "vs raw sqlx");
    for (contender, m) in names.iter().zip(&medians) {
        let ratio = m.as_secs_f64() / medians[1].as_secs_f64();
        println!("{contender:<20} {m:>12.2?} {ratio:>13.2}x");
    }
    for db in dbs {
        db.close().await;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> orm_core::Result<()> {
    let path = std::env::temp_dir().join(format!("orm-related-{}.db", std::process::id()));
    compare("sqlite", &format!("sqlite://{}?mode=rwc", path.display())).await?;
    let _ = std::fs::remove_file(&path);
    for (name, var) in [
        ("postgres", "ORM_TEST_POSTGRES_URL"),
        ("mysql", "ORM_TEST_MYSQL_URL"),
    ] {
        match std::env::var(var) {
            Ok(url) => compare(name, &url).await?,
            Err(_) => println!("\n{name}: skipped ({var} is not set)"),
        }
    }
    Ok(())
}
