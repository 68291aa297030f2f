//! The contenders: each one runs the workloads it can, on its own pool, with the library's
//! idiomatic code. `run` answers `None` for a workload the library has no way to do.

use std::future::Future;
use std::pin::Pin;

pub mod dedicated;
#[cfg(feature = "rivals")]
pub mod diesel;
#[cfg(feature = "rivals")]
pub mod floor;
pub mod orm;
pub mod raw;
#[cfg(feature = "rivals")]
pub mod seaorm;

use crate::workload::Workload;

/// A workload's run: its checksum.
pub type Run<'a> = Pin<Box<dyn Future<Output = anyhow::Result<u64>> + Send + 'a>>;

/// One library (or one way of using it) in the race.
pub trait Contender: Send + Sync {
    /// The column heading.
    fn name(&self) -> String;

    /// `workload` run once, or `None` when this contender does not run it.
    fn run(&self, workload: Workload) -> Option<Run<'_>>;
}

/// A library that runs every workload, each returning its checksum: its contender's
/// `run` is [`every_workload`].
pub trait Library: Send + Sync {
    /// Every row of `ob_users`.
    fn trivial(&self) -> impl Future<Output = anyhow::Result<u64>> + Send;
    /// `ob_users LEFT JOIN ob_posts` where the hair is black.
    fn medium(&self) -> impl Future<Output = anyhow::Result<u64>> + Send;
    /// `n` new users in one batch.
    fn insert(&self, n: usize) -> impl Future<Output = anyhow::Result<u64>> + Send;
    /// Users 1 to `n`, one by one by key.
    fn get_by_key(&self, n: usize) -> impl Future<Output = anyhow::Result<u64>> + Send;
    /// Every user, streamed.
    fn stream(&self) -> impl Future<Output = anyhow::Result<u64>> + Send;
    /// Every user loaded, changed, and written back in one transaction.
    fn flush(&self) -> impl Future<Output = anyhow::Result<u64>> + Send;
    /// Users, their posts and, with `comments`, the posts' comments, grouped per parent.
    fn levels(&self, comments: bool) -> impl Future<Output = anyhow::Result<u64>> + Send;
    /// `n` new users, their keys read back (the number of keys is the checksum); `None`
    /// where the library is not in this race.
    fn insert_keys(&self, n: usize) -> Option<Run<'_>> {
        let _ = n;
        None
    }
    /// `n` new users, more than one statement binds, in one transaction.
    fn bulk_insert(&self, n: usize) -> Option<Run<'_>> {
        let _ = n;
        None
    }
}

/// `workload` on `library`.
pub fn every_workload<L: Library>(library: &L, workload: Workload) -> Option<Run<'_>> {
    Some(match workload {
        Workload::Trivial(_) => Box::pin(library.trivial()),
        Workload::MediumComplex(_) => Box::pin(library.medium()),
        Workload::Insert(n) => Box::pin(library.insert(n)),
        Workload::Associations => Box::pin(library.levels(true)),
        Workload::GetByKey(n) => Box::pin(library.get_by_key(n)),
        Workload::Stream(_) => Box::pin(library.stream()),
        Workload::Flush(_) => Box::pin(library.flush()),
        Workload::EagerLoad => Box::pin(library.levels(false)),
        Workload::InsertKeys(n) => return library.insert_keys(n),
        Workload::BulkInsert(n) => return library.bulk_insert(n),
    })
}

/// Which backend a run is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, a file.
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    MySql,
}

impl Backend {
    /// The backend `url` names.
    pub fn of(url: &str) -> Backend {
        if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres") {
            Backend::Postgres
        } else {
            Backend::MySql
        }
    }
}

/// How many connections each contender's pool may open: the same for all.
pub const POOL_SIZE: u32 = 4;

/// The file an `sqlite:` URL names, for the libraries that open a path rather than a URL
/// (`sqlite:///tmp/x.db?mode=rwc` -> `/tmp/x.db`).
#[cfg(feature = "rivals")]
pub fn sqlite_path(url: &str) -> String {
    let rest = url.strip_prefix("sqlite:").unwrap_or(url);
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    rest.split('?').next().unwrap_or(rest).to_owned()
}

/// The ORM on PostgreSQL at `direct` (the reference, and again as its calibration twin)
/// and through the transaction-mode PgBouncer at `bouncer` in front of it.
pub async fn through_pooler(
    direct: &str,
    bouncer: &str,
) -> anyhow::Result<Vec<Box<dyn Contender>>> {
    Ok(vec![
        Box::new(orm::Orm::connect_named(direct, false, "orm, direct").await?),
        Box::new(orm::Orm::connect_named(bouncer, true, "orm through PgBouncer").await?),
        Box::new(orm::Orm::connect_named(direct, false, "orm, direct again").await?),
    ])
}

/// Every contender for the backend of `url`, the reference (raw sqlx) first and its
/// calibration twin last.
pub async fn all(url: &str) -> anyhow::Result<Vec<Box<dyn Contender>>> {
    let mut contenders: Vec<Box<dyn Contender>> = vec![
        Box::new(raw::RawSqlx::connect(url, raw::Form::QueryAs, "raw sqlx").await?),
        Box::new(orm::Orm::connect(url).await?),
        Box::new(raw::RawSqlx::connect(url, raw::Form::ByPosition, "raw sqlx by position").await?),
    ];
    contenders.push(Box::new(dedicated::Dedicated::connect(url).await?));
    #[cfg(feature = "rivals")]
    {
        contenders.push(Box::new(seaorm::SeaOrm::connect(url).await?));
        contenders.push(Box::new(self::diesel::Diesel::connect(url).await?));
        contenders.push(Box::new(floor::Floor::connect(url).await?));
    }
    contenders.push(Box::new(
        raw::RawSqlx::connect(url, raw::Form::QueryAs, "raw sqlx again").await?,
    ));
    Ok(contenders)
}
