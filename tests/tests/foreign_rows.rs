//! Rows other clients wrote, read, filtered and ordered through models on every backend:
//! timestamps in the spellings of SQLAlchemy, Python's `sqlite3`, SQLite's own date
//! functions and ISO 8601 (with `T`, `Z` or an offset, or as unix time), integers in
//! columns narrower or wider than the field, UUIDs as text, JSON numbers stored as numbers,
//! and the seed's `User` table as SQLAlchemy creates it.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use orm_core::prelude::*;
use orm_tests::{TestResult, backend_tests};
use uuid::Uuid;

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "foreign_events")]
struct Event {
    #[orm(primary_key)]
    id: i64,
    at: NaiveDateTime,
    at_utc: Option<DateTime<Utc>>,
}

fn at(day: u32, h: u32, m: u32, s: u32, micro: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2024, 1, day)
        .and_then(|d| d.and_hms_micro_opt(h, m, s, micro))
        .expect("a valid date")
}

/// Inserts `(id, at)` as SQL text the way other clients spell timestamps: on SQLite the
/// text itself (or a number), on the servers a literal the server parses.
async fn insert_spelled(db: &Database, id: i64, spelled: &str) -> orm_core::Result<()> {
    let sql = match (db.dialect(), spelled.parse::<i64>()) {
        (Dialect::Sqlite, Ok(unix)) => {
            format!("INSERT INTO foreign_events (id, at, at_utc) VALUES ({id}, {unix}, {unix})")
        }
        (Dialect::Sqlite, Err(_)) => format!(
            "INSERT INTO foreign_events (id, at, at_utc) VALUES ({id}, '{spelled}', '{spelled}')"
        ),
        _ => format!(
            "INSERT INTO foreign_events (id, at, at_utc) VALUES ({id}, '{spelled}', '{spelled}')"
        ),
    };
    Raw::dynamic(sql).execute(db).await.map(drop)
}

/// Eight rows, six instants, eight spellings: `eq`, `gt`, `between` and `ORDER BY` must
/// see instants. On SQLite they used to compare as text: `eq` missed 3 of 5 values,
/// `between` dropped its lower end, `gt(midnight)` skipped the whole day ('T' sorts after
/// ' '), and a table two clients wrote sorted wrongly.
async fn timestamps_of_every_writer_filter_and_sort_as_instants(db: Database) -> TestResult {
    db.create_tables(&[Event::table_def()]).await?;
    let sqlite = db.dialect() == Dialect::Sqlite;
    let rows: [(i64, &str, NaiveDateTime); 8] = [
        (1, "2024-01-01 00:00:00.000000", at(1, 0, 0, 0, 0)), // SQLAlchemy
        (2, "2024-01-01 00:00:00", at(1, 0, 0, 0, 0)),        // Python sqlite3, datetime()
        (3, "2024-01-01 12:30:00.25", at(1, 12, 30, 0, 250_000)),
        (4, "2024-01-01T06:00:00", at(1, 6, 0, 0, 0)), // ISO 8601
        (
            5,
            if sqlite {
                "2024-01-01T18:00:00Z"
            } else {
                "2024-01-01 18:00:00"
            },
            at(1, 18, 0, 0, 0),
        ),
        (
            6,
            if sqlite {
                "2024-01-01T20:00:00.000001+00:00"
            } else {
                "2024-01-01 20:00:00.000001"
            },
            at(1, 20, 0, 0, 1),
        ),
        (7, "2024-01-01 00:00:00.5", at(1, 0, 0, 0, 500_000)),
        // A unix time on SQLite (2024-01-01 01:00:00 UTC).
        (
            8,
            if sqlite {
                "1704070800"
            } else {
                "2024-01-01 01:00:00"
            },
            at(1, 1, 0, 0, 0),
        ),
    ];
    for (id, spelled, _) in &rows {
        insert_spelled(&db, *id, spelled).await?;
    }
    // Every row reads back as its instant.
    for event in Event::all(&db).await? {
        let expected = rows.iter().find(|r| r.0 == event.id).map(|r| r.2);
        assert_eq!(Some(event.at), expected, "row {}", event.id);
        assert_eq!(
            event.at_utc.map(|t| t.naive_utc()),
            expected,
            "row {}",
            event.id
        );
    }
    let ids = async |filter: Expr<Event>| -> orm_core::Result<Vec<i64>> {
        Event::query()
            .filter(filter)
            .order_by(Event::id)
            .select(Event::id)
            .all(&db)
            .await
    };
    let midnight = at(1, 0, 0, 0, 0);
    assert_eq!(ids(Event::at.eq(midnight)).await?, [1, 2]);
    assert_eq!(
        ids(Event::at_utc.eq(midnight.and_utc())).await?,
        [1, 2],
        "instants too"
    );
    assert_eq!(ids(Event::at.gt(midnight)).await?, [3, 4, 5, 6, 7, 8]);
    assert_eq!(
        ids(Event::at.between(midnight, at(1, 12, 30, 0, 250_000))).await?,
        [1, 2, 3, 4, 7, 8]
    );
    assert_eq!(
        ids(Event::at_utc.lt(at(1, 6, 0, 0, 0).and_utc())).await?,
        [1, 2, 7, 8]
    );
    assert_eq!(
        ids(Event::at.is_in([at(1, 20, 0, 0, 1), at(1, 6, 0, 0, 0)])).await?,
        [4, 6]
    );
    let ordered: Vec<i64> = Event::query()
        .order_by(Event::at)
        .order_by(Event::id)
        .select(Event::id)
        .all(&db)
        .await?;
    assert_eq!(ordered, [1, 2, 7, 8, 4, 3, 5, 6]);
    let latest = Event::query().select(Event::at.max()).one(&db).await?;
    assert_eq!(latest, Some(at(1, 20, 0, 0, 1)));
    Ok(())
}

/// What the ORM writes is what other clients write and compare against: on SQLite the
/// fixed-width spelling SQLAlchemy uses (instants in UTC, no offset).
async fn timestamps_the_orm_writes_match_other_clients(db: Database) -> TestResult {
    db.create_tables(&[Event::table_def()]).await?;
    let when = at(2, 9, 30, 0, 120_000);
    let mut event = Event {
        id: 0,
        at: when,
        at_utc: Some(when.and_utc()),
    };
    event.insert(&db).await?;
    // Compared as another client would: with a literal in its own spelling.
    let literal = "2024-01-02 09:30:00.120000";
    let sql =
        format!("SELECT id FROM foreign_events WHERE at = '{literal}' AND at_utc = '{literal}'");
    let found: Vec<(i64,)> = Raw::dynamic(sql).fetch_as(&db).await?;
    assert_eq!(found, [(event.id,)]);
    if db.dialect() == Dialect::Sqlite {
        let stored: Vec<(String, String)> = raw("SELECT at, at_utc FROM foreign_events")
            .fetch_as(&db)
            .await?;
        assert_eq!(stored, [(literal.to_owned(), literal.to_owned())]);
    }
    Ok(())
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "sa_users")]
struct User {
    #[orm(primary_key)]
    id: i64,
    name: Option<String>,
    email: Option<String>,
    created: Option<DateTime<Utc>>,
}

/// The seed's `User` table as SQLAlchemy 2 creates it (`Integer` key: `SERIAL` on
/// PostgreSQL; nullable `VARCHAR`s; `DateTime()`: a naive `TIMESTAMP`), read and written
/// through a model with the README's field types.
async fn sqlalchemy_user_table_reads_and_writes(db: Database) -> TestResult {
    let ddl = match db.dialect() {
        Dialect::Postgres => {
            "CREATE TABLE sa_users (id SERIAL NOT NULL, name VARCHAR(50), email VARCHAR(100), created TIMESTAMP WITHOUT TIME ZONE, PRIMARY KEY (id))"
        }
        Dialect::MySql => {
            "CREATE TABLE sa_users (id INTEGER NOT NULL AUTO_INCREMENT, name VARCHAR(50), email VARCHAR(100), created DATETIME, PRIMARY KEY (id))"
        }
        _ => {
            "CREATE TABLE sa_users (id INTEGER NOT NULL, name VARCHAR(50), email VARCHAR(100), created DATETIME, PRIMARY KEY (id))"
        }
    };
    raw_ddl(&db, ddl).await?;
    raw_ddl(
        &db,
        "INSERT INTO sa_users (name, email, created) VALUES ('ann', 'ann@example.com', '2024-01-01 08:00:00')",
    )
    .await?;
    let ann = User::get(&db, 1).await?.ok_or("ann is missing")?;
    assert_eq!(ann.name.as_deref(), Some("ann"));
    assert_eq!(ann.created, Some(at(1, 8, 0, 0, 0).and_utc()));
    let mut bob = User {
        id: 0,
        name: Some("bob".into()),
        email: None,
        created: Some(at(3, 8, 0, 0, 0).and_utc()),
    };
    bob.insert(&db).await?;
    assert_eq!(bob.id, 2, "the generated key is written back");
    bob.email = Some("bob@example.com".into());
    bob.update(&db).await?;
    let recent = User::query()
        .filter(User::created.gt(at(2, 0, 0, 0, 0).and_utc()))
        .all(&db)
        .await?;
    assert_eq!(recent, [bob]);
    Ok(())
}

async fn raw_ddl(db: &Database, sql: &'static str) -> orm_core::Result<()> {
    raw(sql).execute(db).await.map(drop)
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "foreign_numbers")]
struct Narrow {
    #[orm(primary_key)]
    id: i64,
    small: i32,
}

/// A field narrower than its column reads every value that fits, and a value that does
/// not is a `Decode` error naming model and column, not a wrapped number.
async fn integers_read_from_any_width_while_they_fit(db: Database) -> TestResult {
    raw_ddl(
        &db,
        "CREATE TABLE foreign_numbers (id SMALLINT PRIMARY KEY, small BIGINT NOT NULL)",
    )
    .await?;
    raw_ddl(
        &db,
        "INSERT INTO foreign_numbers (id, small) VALUES (1, 2147483647), (2, 1099511627776)",
    )
    .await?;
    let fits = Narrow::get(&db, 1).await?;
    assert_eq!(fits.map(|n| n.small), Some(i32::MAX));
    let e = Narrow::get(&db, 2).await.unwrap_err();
    assert!(
        matches!(&e, Error::Decode { model: "Narrow", column, .. } if column == "small"),
        "{e:?}"
    );
    Ok(())
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "foreign_ids")]
struct Tagged {
    #[orm(primary_key)]
    id: i64,
    tag: Uuid,
    json: serde_json::Value,
}

/// UUIDs other clients stored as text (SQLAlchemy's 32 hex digits on SQLite, `CHAR(36)`
/// elsewhere), and JSON numbers that SQLite's numeric affinity stored as numbers.
async fn uuids_as_text_and_json_numbers_read(db: Database) -> TestResult {
    let (uuid_type, json_type) = match db.dialect() {
        Dialect::Postgres => ("TEXT", "JSONB"),
        Dialect::MySql => ("CHAR(36)", "JSON"),
        // SQLAlchemy's `Uuid` and `JSON` on SQLite: `CHAR(32)` and `JSON` (numeric affinity).
        _ => ("CHAR(32)", "JSON"),
    };
    let ddl = format!(
        "CREATE TABLE foreign_ids (id INTEGER PRIMARY KEY, tag {uuid_type} NOT NULL, json {json_type} NOT NULL)"
    );
    Raw::dynamic(ddl).execute(&db).await?;
    let tag = Uuid::parse_str("6f1c2e9a-8d3b-4c5e-9f7a-1b2c3d4e5f60")?;
    let simple = tag.simple().to_string();
    let hyphenated = tag.hyphenated().to_string();
    let insert = format!(
        "INSERT INTO foreign_ids (id, tag, json) VALUES (1, '{simple}', '5'), (2, '{hyphenated}', '2.5'), (3, '{hyphenated}', '{{\"a\": [1, 2]}}')"
    );
    Raw::dynamic(insert).execute(&db).await?;
    let rows = Tagged::all(&db).await?;
    assert_eq!(
        rows.iter().map(|r| r.tag).collect::<Vec<_>>(),
        [tag, tag, tag]
    );
    assert_eq!(rows[0].json, serde_json::json!(5));
    assert_eq!(rows[1].json, serde_json::json!(2.5));
    assert_eq!(rows[2].json, serde_json::json!({"a": [1, 2]}));
    if db.dialect() == Dialect::Sqlite {
        // SQLAlchemy's spelling is the ORM's: filters match its rows, and the ORM's rows
        // hold what SQLAlchemy reads.
        let matching = Tagged::query()
            .filter(Tagged::tag.eq(tag))
            .select(Tagged::id)
            .all(&db)
            .await?;
        assert_eq!(matching, [1]);
        let mut mine = Tagged {
            id: 4,
            tag,
            json: serde_json::json!(null),
        };
        mine.insert(&db).await?;
        let stored: Vec<(String,)> = raw("SELECT tag FROM foreign_ids WHERE id = 4")
            .fetch_as(&db)
            .await?;
        assert_eq!(stored, [(simple,)]);
    }
    Ok(())
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "indexed_events")]
struct IndexedEvent {
    #[orm(primary_key)]
    id: i64,
    #[orm(index)]
    at: NaiveDateTime,
}

/// Asserts that SQLite's plan for `st` uses `index`.
async fn assert_uses_index(db: &Database, st: orm_core::Statement, index: &str) {
    let mut plan = Raw::dynamic(format!("EXPLAIN QUERY PLAN {}", st.sql));
    for value in st.values {
        plan = plan.bind(value);
    }
    let rows = plan.fetch_all(db).await.unwrap();
    let detail: Vec<String> = rows.iter().map(|r| r.get::<String>(3).unwrap()).collect();
    let expected = format!("USING INDEX {index}");
    assert!(detail.iter().any(|d| d.contains(&expected)), "{detail:?}");
}

/// SQLite compares timestamps by instant through an expression; the index `create_all`
/// makes for such a column is on that expression, so it still serves the comparison.
#[tokio::test]
async fn sqlite_timestamp_indexes_serve_comparisons() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    db.create_tables(&[IndexedEvent::table_def()])
        .await
        .unwrap();
    let query = IndexedEvent::query().filter(IndexedEvent::at.gt(at(1, 0, 0, 0, 0)));
    assert_uses_index(&db, query.to_sql(Dialect::Sqlite), "ix_indexed_events_at").await;
}

/// MariaDB's own `UUID` type (10.7+), which SQLAlchemy creates there: read as its text,
/// and a random (version 4) UUID found by a filter. (MySQL has no such type.)
async fn mariadb_uuid_columns_read_and_filter(db: Database) -> TestResult {
    if db.dialect() != Dialect::MySql {
        return Ok(());
    }
    let version: Vec<(String,)> = raw("SELECT VERSION()").fetch_as(&db).await?;
    if !version.first().is_some_and(|(v,)| v.contains("MariaDB")) {
        return Ok(());
    }
    raw_ddl(
        &db,
        "CREATE TABLE foreign_ids (id INTEGER PRIMARY KEY, tag UUID NOT NULL, json JSON NOT NULL)",
    )
    .await?;
    let tag = Uuid::parse_str("6f1c2e9a-8d3b-4c5e-9f7a-1b2c3d4e5f60")?;
    raw_ddl(
        &db,
        "INSERT INTO foreign_ids (id, tag, json) VALUES (1, '6f1c2e9a-8d3b-4c5e-9f7a-1b2c3d4e5f60', '{}'), (2, '11111111-2222-4333-8444-555555555555', '{}')",
    )
    .await?;
    let rows = Tagged::all(&db).await?;
    assert_eq!(rows[0].tag, tag);
    let matching = Tagged::query()
        .filter(Tagged::tag.eq(tag))
        .select(Tagged::id)
        .all(&db)
        .await?;
    assert_eq!(matching, [1]);
    Ok(())
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "mariadb_uuids")]
struct Badge {
    #[orm(primary_key)]
    id: uuid::Uuid,
    note: String,
}

/// On MariaDB 10.7+ the ORM's UUID columns are the native `UUID` type, as SQLAlchemy's
/// are: the ORM's values are stored as meant, other clients read them as text, and a
/// value the type cannot hold is `Error::Encode` with nothing written (bound as 16 bytes,
/// it would have been stored mangled).
async fn mariadb_uuid_columns_the_orm_creates(db: Database) -> TestResult {
    if db.dialect() != Dialect::MySql {
        return Ok(());
    }
    db.create_tables(&[Badge::table_def()]).await?;
    let column: Vec<(String,)> = raw(
        "SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'mariadb_uuids' AND COLUMN_NAME = 'id'",
    )
    .fetch_as(&db)
    .await?;
    let version: Vec<(String,)> = raw("SELECT VERSION()").fetch_as(&db).await?;
    let mariadb = version.first().is_some_and(|(v,)| v.contains("MariaDB"));
    assert_eq!(
        column[0].0.to_lowercase(),
        if mariadb { "uuid" } else { "binary" }
    );
    let ids = [
        Uuid::parse_str("59c7f5f6-f5aa-1bc2-5796-b167a6894854")?, // looks time-based
        Uuid::parse_str("6f1c2e9a-8d3b-4c5e-9f7a-1b2c3d4e5f60")?,
        Uuid::nil(),
        Uuid::max(),
    ];
    for (i, id) in ids.iter().enumerate() {
        let mut badge = Badge {
            id: *id,
            note: format!("badge {i}"),
        };
        badge.insert(&db).await?;
        assert_eq!(
            Badge::get(&db, *id).await?.map(|b| b.note),
            Some(badge.note)
        );
    }
    if mariadb {
        let texts: Vec<(String,)> =
            raw("SELECT CAST(id AS CHAR) FROM mariadb_uuids WHERE note = 'badge 0'")
                .fetch_as(&db)
                .await?;
        assert_eq!(
            texts,
            [("59c7f5f6-f5aa-1bc2-5796-b167a6894854".to_owned(),)]
        );
        let refused = Uuid::parse_str("59c7f5f6-f5aa-cbc2-5796-b167a6894854")?;
        let e = Badge {
            id: refused,
            note: "refused".into(),
        }
        .insert(&db)
        .await
        .unwrap_err();
        assert!(matches!(e, Error::Encode(_)), "{e:?}");
        assert_eq!(Badge::query().count(&db).await?, 4);
    }
    Ok(())
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "foreign_slots")]
struct Slot {
    #[orm(primary_key)]
    starts: NaiveDateTime,
    opens: chrono::NaiveTime,
    label: String,
}

/// SQLite spellings beyond the common ones: offsets other than UTC (with or without
/// seconds), a date alone, times of day with and without seconds or `Z`, and keys in
/// another client's spelling found by `get`, `update` and `delete`.
#[tokio::test]
async fn sqlite_offsets_dates_times_and_keys_compare_by_value() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    db.create_tables(&[Slot::table_def()]).await.unwrap();
    for (starts, opens, label) in [
        ("2024-01-01 09:30-05:00", "09:30", "a"),
        ("2024-01-01T14:30:00.000000Z", "09:30:00", "b"),
        ("2024-01-02", "09:30:00.000000", "c"),
        ("2024-01-02 00:00:00", "09:30:00Z", "d"),
        ("2024-01-03T10:00:00.250+00:00", "10:15:30.5", "e"),
    ] {
        Raw::dynamic(format!(
            "INSERT INTO foreign_slots (starts, opens, label) VALUES ('{starts}', '{opens}', '{label}')"
        ))
        .execute(&db)
        .await
        .unwrap();
    }
    let labels = async |filter: Expr<Slot>| -> Vec<String> {
        Slot::query()
            .filter(filter)
            .order_by(Slot::label)
            .select(Slot::label)
            .all(&db)
            .await
            .unwrap()
    };
    let half_past_two = at(1, 14, 30, 0, 0);
    assert_eq!(labels(Slot::starts.eq(half_past_two)).await, ["a", "b"]);
    assert_eq!(labels(Slot::starts.eq(at(2, 0, 0, 0, 0))).await, ["c", "d"]);
    let nine_thirty = chrono::NaiveTime::from_hms_opt(9, 30, 0).unwrap();
    assert_eq!(
        labels(Slot::opens.eq(nine_thirty)).await,
        ["a", "b", "c", "d"]
    );
    assert_eq!(labels(Slot::opens.gt(nine_thirty)).await, ["e"]);
    // Read as the instant the filter compared: the offset's time in UTC.
    let a = Slot::query()
        .filter(Slot::label.eq("a"))
        .one(&db)
        .await
        .unwrap();
    assert_eq!(a.starts, half_past_two);
    // Keys in another spelling: found, updated and deleted by value.
    let key = at(3, 10, 0, 0, 250_000);
    let mut e = Slot::get(&db, key)
        .await
        .unwrap()
        .expect("found by its key");
    e.label = "e2".into();
    e.update(&db).await.unwrap();
    assert_eq!(labels(Slot::label.eq("e2")).await, ["e2"]);
    assert!(e.delete(&db).await.unwrap());
    assert_eq!(Slot::query().count(&db).await.unwrap(), 4);
}

/// PostgreSQL sessions run in UTC, so an instant written into or compared with a naive
/// `TIMESTAMP` is converted as the one read from it is, whatever the server's zone.
#[tokio::test]
async fn postgres_sessions_run_in_utc() {
    let Some(url) = orm_tests::Backend::Postgres.server_url() else {
        orm_tests::skip("postgres_sessions_run_in_utc: set ORM_TEST_POSTGRES_URL");
        return;
    };
    let db = Database::connect(&url).await.unwrap();
    let zone: Vec<(String,)> = raw("SELECT current_setting('TimeZone')")
        .fetch_as(&db)
        .await
        .unwrap();
    assert_eq!(zone, [("UTC".to_owned(),)]);
    db.close().await;
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "foreign_deadlines")]
struct Deadline {
    #[orm(primary_key)]
    id: i64,
    due: NaiveDateTime,
}

/// An `IN` subquery compares its values as conditions do: a timestamp spelled one way in
/// one table finds the same instant spelled another way in the other.
#[tokio::test]
async fn sqlite_in_subqueries_compare_by_value() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    db.create_tables(&[Slot::table_def(), Deadline::table_def()])
        .await
        .unwrap();
    raw("INSERT INTO foreign_slots (starts, opens, label) VALUES ('2024-01-01T14:30:00Z', '09:30', 'a'), ('2024-01-05 00:00:00', '09:30', 'b')")
        .execute(&db)
        .await
        .unwrap();
    raw("INSERT INTO foreign_deadlines (id, due) VALUES (1, '2024-01-01 14:30:00.000000')")
        .execute(&db)
        .await
        .unwrap();
    let dues = Deadline::query().select(Deadline::due);
    let labels: Vec<String> = Slot::query()
        .filter(Slot::starts.in_query(dues))
        .select(Slot::label)
        .all(&db)
        .await
        .unwrap();
    assert_eq!(labels, ["a"]);
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "orm_written")]
struct Written {
    #[orm(primary_key)]
    id: i64,
    count: i32,
    flag: bool,
    amount: rust_decimal::Decimal,
    day: NaiveDate,
    doc: serde_json::Value,
}

/// What the ORM writes, another client finds with its own conventions: plain literals for
/// numbers, booleans, decimals and dates, and the database's JSON functions.
async fn values_the_orm_writes_match_other_clients(db: Database) -> TestResult {
    db.create_tables(&[Written::table_def()]).await?;
    let mut row = Written {
        id: 0,
        count: 5,
        flag: true,
        amount: "9.99".parse()?,
        day: NaiveDate::from_ymd_opt(2024, 1, 31).ok_or("date")?,
        doc: serde_json::json!({"a": 1, "tags": ["x"]}),
    };
    row.insert(&db).await?;
    let json_a = match db.dialect() {
        Dialect::Postgres => "(doc->>'a')::int = 1",
        Dialect::MySql => "JSON_EXTRACT(doc, '$.a') = 1",
        _ => "json_extract(doc, '$.a') = 1",
    };
    let flag = match db.dialect() {
        Dialect::Postgres => "flag = TRUE",
        _ => "flag = 1",
    };
    let sql = format!(
        "SELECT id FROM orm_written WHERE count = 5 AND {flag} AND amount = 9.99 AND day = '2024-01-31' AND {json_a}"
    );
    let found: Vec<(i64,)> = Raw::dynamic(sql).fetch_as(&db).await?;
    assert_eq!(found, [(row.id,)]);
    Ok(())
}

backend_tests!(
    timestamps_of_every_writer_filter_and_sort_as_instants,
    timestamps_the_orm_writes_match_other_clients,
    sqlalchemy_user_table_reads_and_writes,
    integers_read_from_any_width_while_they_fit,
    uuids_as_text_and_json_numbers_read,
    mariadb_uuid_columns_read_and_filter,
    mariadb_uuid_columns_the_orm_creates,
    values_the_orm_writes_match_other_clients,
);

/// `get` by a date-time key compares it by value, and an index over the key as read
/// serves it (the primary key's own index cannot).
#[tokio::test]
async fn sqlite_date_time_keys_are_found_through_an_index() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    db.create_tables(&[Slot::table_def()]).await.unwrap();
    let query = Slot::query().filter(Slot::starts.eq(at(1, 0, 0, 0, 0)));
    assert_uses_index(
        &db,
        query.to_sql(Dialect::Sqlite),
        "ix_foreign_slots_starts",
    )
    .await;
}
