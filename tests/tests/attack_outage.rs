//! A server that goes down and comes back, seen through a TCP relay the test controls:
//! stopping the relay closes every connection and refuses new ones, as a stopped server
//! does; starting it on the same port is the restart.
//!
//! While the server is down, statements fail at once as `Error::Connection` naming the
//! cause, not after the acquire timeout as `PoolTimedOut` (the error of an exhausted
//! pool). Once it is back, statements run again without the application doing anything.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use orm_core::prelude::*;
use orm_tests::{TestResult, backend_tests};
use tokio::net::{TcpSocket, TcpStream};
use tokio::task::JoinSet;

#[derive(Model, Debug, Clone)]
#[orm(table = "outage_rows")]
struct Row {
    #[orm(primary_key)]
    id: i64,
    label: String,
}

/// A relay from a local port to the real server; dropping it is the server going down.
struct Relay {
    tasks: JoinSet<()>,
}

impl Relay {
    /// Listens on `at` (port 0: any) and forwards each connection to `server`.
    fn start(at: SocketAddr, server: SocketAddr) -> std::io::Result<(Relay, SocketAddr)> {
        let socket = TcpSocket::new_v4()?;
        socket.set_reuseaddr(true)?;
        socket.bind(at)?;
        let listener = socket.listen(64)?;
        let addr = listener.local_addr()?;
        let mut tasks = JoinSet::new();
        tasks.spawn(async move {
            let mut pipes = JoinSet::new();
            while let Ok((mut client, _)) = listener.accept().await {
                pipes.spawn(async move {
                    if let Ok(mut upstream) = TcpStream::connect(server).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                    }
                });
            }
            // Dropping `pipes` with the task closes every relayed connection.
        });
        Ok((Relay { tasks }, addr))
    }

    /// The server goes down: the listener and every connection are closed.
    async fn stop(mut self) {
        self.tasks.abort_all();
        while self.tasks.join_next().await.is_some() {}
    }
}

/// `url` with its host and port replaced by `addr`, and the host:port it named.
fn through(
    url: &str,
    addr: SocketAddr,
) -> Result<(String, SocketAddr), Box<dyn std::error::Error + Send + Sync>> {
    let start = url.find("://").ok_or("no authority")? + 3;
    let end = start + url[start..].find('/').ok_or("no path")?;
    let authority = &url[start..end];
    let (user, host_port) = match authority.rsplit_once('@') {
        Some((user, hp)) => (format!("{user}@"), hp),
        None => (String::new(), authority),
    };
    let server: SocketAddr = host_port.parse()?;
    Ok((
        format!("{}{user}{addr}{}", &url[..start], &url[end..]),
        server,
    ))
}

async fn a_server_that_goes_down_fails_fast_and_comes_back(db: Database) -> TestResult {
    db.create_tables(&[Row::table_def()]).await?;
    let (relay, addr) = Relay::start("127.0.0.1:0".parse()?, "127.0.0.1:1".parse()?)?;
    relay.stop().await;
    let (url, server) = through(db.url(), addr)?;
    let (relay, _) = Relay::start(addr, server)?;
    let acquire_timeout = Duration::from_secs(20);
    let relayed = Database::options(&url)
        .max_connections(3)
        .acquire_timeout(acquire_timeout)
        .connect()
        .await?;
    // Open all three connections.
    let (a, b, c) = tokio::join!(relayed.begin(), relayed.begin(), relayed.begin());
    for tx in [a?, b?, c?] {
        tx.rollback().await?;
    }
    Row {
        id: 0,
        label: "before".into(),
    }
    .insert(&relayed)
    .await?;

    relay.stop().await;
    for attempt in 0..3 {
        let started = Instant::now();
        let failed = Row::query().count(&relayed).await;
        let took = started.elapsed();
        assert!(
            matches!(failed, Err(Error::Connection { .. })),
            "attempt {attempt} while the server is down: {failed:?}"
        );
        assert!(
            took < Duration::from_secs(5),
            "attempt {attempt} took {took:?} (acquire timeout {acquire_timeout:?})"
        );
        // The first meets a dead connection; later ones are told why none can be opened.
        if attempt > 0 {
            let message = failed.err().map(|e| e.to_string()).unwrap_or_default();
            assert!(message.to_lowercase().contains("refused"), "{message}");
        }
    }
    let started = Instant::now();
    let refused = relayed.begin().await.err();
    assert!(
        matches!(refused, Some(Error::Connection { .. })),
        "{refused:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));

    let (relay, _) = Relay::start(addr, server)?;
    for round in 0..5 {
        let inserted = Row {
            id: 0,
            label: format!("after {round}"),
        }
        .insert(&relayed)
        .await;
        assert!(
            inserted.is_ok(),
            "round {round} after the restart: {inserted:?}"
        );
    }
    assert_eq!(Row::query().count(&relayed).await?, 6);
    relayed.close().await;
    relay.stop().await;
    Ok(())
}

// SQLite has no server to lose.
backend_tests!(@backend postgres, Postgres, a_server_that_goes_down_fails_fast_and_comes_back);
backend_tests!(@backend mysql, MySql, a_server_that_goes_down_fails_fast_and_comes_back);
