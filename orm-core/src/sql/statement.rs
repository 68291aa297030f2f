//! Rendered SQL: the text and its bound values, produced together.

use crate::{Dialect, Value};

/// SQL text with its parameters, ready to run: what rendering produces.
///
/// `Display` shows the SQL only; values are never spliced into it.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The SQL, with the dialect's placeholders.
    pub sql: String,
    /// The values of the placeholders, in order.
    pub values: Vec<Value>,
}

impl std::fmt::Display for Statement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.sql)
    }
}

/// Builds a [`Statement`]: identifiers are quoted by the dialect, and a placeholder and
/// its value are recorded in one call so they cannot drift apart.
pub(crate) struct SqlWriter {
    pub(crate) dialect: Dialect,
    sql: String,
    values: Vec<Value>,
}

impl SqlWriter {
    pub(crate) fn new(dialect: Dialect) -> Self {
        SqlWriter {
            dialect,
            sql: String::with_capacity(128),
            values: Vec::new(),
        }
    }

    /// Appends SQL text that the ORM itself wrote (keywords, operators).
    pub(crate) fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Appends a quoted identifier.
    pub(crate) fn ident(&mut self, name: &str) -> &mut Self {
        self.dialect.quote_identifier(name, &mut self.sql);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub(crate) fn value(&mut self, value: Value) -> &mut Self {
        self.values.push(value);
        self.dialect.placeholder(self.values.len(), &mut self.sql);
        self
    }

    /// Appends an integer written into the SQL, not bound: for the few numbers a backend
    /// plans by (a `u64` cannot carry anything but digits).
    pub(crate) fn integer(&mut self, n: u64) -> &mut Self {
        use std::fmt::Write as _;
        // Writing to a String cannot fail.
        let _ = write!(self.sql, "{n}");
        self
    }

    /// How many values are bound so far.
    pub(crate) fn bound(&self) -> usize {
        self.values.len()
    }

    /// Appends `items` separated by `", "`, each written by `f`.
    pub(crate) fn comma_list<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        mut f: impl FnMut(&mut Self, T),
    ) -> &mut Self {
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                self.sql.push_str(", ");
            }
            f(self, item);
        }
        self
    }

    pub(crate) fn finish(self) -> Statement {
        Statement {
            sql: self.sql,
            values: self.values,
        }
    }
}
