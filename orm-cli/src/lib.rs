//! The `orm-cli` command line: create and drop the tables of a project's models.
//!
//! ```console
//! $ orm-cli create-all                       # DATABASE_URL, or .env, or sqlite://app.db
//! $ orm-cli create-all --dry-run             # print the DDL instead
//! $ orm-cli drop-all --yes
//! $ orm-cli migrate generate add_user_bio     # diff the models against the database
//! $ orm-cli migrate up | down [N] | status | sql | check
//! $ orm-cli inspect > src/models.rs           # models for an existing database
//! ```
//!
//! Models are read from the project's Rust sources (`--models`, default `src/`) with the
//! same parser `#[derive(Model)]` uses, and the DDL comes from the same function
//! `Database::create_all` runs, so the two always agree.
//!
//! Exit codes: 0 on success, 1 when the command fails, 2 for invalid arguments.

mod args;
mod commands;
mod config;
mod models;

use std::process::ExitCode;

use clap::Parser;

pub use args::{Args, Command, MigrateCommand};
pub use config::{Config, DEFAULT_DATABASE_URL};

/// Parses the arguments, runs the command, prints any error, and returns the exit code.
pub async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs one invocation.
pub async fn run(args: Args) -> anyhow::Result<()> {
    let config = Config::resolve(&args)?;
    match &args.command {
        Command::CreateAll(a) => commands::create_all(&config, a).await,
        Command::DropAll(a) => commands::drop_all(&config, a).await,
        Command::Migrate(m) => commands::migrate::run(&config, m).await,
        Command::Inspect(a) => commands::inspect(&config, a).await,
    }
}
