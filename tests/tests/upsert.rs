//! Upsert (one model and many; do-update and do-nothing) and inserts that keep an
//! explicit auto-increment key, on every backend.

use orm_core::prelude::*;
use orm_core::query::Upsert;
use orm_tests::{TestResult, backend_tests};

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "upsert_stock")]
struct Stock {
    #[orm(primary_key)]
    id: i64,
    #[orm(unique, max_length = 32)]
    sku: String,
    count: i32,
    note: Option<String>,
}

/// A unique constraint over two columns, and no generated key.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "upsert_prices", index(columns("shop", "item"), unique))]
struct Price {
    #[orm(primary_key)]
    id: String,
    #[orm(max_length = 16)]
    shop: String,
    #[orm(max_length = 16)]
    item: String,
    cents: i64,
}

fn stock(sku: &str, count: i32, note: Option<&str>) -> Stock {
    Stock {
        id: 0,
        sku: sku.into(),
        count,
        note: note.map(Into::into),
    }
}

async fn by_sku(db: &Database, sku: &str) -> Result<Stock> {
    Stock::query().filter(Stock::sku.eq(sku)).one(db).await
}

/// One model: inserted, then updated in the chosen columns only, then left alone.
async fn upsert_one_updates_or_leaves_the_row(db: Database) -> TestResult {
    db.create_tables(&[Stock::table_def()]).await?;
    stock("other", 1, None).insert(&db).await?; // keys that do not start at 1

    let count_only = Upsert::on(Stock::sku).update(Stock::count);
    let mut pen = stock("pen", 10, Some("blue"));
    pen.upsert(&db, &count_only).await?;
    assert_eq!(by_sku(&db, "pen").await?, pen, "inserted, key written back");

    let mut again = stock("pen", 7, Some("red"));
    again.upsert(&db, &count_only).await?;
    assert_eq!(again.id, pen.id, "the key of the updated row");
    let stored = by_sku(&db, "pen").await?;
    assert_eq!((stored.count, stored.note.as_deref()), (7, Some("blue")));

    // Every column but the target and the key, by default.
    let mut all = stock("pen", 8, None);
    all.upsert(&db, &Upsert::on(Stock::sku)).await?;
    assert_eq!(by_sku(&db, "pen").await?, Stock { id: pen.id, ..all });

    let mut ignored = stock("pen", 99, Some("ignored"));
    ignored.id = -1;
    ignored
        .upsert(&db, &Upsert::on(Stock::sku).do_nothing())
        .await?;
    let stored = by_sku(&db, "pen").await?;
    assert_eq!((stored.count, stored.note), (8, None), "left as it was");
    // PostgreSQL and SQLite return no row for a row left alone; MySQL reports its key.
    assert!(ignored.id == -1 || ignored.id == pen.id, "{ignored:?}");

    let mut new = stock("ink", 3, None);
    new.upsert(&db, &Upsert::on(Stock::sku).do_nothing())
        .await?;
    assert_eq!(by_sku(&db, "ink").await?, new, "inserted by do-nothing");
    assert_eq!(Stock::query().count(&db).await?, 3);
    Ok(())
}

/// MariaDB 10.5+ is found to have `INSERT … RETURNING` when the database connects;
/// MySQL is not; PostgreSQL and SQLite always have it.
async fn returning_is_known_per_server(db: Database) -> TestResult {
    let expected = match db.dialect() {
        Dialect::MySql => {
            let version: Vec<(String,)> = raw("SELECT VERSION()").fetch_as(&db).await?;
            version[0].0.contains("MariaDB")
        }
        _ => true,
    };
    assert_eq!(db.inserts_return(), expected);
    let tx = db.begin().await?;
    assert_eq!(tx.inserts_return(), expected, "a transaction knows it too");
    tx.rollback().await?;
    Ok(())
}

/// Many models, some already there: do-update writes the proposed values into the
/// existing rows and inserts the others; every model gets its row's key where the server
/// returns rows.
async fn upsert_many_updates_and_inserts(db: Database) -> TestResult {
    db.create_tables(&[Stock::table_def()]).await?;
    let mut existing: Vec<Stock> = (0..3)
        .map(|i| stock(&format!("sku-{i}"), i, Some("old")))
        .collect();
    Stock::insert_many(&mut existing, &db).await?;

    let mut batch: Vec<Stock> = (1..2_500)
        .map(|i| stock(&format!("sku-{i}"), 100 + i, Some("new")))
        .collect();
    let tx = db.begin().await?;
    Stock::upsert_many(
        &mut batch,
        &tx,
        &Upsert::on(Stock::sku).update(Stock::count),
    )
    .await?;
    tx.commit().await?;

    assert_eq!(Stock::query().count(&db).await?, 2_500);
    let stored = Stock::all(&db).await?;
    let by: std::collections::HashMap<&str, &Stock> =
        stored.iter().map(|s| (s.sku.as_str(), s)).collect();
    assert_eq!(by["sku-0"], &existing[0], "not in the batch: untouched");
    assert_eq!(
        (by["sku-1"].count, by["sku-1"].note.as_deref()),
        (101, Some("old"))
    );
    assert_eq!((by["sku-2"].id, by["sku-2"].count), (existing[2].id, 102));
    assert_eq!(by["sku-2000"].note.as_deref(), Some("new"));
    if db.inserts_return() {
        for model in &batch {
            assert_eq!(by[model.sku.as_str()].id, model.id, "{model:?}");
        }
    } else {
        // MySQL cannot tell inserted rows from updated ones: keys are not written back.
        assert!(batch.iter().all(|m| m.id == 0));
    }

    // Do-nothing: the existing rows keep their values, the new ones land.
    let mut more: Vec<Stock> = (2_400..2_600)
        .map(|i| stock(&format!("sku-{i}"), -1, None))
        .collect();
    Stock::upsert_many(&mut more, &db, &Upsert::on(Stock::sku).do_nothing()).await?;
    assert_eq!(Stock::query().count(&db).await?, 2_600);
    assert_eq!(by_sku(&db, "sku-2400").await?.count, 2_500);
    assert_eq!(by_sku(&db, "sku-2599").await?.count, -1);
    if db.inserts_return() {
        assert_eq!(more[199].id, by_sku(&db, "sku-2599").await?.id);
    }
    Ok(())
}

/// A target over two columns (a unique index), on a model without a generated key; a
/// target that is no unique key is refused before anything is sent.
async fn upsert_on_a_composite_target_and_a_wrong_one(db: Database) -> TestResult {
    db.create_tables(&[Price::table_def(), Stock::table_def()])
        .await?;
    let price = |id: &str, shop: &str, cents| Price {
        id: id.into(),
        shop: shop.into(),
        item: "tea".into(),
        cents,
    };
    let on_shop_item = Upsert::on(Price::shop)
        .and(Price::item)
        .update(Price::cents);
    let mut prices = vec![price("p1", "north", 250), price("p2", "south", 300)];
    Price::upsert_many(&mut prices, &db, &on_shop_item).await?;
    let mut cheaper = price("p3", "north", 199);
    cheaper.upsert(&db, &on_shop_item).await?;
    let stored = Price::all(&db).await?;
    assert_eq!(
        stored,
        [price("p1", "north", 199), price("p2", "south", 300)]
    );

    // `note` has no unique constraint: refused, typed, on every backend.
    let e = stock("x", 1, None)
        .upsert(&db, &Upsert::on(Stock::note))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::InvalidQuery(m) if m.contains("upsert_stock")),
        "{e:?}"
    );
    assert_eq!(Stock::query().count(&db).await?, 0, "nothing was written");
    // The generated key is never overwritten by an upsert.
    let e = stock("x", 1, None)
        .upsert(&db, &Upsert::on(Stock::sku).update(Stock::id))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::InvalidQuery(m) if m.contains("generated key")),
        "{e:?}"
    );
    // A value too long is refused before the statement, as for insert.
    let e = stock(&"s".repeat(40), 1, None)
        .upsert(&db, &Upsert::on(Stock::sku))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::ValueTooLong { .. }), "{e:?}");
    Ok(())
}

/// Explicit keys: kept as given, and later generated keys continue past them (on
/// PostgreSQL too, whose sequence would otherwise hand out a key already taken).
async fn explicit_keys_are_kept_and_generation_continues(db: Database) -> TestResult {
    db.create_tables(&[Stock::table_def()]).await?;
    let mut imported = stock("imported", 1, None);
    imported.id = 500;
    imported.insert_with_key(&db).await?;
    assert_eq!(Stock::get(&db, 500).await?, Some(imported));

    let mut next = stock("next", 1, None);
    next.insert(&db).await?;
    assert!(next.id > 500, "{next:?}");

    let mut many: Vec<Stock> = (0..50)
        .map(|i| Stock {
            id: 1_000 + i,
            ..stock(&format!("many-{i}"), 1, None)
        })
        .collect();
    Stock::insert_many_with_keys(&mut many, &db).await?;
    let mut after: Vec<Stock> = (0..3)
        .map(|i| stock(&format!("after-{i}"), i, None))
        .collect();
    Stock::insert_many(&mut after, &db).await?;
    assert!(after.iter().all(|s| s.id > 1_049), "{after:?}");

    // A key below the generator's position does not move it back.
    let mut low = stock("low", 1, None);
    low.id = 2;
    low.insert_with_key(&db).await?;
    let mut last = stock("last", 1, None);
    last.insert(&db).await?;
    assert!(last.id > after[2].id, "{last:?}");

    // An upsert on the key itself sends the key: insert, then update the same row.
    let on_key = Upsert::on_key();
    let mut keyed = Stock {
        id: 7_000,
        ..stock("keyed", 1, None)
    };
    keyed.upsert(&db, &on_key).await?;
    keyed.count = 2;
    keyed.upsert(&db, &on_key).await?;
    assert_eq!(Stock::get(&db, 7_000).await?, Some(keyed));
    let mut generated = stock("generated", 1, None);
    generated.insert(&db).await?;
    assert!(generated.id > 7_000, "{generated:?}");

    // An explicit key already taken is a typed unique violation.
    let mut taken = stock("taken", 1, None);
    taken.id = 500;
    let e = taken.insert_with_key(&db).await.unwrap_err();
    assert!(matches!(e, Error::UniqueViolation { .. }), "{e:?}");
    Ok(())
}

backend_tests!(
    returning_is_known_per_server,
    upsert_one_updates_or_leaves_the_row,
    upsert_many_updates_and_inserts,
    upsert_on_a_composite_target_and_a_wrong_one,
    explicit_keys_are_kept_and_generation_continues,
);
