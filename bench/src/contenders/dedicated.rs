//! Raw sqlx on one connection held for the whole run, as Diesel's column and the floor
//! work: what the pool costs per statement (a checkout, and on release a ping of the
//! connection on a spawned task) shows as the gap between this column and `raw sqlx`.

use futures_util::TryStreamExt;
use sqlx::{AssertSqlSafe, Row};

use super::raw::{on_pool, user_by_position, users_by_position};
use super::{Backend, Contender, POOL_SIZE, Run};
use crate::data::Server;
use crate::workload::{Workload, user_sum};

/// Raw sqlx, statements on one pooled connection per run.
pub struct Dedicated {
    server: Server,
    by_key: &'static str,
}

impl Dedicated {
    /// A pool of [`POOL_SIZE`] on `url`, of which each run takes one connection.
    pub async fn connect(url: &str) -> anyhow::Result<Dedicated> {
        let server = match Backend::of(url) {
            Backend::Sqlite => Server::Sqlite(
                sqlx::pool::PoolOptions::new()
                    .max_connections(POOL_SIZE)
                    .connect_with(url.parse()?)
                    .await?,
            ),
            Backend::Postgres => Server::Postgres(
                sqlx::pool::PoolOptions::new()
                    .max_connections(POOL_SIZE)
                    .connect(url)
                    .await?,
            ),
            Backend::MySql => Server::MySql(
                sqlx::pool::PoolOptions::new()
                    .max_connections(POOL_SIZE)
                    .connect(url)
                    .await?,
            ),
        };
        let by_key = match Backend::of(url) {
            Backend::Postgres => "SELECT id, name, hair_color FROM ob_users WHERE id = $1",
            _ => "SELECT id, name, hair_color FROM ob_users WHERE id = ?",
        };
        Ok(Dedicated { server, by_key })
    }

    async fn get_by_key(&self, n: usize) -> anyhow::Result<u64> {
        let mut sum = 0;
        on_pool!(&self.server, pool => {
            let mut conn = pool.acquire().await?;
            for id in 1..=i32::try_from(n)? {
                let row = sqlx::query(AssertSqlSafe(self.by_key))
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("user {id} is missing"))?;
                sum += user_by_position!(row);
            }
        });
        Ok(sum)
    }

    async fn trivial(&self) -> anyhow::Result<u64> {
        let sql = AssertSqlSafe("SELECT id, name, hair_color FROM ob_users");
        Ok(on_pool!(&self.server, pool => {
            let mut conn = pool.acquire().await?;
            users_by_position!(sqlx::query(sql).fetch(&mut *conn))
        }))
    }
}

impl Contender for Dedicated {
    fn name(&self) -> String {
        "raw sqlx, one connection".into()
    }

    fn run(&self, workload: Workload) -> Option<Run<'_>> {
        match workload {
            Workload::GetByKey(n) => Some(Box::pin(self.get_by_key(n))),
            Workload::Trivial(1) => Some(Box::pin(self.trivial())),
            _ => None,
        }
    }
}
