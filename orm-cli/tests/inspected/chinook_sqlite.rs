//! Models of an existing database, written by `orm-cli inspect`. Review the names and
//! types; `orm-cli create-all --models` reads them as they are.

#![allow(dead_code)]

use orm_core::Model;

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "Album")]
#[orm(index(columns("artist_id"), name = "IFK_AlbumArtistId"))]
pub struct Album {
    #[orm(primary_key, column = "AlbumId")]
    pub album_id: i64,
    #[orm(column = "Title", max_length = 160, sql_type(sqlite = "NVARCHAR(160)"))]
    pub title: String,
    #[orm(column = "ArtistId", sql_type(sqlite = "INTEGER"), references(Artist))]
    pub artist_id: i64,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "Artist")]
pub struct Artist {
    #[orm(primary_key, column = "ArtistId")]
    pub artist_id: i64,
    #[orm(column = "Name", max_length = 120, sql_type(sqlite = "NVARCHAR(120)"))]
    pub name: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "Customer")]
#[orm(index(columns("support_rep_id"), name = "IFK_CustomerSupportRepId"))]
pub struct Customer {
    #[orm(primary_key, column = "CustomerId")]
    pub customer_id: i64,
    #[orm(column = "FirstName", max_length = 40, sql_type(sqlite = "NVARCHAR(40)"))]
    pub first_name: String,
    #[orm(column = "LastName", max_length = 20, sql_type(sqlite = "NVARCHAR(20)"))]
    pub last_name: String,
    #[orm(column = "Company", max_length = 80, sql_type(sqlite = "NVARCHAR(80)"))]
    pub company: Option<String>,
    #[orm(column = "Address", max_length = 70, sql_type(sqlite = "NVARCHAR(70)"))]
    pub address: Option<String>,
    #[orm(column = "City", max_length = 40, sql_type(sqlite = "NVARCHAR(40)"))]
    pub city: Option<String>,
    #[orm(column = "State", max_length = 40, sql_type(sqlite = "NVARCHAR(40)"))]
    pub state: Option<String>,
    #[orm(column = "Country", max_length = 40, sql_type(sqlite = "NVARCHAR(40)"))]
    pub country: Option<String>,
    #[orm(column = "PostalCode", max_length = 10, sql_type(sqlite = "NVARCHAR(10)"))]
    pub postal_code: Option<String>,
    #[orm(column = "Phone", max_length = 24, sql_type(sqlite = "NVARCHAR(24)"))]
    pub phone: Option<String>,
    #[orm(column = "Fax", max_length = 24, sql_type(sqlite = "NVARCHAR(24)"))]
    pub fax: Option<String>,
    #[orm(column = "Email", max_length = 60, sql_type(sqlite = "NVARCHAR(60)"))]
    pub email: String,
    #[orm(column = "SupportRepId", sql_type(sqlite = "INTEGER"), references(Employee))]
    pub support_rep_id: Option<i64>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "Employee")]
#[orm(index(columns("reports_to"), name = "IFK_EmployeeReportsTo"))]
pub struct Employee {
    #[orm(primary_key, column = "EmployeeId")]
    pub employee_id: i64,
    #[orm(column = "LastName", max_length = 20, sql_type(sqlite = "NVARCHAR(20)"))]
    pub last_name: String,
    #[orm(column = "FirstName", max_length = 20, sql_type(sqlite = "NVARCHAR(20)"))]
    pub first_name: String,
    #[orm(column = "Title", max_length = 30, sql_type(sqlite = "NVARCHAR(30)"))]
    pub title: Option<String>,
    #[orm(column = "ReportsTo", sql_type(sqlite = "INTEGER"), references(Employee))]
    pub reports_to: Option<i64>,
    #[orm(column = "BirthDate")]
    pub birth_date: Option<chrono::NaiveDateTime>,
    #[orm(column = "HireDate")]
    pub hire_date: Option<chrono::NaiveDateTime>,
    #[orm(column = "Address", max_length = 70, sql_type(sqlite = "NVARCHAR(70)"))]
    pub address: Option<String>,
    #[orm(column = "City", max_length = 40, sql_type(sqlite = "NVARCHAR(40)"))]
    pub city: Option<String>,
    #[orm(column = "State", max_length = 40, sql_type(sqlite = "NVARCHAR(40)"))]
    pub state: Option<String>,
    #[orm(column = "Country", max_length = 40, sql_type(sqlite = "NVARCHAR(40)"))]
    pub country: Option<String>,
    #[orm(column = "PostalCode", max_length = 10, sql_type(sqlite = "NVARCHAR(10)"))]
    pub postal_code: Option<String>,
    #[orm(column = "Phone", max_length = 24, sql_type(sqlite = "NVARCHAR(24)"))]
    pub phone: Option<String>,
    #[orm(column = "Fax", max_length = 24, sql_type(sqlite = "NVARCHAR(24)"))]
    pub fax: Option<String>,
    #[orm(column = "Email", max_length = 60, sql_type(sqlite = "NVARCHAR(60)"))]
    pub email: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "Genre")]
pub struct Genre {
    #[orm(primary_key, column = "GenreId")]
    pub genre_id: i64,
    #[orm(column = "Name", max_length = 120, sql_type(sqlite = "NVARCHAR(120)"))]
    pub name: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "Invoice")]
#[orm(index(columns("customer_id"), name = "IFK_InvoiceCustomerId"))]
pub struct Invoice {
    #[orm(primary_key, column = "InvoiceId")]
    pub invoice_id: i64,
    #[orm(column = "CustomerId", sql_type(sqlite = "INTEGER"), references(Customer))]
    pub customer_id: i64,
    #[orm(column = "InvoiceDate")]
    pub invoice_date: chrono::NaiveDateTime,
    #[orm(column = "BillingAddress", max_length = 70, sql_type(sqlite = "NVARCHAR(70)"))]
    pub billing_address: Option<String>,
    #[orm(column = "BillingCity", max_length = 40, sql_type(sqlite = "NVARCHAR(40)"))]
    pub billing_city: Option<String>,
    #[orm(column = "BillingState", max_length = 40, sql_type(sqlite = "NVARCHAR(40)"))]
    pub billing_state: Option<String>,
    #[orm(column = "BillingCountry", max_length = 40, sql_type(sqlite = "NVARCHAR(40)"))]
    pub billing_country: Option<String>,
    #[orm(column = "BillingPostalCode", max_length = 10, sql_type(sqlite = "NVARCHAR(10)"))]
    pub billing_postal_code: Option<String>,
    #[orm(column = "Total", sql_type(sqlite = "NUMERIC(10,2)"))]
    pub total: rust_decimal::Decimal,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "InvoiceLine")]
#[orm(index(columns("invoice_id"), name = "IFK_InvoiceLineInvoiceId"))]
#[orm(index(columns("track_id"), name = "IFK_InvoiceLineTrackId"))]
pub struct InvoiceLine {
    #[orm(primary_key, column = "InvoiceLineId")]
    pub invoice_line_id: i64,
    #[orm(column = "InvoiceId", sql_type(sqlite = "INTEGER"), references(Invoice))]
    pub invoice_id: i64,
    #[orm(column = "TrackId", sql_type(sqlite = "INTEGER"), references(Track))]
    pub track_id: i64,
    #[orm(column = "UnitPrice", sql_type(sqlite = "NUMERIC(10,2)"))]
    pub unit_price: rust_decimal::Decimal,
    #[orm(column = "Quantity", sql_type(sqlite = "INTEGER"))]
    pub quantity: i64,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "MediaType")]
pub struct MediaType {
    #[orm(primary_key, column = "MediaTypeId")]
    pub media_type_id: i64,
    #[orm(column = "Name", max_length = 120, sql_type(sqlite = "NVARCHAR(120)"))]
    pub name: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "Playlist")]
pub struct Playlist {
    #[orm(primary_key, column = "PlaylistId")]
    pub playlist_id: i64,
    #[orm(column = "Name", max_length = 120, sql_type(sqlite = "NVARCHAR(120)"))]
    pub name: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "PlaylistTrack")]
#[orm(index(columns("playlist_id"), name = "IFK_PlaylistTrackPlaylistId"))]
#[orm(index(columns("track_id"), name = "IFK_PlaylistTrackTrackId"))]
pub struct PlaylistTrack {
    #[orm(primary_key, column = "PlaylistId", sql_type(sqlite = "INTEGER"), references(Playlist))]
    pub playlist_id: i64,
    #[orm(primary_key, column = "TrackId", sql_type(sqlite = "INTEGER"), references(Track))]
    pub track_id: i64,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "Track")]
#[orm(index(columns("album_id"), name = "IFK_TrackAlbumId"))]
#[orm(index(columns("genre_id"), name = "IFK_TrackGenreId"))]
#[orm(index(columns("media_type_id"), name = "IFK_TrackMediaTypeId"))]
pub struct Track {
    #[orm(primary_key, column = "TrackId")]
    pub track_id: i64,
    #[orm(column = "Name", max_length = 200, sql_type(sqlite = "NVARCHAR(200)"))]
    pub name: String,
    #[orm(column = "AlbumId", sql_type(sqlite = "INTEGER"), references(Album))]
    pub album_id: Option<i64>,
    #[orm(column = "MediaTypeId", sql_type(sqlite = "INTEGER"), references(MediaType))]
    pub media_type_id: i64,
    #[orm(column = "GenreId", sql_type(sqlite = "INTEGER"), references(Genre))]
    pub genre_id: Option<i64>,
    #[orm(column = "Composer", max_length = 220, sql_type(sqlite = "NVARCHAR(220)"))]
    pub composer: Option<String>,
    #[orm(column = "Milliseconds", sql_type(sqlite = "INTEGER"))]
    pub milliseconds: i64,
    #[orm(column = "Bytes", sql_type(sqlite = "INTEGER"))]
    pub bytes: Option<i64>,
    #[orm(column = "UnitPrice", sql_type(sqlite = "NUMERIC(10,2)"))]
    pub unit_price: rust_decimal::Decimal,
}
