//! A model's columns as the catalog will read them back: the type `create_table` writes
//! for a column, in the dialect's canonical spelling (`Dialect::canonical_type`), and
//! whether a change of type can lose values.

use orm_schema::{ColumnDef, SqlType, TableDef};

use crate::Dialect;

/// The type `create_table` writes for `column` of `table`, in canonical spelling.
pub(crate) fn column_type(dialect: Dialect, table: &TableDef, column: &ColumnDef) -> String {
    let written = if column.auto_increment && column.primary_key && table.primary_key.len() == 1 {
        dialect.auto_increment_type(&column.sql_type)
    } else {
        dialect.column_type(column, is_indexed(table, &column.name))
    };
    dialect.canonical_type(&written)
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

/// `column` as it is written into `table` on `dialect`: with the type `create_table`
/// gives it there (an indexed text column without a length gets MySQL's, see
/// `dialect::mysql`), so that adding or altering it is what creating the table would have
/// made.
pub(crate) fn as_written(dialect: Dialect, table: &TableDef, column: &ColumnDef) -> ColumnDef {
    let mut c = column.clone();
    let indexed = is_indexed(table, &c.name);
    if indexed && dialect.column_type(&c, true) != dialect.column_type(&c, false) {
        c.sql_type = SqlType::Custom(dialect.column_type(&c, true).into_owned());
    }
    c
}

/// Whether changing a column from type `from` to `to` (canonical names) can lose or refuse
/// values: anything but a widening within one family (a longer text, a wider integer or
/// float).
pub(crate) fn narrows(dialect: Dialect, from: &str, to: &str) -> bool {
    match (dialect.type_capacity(from), dialect.type_capacity(to)) {
        (Some((a, x)), Some((b, y))) => a != b || y < x,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
