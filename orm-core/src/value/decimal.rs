//! `rust_decimal::Decimal`: native on PostgreSQL and MySQL, exact text on SQLite.

use rust_decimal::Decimal;

use crate::row::{Row, RowInner};
use crate::{SqlValue, Value};

impl SqlValue for Decimal {
    fn to_value(&self) -> Value {
        Value::Decimal(Some(*self))
    }

    fn null() -> Value {
        Value::Decimal(None)
    }

    fn decode(row: &Row, index: usize) -> Result<Self, sqlx::Error> {
        match &row.inner {
            // SQLite has no decimal type: the ORM stores the exact text.
            #[cfg(feature = "sqlite")]
            RowInner::Sqlite(r) => {
                use sqlx::Row as _;
                let text: String = r.try_get(index)?;
                text.parse().map_err(|e| sqlx::Error::ColumnDecode {
                    index: index.to_string(),
                    source: Box::new(e),
                })
            }
            #[cfg(feature = "postgres")]
            RowInner::Postgres(r) => sqlx::Row::try_get(r, index),
            #[cfg(feature = "mysql")]
            RowInner::MySql(r) => sqlx::Row::try_get(r, index),
        }
    }
}
