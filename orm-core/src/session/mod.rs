//! The unit of work: a [`Session`] tracks the objects it loads and is given, and works
//! out the statements that make the database match them.

mod entry;
mod flush;
mod query;

use std::any::TypeId;
use std::collections::HashMap;
use std::marker::PhantomData;

use entry::{Entry, Ops, Reader, State};
pub use query::SessionQuery;

use crate::{Database, Error, Model, Result, Transaction};

/// A unit of work, as SQLAlchemy's `Session` is: [`add`](Session::add) new objects,
/// load others through [`get`](Session::get) and [`query`](Session::query), change them
/// as plain Rust values, [`delete`](Session::delete) some, and
/// [`commit`](Session::commit): the session writes what changed, in foreign-key order,
/// in one transaction.
///
/// ```
/// use orm_core::prelude::*;
///
/// #[derive(Model, Debug, Clone, PartialEq)]
/// #[orm(table = "users")]
/// struct User {
///     #[orm(primary_key)]
///     id: i64,
///     #[orm(unique)]
///     name: String,
///     email: String,
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> orm_core::Result<()> {
/// let db = Database::connect("sqlite::memory:").await?;
/// db.create_tables(&[User::table_def()]).await?;
///
/// let mut session = db.session();
/// let ann = session.add(User { id: 0, name: "ann".into(), email: "ann@example.com".into() });
/// session.commit().await?;                     // INSERT; the key is written back
/// assert_eq!(session[ann].id, 1);
///
/// let found = session.query::<User>().filter(User::name.eq("ann")).one().await?;
/// assert_eq!(found, ann);                      // one row, one object
/// session[ann].email = "ann@example.org".into();
/// session.commit().await?;                     // UPDATE "users" SET "email" = ? WHERE …
///
/// session.delete(ann);
/// session.commit().await?;                     // DELETE
/// assert_eq!(User::query().count(&db).await?, 0);
/// # Ok(())
/// # }
/// ```
///
/// # Objects and handles
///
/// The session owns the objects it tracks and hands out [`Obj<M>`] handles: small `Copy`
/// values that name an object, read and changed as `session[handle]`. This keeps Rust's
/// rules and SQLAlchemy's convenience both: the session can compare every object with its
/// row at flush time (it owns them), the application changes plain fields (no setters,
/// no `Arc<Mutex<_>>`), and a handle cannot outlive its meaning silently: using the handle
/// of an object that left the session panics with a message, as indexing out of bounds
/// does ([`Session::object`] asks without panicking). The alternatives were weaker:
/// models lent as `&mut` to the session would lock the application out of them until
/// the session ends; `Arc`-shared models would need interior mutability on every field.
///
/// # States
///
/// An object is *transient* before [`add`](Session::add), *pending* after it,
/// *persistent* once written or loaded, *deleted* after [`delete`](Session::delete) until
/// the flush that deletes its row, and *detached* when it leaves the session
/// ([`expunge`](Session::expunge), or its row's deletion). [`Session::state`] tells.
///
/// # Transactions
///
/// A session from [`Database::session`] reads through the pool until its first flush,
/// which begins a transaction that lasts until [`commit`](Session::commit) or
/// [`rollback`](Session::rollback) (as SQLAlchemy's does); dropping the session rolls it
/// back. Each flush runs in a savepoint: a flush that fails writes nothing and leaves the
/// session's objects as they were, so the application can fix them and commit again. A
/// session from [`Transaction::session`] flushes into that transaction (each flush in a
/// savepoint), and its `commit` flushes: the transaction is the application's to commit.
pub struct Session {
    /// Tells this session's handles from another's.
    id: u64,
    source: Source,
    slots: Vec<Option<Entry>>,
    identity: HashMap<Identity, usize>,
    /// Children whose foreign key names a parent that has no key yet.
    links: Vec<Link>,
    /// What the flushes of the open transaction did, to undo on rollback.
    journal: Journal,
    /// A flush was cut off half-way: only `rollback` is taken until the session is in
    /// step with the database again.
    interrupted: bool,
    /// A commit was cut off while the database worked on it: its outcome is unknown.
    commit_cut: bool,
    autoflush: bool,
}

/// What the flushes of a session's open transaction changed in the session: rows they
/// inserted (with the objects' keys before), and objects whose rows they deleted.
#[derive(Default)]
struct Journal {
    inserted: Vec<(usize, crate::Value)>,
    deleted: Vec<(usize, Entry)>,
}

/// Numbers sessions, so that a handle is only ever read in its own.
static SESSIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn next_session_id() -> u64 {
    SESSIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// `child`'s column `column` names `parent`'s key, once the flush has inserted `parent`.
#[derive(Debug, Clone, Copy)]
struct Link {
    child: usize,
    column: &'static str,
    parent: usize,
}

enum Source {
    Database {
        db: Database,
        /// Open from the first flush to commit or rollback.
        tx: Option<Transaction>,
    },
    /// The application's transaction, by a handle that never ends it (see
    /// `Transaction::handle`).
    Transaction(Transaction),
}

/// A row's identity within a session: its model and its key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Identity {
    model: TypeId,
    key: String,
}

impl Identity {
    fn of(model: TypeId, key: &[crate::Value]) -> Identity {
        Identity {
            model,
            key: format!("{key:?}"),
        }
    }
}

/// A handle to an object of model `M` in a [`Session`]: `session[handle]` is the object.
pub struct Obj<M> {
    session: u64,
    slot: usize,
    _model: PhantomData<fn() -> M>,
}

impl<M> Obj<M> {
    fn new(session: u64, slot: usize) -> Self {
        Obj {
            session,
            slot,
            _model: PhantomData,
        }
    }
}

impl<M> Clone for Obj<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M> Copy for Obj<M> {}

impl<M> PartialEq for Obj<M> {
    fn eq(&self, other: &Self) -> bool {
        self.session == other.session && self.slot == other.slot
    }
}

impl<M> Eq for Obj<M> {}

impl<M> std::hash::Hash for Obj<M> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.session, self.slot).hash(state);
    }
}

impl<M> std::fmt::Debug for Obj<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Obj#{}", self.slot)
    }
}

/// Where an object is in its life (see [`Session`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ObjectState {
    /// Added, not yet written.
    Pending,
    /// Its row exists, as last loaded or written.
    Persistent,
    /// Its row is deleted at the next flush.
    Deleted,
    /// No longer in the session.
    Detached,
}

impl Database {
    /// A [`Session`] on this database: reads through the pool, writes in a transaction
    /// from its first flush to its commit. With read replicas, its reads go to a replica
    /// until it first flushes, then to the primary for the rest of its life.
    pub fn session(&self) -> Session {
        Session::new(Source::Database {
            db: self.clone(),
            tx: None,
        })
    }
}

impl Database {
    /// Runs `work` on a fresh session and commits it; when the commit (or `work`) meets
    /// a concurrent change ([`Error::StaleData`], from a version column) or a transient
    /// failure ([`Error::is_transient`]), runs it again on a new session, up to
    /// `retries` more times, after a short pause that grows. Each attempt reads the rows
    /// afresh, so a read-modify-write loses no one's update.
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model, Debug)] struct Counter { #[orm(primary_key)] id: i64, hits: i64, #[orm(version)] version: i64 }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # db.create_tables(&[Counter::table_def()]).await?;
    /// # Counter { id: 0, hits: 0, version: 0 }.insert(&db).await?;
    /// let hits = db
    ///     .unit_of_work(5, async |session| {
    ///         let c = session.get::<Counter>(1).await?.ok_or_else(Error::not_found::<Counter>)?;
    ///         session[c].hits += 1;
    ///         Ok(session[c].hits)
    ///     })
    ///     .await?;
    /// assert_eq!(hits, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn unit_of_work<T, F>(&self, retries: u32, mut work: F) -> Result<T>
    where
        F: AsyncFnMut(&mut Session) -> Result<T>,
    {
        let mut attempt = 0;
        loop {
            // Read-modify-write: its reads are the primary's, or a retry after a
            // conflict would read the same stale row from a replica again.
            let mut session = self.primary().session();
            let result = match work(&mut session).await {
                Ok(value) => session.commit().await.map(|()| value),
                Err(e) => Err(e),
            };
            match result {
                Err(e)
                    if attempt < retries
                        && (matches!(e, Error::StaleData { .. }) || e.is_transient()) =>
                {
                    attempt += 1;
                    tracing::debug!(attempt, error = %e, "conflict, running the unit of work again");
                    let pause = std::time::Duration::from_millis(u64::from(attempt.min(10)) * 2);
                    tokio::time::sleep(pause).await;
                }
                result => return result,
            }
        }
    }
}

impl Transaction {
    /// A [`Session`] inside this transaction: it reads and flushes here, and committing
    /// the transaction stays the application's. The session holds the transaction's
    /// connection until it is dropped: drop it before committing.
    pub fn session(&self) -> Session {
        Session::new(Source::Transaction(self.handle()))
    }
}

impl Session {
    fn new(source: Source) -> Session {
        Session {
            id: next_session_id(),
            source,
            slots: Vec::new(),
            identity: HashMap::new(),
            links: Vec::new(),
            journal: Journal::default(),
            interrupted: false,
            commit_cut: false,
            autoflush: true,
        }
    }

    /// The entry `handle` names, if it is this session's and still here.
    fn entry<M>(&self, handle: Obj<M>) -> Option<&Entry> {
        if handle.session != self.id {
            return None;
        }
        self.slots.get(handle.slot)?.as_ref()
    }

    fn entry_mut<M>(&mut self, handle: Obj<M>) -> Option<&mut Entry> {
        if handle.session != self.id {
            return None;
        }
        self.slots.get_mut(handle.slot)?.as_mut()
    }

    /// Whether queries through the session flush pending changes first, so that they see
    /// them (on by default, as in SQLAlchemy).
    pub fn set_autoflush(&mut self, on: bool) {
        self.autoflush = on;
    }

    /// Adds a new object: pending until the next flush inserts it (and writes its
    /// generated key back).
    pub fn add<M: Model>(&mut self, model: M) -> Obj<M> {
        self.insert_entry(Entry {
            object: Box::new(model),
            ops: Ops::of::<M>(),
            state: State::Pending,
            loaded: None,
            expired: false,
        })
    }

    fn insert_entry<M: Model>(&mut self, entry: Entry) -> Obj<M> {
        let slot = self.slots.len();
        if let Some(loaded) = &entry.loaded {
            let identity = Identity::of(TypeId::of::<M>(), &entry.ops.key_of(loaded));
            self.identity.insert(identity, slot);
        }
        self.slots.push(Some(entry));
        Obj::new(self.id, slot)
    }

    /// The object `handle` names, if it is still in the session.
    pub fn object<M: Model>(&self, handle: Obj<M>) -> Option<&M> {
        self.entry(handle)?.object.downcast_ref::<M>()
    }

    /// The object `handle` names, to change, if it is still in the session.
    pub fn object_mut<M: Model>(&mut self, handle: Obj<M>) -> Option<&mut M> {
        self.entry_mut(handle)?.object.downcast_mut::<M>()
    }

    /// Where the object `handle` names is in its life.
    pub fn state<M: Model>(&self, handle: Obj<M>) -> ObjectState {
        match self.entry(handle) {
            None => ObjectState::Detached,
            Some(entry) => match entry.state {
                State::Pending => ObjectState::Pending,
                State::Persistent => ObjectState::Persistent,
                State::Deleted => ObjectState::Deleted,
            },
        }
    }

    /// Whether the object differs from its row as last loaded or written (a pending
    /// object always does).
    pub fn is_modified<M: Model>(&self, handle: Obj<M>) -> bool {
        match self.entry(handle) {
            None => false,
            Some(entry) => entry.loaded.as_ref() != Some(&entry.values()),
        }
    }

    /// Makes `child`'s foreign key `column` name `parent`'s primary key: now, when the
    /// parent has its key, or, while the parent is pending with a key the database
    /// generates, in the flush that inserts it (parents are inserted first, and the
    /// child is written with the key). The parent's key must be one integer column.
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # #[derive(Model, Debug)] struct Author { #[orm(primary_key)] id: i64, name: String }
    /// # #[derive(Model, Debug)] struct Book { #[orm(primary_key)] id: i64, #[orm(references(Author))] author_id: i64, title: String }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # db.create_tables(&[Author::table_def(), Book::table_def()]).await?;
    /// let mut session = db.session();
    /// let book = session.add(Book { id: 0, author_id: 0, title: "Dune".into() });
    /// let author = session.add(Author { id: 0, name: "Herbert".into() });
    /// session.set_parent(book, Book::author_id, author)?;
    /// session.commit().await?;
    /// assert_eq!(session[book].author_id, session[author].id);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_parent<C: Model, P: Model, T>(
        &mut self,
        child: Obj<C>,
        column: crate::Column<C, T>,
        parent: Obj<P>,
    ) -> Result<()> {
        let gone = |what: &str| Error::InvalidQuery(format!("the {what} is not in the session"));
        // The parent's key is what the column takes: a column referencing another one of
        // the parent's would be given the wrong value.
        crate::query::references::<C, P>(column.name())?;
        let key_at = match P::PRIMARY_KEY {
            [key] => P::COLUMNS.iter().position(|c| c == key),
            _ => None,
        }
        .ok_or_else(|| {
            Error::InvalidQuery(format!(
                "`{}` has no single-column key to refer to",
                P::NAME
            ))
        })?;
        let parent_entry = self
            .slots
            .get(parent.slot)
            .and_then(Option::as_ref)
            .ok_or_else(|| gone("parent"))?;
        if self
            .slots
            .get(child.slot)
            .and_then(Option::as_ref)
            .is_none()
        {
            return Err(gone("child"));
        }
        self.links
            .retain(|l| !(l.child == child.slot && l.column == column.name()));
        if parent_entry.state == State::Pending && P::AUTO_INCREMENT.is_some() {
            self.links.push(Link {
                child: child.slot,
                column: column.name(),
                parent: parent.slot,
            });
            return Ok(());
        }
        let key = crate::query::model_write::value_as_i64(&parent_entry.values()[key_at]);
        self.object_mut(child)
            .ok_or_else(|| gone("child"))?
            .set_reference(column.name(), key)
    }

    /// Marks the object for deletion at the next flush. A pending object simply leaves
    /// the session (it has no row).
    ///
    /// What the database does to other rows then shows in the session's objects: those
    /// whose foreign key says `on_delete = "cascade"` leave the session with their rows
    /// (and theirs after them), those that say `"set null"` have it cleared. A rollback
    /// brings them back as the database has them.
    pub fn delete<M: Model>(&mut self, handle: Obj<M>) {
        let Some(entry) = self.entry_mut(handle) else {
            return;
        };
        match entry.state {
            State::Pending => {
                self.slots[handle.slot] = None;
            }
            State::Persistent | State::Deleted => entry.state = State::Deleted,
        }
    }

    /// Takes the object out of the session (detached): the session forgets it and its
    /// changes, and hands the value back.
    pub fn expunge<M: Model>(&mut self, handle: Obj<M>) -> Option<M> {
        self.entry(handle)?;
        let entry = self.slots[handle.slot].take()?;
        if let Some(loaded) = &entry.loaded {
            self.identity
                .remove(&Identity::of(entry.ops.type_id, &entry.ops.key_of(loaded)));
        }
        entry.object.downcast::<M>().ok().map(|b| *b)
    }

    /// The object with primary key `key`: from the session when it holds it (no query),
    /// else loaded. `None` when there is no such row, or its object is marked deleted.
    pub async fn get<M: Model>(&mut self, key: M::Key) -> Result<Option<Obj<M>>> {
        crate::model::keyed::<M>("be read by key")?;
        let values = M::key_into_values(key);
        let identity = Identity::of(TypeId::of::<M>(), &values);
        if !self.identity.contains_key(&identity) && self.autoflush {
            // Pending objects get their identity when written.
            self.flush().await?;
        }
        if let Some(&slot) = self.identity.get(&identity) {
            let handle = Obj::new(self.id, slot);
            return match self.slots[slot].as_ref().map(|e| (e.state, e.expired)) {
                Some((State::Persistent, false)) => Ok(Some(handle)),
                Some((State::Persistent, true)) => match self.refresh(handle).await {
                    Ok(()) => Ok(Some(handle)),
                    Err(Error::NotFound { .. }) => Ok(None),
                    Err(e) => Err(e),
                },
                _ => Ok(None),
            };
        }
        let found = (Ops::of::<M>().load)(values, self.reader()).await?;
        Ok(found.map(|(object, values)| self.track_loaded::<M>(object, values)))
    }

    /// The children of `parents` by their foreign key `column`, as the session's objects,
    /// grouped per parent in the order of `parents`: one query for all of them (see
    /// [`Column::children_of`](crate::Column::children_of)). Rows the session already
    /// holds come back as the same handles, with their unflushed changes. Flushes first
    /// where autoflush is on; parents without a key yet (pending) have no children.
    pub async fn children_of<P: Model, C: Model, T: crate::SqlValue>(
        &mut self,
        parents: &[Obj<P>],
        column: crate::Column<C, T>,
    ) -> Result<Vec<Vec<Obj<C>>>> {
        let children = column.relation::<P>()?.reverse();
        self.load(parents, children).await
    }

    /// The rows `relation` relates to each of `parents`, as the session's objects, grouped
    /// per parent in the order of `parents`: one query per thousand parents (see
    /// [`Relation::load`](crate::Relation::load)), many-to-many included. A row related to
    /// several parents is one object, whose handle is in each group; rows the session
    /// already holds come back as the same handles, with their unflushed changes.
    ///
    /// ```
    /// # use orm_core::prelude::*;
    /// # use orm_core::Relation;
    /// # #[derive(Model, Debug, Clone)] struct Author { #[orm(primary_key)] id: i64, name: String }
    /// # #[derive(Model, Debug, Clone)] struct Book { #[orm(primary_key)] id: i64, #[orm(references(Author))] author_id: i64, title: String }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> orm_core::Result<()> {
    /// # let db = Database::connect("sqlite::memory:").await?;
    /// # db.create_tables(&[Author::table_def(), Book::table_def()]).await?;
    /// let mut session = db.session();
    /// let author = session.add(Author { id: 0, name: "Herbert".into() });
    /// let book = session.add(Book { id: 0, author_id: 0, title: "Dune".into() });
    /// session.set_parent(book, Book::author_id, author)?;
    /// session.commit().await?;
    /// let books = session.load(&[author], Book::author().reverse()).await?;
    /// assert_eq!(books, [vec![book]]); // the same object
    /// let authors = session.load(&[book], Book::author()).await?;
    /// assert_eq!(authors, [vec![author]]);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn load<P: Model, C: Model>(
        &mut self,
        parents: &[Obj<P>],
        relation: crate::Relation<P, C>,
    ) -> Result<Vec<Vec<Obj<C>>>> {
        crate::model::keyed::<C>("be tracked by a session (read it with `Model::query`)")?;
        if self.autoflush {
            self.flush().await?;
        }
        let column = relation.single_pair()?.0;
        let at = P::COLUMNS
            .iter()
            .position(|c| *c == column)
            .ok_or_else(|| {
                Error::InvalidQuery(format!("`{}` has no column `{column}`", P::NAME))
            })?;
        let keys = parents
            .iter()
            .map(|h| match self.entry(*h) {
                Some(e) if e.state != State::Pending => e.values().swap_remove(at),
                _ => crate::Value::I64(None),
            })
            .collect();
        let found = match self.reader() {
            Reader::Database(db) => relation.related_by_keys(keys, db).await?,
            Reader::Transaction(tx) => relation.related_by_keys(keys, tx).await?,
        };
        let mut groups: Vec<Vec<Obj<C>>> = parents.iter().map(|_| Vec::new()).collect();
        for (slots, related) in found {
            let values = related.values();
            let handle = self.track_loaded::<C>(Box::new(related), values);
            // An object marked deleted (not flushed, autoflush off) is left out.
            if self.state(handle) == ObjectState::Deleted {
                continue;
            }
            for slot in slots {
                groups[slot].push(handle);
            }
        }
        Ok(groups)
    }

    /// A query over `M` through the session: its rows come back as the session's objects.
    pub fn query<M: Model>(&mut self) -> SessionQuery<'_, M> {
        SessionQuery::new(self)
    }

    /// The handle of a loaded `model`: the object the session already holds for its row
    /// (which keeps its unflushed changes), or the model, now persistent.
    pub(crate) fn track_loaded<M: Model>(
        &mut self,
        object: Box<dyn std::any::Any + Send + Sync>,
        values: Vec<crate::Value>,
    ) -> Obj<M> {
        let ops = Ops::of::<M>();
        let identity = Identity::of(TypeId::of::<M>(), &ops.key_of(&values));
        if let Some(&slot) = self.identity.get(&identity)
            && let Some(entry) = self.slots[slot].as_mut()
        {
            // An expired object takes the row as just read; another keeps its changes.
            if entry.expired {
                entry.object = object;
                entry.loaded = Some(values);
                entry.expired = false;
            }
            return Obj::new(self.id, slot);
        }
        self.insert_entry(Entry {
            object,
            ops,
            state: State::Persistent,
            loaded: Some(values),
            expired: false,
        })
    }

    /// Where the session reads: its transaction once one is open, else the pool.
    fn reader(&self) -> Reader<'_> {
        match &self.source {
            Source::Database { tx: Some(tx), .. } => Reader::Transaction(tx),
            Source::Database { db, tx: None } => Reader::Database(db),
            Source::Transaction(tx) => Reader::Transaction(tx),
        }
    }

    /// Marks the object to be read again at its next access through the session (`get`,
    /// or a query that returns its row), discarding its unflushed changes then. Reading a
    /// field never runs a query, so until then the object keeps its values.
    pub fn expire<M: Model>(&mut self, handle: Obj<M>) {
        if let Some(entry) = self.entry_mut(handle)
            && entry.state == State::Persistent
        {
            entry.expired = true;
        }
    }

    /// [`expire`](Session::expire) for every persistent object.
    pub fn expire_all(&mut self) {
        for entry in self.slots.iter_mut().flatten() {
            if entry.state == State::Persistent {
                entry.expired = true;
            }
        }
    }

    /// Loads the object's row again, discarding its unflushed changes. Fails with
    /// [`Error::NotFound`] (and the object leaves the session) when the row is gone.
    pub async fn refresh<M: Model>(&mut self, handle: Obj<M>) -> Result<()> {
        let Some(entry) = self.entry(handle) else {
            return Err(Error::not_found::<M>());
        };
        let Some(loaded) = &entry.loaded else {
            return Ok(()); // pending: nothing to load
        };
        let found = (entry.ops.load)(entry.ops.key_of(loaded), self.reader()).await?;
        match found {
            Some((object, values)) => {
                let entry = self.slots[handle.slot]
                    .as_mut()
                    .expect("checked above, and nothing ran in between");
                entry.loaded = Some(values);
                entry.object = object;
                entry.state = State::Persistent;
                entry.expired = false;
                Ok(())
            }
            None => {
                self.expunge(handle);
                Err(Error::not_found::<M>())
            }
        }
    }

    /// Makes a detached value the session's: the object with its key takes its values
    /// (loaded first if the session does not hold it), so the next flush writes the
    /// differences; a value whose row does not exist is added, pending.
    pub async fn merge<M: Model>(&mut self, value: M) -> Result<Obj<M>> {
        let key = Ops::of::<M>().key_of(&value.values());
        let identity = Identity::of(TypeId::of::<M>(), &key);
        let slot = match self.identity.get(&identity) {
            Some(&slot) if self.slots[slot].is_some() => Some(slot),
            _ => {
                let found = (Ops::of::<M>().load)(key, self.reader()).await?;
                found.map(|(object, values)| self.track_loaded::<M>(object, values).slot)
            }
        };
        match slot {
            Some(slot) => {
                let entry = self.slots[slot].as_mut().expect("just found");
                // A value read before the row's latest version would overwrite it.
                if let (Some(at), Some(loaded)) = (M::VERSION, &entry.loaded)
                    && value.values()[at] != loaded[at]
                {
                    return Err(Error::StaleData {
                        table: M::TABLE.to_owned(),
                        key: Some(format!("{} {:?}", M::NAME, value.key_values())),
                        expected: 1,
                        matched: 0,
                    });
                }
                entry.object = Box::new(value);
                if entry.state == State::Deleted {
                    entry.state = State::Persistent;
                }
                Ok(Obj::new(self.id, slot))
            }
            None => Ok(self.add(value)),
        }
    }

    /// Writes every change (inserts, updates, deletes) to the database, without
    /// committing: in the session's transaction (begun here if need be), in a savepoint.
    /// On failure nothing of it is written and the objects are as they were.
    pub async fn flush(&mut self) -> Result<()> {
        if self.interrupted {
            return Err(Error::Transaction(crate::TransactionState::Interrupted));
        }
        if !self.has_changes() {
            return Ok(());
        }
        // One flush is one transaction, on one database: an object of a model bound to
        // another is refused before anything is written.
        for entry in self.slots.iter().flatten() {
            match &self.source {
                Source::Database { db, .. } => {
                    crate::db::check_database(db, entry.ops.name, entry.ops.database)?
                }
                Source::Transaction(tx) => {
                    crate::db::check_database(tx, entry.ops.name, entry.ops.database)?
                }
            }
        }
        if let Source::Database { db, tx } = &mut self.source
            && tx.is_none()
        {
            *tx = Some(db.begin().await?);
            // A session that wrote reads its writes: from the primary from now on, not
            // from a replica that may not have replayed them yet.
            *db = db.primary();
        }
        let Session {
            source,
            slots,
            identity,
            links,
            journal,
            interrupted,
            ..
        } = self;
        let tx: &Transaction = match source {
            Source::Database { tx: Some(tx), .. } => tx,
            Source::Transaction(tx) => tx,
            Source::Database { tx: None, .. } => unreachable!("begun above"),
        };
        // Cleared when the flush ends either way; left set if it is cut off half-way.
        *interrupted = true;
        let result = flush::flush(slots, identity, links, journal, tx).await;
        *interrupted = false;
        result
    }

    /// Flushes, then commits the session's transaction (for a session inside a
    /// [`Transaction`]: flushes only). A failed flush leaves the database and the
    /// session as they were before the commit.
    pub async fn commit(&mut self) -> Result<()> {
        self.flush().await?;
        if let Source::Database { tx, .. } = &mut self.source
            && let Some(open) = tx.take()
        {
            // Cleared when the commit answers; left set if it is cut off.
            self.commit_cut = true;
            let committed = open.commit().await;
            self.commit_cut = false;
            if let Err(e) = committed {
                // The transaction is gone: what its flushes recorded is not so.
                self.undo_journal();
                let _ = self.reload().await;
                return Err(e);
            }
        }
        self.journal = Journal::default();
        Ok(())
    }

    /// Undoes every change since the last commit: the session's transaction is rolled
    /// back, objects added since leave the session, deletions are forgotten, and every
    /// loaded object is read again from the database (one that lost its row leaves the
    /// session). After a `commit` that was cancelled while the database worked on it,
    /// the session is reset all the same and this reports
    /// [`TransactionState::Abandoned`](crate::TransactionState::Abandoned): that commit's
    /// outcome is unknown, and it may land after the objects were read. A session inside a [`Transaction`] cannot undo what it flushed there:
    /// it forgets its unflushed changes and reads its objects again.
    pub async fn rollback(&mut self) -> Result<()> {
        let mut outcome = Ok(());
        if let Source::Database { tx, .. } = &mut self.source
            && let Some(open) = tx.take()
        {
            // Whatever its answer, the transaction is over: the session is reset anyway.
            // A transaction whose commit was cut off reports `TransactionState::Abandoned`:
            // that commit may still land after the objects are read again.
            outcome = open.rollback().await;
        }
        if std::mem::take(&mut self.commit_cut) {
            outcome = outcome.and(Err(Error::Transaction(crate::TransactionState::Abandoned)));
        }
        self.undo_journal();
        self.interrupted = false;
        for slot in 0..self.slots.len() {
            let Some(entry) = self.slots[slot].as_mut() else {
                continue;
            };
            match entry.state {
                State::Pending => {
                    self.slots[slot] = None;
                    self.links.retain(|l| l.child != slot && l.parent != slot);
                }
                State::Deleted | State::Persistent => entry.state = State::Persistent,
            }
        }
        self.links.clear();
        let reloaded = self.reload().await;
        outcome.and(reloaded)
    }

    /// Undoes in the session what the flushes of a transaction that did not commit
    /// recorded: rows they inserted have no row again (pending, keys as before), objects
    /// whose rows they deleted are back.
    fn undo_journal(&mut self) {
        let journal = std::mem::take(&mut self.journal);
        for (slot, key) in journal.inserted {
            if let Some(entry) = self.slots[slot].as_mut() {
                if let Some(loaded) = entry.loaded.take() {
                    self.identity
                        .remove(&Identity::of(entry.ops.type_id, &entry.ops.key_of(&loaded)));
                }
                entry.state = State::Pending;
                if let Some(key) = crate::query::model_write::value_as_i64(&key) {
                    let _ = (entry.ops.set_key)(&mut *entry.object, key);
                }
            }
        }
        for (slot, mut entry) in journal.deleted {
            entry.state = State::Persistent;
            self.slots[slot] = Some(entry);
        }
    }

    /// Reads every persistent object's row again.
    async fn reload(&mut self) -> Result<()> {
        let Session {
            source,
            slots,
            identity,
            ..
        } = self;
        let reader = match source {
            Source::Database { db, .. } => Reader::Database(db),
            Source::Transaction(tx) => Reader::Transaction(tx),
        };
        flush::reload_all(slots, identity, reader).await
    }

    fn has_changes(&self) -> bool {
        self.slots.iter().flatten().any(|e| match e.state {
            State::Pending | State::Deleted => true,
            // An expired object's changes are discarded when it is read again.
            State::Persistent => !e.expired && e.loaded.as_ref() != Some(&e.values()),
        })
    }
}

impl<M: Model> std::ops::Index<Obj<M>> for Session {
    type Output = M;

    fn index(&self, handle: Obj<M>) -> &M {
        self.object(handle).unwrap_or_else(|| {
            panic!("{handle:?} is not in the session (it was expunged or deleted)")
        })
    }
}

impl<M: Model> std::ops::IndexMut<Obj<M>> for Session {
    fn index_mut(&mut self, handle: Obj<M>) -> &mut M {
        self.object_mut(handle).unwrap_or_else(|| {
            panic!("{handle:?} is not in the session (it was expunged or deleted)")
        })
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("objects", &self.slots.iter().flatten().count())
            .field("autoflush", &self.autoflush)
            .finish_non_exhaustive()
    }
}
