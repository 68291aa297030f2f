//! The validated configuration a command runs with, resolved from the arguments, the
//! environment and `.env` before anything touches a database.

use std::path::PathBuf;

use anyhow::Context;
use orm_core::Dialect;

use crate::args::Args;

/// The database used when no URL is given anywhere: an SQLite file in the current directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://app.db";

/// What a command needs.
pub struct Config {
    /// The database URL (may hold a password: print [`Config::redacted_url`] instead).
    pub database_url: String,
    /// Its dialect.
    pub dialect: Dialect,
    /// Where the model sources are.
    pub models: PathBuf,
    /// Which database's models (`#[orm(database = "…")]`); `None`: those naming none.
    pub database_name: Option<String>,
    /// How long to wait for the database.
    pub connect_timeout: std::time::Duration,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &self.redacted_url())
            .field("dialect", &self.dialect)
            .field("models", &self.models)
            .field("database_name", &self.database_name)
            .field("connect_timeout", &self.connect_timeout)
            .finish()
    }
}

impl Config {
    /// Resolves `args`: `--database-url` (or `DATABASE_URL`, which clap reads), then
    /// `DATABASE_URL` in `./.env`, then [`DEFAULT_DATABASE_URL`].
    pub fn resolve(args: &Args) -> anyhow::Result<Config> {
        let database_url = match &args.connect.database_url {
            Some(url) => url.clone(),
            None => dotenv_url()?.unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
        };
        let dialect = Dialect::from_url(&database_url)?;
        Ok(Config {
            database_url,
            dialect,
            models: args.connect.models.clone(),
            database_name: args.connect.database_name.clone(),
            connect_timeout: std::time::Duration::from_secs(args.connect.connect_timeout),
        })
    }

    /// The URL with its password redacted.
    pub fn redacted_url(&self) -> String {
        orm_core::redact_url(&self.database_url)
    }
}

/// `DATABASE_URL` from `./.env`, if the file exists and sets it.
fn dotenv_url() -> anyhow::Result<Option<String>> {
    let iter = match dotenvy::from_filename_iter(".env") {
        Ok(iter) => iter,
        Err(e) if e.not_found() => return Ok(None),
        Err(e) => return Err(e).context("cannot read .env"),
    };
    for item in iter {
        let (key, value) = item.context("cannot parse .env")?;
        if key == "DATABASE_URL" {
            return Ok(Some(value));
        }
    }
    Ok(None)
}
