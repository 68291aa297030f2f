//! One value per compiled-in sqlx driver, and the one macro that runs code on whichever
//! a value holds.
//!
//! A pool, a pooled connection and a row each exist once per driver; they are all
//! [`PerBackend`], told apart by a [`Kind`]. A new backend is one variant here, one arm
//! in [`per_backend!`], and an implementation of `db::backend::Backend`.

/// What a [`PerBackend`] holds, for each driver `DB`.
pub(crate) trait Kind {
    type Of<DB: sqlx::Database>;
}

/// A value of kind `K` for the driver the URL chose.
pub(crate) enum PerBackend<K: Kind> {
    #[cfg(feature = "sqlite")]
    Sqlite(K::Of<sqlx::Sqlite>),
    #[cfg(feature = "postgres")]
    Postgres(K::Of<sqlx::Postgres>),
    #[cfg(feature = "mysql")]
    MySql(K::Of<sqlx::MySql>),
}

/// sqlx's pool.
pub(crate) struct PoolKind;
impl Kind for PoolKind {
    type Of<DB: sqlx::Database> = sqlx::Pool<DB>;
}

/// A connection taken from the pool.
pub(crate) struct ConnKind;
impl Kind for ConnKind {
    type Of<DB: sqlx::Database> = sqlx::pool::PoolConnection<DB>;
}

/// A fetched row.
pub(crate) struct RowKind;
impl Kind for RowKind {
    type Of<DB: sqlx::Database> = <DB as sqlx::Database>::Row;
}

/// Runs `$body` with `$x` bound to what `$value` (a `PerBackend`, or a reference to one)
/// holds and `$db` naming its sqlx driver type. With `map`, the result is wrapped in the
/// same variant again (a `PerBackend` of another kind).
macro_rules! per_backend {
    ($value:expr, $x:ident, $db:ident => $body:expr) => {
        match $value {
            #[cfg(feature = "sqlite")]
            $crate::per_backend::PerBackend::Sqlite($x) => {
                #[allow(dead_code)]
                type $db = sqlx::Sqlite;
                $body
            }
            #[cfg(feature = "postgres")]
            $crate::per_backend::PerBackend::Postgres($x) => {
                #[allow(dead_code)]
                type $db = sqlx::Postgres;
                $body
            }
            #[cfg(feature = "mysql")]
            $crate::per_backend::PerBackend::MySql($x) => {
                #[allow(dead_code)]
                type $db = sqlx::MySql;
                $body
            }
        }
    };
    (map $value:expr, $x:ident, $db:ident => $body:expr) => {
        match $value {
            #[cfg(feature = "sqlite")]
            $crate::per_backend::PerBackend::Sqlite($x) => {
                #[allow(dead_code)]
                type $db = sqlx::Sqlite;
                $crate::per_backend::PerBackend::Sqlite($body)
            }
            #[cfg(feature = "postgres")]
            $crate::per_backend::PerBackend::Postgres($x) => {
                #[allow(dead_code)]
                type $db = sqlx::Postgres;
                $crate::per_backend::PerBackend::Postgres($body)
            }
            #[cfg(feature = "mysql")]
            $crate::per_backend::PerBackend::MySql($x) => {
                #[allow(dead_code)]
                type $db = sqlx::MySql;
                $crate::per_backend::PerBackend::MySql($body)
            }
        }
    };
}
pub(crate) use per_backend;

impl Clone for PerBackend<PoolKind> {
    fn clone(&self) -> Self {
        per_backend!(map self, pool, _DB => pool.clone())
    }
}
