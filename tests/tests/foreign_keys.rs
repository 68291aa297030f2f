//! Foreign keys beyond one column to a primary key: composite keys, keys to a unique
//! non-key column, and constraints named by the model, created, enforced, joined and
//! dropped on every backend.

use orm_core::prelude::*;
use orm_tests::{TestResult, backend_tests};

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "fk_accounts", unique(columns("tenant", "number")))]
struct Account {
    #[orm(primary_key)]
    id: i64,
    tenant: i32,
    number: i32,
    #[orm(unique, max_length = 16)]
    code: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(
    table = "fk_transfers",
    foreign_key(
        columns("tenant", "account_number"),
        references(Account),
        ref_columns("tenant", "number"),
        name = "fk_transfer_account",
        on_delete = "cascade",
        relation = "account",
    )
)]
struct Transfer {
    #[orm(primary_key)]
    id: i64,
    tenant: i32,
    account_number: i32,
    #[orm(
        references(Account),
        ref_column = "code",
        fk_name = "fk_transfer_code",
        relation = "coded",
        on_delete = "set null"
    )]
    account_code: Option<String>,
    cents: i64,
}

async fn fixture(db: &Database) -> Result<Vec<Account>> {
    db.create_tables(&[Transfer::table_def(), Account::table_def()])
        .await?;
    let mut accounts = vec![
        Account {
            id: 0,
            tenant: 1,
            number: 10,
            code: "A-10".into(),
        },
        Account {
            id: 0,
            tenant: 2,
            number: 10,
            code: "B-10".into(),
        },
    ];
    Account::insert_many(&mut accounts, db).await?;
    let mut transfers = vec![
        Transfer {
            id: 0,
            tenant: 1,
            account_number: 10,
            account_code: Some("A-10".into()),
            cents: 5,
        },
        Transfer {
            id: 0,
            tenant: 2,
            account_number: 10,
            account_code: None,
            cents: 7,
        },
        Transfer {
            id: 0,
            tenant: 2,
            account_number: 10,
            account_code: Some("A-10".into()),
            cents: 11,
        },
    ];
    Transfer::insert_many(&mut transfers, db).await?;
    Ok(accounts)
}

/// The database enforces both keys: a pair that names no account, a code that names none.
async fn composite_and_non_key_references_are_enforced(db: Database) -> TestResult {
    fixture(&db).await?;
    let mut orphan = Transfer {
        id: 0,
        tenant: 1,
        account_number: 99,
        account_code: None,
        cents: 1,
    };
    let err = orphan.insert(&db).await.unwrap_err();
    assert!(matches!(err, Error::ForeignKeyViolation { .. }), "{err:?}");
    // The same number under the other tenant is another account.
    let mut crossed = Transfer {
        id: 0,
        tenant: 3,
        account_number: 10,
        account_code: None,
        cents: 1,
    };
    assert!(crossed.insert(&db).await.is_err());
    let mut unknown = Transfer {
        id: 0,
        tenant: 1,
        account_number: 10,
        account_code: Some("Z-99".into()),
        cents: 1,
    };
    let err = unknown.insert(&db).await.unwrap_err();
    assert!(matches!(err, Error::ForeignKeyViolation { .. }), "{err:?}");
    assert_eq!(Transfer::query().count(&db).await?, 3);
    Ok(())
}

/// A join over a two-column key matches both columns; the non-key relation joins by code.
async fn joins_match_every_column(db: Database) -> TestResult {
    fixture(&db).await?;
    let rows: Vec<(Transfer, Account)> = Transfer::query()
        .join(Transfer::account())
        .order_by(Transfer::id)
        .all(&db)
        .await?;
    let pairs: Vec<(i64, String)> = rows
        .iter()
        .map(|(t, a)| (t.cents, a.code.clone()))
        .collect();
    assert_eq!(
        pairs,
        [(5, "A-10".into()), (7, "B-10".into()), (11, "B-10".into())]
    );
    let coded: Vec<(i64, Option<String>)> = Transfer::query()
        .left_join(Transfer::coded())
        .order_by(Transfer::id)
        .all(&db)
        .await?
        .into_iter()
        .map(|(t, a): (Transfer, Option<Account>)| (t.cents, a.map(|a| a.code)))
        .collect();
    assert_eq!(
        coded,
        [
            (5, Some("A-10".into())),
            (7, None),
            (11, Some("A-10".into()))
        ]
    );
    // Loading by the non-key column, in one query.
    let transfers = Transfer::query().order_by(Transfer::id).all(&db).await?;
    let by_code = Transfer::coded().load_one(&transfers, &db).await?;
    let tenants: Vec<Option<i32>> = by_code
        .iter()
        .map(|a| a.as_ref().map(|a| a.tenant))
        .collect();
    assert_eq!(tenants, [Some(1), None, Some(1)]);
    // The column API reads keys: a key to another column is refused, not misread.
    let err = Transfer::account_code
        .parents_of::<Account, _>(&transfers, &db)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidQuery(_)), "{err:?}");
    // A two-column relation is joined, not loaded by key lists.
    let err = Transfer::account().load(&transfers, &db).await.unwrap_err();
    assert!(matches!(err, Error::InvalidQuery(_)), "{err:?}");
    Ok(())
}

/// `ON DELETE` through each key, and the named constraints dropped with their tables.
async fn actions_and_drop(db: Database) -> TestResult {
    let accounts = fixture(&db).await?;
    Account::query()
        .filter(Account::id.eq(accounts[0].id))
        .delete(&db)
        .await?;
    let left: Vec<(i64, Option<String>)> = Transfer::query()
        .order_by(Transfer::id)
        .select((Transfer::cents, Transfer::account_code))
        .all(&db)
        .await?;
    // The transfer of account A-10 went with it; the code that named it is cleared.
    assert_eq!(left, [(7, None), (11, None)]);
    db.drop_tables(&[Transfer::table_def(), Account::table_def()])
        .await?;
    db.create_tables(&[Transfer::table_def(), Account::table_def()])
        .await?;
    assert_eq!(Transfer::query().count(&db).await?, 0);
    Ok(())
}

backend_tests!(
    composite_and_non_key_references_are_enforced,
    joins_match_every_column,
    actions_and_drop,
);
