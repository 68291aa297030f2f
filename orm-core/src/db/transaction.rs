//! Transactions: one connection, all-or-nothing.

use std::sync::Arc;

use futures_core::stream::BoxStream;
use futures_util::StreamExt;
use tokio::sync::Mutex;

use crate::db::{Executor, Pool, StatementSettings, run, traced};
use crate::{Dialect, Error, Result, Row, Statement};

/// A database transaction: every statement run on it uses its one connection, and its
/// changes become visible to others only at [`Transaction::commit`].
///
/// Dropping a transaction without committing rolls it back, also when the future that
/// owns it is cancelled or panics: sqlx queues the `ROLLBACK` on the connection before it
/// can be used again, so a connection never returns to the pool mid-transaction.
///
/// Statements take `&Transaction`, so one transaction can be passed to several calls in a
/// row; they run one at a time on its connection.
///
/// ```
/// use orm_core::prelude::*;
///
/// #[derive(Model)]
/// struct Note {
///     #[orm(primary_key)]
///     id: i64,
///     text: String,
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> orm_core::Result<()> {
/// let db = Database::connect("sqlite::memory:").await?;
/// db.create_tables(&[Note::table_def()]).await?;
///
/// let tx = db.begin().await?;
/// Note { id: 0, text: "draft".into() }.insert(&tx).await?;
/// tx.rollback().await?;
/// assert_eq!(Note::query().count(&db).await?, 0);
/// # Ok(())
/// # }
/// ```
pub struct Transaction {
    conn: Arc<Mutex<Conn>>,
    dialect: Dialect,
    settings: StatementSettings,
}

/// The driver's transaction, until commit or rollback takes it.
enum Conn {
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    #[cfg(feature = "postgres")]
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
    #[cfg(feature = "mysql")]
    MySql(sqlx::Transaction<'static, sqlx::MySql>),
    Ended,
}

/// Runs `$body` with `$c` bound to the driver's connection, or fails if the transaction ended.
macro_rules! with_conn {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            #[cfg(feature = "sqlite")]
            Conn::Sqlite(tx) => {
                let $c = &mut **tx;
                $body
            }
            #[cfg(feature = "postgres")]
            Conn::Postgres(tx) => {
                let $c = &mut **tx;
                $body
            }
            #[cfg(feature = "mysql")]
            Conn::MySql(tx) => {
                let $c = &mut **tx;
                $body
            }
            Conn::Ended => Err(ended()),
        }
    };
}

fn ended() -> Error {
    Error::InvalidQuery("the transaction has already ended".into())
}

impl Transaction {
    pub(crate) async fn begin(
        pool: &Pool,
        dialect: Dialect,
        settings: StatementSettings,
    ) -> Result<Self> {
        let conn = match pool {
            #[cfg(feature = "sqlite")]
            Pool::Sqlite(p) => Conn::Sqlite(p.begin().await?),
            #[cfg(feature = "postgres")]
            Pool::Postgres(p) => Conn::Postgres(p.begin().await?),
            #[cfg(feature = "mysql")]
            Pool::MySql(p) => Conn::MySql(p.begin().await?),
        };
        Ok(Transaction {
            conn: Arc::new(Mutex::new(conn)),
            dialect,
            settings,
        })
    }

    /// The SQL dialect of the transaction's backend.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Makes the transaction's changes permanent and visible to others.
    pub async fn commit(self) -> Result<()> {
        let conn = std::mem::replace(&mut *self.conn.lock().await, Conn::Ended);
        match conn {
            #[cfg(feature = "sqlite")]
            Conn::Sqlite(tx) => tx.commit().await?,
            #[cfg(feature = "postgres")]
            Conn::Postgres(tx) => tx.commit().await?,
            #[cfg(feature = "mysql")]
            Conn::MySql(tx) => tx.commit().await?,
            Conn::Ended => return Err(ended()),
        }
        Ok(())
    }

    /// Undoes the transaction's changes.
    pub async fn rollback(self) -> Result<()> {
        let conn = std::mem::replace(&mut *self.conn.lock().await, Conn::Ended);
        match conn {
            #[cfg(feature = "sqlite")]
            Conn::Sqlite(tx) => tx.rollback().await?,
            #[cfg(feature = "postgres")]
            Conn::Postgres(tx) => tx.rollback().await?,
            #[cfg(feature = "mysql")]
            Conn::MySql(tx) => tx.rollback().await?,
            Conn::Ended => return Err(ended()),
        }
        Ok(())
    }
}

impl std::fmt::Debug for Transaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transaction")
            .field("dialect", &self.dialect)
            .finish_non_exhaustive()
    }
}

impl Executor for Transaction {
    fn dialect(&self) -> Dialect {
        self.dialect
    }

    async fn fetch_all(&self, st: Statement) -> Result<Vec<Row>> {
        let sql = st.sql.clone();
        let fut =
            async { with_conn!(&mut *self.conn.lock().await, c => run::fetch_all(c, st).await) };
        traced(self.dialect, &self.settings, &sql, fut).await
    }

    async fn fetch_optional(&self, st: Statement) -> Result<Option<Row>> {
        let sql = st.sql.clone();
        let fut = async {
            with_conn!(&mut *self.conn.lock().await, c => run::fetch_optional(c, st).await)
        };
        traced(self.dialect, &self.settings, &sql, fut).await
    }

    async fn execute(&self, st: Statement) -> Result<u64> {
        let sql = st.sql.clone();
        let fut =
            async { with_conn!(&mut *self.conn.lock().await, c => run::execute(c, st).await) };
        traced(self.dialect, &self.settings, &sql, fut).await
    }

    async fn insert_returning_key(&self, st: Statement, key: &'static str) -> Result<i64> {
        let sql = st.sql.clone();
        let dialect = self.dialect;
        let fut = async {
            with_conn!(&mut *self.conn.lock().await, c => run::insert_returning_key(c, dialect, st, key).await)
        };
        traced(dialect, &self.settings, &sql, fut).await
    }

    /// The rows come from a task that holds the connection while the stream is read; the
    /// bounded channel keeps memory flat, and dropping the stream ends the task.
    fn fetch_stream(&self, st: Statement) -> BoxStream<'_, Result<Row>> {
        let conn = Arc::clone(&self.conn);
        let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Row>>(64);
        tokio::spawn(async move {
            let mut guard = conn.lock_owned().await;
            let conn = &mut *guard;
            let mut rows = match conn {
                #[cfg(feature = "sqlite")]
                Conn::Sqlite(tx) => run::fetch_stream(&mut **tx, st),
                #[cfg(feature = "postgres")]
                Conn::Postgres(tx) => run::fetch_stream(&mut **tx, st),
                #[cfg(feature = "mysql")]
                Conn::MySql(tx) => run::fetch_stream(&mut **tx, st),
                Conn::Ended => futures_util::stream::once(async { Err(ended()) }).boxed(),
            };
            while let Some(row) = rows.next().await {
                if sender.send(row).await.is_err() {
                    break;
                }
            }
        });
        futures_util::stream::unfold(receiver, |mut r| async move {
            r.recv().await.map(|row| (row, r))
        })
        .boxed()
    }
}
