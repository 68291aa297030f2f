//! The quickstart: create, read, update and delete a user.
//!
//! Runs on an in-memory SQLite database, or on the database in `DATABASE_URL`:
//!
//! ```console
//! $ cargo run -p examples --bin quickstart
//! $ DATABASE_URL=postgres://postgres@127.0.0.1/test cargo run -p examples --bin quickstart
//! ```

use examples::models::User;
use orm_core::prelude::*;

#[tokio::main]
async fn main() -> orm_core::Result<()> {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite::memory:".to_owned());
    let db = Database::connect(&url).await?;
    println!("connected to {}", db.url());

    // Every model linked into this program, in foreign-key order; existing tables are kept.
    db.create_all().await?;

    // Create
    let mut john = User {
        id: 0,
        username: "john_doe".into(),
        email: "john@example.com".into(),
        bio: None,
    };
    john.insert(&db).await?;
    println!("created: {john:?}");

    // Read
    let mut found = User::query()
        .filter(User::username.eq("john_doe"))
        .one(&db)
        .await?;
    println!("read:    {found:?}");

    // Update
    found.email = "john.doe@example.com".into();
    found.update(&db).await?;
    let updated = User::get(&db, found.id)
        .await?
        .ok_or_else(Error::not_found::<User>)?;
    println!("updated: {updated:?}");

    // Delete
    updated.delete(&db).await?;
    let remaining = User::query()
        .filter(User::username.eq("john_doe"))
        .count(&db)
        .await?;
    println!("deleted: {} user(s) named john_doe remain", remaining);
    Ok(())
}
