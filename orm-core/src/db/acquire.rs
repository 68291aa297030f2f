//! Taking a connection from the pool, and telling a server that is down from a pool that
//! is exhausted.
//!
//! sqlx's pool retries a refused connection until the acquire timeout, then reports only
//! `PoolTimedOut`: while the server was down, every statement waited 30 s and failed with
//! the error of an exhausted pool. When the pool has room but its new connection is slow
//! to come, one connection is tried directly beside it (one per pool at a time, its answer
//! shared by every waiting statement): a refusal is reported at once as
//! [`Error::Connection`] with its cause. What sqlx itself would wait out (PostgreSQL
//! starting up, or out of connection slots) is waited out here too. A pool that is
//! merely busy is not probed (it has no room to open a connection), except within a minute
//! of a broken connection, when its idle connections may be dead too (see `health`). The
//! common case, an idle connection and no recent break, costs a few atomic reads.

use std::time::Duration;

use sqlx::pool::PoolConnection;

use crate::db::health::Health;
use crate::{Error, Result};

/// How long a new connection may take before a probe looks for the reason: longer than a
/// connection to a live server takes to open on a network, short next to a timeout.
const PROBE_AFTER: Duration = Duration::from_millis(250);

/// How long after a break a full pool is still probed: dead connections are met and
/// replaced within seconds of an outage.
const RECENT_BREAK: Duration = Duration::from_secs(60);

/// A connection from `pool`; `Connection` at once when the server refuses connections.
pub(crate) async fn acquire<DB: sqlx::Database>(
    pool: &sqlx::Pool<DB>,
    health: &Health,
) -> Result<PoolConnection<DB>> {
    // Soon after a connection broke, idle ones may be dead too, and replacing them needs
    // a new connection even in a full pool.
    let has_room = pool.size() < pool.options().get_max_connections();
    let may_open_one = (has_room && pool.num_idle() == 0) || health.broke_within(RECENT_BREAK);
    if !may_open_one {
        return Ok(pool.acquire().await?);
    }
    let acquire = pool.acquire();
    tokio::pin!(acquire);
    loop {
        tokio::select! {
            biased;
            acquired = &mut acquire => return Ok(acquired?),
            () = tokio::time::sleep(PROBE_AFTER) => {}
        }
        if let Some(message) = health.recent_refusal() {
            return Err(Error::Connection {
                url: String::new(),
                message,
            });
        }
        let Some(_probing) = health.start_probe() else {
            continue;
        };
        tokio::select! {
            biased;
            acquired = &mut acquire => return Ok(acquired?),
            // Boxed: a driver's connect future is large, and this is the cold path.
            refused = Box::pin(probe(pool)) => match refused {
                Some(message) => {
                    health.refuse(message.clone());
                    return Err(Error::Connection { url: String::new(), message });
                }
                // The server answers: the pool's own connection is merely slow.
                None => return Ok(acquire.await?),
            },
        }
    }
}

/// Opens one connection outside the pool: why it cannot, or `None` when it can (or when
/// the failure is one sqlx's pool waits out).
async fn probe<DB: sqlx::Database>(pool: &sqlx::Pool<DB>) -> Option<String> {
    use sqlx::{ConnectOptions as _, Connection as _};
    match pool.connect_options().connect().await {
        Ok(conn) => {
            let _ = conn.close().await;
            None
        }
        Err(e) if waits_out(&e) => None,
        Err(e) => Some(crate::error::driver_message(&e)),
    }
}

/// Whether a connection attempt failed on something that passes: the server is starting
/// up or has no connection slot free (PostgreSQL 57P03 and 53300, as sqlx's pool waits
/// them out; MySQL's too many connections, 1040 and 1203).
pub(crate) fn waits_out(e: &sqlx::Error) -> bool {
    let sqlx::Error::Database(db) = e else {
        return false;
    };
    #[cfg(feature = "mysql")]
    if let Some(mysql) = db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        return matches!(mysql.number(), 1040 | 1203);
    }
    db.is_transient_in_connect_phase()
}
