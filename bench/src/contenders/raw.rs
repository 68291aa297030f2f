//! Raw sqlx, the reference: the SQL each workload needs written by hand, decoded with
//! `query_as` and `#[derive(FromRow)]` (by column name, as most sqlx code does), or by
//! position straight off the driver's rows (the fastest raw form).

use std::collections::HashMap;

use futures_util::TryStreamExt;
use sqlx::{AssertSqlSafe, QueryBuilder, Row};

use super::{Backend, Contender, Library, POOL_SIZE, Run, every_workload};
use crate::data::Server;
use crate::workload::{Workload, comment_sum, new_user, post_sum, toggled, user_sum};

/// Rows per statement of the bulk insert: 20 000 binds, within every backend's limit.
const BULK_ROWS: usize = 10_000;

/// How rows become values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `query_as` into `#[derive(FromRow)]` structs.
    QueryAs,
    /// `query` and `Row::try_get` by position, decoded as the rows arrive.
    ByPosition,
}

#[derive(sqlx::FromRow)]
struct User {
    id: i32,
    name: String,
    hair_color: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Post {
    id: i32,
    user_id: i32,
    title: String,
    body: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Comment {
    id: i32,
    post_id: i32,
    text: String,
}

/// A users row joined to its post, if any.
#[derive(sqlx::FromRow)]
struct UserPost {
    id: i32,
    name: String,
    hair_color: Option<String>,
    post_id: Option<i32>,
    post_user_id: Option<i32>,
    post_title: Option<String>,
    post_body: Option<String>,
}

/// Raw sqlx on its own pool.
pub struct RawSqlx {
    server: Server,
    form: Form,
    name: &'static str,
    sql: Sql,
}

/// The statements, in the backend's placeholder style.
struct Sql {
    users: String,
    medium: String,
    by_key: String,
    update_hair: String,
}

impl Sql {
    fn new(backend: Backend) -> Sql {
        let placeholders = |sql: &str| -> String {
            if backend != Backend::Postgres {
                return sql.to_owned();
            }
            let mut out = String::new();
            for (i, part) in sql.split('?').enumerate() {
                if i > 0 {
                    out.push_str(&format!("${i}"));
                }
                out.push_str(part);
            }
            out
        };
        Sql {
            users: "SELECT id, name, hair_color FROM ob_users".into(),
            medium: placeholders(
                "SELECT u.id, u.name, u.hair_color, p.id AS post_id, p.user_id AS post_user_id, \
                 p.title AS post_title, p.body AS post_body \
                 FROM ob_users u LEFT JOIN ob_posts p ON p.user_id = u.id WHERE u.hair_color = ?",
            ),
            by_key: placeholders("SELECT id, name, hair_color FROM ob_users WHERE id = ?"),
            update_hair: placeholders("UPDATE ob_users SET hair_color = ? WHERE id = ?"),
        }
    }
}

impl RawSqlx {
    /// Raw sqlx on a pool of [`POOL_SIZE`] on `url`.
    pub async fn connect(url: &str, form: Form, name: &'static str) -> anyhow::Result<RawSqlx> {
        let server = match Server::connect(url).await? {
            Server::Sqlite(_) => {
                let options: sqlx::sqlite::SqliteConnectOptions = url.parse()?;
                Server::Sqlite(
                    sqlx::pool::PoolOptions::new()
                        .max_connections(POOL_SIZE)
                        .connect_with(options)
                        .await?,
                )
            }
            Server::Postgres(_) => Server::Postgres(
                sqlx::pool::PoolOptions::new()
                    .max_connections(POOL_SIZE)
                    .connect(url)
                    .await?,
            ),
            Server::MySql(_) => Server::MySql(
                sqlx::pool::PoolOptions::new()
                    .max_connections(POOL_SIZE)
                    .connect(url)
                    .await?,
            ),
        };
        Ok(RawSqlx {
            server,
            form,
            name,
            sql: Sql::new(Backend::of(url)),
        })
    }
}

/// Runs `$body` with `$p` bound to the pool, whichever backend it is on.
macro_rules! on_pool {
    ($server:expr, $p:ident => $body:expr) => {
        match $server {
            Server::Sqlite($p) => $body,
            Server::Postgres($p) => $body,
            Server::MySql($p) => $body,
        }
    };
}

pub(super) use on_pool;

/// Checksum of one `(id, name, hair_color)` row, decoded by position (`?` on failure).
macro_rules! user_by_position {
    ($row:expr) => {{
        let row = &$row;
        let id: i32 = row.try_get(0)?;
        let name: &str = row.try_get(1)?;
        let hair: Option<&str> = row.try_get(2)?;
        user_sum(id.into(), name, hair)
    }};
}

pub(super) use user_by_position;

/// Checksum of `(id, name, hair_color)` rows decoded by position as they arrive.
macro_rules! users_by_position {
    ($rows:expr) => {
        $rows
            .try_fold(
                0u64,
                |sum, row| async move { Ok(sum + user_by_position!(row)) },
            )
            .await?
    };
}

pub(super) use users_by_position;

/// `SELECT … WHERE $column IN (keys…)`, in `$type`, with the keys bound one by one.
macro_rules! where_in {
    ($p:expr, $type:ty, $select:expr, $column:expr, $keys:expr) => {{
        let mut q = QueryBuilder::new(format!("{} WHERE {} IN (", $select, $column));
        let mut list = q.separated(", ");
        for key in $keys {
            list.push_bind(key);
        }
        q.push(") ORDER BY id");
        let rows: Vec<$type> = q.build_query_as().fetch_all($p).await?;
        rows
    }};
}

impl Library for RawSqlx {
    async fn trivial(&self) -> anyhow::Result<u64> {
        let sql = AssertSqlSafe(self.sql.users.as_str());
        Ok(on_pool!(&self.server, p => match self.form {
            Form::QueryAs => sqlx::query_as::<_, User>(sql)
                .fetch_all(p)
                .await?
                .iter()
                .map(|u| user_sum(u.id.into(), &u.name, u.hair_color.as_deref()))
                .sum(),
            Form::ByPosition => users_by_position!(sqlx::query(sql).fetch(p)),
        }))
    }

    async fn medium(&self) -> anyhow::Result<u64> {
        let sql = AssertSqlSafe(self.sql.medium.as_str());
        let sum = |r: &UserPost| {
            let post = match (r.post_id, r.post_user_id, &r.post_title) {
                (Some(id), Some(user_id), Some(title)) => {
                    post_sum(id.into(), user_id.into(), title, r.post_body.as_deref())
                }
                _ => 0,
            };
            user_sum(r.id.into(), &r.name, r.hair_color.as_deref()) + post
        };
        Ok(on_pool!(&self.server, p => match self.form {
            Form::QueryAs => sqlx::query_as::<_, UserPost>(sql)
                .bind("black")
                .fetch_all(p)
                .await?
                .iter()
                .map(sum)
                .sum(),
            Form::ByPosition => sqlx::query(sql)
                .bind("black")
                .fetch(p)
                .try_fold(0u64, |total, row| async move {
                    let id: i32 = row.try_get(0)?;
                    let name: &str = row.try_get(1)?;
                    let hair: Option<&str> = row.try_get(2)?;
                    let post_id: Option<i32> = row.try_get(3)?;
                    let post = match post_id {
                        Some(post_id) => post_sum(
                            post_id.into(),
                            row.try_get::<i32, _>(4)?.into(),
                            row.try_get::<&str, _>(5)?,
                            row.try_get::<Option<&str>, _>(6)?,
                        ),
                        None => 0,
                    };
                    Ok(total + user_sum(id.into(), name, hair) + post)
                })
                .await?,
        }))
    }

    async fn insert(&self, n: usize) -> anyhow::Result<u64> {
        on_pool!(&self.server, p => {
            let mut q = QueryBuilder::new("INSERT INTO ob_users (name, hair_color) ");
            q.push_values((0..n).map(new_user), |mut row, (name, hair)| {
                row.push_bind(name).push_bind(hair);
            });
            let done = q.build().execute(p).await?;
            Ok(done.rows_affected())
        })
    }

    fn insert_keys(&self, n: usize) -> Option<Run<'_>> {
        Some(Box::pin(async move {
            on_pool!(&self.server, p => {
                let mut q = QueryBuilder::new("INSERT INTO ob_users (name, hair_color) ");
                q.push_values((0..n).map(new_user), |mut row, (name, hair)| {
                    row.push_bind(name).push_bind(hair);
                });
                q.push(" RETURNING id");
                let keys: Vec<(i32,)> = q.build_query_as().fetch_all(p).await?;
                Ok(keys.len() as u64)
            })
        }))
    }

    fn bulk_insert(&self, n: usize) -> Option<Run<'_>> {
        Some(Box::pin(async move {
            on_pool!(&self.server, p => {
                let mut tx = p.begin().await?;
                let mut inserted = 0;
                for start in (0..n).step_by(BULK_ROWS) {
                    let mut q = QueryBuilder::new("INSERT INTO ob_users (name, hair_color) ");
                    q.push_values((start..n.min(start + BULK_ROWS)).map(new_user), |mut row, (name, hair)| {
                        row.push_bind(name).push_bind(hair);
                    });
                    inserted += q.build().execute(&mut *tx).await?.rows_affected();
                }
                tx.commit().await?;
                Ok(inserted)
            })
        }))
    }

    async fn get_by_key(&self, n: usize) -> anyhow::Result<u64> {
        let mut sum = 0;
        on_pool!(&self.server, p => {
            for id in 1..=i32::try_from(n)? {
                let user: Option<User> = sqlx::query_as(AssertSqlSafe(self.sql.by_key.as_str())).bind(id).fetch_optional(p).await?;
                let u = user.ok_or_else(|| anyhow::anyhow!("user {id} is missing"))?;
                sum += user_sum(u.id.into(), &u.name, u.hair_color.as_deref());
            }
        });
        Ok(sum)
    }

    async fn stream(&self) -> anyhow::Result<u64> {
        let sql = AssertSqlSafe(self.sql.users.as_str());
        Ok(on_pool!(&self.server, p => match self.form {
            Form::QueryAs => sqlx::query_as::<_, User>(sql)
                .fetch(p)
                .try_fold(0u64, |sum, u| async move {
                    Ok(sum + user_sum(u.id.into(), &u.name, u.hair_color.as_deref()))
                })
                .await?,
            Form::ByPosition => users_by_position!(sqlx::query(sql).fetch(p)),
        }))
    }

    async fn flush(&self) -> anyhow::Result<u64> {
        let select = AssertSqlSafe(self.sql.users.as_str());
        on_pool!(&self.server, p => {
            let mut tx = p.begin().await?;
            let users: Vec<User> = sqlx::query_as(select).fetch_all(&mut *tx).await?;
            let mut written = 0;
            for u in &users {
                written += sqlx::query(AssertSqlSafe(self.sql.update_hair.as_str()))
                    .bind(toggled(u.hair_color.as_deref()))
                    .bind(u.id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            tx.commit().await?;
            Ok(written)
        })
    }

    /// Users, their posts, and (with `comments`) the posts' comments, grouped per parent.
    async fn levels(&self, comments: bool) -> anyhow::Result<u64> {
        let users_sql = AssertSqlSafe(self.sql.users.as_str());
        on_pool!(&self.server, p => {
            let users: Vec<User> = sqlx::query_as(users_sql).fetch_all(p).await?;
            let posts = where_in!(p, Post, "SELECT id, user_id, title, body FROM ob_posts",
                "user_id", users.iter().map(|u| u.id));
            let mut by_user: HashMap<i32, Vec<Post>> = HashMap::new();
            for post in posts {
                by_user.entry(post.user_id).or_default().push(post);
            }
            let mut sum = 0;
            let mut flat = Vec::new();
            for u in &users {
                sum += user_sum(u.id.into(), &u.name, u.hair_color.as_deref());
                for post in by_user.remove(&u.id).unwrap_or_default() {
                    sum += post_sum(post.id.into(), post.user_id.into(), &post.title, post.body.as_deref());
                    flat.push(post);
                }
            }
            if comments {
                let comments = where_in!(p, Comment, "SELECT id, post_id, text FROM ob_comments",
                    "post_id", flat.iter().map(|p| p.id));
                let mut by_post: HashMap<i32, Vec<Comment>> = HashMap::new();
                for c in comments {
                    by_post.entry(c.post_id).or_default().push(c);
                }
                for post in &flat {
                    for c in by_post.remove(&post.id).unwrap_or_default() {
                        sum += comment_sum(c.id.into(), c.post_id.into(), &c.text);
                    }
                }
            }
            Ok(sum)
        })
    }
}

impl Contender for RawSqlx {
    fn name(&self) -> String {
        self.name.to_owned()
    }

    fn run(&self, workload: Workload) -> Option<Run<'_>> {
        if self.form == Form::ByPosition
            && !matches!(
                workload,
                Workload::Trivial(_) | Workload::MediumComplex(_) | Workload::Stream(_)
            )
        {
            return None; // the same code as `query_as` elsewhere
        }
        every_workload(self, workload)
    }
}
