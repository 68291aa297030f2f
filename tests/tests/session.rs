//! The Session: a unit of work with an identity map, change tracking by snapshot,
//! foreign-key-ordered flushes in savepoints, and optimistic concurrency, on every backend.

use orm_core::prelude::*;
use orm_core::{ObjectState, Session};
use orm_tests::{TestResult, backend_tests, statements_of};

/// `statements` without the `BEGIN` and `COMMIT` that wrap each statement outside a
/// transaction behind a transaction-mode pooler (the `pgbouncer` tests).
fn queries(statements: Vec<String>) -> Vec<String> {
    statements
        .into_iter()
        .filter(|s| s != "BEGIN" && s != "COMMIT")
        .collect()
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "ses_users")]
struct User {
    #[orm(primary_key)]
    id: i64,
    #[orm(unique, max_length = 40)]
    name: String,
    email: String,
    bio: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "ses_posts")]
struct Post {
    #[orm(primary_key)]
    id: i64,
    #[orm(references(User))]
    author_id: i64,
    title: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "ses_counters")]
struct Counter {
    #[orm(primary_key)]
    id: i64,
    value: i64,
    #[orm(version)]
    version: i64,
}

/// A model with lifecycle hooks: it stamps its writes and refuses an empty title.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "ses_notes", hooks)]
struct Note {
    #[orm(primary_key)]
    id: i64,
    title: String,
    /// Set by the hooks: "inserted", "updated 1", "updated 2"…
    stamp: String,
    #[orm(skip)]
    loaded: bool,
}

impl orm_core::Hooks for Note {
    fn before_insert(&mut self) -> orm_core::Result<()> {
        if self.title.is_empty() {
            return Err(Error::InvalidQuery("a note needs a title".into()));
        }
        self.stamp = "inserted".into();
        Ok(())
    }

    fn before_update(&mut self) -> orm_core::Result<()> {
        let n = self
            .stamp
            .strip_prefix("updated ")
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0);
        self.stamp = format!("updated {}", n + 1);
        Ok(())
    }

    fn before_delete(&self) -> orm_core::Result<()> {
        if self.title == "keep" {
            return Err(Error::InvalidQuery("this note stays".into()));
        }
        Ok(())
    }

    fn after_load(&mut self) -> orm_core::Result<()> {
        self.loaded = true;
        Ok(())
    }
}

fn note(title: &str) -> Note {
    Note {
        id: 0,
        title: title.into(),
        stamp: String::new(),
        loaded: false,
    }
}

fn user(name: &str) -> User {
    User {
        id: 0,
        name: name.into(),
        email: format!("{name}@example.com"),
        bio: None,
    }
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "ses_folders")]
struct Folder {
    #[orm(primary_key)]
    id: i64,
    name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "ses_files")]
struct File {
    #[orm(primary_key)]
    id: i64,
    #[orm(references(Folder), on_delete = "cascade")]
    folder_id: i64,
    name: String,
}

/// Rows that point at a file: cleared when it goes.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "ses_shortcuts")]
struct Shortcut {
    #[orm(primary_key)]
    id: i64,
    #[orm(references(File), on_delete = "set null")]
    file_id: Option<i64>,
}

async fn setup(db: &Database) -> TestResult {
    db.create_tables(&[
        User::table_def(),
        Post::table_def(),
        Counter::table_def(),
        Note::table_def(),
    ])
    .await?;
    Ok(())
}

/// SQLAlchemy's example: add, commit, query, change, commit, delete, commit.
async fn the_unit_of_work_round_trip(db: Database) -> TestResult {
    setup(&db).await?;
    let mut session = db.session();
    let john = session.add(user("john"));
    assert_eq!(session.state(john), ObjectState::Pending);
    session.commit().await?;
    assert_eq!(session.state(john), ObjectState::Persistent);
    assert!(session[john].id > 0, "the generated key is written back");

    let found = session
        .query::<User>()
        .filter(User::name.eq("john"))
        .one()
        .await?;
    assert_eq!(found, john, "one row, one object");

    session[john].email = "john.doe@example.com".into();
    assert!(session.is_modified(john));
    session.commit().await?;
    let stored = User::get(&db, session[john].id).await?.ok_or("gone")?;
    assert_eq!(stored.email, "john.doe@example.com");

    session.delete(john);
    assert_eq!(session.state(john), ObjectState::Deleted);
    session.commit().await?;
    assert_eq!(session.state(john), ObjectState::Detached);
    assert_eq!(User::query().count(&db).await?, 0);
    Ok(())
}

/// `get` answers from the session without a query; a query returning a held row gives
/// the same handle and keeps the application's unflushed change.
async fn the_identity_map(db: Database) -> TestResult {
    setup(&db).await?;
    let mut ann = user("ann");
    ann.insert(&db).await?;
    let mut session = db.session();
    let first = session.get::<User>(ann.id).await?.ok_or("no ann")?;
    let (second, statements) = statements_of(session.get::<User>(ann.id)).await;
    assert_eq!(second?, Some(first));
    assert!(statements.is_empty(), "{statements:?}");

    session.set_autoflush(false);
    session[first].bio = Some("unflushed".into());
    let again = session.query::<User>().all().await?;
    assert_eq!(again, [first]);
    assert_eq!(session[first].bio.as_deref(), Some("unflushed"));
    // With autoflush, the query sees the change, written first.
    session.set_autoflush(true);
    let with_bio = session
        .query::<User>()
        .filter(User::bio.eq("unflushed"))
        .first()
        .await?;
    assert_eq!(with_bio, Some(first));
    session.rollback().await?;
    assert_eq!(session[first].bio, None, "rolled back, read again");
    assert_eq!(User::get(&db, ann.id).await?.ok_or("gone")?.bio, None);
    Ok(())
}

/// What a flush costs: nothing for unchanged objects, a few multi-row statements for a
/// thousand new ones, one `UPDATE` naming only the changed column.
async fn flushes_write_only_what_changed(db: Database) -> TestResult {
    setup(&db).await?;
    let mut session = db.session();
    let handles: Vec<_> = (0..1_000)
        .map(|i| session.add(user(&format!("u{i}"))))
        .collect();
    let (done, statements) = statements_of(session.commit()).await;
    done?;
    let inserts = statements
        .iter()
        .filter(|s| s.starts_with("INSERT"))
        .count();
    assert!(
        (1..=3).contains(&inserts),
        "{inserts} inserts: {statements:?}"
    );
    assert_eq!(User::query().count(&db).await?, 1_000);
    let keys: std::collections::BTreeSet<i64> = handles.iter().map(|h| session[*h].id).collect();
    assert_eq!(keys.len(), 1_000, "every object got its own key");

    let (done, statements) = statements_of(session.commit()).await;
    done?;
    assert!(statements.is_empty(), "unchanged: {statements:?}");

    for h in &handles[900..] {
        session.delete(*h);
    }
    let (done, statements) = statements_of(session.commit()).await;
    done?;
    let deletes = statements
        .iter()
        .filter(|s| s.starts_with("DELETE"))
        .count();
    assert_eq!(deletes, 1, "100 rows deleted by key list: {statements:?}");
    assert_eq!(User::query().count(&db).await?, 900);

    session[handles[7]].email = "seven@example.org".into();
    let (done, statements) = statements_of(session.commit()).await;
    done?;
    let updates: Vec<&String> = statements
        .iter()
        .filter(|s| s.starts_with("UPDATE"))
        .collect();
    assert_eq!(updates.len(), 1, "{statements:?}");
    assert!(
        updates[0].contains("email")
            && !updates[0].contains("\"name\"")
            && !updates[0].contains("`name`"),
        "{}",
        updates[0]
    );
    Ok(())
}

/// One flush of many updates of different shapes (different columns changed, a column
/// set to NULL and back, versioned rows): each row ends as its object says, and the
/// versions count up once.
async fn updates_of_many_shapes_in_one_flush(db: Database) -> TestResult {
    setup(&db).await?;
    let mut session = db.session();
    let users: Vec<_> = (0..60)
        .map(|i| session.add(user(&format!("s{i}"))))
        .collect();
    for i in 0..60 {
        if i % 3 == 0 {
            session[users[i]].bio = Some(format!("bio {i}"));
        }
    }
    let counters: Vec<_> = (0..5)
        .map(|i| {
            session.add(Counter {
                id: 0,
                value: i,
                version: 0,
            })
        })
        .collect();
    session.commit().await?;

    for (i, h) in users.iter().enumerate() {
        let u = &mut session[*h];
        match i % 4 {
            0 => u.email = format!("new{i}@example.org"),
            1 => {
                u.bio = if u.bio.is_some() {
                    None
                } else {
                    Some(format!("now {i}"))
                }
            }
            2 => {
                u.email = format!("both{i}@example.org");
                u.bio = None;
            }
            _ => {}
        }
    }
    for (i, h) in counters.iter().enumerate() {
        if i % 2 == 0 {
            session[*h].value += 10;
        }
    }
    session.commit().await?;

    let mut stored = User::query().order_by(User::name.asc()).all(&db).await?;
    stored.retain(|u| u.name.starts_with('s'));
    assert_eq!(stored.len(), 60);
    for h in &users {
        let want = &session[*h];
        let got = stored
            .iter()
            .find(|u| u.id == want.id)
            .ok_or("a row is missing")?;
        assert_eq!(got, want);
    }
    for (i, h) in (0_i64..).zip(&counters) {
        let got = Counter::get(&db, session[*h].id)
            .await?
            .ok_or("no counter")?;
        let (value, version) = if i % 2 == 0 { (i + 10, 1) } else { (i, 0) };
        assert_eq!((got.value, got.version), (value, version), "counter {i}");
        assert_eq!(session[*h], got);
    }
    Ok(())
}

/// Parents are inserted before their children and deleted after them, in one flush.
async fn flushes_follow_foreign_keys(db: Database) -> TestResult {
    setup(&db).await?;
    let mut writer = user("writer");
    writer.insert(&db).await?;
    let mut session = db.session();
    // Added children first: the flush still inserts the new user before... its own posts
    // cannot name it yet, so they name the existing writer.
    let posts: Vec<_> = (0..3)
        .map(|i| {
            session.add(Post {
                id: 0,
                author_id: writer.id,
                title: format!("post {i}"),
            })
        })
        .collect();
    let other = session.add(user("other"));
    session.commit().await?;
    assert_eq!(Post::query().count(&db).await?, 3);

    // Deleting the writer and its posts in one flush: posts go first (no cascade).
    let author = session.get::<User>(writer.id).await?.ok_or("no writer")?;
    session.delete(author);
    for p in &posts {
        session.delete(*p);
    }
    session.commit().await?;
    assert_eq!(Post::query().count(&db).await?, 0);
    assert_eq!(User::query().count(&db).await?, 1);
    assert_eq!(session.state(other), ObjectState::Persistent);
    Ok(())
}

/// New children name new parents: the parents are inserted first, and their generated
/// keys written into the children before the children are written.
async fn new_children_get_new_parents_keys(db: Database) -> TestResult {
    setup(&db).await?;
    let mut session = db.session();
    let mut posts = Vec::new();
    // Children added before their parent, on purpose.
    for i in 0..3 {
        posts.push(session.add(Post {
            id: 0,
            author_id: 0,
            title: format!("post {i}"),
        }));
    }
    let author = session.add(user("author"));
    for p in &posts {
        session.set_parent(*p, Post::author_id, author)?;
    }
    session.commit().await?;
    let key = session[author].id;
    assert!(key > 0);
    for p in &posts {
        assert_eq!(session[*p].author_id, key);
    }
    let stored: Vec<i64> = Post::query().select(Post::author_id).all(&db).await?;
    assert_eq!(stored, [key, key, key]);

    // A persistent child moved to a new parent: an UPDATE of its foreign key.
    let second = session.add(user("second"));
    session.set_parent(posts[0], Post::author_id, second)?;
    session.commit().await?;
    let moved = Post::get(&db, session[posts[0]].id).await?.ok_or("gone")?;
    assert_eq!(moved.author_id, session[second].id);

    // A parent that has its key is named at once.
    let third = session.add(Post {
        id: 0,
        author_id: 0,
        title: "third".into(),
    });
    session.set_parent(third, Post::author_id, author)?;
    assert_eq!(session[third].author_id, key);
    // A column that cannot hold a key is refused.
    let e = session.set_parent(third, Post::title, author).unwrap_err();
    assert!(matches!(e, Error::InvalidQuery(_)), "{e:?}");
    Ok(())
}

/// Hooks run in the stateless API and in a session's flush alike; a failing hook fails
/// the operation and writes nothing.
async fn hooks_run_everywhere(db: Database) -> TestResult {
    setup(&db).await?;
    // Stateless.
    let mut first = note("first");
    first.insert(&db).await?;
    assert_eq!(first.stamp, "inserted");
    first.update(&db).await?;
    let loaded = Note::get(&db, first.id).await?.ok_or("gone")?;
    assert_eq!((loaded.stamp.as_str(), loaded.loaded), ("updated 1", true));
    assert!(note("").insert(&db).await.is_err());
    assert_eq!(Note::query().count(&db).await?, 1);

    // In a session.
    let mut session = db.session();
    let a = session.add(note("a"));
    let kept = session.add(note("keep"));
    session.commit().await?;
    assert_eq!(session[a].stamp, "inserted");
    let h = session.get::<Note>(first.id).await?.ok_or("gone")?;
    assert!(session[h].loaded, "after_load ran");
    session[h].title = "first, edited".into();
    session.commit().await?;
    assert_eq!(session[h].stamp, "updated 2");
    assert_eq!(
        Note::get(&db, first.id).await?.ok_or("gone")?.stamp,
        "updated 2"
    );

    // A refused delete fails the commit: nothing of the flush is written.
    session.delete(kept);
    session.delete(a);
    let e = session.commit().await.unwrap_err();
    assert!(matches!(e, Error::InvalidQuery(_)), "{e:?}");
    assert_eq!(Note::query().count(&db).await?, 3);
    // An empty title is refused before anything is written.
    let bad = session.add(note(""));
    assert!(session.commit().await.is_err());
    assert_eq!(session.state(bad), ObjectState::Pending);
    assert_eq!(Note::query().count(&db).await?, 3);
    Ok(())
}

/// Children loaded for a list of parents through the session: one query, the session's
/// objects (one row, one handle), unflushed changes kept.
async fn children_load_into_the_identity_map(db: Database) -> TestResult {
    setup(&db).await?;
    let mut session = db.session();
    let authors: Vec<_> = (0..3)
        .map(|i| session.add(user(&format!("a{i}"))))
        .collect();
    session.commit().await?;
    let mut posts = Vec::new();
    for (i, a) in authors.iter().enumerate() {
        for k in 0..i {
            let p = session.add(Post {
                id: 0,
                author_id: 0,
                title: format!("{i}.{k}"),
            });
            session.set_parent(p, Post::author_id, *a)?;
            posts.push(p);
        }
    }
    session.commit().await?;
    session[posts[0]].title = "changed, not flushed".into();
    session.set_autoflush(false);
    let (groups, statements) = statements_of(session.children_of(&authors, Post::author_id)).await;
    let statements = queries(statements);
    let groups = groups?;
    assert_eq!(statements.len(), 1, "{statements:?}");
    assert_eq!(groups.iter().map(Vec::len).collect::<Vec<_>>(), [0, 1, 2]);
    assert_eq!(groups[1][0], posts[0], "the same handle");
    assert_eq!(session[posts[0]].title, "changed, not flushed");
    assert_eq!(groups[2], posts[1..3]);
    // Through relations: the same objects, and each post's author is one object.
    let (by_relation, statements) =
        statements_of(session.load(&authors, Post::author().reverse())).await;
    let statements = queries(statements);
    assert_eq!(by_relation?, groups);
    assert_eq!(statements.len(), 1, "{statements:?}");
    let (parents, statements) = statements_of(session.load(&posts, Post::author())).await;
    let statements = queries(statements);
    let parents = parents?;
    assert_eq!(statements.len(), 1, "{statements:?}");
    assert_eq!(
        parents,
        [vec![authors[1]], vec![authors[2]], vec![authors[2]]]
    );
    Ok(())
}

/// A failed flush writes nothing and leaves the session as it was: fix and commit again.
async fn a_failed_commit_changes_nothing(db: Database) -> TestResult {
    setup(&db).await?;
    let mut session = db.session();
    let a = session.add(user("same"));
    let b = session.add(user("same"));
    let e = session.commit().await.unwrap_err();
    assert!(matches!(e, Error::UniqueViolation { .. }), "{e:?}");
    assert_eq!(session.state(a), ObjectState::Pending);
    assert_eq!(session.state(b), ObjectState::Pending);
    assert_eq!((session[a].id, session[b].id), (0, 0), "keys put back");
    assert_eq!(User::query().count(&db).await?, 0);

    session[b].name = "different".into();
    session.commit().await?;
    assert_eq!(User::query().count(&db).await?, 2);
    assert_eq!(session.state(b), ObjectState::Persistent);
    Ok(())
}

/// Rollback: added objects leave, loaded ones are read again, deletions forgotten.
async fn rollback_restores_loaded_state(db: Database) -> TestResult {
    setup(&db).await?;
    let mut kept = user("kept");
    kept.insert(&db).await?;
    let mut session = db.session();
    let h = session.get::<User>(kept.id).await?.ok_or("none")?;
    session[h].email = "changed@example.com".into();
    let added = session.add(user("added"));
    session.flush().await?; // written in the session's transaction, not committed
    session.delete(h);
    session.rollback().await?;
    assert_eq!(session.state(added), ObjectState::Detached);
    assert_eq!(session.state(h), ObjectState::Persistent);
    assert_eq!(session[h], kept);
    assert_eq!(User::query().count(&db).await?, 1);
    Ok(())
}

/// Expire: the object is read again at its next access through the session, its
/// unflushed changes discarded; reading a field in between runs no query.
async fn expire_reads_again_at_next_access(db: Database) -> TestResult {
    setup(&db).await?;
    let mut ann = user("ann");
    ann.insert(&db).await?;
    let mut session = db.session();
    let h = session.get::<User>(ann.id).await?.ok_or("gone")?;
    session[h].bio = Some("unflushed".into());
    ann.email = "elsewhere@example.com".into();
    ann.update(&db).await?;
    session.expire(h);
    assert_eq!(session[h].bio.as_deref(), Some("unflushed"), "no query yet");
    let (again, statements) = statements_of(session.get::<User>(ann.id)).await;
    let statements = queries(statements);
    assert_eq!(again?, Some(h));
    assert_eq!(statements.len(), 1, "read again: {statements:?}");
    assert_eq!(session[h], ann, "the row as it is, the change discarded");
    session.expire_all();
    let all = session.query::<User>().all().await?;
    assert_eq!(all, [h]);
    assert_eq!(session[h], ann);
    let (done, statements) = statements_of(session.commit()).await;
    done?;
    assert!(statements.is_empty(), "nothing to write: {statements:?}");
    Ok(())
}

/// Expunge detaches; merge brings a detached value back as the row's object.
async fn expunge_and_merge(db: Database) -> TestResult {
    setup(&db).await?;
    let mut session = db.session();
    let h = session.add(user("eve"));
    session.commit().await?;
    let mut eve = session.expunge(h).ok_or("not in the session")?;
    assert_eq!(session.state(h), ObjectState::Detached);
    assert!(session.object(h).is_none());
    eve.bio = Some("merged".into());
    let merged = session.merge(eve.clone()).await?;
    assert_eq!(session[merged], eve);
    session.commit().await?;
    assert_eq!(User::get(&db, eve.id).await?, Some(eve));
    let fresh = session.merge(user("new")).await?;
    assert_eq!(session.state(fresh), ObjectState::Pending);
    Ok(())
}

/// A session inside a transaction flushes there; the transaction decides.
async fn a_session_inside_a_transaction(db: Database) -> TestResult {
    setup(&db).await?;
    let tx = db.begin().await?;
    {
        let mut session: Session = tx.session();
        session.add(user("inside"));
        session.commit().await?;
    }
    assert_eq!(User::query().count(&tx).await?, 1);
    tx.rollback().await?;
    assert_eq!(User::query().count(&db).await?, 0);
    Ok(())
}

/// Versioned rows: a stale write fails with `StaleData` naming model and key, in the
/// stateless API and in a session, and writes nothing.
async fn versions_refuse_stale_writes(db: Database) -> TestResult {
    setup(&db).await?;
    let mut counter = Counter {
        id: 0,
        value: 0,
        version: 1,
    };
    counter.insert(&db).await?;
    let mut copy = counter.clone();
    counter.value = 5;
    counter.update(&db).await?;
    assert_eq!(counter.version, 2, "counted up in the model");
    copy.value = 99;
    let e = copy.update(&db).await.unwrap_err();
    assert!(
        matches!(&e, Error::StaleData { key: Some(k), .. } if k.contains("Counter")),
        "{e:?}"
    );

    let mut session = db.session();
    let h = session.get::<Counter>(counter.id).await?.ok_or("none")?;
    counter.value = 6;
    counter.update(&db).await?; // someone else, meanwhile
    session[h].value = 100;
    let e = session.commit().await.unwrap_err();
    assert!(matches!(e, Error::StaleData { .. }), "{e:?}");
    let stored = Counter::get(&db, counter.id).await?.ok_or("gone")?;
    assert_eq!((stored.value, stored.version), (6, 3));
    Ok(())
}

/// One read-modify-write of the counter, run again by `unit_of_work` when stale.
async fn increment(db: Database, id: i64) -> orm_core::Result<()> {
    db.unit_of_work(200, async move |session| {
        let h = session
            .get::<Counter>(id)
            .await?
            .ok_or_else(Error::not_found::<Counter>)?;
        session[h].value += 1;
        Ok(())
    })
    .await
}

/// Stale deletes and stale merges are refused too; a version the application sets is not
/// what the row gets.
async fn versions_guard_deletes_and_merges(db: Database) -> TestResult {
    setup(&db).await?;
    let mut counter = Counter {
        id: 0,
        value: 0,
        version: 1,
    };
    counter.insert(&db).await?;
    let stale = counter.clone();
    counter.value = 1;
    counter.update(&db).await?;
    let e = stale.delete(&db).await.unwrap_err();
    assert!(matches!(e, Error::StaleData { .. }), "{e:?}");
    assert_eq!(Counter::query().count(&db).await?, 1);

    let mut session = db.session();
    let h = session.get::<Counter>(counter.id).await?.ok_or("gone")?;
    let e = session.merge(stale.clone()).await.unwrap_err();
    assert!(matches!(e, Error::StaleData { .. }), "{e:?}");
    session[h].value = 2;
    session[h].version = 100; // not the application's to set
    session.commit().await?;
    assert_eq!(session[h].version, 3);
    assert_eq!(
        Counter::get(&db, counter.id).await?.ok_or("gone")?.version,
        3
    );
    assert!(session.object(h).is_some());
    // A handle is read only in its own session.
    let other = db.session();
    assert!(other.object(h).is_none());
    Ok(())
}

/// A commit cut off at any point leaves a session that `rollback` brings back in step
/// with the database; the next commit then works.
async fn a_cancelled_commit_is_recovered_by_rollback(db: Database) -> TestResult {
    use std::pin::pin;
    use std::task::Poll;
    setup(&db).await?;
    let mut base = user("base");
    base.insert(&db).await?;
    for waits in 0..24 {
        let mut session = db.session();
        let h = session.get::<User>(base.id).await?.ok_or("gone")?;
        session[h].bio = Some(format!("attempt {waits}"));
        session.add(user(&format!("new {waits}")));
        let finished = {
            let mut commit = pin!(session.commit());
            let mut seen = 0;
            std::future::poll_fn(|cx| match commit.as_mut().poll(cx) {
                Poll::Ready(out) => Poll::Ready(Some(out)),
                Poll::Pending if seen == waits => Poll::Ready(None),
                Poll::Pending => {
                    seen += 1;
                    Poll::Pending
                }
            })
            .await
        };
        if let Some(done) = finished {
            done?;
            continue;
        }
        match session.rollback().await {
            Ok(()) => {
                let stored = User::get(&db, base.id).await?.ok_or("gone")?;
                assert_eq!(session[h], stored, "cut at wait {waits}");
            }
            // The commit itself was cut off: its outcome is unknown, and it may land
            // after the session read its objects. Writing the row waits for it (its
            // lock); reading it again then shows how it ended.
            Err(Error::Transaction(orm_core::TransactionState::Abandoned)) => {
                let id = base.id;
                db.transaction(async |tx| {
                    User::query()
                        .filter(User::id.eq(id))
                        .update()
                        .set(User::bio, User::bio)
                        .execute(tx)
                        .await
                })
                .await?;
                session.refresh(h).await?;
            }
            Err(e) => return Err(e.into()),
        }
        session[h].bio = None;
        session.commit().await?;
        assert_eq!(User::get(&db, base.id).await?.ok_or("gone")?.bio, None);
    }
    Ok(())
}

/// 16 tasks increment one versioned row through sessions, retried by `unit_of_work`
/// when stale: the value equals the number of commits, on every backend.
async fn racing_sessions_lose_no_increment(db: Database) -> TestResult {
    setup(&db).await?;
    let mut counter = Counter {
        id: 0,
        value: 0,
        version: 0,
    };
    counter.insert(&db).await?;
    let id = counter.id;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..16 {
        tasks.spawn(increment(db.clone(), id));
    }
    let mut commits = 0;
    while let Some(done) = tasks.join_next().await {
        done??;
        commits += 1;
    }
    let stored = Counter::get(&db, id).await?.ok_or("gone")?;
    assert_eq!(stored.value, commits);
    assert_eq!(stored.version, commits);
    Ok(())
}

/// Deleting a parent whose foreign keys say `ON DELETE CASCADE` / `SET NULL`: the
/// session's objects change as the database's rows did (children leave the session,
/// grandchildren too; references are cleared), and a rollback brings them back.
async fn database_cascades_are_reflected(db: Database) -> TestResult {
    db.create_tables(&[
        Folder::table_def(),
        File::table_def(),
        Shortcut::table_def(),
    ])
    .await?;
    let mut session = db.session();
    let docs = session.add(Folder {
        id: 0,
        name: "docs".into(),
    });
    let keep = session.add(Folder {
        id: 0,
        name: "keep".into(),
    });
    session.commit().await?;
    let (docs_id, keep_id) = (session[docs].id, session[keep].id);
    let a = session.add(File {
        id: 0,
        folder_id: docs_id,
        name: "a".into(),
    });
    let b = session.add(File {
        id: 0,
        folder_id: docs_id,
        name: "b".into(),
    });
    let c = session.add(File {
        id: 0,
        folder_id: keep_id,
        name: "c".into(),
    });
    session.commit().await?;
    let to_a = session.add(Shortcut {
        id: 0,
        file_id: Some(session[a].id),
    });
    let to_c = session.add(Shortcut {
        id: 0,
        file_id: Some(session[c].id),
    });
    session.commit().await?;

    session.delete(docs);
    session.flush().await?;
    for file in [a, b] {
        assert_eq!(session.state(file), ObjectState::Detached);
    }
    assert_eq!(session.state(c), ObjectState::Persistent);
    assert_eq!(session[to_a].file_id, None, "SET NULL reached the object");
    assert!(
        !session.is_modified(to_a),
        "and the snapshot: nothing left to write"
    );
    assert_eq!(session[to_c].file_id, Some(session[c].id));

    // A rollback undoes the deletes, in the session as in the database.
    session.rollback().await?;
    assert_eq!(session.state(a), ObjectState::Persistent);
    assert_eq!(session[b].name, "b");
    assert_eq!(session[to_a].file_id, Some(session[a].id));
    assert_eq!(File::query().count(&db).await?, 3);

    session.delete(docs);
    session.commit().await?;
    assert_eq!(session.state(a), ObjectState::Detached);
    assert_eq!(session[to_a].file_id, None);
    // The database agrees.
    assert_eq!(File::query().count(&db).await?, 1);
    let stored = Shortcut::get(&db, session[to_a].id).await?;
    assert_eq!(stored.map(|s| s.file_id), Some(None));
    Ok(())
}

backend_tests!(
    pgbouncer:
    updates_of_many_shapes_in_one_flush,
    database_cascades_are_reflected,
    the_unit_of_work_round_trip,
    the_identity_map,
    flushes_write_only_what_changed,
    flushes_follow_foreign_keys,
    a_failed_commit_changes_nothing,
    new_children_get_new_parents_keys,
    children_load_into_the_identity_map,
    hooks_run_everywhere,
    rollback_restores_loaded_state,
    expunge_and_merge,
    expire_reads_again_at_next_access,
    a_session_inside_a_transaction,
    versions_refuse_stale_writes,
    versions_guard_deletes_and_merges,
    a_cancelled_commit_is_recovered_by_rollback,
    racing_sessions_lose_no_increment,
);
