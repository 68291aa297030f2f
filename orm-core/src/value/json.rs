//! `Json<T>`: any serde type stored as JSON.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Row, SqlValue, Value};

/// A field stored as a JSON document: `JSONB` on PostgreSQL, `JSON` on MySQL, text on
/// SQLite. `T` is any type serde can serialize and deserialize.
///
/// ```
/// use orm_core::{Json, prelude::*};
///
/// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
/// struct Prefs { theme: String, font_size: u8 }
///
/// #[derive(Model, Debug)]
/// struct Profile {
///     #[orm(primary_key)]
///     id: i64,
///     prefs: Json<Prefs>,
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> orm_core::Result<()> {
/// let db = Database::connect("sqlite::memory:").await?;
/// db.create_tables(&[Profile::table_def()]).await?;
/// let prefs = Prefs { theme: "dark".into(), font_size: 14 };
/// Profile { id: 1, prefs: Json(prefs) }.insert(&db).await?;
/// assert_eq!(Profile::get(&db, 1).await?.unwrap().prefs.0.theme, "dark");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Json<T>(pub T);

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T> SqlValue for Json<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
{
    fn to_value(&self) -> Value {
        match serde_json::to_value(&self.0) {
            Ok(v) => Value::Json(Some(v)),
            Err(e) => Value::Invalid(format!(
                "cannot serialize {} as JSON: {e}",
                std::any::type_name::<T>()
            )),
        }
    }

    fn null() -> Value {
        Value::Json(None)
    }

    fn decode(row: &Row, index: usize) -> Result<Self, sqlx::Error> {
        let value = serde_json::Value::decode(row, index)?;
        serde_json::from_value(value)
            .map(Json)
            .map_err(|e| sqlx::Error::ColumnDecode {
                index: index.to_string(),
                source: Box::new(e),
            })
    }
}
