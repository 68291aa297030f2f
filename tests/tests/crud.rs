//! CRUD without a session, on every backend: insert (with the generated key written
//! back), get, update, delete, all; composite and text keys; decode errors.

use orm_core::prelude::*;
use orm_tests::{TestResult, backend_tests};

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "crud_users")]
struct User {
    #[orm(primary_key)]
    id: i64,
    #[orm(unique, max_length = 64)]
    username: String,
    #[orm(index)]
    email: String,
    bio: Option<String>,
    #[orm(skip)]
    cached_rank: u32,
}

/// A text key the user gives.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "crud_settings")]
struct Setting {
    #[orm(primary_key, max_length = 100)]
    key: String,
    value: String,
}

/// A composite key, none of it generated.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "crud_memberships")]
struct Membership {
    #[orm(primary_key)]
    group_id: i32,
    #[orm(primary_key)]
    user_id: i64,
    #[orm(column = "role_name")]
    role: String,
}

/// A UUID key the user gives.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "crud_devices")]
struct Device {
    #[orm(primary_key)]
    id: uuid::Uuid,
    name: String,
}

fn user(name: &str) -> User {
    User {
        id: 0,
        username: name.into(),
        email: format!("{name}@example.com"),
        bio: None,
        cached_rank: 7,
    }
}

async fn insert_writes_generated_keys_back(db: Database) -> TestResult {
    db.create_tables(&[User::table_def()]).await?;
    let mut ann = user("ann");
    ann.id = 999; // ignored: the database generates the key
    ann.insert(&db).await?;
    let mut bob = user("bob");
    bob.insert(&db).await?;
    assert!(
        ann.id > 0 && ann.id != 999,
        "generated key written back: {}",
        ann.id
    );
    assert_eq!(bob.id, ann.id + 1);

    let loaded = User::get(&db, ann.id).await?.expect("ann was inserted");
    // Skipped fields are not stored: they come back as Default.
    assert_eq!(
        loaded,
        User {
            cached_rank: 0,
            ..ann.clone()
        }
    );
    assert_eq!(User::get(&db, 12345).await?, None);
    Ok(())
}

async fn update_and_delete_by_key(db: Database) -> TestResult {
    db.create_tables(&[User::table_def()]).await?;
    let mut ann = user("ann");
    ann.insert(&db).await?;
    let mut bob = user("bob");
    bob.insert(&db).await?;

    ann.email = "ann@elsewhere.org".into();
    ann.bio = Some("writes tests".into());
    ann.update(&db).await?;
    let reloaded = User::get(&db, ann.id).await?.unwrap();
    assert_eq!(reloaded.email, "ann@elsewhere.org");
    assert_eq!(reloaded.bio.as_deref(), Some("writes tests"));
    // The other row is untouched.
    assert_eq!(
        User::get(&db, bob.id).await?.unwrap().email,
        "bob@example.com"
    );

    assert!(ann.delete(&db).await?);
    assert!(!ann.delete(&db).await?, "a second delete finds nothing");
    assert_eq!(User::get(&db, ann.id).await?, None);

    // Updating a row that is gone is a typed error, not a silent no-op.
    let err = ann.update(&db).await.unwrap_err();
    assert!(
        matches!(&err, Error::StaleData { table, expected: 1, matched: 0, .. } if table == User::TABLE),
        "{err:?}"
    );
    Ok(())
}

async fn all_returns_rows_in_key_order(db: Database) -> TestResult {
    db.create_tables(&[User::table_def()]).await?;
    for name in ["cid", "ann", "bob"] {
        user(name).insert(&db).await?;
    }
    let names: Vec<String> = User::all(&db)
        .await?
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(names, ["cid", "ann", "bob"]);
    Ok(())
}

async fn text_keys_are_given_by_the_user(db: Database) -> TestResult {
    db.create_tables(&[Setting::table_def()]).await?;
    let mut theme = Setting {
        key: "theme".into(),
        value: "dark".into(),
    };
    theme.insert(&db).await?;
    assert_eq!(theme.key, "theme");
    theme.value = "light".into();
    theme.update(&db).await?;
    assert_eq!(
        Setting::get(&db, "theme".to_string()).await?,
        Some(theme.clone())
    );

    let duplicate = theme.clone().insert(&db).await.unwrap_err();
    assert!(
        matches!(duplicate, Error::UniqueViolation { .. }),
        "{duplicate:?}"
    );
    Ok(())
}

async fn uuid_keys_are_given_by_the_user(db: Database) -> TestResult {
    db.create_tables(&[Device::table_def()]).await?;
    let ids = [
        uuid::Uuid::from_u128(2),
        uuid::Uuid::from_u128(u128::MAX),
        uuid::Uuid::nil(),
    ];
    for (i, id) in ids.into_iter().enumerate() {
        let mut device = Device {
            id,
            name: format!("device {i}"),
        };
        device.insert(&db).await?;
        assert_eq!(device.id, id, "a given key is kept");
    }
    let mut phone = Device::get(&db, ids[1]).await?.expect("inserted");
    assert_eq!(phone.name, "device 1");
    phone.name = "phone".into();
    phone.update(&db).await?;
    assert_eq!(Device::get(&db, ids[1]).await?, Some(phone.clone()));
    assert!(phone.delete(&db).await?);
    let left: Vec<uuid::Uuid> = Device::all(&db).await?.into_iter().map(|d| d.id).collect();
    assert_eq!(left.len(), 2);
    assert!(left.contains(&ids[0]) && left.contains(&ids[2]), "{left:?}");
    Ok(())
}

async fn composite_keys(db: Database) -> TestResult {
    db.create_tables(&[Membership::table_def()]).await?;
    for (group_id, user_id, role) in [(1, 10, "owner"), (1, 11, "member"), (2, 10, "member")] {
        let mut m = Membership {
            group_id,
            user_id,
            role: role.into(),
        };
        m.insert(&db).await?;
    }
    let m = Membership::get(&db, (1, 11)).await?.expect("inserted");
    assert_eq!(m.role, "member");
    let mut owner = Membership::get(&db, (1, 10)).await?.unwrap();
    owner.role = "admin".into();
    owner.update(&db).await?;
    assert_eq!(Membership::get(&db, (1, 10)).await?.unwrap().role, "admin");
    assert_eq!(Membership::get(&db, (2, 10)).await?.unwrap().role, "member");
    assert!(owner.delete(&db).await?);
    assert_eq!(Membership::all(&db).await?.len(), 2);
    Ok(())
}

async fn unique_violation_is_typed_and_writes_nothing(db: Database) -> TestResult {
    db.create_tables(&[User::table_def()]).await?;
    user("ann").insert(&db).await?;
    let err = user("ann").insert(&db).await.unwrap_err();
    assert!(matches!(err, Error::UniqueViolation { .. }), "{err:?}");
    assert_eq!(User::all(&db).await?.len(), 1);
    Ok(())
}

/// A column holding a value the field cannot hold: the error names model and column.
async fn decode_errors_name_model_and_column(db: Database) -> TestResult {
    #[derive(Model, Debug)]
    #[orm(table = "crud_narrow")]
    struct Narrow {
        #[orm(primary_key)]
        id: i64,
        small: i16,
    }
    #[derive(Model, Debug)]
    #[orm(table = "crud_narrow")]
    struct Wide {
        #[orm(primary_key)]
        id: i64,
        small: String,
    }
    db.create_tables(&[Narrow::table_def()]).await?;
    Narrow { id: 1, small: 5 }.insert(&db).await?;
    let err = Wide::get(&db, 1).await.unwrap_err();
    match &err {
        Error::Decode { model, column, .. } => {
            assert_eq!((*model, column.as_ref()), ("Wide", "small"));
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(err.to_string().contains("`small` of model `Wide`"), "{err}");
    Ok(())
}

backend_tests!(
    pgbouncer:
    insert_writes_generated_keys_back,
    update_and_delete_by_key,
    all_returns_rows_in_key_order,
    text_keys_are_given_by_the_user,
    uuid_keys_are_given_by_the_user,
    composite_keys,
    unique_violation_is_typed_and_writes_nothing,
    decode_errors_name_model_and_column,
);

/// CRUD on an in-memory SQLite database, the quickest way to try the ORM.
#[tokio::test]
async fn crud_on_an_in_memory_sqlite_database() -> TestResult {
    let db = Database::connect("sqlite::memory:").await?;
    db.create_tables(&[User::table_def()]).await?;
    let mut ann = user("ann");
    ann.insert(&db).await?;
    assert!(ann.id > 0);
    ann.email = "ann@example.org".into();
    ann.update(&db).await?;
    let found = User::get(&db, ann.id).await?.expect("inserted");
    assert_eq!(found.email, "ann@example.org");
    assert_eq!(found.cached_rank, 0, "skipped fields come back as Default");
    assert!(ann.delete(&db).await?);
    assert_eq!(User::all(&db).await?, []);
    Ok(())
}

/// The same CRUD on an SQLite file, reopened: what was written is still there.
#[tokio::test]
async fn crud_on_an_sqlite_file_persists() -> TestResult {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("crud.db").display());
    let id = {
        let db = Database::connect(&url).await?;
        db.create_tables(&[User::table_def()]).await?;
        let mut ann = user("ann");
        ann.insert(&db).await?;
        ann.bio = Some("on disk".into());
        ann.update(&db).await?;
        user("bob").insert(&db).await?;
        User::query()
            .filter(User::username.eq("bob"))
            .delete(&db)
            .await?;
        db.close().await;
        ann.id
    };
    let db = Database::connect(&url).await?;
    let all = User::all(&db).await?;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].id, id);
    assert_eq!(all[0].bio.as_deref(), Some("on disk"));
    Ok(())
}
