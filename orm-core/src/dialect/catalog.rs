//! How each backend's catalog spells back what its DDL wrote: one canonical spelling of
//! type names (`int(11)` and `INT`, `character varying(80)` and `VARCHAR(80)`), default
//! expressions (`'a'::text` and `'a'`) and referential actions per dialect, so that a
//! model and the table created from it compare equal; and the reverse of
//! [`Dialect::type_name`]: the column type a native type name reads as.

use orm_schema::{ReferentialAction, SqlType};

use super::Dialect;

impl Dialect {
    /// A type name in the one spelling this dialect's catalog and its DDL agree on.
    ///
    /// ```text
    /// postgres: "character varying(80)" -> "VARCHAR(80)", "int4" -> "INTEGER"
    /// mysql:    "int(11)" -> "INT", "tinyint(1)" -> "BOOLEAN", "decimal(65, 30)" -> "DECIMAL(65,30)"
    /// ```
    pub(crate) fn canonical_type(self, name: &str) -> String {
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
        match self {
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

    /// A type's family and how much it holds (canonical name), to tell a widening from a
    /// narrowing.
    pub(crate) fn type_capacity(self, t: &str) -> Option<(&'static str, u64)> {
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
            "TEXT" if self == Dialect::MySql => ("text", 65_535),
            "MEDIUMTEXT" => ("text", 16_777_215),
            "TEXT" | "LONGTEXT" | "CLOB" => ("text", u64::MAX),
            _ => return None,
        })
    }

    /// A default expression in one spelling: PostgreSQL's casts (`'a'::text`) and outer
    /// parentheses dropped, `now()` and `current_timestamp()` as `CURRENT_TIMESTAMP`, keywords
    /// and function names upper-case outside of string literals, MySQL's booleans as numbers.
    pub(crate) fn canonical_default(self, expr: &str) -> String {
        let mut s = expr.trim().to_owned();
        loop {
            let before = s.clone();
            if self == Dialect::Postgres {
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
            "TRUE" if self == Dialect::MySql => "1".to_owned(),
            "FALSE" if self == Dialect::MySql => "0".to_owned(),
            _ => out,
        };
        // A number compares as the number it is: `0.0` and `0`, `'5'` and `5` on MySQL.
        let unquoted = out.trim_matches('\'');
        match unquoted.parse::<f64>() {
            Ok(n) if self != Dialect::Sqlite || !out.starts_with('\'') => format!("{n}"),
            _ => out,
        }
    }

    /// The action of a foreign key that names none: `NO ACTION`; MySQL's `RESTRICT` (which
    /// InnoDB does not tell apart from it, and which its catalog lists).
    pub(crate) fn default_action(self) -> ReferentialAction {
        match self {
            Dialect::MySql => ReferentialAction::Restrict,
            Dialect::Sqlite | Dialect::Postgres => ReferentialAction::NoAction,
        }
    }

    /// `action` as the backend behaves: none given, and `NO ACTION`, are
    /// [`Dialect::default_action`].
    pub(crate) fn canonical_action(self, action: Option<ReferentialAction>) -> ReferentialAction {
        match action {
            Some(ReferentialAction::NoAction) | None => self.default_action(),
            Some(a) => a,
        }
    }

    /// The column type a native type name (as the catalog lists it) reads as: the one
    /// [`Dialect::type_name`] names so, or the nearest (`NVARCHAR(160)` is a `VARCHAR(160)`,
    /// SQLite's `INTEGER` a `BIGINT`: its integers hold 8 bytes). `None` for a type no column
    /// type of the ORM reads.
    pub(crate) fn sql_type_of(self, native: &str) -> Option<SqlType> {
        let canonical = self.canonical_type(native);
        let (base, args) = match canonical.find('(') {
            Some(i) => (&canonical[..i], &canonical[i..]),
            None => (canonical.as_str(), ""),
        };
        let unsigned = canonical.ends_with(" UNSIGNED");
        let base = base.trim_end_matches(" UNSIGNED").trim();
        let length = args
            .trim_matches(|c| c == '(' || c == ')')
            .split(',')
            .next()
            .and_then(|n| n.trim().parse::<u32>().ok());
        Some(match (base, unsigned) {
            ("BOOLEAN" | "BOOL", _) => SqlType::Boolean,
            ("TINYINT", false) => SqlType::TinyInt,
            ("TINYINT", true) => SqlType::UnsignedTinyInt,
            ("SMALLINT" | "INT2", false) => SqlType::SmallInt,
            ("SMALLINT", true) => SqlType::UnsignedSmallInt,
            // SQLite's integers are 8 bytes, its rowid keys too: an `i32` would refuse some.
            ("INTEGER" | "INT", false) if self == Dialect::Sqlite => SqlType::BigInt,
            ("INTEGER" | "INT" | "INT4" | "MEDIUMINT", false) => SqlType::Integer,
            ("INTEGER" | "INT" | "MEDIUMINT", true) => SqlType::UnsignedInteger,
            // No column type holds all of an unsigned BIGINT; a BIGINT reads what fits.
            ("BIGINT" | "INT8", _) => SqlType::BigInt,
            // SQLite's REAL holds 8 bytes.
            ("REAL", _) if self == Dialect::Sqlite => SqlType::Double,
            ("REAL" | "FLOAT" | "FLOAT4", _) => SqlType::Real,
            ("DOUBLE" | "DOUBLE PRECISION" | "FLOAT8", _) => SqlType::Double,
            (
                "VARCHAR" | "NVARCHAR" | "CHARACTER VARYING" | "VARYING CHARACTER"
                | "NATIONAL VARCHAR",
                _,
            ) if length.is_some() => length.map_or(SqlType::Text, SqlType::Varchar),
            (
                "TEXT" | "VARCHAR" | "NVARCHAR" | "CHAR" | "NCHAR" | "CHARACTER" | "CLOB"
                | "TINYTEXT" | "MEDIUMTEXT" | "LONGTEXT" | "CITEXT" | "NATIVE CHARACTER",
                _,
            ) => SqlType::Text,
            (
                "BLOB" | "BYTEA" | "TINYBLOB" | "MEDIUMBLOB" | "LONGBLOB" | "BINARY" | "VARBINARY",
                _,
            ) => SqlType::Blob,
            ("DATE", _) => SqlType::Date,
            ("TIME", _) => SqlType::Time,
            // MySQL's TIMESTAMP is an instant (kept in UTC), its DATETIME a wall-clock time.
            ("TIMESTAMP", _) if self == Dialect::MySql => SqlType::TimestampTz,
            ("TIMESTAMP" | "DATETIME", _) => SqlType::Timestamp,
            ("TIMESTAMPTZ", _) => SqlType::TimestampTz,
            ("UUID", _) => SqlType::Uuid,
            ("JSON" | "JSONB", _) => SqlType::Json,
            ("NUMERIC" | "DECIMAL", _) => SqlType::Decimal,
            _ => return None,
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_spellings_of_a_type_are_one() {
        let pg = |s| Dialect::Postgres.canonical_type(s);
        assert_eq!(pg("character varying(80)"), pg("VARCHAR(80)"));
        assert_eq!(pg("integer"), pg("INT"));
        assert_eq!(pg("timestamp without time zone"), "TIMESTAMP");
        assert_eq!(pg("timestamp(3) with time zone"), "TIMESTAMPTZ(3)");
        assert_eq!(pg("numeric(10,2)"), pg("DECIMAL(10, 2)"));
        assert_ne!(pg("numeric(10,2)"), pg("NUMERIC"));
        let my = |s| Dialect::MySql.canonical_type(s);
        assert_eq!(my("int(11)"), my("INT"));
        assert_eq!(my("int(10) unsigned"), my("INT UNSIGNED"));
        assert_eq!(my("tinyint(1)"), my("BOOLEAN"));
        assert_ne!(my("tinyint(4)"), my("BOOLEAN"));
        assert_eq!(my("decimal(65,30)"), my("DECIMAL(65, 30)"));
        assert_eq!(my("numeric"), my("decimal(10,0)"));
        assert_ne!(my("varchar(255)"), my("LONGTEXT"));
    }

    #[test]
    fn servers_spellings_of_a_default_are_one() {
        let pg = |s| Dialect::Postgres.canonical_default(s);
        assert_eq!(pg("'draft'::text"), pg("'draft'"));
        assert_eq!(pg("'a b'::character varying"), "'a b'");
        assert_eq!(pg("now()"), pg("CURRENT_TIMESTAMP"));
        assert_eq!(pg("0"), pg("0.0"));
        assert_eq!(pg("(-1)"), pg("-1"));
        assert_ne!(pg("'Draft'"), pg("'draft'"));
        let my = |s| Dialect::MySql.canonical_default(s);
        assert_eq!(my("current_timestamp()"), my("CURRENT_TIMESTAMP"));
        assert_eq!(my("current_timestamp(6)"), my("CURRENT_TIMESTAMP"));
        assert_ne!(my("current_timestamp_x"), my("CURRENT_TIMESTAMP"));
        assert_eq!(my("1"), my("TRUE"));
        assert_eq!(my("'5'"), my("5"));
    }

    #[test]
    fn native_types_read_as_the_column_types_that_name_them() {
        let types = [
            SqlType::Boolean,
            SqlType::SmallInt,
            SqlType::BigInt,
            SqlType::Varchar(20),
            SqlType::Blob,
            SqlType::Date,
            SqlType::Uuid,
            SqlType::Json,
            SqlType::Double,
        ];
        for d in Dialect::ALL {
            // SQLite has no UUID type: its `CHAR(32)` reads as text.
            for t in types
                .iter()
                .filter(|t| d != Dialect::Sqlite || **t != SqlType::Uuid)
            {
                let named = d.type_name(t, false);
                let back = d
                    .sql_type_of(&named)
                    .unwrap_or_else(|| panic!("{d}: {named}"));
                assert_eq!(d.type_name(&back, false), named, "{d}: {t:?}");
            }
        }
        assert_eq!(
            Dialect::Sqlite.sql_type_of("NVARCHAR(160)"),
            Some(SqlType::Varchar(160))
        );
        assert_eq!(
            Dialect::Sqlite.sql_type_of("INTEGER"),
            Some(SqlType::BigInt)
        );
        assert_eq!(
            Dialect::Postgres.sql_type_of("integer"),
            Some(SqlType::Integer)
        );
        assert_eq!(
            Dialect::MySql.sql_type_of("timestamp"),
            Some(SqlType::TimestampTz)
        );
        assert_eq!(Dialect::Postgres.sql_type_of("inet"), None);
        assert_eq!(Dialect::Sqlite.sql_type_of("CHAR(32)"), Some(SqlType::Text));
    }
}
