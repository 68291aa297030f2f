//! Real-world data: the Chinook sample database (MIT licence), loaded on every backend from
//! its dialect's script in `shared/datasets/chinook/` (or `ORM_CHINOOK_DIR`), then queried
//! through the ORM and checked against plain SQL over the same tables.
//!
//! The scripts name things differently (`track.album_id` on PostgreSQL, `Track.AlbumId`
//! elsewhere), so the models read views with one naming on every backend.

use futures_util::TryStreamExt;
use orm_core::prelude::*;
use orm_core::query::count_all;
use orm_tests::{TestResult, backend_tests};

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "chinook_artist")]
struct Artist {
    #[orm(primary_key)]
    artist_id: i32,
    name: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "chinook_album")]
struct Album {
    #[orm(primary_key)]
    album_id: i32,
    title: String,
    #[orm(references(Artist))]
    artist_id: i32,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "chinook_track")]
struct Track {
    #[orm(primary_key)]
    track_id: i32,
    name: String,
    #[orm(references(Album))]
    album_id: Option<i32>,
    #[orm(references(Genre))]
    genre_id: Option<i32>,
    composer: Option<String>,
    milliseconds: i32,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "chinook_genre")]
struct Genre {
    #[orm(primary_key)]
    genre_id: i32,
    name: Option<String>,
}

/// A line of an invoice, its price in whole cents (exact on every backend).
#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "chinook_invoice_line")]
struct InvoiceLine {
    #[orm(primary_key)]
    invoice_line_id: i32,
    #[orm(references(Track))]
    track_id: i32,
    unit_cents: i32,
    quantity: i32,
}

impl Genre {
    fn tracks() -> orm_core::Relation<Genre, Track> {
        Track::genre().reverse()
    }
}

impl Track {
    fn invoice_lines() -> orm_core::Relation<Track, InvoiceLine> {
        InvoiceLine::track().reverse()
    }
}

/// The views, by table: the columns the models read.
const VIEWS: [(&str, &[&str]); 4] = [
    ("genre", &["genre_id", "name"]),
    ("artist", &["artist_id", "name"]),
    ("album", &["album_id", "title", "artist_id"]),
    (
        "track",
        &[
            "track_id",
            "name",
            "album_id",
            "genre_id",
            "composer",
            "milliseconds",
        ],
    ),
];

/// A table or column as the dialect's script names it: `track_id` on PostgreSQL,
/// `TrackId` on the others.
fn native(dialect: Dialect, name: &str) -> String {
    if dialect == Dialect::Postgres {
        return name.to_owned();
    }
    name.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or(String::new(), |c| {
                c.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// `native` quoted by the dialect.
fn q(dialect: Dialect, name: &str) -> String {
    dialect.quoted(&native(dialect, name))
}

/// Loads Chinook and creates the views; `false` (after saying so) without the dataset.
async fn load(db: &Database) -> Result<bool, Box<dyn std::error::Error + Send + Sync>> {
    let dialect = db.dialect();
    if !orm_tests::load_chinook(db).await? {
        return Ok(false);
    }
    for (table, columns) in VIEWS {
        let select: Vec<String> = columns
            .iter()
            .map(|c| format!("{} AS {}", q(dialect, c), dialect.quoted(c)))
            .collect();
        let sql = format!(
            "CREATE VIEW {} AS SELECT {} FROM {}",
            dialect.quoted(&format!("chinook_{table}")),
            select.join(", "),
            q(dialect, table)
        );
        Raw::dynamic(sql).execute(db).await?;
    }
    let sql = format!(
        "CREATE VIEW {view} AS SELECT {id} AS {id_as}, {track} AS {track_as}, \
         CAST(ROUND({price} * 100) AS {int}) AS {cents}, {quantity} AS {quantity_as} FROM {table}",
        view = dialect.quoted("chinook_invoice_line"),
        id = q(dialect, "invoice_line_id"),
        id_as = dialect.quoted("invoice_line_id"),
        track = q(dialect, "track_id"),
        track_as = dialect.quoted("track_id"),
        price = q(dialect, "unit_price"),
        int = int_type(dialect),
        cents = dialect.quoted("unit_cents"),
        quantity = q(dialect, "quantity"),
        quantity_as = dialect.quoted("quantity"),
        table = q(dialect, "invoice_line"),
    );
    Raw::dynamic(sql).execute(db).await?;
    Ok(true)
}

/// The integer type of a cast.
fn int_type(dialect: Dialect) -> &'static str {
    if dialect == Dialect::MySql {
        "SIGNED"
    } else {
        "INTEGER"
    }
}

/// A count by plain SQL over the script's own tables.
async fn raw_count(db: &Database, table: &str, condition: Option<String>) -> orm_core::Result<u64> {
    let mut sql = format!("SELECT COUNT(*) FROM {}", q(db.dialect(), table));
    if let Some(c) = condition {
        sql.push_str(" WHERE ");
        sql.push_str(&c);
    }
    let rows: Vec<(i64,)> = Raw::dynamic(sql).fetch_as(db).await?;
    Ok(u64::try_from(rows[0].0).unwrap_or(0))
}

async fn chinook_queries_agree_with_plain_sql(db: Database) -> TestResult {
    if !load(&db).await? {
        return Ok(());
    }
    let d = db.dialect();

    // Counts, including through a stream of every track.
    assert_eq!(
        Artist::query().count(&db).await?,
        raw_count(&db, "artist", None).await?
    );
    assert_eq!(
        Album::query().count(&db).await?,
        raw_count(&db, "album", None).await?
    );
    let tracks = raw_count(&db, "track", None).await?;
    assert!(tracks > 3000, "the whole dataset is loaded: {tracks}");
    let streamed = Track::query()
        .stream(&db)
        .try_fold(0u64, async |n, _| Ok(n + 1))
        .await?;
    assert_eq!(streamed, tracks);

    // Long tracks: a comparison, against the same filter in SQL.
    let long = Track::query()
        .filter(Track::milliseconds.gt(600_000))
        .count(&db)
        .await?;
    let condition = format!("{} > 600000", q(d, "milliseconds"));
    assert_eq!(long, raw_count(&db, "track", Some(condition)).await?);

    // Case-insensitive search, against LOWER(..) LIKE in SQL.
    let love = Track::query()
        .filter(Track::name.ilike("%LOVE%"))
        .count(&db)
        .await?;
    let condition = format!("LOWER({}) LIKE '%love%'", q(d, "name"));
    assert_eq!(love, raw_count(&db, "track", Some(condition)).await?);
    assert!(love > 0);

    // AC/DC's albums and their tracks, through nested IN subqueries.
    let acdc = || {
        Artist::query()
            .filter(Artist::name.eq("AC/DC"))
            .select(Artist::artist_id)
    };
    let albums: Vec<String> = Album::query()
        .filter(Album::artist_id.in_query(acdc()))
        .order_by(Album::title)
        .select(Album::title)
        .all(&db)
        .await?;
    assert_eq!(
        albums,
        ["For Those About To Rock We Salute You", "Let There Be Rock"]
    );
    let acdc_tracks = Track::query()
        .filter(
            Track::album_id.in_query(
                Album::query()
                    .filter(Album::artist_id.in_query(acdc()))
                    .select(Album::album_id),
            ),
        )
        .count(&db)
        .await?;
    assert_eq!(acdc_tracks, 18);

    // Tracks per genre, the five largest, against GROUP BY in SQL.
    let top: Vec<(Option<i32>, i64)> = Track::query()
        .select((Track::genre_id, count_all()))
        .group_by(Track::genre_id)
        .order_by(count_all().desc())
        .order_by(Track::genre_id)
        .limit(5)
        .all(&db)
        .await?;
    let sql = format!(
        "SELECT {g}, COUNT(*) FROM {t} GROUP BY {g} ORDER BY COUNT(*) DESC, {g} LIMIT 5",
        g = q(d, "genre_id"),
        t = q(d, "track")
    );
    let expected: Vec<(Option<i32>, i64)> = Raw::dynamic(sql).fetch_as(&db).await?;
    assert_eq!(top, expected);

    // The composers with the most tracks (NULLs kept apart), and paging through them.
    let composers = || {
        Track::query()
            .filter(Track::composer.is_not_null())
            .select((Track::composer, count_all()))
            .group_by(Track::composer)
            .order_by(count_all().desc())
            .order_by(Track::composer)
    };
    let first_page = composers().limit(3).all(&db).await?;
    let second_page = composers().limit(3).offset(3).all(&db).await?;
    let both = composers().limit(6).all(&db).await?;
    assert_eq!([first_page, second_page].concat(), both);

    // Revenue per genre: a join of three tables with an aggregate, against the same
    // question in SQL over the script's own tables (prices as exact cents).
    let revenue: Vec<(Option<String>, Option<i64>, i64)> = Genre::query()
        .join(Genre::tracks())
        .join(Track::invoice_lines())
        .group_by(Genre::name)
        .select((
            Genre::name,
            InvoiceLine::unit_cents.mul(InvoiceLine::quantity).sum(),
            InvoiceLine::invoice_line_id.count(),
        ))
        .order_by(
            InvoiceLine::unit_cents
                .mul(InvoiceLine::quantity)
                .sum()
                .desc(),
        )
        .order_by(Genre::name)
        .all(&db)
        .await?;
    let sql = format!(
        "SELECT g.{name}, CAST(ROUND(SUM(l.{price} * l.{quantity} * 100)) AS {int}), COUNT(*) \
         FROM {genre} g JOIN {track} t ON t.{genre_id} = g.{genre_id} \
         JOIN {line} l ON l.{track_id} = t.{track_id} \
         GROUP BY g.{name} ORDER BY 2 DESC, g.{name}",
        name = q(d, "name"),
        price = q(d, "unit_price"),
        quantity = q(d, "quantity"),
        int = int_type(d),
        genre = q(d, "genre"),
        track = q(d, "track"),
        line = q(d, "invoice_line"),
        genre_id = q(d, "genre_id"),
        track_id = q(d, "track_id"),
    );
    let expected: Vec<(Option<String>, Option<i64>, i64)> = Raw::dynamic(sql).fetch_as(&db).await?;
    assert_eq!(revenue, expected);
    assert_eq!(revenue[0].0.as_deref(), Some("Rock"));
    let lines = raw_count(&db, "invoice_line", None).await?;
    let counted: i64 = revenue.iter().map(|r| r.2).sum();
    assert_eq!(
        u64::try_from(counted)?,
        lines,
        "every line's track has a genre"
    );
    // Genres with no sale, by a correlated NOT EXISTS two relations deep.
    let unsold: Vec<Option<String>> = Genre::query()
        .filter(Genre::tracks().any(Track::invoice_lines().exists()).not())
        .order_by(Genre::name)
        .select(Genre::name)
        .all(&db)
        .await?;
    let sold: std::collections::HashSet<_> = revenue.iter().map(|r| r.0.clone()).collect();
    let all_genres = Genre::query().select(Genre::name).all(&db).await?;
    let mut never: Vec<Option<String>> = all_genres
        .into_iter()
        .filter(|g| !sold.contains(g))
        .collect();
    never.sort();
    assert_eq!(unsold, never);

    // Artists -> albums -> tracks loaded eagerly, one query per level: the same counts as
    // plain SQL, and each artist's albums as a query per artist finds them.
    let (loaded, statements) = orm_tests::statements_of(async {
        let artists = Artist::all(&db).await?;
        let albums = Album::artist_id.children_of(&artists, &db).await?;
        let flat: Vec<Album> = albums.iter().flatten().cloned().collect();
        let tracks = Track::album_id.children_of(&flat, &db).await?;
        Ok::<_, orm_core::Error>((artists, albums, tracks))
    })
    .await;
    let (artists, albums, tracks) = loaded?;
    assert_eq!(statements.len(), 3, "{statements:?}");
    let album_total: usize = albums.iter().map(Vec::len).sum();
    assert_eq!(album_total as u64, raw_count(&db, "album", None).await?);
    let track_total: usize = tracks.iter().map(Vec::len).sum();
    let with_album = format!("{} IS NOT NULL", q(d, "album_id"));
    assert_eq!(
        track_total as u64,
        raw_count(&db, "track", Some(with_album)).await?
    );
    for (artist, theirs) in artists.iter().zip(&albums).step_by(37) {
        let condition = format!("{} = {}", q(d, "artist_id"), artist.artist_id);
        assert_eq!(
            theirs.len() as u64,
            raw_count(&db, "album", Some(condition)).await?
        );
    }
    Ok(())
}

backend_tests!(chinook_queries_agree_with_plain_sql);
