//! Read replicas: which server runs each statement, read-your-writes, and a replica that
//! is down.
//!
//! On every backend a "replica" URL naming the test's own database shows the routing (each
//! statement's span says which server ran it). Module `replica` runs on a real PostgreSQL
//! hot standby (`ORM_TEST_POSTGRES_REPLICA_URL`), where the server itself says whether it
//! is the standby (`pg_is_in_recovery()`), and stops and restarts it mid-run
//! (`ORM_TEST_STANDBY_CTL`, which `.ci/run` sets to `.ci/scale-out`).

use std::time::Duration;

use futures_util::TryStreamExt;
use orm_core::DatabaseOptions;
use orm_core::db::TransactionOptions;
use orm_core::prelude::*;
use orm_tests::{TestResult, backend_tests, servers_of};

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "rep_items")]
struct Item {
    #[orm(primary_key)]
    id: i64,
    #[orm(max_length = 40)]
    name: String,
}

/// A database whose one replica is the test's own database: every statement lands on the
/// same data, and its span says which pool ran it.
async fn with_replica(
    db: &Database,
    options: impl Fn(DatabaseOptions) -> DatabaseOptions,
) -> Result<Database> {
    db.create_tables(&[Item::table_def()]).await?;
    options(
        Database::options(db.url())
            .replica(db.url())
            .max_connections(3),
    )
    .connect()
    .await
}

/// The roles of the servers that ran `work`'s statements, in order.
async fn roles<T>(work: impl Future<Output = Result<T>>) -> Result<Vec<String>> {
    let (result, seen) = servers_of(work).await;
    result?;
    Ok(seen.into_iter().map(|(role, _)| role).collect())
}

async fn reads_go_to_the_replica_and_everything_else_to_the_primary(db: Database) -> TestResult {
    let routed = with_replica(&db, |o| o).await?;
    assert_eq!(routed.replica_status()[0].skipped_because, None);
    let mut ann = Item {
        id: 0,
        name: "ann".into(),
    };
    assert_eq!(roles(ann.insert(&routed)).await?, ["primary"]);
    assert_eq!(roles(Item::query().all(&routed)).await?, ["replica"]);
    assert_eq!(roles(Item::get(&routed, ann.id)).await?, ["replica"]);
    assert_eq!(roles(Item::query().count(&routed)).await?, ["replica"]);
    let streamed =
        roles(async { Item::query().stream(&routed).try_collect::<Vec<_>>().await }).await?;
    assert_eq!(streamed, ["replica"]);
    // Pinned, raw SQL, and a transaction: the primary.
    assert_eq!(
        roles(Item::query().all(&routed.primary())).await?,
        ["primary"]
    );
    let raw_read = raw("SELECT COUNT(*) FROM rep_items").fetch_all(&routed);
    assert_eq!(roles(raw_read).await?, ["primary"]);
    let in_tx = roles(routed.transaction(async |tx| Item::query().all(tx).await)).await?;
    assert!(
        !in_tx.is_empty() && in_tx.iter().all(|r| r == "primary"),
        "{in_tx:?}"
    );
    // A read-modify-write loop reads the primary: a retry must not meet a stale row.
    let worked = roles(routed.unit_of_work(2, async |s| {
        let all = s.query::<Item>().all().await?;
        s[all[0]].name = "anna".into();
        Ok(())
    }));
    let worked = worked.await?;
    assert!(
        !worked.is_empty() && worked.iter().all(|r| r == "primary"),
        "{worked:?}"
    );
    ann.name = "anne".into();
    assert_eq!(roles(ann.update(&routed)).await?, ["primary"]);
    routed.close().await;
    Ok(())
}

async fn a_session_reads_from_the_primary_once_it_wrote(db: Database) -> TestResult {
    let routed = with_replica(&db, |o| o).await?;
    let mut session = routed.session();
    let before = roles(session.query::<Item>().all()).await?;
    assert_eq!(
        before,
        ["replica"],
        "a session that has not written reads a replica"
    );
    session.add(Item {
        id: 0,
        name: "bo".into(),
    });
    session.commit().await?;
    let (found, seen) = servers_of(session.query::<Item>().all()).await;
    assert_eq!(found?.len(), 1);
    assert!(
        !seen.is_empty() && seen.iter().all(|(role, _)| role == "primary"),
        "{seen:?}"
    );
    drop(session);
    routed.close().await;
    Ok(())
}

async fn reads_follow_writes_to_the_primary_within_the_window(db: Database) -> TestResult {
    let routed = with_replica(&db, |o| o.read_your_writes(Duration::from_secs(60))).await?;
    assert_eq!(roles(Item::query().all(&routed)).await?, ["replica"]);
    Item {
        id: 0,
        name: "cy".into(),
    }
    .insert(&routed)
    .await?;
    assert_eq!(roles(Item::query().all(&routed)).await?, ["primary"]);
    routed.close().await;

    // A write of raw SQL opens the window too; a read-only transaction does not.
    let raw_write = with_replica(&db, |o| o.read_your_writes(Duration::from_secs(60))).await?;
    raw_write
        .transaction_with(TransactionOptions::new().read_only(true), async |tx| {
            Item::query().count(tx).await
        })
        .await?;
    assert_eq!(roles(Item::query().all(&raw_write)).await?, ["replica"]);
    raw("DELETE FROM rep_items WHERE name = 'nobody'")
        .execute(&raw_write)
        .await?;
    assert_eq!(roles(Item::query().all(&raw_write)).await?, ["primary"]);
    raw_write.close().await;

    let short = with_replica(&db, |o| o.read_your_writes(Duration::from_millis(50))).await?;
    Item {
        id: 0,
        name: "di".into(),
    }
    .insert(&short)
    .await?;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        roles(Item::query().all(&short)).await?,
        ["replica"],
        "the window passed"
    );
    short.close().await;
    Ok(())
}

/// A replica that cannot be reached fails no connect and no read: reads go to the primary.
async fn an_unreachable_replica_is_skipped(db: Database) -> TestResult {
    db.create_tables(&[Item::table_def()]).await?;
    Item {
        id: 0,
        name: "ed".into(),
    }
    .insert(&db)
    .await?;
    let nowhere = match db.dialect() {
        Dialect::Sqlite => "sqlite:///nonexistent-dir/replica.db?mode=ro".to_owned(),
        Dialect::Postgres => "postgres://postgres@127.0.0.1:1/test".to_owned(),
        _ => "mysql://root@127.0.0.1:1/test".to_owned(),
    };
    let routed = Database::options(db.url())
        .replica(&nowhere)
        .replica_check_interval(Duration::from_millis(500))
        .connect()
        .await?;
    let status = routed.replica_status();
    assert!(status[0].skipped_because.is_some(), "{status:?}");
    let (items, seen) = servers_of(Item::query().all(&routed)).await;
    assert_eq!(items?.len(), 1);
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].0, "primary");
    routed.close().await;
    Ok(())
}

/// A replica of another backend is a configuration error, named as such.
async fn a_replica_of_another_backend_is_refused(db: Database) -> TestResult {
    let other = match db.dialect() {
        Dialect::Sqlite => "postgres://postgres@127.0.0.1:1/test",
        _ => "sqlite::memory:",
    };
    let refused = Database::options(db.url()).replica(other).connect().await;
    assert!(matches!(refused, Err(Error::Config(_))), "{refused:?}");
    Ok(())
}

backend_tests!(
    reads_go_to_the_replica_and_everything_else_to_the_primary,
    a_session_reads_from_the_primary_once_it_wrote,
    reads_follow_writes_to_the_primary_within_the_window,
    an_unreachable_replica_is_skipped,
    a_replica_of_another_backend_is_refused,
);

/// On a real hot standby of the test PostgreSQL server.
mod replica {
    use super::*;
    use orm_tests::Backend;

    /// Whether the server that ran the query is in recovery (the standby), read through the
    /// query builder so that it is routed as any read is.
    #[derive(Model, Debug, Clone, PartialEq)]
    #[orm(table = "rep_where", view)]
    struct Where {
        id: i64,
        standby: bool,
    }

    /// The standby tests take turns: one of them stops the standby.
    static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

    /// The test's schema on the primary, with its table and view, and a database that
    /// reads from the standby; `None` (after saying so) without both URLs.
    async fn standby_setup(test: &str) -> Option<(Database, Database, String)> {
        let Some(replica_base) = std::env::var("ORM_TEST_POSTGRES_REPLICA_URL")
            .ok()
            .filter(|u| !u.is_empty())
        else {
            orm_tests::skip(&format!(
                "{test}: set ORM_TEST_POSTGRES_REPLICA_URL to run it"
            ));
            return None;
        };
        let primary_url = orm_tests::fresh_database_url(Backend::Postgres, test).await?;
        let schema = primary_url
            .split_once('?')
            .map(|(_, q)| q)
            .unwrap_or_default();
        let replica_url = format!("{replica_base}?{schema}");
        let primary = orm_tests::connect_to(Backend::Postgres, &primary_url).await;
        primary
            .create_tables(&[Item::table_def()])
            .await
            .expect("the table");
        raw("CREATE VIEW rep_where AS SELECT 1::bigint AS id, pg_is_in_recovery() AS standby")
            .execute(&primary)
            .await
            .expect("the view");
        let routed = Database::options(&primary_url)
            .replica(&replica_url)
            .replica_check_interval(Duration::from_millis(200))
            .max_connections(3)
            .connect()
            .await
            .expect("connect with the standby");
        Some((primary, routed, replica_url))
    }

    /// Waits until the standby has replayed what the primary holds of `rep_items`.
    async fn replayed(replica_url: &str, rows: u64) {
        let standby = orm_tests::connect_to(Backend::Postgres, replica_url).await;
        for _ in 0..200 {
            if Item::query().count(&standby).await.ok() == Some(rows) {
                standby.close().await;
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the standby did not replay {rows} rows within 10 s");
    }

    /// Whether the server that ran a routed read is the standby.
    async fn read_on_standby(db: &Database) -> Result<bool> {
        Ok(Where::query().one(db).await?.standby)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reads_land_on_the_standby_and_writes_on_the_primary() {
        let _turn = ONE_AT_A_TIME.lock().await;
        let test = "replica::reads_land_on_the_standby";
        let Some((primary, routed, replica_url)) = standby_setup(test).await else {
            return;
        };
        replayed(&replica_url, 0).await;
        assert!(
            read_on_standby(&routed).await.unwrap(),
            "a read ran on the primary"
        );
        assert!(!read_on_standby(&routed.primary()).await.unwrap());
        let in_tx = routed
            .transaction(async |tx| Ok(Where::query().one(tx).await?.standby))
            .await
            .unwrap();
        assert!(!in_tx, "a transaction runs on the primary");
        // The standby is read-only: these writes succeed only on the primary.
        let mut item = Item {
            id: 0,
            name: "fay".into(),
        };
        item.insert(&routed).await.unwrap();
        item.name = "faye".into();
        item.update(&routed).await.unwrap();
        replayed(&replica_url, 1).await;
        let read = Item::get(&routed, item.id).await.unwrap();
        assert_eq!(read, Some(item));
        routed.close().await;
        primary.close().await;
        orm_tests::drop_database(Backend::Postgres, test).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_session_sees_its_write_at_once() {
        let _turn = ONE_AT_A_TIME.lock().await;
        let test = "replica::a_session_sees_its_write";
        let Some((primary, routed, replica_url)) = standby_setup(test).await else {
            return;
        };
        replayed(&replica_url, 0).await;
        // The standby stops replaying: what the primary writes now, it does not see.
        let standby = orm_tests::connect_to(Backend::Postgres, &replica_url).await;
        raw("SELECT pg_wal_replay_pause()::text")
            .fetch_all(&standby)
            .await
            .unwrap();
        let checked = async {
            let mut session = routed.session();
            session.add(Item {
                id: 0,
                name: "gus".into(),
            });
            session.commit().await?;
            // The session reads from the primary now, so it sees its row...
            let names: Vec<String> = session
                .query::<Item>()
                .all()
                .await?
                .into_iter()
                .map(|h| session[h].name.clone())
                .collect();
            assert_eq!(names, ["gus"]);
            // ...which a read routed to the paused standby does not.
            assert_eq!(Item::query().count(&routed).await?, 0);
            Ok::<_, Error>(())
        }
        .await;
        raw("SELECT pg_wal_replay_resume()::text")
            .fetch_all(&standby)
            .await
            .unwrap();
        standby.close().await;
        checked.unwrap();
        routed.close().await;
        primary.close().await;
        orm_tests::drop_database(Backend::Postgres, test).await;
    }

    /// Stops the standby mid-run: reads go on, on the primary, without an error; once it
    /// is back and checked, reads return to it.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_standby_stopped_and_back() {
        let _turn = ONE_AT_A_TIME.lock().await;
        let test = "replica::the_standby_stopped_and_back";
        let Some(ctl) = std::env::var("ORM_TEST_STANDBY_CTL")
            .ok()
            .filter(|c| !c.is_empty())
        else {
            orm_tests::skip(&format!("{test}: set ORM_TEST_STANDBY_CTL to run it"));
            return;
        };
        let Some((primary, routed, replica_url)) = standby_setup(test).await else {
            return;
        };
        Item {
            id: 0,
            name: "hal".into(),
        }
        .insert(&primary)
        .await
        .unwrap();
        replayed(&replica_url, 1).await;
        assert!(read_on_standby(&routed).await.unwrap());
        let standby = |action: &str| {
            let status = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("{ctl} {action}"))
                .status()
                .expect("the standby's control command");
            assert!(status.success(), "`{ctl} {action}` failed");
        };
        standby("standby-stop");
        let stopped = async {
            // Reads right after the stop (before any check noticed) and for a while after.
            for _ in 0..20 {
                assert!(!read_on_standby(&routed).await.unwrap());
                assert_eq!(Item::query().count(&routed).await.unwrap(), 1);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        };
        stopped.await;
        assert!(routed.replica_status()[0].skipped_because.is_some());
        standby("standby-start");
        let mut back = false;
        for _ in 0..100 {
            if read_on_standby(&routed).await.unwrap() {
                back = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            back,
            "reads did not return to the standby: {:?}",
            routed.replica_status()
        );
        routed.close().await;
        primary.close().await;
        orm_tests::drop_database(Backend::Postgres, test).await;
    }
}
