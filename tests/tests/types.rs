//! The type matrix: every supported field type round-trips exactly on every backend,
//! for random values (proptest) and for the edge values each backend can hold.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use orm_core::{DbEnum, Json, prelude::*};
use orm_tests::{TestResult, backend_tests};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(DbEnum, Debug, Clone, Copy, PartialEq)]
enum Status {
    Active,
    OnHold,
    #[orm(rename = "gone")]
    Deleted,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Doc {
    title: String,
    tags: Vec<String>,
    score: Option<i64>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "type_matrix")]
struct AllTypes {
    #[orm(primary_key)]
    id: i64,
    flag: bool,
    tiny: i8,
    small: i16,
    int: i32,
    big: i64,
    utiny: u8,
    usmall: u16,
    uint: u32,
    single: f32,
    double: f64,
    text: String,
    bytes: Vec<u8>,
    date: NaiveDate,
    time: NaiveTime,
    datetime: NaiveDateTime,
    instant: DateTime<Utc>,
    uuid: Uuid,
    json: serde_json::Value,
    doc: Json<Doc>,
    decimal: Decimal,
    t_date: time::Date,
    t_time: time::Time,
    t_datetime: time::PrimitiveDateTime,
    t_instant: time::OffsetDateTime,
    #[orm(max_length = 16)]
    status: Status,
    maybe_int: Option<i64>,
    maybe_text: Option<String>,
    maybe_instant: Option<DateTime<Utc>>,
    maybe_status: Option<Status>,
    maybe_bytes: Option<Vec<u8>>,
}

/// Every type again, each NULL-able: NULL and a value both round-trip.
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "type_matrix_nullable")]
struct MaybeTypes {
    #[orm(primary_key)]
    id: i64,
    flag: Option<bool>,
    tiny: Option<i8>,
    small: Option<i16>,
    int: Option<i32>,
    big: Option<i64>,
    utiny: Option<u8>,
    usmall: Option<u16>,
    uint: Option<u32>,
    single: Option<f32>,
    double: Option<f64>,
    text: Option<String>,
    bytes: Option<Vec<u8>>,
    date: Option<NaiveDate>,
    time: Option<NaiveTime>,
    datetime: Option<NaiveDateTime>,
    instant: Option<DateTime<Utc>>,
    uuid: Option<Uuid>,
    json: Option<serde_json::Value>,
    doc: Option<Json<Doc>>,
    decimal: Option<Decimal>,
    t_date: Option<time::Date>,
    t_time: Option<time::Time>,
    t_datetime: Option<time::PrimitiveDateTime>,
    t_instant: Option<time::OffsetDateTime>,
    #[orm(max_length = 16)]
    status: Option<Status>,
}

impl MaybeTypes {
    /// `all`'s values, with field `i` NULL where bit `i` of `nulls` is set.
    fn from(all: AllTypes, nulls: u32) -> MaybeTypes {
        let mut bit = 0;
        let mut keep = || {
            bit += 1;
            nulls & (1 << (bit - 1)) == 0
        };
        MaybeTypes {
            id: 0,
            flag: keep().then_some(all.flag),
            tiny: keep().then_some(all.tiny),
            small: keep().then_some(all.small),
            int: keep().then_some(all.int),
            big: keep().then_some(all.big),
            utiny: keep().then_some(all.utiny),
            usmall: keep().then_some(all.usmall),
            uint: keep().then_some(all.uint),
            single: keep().then_some(all.single),
            double: keep().then_some(all.double),
            text: keep().then_some(all.text),
            bytes: keep().then_some(all.bytes),
            date: keep().then_some(all.date),
            time: keep().then_some(all.time),
            datetime: keep().then_some(all.datetime),
            instant: keep().then_some(all.instant),
            uuid: keep().then_some(all.uuid),
            json: keep().then_some(all.json),
            doc: keep().then_some(all.doc),
            decimal: keep().then_some(all.decimal),
            t_date: keep().then_some(all.t_date),
            t_time: keep().then_some(all.t_time),
            t_datetime: keep().then_some(all.t_datetime),
            t_instant: keep().then_some(all.t_instant),
            status: keep().then_some(all.status),
        }
    }
}

/// Microsecond timestamps between the years 1000 and 9999: what every backend holds.
fn micros() -> impl Strategy<Value = i64> {
    let min = NaiveDate::from_ymd_opt(1000, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let max = NaiveDate::from_ymd_opt(9999, 12, 31)
        .unwrap()
        .and_hms_opt(23, 59, 59)
        .unwrap();
    min.and_utc().timestamp_micros()..max.and_utc().timestamp_micros()
}

fn naive(micros: i64) -> NaiveDateTime {
    DateTime::from_timestamp_micros(micros).unwrap().naive_utc()
}

fn to_time(dt: NaiveDateTime) -> time::PrimitiveDateTime {
    use chrono::{Datelike, Timelike};
    let date = time::Date::from_calendar_date(
        dt.year(),
        time::Month::try_from(u8::try_from(dt.month()).unwrap()).unwrap(),
        u8::try_from(dt.day()).unwrap(),
    )
    .unwrap();
    let clock = time::Time::from_hms_micro(
        u8::try_from(dt.hour()).unwrap(),
        u8::try_from(dt.minute()).unwrap(),
        u8::try_from(dt.second()).unwrap(),
        dt.nanosecond() / 1000,
    )
    .unwrap();
    time::PrimitiveDateTime::new(date, clock)
}

/// Text any backend stores: Unicode without NUL (PostgreSQL text cannot hold it).
fn text() -> impl Strategy<Value = String> {
    "[^\u{0}]{0,40}"
}

fn status() -> impl Strategy<Value = Status> {
    prop_oneof![
        Just(Status::Active),
        Just(Status::OnHold),
        Just(Status::Deleted)
    ]
}

fn json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        text().prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map("[a-z]{1,8}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn finite_f32() -> impl Strategy<Value = f32> {
    any::<f32>().prop_filter("finite", |f| f.is_finite())
}

fn finite_f64() -> impl Strategy<Value = f64> {
    any::<f64>().prop_filter("finite", |f| f.is_finite())
}

prop_compose! {
    fn numbers()(
        flag in any::<bool>(), tiny in any::<i8>(), small in any::<i16>(), int in any::<i32>(),
        big in any::<i64>(), utiny in any::<u8>(), usmall in any::<u16>(), uint in any::<u32>(),
        single in finite_f32(), double in finite_f64(),
        mantissa in any::<i64>(), scale in 0u32..=10,
    ) -> (bool, i8, i16, i32, i64, u8, u16, u32, f32, f64, Decimal) {
        (flag, tiny, small, int, big, utiny, usmall, uint, single, double, Decimal::new(mantissa, scale))
    }
}

prop_compose! {
    fn all_types()(
        n in numbers(),
        text in text(), bytes in prop::collection::vec(any::<u8>(), 0..64),
        at in micros(), other in micros(), offset_secs in -50_000i32..50_000,
        uuid in any::<u128>(), json in json(),
        doc_title in text(), tags in prop::collection::vec(text(), 0..3), score in any::<Option<i64>>(),
        status in status(),
        maybe_int in any::<Option<i64>>(), maybe_text in prop::option::of(text()),
        maybe_at in prop::option::of(micros()), maybe_status in prop::option::of(status()),
        maybe_bytes in prop::option::of(prop::collection::vec(any::<u8>(), 0..8)),
    ) -> AllTypes {
        let (flag, tiny, small, int, big, utiny, usmall, uint, single, double, decimal) = n;
        let dt = naive(at);
        let t = to_time(naive(other));
        let offset = time::UtcOffset::from_whole_seconds(offset_secs).unwrap();
        AllTypes {
            id: 0, flag, tiny, small, int, big, utiny, usmall, uint, single, double, text, bytes,
            date: dt.date(), time: dt.time(), datetime: dt, instant: dt.and_utc(),
            // The RFC 4122 variant: MariaDB's `UUID` type refuses some values of the others
            // (`Error::Encode`, see foreign_rows.rs).
            uuid: uuid::Builder::from_u128(uuid).with_variant(uuid::Variant::RFC4122).into_uuid(),
            json,
            doc: Json(Doc { title: doc_title, tags, score }),
            decimal,
            t_date: t.date(), t_time: t.time(), t_datetime: t, t_instant: t.assume_utc().to_offset(offset),
            status, maybe_int, maybe_text,
            maybe_instant: maybe_at.map(|m| naive(m).and_utc()),
            maybe_status, maybe_bytes,
        }
    }
}

async fn round_trip(db: &Database, mut value: AllTypes) -> TestResult {
    value.insert(db).await?;
    let loaded = AllTypes::get(db, value.id)
        .await?
        .expect("the row was inserted");
    assert_eq!(loaded, value, "round trip on {}", db.dialect());
    Ok(())
}

/// Random values of every type round-trip exactly.
async fn random_values_round_trip(db: Database) -> TestResult {
    db.create_tables(&[AllTypes::table_def()]).await?;
    let mut runner = TestRunner::deterministic();
    let strategy = all_types();
    for _ in 0..48 {
        let value = strategy
            .new_tree(&mut runner)
            .map_err(|r| r.to_string())?
            .current();
        round_trip(&db, value).await?;
    }
    Ok(())
}

/// Twelve selected items in one tuple read back as the model holds them.
async fn twelve_items_in_one_tuple(db: Database) -> TestResult {
    db.create_tables(&[AllTypes::table_def()]).await?;
    let mut value = edge_values();
    value.insert(&db).await?;
    let row = AllTypes::query()
        .select((
            AllTypes::id,
            AllTypes::flag,
            AllTypes::tiny,
            AllTypes::small,
            AllTypes::int,
            AllTypes::big,
            AllTypes::utiny,
            AllTypes::usmall,
            AllTypes::uint,
            AllTypes::text,
            AllTypes::date,
            AllTypes::maybe_text,
        ))
        .one(&db)
        .await?;
    let v = &value;
    assert_eq!(
        row,
        (
            v.id,
            v.flag,
            v.tiny,
            v.small,
            v.int,
            v.big,
            v.utiny,
            v.usmall,
            v.uint,
            v.text.clone(),
            v.date,
            v.maybe_text.clone()
        )
    );
    Ok(())
}

/// Every type through the bulk paths (multi-row `INSERT`s; on PostgreSQL one array per
/// column), NULLs included, reads back exactly, and an upsert of them changes nothing.
async fn bulk_writes_round_trip_every_type(db: Database) -> TestResult {
    db.create_tables(&[AllTypes::table_def(), MaybeTypes::table_def()])
        .await?;
    let mut runner = TestRunner::deterministic();
    let strategy = (all_types(), any::<u32>());
    let mut all = vec![edge_values()];
    let mut maybe = vec![
        MaybeTypes::from(edge_values(), u32::MAX),
        MaybeTypes::from(edge_values(), 0),
    ];
    for _ in 0..40 {
        let (value, nulls) = strategy
            .new_tree(&mut runner)
            .map_err(|r| r.to_string())?
            .current();
        maybe.push(MaybeTypes::from(value.clone(), nulls));
        all.push(value);
    }
    AllTypes::insert_many(&mut all, &db).await?;
    MaybeTypes::insert_many(&mut maybe, &db).await?;
    assert_eq!(AllTypes::all(&db).await?, all, "on {}", db.dialect());
    assert_eq!(MaybeTypes::all(&db).await?, maybe, "on {}", db.dialect());
    let on_key = orm_core::query::Upsert::on_key();
    MaybeTypes::upsert_many(&mut maybe, &db, &on_key).await?;
    assert_eq!(MaybeTypes::all(&db).await?, maybe, "on {}", db.dialect());
    Ok(())
}

/// Random values of every type as `Option`s, each NULL or not at random, round-trip
/// exactly; so do a row of NULLs only and a row of no NULLs.
async fn random_nullable_values_round_trip(db: Database) -> TestResult {
    db.create_tables(&[MaybeTypes::table_def()]).await?;
    let mut runner = TestRunner::deterministic();
    let strategy = (all_types(), any::<u32>());
    let mut rows = vec![
        MaybeTypes::from(edge_values(), u32::MAX),
        MaybeTypes::from(edge_values(), 0),
    ];
    for _ in 0..24 {
        let (all, nulls) = strategy
            .new_tree(&mut runner)
            .map_err(|r| r.to_string())?
            .current();
        rows.push(MaybeTypes::from(all, nulls));
    }
    for mut row in rows {
        row.insert(&db).await?;
        let loaded = MaybeTypes::get(&db, row.id).await?.expect("inserted");
        assert_eq!(loaded, row, "round trip on {}", db.dialect());
    }
    Ok(())
}

fn edge_values() -> AllTypes {
    let max_instant = NaiveDate::from_ymd_opt(9999, 12, 31)
        .unwrap()
        .and_hms_micro_opt(23, 59, 59, 999_999)
        .unwrap();
    AllTypes {
        id: 0,
        flag: true,
        tiny: i8::MIN,
        small: i16::MIN,
        int: i32::MIN,
        big: i64::MIN,
        utiny: u8::MAX,
        usmall: u16::MAX,
        uint: u32::MAX,
        single: f32::MAX,
        double: f64::MIN_POSITIVE,
        text: String::new(),
        bytes: vec![0, 0, 255, 0],
        date: max_instant.date(),
        time: max_instant.time(),
        datetime: max_instant,
        instant: max_instant.and_utc(),
        uuid: Uuid::max(),
        json: serde_json::json!({"emoji": "🦀", "nested": [1, {"deep": null}], "": ""}),
        doc: Json(Doc {
            title: "Ünïcödé ✓ 中文".into(),
            tags: vec![String::new()],
            score: Some(i64::MAX),
        }),
        decimal: Decimal::MAX,
        t_date: time::Date::MIN.replace_year(1000).unwrap(),
        t_time: time::Time::from_hms_micro(23, 59, 59, 999_999).unwrap(),
        t_datetime: to_time(max_instant),
        t_instant: to_time(max_instant).assume_utc(),
        status: Status::OnHold,
        maybe_int: Some(i64::MAX),
        maybe_text: Some("emoji 🦀 and quotes ' \" ` and backslash \\".into()),
        maybe_instant: None,
        maybe_status: None,
        maybe_bytes: Some(Vec::new()),
    }
}

/// Extreme integers, empty strings, NUL bytes in blobs, Unicode, microsecond timestamps.
async fn edge_values_round_trip(db: Database) -> TestResult {
    db.create_tables(&[AllTypes::table_def()]).await?;
    round_trip(&db, edge_values()).await?;
    let mut other = edge_values();
    other.big = i64::MAX;
    other.tiny = i8::MAX;
    other.decimal = Decimal::MIN;
    other.single = f32::MIN_POSITIVE;
    other.double = -0.5e300;
    round_trip(&db, other).await
}

/// Infinity and NaN where the backend stores them: PostgreSQL both, SQLite infinity
/// (it reads NaN back as NULL), MySQL neither (it refuses them with an error).
async fn non_finite_floats(db: Database) -> TestResult {
    db.create_tables(&[AllTypes::table_def()]).await?;
    let mut v = edge_values();
    v.double = f64::INFINITY;
    v.single = f32::NEG_INFINITY;
    match db.dialect() {
        Dialect::MySql => {
            let err = v.insert(&db).await.unwrap_err();
            // ER_WARN_DATA_OUT_OF_RANGE, naming the column.
            match &err {
                Error::Database { code, message } => {
                    assert_eq!(code.as_deref(), Some("1264"), "{err:?}");
                    assert!(message.contains("'single'"), "{message}");
                }
                other => panic!("expected an out-of-range error, got {other:?}"),
            }
            assert_eq!(
                AllTypes::query().count(&db).await?,
                0,
                "nothing half-written"
            );
        }
        Dialect::Postgres => {
            round_trip(&db, v.clone()).await?;
            let mut nan = v;
            nan.double = f64::NAN;
            nan.insert(&db).await?;
            let loaded = AllTypes::get(&db, nan.id).await?.unwrap();
            assert!(loaded.double.is_nan());
        }
        _ => round_trip(&db, v).await?,
    }
    Ok(())
}

/// Text that names no variant fails to load, naming model and column.
async fn unknown_enum_text_is_a_decode_error(db: Database) -> TestResult {
    db.create_tables(&[AllTypes::table_def()]).await?;
    let mut v = edge_values();
    v.insert(&db).await?;
    AllTypes::query()
        .filter(AllTypes::id.eq(v.id))
        .update()
        .set(AllTypes::maybe_text, "x".to_string())
        .execute(&db)
        .await?;
    let sql = format!(
        "UPDATE {} SET {} = 'archived'",
        db.dialect().quoted("type_matrix"),
        db.dialect().quoted("status")
    );
    Raw::dynamic(sql).execute(&db).await?;
    match AllTypes::get(&db, v.id).await {
        Err(Error::Decode {
            model,
            column,
            source,
        }) => {
            assert_eq!((model, column.as_ref()), ("AllTypes", "status"));
            assert!(
                source
                    .to_string()
                    .contains("\"archived\" is not a variant of `Status`")
            );
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    Ok(())
}

backend_tests!(
    twelve_items_in_one_tuple,
    bulk_writes_round_trip_every_type,
    random_values_round_trip,
    random_nullable_values_round_trip,
    edge_values_round_trip,
    non_finite_floats,
    unknown_enum_text_is_a_decode_error,
);
