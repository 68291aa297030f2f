//! The benchmark's schema (diesel_bench's `users`, `posts`, `comments`, prefixed `ob_` so
//! that it never meets an application's tables) and the data each workload starts from.
//! Written as plain SQL through sqlx: no contender's code builds the ground they race on.

use anyhow::Result;
use sqlx::AssertSqlSafe;

use crate::workload::{Workload, new_user};

/// The three backends, each by its sqlx pool.
#[derive(Clone)]
pub enum Server {
    /// An SQLite file.
    Sqlite(sqlx::SqlitePool),
    /// PostgreSQL.
    Postgres(sqlx::PgPool),
    /// MySQL or MariaDB.
    MySql(sqlx::MySqlPool),
}

impl Server {
    /// A pool of one connection on `url`, for the set-up.
    pub async fn connect(url: &str) -> Result<Server> {
        Ok(if url.starts_with("sqlite:") {
            let options: sqlx::sqlite::SqliteConnectOptions = url.parse()?;
            let options = options
                .create_if_missing(true)
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal);
            Server::Sqlite(
                sqlx::pool::PoolOptions::new()
                    .max_connections(1)
                    .connect_with(options)
                    .await?,
            )
        } else if url.starts_with("postgres") {
            Server::Postgres(
                sqlx::pool::PoolOptions::new()
                    .max_connections(1)
                    .connect(url)
                    .await?,
            )
        } else {
            Server::MySql(
                sqlx::pool::PoolOptions::new()
                    .max_connections(1)
                    .connect(url)
                    .await?,
            )
        })
    }

    /// Runs `sql`, which may hold several statements.
    pub async fn run(&self, sql: String) -> Result<()> {
        let sql = AssertSqlSafe(sql);
        match self {
            Server::Sqlite(p) => _ = sqlx::raw_sql(sql).execute(p).await?,
            Server::Postgres(p) => _ = sqlx::raw_sql(sql).execute(p).await?,
            Server::MySql(p) => _ = sqlx::raw_sql(sql).execute(p).await?,
        }
        Ok(())
    }

    fn key_type(&self) -> &'static str {
        match self {
            Server::Sqlite(_) => "INTEGER PRIMARY KEY",
            Server::Postgres(_) => "SERIAL PRIMARY KEY",
            Server::MySql(_) => "INTEGER AUTO_INCREMENT PRIMARY KEY",
        }
    }

    /// Drops the benchmark's tables.
    pub async fn drop_tables(&self) -> Result<()> {
        for table in ["ob_comments", "ob_posts", "ob_users"] {
            self.run(format!("DROP TABLE IF EXISTS {table}")).await?;
        }
        Ok(())
    }

    /// Empty tables, keys counting from 1 again.
    async fn reset(&self) -> Result<()> {
        self.drop_tables().await?;
        let key = self.key_type();
        let text = match self {
            Server::MySql(_) => "VARCHAR(255)",
            _ => "TEXT",
        };
        self.run(format!(
            "CREATE TABLE ob_users (id {key}, name {text} NOT NULL, hair_color {text})"
        ))
        .await?;
        self.run(format!(
            "CREATE TABLE ob_posts (id {key}, user_id INTEGER NOT NULL REFERENCES ob_users (id), \
             title {text} NOT NULL, body {text})"
        ))
        .await?;
        self.run(format!(
            "CREATE TABLE ob_comments (id {key}, post_id INTEGER NOT NULL REFERENCES ob_posts (id), \
             text {text} NOT NULL)"
        ))
        .await?;
        self.run("CREATE INDEX ob_posts_user_id ON ob_posts (user_id)".into())
            .await?;
        self.run("CREATE INDEX ob_comments_post_id ON ob_comments (post_id)".into())
            .await?;
        Ok(())
    }

    /// Inserts `rows` (already SQL literals) into `table` in batches.
    async fn fill(&self, table: &str, columns: &str, rows: Vec<String>) -> Result<()> {
        for chunk in rows.chunks(5_000) {
            self.run(format!(
                "INSERT INTO {table} ({columns}) VALUES {}",
                chunk.join(", ")
            ))
            .await?;
        }
        Ok(())
    }

    /// `n` users (ids 1..=n), from [`new_user`].
    async fn users(&self, n: usize) -> Result<()> {
        let rows = (0..n)
            .map(|i| {
                let (name, hair) = new_user(i);
                match hair {
                    Some(h) => format!("('{name}', '{h}')"),
                    None => format!("('{name}', NULL)"),
                }
            })
            .collect();
        self.fill("ob_users", "name, hair_color", rows).await
    }

    /// The data `workload` starts from.
    pub async fn prepare(&self, workload: Workload) -> Result<()> {
        self.reset().await?;
        match workload {
            Workload::Trivial(n)
            | Workload::GetByKey(n)
            | Workload::Stream(n)
            | Workload::Flush(n) => self.users(n).await?,
            Workload::MediumComplex(n) => {
                self.users(n).await?;
                // One post for each black-haired user.
                let posts = (0..n)
                    .filter(|i| new_user(*i).1 == Some("black"))
                    .map(|i| format!("({}, 'Post by {i}', NULL)", i + 1))
                    .collect();
                self.fill("ob_posts", "user_id, title, body", posts).await?;
            }
            Workload::Insert(_) | Workload::InsertKeys(_) | Workload::BulkInsert(_) => {}
            Workload::Associations | Workload::EagerLoad => {
                self.users(100).await?;
                let posts = (0..1_000)
                    .map(|i| format!("({}, 'Post {i}', 'Body {i}')", i / 10 + 1))
                    .collect();
                self.fill("ob_posts", "user_id, title, body", posts).await?;
                let comments = (0..10_000)
                    .map(|i| format!("({}, 'Comment {i}')", i / 10 + 1))
                    .collect();
                self.fill("ob_comments", "post_id, text", comments).await?;
            }
        }
        if let Server::Postgres(_) | Server::MySql(_) = self {
            // Fresh statistics, so that every contender's plans start from the same facts.
            let analyze = match self {
                Server::Postgres(_) => "ANALYZE ob_users, ob_posts, ob_comments",
                _ => "ANALYZE TABLE ob_users, ob_posts, ob_comments",
            };
            self.run(analyze.into()).await?;
        }
        Ok(())
    }
}
