//! Reading what other clients store: the representations a column of a type may hold in
//! a database the ORM did not create, tried when sqlx's own decoding refuses the column.
//!
//! - An instant from a naive `TIMESTAMP` (SQLAlchemy's default `DateTime()` on
//!   PostgreSQL): the stored time is taken as UTC.
//! - A UUID from 32- or 36-character text (SQLAlchemy on SQLite, `CHAR(36)`, MariaDB's
//!   `UUID` type) or 16 bytes.
//! - JSON from SQLite's INTEGER or REAL storage class: a column with numeric affinity
//!   (SQLAlchemy's `JSON` type on SQLite) stores a top-level JSON number as a number.

use crate::Row;

#[cfg(any(feature = "uuid", feature = "json", feature = "time"))]
type Decoded<T> = Option<Result<T, sqlx::Error>>;

#[cfg(any(feature = "uuid", feature = "json"))]
fn decode_error(index: usize, source: impl Into<sqlx::error::BoxDynError>) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: index.to_string(),
        source: source.into(),
    }
}

/// A naive date and time. On SQLite, text with an offset other clients wrote reads as its
/// time in UTC, the reading `sql::normalize` compares it by (without one, the time as
/// written).
#[cfg(feature = "chrono")]
pub(super) fn naive_date_time(
    row: &Row,
    index: usize,
) -> Result<chrono::NaiveDateTime, sqlx::Error> {
    #[cfg(feature = "sqlite")]
    #[allow(irrefutable_let_patterns)] // refutable when other backends are compiled in
    if let crate::row::RowInner::Sqlite(r) = &row.inner {
        use sqlx::Row as _;
        return r
            .try_get::<chrono::DateTime<chrono::Utc>, _>(index)
            .map(|t| t.naive_utc());
    }
    row.try_get_native(index)
}

/// An instant: from PostgreSQL's naive `TIMESTAMP` (SQLAlchemy's `DateTime()`) taken as
/// UTC, natively from anything else.
#[cfg(feature = "chrono")]
pub(super) fn utc(row: &Row, index: usize) -> Result<chrono::DateTime<chrono::Utc>, sqlx::Error> {
    #[cfg(feature = "postgres")]
    #[allow(irrefutable_let_patterns)] // refutable when other backends are compiled in
    if let crate::row::RowInner::Postgres(r) = &row.inner {
        use sqlx::{Row as _, TypeInfo as _, ValueRef as _};
        if r.try_get_raw(index)?.type_info().name() == "TIMESTAMP" {
            return r
                .try_get::<chrono::NaiveDateTime, _>(index)
                .map(|naive| naive.and_utc());
        }
    }
    row.try_get_native(index)
}

/// An instant from a naive date-time column, taken as UTC.
#[cfg(feature = "time")]
pub(super) fn offset_from_primitive(row: &Row, index: usize) -> Decoded<time::OffsetDateTime> {
    let naive: time::PrimitiveDateTime = row.try_get_native(index).ok()?;
    Some(Ok(naive.assume_utc()))
}

/// A UUID: natively where the column is the backend's own type or 16 bytes, else from
/// its text. On SQLite (text is what the ORM writes there) the storage class decides,
/// without a failed attempt first.
#[cfg(feature = "uuid")]
pub(super) fn uuid(row: &Row, index: usize) -> Result<uuid::Uuid, sqlx::Error> {
    #[cfg(feature = "sqlite")]
    #[allow(irrefutable_let_patterns)] // refutable when other backends are compiled in
    if let crate::row::RowInner::Sqlite(r) = &row.inner {
        use sqlx::{Row as _, TypeInfo as _, ValueRef as _};
        if r.try_get_raw(index)?.type_info().name() == "TEXT" {
            let text: &str = r.try_get(index)?;
            return uuid::Uuid::try_parse(text.trim()).map_err(|e| decode_error(index, e));
        }
    }
    // MySQL: MariaDB's `UUID` type and `CHAR(36)` arrive as text.
    #[cfg(feature = "mysql")]
    #[allow(irrefutable_let_patterns)] // refutable when other backends are compiled in
    if let crate::row::RowInner::MySql(r) = &row.inner {
        use sqlx::{Row as _, ValueRef as _};
        // Text by its collation (sqlx names a `_bin`-collated text column "BINARY").
        let is_text = <&str as sqlx::Type<sqlx::MySql>>::compatible(
            r.try_get_raw(index)?.type_info().as_ref(),
        );
        if is_text {
            let text: &str = r.try_get(index)?;
            return uuid::Uuid::try_parse(text.trim()).map_err(|e| decode_error(index, e));
        }
    }
    row.native_or(index, |row| uuid_from_text_or_bytes(row, index))
}

/// A UUID from its text (with or without hyphens) or its 16 bytes.
#[cfg(feature = "uuid")]
fn uuid_from_text_or_bytes(row: &Row, index: usize) -> Decoded<uuid::Uuid> {
    if let Ok(text) = row.try_get_native::<String>(index) {
        return Some(uuid::Uuid::try_parse(text.trim()).map_err(|e| decode_error(index, e)));
    }
    let bytes: Vec<u8> = row.try_get_native(index).ok()?;
    Some(match uuid::Uuid::from_slice(&bytes) {
        Ok(uuid) => Ok(uuid),
        // 36 or 32 bytes: the text of a UUID stored as a binary string.
        Err(_) => std::str::from_utf8(&bytes)
            .map_err(|e| decode_error(index, e))
            .and_then(|text| uuid::Uuid::try_parse(text).map_err(|e| decode_error(index, e))),
    })
}

/// A JSON number from an SQLite column that stored it as INTEGER or REAL.
#[cfg(feature = "json")]
pub(super) fn json_from_number(row: &Row, index: usize) -> Decoded<serde_json::Value> {
    if let Ok(n) = row.try_get_native::<i64>(index) {
        return Some(Ok(n.into()));
    }
    let f: f64 = row.try_get_native(index).ok()?;
    Some(
        serde_json::Number::from_f64(f)
            .map(serde_json::Value::Number)
            .ok_or_else(|| decode_error(index, format!("{f} is not a JSON number"))),
    )
}
