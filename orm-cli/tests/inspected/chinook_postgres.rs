//! Models of an existing database, written by `orm-cli inspect`. Review the names and
//! types; `orm-cli create-all --models` reads them as they are.

#![allow(dead_code)]

use orm_core::Model;

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(index(columns("artist_id"), name = "album_artist_id_idx"))]
pub struct Album {
    #[orm(primary_key, auto_increment = false)]
    pub album_id: i32,
    #[orm(max_length = 160)]
    pub title: String,
    #[orm(references(Artist), fk_name = "album_artist_id_fkey")]
    pub artist_id: i32,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Artist {
    #[orm(primary_key, auto_increment = false)]
    pub artist_id: i32,
    #[orm(max_length = 120)]
    pub name: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(index(columns("support_rep_id"), name = "customer_support_rep_id_idx"))]
pub struct Customer {
    #[orm(primary_key, auto_increment = false)]
    pub customer_id: i32,
    #[orm(max_length = 40)]
    pub first_name: String,
    #[orm(max_length = 20)]
    pub last_name: String,
    #[orm(max_length = 80)]
    pub company: Option<String>,
    #[orm(max_length = 70)]
    pub address: Option<String>,
    #[orm(max_length = 40)]
    pub city: Option<String>,
    #[orm(max_length = 40)]
    pub state: Option<String>,
    #[orm(max_length = 40)]
    pub country: Option<String>,
    #[orm(max_length = 10)]
    pub postal_code: Option<String>,
    #[orm(max_length = 24)]
    pub phone: Option<String>,
    #[orm(max_length = 24)]
    pub fax: Option<String>,
    #[orm(max_length = 60)]
    pub email: String,
    #[orm(references(Employee), fk_name = "customer_support_rep_id_fkey")]
    pub support_rep_id: Option<i32>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(index(columns("reports_to"), name = "employee_reports_to_idx"))]
pub struct Employee {
    #[orm(primary_key, auto_increment = false)]
    pub employee_id: i32,
    #[orm(max_length = 20)]
    pub last_name: String,
    #[orm(max_length = 20)]
    pub first_name: String,
    #[orm(max_length = 30)]
    pub title: Option<String>,
    #[orm(references(Employee), fk_name = "employee_reports_to_fkey")]
    pub reports_to: Option<i32>,
    pub birth_date: Option<chrono::NaiveDateTime>,
    pub hire_date: Option<chrono::NaiveDateTime>,
    #[orm(max_length = 70)]
    pub address: Option<String>,
    #[orm(max_length = 40)]
    pub city: Option<String>,
    #[orm(max_length = 40)]
    pub state: Option<String>,
    #[orm(max_length = 40)]
    pub country: Option<String>,
    #[orm(max_length = 10)]
    pub postal_code: Option<String>,
    #[orm(max_length = 24)]
    pub phone: Option<String>,
    #[orm(max_length = 24)]
    pub fax: Option<String>,
    #[orm(max_length = 60)]
    pub email: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Genre {
    #[orm(primary_key, auto_increment = false)]
    pub genre_id: i32,
    #[orm(max_length = 120)]
    pub name: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(index(columns("customer_id"), name = "invoice_customer_id_idx"))]
pub struct Invoice {
    #[orm(primary_key, auto_increment = false)]
    pub invoice_id: i32,
    #[orm(references(Customer), fk_name = "invoice_customer_id_fkey")]
    pub customer_id: i32,
    pub invoice_date: chrono::NaiveDateTime,
    #[orm(max_length = 70)]
    pub billing_address: Option<String>,
    #[orm(max_length = 40)]
    pub billing_city: Option<String>,
    #[orm(max_length = 40)]
    pub billing_state: Option<String>,
    #[orm(max_length = 40)]
    pub billing_country: Option<String>,
    #[orm(max_length = 10)]
    pub billing_postal_code: Option<String>,
    #[orm(sql_type(postgres = "numeric(10,2)"))]
    pub total: rust_decimal::Decimal,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(index(columns("invoice_id"), name = "invoice_line_invoice_id_idx"))]
#[orm(index(columns("track_id"), name = "invoice_line_track_id_idx"))]
pub struct InvoiceLine {
    #[orm(primary_key, auto_increment = false)]
    pub invoice_line_id: i32,
    #[orm(references(Invoice), fk_name = "invoice_line_invoice_id_fkey")]
    pub invoice_id: i32,
    #[orm(references(Track), fk_name = "invoice_line_track_id_fkey")]
    pub track_id: i32,
    #[orm(sql_type(postgres = "numeric(10,2)"))]
    pub unit_price: rust_decimal::Decimal,
    pub quantity: i32,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct MediaType {
    #[orm(primary_key, auto_increment = false)]
    pub media_type_id: i32,
    #[orm(max_length = 120)]
    pub name: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Playlist {
    #[orm(primary_key, auto_increment = false)]
    pub playlist_id: i32,
    #[orm(max_length = 120)]
    pub name: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(index(columns("playlist_id"), name = "playlist_track_playlist_id_idx"))]
#[orm(index(columns("track_id"), name = "playlist_track_track_id_idx"))]
pub struct PlaylistTrack {
    #[orm(primary_key, references(Playlist), fk_name = "playlist_track_playlist_id_fkey")]
    pub playlist_id: i32,
    #[orm(primary_key, references(Track), fk_name = "playlist_track_track_id_fkey")]
    pub track_id: i32,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(index(columns("album_id"), name = "track_album_id_idx"))]
#[orm(index(columns("genre_id"), name = "track_genre_id_idx"))]
#[orm(index(columns("media_type_id"), name = "track_media_type_id_idx"))]
pub struct Track {
    #[orm(primary_key, auto_increment = false)]
    pub track_id: i32,
    #[orm(max_length = 200)]
    pub name: String,
    #[orm(references(Album), fk_name = "track_album_id_fkey")]
    pub album_id: Option<i32>,
    #[orm(references(MediaType), fk_name = "track_media_type_id_fkey")]
    pub media_type_id: i32,
    #[orm(references(Genre), fk_name = "track_genre_id_fkey")]
    pub genre_id: Option<i32>,
    #[orm(max_length = 220)]
    pub composer: Option<String>,
    pub milliseconds: i32,
    pub bytes: Option<i32>,
    #[orm(sql_type(postgres = "numeric(10,2)"))]
    pub unit_price: rust_decimal::Decimal,
}
