//! `insert_many` on every backend: the rows land, in multi-row statements within each
//! backend's bind limit, and every model gets the key the database gave its row; and
//! `insert_all`, which reads no key back.

use orm_core::prelude::*;
use orm_tests::{TestResult, backend_tests, statements_of};

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "bulk_items")]
struct Item {
    #[orm(primary_key)]
    id: i64,
    #[orm(unique)]
    label: String,
    weight: Option<f64>,
}

/// Many columns, so that a statement of 1 000 rows would pass SQLite's bind limit.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "bulk_wide")]
struct Wide {
    #[orm(primary_key)]
    id: i64,
    a: i64,
    b: i64,
    c: i64,
    d: i64,
    e: i64,
    f: i64,
    g: i64,
    h: i64,
    i: i64,
    j: i64,
    k: i64,
    l: i64,
    m: i64,
    n: i64,
    o: i64,
    p: i64,
    q: i64,
    r: i64,
    s: i64,
    t: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "bulk_codes")]
struct Code {
    #[orm(primary_key)]
    code: String,
    #[orm(max_length = 4)]
    short: String,
}

fn items(n: usize) -> Vec<Item> {
    (0..n)
        .map(|i| Item {
            id: 0,
            label: format!("item {i}"),
            weight: (i % 3 != 0).then(|| i as f64 / 4.0),
        })
        .collect()
}

/// 100 000 rows: every model's key is the one a `SELECT` finds for its row.
async fn insert_many_writes_every_key_back(db: Database) -> TestResult {
    db.create_tables(&[Item::table_def()]).await?;
    Item::insert_many(&mut items(3), &db).await?; // keys that do not start at 1
    let mut batch = items(100_000);
    for item in &mut batch {
        item.label.push_str(" of the batch");
    }
    let tx = db.begin().await?;
    Item::insert_many(&mut batch, &tx).await?;
    tx.commit().await?;
    let stored: Vec<(i64, String)> = Item::query()
        .select((Item::id, Item::label))
        .filter(Item::label.like("% of the batch"))
        .all(&db)
        .await?;
    assert_eq!(stored.len(), batch.len());
    let by_label: std::collections::HashMap<String, i64> =
        stored.into_iter().map(|(id, label)| (label, id)).collect();
    for item in &batch {
        assert_eq!(by_label.get(&item.label), Some(&item.id), "{item:?}");
    }
    // Every row reads back as the model that was inserted.
    let some = Item::get(&db, batch[4321].id).await?;
    assert_eq!(some.as_ref(), Some(&batch[4321]));
    Ok(())
}

/// A model of 21 columns: statements are cut to the bind limit, and all rows land.
async fn insert_many_stays_within_the_bind_limit(db: Database) -> TestResult {
    db.create_tables(&[Wide::table_def()]).await?;
    let mut rows: Vec<Wide> = (0..3_000)
        .map(|x| Wide {
            id: 0,
            a: x,
            b: x,
            c: x,
            d: x,
            e: x,
            f: x,
            g: x,
            h: x,
            i: x,
            j: x,
            k: x,
            l: x,
            m: x,
            n: x,
            o: x,
            p: x,
            q: x,
            r: x,
            s: x,
            t: format!("row {x}"),
        })
        .collect();
    Wide::insert_many(&mut rows, &db).await?;
    assert_eq!(Wide::query().count(&db).await?, 3_000);
    let last = rows.last().ok_or("no rows")?;
    assert_eq!(Wide::get(&db, last.id).await?.as_ref(), Some(last));
    Ok(())
}

/// Without a generated key; an empty slice; a value too long refuses its statement, and a
/// unique violation is typed, naming the table.
async fn insert_many_without_generated_keys_and_errors(db: Database) -> TestResult {
    db.create_tables(&[Code::table_def(), Item::table_def()])
        .await?;
    Code::insert_many(&mut [], &db).await?;
    let mut codes: Vec<Code> = ["a", "b", "c"]
        .into_iter()
        .map(|c| Code {
            code: c.into(),
            short: c.repeat(2),
        })
        .collect();
    Code::insert_many(&mut codes, &db).await?;
    assert_eq!(Code::all(&db).await?, codes);
    let mut too_long = vec![
        Code {
            code: "d".into(),
            short: "dd".into(),
        },
        Code {
            code: "e".into(),
            short: "eeeee".into(),
        },
    ];
    let e = Code::insert_many(&mut too_long, &db).await.unwrap_err();
    assert!(matches!(e, Error::ValueTooLong { .. }), "{e:?}");
    assert_eq!(
        Code::query().count(&db).await?,
        3,
        "nothing of the refused statement"
    );
    let mut twice = items(2);
    twice[1].label = twice[0].label.clone();
    let e = Item::insert_many(&mut twice, &db).await.unwrap_err();
    assert!(
        matches!(&e, Error::UniqueViolation { table: Some(t), .. } if t == "bulk_items"),
        "{e:?}"
    );
    Ok(())
}

/// On a `Database`, an `insert_many` of several statements is one transaction: a row
/// refused in the last statement leaves none of the earlier statements' rows behind, and
/// the keys of the models are as they were.
async fn insert_many_is_all_or_nothing(db: Database) -> TestResult {
    db.create_tables(&[Item::table_def()]).await?;
    let mut rows = items(2_500);
    rows[2_400].label = rows[3].label.clone();
    let e = Item::insert_many(&mut rows, &db).await.unwrap_err();
    assert!(matches!(e, Error::UniqueViolation { .. }), "{e:?}");
    assert_eq!(
        Item::query().count(&db).await?,
        0,
        "no row of a failed insert_many"
    );
    assert!(
        rows.iter().all(|r| r.id == 0),
        "a model kept the key of a row that was rolled back"
    );
    // The same rows, fixed, go in whole.
    rows[2_400].label = "item 2400".into();
    Item::insert_many(&mut rows, &db).await?;
    assert_eq!(Item::query().count(&db).await?, 2_500);
    assert_eq!(
        Item::get(&db, rows[2_499].id).await?.as_ref(),
        Some(&rows[2_499])
    );
    Ok(())
}

/// `insert_all` writes every row, in several statements, and reads no key back: the
/// models are unchanged and the database numbered the rows. A refused row leaves no row
/// of the call behind.
async fn insert_all_reads_no_key_back_and_is_all_or_nothing(db: Database) -> TestResult {
    db.create_tables(&[Item::table_def()]).await?;
    assert_eq!(Item::insert_all(&[], &db).await?, 0);
    let mut rows = items(2_500);
    rows[2_400].label = rows[3].label.clone();
    let e = Item::insert_all(&rows, &db).await.unwrap_err();
    assert!(matches!(e, Error::UniqueViolation { .. }), "{e:?}");
    assert_eq!(
        Item::query().count(&db).await?,
        0,
        "no row of a failed insert_all"
    );

    rows[2_400].label = "item 2400".into();
    assert_eq!(Item::insert_all(&rows, &db).await?, 2_500);
    assert!(
        rows.iter().all(|r| r.id == 0),
        "the models are left as they are"
    );
    let stored = Item::query().order_by(Item::id.asc()).all(&db).await?;
    assert_eq!(stored.len(), 2_500);
    let keys: std::collections::BTreeSet<i64> = stored.iter().map(|r| r.id).collect();
    assert_eq!(keys.len(), 2_500, "each row got a key of its own");
    for (stored, sent) in stored.iter().zip(&rows) {
        assert_eq!((&stored.label, stored.weight), (&sent.label, sent.weight));
    }
    // In a transaction, as many rows; rolled back, none.
    let tx = db.begin().await?;
    let more: Vec<Item> = items(10)
        .into_iter()
        .map(|mut r| {
            r.label.push_str(" (more)");
            r
        })
        .collect();
    assert_eq!(Item::insert_all(&more, &tx).await?, 10);
    tx.rollback().await?;
    assert_eq!(Item::query().count(&db).await?, 2_500);
    Ok(())
}

/// A column of each type the ORM binds, for `insert_all`'s `COPY` on PostgreSQL.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "bulk_typed")]
struct Typed {
    #[orm(primary_key)]
    id: i64,
    tag: i32,
    small: i16,
    ratio: f32,
    real: f64,
    flag: bool,
    #[orm(max_length = 60)]
    text: String,
    note: Option<String>,
    blob: Vec<u8>,
    day: chrono::NaiveDate,
    clock: chrono::NaiveTime,
    local: chrono::NaiveDateTime,
    at: chrono::DateTime<chrono::Utc>,
    uid: uuid::Uuid,
    doc: serde_json::Value,
    price: rust_decimal::Decimal,
}

/// Row `i`; `infinite`: with an infinite float now and then (MySQL stores none).
fn typed(i: u32, tag: i32, infinite: bool) -> Typed {
    use chrono::{NaiveDate, TimeZone, Utc};
    let n = i32::try_from(i).expect("a small row number");
    let day = NaiveDate::from_ymd_opt(1999 + n % 30, 1 + i % 12, 1 + i % 28).expect("a date");
    // Nanoseconds: both ways must keep the same microseconds.
    let local = day
        .and_hms_nano_opt(i % 24, 59, 58, 123_456_789 + i)
        .expect("a time");
    Typed {
        id: 0,
        tag,
        small: i16::try_from(n % 300 - 150).expect("fits"),
        ratio: f32::from(u16::try_from(i).expect("fits")) / 3.0,
        real: match i % 7 {
            0 if infinite => f64::INFINITY,
            1 => -0.0,
            2 => 1e-300,
            _ => f64::from(i) / 7.0,
        },
        flag: i.is_multiple_of(2),
        text: format!("row {i}\t\\ \n\r ünïcode \\N 'q' \"d\""),
        note: (!i.is_multiple_of(3)).then(|| format!("note\t{i}")),
        blob: vec![0, 92, 10, u8::try_from(i % 256).expect("fits"), 255],
        day,
        clock: local.time(),
        local,
        at: Utc.from_utc_datetime(&local),
        uid: uuid::Uuid::from_u128(0x1234_5678_9abc_def0_u128 * (u128::from(i) + 1)),
        doc: serde_json::json!({"i": i, "s": "a\tb\\c\nd", "list": [1, null, "x"]}),
        price: rust_decimal::Decimal::new(i64::from(i) * 1001, 3),
    }
}

/// `insert_all` of more rows than one statement takes (a `COPY` on PostgreSQL) stores
/// every type as `insert_many`'s `INSERT`s store it: the two read back equal.
async fn insert_all_stores_every_type_as_insert_does(db: Database) -> TestResult {
    db.create_tables(&[Typed::table_def()]).await?;
    let n = 2_500;
    let infinite = db.dialect() != Dialect::MySql;
    let copied: Vec<Typed> = (0..n).map(|i| typed(i, 1, infinite)).collect();
    let (done, statements) = statements_of(Typed::insert_all(&copied, &db)).await;
    assert_eq!(done?, 2_500);
    if db.dialect() == Dialect::Postgres {
        assert!(
            statements.iter().any(|s| s.starts_with("COPY")),
            "{statements:?}"
        );
    }
    let mut inserted: Vec<Typed> = (0..n).map(|i| typed(i, 2, infinite)).collect();
    Typed::insert_many(&mut inserted, &db).await?;
    let read = |tag| {
        Typed::query()
            .filter(Typed::tag.eq(tag))
            .order_by(Typed::id.asc())
            .all(&db)
    };
    let (by_copy, by_insert) = (read(1).await?, read(2).await?);
    assert_eq!(by_copy.len(), 2_500);
    for (a, b) in by_copy.iter().zip(&by_insert) {
        let (mut a, mut b) = (a.clone(), b.clone());
        (a.id, a.tag, b.id, b.tag) = (0, 0, 0, 0);
        assert_eq!(a, b);
    }
    // What was sent comes back (to the microsecond where the column keeps no more).
    let first = &by_copy[1];
    assert_eq!(
        (first.text.as_str(), first.flag),
        (copied[1].text.as_str(), copied[1].flag)
    );
    assert_eq!(first.blob, copied[1].blob);
    assert_eq!(first.doc, copied[1].doc);
    Ok(())
}

/// Rows written through an updatable view.
#[derive(Model, Debug, Clone)]
#[orm(table = "bulk_through_view")]
struct ThroughView {
    #[orm(primary_key)]
    id: i64,
    label: String,
}

/// PostgreSQL refuses `COPY` into a view, where `INSERT` works: `insert_all` of many rows
/// then writes them by `INSERT`, and the rows arrive.
async fn insert_all_into_a_view_falls_back_to_insert(db: Database) -> TestResult {
    if db.dialect() != Dialect::Postgres {
        return Ok(()); // SQLite's views take no rows; MySQL has no `COPY`
    }
    raw("CREATE TABLE bulk_base (id BIGSERIAL PRIMARY KEY, label TEXT NOT NULL)")
        .execute(&db)
        .await?;
    raw("CREATE VIEW bulk_through_view AS SELECT id, label FROM bulk_base")
        .execute(&db)
        .await?;
    let rows: Vec<ThroughView> = (0..1_500)
        .map(|i| ThroughView {
            id: 0,
            label: format!("row {i}"),
        })
        .collect();
    let tx = db.begin().await?;
    assert_eq!(ThroughView::insert_all(&rows, &tx).await?, 1_500);
    // The refused `COPY` was undone by its savepoint: the transaction goes on.
    assert_eq!(ThroughView::query().count(&tx).await?, 1_500);
    tx.commit().await?;
    assert_eq!(ThroughView::insert_all(&rows, &db).await?, 1_500);
    assert_eq!(ThroughView::query().count(&db).await?, 3_000);
    Ok(())
}

#[derive(Model, Debug, Clone)]
#[orm(table = "bulk_stamped", hooks)]
struct Stamped {
    #[orm(primary_key)]
    id: i64,
    stamp: String,
}

impl orm_core::Hooks for Stamped {
    fn before_insert(&mut self) -> orm_core::Result<()> {
        self.stamp = "stamped".into();
        Ok(())
    }
}

/// A model with hooks is refused by `insert_all` (which could not run them), before any
/// row is written.
async fn insert_all_refuses_a_model_with_hooks(db: Database) -> TestResult {
    db.create_tables(&[Stamped::table_def()]).await?;
    let rows = vec![Stamped {
        id: 0,
        stamp: String::new(),
    }];
    let e = Stamped::insert_all(&rows, &db).await.unwrap_err();
    assert!(
        matches!(&e, Error::InvalidQuery(m) if m.contains("insert_many")),
        "{e:?}"
    );
    assert_eq!(Stamped::query().count(&db).await?, 0);
    Ok(())
}

backend_tests!(
    pgbouncer:
    insert_all_into_a_view_falls_back_to_insert,
    insert_all_stores_every_type_as_insert_does,
    insert_all_reads_no_key_back_and_is_all_or_nothing,
    insert_all_refuses_a_model_with_hooks,
    insert_many_is_all_or_nothing,
    insert_many_writes_every_key_back,
    insert_many_stays_within_the_bind_limit,
    insert_many_without_generated_keys_and_errors,
);
