//! The floor: the driver below every contender, with nothing on top. On PostgreSQL
//! `tokio-postgres` on one dedicated connection (no TLS), each statement prepared once
//! (`client.prepare`, on first use: the tables do not exist yet at connect) and reused
//! (the multi-row inserts once per row count); on SQLite `rusqlite` on one connection with
//! its statement cache. rusqlite is blocking: its calls run directly on the calling
//! (runtime worker) thread, behind a `std::sync::Mutex`, with no `spawn_blocking` hop;
//! the benchmark runs one thing at a time, so nothing else waits on that thread. MySQL has
//! no floor here: every workload answers `None`.
//!
//! Rows are decoded by position and text is borrowed from the row, never copied. The floor
//! runs trivial, medium, insert, get by key and stream; the rest (loading levels, a
//! transaction of updates) would be raw SQL again, which raw sqlx already measures.

use std::collections::HashMap;
use std::sync::Mutex;

use anyhow::Context;
use futures_util::TryStreamExt;
use tokio::sync::OnceCell;
use tokio_postgres::types::ToSql;
use tokio_postgres::{NoTls, Row, Statement};

use super::{Backend, Contender, Run};
use crate::workload::{Workload, new_user, post_sum, user_sum};

const USERS: &str = "SELECT id, name, hair_color FROM ob_users";

/// The medium join (raw sqlx's), its parameter written `{p}1`: `$1` or `?1`.
fn medium_sql(p: &str) -> String {
    format!(
        "SELECT u.id, u.name, u.hair_color, p.id, p.user_id, p.title, p.body \
         FROM ob_users u LEFT JOIN ob_posts p ON p.user_id = u.id WHERE u.hair_color = {p}1"
    )
}

fn by_key_sql(p: &str) -> String {
    format!("SELECT id, name, hair_color FROM ob_users WHERE id = {p}1")
}

/// `INSERT … VALUES ($1, $2), ($3, $4), …` for `n` rows.
fn insert_sql(p: &str, n: usize) -> String {
    let mut sql = String::from("INSERT INTO ob_users (name, hair_color) VALUES ");
    for i in 0..n {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!("({p}{}, {p}{})", 2 * i + 1, 2 * i + 2));
    }
    sql
}

/// tokio-postgres: one client, statements prepared once.
struct Pg {
    client: tokio_postgres::Client,
    users: OnceCell<Statement>,
    medium: OnceCell<Statement>,
    by_key: OnceCell<Statement>,
    /// The multi-row inserts, prepared on first use, per row count.
    inserts: Mutex<HashMap<usize, Statement>>,
}

/// rusqlite: one connection, statements from its cache.
struct Lite {
    conn: Mutex<rusqlite::Connection>,
}

/// The driver, per backend.
enum Driver {
    Postgres(Box<Pg>),
    Sqlite(Lite),
    None,
}

/// The floor contender.
pub struct Floor {
    driver: Driver,
}

impl Floor {
    /// One connection on `url` (none on MySQL).
    pub async fn connect(url: &str) -> anyhow::Result<Floor> {
        let driver = match Backend::of(url) {
            Backend::Postgres => {
                let (client, connection) = tokio_postgres::connect(url, NoTls).await?;
                tokio::spawn(async move {
                    if let Err(e) = connection.await {
                        eprintln!("floor (tokio-postgres): connection error: {e}");
                    }
                });
                Driver::Postgres(Box::new(Pg {
                    users: OnceCell::new(),
                    medium: OnceCell::new(),
                    by_key: OnceCell::new(),
                    inserts: Mutex::new(HashMap::new()),
                    client,
                }))
            }
            Backend::Sqlite => {
                let path = super::sqlite_path(url);
                let conn =
                    rusqlite::Connection::open(&path).with_context(|| format!("opening {path}"))?;
                Driver::Sqlite(Lite {
                    conn: Mutex::new(conn),
                })
            }
            Backend::MySql => Driver::None,
        };
        Ok(Floor { driver })
    }
}

fn pg_user(row: &Row) -> anyhow::Result<u64> {
    let id: i32 = row.try_get(0)?;
    let name: &str = row.try_get(1)?;
    let hair: Option<&str> = row.try_get(2)?;
    Ok(user_sum(id.into(), name, hair))
}

impl Pg {
    /// The statement in `cell`, prepared from `sql` the first time.
    async fn prepared<'a>(
        &self,
        cell: &'a OnceCell<Statement>,
        sql: impl FnOnce() -> String,
    ) -> anyhow::Result<&'a Statement> {
        Ok(cell
            .get_or_try_init(|| async { self.client.prepare(&sql()).await })
            .await?)
    }

    async fn trivial(&self) -> anyhow::Result<u64> {
        let users = self.prepared(&self.users, || USERS.into()).await?;
        let rows = self.client.query(users, &[]).await?;
        rows.iter().map(pg_user).sum()
    }

    async fn medium(&self) -> anyhow::Result<u64> {
        let medium = self.prepared(&self.medium, || medium_sql("$")).await?;
        let rows = self.client.query(medium, &[&"black"]).await?;
        let mut sum = 0;
        for row in &rows {
            sum += pg_user(row)?;
            let post_id: Option<i32> = row.try_get(3)?;
            if let Some(post_id) = post_id {
                let user_id: i32 = row.try_get(4)?;
                sum += post_sum(
                    post_id.into(),
                    user_id.into(),
                    row.try_get(5)?,
                    row.try_get(6)?,
                );
            }
        }
        Ok(sum)
    }

    async fn insert(&self, n: usize) -> anyhow::Result<u64> {
        let cached = self.inserts.lock().expect("not poisoned").get(&n).cloned();
        let statement = match cached {
            Some(s) => s,
            None => {
                let s = self.client.prepare(&insert_sql("$", n)).await?;
                self.inserts
                    .lock()
                    .expect("not poisoned")
                    .insert(n, s.clone());
                s
            }
        };
        let users: Vec<(String, Option<&str>)> = (0..n).map(new_user).collect();
        let mut params: Vec<&(dyn ToSql + Sync)> = Vec::with_capacity(2 * n);
        for (name, hair) in &users {
            params.push(name);
            params.push(hair);
        }
        Ok(self.client.execute(&statement, &params).await?)
    }

    async fn get_by_key(&self, n: usize) -> anyhow::Result<u64> {
        let by_key = self.prepared(&self.by_key, || by_key_sql("$")).await?;
        let mut sum = 0;
        for id in 1..=i32::try_from(n)? {
            let row = self.client.query_one(by_key, &[&id]).await?;
            sum += pg_user(&row)?;
        }
        Ok(sum)
    }

    async fn stream(&self) -> anyhow::Result<u64> {
        let users = self.prepared(&self.users, || USERS.into()).await?;
        self.client
            .query_raw(users, std::iter::empty::<i32>())
            .await?
            .map_err(anyhow::Error::from)
            .try_fold(0u64, |sum, row| async move { Ok(sum + pg_user(&row)?) })
            .await
    }
}

fn lite_user(row: &rusqlite::Row<'_>) -> anyhow::Result<u64> {
    let id: i32 = row.get(0)?;
    let name = row.get_ref(1)?.as_str()?;
    let hair = row.get_ref(2)?.as_str_or_null()?;
    Ok(user_sum(id.into(), name, hair))
}

impl Lite {
    fn conn(&self) -> std::sync::MutexGuard<'_, rusqlite::Connection> {
        self.conn.lock().expect("not poisoned")
    }

    /// Every user, row by row as SQLite steps (the trivial select and the stream alike).
    fn users(&self) -> anyhow::Result<u64> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached(USERS)?;
        let mut rows = statement.query([])?;
        let mut sum = 0;
        while let Some(row) = rows.next()? {
            sum += lite_user(row)?;
        }
        Ok(sum)
    }

    fn medium(&self) -> anyhow::Result<u64> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached(&medium_sql("?"))?;
        let mut rows = statement.query(["black"])?;
        let mut sum = 0;
        while let Some(row) = rows.next()? {
            sum += lite_user(row)?;
            let post_id: Option<i32> = row.get(3)?;
            if let Some(post_id) = post_id {
                let user_id: i32 = row.get(4)?;
                sum += post_sum(
                    post_id.into(),
                    user_id.into(),
                    row.get_ref(5)?.as_str()?,
                    row.get_ref(6)?.as_str_or_null()?,
                );
            }
        }
        Ok(sum)
    }

    fn insert(&self, n: usize) -> anyhow::Result<u64> {
        let users: Vec<(String, Option<&str>)> = (0..n).map(new_user).collect();
        let mut params: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(2 * n);
        for (name, hair) in &users {
            params.push(name);
            params.push(hair);
        }
        let conn = self.conn();
        let mut statement = conn.prepare_cached(&insert_sql("?", n))?;
        Ok(u64::try_from(statement.execute(params.as_slice())?)?)
    }

    fn get_by_key(&self, n: usize) -> anyhow::Result<u64> {
        let conn = self.conn();
        let mut statement = conn.prepare_cached(&by_key_sql("?"))?;
        let mut sum = 0;
        for id in 1..=i32::try_from(n)? {
            let mut rows = statement.query([id])?;
            let row = rows
                .next()?
                .ok_or_else(|| anyhow::anyhow!("user {id} is missing"))?;
            sum += lite_user(row)?;
        }
        Ok(sum)
    }
}

impl Contender for Floor {
    fn name(&self) -> String {
        match self.driver {
            Driver::Postgres(_) => "floor (tokio-postgres)",
            Driver::Sqlite(_) => "floor (rusqlite)",
            Driver::None => "floor",
        }
        .into()
    }

    fn run(&self, workload: Workload) -> Option<Run<'_>> {
        match &self.driver {
            Driver::Postgres(pg) => Some(match workload {
                Workload::Trivial(_) => Box::pin(pg.trivial()),
                Workload::MediumComplex(_) => Box::pin(pg.medium()),
                Workload::Insert(n) => Box::pin(pg.insert(n)),
                Workload::GetByKey(n) => Box::pin(pg.get_by_key(n)),
                Workload::Stream(_) => Box::pin(pg.stream()),
                Workload::Associations
                | Workload::Flush(_)
                | Workload::EagerLoad
                | Workload::InsertKeys(_)
                | Workload::BulkInsert(_) => return None,
            }),
            // Synchronous: the work happens when the future is first polled, on that thread.
            Driver::Sqlite(lite) => Some(match workload {
                Workload::Trivial(_) | Workload::Stream(_) => Box::pin(async { lite.users() }),
                Workload::MediumComplex(_) => Box::pin(async { lite.medium() }),
                Workload::Insert(n) => Box::pin(async move { lite.insert(n) }),
                Workload::GetByKey(n) => Box::pin(async move { lite.get_by_key(n) }),
                Workload::Associations
                | Workload::Flush(_)
                | Workload::EagerLoad
                | Workload::InsertKeys(_)
                | Workload::BulkInsert(_) => return None,
            }),
            Driver::None => None,
        }
    }
}
