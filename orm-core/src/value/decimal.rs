//! `rust_decimal::Decimal`: native on PostgreSQL and MySQL, exact text on SQLite.
//!
//! SQLite has no decimal type. The ORM stores the exact text (in a `TEXT` column) and
//! compares it as a number (see `StoredAs::NumberText`). A `NUMERIC` or `DECIMAL` column
//! of an existing database holds INTEGER or REAL values instead (SQLite's numeric
//! affinity converts the text), so every storage class is read: a REAL as the shortest
//! decimal that reads back as the same double, which is what the writer meant whenever
//! it had at most 15 significant digits.

use rust_decimal::Decimal;

use crate::row::{Row, RowInner};
use crate::{SqlValue, Value};

impl SqlValue for Decimal {
    const STORED_AS: crate::value::StoredAs = crate::value::StoredAs::NumberText;

    fn to_value(&self) -> Value {
        Value::Decimal(Some(*self))
    }

    fn null() -> Value {
        Value::Decimal(None)
    }

    fn decode(row: &Row, index: usize) -> Result<Self, sqlx::Error> {
        match &row.inner {
            #[cfg(feature = "sqlite")]
            RowInner::Sqlite(r) => sqlite_decimal(r, index),
            #[cfg(feature = "postgres")]
            RowInner::Postgres(r) => sqlx::Row::try_get(r, index),
            #[cfg(feature = "mysql")]
            RowInner::MySql(r) => sqlx::Row::try_get(r, index),
        }
    }
}

#[cfg(feature = "sqlite")]
fn sqlite_decimal(row: &sqlx::sqlite::SqliteRow, index: usize) -> Result<Decimal, sqlx::Error> {
    use sqlx::{Row as _, TypeInfo as _, ValueRef as _};
    let raw = row.try_get_raw(index)?;
    let decode_error = |source: sqlx::error::BoxDynError| sqlx::Error::ColumnDecode {
        index: index.to_string(),
        source,
    };
    if raw.is_null() {
        return Err(decode_error(Box::new(sqlx::error::UnexpectedNullError)));
    }
    let class = raw.type_info().name().to_owned();
    match class.as_str() {
        "INTEGER" => row.try_get::<i64, _>(index).map(Decimal::from),
        "REAL" => {
            let f: f64 = row.try_get(index)?;
            // `Display` writes the shortest text that reads back as the same double.
            f.to_string()
                .parse()
                .map_err(|e: rust_decimal::Error| decode_error(Box::new(e)))
        }
        "TEXT" => {
            let text: String = row.try_get(index)?;
            let text = text.trim();
            text.parse()
                .or_else(|_| Decimal::from_scientific(text))
                .map_err(|e| decode_error(Box::new(e)))
        }
        other => Err(decode_error(
            format!("a Decimal cannot be read from SQLite's {other} storage class").into(),
        )),
    }
}
