//! PostgreSQL's `COPY … FROM STDIN` in its text format: the fastest way to load many rows
//! (`Model::insert_all`). Only values whose text reads back exactly as binding them would
//! store them are written this way; for any other the caller keeps to `INSERT`.

use std::fmt::Write as _;

use crate::schema::{SqlType, TableDef};
use crate::{Dialect, Value};

/// `COPY "table" ("a", "b") FROM STDIN`, quoted for `dialect` (one that
/// [`copies_rows`](Dialect::copies_rows)).
pub(crate) fn statement(dialect: Dialect, table: &str, columns: &[&str]) -> String {
    let mut sql = String::from("COPY ");
    dialect.quote_identifier(table, &mut sql);
    sql.push_str(" (");
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        dialect.quote_identifier(column, &mut sql);
    }
    sql.push_str(") FROM STDIN");
    sql
}

/// Whether PostgreSQL refused a `COPY` that `INSERT`s may do: into a table with
/// row-level security (`0A000`), or into a view (`42809`).
pub(crate) fn refused(e: &crate::Error) -> bool {
    matches!(e, crate::Error::Database { code: Some(code), .. } if code == "0A000" || code == "42809")
}

/// Whether the table's columns all have the types the ORM gives their fields' values: a
/// value's text then reads back as its binding would. A column of a type named by hand
/// (`sql_type = "…"`, or one for PostgreSQL) may convert the two differently (a `f32`
/// into `DOUBLE PRECISION`), so such a table is written by `INSERT`.
pub(crate) fn fits(table: &TableDef) -> bool {
    table
        .columns
        .iter()
        .all(|c| !matches!(c.sql_type, SqlType::Custom(_)) && c.dialect_type("postgres").is_none())
}

/// Appends `rows` as `COPY` text to `out`: a line per row, values separated by tabs.
/// `None` when a value has no text that is sure to be read back as binding would store it.
pub(crate) fn push_rows(rows: &[Vec<Value>], out: &mut String) -> Option<()> {
    for row in rows {
        for (i, value) in row.iter().enumerate() {
            if i > 0 {
                out.push('\t');
            }
            push_value(value, out)?;
        }
        out.push('\n');
    }
    Some(())
}

/// Writes `value`, or `\N` for NULL.
fn push_value(value: &Value, out: &mut String) -> Option<()> {
    macro_rules! display {
        ($v:expr) => {
            match $v {
                Some(v) => write!(out, "{v}").ok()?,
                None => out.push_str("\\N"),
            }
        };
    }
    match value {
        Value::Bool(v) => match v {
            Some(true) => out.push('t'),
            Some(false) => out.push('f'),
            None => out.push_str("\\N"),
        },
        Value::I8(v) => display!(v),
        Value::I16(v) => display!(v),
        Value::I32(v) => display!(v),
        Value::I64(v) => display!(v),
        Value::U8(v) => display!(v),
        Value::U16(v) => display!(v),
        Value::U32(v) => display!(v),
        Value::F32(v) => push_float(v.map(f64::from), v.map(|f| f.to_string()), out),
        Value::F64(v) => push_float(*v, v.map(|f| f.to_string()), out),
        Value::String(v) => match v {
            Some(s) => push_escaped(s, out)?,
            None => out.push_str("\\N"),
        },
        // bytea's hex form, its backslash escaped for COPY: `\\x0a1b`.
        Value::Bytes(v) => match v {
            Some(bytes) => {
                out.push_str("\\\\x");
                for b in bytes {
                    write!(out, "{b:02x}").ok()?;
                }
            }
            None => out.push_str("\\N"),
        },
        #[cfg(feature = "chrono")]
        Value::Date(v) => match v {
            Some(d) => {
                in_plain_years(chrono::Datelike::year(d))?;
                write!(out, "{}", d.format("%Y-%m-%d")).ok()?;
            }
            None => out.push_str("\\N"),
        },
        #[cfg(feature = "chrono")]
        Value::Time(v) => match v {
            Some(t) => push_time(t, out)?,
            None => out.push_str("\\N"),
        },
        #[cfg(feature = "chrono")]
        Value::DateTime(v) => match v {
            Some(dt) => push_datetime(dt, out)?,
            None => out.push_str("\\N"),
        },
        #[cfg(feature = "chrono")]
        Value::DateTimeUtc(v) => match v {
            Some(dt) => {
                push_datetime(&dt.naive_utc(), out)?;
                out.push_str("+00");
            }
            None => out.push_str("\\N"),
        },
        #[cfg(feature = "uuid")]
        Value::Uuid(v) => display!(v),
        #[cfg(feature = "json")]
        Value::Json(v) => match v {
            Some(json) => push_escaped(&serde_json::to_string(json).ok()?, out)?,
            None => out.push_str("\\N"),
        },
        #[cfg(feature = "decimal")]
        Value::Decimal(v) => display!(v),
        // The `time` crate's types, and values that failed to convert (which `INSERT`
        // reports): written by `INSERT`.
        #[allow(unreachable_patterns)]
        _ => return None,
    }
    Some(())
}

/// A float as PostgreSQL reads it back to the same value: Rust's shortest round-trip
/// text, and PostgreSQL's spellings of the infinities and NaN.
fn push_float(v: Option<f64>, text: Option<String>, out: &mut String) {
    match (v, text) {
        (Some(f), _) if f.is_nan() => out.push_str("NaN"),
        (Some(f), _) if f == f64::INFINITY => out.push_str("Infinity"),
        (Some(f), _) if f == f64::NEG_INFINITY => out.push_str("-Infinity"),
        (Some(_), Some(text)) => out.push_str(&text),
        _ => out.push_str("\\N"),
    }
}

/// A time of day to the microsecond, cut (not rounded) as sqlx's binary encoding cuts
/// it (microseconds since midnight); `None` for a leap second, which PostgreSQL and
/// binding treat differently.
#[cfg(feature = "chrono")]
fn push_time(t: &chrono::NaiveTime, out: &mut String) -> Option<()> {
    use chrono::Timelike;
    let nanos = t.nanosecond();
    if nanos >= 1_000_000_000 {
        return None;
    }
    write!(
        out,
        "{:02}:{:02}:{:02}.{:06}",
        t.hour(),
        t.minute(),
        t.second(),
        nanos / 1_000
    )
    .ok()
}

/// A timestamp at the microsecond sqlx's binary encoding gives it: microseconds since
/// 2000-01-01 counted toward zero (so cut after 2000, and carried up before it).
#[cfg(feature = "chrono")]
fn push_datetime(dt: &chrono::NaiveDateTime, out: &mut String) -> Option<()> {
    let epoch = chrono::NaiveDate::from_ymd_opt(2000, 1, 1)?.and_hms_opt(0, 0, 0)?;
    let micros = (*dt - epoch).num_microseconds()?;
    let dt = epoch.checked_add_signed(chrono::TimeDelta::microseconds(micros))?;
    in_plain_years(chrono::Datelike::year(&dt))?;
    write!(out, "{} ", dt.date().format("%Y-%m-%d")).ok()?;
    push_time(&dt.time(), out)
}

/// Years 1 to 9999, which both forms write the same way (others are written by `INSERT`).
#[cfg(feature = "chrono")]
fn in_plain_years(year: i32) -> Option<()> {
    (1..=9999).contains(&year).then_some(())
}

/// Text with COPY's escapes: backslash, and the characters that end a value or a row.
/// `None` for text with a NUL, which PostgreSQL refuses mid-`COPY` (aborting the
/// transaction) where binding refuses it before anything is sent.
fn push_escaped(s: &str, out: &mut String) -> Option<()> {
    for c in s.chars() {
        match c {
            '\0' => return None,
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(rows: &[Vec<Value>]) -> Option<Vec<u8>> {
        let mut out = String::new();
        push_rows(rows, &mut out)?;
        Some(out.into_bytes())
    }

    #[test]
    fn rows_are_tab_separated_lines_with_escapes() {
        let rows = vec![
            vec![
                Value::I64(Some(7)),
                Value::String(Some("a\tb\\c\nd".into())),
                Value::Bool(Some(true)),
                Value::F64(Some(f64::NEG_INFINITY)),
            ],
            vec![
                Value::I64(None),
                Value::String(None),
                Value::Bytes(Some(vec![0, 255])),
                Value::F64(Some(0.1)),
            ],
        ];
        let text = String::from_utf8(text(&rows).unwrap()).unwrap();
        assert_eq!(
            text,
            "7\ta\\tb\\\\c\\nd\tt\t-Infinity\n\\N\t\\N\t\\\\x00ff\t0.1\n"
        );
        assert_eq!(
            statement(Dialect::Postgres, "users", &["name", "e-mail"]),
            r#"COPY "users" ("name", "e-mail") FROM STDIN"#
        );
    }

    #[test]
    fn text_with_a_nul_is_left_to_insert() {
        assert!(text(&[vec![Value::String(Some("a\0b".into()))]]).is_none());
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn timestamps_take_sqlx_microseconds_and_odd_dates_are_left_to_insert() {
        use chrono::NaiveDate;
        let dt = NaiveDate::from_ymd_opt(2024, 2, 29)
            .unwrap()
            .and_hms_nano_opt(23, 59, 58, 123_456_789)
            .unwrap();
        let text = String::from_utf8(text(&[vec![Value::DateTime(Some(dt))]]).unwrap()).unwrap();
        assert_eq!(text, "2024-02-29 23:59:58.123456\n", "cut after 2000");
        let before = NaiveDate::from_ymd_opt(1999, 1, 1)
            .unwrap()
            .and_hms_nano_opt(0, 59, 58, 123_456_789)
            .unwrap();
        let text = String::from_utf8(text_of(Value::DateTime(Some(before))).unwrap()).unwrap();
        assert_eq!(
            text, "1999-01-01 00:59:58.123457\n",
            "carried up before 2000"
        );
        let far = NaiveDate::from_ymd_opt(12_000, 1, 1).unwrap();
        assert!(text_of(Value::Date(Some(far))).is_none());
    }

    #[cfg(feature = "chrono")]
    fn text_of(value: Value) -> Option<Vec<u8>> {
        text(&[vec![value]])
    }
}
