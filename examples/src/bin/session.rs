//! SQLAlchemy's unit-of-work example, line for line, on the backend `DATABASE_URL` names
//! (an SQLite file by default): add, commit, query, change an attribute, commit, delete,
//! commit. Each step prints what it did.
//!
//! ```console
//! $ cargo run -p examples --bin session
//! $ DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo run -p examples --bin session
//! ```

use examples::models::User;
use orm_core::prelude::*;

#[tokio::main]
async fn main() -> orm_core::Result<()> {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| {
        let path = std::env::temp_dir().join(format!("orm-session-{}.db", std::process::id()));
        format!("sqlite://{}?mode=rwc", path.display())
    });
    let db = Database::connect(&url).await?;
    println!("connected to {}", db.url());
    db.drop_tables(&[User::table_def()]).await?;
    db.create_tables(&[User::table_def()]).await?;

    // session = Session(engine)
    let mut session = db.session();

    // session.add(User(username="john_doe", email="john@example.com")); session.commit()
    let john = session.add(User {
        id: 0,
        username: "john_doe".into(),
        email: "john@example.com".into(),
        bio: None,
    });
    session.commit().await?;
    println!("added and committed: {:?}", session[john]);

    // user = session.query(User).filter_by(username="john_doe").first()
    let user = session
        .query::<User>()
        .filter(User::username.eq("john_doe"))
        .first()
        .await?
        .ok_or_else(Error::not_found::<User>)?;
    println!(
        "queried: {:?} (the same object: {})",
        session[user],
        user == john
    );

    // user.email = "john.doe@example.com"; session.commit()
    session[user].email = "john.doe@example.com".into();
    session.commit().await?;
    println!("changed the email and committed: {:?}", session[user]);

    // session.delete(user); session.commit()
    session.delete(user);
    session.commit().await?;
    println!(
        "deleted and committed; users left: {}",
        User::query().count(&db).await?
    );

    db.close().await;
    Ok(())
}
