//! Queries through a session: rows come back as the session's objects.

use std::any::Any;

use super::entry::Reader;
use super::{Obj, Session};
use crate::query::Ordering;
use crate::{Error, Expr, Model, Result, Select};

/// A query over model `M` through a [`Session`] (from [`Session::query`]). It flushes
/// pending changes first (unless autoflush is off), and each row it returns is the
/// session's object for that row: the one it already holds, with the application's
/// unflushed changes kept, or a new persistent one.
#[must_use = "a query does nothing until `all`, `first` or `one` runs it"]
pub struct SessionQuery<'s, M: Model> {
    session: &'s mut Session,
    select: Select<M>,
}

impl<'s, M: Model> SessionQuery<'s, M> {
    pub(super) fn new(session: &'s mut Session) -> Self {
        SessionQuery {
            session,
            select: M::query(),
        }
    }

    /// Keeps the rows that satisfy `condition` (see [`Select::filter`]).
    pub fn filter(mut self, condition: Expr<M>) -> Self {
        self.select = self.select.filter(condition);
        self
    }

    /// Orders the rows (see [`Select::order_by`]).
    pub fn order_by(mut self, ordering: impl Into<Ordering<M>>) -> Self {
        self.select = self.select.order_by(ordering);
        self
    }

    /// Returns at most `n` rows.
    pub fn limit(mut self, n: u64) -> Self {
        self.select = self.select.limit(n);
        self
    }

    /// Skips the first `n` rows.
    pub fn offset(mut self, n: u64) -> Self {
        self.select = self.select.offset(n);
        self
    }

    /// Every matching row, as the session's objects.
    pub async fn all(self) -> Result<Vec<Obj<M>>> {
        let SessionQuery { session, select } = self;
        // Rows without a key have no identity to keep them apart in the map.
        crate::model::keyed::<M>("be tracked by a session (read it with `Model::query`)")?;
        let models = run(session, select).await?;
        let handles = models
            .into_iter()
            .map(|model| {
                let values = model.values();
                session.track_loaded::<M>(Box::new(model) as Box<dyn Any + Send + Sync>, values)
            })
            .collect::<Vec<_>>();
        // An object marked deleted (not yet flushed, with autoflush off) is not returned.
        Ok(handles
            .into_iter()
            .filter(|h| session.state(*h) != super::ObjectState::Deleted)
            .collect())
    }

    /// The first matching row, if any.
    pub async fn first(self) -> Result<Option<Obj<M>>> {
        let limited = SessionQuery {
            select: self.select.limit(1),
            session: self.session,
        };
        Ok(limited.all().await?.into_iter().next())
    }

    /// Exactly one matching row: [`Error::NotFound`] when there is none,
    /// [`Error::MultipleRows`] when there are several.
    pub async fn one(self) -> Result<Obj<M>> {
        let limited = SessionQuery {
            select: self.select.limit(2),
            session: self.session,
        };
        let mut found = limited.all().await?;
        match found.len() {
            0 => Err(Error::not_found::<M>()),
            1 => Ok(found.remove(0)),
            _ => Err(Error::MultipleRows {
                table: Some(M::TABLE),
            }),
        }
    }
}

/// Flushes first where autoflush is on, then runs `select` where the session reads.
async fn run<M: Model>(session: &mut Session, select: Select<M>) -> Result<Vec<M>> {
    if session.autoflush {
        session.flush().await?;
    }
    match session.reader() {
        Reader::Database(db) => select.all(db).await,
        Reader::Transaction(tx) => select.all(tx).await,
    }
}
