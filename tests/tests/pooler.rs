//! Behind PgBouncer in transaction mode (`ORM_TEST_PGBOUNCER_URL`), what only a pooler
//! tests: many tasks at once on few server connections, the session time zone that a
//! pooler does not keep, and migrations, which cannot run through one. (The query,
//! transaction, CRUD, session, bulk and stream suites also run through PgBouncer: their
//! `pgbouncer::` tests.)

use orm_core::prelude::*;
use orm_tests::{Backend, TestResult};

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "pool_counters")]
struct Counter {
    #[orm(primary_key)]
    id: i64,
    #[orm(max_length = 20)]
    name: String,
    hits: i64,
}

/// Forty tasks, each reading and writing in turn through a pool of five client
/// connections that PgBouncer spreads over its server connections: every statement
/// prepared unnamed, each outside a transaction in one of its own.
async fn many_tasks_share_the_pooler(db: Database) -> TestResult {
    assert!(db.behind_transaction_pooler());
    db.create_tables(&[Counter::table_def()]).await?;
    let mut tasks = tokio::task::JoinSet::new();
    for t in 0..40 {
        let db = db.clone();
        tasks.spawn(async move {
            let mut counter = Counter {
                id: 0,
                name: format!("task {t}"),
                hits: 0,
            };
            counter.insert(&db).await?;
            for _ in 0..10 {
                let mut read = Counter::get(&db, counter.id)
                    .await?
                    .ok_or_else(Error::not_found::<Counter>)?;
                read.hits += 1;
                read.update(&db).await?;
                let found = Counter::query()
                    .filter(Counter::name.eq(format!("task {t}")))
                    .one(&db)
                    .await?;
                assert_eq!(found.hits, read.hits);
            }
            db.transaction(async |tx| {
                let mut c = Counter::get(tx, counter.id)
                    .await?
                    .ok_or_else(Error::not_found::<Counter>)?;
                c.hits *= 2;
                c.update(tx).await
            })
            .await
        });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    let counters = Counter::query().all(&db).await?;
    assert_eq!(counters.len(), 40);
    assert!(counters.iter().all(|c| c.hits == 20), "{counters:?}");
    Ok(())
}

/// The pooler drops the time zone sqlx asks for at connect; each transaction sets UTC,
/// here on a database whose own default is another zone.
async fn every_statement_runs_in_utc(db: Database) -> TestResult {
    let name = db.url().rsplit('/').next().unwrap_or_default().to_owned();
    let Some(direct) = Backend::Postgres.server_url() else {
        return Ok(());
    };
    let admin = Database::connect(&direct).await?;
    let zoned = format!("{name}_tz");
    let quoted = Dialect::Postgres.quoted(&zoned);
    for sql in [
        format!("DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"),
        format!("CREATE DATABASE {quoted}"),
        format!("ALTER DATABASE {quoted} SET timezone = 'Asia/Kolkata'"),
    ] {
        Raw::dynamic(sql).execute(&admin).await?;
    }
    let through = db.url().replace(&format!("/{name}"), &format!("/{zoned}"));
    let zoned_db = orm_tests::connect_to(Backend::PgBouncer, &through).await;
    let outcome = async {
        let zones: Vec<(String,)> = raw("SELECT current_setting('TimeZone')")
            .fetch_as(&zoned_db)
            .await?;
        assert_eq!(zones[0].0, "UTC");
        let in_tx = zoned_db
            .transaction(async |tx| {
                let zones: Vec<(String,)> = raw("SELECT current_setting('TimeZone')")
                    .fetch_as(tx)
                    .await?;
                Ok(zones[0].0.clone())
            })
            .await?;
        assert_eq!(in_tx, "UTC");
        Ok::<_, Error>(())
    }
    .await;
    zoned_db.close().await;
    Raw::dynamic(format!("DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
        .execute(&admin)
        .await?;
    admin.close().await;
    outcome?;
    Ok(())
}

/// Migrations hold a session lock across transactions: refused, with a message saying
/// what to do, before anything is run.
async fn migrations_are_refused_through_the_pooler(db: Database) -> TestResult {
    let dir = tempfile::tempdir()?;
    std::fs::write(
        dir.path().join("1_create.up.sql"),
        "CREATE TABLE pool_migrated (id BIGINT PRIMARY KEY);",
    )?;
    std::fs::write(
        dir.path().join("1_create.down.sql"),
        "DROP TABLE pool_migrated;",
    )?;
    match db.migrate(dir.path()).await {
        Err(Error::Config(message)) => assert!(message.contains("directly"), "{message}"),
        other => panic!("expected a configuration error, got {other:?}"),
    }
    let tables: Vec<(i64,)> =
        raw("SELECT COUNT(*) FROM pg_tables WHERE tablename = 'pool_migrated'")
            .fetch_as(&db)
            .await?;
    assert_eq!(tables[0].0, 0, "nothing was run");
    Ok(())
}

/// Transaction-pooler mode is PostgreSQL's: another backend is a configuration error.
#[tokio::test]
async fn the_pooler_setting_is_for_postgres() {
    let refused = Database::options("sqlite::memory:")
        .transaction_pooler(true)
        .connect()
        .await;
    assert!(matches!(refused, Err(Error::Config(_))), "{refused:?}");
}

mod pgbouncer {
    use super::*;

    macro_rules! through_pgbouncer {
        ($($name:ident),*) => {$(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let test = concat!(module_path!(), "::", stringify!($name));
                orm_tests::run(Backend::PgBouncer, test, super::$name).await;
            }
        )*};
    }

    through_pgbouncer!(
        many_tasks_share_the_pooler,
        every_statement_runs_in_utc,
        migrations_are_refused_through_the_pooler
    );
}
