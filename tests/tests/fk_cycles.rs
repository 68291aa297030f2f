//! Two tables whose foreign keys point at each other (a store has a manager, who works in
//! a store): `create_all` creates them and closes the cycle, rows go in through a
//! session, the keys are enforced, and `drop_all` removes both, on every backend.

use orm_core::prelude::*;
use orm_tests::{TestResult, backend_tests};

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "cy_stores")]
struct Store {
    #[orm(primary_key)]
    id: i64,
    #[orm(max_length = 40)]
    name: String,
    #[orm(references(Staff), on_delete = "set null")]
    manager_id: Option<i64>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "cy_staff")]
struct Staff {
    #[orm(primary_key)]
    id: i64,
    #[orm(references(Store))]
    store_id: i64,
    #[orm(max_length = 40)]
    name: String,
}

async fn a_cycle_of_foreign_keys(db: Database) -> TestResult {
    // The models of this test binary: the two of the cycle, and one naming itself.
    db.create_all().await?;
    db.create_all().await?; // idempotent, the closing key included

    let mut session = db.session();
    let store = session.add(Store {
        id: 0,
        name: "north".into(),
        manager_id: None,
    });
    session.commit().await?;
    let ann = session.add(Staff {
        id: 0,
        store_id: 0,
        name: "ann".into(),
    });
    session.set_parent(ann, Staff::store_id, store)?;
    session.commit().await?;
    session.set_parent(store, Store::manager_id, ann)?;
    session.commit().await?;
    let stored = Store::get(&db, session[store].id).await?.ok_or("gone")?;
    assert_eq!(stored.manager_id, Some(session[ann].id));

    // Both keys are enforced.
    let mut nowhere = Staff {
        id: 0,
        store_id: 9_999,
        name: "bob".into(),
    };
    let e = nowhere.insert(&db).await.unwrap_err();
    assert!(matches!(e, Error::ForeignKeyViolation { .. }), "{e:?}");
    let mut unmanaged = stored.clone();
    unmanaged.manager_id = Some(9_999);
    let e = unmanaged.update(&db).await.unwrap_err();
    assert!(matches!(e, Error::ForeignKeyViolation { .. }), "{e:?}");

    drop(session);
    db.drop_all().await?;
    assert!(raw("SELECT 1 FROM cy_stores").execute(&db).await.is_err());
    assert!(raw("SELECT 1 FROM cy_staff").execute(&db).await.is_err());
    db.drop_all().await?; // nothing left: fine
    Ok(())
}

/// Two new rows that name each other, in one commit: the row whose key closes the cycle
/// goes in with it NULL and gets it once the other row is in.
async fn a_cycle_of_new_rows_in_one_flush(db: Database) -> TestResult {
    db.create_all().await?;
    let mut session = db.session();
    let store = session.add(Store {
        id: 0,
        name: "south".into(),
        manager_id: None,
    });
    let bob = session.add(Staff {
        id: 0,
        store_id: 0,
        name: "bob".into(),
    });
    session.set_parent(bob, Staff::store_id, store)?;
    session.set_parent(store, Store::manager_id, bob)?;
    session.commit().await?;
    let (store_id, bob_id) = (session[store].id, session[bob].id);
    assert_eq!(session[store].manager_id, Some(bob_id));
    assert_eq!(session[bob].store_id, store_id);
    assert!(
        !session.is_modified(store),
        "the session holds what the row holds"
    );
    let stored = Store::get(&db, store_id).await?.ok_or("gone")?;
    assert_eq!(stored.manager_id, Some(bob_id));
    let staff = Staff::get(&db, bob_id).await?.ok_or("gone")?;
    assert_eq!(staff.store_id, store_id);
    drop(session);
    db.drop_all().await?;
    Ok(())
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "cy_people")]
struct Person {
    #[orm(primary_key)]
    id: i64,
    name: String,
    #[orm(references(Self))]
    mentor_id: Option<i64>,
}

/// New rows of one table that name each other go in one batch, then get their keys.
async fn new_rows_of_one_table_name_each_other(db: Database) -> TestResult {
    db.create_tables(&[Person::table_def()]).await?;
    let mut session = db.session();
    let ada = session.add(Person {
        id: 0,
        name: "ada".into(),
        mentor_id: None,
    });
    let bo = session.add(Person {
        id: 0,
        name: "bo".into(),
        mentor_id: None,
    });
    session.set_parent(bo, Person::mentor_id, ada)?;
    session.set_parent(ada, Person::mentor_id, bo)?;
    session.commit().await?;
    let rows: Vec<(String, Option<String>)> = Person::query()
        .left_join(Person::mentor().to::<Mentor>())
        .order_by(Person::name)
        .all(&db)
        .await?
        .into_iter()
        .map(|(p, m)| (p.name, m.map(|m| m.name)))
        .collect();
    assert_eq!(
        rows,
        [
            ("ada".into(), Some("bo".into())),
            ("bo".into(), Some("ada".into()))
        ]
    );
    assert_eq!(session[bo].mentor_id, Some(session[ada].id));
    Ok(())
}

orm_core::alias!(Mentor = Person);

backend_tests!(
    a_cycle_of_foreign_keys,
    a_cycle_of_new_rows_in_one_flush,
    new_rows_of_one_table_name_each_other,
);
