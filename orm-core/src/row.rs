//! A row fetched from any backend, decoded by column position.

use sqlx::{Row as _, ValueRef as _};

/// One row of a result, from whichever backend ran the query.
///
/// Models decode rows by position, the cheap path on every backend (no name lookup).
/// [`Row::get`] is the typed accessor for raw queries.
pub struct Row {
    pub(crate) inner: RowInner,
}

/// The driver's row.
pub(crate) type RowInner = crate::per_backend::PerBackend<crate::per_backend::RowKind>;

/// Runs `$body` with `$r` bound to the backend's row, whichever it is.
macro_rules! with_row {
    ($row:expr, $r:ident => $body:expr) => {
        crate::per_backend::per_backend!(&$row.inner, $r, _DB => $body)
    };
}

/// A type sqlx decodes natively on every enabled backend.
pub(crate) trait Native: Sized + NativeSqlite + NativePostgres + NativeMySql {}

impl<T: NativeSqlite + NativePostgres + NativeMySql> Native for T {}

macro_rules! backend_bound {
    ($name:ident, $feature:literal, $db:ty) => {
        #[cfg(feature = $feature)]
        pub(crate) trait $name: for<'r> sqlx::Decode<'r, $db> + sqlx::Type<$db> {}
        #[cfg(feature = $feature)]
        impl<T: for<'r> sqlx::Decode<'r, $db> + sqlx::Type<$db>> $name for T {}
        #[cfg(not(feature = $feature))]
        pub(crate) trait $name {}
        #[cfg(not(feature = $feature))]
        impl<T> $name for T {}
    };
}

backend_bound!(NativeSqlite, "sqlite", sqlx::Sqlite);
backend_bound!(NativePostgres, "postgres", sqlx::Postgres);
backend_bound!(NativeMySql, "mysql", sqlx::MySql);

impl Row {
    /// The number of columns.
    pub fn len(&self) -> usize {
        with_row!(self, r => r.len())
    }

    /// Whether the row has no columns.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Decodes the column at `index` as `T`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// use orm_core::{Database, raw};
    ///
    /// let db = Database::connect("sqlite::memory:").await?;
    /// let rows = raw("SELECT 40 + 2, 'x'").fetch_all(&db).await?;
    /// assert_eq!(rows[0].get::<i64>(0)?, 42);
    /// assert_eq!(rows[0].get::<String>(1)?, "x");
    /// # Ok(())
    /// # }
    /// ```
    pub fn get<T: crate::SqlValue>(&self, index: usize) -> crate::Result<T> {
        T::decode(self, index).map_err(|e| crate::Error::from_decode(e, None, index))
    }

    /// Whether the column at `index` is NULL.
    pub fn is_null(&self, index: usize) -> crate::Result<bool> {
        self.is_null_raw(index)
            .map_err(|e| crate::Error::from_decode(e, None, index))
    }

    pub(crate) fn is_null_raw(&self, index: usize) -> Result<bool, sqlx::Error> {
        with_row!(self, r => Ok(r.try_get_raw(index)?.is_null()))
    }

    pub(crate) fn try_get_native<T: Native>(&self, index: usize) -> Result<T, sqlx::Error> {
        with_row!(self, r => r.try_get(index))
    }

    /// The column at `index` as `T` where sqlx decodes it natively, else what `other`
    /// reads from a representation another client wrote (`None`: nothing else fits, and
    /// the native error stands).
    pub(crate) fn native_or<T: Native>(
        &self,
        index: usize,
        other: impl FnOnce(&Row) -> Option<Result<T, sqlx::Error>>,
    ) -> Result<T, sqlx::Error> {
        match self.try_get_native::<T>(index) {
            Ok(value) => Ok(value),
            Err(native) => other(self).unwrap_or(Err(native)),
        }
    }

    /// An integer column of any width as `T`, when its value fits: PostgreSQL's `INTEGER`
    /// (every `SERIAL` key) into an `i64` field, a `BIGINT` into an `i32` while its values
    /// allow; MySQL's unsigned columns into signed fields.
    pub(crate) fn try_get_integer<T>(&self, index: usize) -> Result<T, sqlx::Error>
    where
        T: Native + TryFrom<i64> + TryFrom<u64>,
        <T as TryFrom<i64>>::Error: std::error::Error + Send + Sync + 'static,
        <T as TryFrom<u64>>::Error: std::error::Error + Send + Sync + 'static,
    {
        #[cfg(any(feature = "postgres", feature = "mysql"))]
        let out_of_range =
            |e: Box<dyn std::error::Error + Send + Sync>| sqlx::Error::ColumnDecode {
                index: index.to_string(),
                source: e,
            };
        // PostgreSQL is strict about widths: read the column's own, then check the range
        // (no failed attempt first, which would cost an error per row).
        #[cfg(feature = "postgres")]
        #[allow(irrefutable_let_patterns)] // refutable when other backends are compiled in
        if let RowInner::Postgres(r) = &self.inner {
            let wide = pg_integer(r, index)?;
            return T::try_from(wide).map_err(|e| out_of_range(Box::new(e)));
        }
        self.native_or(index, |row| match &row.inner {
            #[cfg(feature = "mysql")]
            RowInner::MySql(r) => {
                let wide: u64 = r.try_get(index).ok()?;
                Some(T::try_from(wide).map_err(|e| out_of_range(Box::new(e))))
            }
            #[allow(unreachable_patterns)] // SQLite's integers are all 64-bit, read natively
            _ => None,
        })
    }

    /// [`try_get_integer`](Row::try_get_integer), NULL as `None`: on PostgreSQL one
    /// lookup of the column for both.
    pub(crate) fn try_get_integer_option<T>(&self, index: usize) -> Result<Option<T>, sqlx::Error>
    where
        T: Native + TryFrom<i64> + TryFrom<u64>,
        <T as TryFrom<i64>>::Error: std::error::Error + Send + Sync + 'static,
        <T as TryFrom<u64>>::Error: std::error::Error + Send + Sync + 'static,
    {
        #[cfg(feature = "postgres")]
        #[allow(irrefutable_let_patterns)] // refutable when other backends are compiled in
        if let RowInner::Postgres(r) = &self.inner {
            return match pg_integer_option(r, index)? {
                None => Ok(None),
                Some(wide) => T::try_from(wide)
                    .map(Some)
                    .map_err(|e| sqlx::Error::ColumnDecode {
                        index: index.to_string(),
                        source: Box::new(e),
                    }),
            };
        }
        if self.is_null_raw(index)? {
            Ok(None)
        } else {
            self.try_get_integer(index).map(Some)
        }
    }

    /// An integer type PostgreSQL lacks (`i8`, unsigned), read from whichever integer
    /// column holds it there, with a range check instead of a cast.
    pub(crate) fn try_get_widened<T>(&self, index: usize) -> Result<T, sqlx::Error>
    where
        T: NativeSqlite + NativeMySql + TryFrom<i64>,
        <T as TryFrom<i64>>::Error: std::error::Error + Send + Sync + 'static,
    {
        match &self.inner {
            #[cfg(feature = "sqlite")]
            RowInner::Sqlite(r) => r.try_get(index),
            #[cfg(feature = "postgres")]
            RowInner::Postgres(r) => {
                let wide = pg_integer(r, index)?;
                T::try_from(wide).map_err(|e| sqlx::Error::ColumnDecode {
                    index: index.to_string(),
                    source: Box::new(e),
                })
            }
            #[cfg(feature = "mysql")]
            RowInner::MySql(r) => r.try_get(index),
        }
    }
}

/// A PostgreSQL integer column of any width (`SMALLINT`, `INTEGER`, `BIGINT`) as `i64`.
#[cfg(feature = "postgres")]
fn pg_integer(r: &sqlx::postgres::PgRow, index: usize) -> Result<i64, sqlx::Error> {
    pg_integer_option(r, index)?.ok_or_else(|| sqlx::Error::ColumnDecode {
        index: index.to_string(),
        source: Box::new(sqlx::error::UnexpectedNullError),
    })
}

/// [`pg_integer`], NULL as `None`.
#[cfg(feature = "postgres")]
fn pg_integer_option(r: &sqlx::postgres::PgRow, index: usize) -> Result<Option<i64>, sqlx::Error> {
    use sqlx::{Decode, Postgres};
    // One lookup of the value, its width known from the type's OID (a number, not the
    // type's name): this runs for every integer of every row.
    let value = r.try_get_raw(index)?;
    if value.is_null() {
        return Ok(None);
    }
    let decoded = match value.type_info().oid().map(|oid| oid.0) {
        Some(20) => <i64 as Decode<Postgres>>::decode(value),
        Some(23) => <i32 as Decode<Postgres>>::decode(value).map(i64::from),
        Some(21) => <i16 as Decode<Postgres>>::decode(value).map(i64::from),
        _ => return r.try_get::<Option<i64>, _>(index),
    };
    decoded
        .map(Some)
        .map_err(|source| sqlx::Error::ColumnDecode {
            index: index.to_string(),
            source,
        })
}

impl std::fmt::Debug for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Row").field("columns", &self.len()).finish()
    }
}
