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
    // The models of this test binary are the two of the cycle.
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

backend_tests!(a_cycle_of_foreign_keys);
