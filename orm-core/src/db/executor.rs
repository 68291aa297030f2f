//! The one executor abstraction: every query runs on a [`Database`](crate::Database), a
//! [`Transaction`](crate::Transaction) (and later a session) through [`Executor`].
//! How a statement is traced lives in `trace`, how it reaches sqlx in `run`.

use futures_core::stream::BoxStream;

use crate::{Dialect, Result, Row, Statement};

/// Something statements run on: a [`Database`](crate::Database) (each statement on a
/// pooled connection) or a [`Transaction`](crate::Transaction) (all on its connection).
///
/// Query and CRUD methods take `&impl Executor`, so the same code runs inside or outside a
/// transaction. The methods are the ORM's internals; applications call the query API.
///
/// The trait is sealed: only the ORM's own types implement it, so that its internal
/// methods can change without breaking anyone. Write `&impl Executor` (or
/// `E: Executor + ?Sized`) to accept any of them.
pub trait Executor: Send + Sync + sealed::Sealed {
    /// The SQL dialect of the backend.
    fn dialect(&self) -> Dialect;

    /// Whether the server has `INSERT … RETURNING`: the dialect's promise, or what the
    /// server said when the database connected (MariaDB 10.5+).
    #[doc(hidden)]
    fn inserts_return(&self) -> bool {
        self.dialect().has_returning()
    }

    /// The name of the database statements run on (see `DatabaseOptions::name`).
    #[doc(hidden)]
    fn database_name(&self) -> Option<&str> {
        None
    }

    /// Runs `statement`, returning every row.
    #[doc(hidden)]
    fn fetch_all(&self, statement: Statement) -> impl Future<Output = Result<Vec<Row>>> + Send {
        self.fetch_all_with(statement, Ok)
    }

    /// Runs `statement`, decoding each row with `decode` as it arrives.
    #[doc(hidden)]
    fn fetch_all_with<T: Send, F: FnMut(Row) -> Result<T> + Send>(
        &self,
        statement: Statement,
        decode: F,
    ) -> impl Future<Output = Result<Vec<T>>> + Send;

    /// Runs `statement`, returning its first row.
    #[doc(hidden)]
    fn fetch_optional(
        &self,
        statement: Statement,
    ) -> impl Future<Output = Result<Option<Row>>> + Send;

    /// Runs `statement`, returning the number of rows affected.
    #[doc(hidden)]
    fn execute(&self, statement: Statement) -> impl Future<Output = Result<u64>> + Send;

    /// Runs an `INSERT` and returns the key the database generated for column `key`,
    /// as the driver reports it (the last insert id).
    #[doc(hidden)]
    fn insert_returning_key(
        &self,
        statement: Statement,
        key: &'static str,
    ) -> impl Future<Output = Result<i64>> + Send;

    /// Runs an `INSERT … RETURNING` of many rows, returning what it returns: a write, so
    /// on an SQLite `Database` it takes its turn with the other writers.
    #[doc(hidden)]
    fn insert_returning_rows(
        &self,
        statement: Statement,
    ) -> impl Future<Output = Result<Vec<Row>>> + Send {
        self.fetch_all(statement)
    }

    /// A transaction for a write of several statements that must be all or nothing
    /// (`insert_many`): a new one on a `Database`, none on a `Transaction` (the write is
    /// already inside one).
    #[doc(hidden)]
    fn batch(&self) -> impl Future<Output = Result<Option<crate::Transaction>>> + Send {
        std::future::ready(Ok(None))
    }

    /// A transaction for work that may fail half-way and be done another way: a new one
    /// on a `Database`, a savepoint on a `Transaction` (whose own work goes on after a
    /// failure inside it).
    #[doc(hidden)]
    fn nested(&self) -> impl Future<Output = Result<Option<crate::Transaction>>> + Send {
        std::future::ready(Ok(None))
    }

    /// Runs PostgreSQL's `COPY … FROM STDIN` (`sql`) with `data` in its text format,
    /// returning the rows loaded; `None` where the executor does not copy (another
    /// backend, or a `Database`: a copy runs in the transaction of a `batch`).
    #[doc(hidden)]
    fn copy_in(
        &self,
        sql: String,
        data: Vec<u8>,
    ) -> impl Future<Output = Result<Option<u64>>> + Send {
        let _ = (sql, data);
        std::future::ready(Ok(None))
    }

    /// Runs `statement`, streaming its rows.
    #[doc(hidden)]
    fn fetch_stream(&self, statement: Statement) -> BoxStream<'_, Result<Row>>;
}

pub(crate) mod sealed {
    /// Implemented by the ORM's executors only (see [`Executor`](super::Executor)).
    pub trait Sealed {}
}
