//! The raw command-line arguments, as clap parses them.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Create and drop the tables of your models.
#[derive(Debug, Parser)]
#[command(name = "orm-cli", version, about)]
pub struct Args {
    /// Connection and model options.
    #[command(flatten)]
    pub connect: ConnectArgs,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Where the database and the models are.
#[derive(clap::Args)]
pub struct ConnectArgs {
    /// Database URL (sqlite://app.db, postgres://…, mysql://…). Defaults to the
    /// DATABASE_URL environment variable, then DATABASE_URL in ./.env, then sqlite://app.db.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Seconds to wait for the database to answer.
    #[arg(long, global = true, default_value_t = 10)]
    pub connect_timeout: u64,

    /// Directory (searched recursively) or file of Rust sources to read
    /// `#[derive(Model)]` structs from.
    #[arg(long, global = true, default_value = "src")]
    pub models: PathBuf,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the tables (and indexes) of every model that do not exist yet.
    CreateAll(CreateAllArgs),
    /// Drop the tables of every model, with their data.
    DropAll(DropAllArgs),
}

/// Options of `create-all`.
#[derive(Debug, clap::Args)]
pub struct CreateAllArgs {
    /// Print the DDL instead of running it.
    #[arg(long)]
    pub dry_run: bool,
}

/// Options of `drop-all`.
#[derive(Debug, clap::Args)]
pub struct DropAllArgs {
    /// Confirm that the tables and their data are to be dropped.
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Print the DDL instead of running it.
    #[arg(long)]
    pub dry_run: bool,
}

impl std::fmt::Debug for ConnectArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let url = self.database_url.as_deref().map(orm_core::redact_url);
        f.debug_struct("ConnectArgs")
            .field("database_url", &url)
            .field("connect_timeout", &self.connect_timeout)
            .field("models", &self.models)
            .finish()
    }
}
