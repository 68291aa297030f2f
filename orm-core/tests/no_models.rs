//! A binary without models: the link section of registered models is still there (empty),
//! so the registry links and is empty, and `create_all` creates nothing.

use orm_core::Database;
use orm_core::schema::registered_tables;

#[tokio::test]
async fn without_models_the_registry_is_empty() -> orm_core::Result<()> {
    assert!(registered_tables().is_empty());
    let db = Database::connect("sqlite::memory:").await?;
    db.create_all().await?;
    db.drop_all().await?;
    Ok(())
}
