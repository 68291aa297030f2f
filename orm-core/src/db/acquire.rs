//! Taking a connection from the pool, and telling a server that is down from a pool that
//! is exhausted.
//!
//! sqlx's pool retries a refused connection until the acquire timeout, then reports only
//! `PoolTimedOut`: while the server was down, every statement waited 30 s and failed with
//! the error of an exhausted pool. When the pool has room but its new connection is slow
//! to come, one connection is tried directly beside it: a refusal is reported at once as
//! [`Error::Connection`] with its cause. A pool that is merely busy is not probed (it has
//! no room to open one). The common case, an idle connection in a pool none of whose
//! connections ever broke, costs three atomic reads; once one broke, idle connections may
//! be dead too (see `health`), and each acquire also arms a timer.

use std::time::Duration;

use sqlx::pool::PoolConnection;

use crate::db::health::Health;
use crate::{Error, Result};

/// How long a new connection may take before a probe looks for the reason: longer than a
/// connection to a live server takes to open on a network, short next to a timeout.
const PROBE_AFTER: Duration = Duration::from_millis(250);

/// A connection from `pool`; `Connection` at once when the server refuses connections.
pub(crate) async fn acquire<DB: sqlx::Database>(
    pool: &sqlx::Pool<DB>,
    health: &Health,
) -> Result<PoolConnection<DB>> {
    let has_room = pool.size() < pool.options().get_max_connections();
    let may_open_one = has_room && (pool.num_idle() == 0 || health.ever_broke());
    if !may_open_one {
        return Ok(pool.acquire().await?);
    }
    let acquire = pool.acquire();
    tokio::pin!(acquire);
    tokio::select! {
        biased;
        acquired = &mut acquire => return Ok(acquired?),
        () = tokio::time::sleep(PROBE_AFTER) => {}
    }
    let probe = async {
        use sqlx::{ConnectOptions as _, Connection as _};
        match pool.connect_options().connect().await {
            Ok(conn) => {
                // It answers: the pool's own attempt will succeed too; wait for it.
                let _ = conn.close().await;
                std::future::pending::<sqlx::Error>().await
            }
            Err(e) => e,
        }
    };
    tokio::select! {
        biased;
        acquired = &mut acquire => Ok(acquired?),
        refused = probe => Err(Error::Connection {
            url: String::new(),
            message: refused.to_string(),
        }),
    }
}
