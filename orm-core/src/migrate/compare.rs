//! One canonical spelling per dialect for what servers rewrite, so that a model and the
//! table created from it compare equal: type names (`int(11)` and `INT`, `character
//! varying(80)` and `VARCHAR(80)`), default expressions (`'a'::text` and `'a'`), and
//! referential actions (MySQL's `RESTRICT` for none).

use orm_schema::{ColumnDef, ReferentialAction, SqlType, TableDef};

use crate::Dialect;

/// The type `create_table` writes for `column` of `table`, in canonical spelling.
pub(crate) fn column_type(dialect: Dialect, table: &TableDef, column: &ColumnDef) -> String {
    let written = if column.auto_increment && column.primary_key && table.primary_key.len() == 1 {
        match dialect {
            // Whatever the key's type, SQLite's generated key is its rowid.
            Dialect::Sqlite => "INTEGER".into(),
            _ => dialect.column_type(column, true),
        }
    } else {
        dialect.column_type(column, is_indexed(table, &column.name))
    };
    canonical_type(dialect, &written)
}

/// Whether `column` is part of a key, a unique constraint, an index or a foreign key (MySQL
/// gives such text columns a length).
pub(crate) fn is_indexed(table: &TableDef, column: &str) -> bool {
    let has = |cols: &[String]| cols.iter().any(|c| c == column);
    has(&table.primary_key)
        || table.uniques.iter().any(|u| has(&u.columns))
        || table.indexes.iter().any(|i| has(&i.columns))
        || table.foreign_keys.iter().any(|f| has(&f.columns))
}

/// `column` as it is written into `table` on `dialect`: an indexed text column without a
/// length gets MySQL's (see `dialect::mysql`), so that adding or altering it is what
/// creating the table would have made.
pub(crate) fn as_written(dialect: Dialect, table: &TableDef, column: &ColumnDef) -> ColumnDef {
    let mut c = column.clone();
    if dialect == Dialect::MySql
        && c.sql_type == SqlType::Text
        && c.dialect_type(dialect.name()).is_none()
        && is_indexed(table, &c.name)
    {
        c.sql_type = SqlType::Custom(dialect.type_name(&SqlType::Text, true).into_owned());
    }
    c
}

/// A type name in the one spelling `dialect`'s catalog and its DDL agree on.
///
/// ```text
/// postgres: "character varying(80)" -> "VARCHAR(80)", "int4" -> "INTEGER"
/// mysql:    "int(11)" -> "INT", "tinyint(1)" -> "BOOLEAN", "decimal(65, 30)" -> "DECIMAL(65,30)"
/// ```
pub(crate) fn canonical_type(dialect: Dialect, name: &str) -> String {
    let mut s = name.trim().to_ascii_uppercase();
    s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    s = s
        .replace(" (", "(")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(", ", ",");
    let (base, rest) = match s.find('(') {
        Some(i) => (s[..i].to_owned(), s[i..].to_owned()),
        None => (s.clone(), String::new()),
    };
    match dialect {
        Dialect::Sqlite => s,
        Dialect::Postgres => {
            // `TIMESTAMP(3) WITH TIME ZONE`: the precision sits inside the name.
            let (args, suffix) = match rest.find(')') {
                Some(i) => (rest[..=i].to_owned(), rest[i + 1..].trim().to_owned()),
                None => (String::new(), String::new()),
            };
            let full = format!("{base}{}{suffix}", if suffix.is_empty() { "" } else { " " })
                .trim()
                .to_owned();
            let base = match full.as_str() {
                "INT" | "INT4" | "SERIAL" | "SERIAL4" => "INTEGER",
                "INT8" | "BIGSERIAL" | "SERIAL8" => "BIGINT",
                "INT2" | "SMALLSERIAL" | "SERIAL2" => "SMALLINT",
                "FLOAT8" | "FLOAT" => "DOUBLE PRECISION",
                "FLOAT4" => "REAL",
                "BOOL" => "BOOLEAN",
                "DECIMAL" => "NUMERIC",
                "CHARACTER VARYING" => "VARCHAR",
                "CHARACTER" | "BPCHAR" => "CHAR",
                "TIMESTAMP WITHOUT TIME ZONE" => "TIMESTAMP",
                "TIMESTAMP WITH TIME ZONE" => "TIMESTAMPTZ",
                "TIME WITHOUT TIME ZONE" => "TIME",
                "TIME WITH TIME ZONE" => "TIMETZ",
                other => other,
            };
            format!("{base}{args}")
        }
        Dialect::MySql => {
            let unsigned = s.contains(" UNSIGNED");
            let zerofill = s.contains(" ZEROFILL");
            let plain = s.replace(" UNSIGNED", "").replace(" ZEROFILL", "");
            let (base, args) = match plain.find('(') {
                Some(i) => (plain[..i].trim().to_owned(), plain[i..].to_owned()),
                None => (plain.trim().to_owned(), String::new()),
            };
            let (base, args) = match (base.as_str(), args.as_str()) {
                ("BOOLEAN" | "BOOL", _) | ("TINYINT", "(1)") => {
                    ("BOOLEAN".to_owned(), String::new())
                }
                // Integer display widths mean nothing (MySQL 8.0.17 dropped them).
                ("TINYINT" | "SMALLINT" | "MEDIUMINT" | "INT" | "INTEGER" | "BIGINT", _) => {
                    let base = if base == "INTEGER" {
                        "INT".to_owned()
                    } else {
                        base.clone()
                    };
                    (base, String::new())
                }
                ("NUMERIC" | "DECIMAL" | "DEC" | "FIXED", "") => {
                    ("DECIMAL".to_owned(), "(10,0)".to_owned())
                }
                ("NUMERIC" | "DEC" | "FIXED", a) => ("DECIMAL".to_owned(), a.to_owned()),
                ("REAL" | "DOUBLE PRECISION", a) => ("DOUBLE".to_owned(), a.to_owned()),
                ("CHARACTER VARYING", a) => ("VARCHAR".to_owned(), a.to_owned()),
                ("CHARACTER", a) => ("CHAR".to_owned(), a.to_owned()),
                (b, a) => (b.to_owned(), a.to_owned()),
            };
            let mut out = format!("{base}{args}");
            if unsigned {
                out.push_str(" UNSIGNED");
            }
            if zerofill {
                out.push_str(" ZEROFILL");
            }
            out
        }
    }
}

/// Whether changing a column from type `from` to `to` (canonical names) can lose or refuse
/// values: anything but a widening within one family (a longer text, a wider integer or
/// float).
pub(crate) fn narrows(dialect: Dialect, from: &str, to: &str) -> bool {
    match (capacity(dialect, from), capacity(dialect, to)) {
        (Some((a, x)), Some((b, y))) => a != b || y < x,
        _ => true,
    }
}

/// A type's family and how much it holds, for [`narrows`].
fn capacity(dialect: Dialect, t: &str) -> Option<(&'static str, u64)> {
    let (base, args) = t.split_once('(').unwrap_or((t, ""));
    let length = args
        .trim_end_matches(')')
        .split(',')
        .next()?
        .trim()
        .parse::<u64>()
        .ok();
    let base = base.trim();
    if base.ends_with("UNSIGNED") {
        return None;
    }
    Some(match base {
        "TINYINT" => ("int", 1),
        "SMALLINT" => ("int", 2),
        "MEDIUMINT" => ("int", 3),
        "INT" | "INTEGER" => ("int", 4),
        "BIGINT" => ("int", 8),
        "REAL" | "FLOAT" => ("float", 4),
        "DOUBLE" | "DOUBLE PRECISION" => ("float", 8),
        "CHAR" | "VARCHAR" | "NVARCHAR" | "NCHAR" => ("text", length.unwrap_or(1)),
        "TINYTEXT" => ("text", 255),
        "TEXT" if dialect == Dialect::MySql => ("text", 65_535),
        "MEDIUMTEXT" => ("text", 16_777_215),
        "TEXT" | "LONGTEXT" | "CLOB" => ("text", u64::MAX),
        _ => return None,
    })
}

/// A default expression in one spelling: PostgreSQL's casts (`'a'::text`) and outer
/// parentheses dropped, `now()` and `current_timestamp()` as `CURRENT_TIMESTAMP`, keywords
/// and function names upper-case outside of string literals, MySQL's booleans as numbers.
pub(crate) fn canonical_default(dialect: Dialect, expr: &str) -> String {
    let mut s = expr.trim().to_owned();
    loop {
        let before = s.clone();
        if dialect == Dialect::Postgres {
            s = strip_casts(&s);
        }
        if s.starts_with('(') && s.ends_with(')') && balanced(&s[1..s.len() - 1]) {
            s = s[1..s.len() - 1].trim().to_owned();
        }
        if s == before {
            break;
        }
    }
    // Upper-case outside string literals.
    let mut out = String::new();
    let mut in_string = false;
    for c in s.chars() {
        if c == '\'' {
            in_string = !in_string;
        }
        out.push(if in_string { c } else { c.to_ascii_uppercase() });
    }
    // The clock at any precision: `now()`, `current_timestamp(6)` (MySQL's for DATETIME(6)).
    let clock = ["NOW", "CURRENT_TIMESTAMP", "LOCALTIMESTAMP"]
        .iter()
        .any(|f| {
            out.strip_prefix(f).is_some_and(|rest| {
                rest.is_empty()
                    || rest
                        .strip_prefix('(')
                        .and_then(|r| r.strip_suffix(')'))
                        .is_some_and(|digits| digits.chars().all(|c| c.is_ascii_digit()))
            })
        });
    let out = match out.as_str() {
        _ if clock => "CURRENT_TIMESTAMP".to_owned(),
        "TRUE" if dialect == Dialect::MySql => "1".to_owned(),
        "FALSE" if dialect == Dialect::MySql => "0".to_owned(),
        _ => out,
    };
    // A number compares as the number it is: `0.0` and `0`, `'5'` and `5` on MySQL.
    let unquoted = out.trim_matches('\'');
    match unquoted.parse::<f64>() {
        Ok(n) if dialect != Dialect::Sqlite || !out.starts_with('\'') => format!("{n}"),
        _ => out,
    }
}

/// `expr` without a `::type` cast of the whole of it (`'x'::text`, `(1)::bigint`).
fn strip_casts(expr: &str) -> String {
    let (mut depth, mut in_string, mut last) = (0i32, false, None);
    let chars: Vec<(usize, char)> = expr.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        match c {
            '\'' => in_string = !in_string,
            '(' if !in_string => depth += 1,
            ')' if !in_string => depth -= 1,
            ':' if !in_string && depth == 0 && chars.get(k + 1).map(|p| p.1) == Some(':') => {
                last = Some(i);
            }
            _ => {}
        }
    }
    let Some(at) = last else {
        return expr.to_owned();
    };
    let tail = expr[at + 2..].trim();
    let is_type = !tail.is_empty()
        && tail
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " _(),[]\"".contains(c));
    if is_type {
        expr[..at].trim().to_owned()
    } else {
        expr.to_owned()
    }
}

/// Whether the parentheses in `s` balance (so that `(a) + (b)` keeps its outer ones).
fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    let mut in_string = false;
    for c in s.chars() {
        match c {
            '\'' => in_string = !in_string,
            '(' if !in_string => depth += 1,
            ')' if !in_string => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

/// An action as the backend behaves: no action given is `NO ACTION` (MySQL: `RESTRICT`,
/// which InnoDB does not tell apart).
pub(crate) fn canonical_action(
    dialect: Dialect,
    action: Option<ReferentialAction>,
) -> ReferentialAction {
    match (dialect, action) {
        (Dialect::MySql, None | Some(ReferentialAction::NoAction)) => ReferentialAction::Restrict,
        (_, None) => ReferentialAction::NoAction,
        (_, Some(a)) => a,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_spellings_of_a_type_are_one() {
        let pg = |s| canonical_type(Dialect::Postgres, s);
        assert_eq!(pg("character varying(80)"), pg("VARCHAR(80)"));
        assert_eq!(pg("integer"), pg("INT"));
        assert_eq!(pg("timestamp without time zone"), "TIMESTAMP");
        assert_eq!(pg("timestamp(3) with time zone"), "TIMESTAMPTZ(3)");
        assert_eq!(pg("numeric(10,2)"), pg("DECIMAL(10, 2)"));
        assert_ne!(pg("numeric(10,2)"), pg("NUMERIC"));
        let my = |s| canonical_type(Dialect::MySql, s);
        assert_eq!(my("int(11)"), my("INT"));
        assert_eq!(my("int(10) unsigned"), my("INT UNSIGNED"));
        assert_eq!(my("tinyint(1)"), my("BOOLEAN"));
        assert_ne!(my("tinyint(4)"), my("BOOLEAN"));
        assert_eq!(my("decimal(65,30)"), my("DECIMAL(65, 30)"));
        assert_eq!(my("numeric"), my("decimal(10,0)"));
        assert_ne!(my("varchar(255)"), my("LONGTEXT"));
    }

    #[test]
    fn widening_is_not_narrowing() {
        assert!(!narrows(Dialect::Postgres, "VARCHAR(255)", "LONGTEXT"));
        assert!(!narrows(Dialect::Postgres, "VARCHAR(20)", "VARCHAR(80)"));
        assert!(!narrows(Dialect::Postgres, "INTEGER", "BIGINT"));
        assert!(narrows(Dialect::Postgres, "VARCHAR(80)", "VARCHAR(20)"));
        assert!(narrows(Dialect::Postgres, "TEXT", "VARCHAR(255)"));
        assert!(narrows(Dialect::Postgres, "BIGINT", "INTEGER"));
        assert!(narrows(Dialect::Postgres, "TEXT", "INTEGER"));
        assert!(narrows(Dialect::Postgres, "JSONB", "JSONB(1)"));
        assert!(narrows(Dialect::MySql, "LONGTEXT", "TEXT"));
        assert!(!narrows(Dialect::Postgres, "LONGTEXT", "TEXT"));
    }

    #[test]
    fn servers_spellings_of_a_default_are_one() {
        let pg = |s| canonical_default(Dialect::Postgres, s);
        assert_eq!(pg("'draft'::text"), pg("'draft'"));
        assert_eq!(pg("'a b'::character varying"), "'a b'");
        assert_eq!(pg("now()"), pg("CURRENT_TIMESTAMP"));
        assert_eq!(pg("0"), pg("0.0"));
        assert_eq!(pg("(-1)"), pg("-1"));
        assert_ne!(pg("'Draft'"), pg("'draft'"));
        let my = |s| canonical_default(Dialect::MySql, s);
        assert_eq!(my("current_timestamp()"), my("CURRENT_TIMESTAMP"));
        assert_eq!(my("current_timestamp(6)"), my("CURRENT_TIMESTAMP"));
        assert_ne!(my("current_timestamp_x"), my("CURRENT_TIMESTAMP"));
        assert_eq!(my("1"), my("TRUE"));
        assert_eq!(my("'5'"), my("5"));
    }
}
