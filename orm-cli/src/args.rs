//! The raw command-line arguments, as clap parses them.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Create, drop and migrate the tables of your models; write models for an existing database.
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

    /// Only the models bound to this database by `#[orm(database = "NAME")]` (default:
    /// the models that name no database), for an application with several databases.
    #[arg(long, global = true, value_name = "NAME")]
    pub database_name: Option<String>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the tables (and indexes) of every model that do not exist yet.
    CreateAll(CreateAllArgs),
    /// Drop the tables of every model, with their data.
    DropAll(DropAllArgs),
    /// Generate, apply, revert and check migrations (sqlx's format and ledger).
    #[command(subcommand)]
    Migrate(MigrateCommand),
    /// Print `#[derive(Model)]` structs for the tables of an existing database.
    Inspect(InspectArgs),
}

/// `migrate …`.
#[derive(Debug, Subcommand)]
pub enum MigrateCommand {
    /// Write a reversible migration that turns the database's schema into the models'
    /// (nothing when they agree).
    Generate(GenerateArgs),
    /// Apply the pending migrations.
    Up(UpArgs),
    /// Revert the newest applied migrations (one by default).
    Down(DownArgs),
    /// List the migrations: applied, pending, changed since applied.
    Status(DirArgs),
    /// Print the SQL the pending migrations would run.
    Sql(DirArgs),
    /// Exit non-zero unless applying every migration to an empty database gives the
    /// models' schema (for CI).
    Check(CheckArgs),
}

/// Where the migration files are.
#[derive(Debug, clap::Args)]
pub struct DirArgs {
    /// The migrations directory.
    #[arg(long, default_value = "migrations")]
    pub dir: PathBuf,
}

/// Options of `migrate generate`.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// The migration's name (letters, digits, underscores).
    pub name: String,
    #[command(flatten)]
    pub dir: DirArgs,
    /// A renamed table, as OLD=NEW (else: a drop and a create, marked destructive).
    #[arg(long = "rename-table", value_name = "OLD=NEW")]
    pub rename_tables: Vec<String>,
    /// A renamed column, as TABLE.OLD=NEW, TABLE by its new name.
    #[arg(long = "rename-column", value_name = "TABLE.OLD=NEW")]
    pub rename_columns: Vec<String>,
}

/// Options of `migrate up`.
#[derive(Debug, clap::Args)]
pub struct UpArgs {
    #[command(flatten)]
    pub dir: DirArgs,
    /// Stop after this version.
    #[arg(long)]
    pub target: Option<i64>,
}

/// Options of `migrate down`.
#[derive(Debug, clap::Args)]
pub struct DownArgs {
    /// How many migrations to revert.
    #[arg(default_value_t = 1)]
    pub count: usize,
    #[command(flatten)]
    pub dir: DirArgs,
}

/// Options of `migrate check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub dir: DirArgs,
    /// An empty database to apply the migrations to. Default: an in-memory SQLite database
    /// for SQLite, else a scratch database created (and dropped) on the server.
    #[arg(long)]
    pub scratch_url: Option<String>,
}

/// Options of `inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// Only these tables (comma-separated, or the option repeated).
    #[arg(long, value_delimiter = ',')]
    pub tables: Vec<String>,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
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
