//! Applying and reverting migration files with sqlx's migrator, on one connection of the
//! database's pool, so that `sqlx migrate info` and the ORM agree on what has run: both
//! keep sqlx's ledger, `_sqlx_migrations`, with each file's SHA-384 checksum.

use std::path::Path;

use sqlx::migrate::{Migrate, MigrateError, Migrator};

use super::MIGRATIONS_TABLE;
use crate::{Database, Error, Result};

/// Where one migration stands on a database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    /// Its version (the file name's number).
    pub version: i64,
    /// Its description (the file name's rest, `_` as spaces); empty for one that has no
    /// file any more.
    pub description: String,
    /// Applied, pending, or in trouble.
    pub state: MigrationState,
}

/// See [`MigrationStatus`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MigrationState {
    /// Applied, and its file is what was applied.
    Applied,
    /// Not applied yet.
    Pending,
    /// Applied, but its file changed since (the checksums differ).
    ChecksumMismatch,
    /// Applied, but no file has its version.
    Missing,
    /// Started and failed half-way (a backend without transactional DDL): the database
    /// needs a look by hand before anything else runs.
    Failed,
}

impl std::fmt::Display for MigrationState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            MigrationState::Applied => "applied",
            MigrationState::Pending => "pending",
            MigrationState::ChecksumMismatch => {
                "applied, but the file changed since (checksum mismatch)"
            }
            MigrationState::Missing => "applied, but its file is missing",
            MigrationState::Failed => "FAILED half-way: fix the database by hand",
        })
    }
}

/// What to do with the migrator.
#[derive(Clone, Copy)]
enum Op {
    /// Apply what is pending, up to a version if given.
    Up(Option<i64>),
    /// Revert every applied migration newer than the version.
    Undo(i64),
}

/// The applied versions and their checksums, and a version that failed half-way.
type Ledger = (Vec<(i64, Vec<u8>)>, Option<i64>);

macro_rules! on_connection {
    ($pool:expr, $migrator:expr, $op:expr, $recover:expr) => {{
        let mut conn = $pool.acquire().await.map_err(Error::from)?;
        let result = match $op {
            Some(Op::Up(None)) => $migrator.run(&mut *conn).await.map(|()| None),
            Some(Op::Up(Some(target))) => $migrator.run_to(target, &mut *conn).await.map(|()| None),
            Some(Op::Undo(target)) => $migrator.undo(&mut *conn, target).await.map(|()| None),
            None => ledger(&mut *conn).await.map(Some),
        };
        if result.is_err() {
            ($recover)(&mut conn).await;
        }
        result
    }};
}

/// After a failed migration on a server: a migration that ran its own transaction may
/// have left it open, so the connection is not reused.
#[cfg(any(feature = "postgres", feature = "mysql"))]
async fn close<DB: sqlx::Database>(conn: &mut sqlx::pool::PoolConnection<DB>) {
    conn.close_on_drop();
}

/// After a failed migration on SQLite: a rebuild runs its own transaction with foreign
/// keys off, and may have stopped half-way. Rolled back and switched back on, the
/// connection is as it was (an in-memory database lives on it); if it cannot be, it is
/// closed rather than reused.
#[cfg(feature = "sqlite")]
async fn recover_sqlite(conn: &mut sqlx::pool::PoolConnection<sqlx::Sqlite>) {
    use sqlx::Connection as _;
    let _ = sqlx::raw_sql("ROLLBACK").execute(&mut **conn).await;
    let restored = match crate::Dialect::Sqlite.rebuild_transaction() {
        Some(rebuild) => sqlx::raw_sql(sqlx::AssertSqlSafe(rebuild.restore))
            .execute(&mut **conn)
            .await
            .is_ok(),
        None => true,
    };
    if !restored || conn.ping().await.is_err() {
        conn.close_on_drop();
    }
}

async fn ledger<C: Migrate>(conn: &mut C) -> std::result::Result<Ledger, MigrateError> {
    conn.ensure_migrations_table(MIGRATIONS_TABLE).await?;
    let dirty = conn.dirty_version(MIGRATIONS_TABLE).await?;
    let applied = conn
        .list_applied_migrations(MIGRATIONS_TABLE)
        .await?
        .into_iter()
        .map(|m| (m.version, m.checksum.into_owned()))
        .collect();
    Ok((applied, dirty))
}

impl Database {
    /// Applies every pending migration in `dir` (sqlx's format: `<version>_<name>.up.sql`
    /// and `.down.sql`, or `<version>_<name>.sql`) in version order, each in a
    /// transaction where the backend has transactional DDL. Returns the versions applied.
    /// What an application runs at start-up:
    ///
    /// ```no_run
    /// # async fn start(db: orm_core::Database) -> orm_core::Result<()> {
    /// db.migrate("migrations").await?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// Refuses to run ([`Error::Migration`]) when an applied migration's file changed or
    /// is gone, or one failed half-way before.
    pub async fn migrate(&self, dir: impl AsRef<Path>) -> Result<Vec<i64>> {
        self.migrate_with(dir.as_ref(), Op::Up(None)).await
    }

    /// [`Database::migrate`] up to and including version `target`.
    pub async fn migrate_to(&self, dir: impl AsRef<Path>, target: i64) -> Result<Vec<i64>> {
        self.migrate_with(dir.as_ref(), Op::Up(Some(target))).await
    }

    /// Reverts the `count` newest applied migrations with their `.down.sql` files, newest
    /// first. Returns the versions reverted.
    pub async fn migrate_down(&self, dir: impl AsRef<Path>, count: usize) -> Result<Vec<i64>> {
        let status = self.migration_status(dir.as_ref()).await?;
        let mut applied: Vec<i64> = status
            .iter()
            .filter(|s| s.state != MigrationState::Pending)
            .map(|s| s.version)
            .collect();
        applied.sort_unstable();
        if count == 0 || applied.is_empty() {
            return Ok(Vec::new());
        }
        let keep = applied.len().saturating_sub(count);
        let target = keep.checked_sub(1).map_or(0, |i| applied[i]);
        self.migrate_with(dir.as_ref(), Op::Undo(target)).await
    }

    /// Every migration in `dir` and every one the database applied, by version.
    pub async fn migration_status(&self, dir: impl AsRef<Path>) -> Result<Vec<MigrationStatus>> {
        let migrator = migrator(dir.as_ref()).await?;
        let (applied, dirty) = self.ledger(&migrator).await?;
        let mut out: Vec<MigrationStatus> = Vec::new();
        for m in migrator
            .iter()
            .filter(|m| m.migration_type.is_up_migration())
        {
            let state = match applied.iter().find(|(v, _)| *v == m.version) {
                _ if dirty == Some(m.version) => MigrationState::Failed,
                Some((_, sum)) if sum.as_slice() == &*m.checksum => MigrationState::Applied,
                Some(_) => MigrationState::ChecksumMismatch,
                None => MigrationState::Pending,
            };
            out.push(MigrationStatus {
                version: m.version,
                description: m.description.to_string(),
                state,
            });
        }
        for (version, _) in &applied {
            if !out.iter().any(|s| s.version == *version) {
                out.push(MigrationStatus {
                    version: *version,
                    description: String::new(),
                    state: if dirty == Some(*version) {
                        MigrationState::Failed
                    } else {
                        MigrationState::Missing
                    },
                });
            }
        }
        out.sort_by_key(|s| s.version);
        Ok(out)
    }

    async fn migrate_with(&self, dir: &Path, op: Op) -> Result<Vec<i64>> {
        let migrator = migrator(dir).await?;
        let (before, _) = self.ledger(&migrator).await?;
        let run = self.run_migrator(&migrator, Some(op)).await;
        self.forget_prepared_statements().await;
        run?;
        let (after, _) = self.ledger(&migrator).await?;
        let changed = |a: &[(i64, Vec<u8>)], b: &[(i64, Vec<u8>)]| -> Vec<i64> {
            a.iter()
                .filter(|(v, _)| !b.iter().any(|(w, _)| w == v))
                .map(|(v, _)| *v)
                .collect()
        };
        Ok(match op {
            Op::Up(_) => changed(&after, &before),
            Op::Undo(_) => {
                let mut gone = changed(&before, &after);
                gone.reverse();
                gone
            }
        })
    }

    async fn ledger(&self, migrator: &Migrator) -> Result<Ledger> {
        self.run_migrator(migrator, None)
            .await?
            .ok_or_else(|| Error::Migration {
                version: None,
                message: "the ledger of applied migrations could not be read".into(),
            })
    }

    async fn run_migrator(&self, migrator: &Migrator, op: Option<Op>) -> Result<Option<Ledger>> {
        if self.behind_transaction_pooler() {
            // sqlx's migrator holds a session-level advisory lock across transactions: a
            // pooler may run its unlock on another server connection, leaving the lock
            // held and the next migration waiting for ever.
            return Err(Error::Config(
                "migrations cannot run through a transaction-mode pooler: connect to the \
                 PostgreSQL server directly to migrate"
                    .into(),
            ));
        }
        #[cfg(feature = "sqlite")]
        if let Some(pool) = self.sqlite_pool() {
            return on_connection!(pool, migrator, op, recover_sqlite).map_err(migrate_error);
        }
        #[cfg(feature = "postgres")]
        if let Some(pool) = self.postgres_pool() {
            return on_connection!(pool, migrator, op, close).map_err(migrate_error);
        }
        #[cfg(feature = "mysql")]
        if let Some(pool) = self.mysql_pool() {
            return on_connection!(pool, migrator, op, close).map_err(migrate_error);
        }
        let _ = (migrator, op);
        Err(Error::Unsupported {
            backend: self.dialect().name(),
            what: "run migrations without its driver compiled in".into(),
        })
    }
}

impl Database {
    /// After the schema changed: PostgreSQL refuses a statement prepared before a column
    /// it reads changed type, so the idle connections forget theirs. (One busy meanwhile
    /// forgets them when it meets the refusal; a read of the query builder then runs
    /// again, see `db::retry`.)
    async fn forget_prepared_statements(&self) {
        #[cfg(feature = "postgres")]
        #[allow(irrefutable_let_patterns)] // refutable when other backends are compiled in
        if let Some(crate::per_backend::PerBackend::Postgres(mut warm)) = self.take_warm() {
            use sqlx::Connection as _;
            let _ = warm.clear_cached_statements().await;
        }
        #[cfg(feature = "postgres")]
        if let Some(pool) = self.postgres_pool() {
            use sqlx::Connection as _;
            let mut idle = Vec::new();
            while let Some(mut conn) = pool.try_acquire() {
                let _ = conn.clear_cached_statements().await;
                idle.push(conn);
            }
        }
    }
}

/// The migrations of `dir`, read as sqlx reads them.
async fn migrator(dir: &Path) -> Result<Migrator> {
    if !dir.is_dir() {
        return Err(Error::Migration {
            version: None,
            message: format!("no migrations directory at `{}`", dir.display()),
        });
    }
    Migrator::new(dir).await.map_err(migrate_error)
}

fn migrate_error(e: MigrateError) -> Error {
    let (version, message) = match e {
        MigrateError::Execute(e) => return Error::from(e),
        MigrateError::ExecuteMigration(e, v) => (Some(v), format!("failed: {}", Error::from(e))),
        MigrateError::VersionMismatch(v) => (
            Some(v),
            "was applied, but its file has changed since (checksum mismatch); restore it, \
             or add a new migration instead of editing an applied one"
                .to_owned(),
        ),
        MigrateError::VersionMissing(v) => (
            Some(v),
            "was applied, but there is no file with its version in the migrations directory"
                .to_owned(),
        ),
        MigrateError::Dirty(v) => (
            Some(v),
            "failed half-way earlier (the backend cannot roll DDL back): repair the schema \
             by hand, then delete its row from _sqlx_migrations"
                .to_owned(),
        ),
        other => (None, other.to_string()),
    };
    Error::Migration { version, message }
}
