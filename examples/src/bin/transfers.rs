//! Transactions: concurrent money transfers that never lose or create money.
//!
//! Eight tasks move money between four accounts at once, each transfer in a serializable
//! transaction that is retried when the database reports a conflict. One transfer would
//! overdraw its account, fails, and leaves nothing behind. At the end the total is what
//! it was at the start.
//!
//! ```console
//! $ cargo run -p examples --bin transfers
//! $ DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo run -p examples --bin transfers
//! ```

use examples::models::Account;
use orm_core::db::{IsolationLevel, TransactionOptions};
use orm_core::prelude::*;

/// Why a transfer was refused.
const INSUFFICIENT_FUNDS: &str = "insufficient funds";

/// Moves `cents` from `from` to `to` inside `tx`, refusing to overdraw `from`.
async fn transfer(tx: &Transaction, from: i64, to: i64, cents: i64) -> orm_core::Result<()> {
    let mut source = Account::get(tx, from)
        .await?
        .ok_or_else(Error::not_found::<Account>)?;
    if source.balance < cents {
        return Err(Error::InvalidQuery(INSUFFICIENT_FUNDS.into()));
    }
    source.balance -= cents;
    source.update(tx).await?;
    let mut target = Account::get(tx, to)
        .await?
        .ok_or_else(Error::not_found::<Account>)?;
    target.balance += cents;
    target.update(tx).await
}

async fn total(db: &Database) -> orm_core::Result<i64> {
    let sum = Account::query()
        .select(Account::balance.sum())
        .one(db)
        .await?;
    Ok(sum.unwrap_or(0))
}

#[tokio::main]
async fn main() -> orm_core::Result<()> {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| {
        // Several connections need a file; an in-memory database has one connection.
        let path = std::env::temp_dir().join("orm-transfers-example.db");
        format!("sqlite://{}", path.display())
    });
    let db = Database::connect(&url).await?;
    println!("connected to {}", db.url());
    db.drop_tables(&[Account::table_def()]).await?;
    db.create_tables(&[Account::table_def()]).await?;
    for (id, owner) in [(1, "ann"), (2, "bob"), (3, "cid"), (4, "dee")] {
        Account {
            id,
            owner: owner.into(),
            balance: 10_000,
        }
        .insert(&db)
        .await?;
    }
    let before = total(&db).await?;
    println!("total before: {before} cents");

    let options = TransactionOptions::new()
        .isolation(IsolationLevel::Serializable)
        .retries(20);
    let mut tasks = Vec::new();
    for i in 0..8_i64 {
        let (db, options) = (db.clone(), options.clone());
        let (from, to) = (i % 4 + 1, (i + 1) % 4 + 1);
        tasks.push(tokio::spawn(async move {
            db.transaction_with(options, async |tx| transfer(tx, from, to, 2_500).await)
                .await
        }));
    }
    for task in tasks {
        task.await.expect("a transfer task panicked")?;
    }
    println!("8 concurrent transfers of 25.00 done");

    // Overdrawing fails and changes nothing.
    let refused = db
        .transaction(async |tx| transfer(tx, 1, 2, 100_000_000).await)
        .await;
    match refused {
        Err(Error::InvalidQuery(reason)) if reason == INSUFFICIENT_FUNDS => {
            println!("an overdraft was refused and rolled back");
        }
        other => panic!("expected the overdraft to be refused, got {other:?}"),
    }

    for account in Account::all(&db).await? {
        println!("{:>4}: {:>6} cents", account.owner, account.balance);
    }
    let after = total(&db).await?;
    println!("total after: {after} cents");
    assert_eq!(before, after, "money was created or lost");
    db.drop_tables(&[Account::table_def()]).await?;
    Ok(())
}
