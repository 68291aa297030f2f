//! The SQL of a model's own statements (`get`, `insert`, `update` by key), rendered once
//! per dialect: their text depends only on the model and the dialect, and rendering it on
//! every `get` was a tenth of the ORM's cost there (measured on SQLite).

use std::sync::OnceLock;

use crate::{Dialect, Result, Statement, Value};

/// Which of a model's statements.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cached {
    /// `SELECT … WHERE key = ?`.
    Get = 0,
    /// `INSERT` of one row, without a generated key.
    Insert = 1,
    /// `UPDATE … SET every other column WHERE key = ?`.
    Update = 2,
}

const KINDS: usize = 3;

/// A model's rendered statement texts, one per statement kind and dialect. The derive
/// gives each model one (in its `static` `ModelState`).
#[doc(hidden)]
pub struct StatementCache {
    texts: [OnceLock<Box<str>>; KINDS * Dialect::ALL.len()],
}

impl StatementCache {
    /// An empty cache.
    #[allow(clippy::new_without_default)] // a `const` for each model's `static`
    pub const fn new() -> Self {
        StatementCache {
            texts: [const { OnceLock::new() }; KINDS * Dialect::ALL.len()],
        }
    }

    /// The statement of `kind` on `dialect` with `values`: its text from the cache, or
    /// from `render` the first time. `values` must be what `render` binds, in order. A
    /// NULL compared in a `get` would change the text (`IS NULL`): such a statement is
    /// rendered and not cached (keys are never NULL; NULLs written are bound).
    pub(crate) fn statement(
        &self,
        kind: Cached,
        dialect: Dialect,
        values: Vec<Value>,
        render: impl FnOnce(Vec<Value>) -> Result<Statement>,
    ) -> Result<Statement> {
        let slot = &self.texts[kind as usize * Dialect::ALL.len() + dialect.index()];
        if let Some(sql) = slot.get() {
            return Ok(Statement {
                sql: sql.to_string(),
                values,
            });
        }
        let cacheable = !matches!(kind, Cached::Get) || !values.iter().any(Value::is_null);
        let expected = cfg!(debug_assertions).then(|| values.clone());
        let statement = render(values)?;
        if cacheable {
            if let Some(expected) = expected {
                debug_assert_eq!(statement.values, expected, "{kind:?} binds its values");
            }
            let _ = slot.set(statement.sql.clone().into_boxed_str());
        }
        Ok(statement)
    }
}

/// `render`'s statement for model `M`, through the model's cache.
pub(crate) fn cached<M: crate::Model>(
    kind: Cached,
    dialect: Dialect,
    values: Vec<Value>,
    render: impl FnOnce(Vec<Value>) -> Result<Statement>,
) -> Result<Statement> {
    M::state()
        .statements()
        .statement(kind, dialect, values, render)
}
