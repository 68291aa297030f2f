//! The published benchmark (BENCHMARKS.md): this ORM against raw sqlx, SeaORM, Diesel and
//! a floor (the drivers under them), on diesel_bench's workloads and the ORM's own, in one
//! process with alternating rounds, per backend.
//!
//! ```console
//! $ cargo run --release -p orm-bench --features rivals    # SQLite, plus every server URL set
//! $ ORM_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test \
//!   ORM_TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/test cargo run --release -p orm-bench
//! $ cargo run -p orm-bench -- --smoke                    # tiny sizes, one round: CI
//! $ cargo run --release -p orm-bench -- --only "get by key" --rounds 41
//! $ cargo run --release -p orm-bench -- --compile-time   # derive(Model) against FromRow
//! $ cargo run --release -p orm-bench -- --backend PgBouncer  # one table: the pooler's cost
//! ```

mod compile_time;
mod contenders;
mod data;
mod harness;
mod workload;

use anyhow::Result;
use peak_alloc::PeakAlloc;

use workload::Workload;

/// Counts heap bytes, for the streaming workload's peak memory.
#[global_allocator]
pub(crate) static PEAK: PeakAlloc = PeakAlloc;

/// The command line.
struct Args {
    smoke: bool,
    compile_time: bool,
    only: Option<String>,
    backend: Option<String>,
    max_rounds: usize,
}

fn args() -> Result<Args> {
    let mut args = Args {
        smoke: false,
        compile_time: false,
        only: None,
        backend: None,
        max_rounds: 41,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--smoke" => args.smoke = true,
            "--compile-time" => args.compile_time = true,
            "--only" => args.only = it.next(),
            "--backend" => args.backend = it.next(),
            "--rounds" => {
                args.max_rounds = it.next().unwrap_or_default().parse()?;
            }
            other => anyhow::bail!(
                "unknown argument `{other}` \
                 (--smoke, --compile-time, --only TEXT, --backend TEXT, --rounds N)"
            ),
        }
    }
    Ok(args)
}

fn workloads(smoke: bool) -> Vec<Workload> {
    use Workload::*;
    if smoke {
        return vec![
            Trivial(1),
            Trivial(10),
            MediumComplex(10),
            Insert(10),
            InsertKeys(10),
            BulkInsert(30),
            Associations,
            GetByKey(10),
            Stream(1_000),
            Flush(100),
            EagerLoad,
        ];
    }
    vec![
        Trivial(1),
        Trivial(100),
        Trivial(10_000),
        MediumComplex(1),
        MediumComplex(100),
        MediumComplex(10_000),
        Insert(1),
        Insert(100),
        Insert(10_000),
        InsertKeys(10_000),
        BulkInsert(100_000),
        Associations,
        GetByKey(1_000),
        EagerLoad,
        Flush(10_000),
        Stream(1_000_000),
    ]
}

/// The URLs to run on: an SQLite file, and each server whose URL the environment gives.
fn urls() -> Vec<(&'static str, String)> {
    let file = std::env::temp_dir().join(format!("orm-bench-{}.db", std::process::id()));
    let mut urls = vec![("SQLite", format!("sqlite://{}?mode=rwc", file.display()))];
    if let Ok(url) = std::env::var("ORM_TEST_POSTGRES_URL") {
        urls.push(("PostgreSQL", url));
    }
    if let Ok(url) = std::env::var("ORM_TEST_MYSQL_URL") {
        urls.push(("MySQL/MariaDB", url));
    }
    urls
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = args()?;
    if args.compile_time {
        return compile_time::run(if args.smoke {
            1
        } else {
            args.max_rounds.min(21)
        });
    }
    let wanted = |backend: &str| {
        args.backend
            .as_ref()
            .is_none_or(|b| backend.contains(b.as_str()))
    };
    for (backend, url) in urls() {
        if !wanted(backend) {
            continue;
        }
        let server = data::Server::connect(&url).await?;
        let contenders = contenders::all(&url).await?;
        table(backend, &server, &contenders, &args).await?;
        server.drop_tables().await?;
    }
    // The cost of a transaction-mode pooler: the ORM through PgBouncer against the ORM
    // on the same PostgreSQL directly.
    const POOLED: &str = "PostgreSQL through PgBouncer (transaction mode)";
    if let (Ok(direct), Ok(bouncer), true) = (
        std::env::var("ORM_TEST_POSTGRES_URL"),
        std::env::var("ORM_TEST_PGBOUNCER_URL"),
        wanted(POOLED),
    ) {
        let server = data::Server::connect(&direct).await?;
        let contenders = contenders::through_pooler(&direct, &bouncer).await?;
        table(POOLED, &server, &contenders, &args).await?;
        server.drop_tables().await?;
    }
    Ok(())
}

/// Runs every workload on `contenders` and prints the table for `backend`.
async fn table(
    backend: &str,
    server: &data::Server,
    contenders: &[Box<dyn contenders::Contender>],
    args: &Args,
) -> Result<()> {
    let names: Vec<String> = contenders.iter().map(|c| c.name()).collect();
    println!("\n### {backend}\n");
    println!("| workload | {} |", names.join(" | "));
    println!("|---|{}", "---|".repeat(names.len()));
    let mut peaks = Vec::new();
    for w in workloads(args.smoke) {
        if let Some(only) = &args.only
            && !w.to_string().contains(only.as_str())
        {
            continue;
        }
        let cells = harness::measure(server, contenders, w, args.smoke, args.max_rounds).await?;
        let reference = cells[0].map(|c| c.median.as_secs_f64());
        let row: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, cell)| match (cell, reference) {
                (None, _) => "–".to_owned(),
                (Some(c), Some(r)) if i > 0 => format!(
                    "{} ({:.2}x)",
                    harness::human(c.median),
                    c.median.as_secs_f64() / r
                ),
                (Some(c), _) => harness::human(c.median),
            })
            .collect();
        println!("| {w} | {} |", row.join(" | "));
        if cells.iter().flatten().any(|c| c.peak_bytes.is_some()) {
            peaks.push((w, cells));
        }
    }
    for (w, cells) in peaks {
        let row: Vec<String> = cells
            .iter()
            .map(|c| {
                c.and_then(|c| c.peak_bytes)
                    .map_or("–".into(), harness::bytes)
            })
            .collect();
        println!("| peak heap, {w} | {} |", row.join(" | "));
    }
    Ok(())
}
