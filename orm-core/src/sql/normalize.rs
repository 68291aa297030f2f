//! SQLite has no decimal or date-time types: such values are text, and text compares by
//! spelling. Conditions and `ORDER BY` read them through these expressions instead, so
//! that they compare by value whoever wrote them.
//!
//! - Decimals: `CAST(c AS REAL)` (exact to about 15 significant digits).
//! - Dates and times: one fixed-width spelling, `YYYY-MM-DD HH:MM:SS.ffffff` (what the ORM
//!   and SQLAlchemy write), from any spelling SQLite's date functions read: a space or a
//!   `T`, no seconds, 0 to 9 fraction digits, `Z` or `+00:00` (exact); another offset
//!   (converted to UTC by SQLite, to the millisecond); a unix time (INTEGER) or a Julian
//!   day number (REAL). A value already in that spelling is taken as it is.
//! - Times of day: `HH:MM:SS.ffffff`, from `HH:MM`, `HH:MM:SS` or any fraction.
//!
//! The values the ORM binds are in the same spellings, so a comparison is right for rows
//! of any writer. An index on the column itself cannot serve such a comparison; the DDL
//! gives indexed date-time columns an index on this expression instead (see
//! [`sqlite_index_expression`]).

use crate::sql::SqlWriter;
use crate::sql::ast::Node;
use crate::sql::render::expr;
use crate::value::StoredAs;

/// What the text of a column of `sql_type` means where it is text (see `StoredAs`).
pub(crate) fn stored_as(sql_type: &orm_schema::SqlType) -> StoredAs {
    use orm_schema::SqlType;
    match sql_type {
        SqlType::Decimal => StoredAs::NumberText,
        SqlType::Timestamp | SqlType::TimestampTz => StoredAs::DateTimeText,
        SqlType::Time => StoredAs::TimeText,
        _ => StoredAs::Native,
    }
}

/// Column `name` of model table `table`, as conditions read it: normalized where its
/// values are text that means a value (for the key lookups of `get`, `update` and
/// `delete`, which name columns rather than take handles).
pub(crate) fn model_column(
    table: &'static orm_schema::TableDef,
    table_name: &'static str,
    name: &'static str,
) -> Node {
    let column = Node::column(table_name, name);
    let stored = table
        .columns
        .iter()
        .find(|c| c.name == name)
        .map_or(StoredAs::Native, |c| stored_as(&c.sql_type));
    match stored {
        // A key compares exactly: two decimals equal as doubles are still two keys.
        StoredAs::Native | StoredAs::NumberText => column,
        text => Node::Normalized(Box::new(column), text),
    }
}

/// Writes `column` as SQLite should compare it.
pub(crate) fn sqlite(w: &mut SqlWriter, column: &Node, stored: StoredAs) {
    let mut c = |w: &mut SqlWriter| expr(w, column);
    write_sqlite(w, &mut c, stored);
}

/// The expression an index on `column` needs to serve the comparisons above (an
/// unqualified column, as indexes name them); `None` for a type compared as stored.
pub(crate) fn sqlite_index_expression(column: &str, stored: StoredAs) -> Option<String> {
    if stored == StoredAs::Native {
        return None;
    }
    let mut w = SqlWriter::new(crate::Dialect::Sqlite);
    let mut c = |w: &mut SqlWriter| {
        w.ident(column);
    };
    write_sqlite(&mut w, &mut c, stored);
    Some(w.finish().sql)
}

fn write_sqlite(w: &mut SqlWriter, c: &mut dyn FnMut(&mut SqlWriter), stored: StoredAs) {
    // `u`: the text with `T`, `Z`, `+00:00` and `-00:00` taken out (a date holds no `T`,
    // `Z` or `+`, and no `-00:00`).
    let u = |w: &mut SqlWriter, c: &mut dyn FnMut(&mut SqlWriter)| {
        w.push("replace(replace(rtrim(replace(");
        c(w);
        w.push(", 'T', ' '), 'Z'), '+00:00', ''), '-00:00', '')");
    };
    match stored {
        StoredAs::Native => c(w),
        StoredAs::NumberText => {
            w.push("CAST(");
            c(w);
            w.push(" AS REAL)");
        }
        StoredAs::DateTimeText => {
            w.push("CASE WHEN typeof(");
            c(w);
            w.push(") = 'integer' THEN strftime('%Y-%m-%d %H:%M:%f', ");
            c(w);
            w.push(", 'unixepoch') || '000' WHEN typeof(");
            c(w);
            w.push(") = 'real' THEN strftime('%Y-%m-%d %H:%M:%f', ");
            c(w);
            // Already in the fixed-width spelling: as it is.
            w.push(") || '000' WHEN ");
            c(w);
            w.push(" GLOB '");
            w.push(DATE_TIME_GLOB);
            w.push("' THEN ");
            c(w);
            // Another offset (after the date, only an offset holds a sign): SQLite
            // converts it to UTC, to the millisecond.
            w.push(" WHEN instr(substr(");
            u(w, c);
            w.push(", 12), '+') > 0 OR instr(substr(");
            u(w, c);
            w.push(", 12), '-') > 0 THEN strftime('%Y-%m-%d %H:%M:%f', ");
            c(w);
            w.push(") || '000' WHEN length(");
            u(w, c);
            w.push(") = 10 THEN ");
            u(w, c);
            w.push(" || ' 00:00:00.000000' WHEN length(");
            u(w, c);
            w.push(") = 16 THEN ");
            u(w, c);
            w.push(" || ':00.000000' WHEN length(");
            u(w, c);
            w.push(") = 19 THEN ");
            u(w, c);
            w.push(" || '.000000' ELSE substr(");
            u(w, c);
            w.push(" || '000000', 1, 26) END");
        }
        StoredAs::TimeText => {
            // `t`: the text without a `Z` or a `+00:00`.
            let t = |w: &mut SqlWriter, c: &mut dyn FnMut(&mut SqlWriter)| {
                w.push("replace(rtrim(");
                c(w);
                w.push(", 'Z'), '+00:00', '')");
            };
            w.push("CASE WHEN ");
            c(w);
            w.push(" GLOB '");
            w.push(TIME_GLOB);
            w.push("' THEN ");
            c(w);
            w.push(" WHEN length(");
            t(w, c);
            w.push(") = 5 THEN ");
            t(w, c);
            w.push(" || ':00.000000' WHEN length(");
            t(w, c);
            w.push(") = 8 THEN ");
            t(w, c);
            w.push(" || '.000000' ELSE substr(");
            t(w, c);
            w.push(" || '000000', 1, 15) END");
        }
    }
}

/// `YYYY-MM-DD HH:MM:SS.ffffff`, the spelling the ORM writes.
const DATE_TIME_GLOB: &str = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]";

/// `HH:MM:SS.ffffff`.
const TIME_GLOB: &str = "[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]";
