//! Models of an existing database, written by `orm-cli inspect`. Review the names and
//! types; `orm-cli create-all --models` reads them as they are.

#![allow(dead_code)]

use orm_core::Model;

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "Album")]
#[orm(index(columns("artist_id"), name = "IFK_AlbumArtistId"))]
pub struct Album {
    #[orm(primary_key, column = "AlbumId", auto_increment = false)]
    pub album_id: i32,
    #[orm(column = "Title", max_length = 160)]
    pub title: String,
    #[orm(column = "ArtistId", references(Artist), fk_name = "FK_AlbumArtistId", on_delete = "no action", on_update = "no action")]
    pub artist_id: i32,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "Artist")]
pub struct Artist {
    #[orm(primary_key, column = "ArtistId", auto_increment = false)]
    pub artist_id: i32,
    #[orm(column = "Name", max_length = 120)]
    pub name: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "Customer")]
#[orm(index(columns("support_rep_id"), name = "IFK_CustomerSupportRepId"))]
pub struct Customer {
    #[orm(primary_key, column = "CustomerId", auto_increment = false)]
    pub customer_id: i32,
    #[orm(column = "FirstName", max_length = 40)]
    pub first_name: String,
    #[orm(column = "LastName", max_length = 20)]
    pub last_name: String,
    #[orm(column = "Company", max_length = 80)]
    pub company: Option<String>,
    #[orm(column = "Address", max_length = 70)]
    pub address: Option<String>,
    #[orm(column = "City", max_length = 40)]
    pub city: Option<String>,
    #[orm(column = "State", max_length = 40)]
    pub state: Option<String>,
    #[orm(column = "Country", max_length = 40)]
    pub country: Option<String>,
    #[orm(column = "PostalCode", max_length = 10)]
    pub postal_code: Option<String>,
    #[orm(column = "Phone", max_length = 24)]
    pub phone: Option<String>,
    #[orm(column = "Fax", max_length = 24)]
    pub fax: Option<String>,
    #[orm(column = "Email", max_length = 60)]
    pub email: String,
    #[orm(column = "SupportRepId", references(Employee), fk_name = "FK_CustomerSupportRepId", on_delete = "no action", on_update = "no action")]
    pub support_rep_id: Option<i32>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "Employee")]
#[orm(index(columns("reports_to"), name = "IFK_EmployeeReportsTo"))]
pub struct Employee {
    #[orm(primary_key, column = "EmployeeId", auto_increment = false)]
    pub employee_id: i32,
    #[orm(column = "LastName", max_length = 20)]
    pub last_name: String,
    #[orm(column = "FirstName", max_length = 20)]
    pub first_name: String,
    #[orm(column = "Title", max_length = 30)]
    pub title: Option<String>,
    #[orm(column = "ReportsTo", references(Employee), fk_name = "FK_EmployeeReportsTo", on_delete = "no action", on_update = "no action")]
    pub reports_to: Option<i32>,
    #[orm(column = "BirthDate", sql_type(mysql = "datetime"))]
    pub birth_date: Option<chrono::NaiveDateTime>,
    #[orm(column = "HireDate", sql_type(mysql = "datetime"))]
    pub hire_date: Option<chrono::NaiveDateTime>,
    #[orm(column = "Address", max_length = 70)]
    pub address: Option<String>,
    #[orm(column = "City", max_length = 40)]
    pub city: Option<String>,
    #[orm(column = "State", max_length = 40)]
    pub state: Option<String>,
    #[orm(column = "Country", max_length = 40)]
    pub country: Option<String>,
    #[orm(column = "PostalCode", max_length = 10)]
    pub postal_code: Option<String>,
    #[orm(column = "Phone", max_length = 24)]
    pub phone: Option<String>,
    #[orm(column = "Fax", max_length = 24)]
    pub fax: Option<String>,
    #[orm(column = "Email", max_length = 60)]
    pub email: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "Genre")]
pub struct Genre {
    #[orm(primary_key, column = "GenreId", auto_increment = false)]
    pub genre_id: i32,
    #[orm(column = "Name", max_length = 120)]
    pub name: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "Invoice")]
#[orm(index(columns("customer_id"), name = "IFK_InvoiceCustomerId"))]
pub struct Invoice {
    #[orm(primary_key, column = "InvoiceId", auto_increment = false)]
    pub invoice_id: i32,
    #[orm(column = "CustomerId", references(Customer), fk_name = "FK_InvoiceCustomerId", on_delete = "no action", on_update = "no action")]
    pub customer_id: i32,
    #[orm(column = "InvoiceDate", sql_type(mysql = "datetime"))]
    pub invoice_date: chrono::NaiveDateTime,
    #[orm(column = "BillingAddress", max_length = 70)]
    pub billing_address: Option<String>,
    #[orm(column = "BillingCity", max_length = 40)]
    pub billing_city: Option<String>,
    #[orm(column = "BillingState", max_length = 40)]
    pub billing_state: Option<String>,
    #[orm(column = "BillingCountry", max_length = 40)]
    pub billing_country: Option<String>,
    #[orm(column = "BillingPostalCode", max_length = 10)]
    pub billing_postal_code: Option<String>,
    #[orm(column = "Total", sql_type(mysql = "decimal(10,2)"))]
    pub total: rust_decimal::Decimal,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "InvoiceLine")]
#[orm(index(columns("invoice_id"), name = "IFK_InvoiceLineInvoiceId"))]
#[orm(index(columns("track_id"), name = "IFK_InvoiceLineTrackId"))]
pub struct InvoiceLine {
    #[orm(primary_key, column = "InvoiceLineId", auto_increment = false)]
    pub invoice_line_id: i32,
    #[orm(column = "InvoiceId", references(Invoice), fk_name = "FK_InvoiceLineInvoiceId", on_delete = "no action", on_update = "no action")]
    pub invoice_id: i32,
    #[orm(column = "TrackId", references(Track), fk_name = "FK_InvoiceLineTrackId", on_delete = "no action", on_update = "no action")]
    pub track_id: i32,
    #[orm(column = "UnitPrice", sql_type(mysql = "decimal(10,2)"))]
    pub unit_price: rust_decimal::Decimal,
    #[orm(column = "Quantity")]
    pub quantity: i32,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "MediaType")]
pub struct MediaType {
    #[orm(primary_key, column = "MediaTypeId", auto_increment = false)]
    pub media_type_id: i32,
    #[orm(column = "Name", max_length = 120)]
    pub name: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "Playlist")]
pub struct Playlist {
    #[orm(primary_key, column = "PlaylistId", auto_increment = false)]
    pub playlist_id: i32,
    #[orm(column = "Name", max_length = 120)]
    pub name: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "PlaylistTrack")]
#[orm(index(columns("playlist_id"), name = "IFK_PlaylistTrackPlaylistId"))]
#[orm(index(columns("track_id"), name = "IFK_PlaylistTrackTrackId"))]
pub struct PlaylistTrack {
    #[orm(primary_key, column = "PlaylistId", references(Playlist), fk_name = "FK_PlaylistTrackPlaylistId", on_delete = "no action", on_update = "no action")]
    pub playlist_id: i32,
    #[orm(primary_key, column = "TrackId", references(Track), fk_name = "FK_PlaylistTrackTrackId", on_delete = "no action", on_update = "no action")]
    pub track_id: i32,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "Track")]
#[orm(index(columns("album_id"), name = "IFK_TrackAlbumId"))]
#[orm(index(columns("genre_id"), name = "IFK_TrackGenreId"))]
#[orm(index(columns("media_type_id"), name = "IFK_TrackMediaTypeId"))]
pub struct Track {
    #[orm(primary_key, column = "TrackId", auto_increment = false)]
    pub track_id: i32,
    #[orm(column = "Name", max_length = 200)]
    pub name: String,
    #[orm(column = "AlbumId", references(Album), fk_name = "FK_TrackAlbumId", on_delete = "no action", on_update = "no action")]
    pub album_id: Option<i32>,
    #[orm(column = "MediaTypeId", references(MediaType), fk_name = "FK_TrackMediaTypeId", on_delete = "no action", on_update = "no action")]
    pub media_type_id: i32,
    #[orm(column = "GenreId", references(Genre), fk_name = "FK_TrackGenreId", on_delete = "no action", on_update = "no action")]
    pub genre_id: Option<i32>,
    #[orm(column = "Composer", max_length = 220)]
    pub composer: Option<String>,
    #[orm(column = "Milliseconds")]
    pub milliseconds: i32,
    #[orm(column = "Bytes")]
    pub bytes: Option<i32>,
    #[orm(column = "UnitPrice", sql_type(mysql = "decimal(10,2)"))]
    pub unit_price: rust_decimal::Decimal,
}
