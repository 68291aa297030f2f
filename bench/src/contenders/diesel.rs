//! Diesel 2 through diesel-async: `table!` and the derives (`Queryable`, `Selectable`,
//! `Identifiable`, `Associations`, `Insertable`), the query DSL, `belonging_to` +
//! `grouped_by`, `load_stream` and `transaction`. PostgreSQL and MySQL run on
//! `AsyncPgConnection` / `AsyncMysqlConnection`; SQLite on the sync `SqliteConnection`
//! behind diesel-async's `SyncConnectionWrapper` (each call on tokio's blocking pool), as
//! diesel-async documents for SQLite. Each backend has a bb8 pool of [`POOL_SIZE`], and a
//! run takes one connection from it for all its statements, as Diesel code does.

use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_async::pooled_connection::bb8::Pool;
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{AsyncConnection, AsyncMysqlConnection, AsyncPgConnection, RunQueryDsl};
use futures_util::TryStreamExt;

use super::{Backend, Contender, Library, POOL_SIZE, Run, every_workload};
use crate::workload::{Workload, comment_sum, new_user, post_sum, toggled, user_sum};

/// The schema, as `diesel print-schema` would write it.
mod schema {
    diesel::table! {
        ob_users (id) {
            id -> Integer,
            name -> Text,
            hair_color -> Nullable<Text>,
        }
    }

    diesel::table! {
        ob_posts (id) {
            id -> Integer,
            user_id -> Integer,
            title -> Text,
            body -> Nullable<Text>,
        }
    }

    diesel::table! {
        ob_comments (id) {
            id -> Integer,
            post_id -> Integer,
            text -> Text,
        }
    }

    diesel::joinable!(ob_posts -> ob_users (user_id));
    diesel::joinable!(ob_comments -> ob_posts (post_id));
    diesel::allow_tables_to_appear_in_same_query!(ob_users, ob_posts, ob_comments);
}

use schema::{ob_comments, ob_posts, ob_users};

#[derive(Queryable, Selectable, Identifiable, Debug)]
#[diesel(table_name = ob_users)]
struct User {
    id: i32,
    name: String,
    hair_color: Option<String>,
}

#[derive(Queryable, Selectable, Identifiable, Associations, Debug)]
#[diesel(table_name = ob_posts, belongs_to(User))]
struct Post {
    id: i32,
    user_id: i32,
    title: String,
    body: Option<String>,
}

#[derive(Queryable, Selectable, Identifiable, Associations, Debug)]
#[diesel(table_name = ob_comments, belongs_to(Post))]
struct Comment {
    id: i32,
    post_id: i32,
    text: String,
}

/// A row to insert: `None` is written as NULL (not `DEFAULT`, which SQLite's multi-row
/// `VALUES` cannot hold).
#[derive(Insertable)]
#[diesel(table_name = ob_users, treat_none_as_default_value = false)]
struct NewUser {
    name: String,
    hair_color: Option<&'static str>,
}

impl User {
    fn sum(&self) -> u64 {
        user_sum(self.id.into(), &self.name, self.hair_color.as_deref())
    }
}

impl Post {
    fn sum(&self) -> u64 {
        post_sum(
            self.id.into(),
            self.user_id.into(),
            &self.title,
            self.body.as_deref(),
        )
    }
}

/// The pool, per backend.
enum Pools {
    Sqlite(Pool<SyncConnectionWrapper<SqliteConnection>>),
    Postgres(Pool<AsyncPgConnection>),
    MySql(Pool<AsyncMysqlConnection>),
}

/// Diesel (diesel-async) on its own bb8 pool.
pub struct Diesel {
    pools: Pools,
}

impl Diesel {
    /// A bb8 pool of [`POOL_SIZE`] on `url` (on SQLite, on the file `url` names).
    pub async fn connect(url: &str) -> anyhow::Result<Diesel> {
        let pools = match Backend::of(url) {
            Backend::Sqlite => Pools::Sqlite(
                Pool::builder()
                    .max_size(POOL_SIZE)
                    .build(AsyncDieselConnectionManager::new(super::sqlite_path(url)))
                    .await?,
            ),
            Backend::Postgres => Pools::Postgres(
                Pool::builder()
                    .max_size(POOL_SIZE)
                    .build(AsyncDieselConnectionManager::new(url))
                    .await?,
            ),
            Backend::MySql => Pools::MySql(
                Pool::builder()
                    .max_size(POOL_SIZE)
                    .build(AsyncDieselConnectionManager::new(url))
                    .await?,
            ),
        };
        Ok(Diesel { pools })
    }
}

/// Runs `$body` with `$conn` a connection from the pool, whichever backend it is on: the
/// same Diesel code, type-checked once per connection type.
macro_rules! on_conn {
    ($pools:expr, $conn:ident => $body:expr) => {
        match $pools {
            Pools::Sqlite(pool) => {
                let mut pooled = pool.get().await?;
                let $conn = &mut *pooled;
                $body
            }
            Pools::Postgres(pool) => {
                let mut pooled = pool.get().await?;
                let $conn = &mut *pooled;
                $body
            }
            Pools::MySql(pool) => {
                let mut pooled = pool.get().await?;
                let $conn = &mut *pooled;
                $body
            }
        }
    };
}

impl Library for Diesel {
    async fn trivial(&self) -> anyhow::Result<u64> {
        on_conn!(&self.pools, conn => {
            let users: Vec<User> = ob_users::table.select(User::as_select()).load(conn).await?;
            Ok(users.iter().map(User::sum).sum())
        })
    }

    async fn medium(&self) -> anyhow::Result<u64> {
        on_conn!(&self.pools, conn => {
            let rows: Vec<(User, Option<Post>)> = ob_users::table
                .left_join(ob_posts::table)
                .filter(ob_users::hair_color.eq("black"))
                .select((User::as_select(), Option::<Post>::as_select()))
                .load(conn)
                .await?;
            Ok(rows.iter().map(|(u, p)| u.sum() + p.as_ref().map_or(0, Post::sum)).sum())
        })
    }

    async fn insert(&self, n: usize) -> anyhow::Result<u64> {
        let rows: Vec<NewUser> = (0..n)
            .map(|i| {
                let (name, hair_color) = new_user(i);
                NewUser { name, hair_color }
            })
            .collect();
        let inserted = match &self.pools {
            // Diesel writes SQLite's multi-row `VALUES` only through `SqliteConnection`'s
            // own `execute` (a backend specialisation the async wrapper's generic path does
            // not reach), so this one runs as sync Diesel on the wrapped connection, on the
            // blocking pool: the escape hatch diesel-async provides.
            Pools::Sqlite(pool) => {
                pool.get()
                    .await?
                    .spawn_blocking(move |conn| {
                        diesel::RunQueryDsl::execute(
                            diesel::insert_into(ob_users::table).values(&rows),
                            conn,
                        )
                    })
                    .await?
            }
            Pools::Postgres(pool) => {
                diesel::insert_into(ob_users::table)
                    .values(&rows)
                    .execute(&mut *pool.get().await?)
                    .await?
            }
            Pools::MySql(pool) => {
                diesel::insert_into(ob_users::table)
                    .values(&rows)
                    .execute(&mut *pool.get().await?)
                    .await?
            }
        };
        Ok(u64::try_from(inserted)?)
    }

    async fn get_by_key(&self, n: usize) -> anyhow::Result<u64> {
        let n = i32::try_from(n)?;
        on_conn!(&self.pools, conn => {
            let mut sum = 0;
            for id in 1..=n {
                let user: User = ob_users::table
                    .find(id)
                    .select(User::as_select())
                    .first(conn)
                    .await?;
                sum += user.sum();
            }
            Ok(sum)
        })
    }

    async fn stream(&self) -> anyhow::Result<u64> {
        on_conn!(&self.pools, conn => {
            Ok(ob_users::table
                .select(User::as_select())
                .load_stream::<User>(conn)
                .await?
                .try_fold(0u64, |sum, u| async move { Ok(sum + u.sum()) })
                .await?)
        })
    }

    async fn flush(&self) -> anyhow::Result<u64> {
        on_conn!(&self.pools, conn => {
            let written = conn
                .transaction::<_, diesel::result::Error, _>(async |conn| {
                    let users: Vec<User> =
                        ob_users::table.select(User::as_select()).load(conn).await?;
                    let mut written = 0;
                    for user in &users {
                        written += diesel::update(user)
                            .set(ob_users::hair_color.eq(toggled(user.hair_color.as_deref())))
                            .execute(conn)
                            .await?;
                    }
                    Ok(written)
                })
                .await?;
            Ok(u64::try_from(written)?)
        })
    }

    /// Users, then `Post::belonging_to(&users)` (one `IN`/`ANY` query) `grouped_by` user,
    /// then (with `comments`) `Comment::belonging_to(&posts)` grouped by post.
    async fn levels(&self, comments: bool) -> anyhow::Result<u64> {
        on_conn!(&self.pools, conn => {
            let users: Vec<User> = ob_users::table.select(User::as_select()).load(conn).await?;
            let posts: Vec<Post> = Post::belonging_to(&users)
                .select(Post::as_select())
                .load(conn)
                .await?;
            let per_user: Vec<Vec<Post>> = posts.grouped_by(&users);
            let mut sum = 0;
            for (user, posts) in users.iter().zip(&per_user) {
                sum += user.sum() + posts.iter().map(Post::sum).sum::<u64>();
            }
            if comments {
                let flat: Vec<Post> = per_user.into_iter().flatten().collect();
                let comments: Vec<Comment> = Comment::belonging_to(&flat)
                    .select(Comment::as_select())
                    .load(conn)
                    .await?;
                let per_post: Vec<Vec<Comment>> = comments.grouped_by(&flat);
                sum += per_post
                    .iter()
                    .flatten()
                    .map(|c| comment_sum(c.id.into(), c.post_id.into(), &c.text))
                    .sum::<u64>();
            }
            Ok(sum)
        })
    }
}

impl Contender for Diesel {
    fn name(&self) -> String {
        "Diesel".into()
    }

    fn run(&self, workload: Workload) -> Option<Run<'_>> {
        every_workload(self, workload)
    }
}
