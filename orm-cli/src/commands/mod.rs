//! One function per command, each a thin layer over an `orm-core` API.

pub mod migrate;

use anyhow::Context;
use orm_core::Database;

use crate::args::{CreateAllArgs, DropAllArgs, InspectArgs};
use crate::config::Config;
use crate::models::load_tables;

/// `create-all`: creates the missing tables, or prints their DDL.
pub async fn create_all(config: &Config, args: &CreateAllArgs) -> anyhow::Result<()> {
    let tables = load_tables(&config.models, config.database_name.as_deref())?;
    let tables: Vec<_> = tables.iter().collect();
    if args.dry_run {
        print_statements(&orm_core::schema::create_statements(
            config.dialect,
            &tables,
        )?);
        return Ok(());
    }
    let db = connect(config).await?;
    db.create_tables(&tables).await?;
    println!(
        "created missing tables on {}: {}",
        config.redacted_url(),
        names(&tables)
    );
    Ok(())
}

/// `drop-all`: drops the tables, once confirmed with `--yes`.
pub async fn drop_all(config: &Config, args: &DropAllArgs) -> anyhow::Result<()> {
    let tables = load_tables(&config.models, config.database_name.as_deref())?;
    let tables: Vec<_> = tables.iter().collect();
    if args.dry_run {
        print_statements(&orm_core::schema::drop_statements(config.dialect, &tables)?);
        return Ok(());
    }
    if !args.yes {
        anyhow::bail!(
            "drop-all deletes the tables {} and all their rows; pass --yes to confirm",
            names(&tables)
        );
    }
    let db = connect(config).await?;
    db.drop_tables(&tables).await?;
    println!(
        "dropped tables on {}: {}",
        config.redacted_url(),
        names(&tables)
    );
    Ok(())
}

/// `inspect`: prints (or writes) model structs for the database's tables.
pub async fn inspect(config: &Config, args: &InspectArgs) -> anyhow::Result<()> {
    let db = connect(config).await?;
    let mut tables = db.inspect_schema().await?;
    if !args.tables.is_empty() {
        if let Some(missing) = args
            .tables
            .iter()
            .find(|n| !tables.iter().any(|t| &&t.name == n))
        {
            anyhow::bail!("the database has no table `{missing}`");
        }
        tables.retain(|t| args.tables.contains(&t.name));
    }
    let source = orm_core::migrate::model_source(config.dialect, &tables);
    match &args.output {
        Some(path) => {
            std::fs::write(path, &source)
                .with_context(|| format!("cannot write `{}`", path.display()))?;
            eprintln!("wrote {} models to {}", tables.len(), path.display());
        }
        None => print!("{source}"),
    }
    Ok(())
}

/// Opens the database. Its errors already name the (redacted) URL: no context repeats it.
async fn connect(config: &Config) -> anyhow::Result<Database> {
    connect_url(&config.database_url, config).await
}

/// Opens the database at `url` with `config`'s other options.
async fn connect_url(url: &str, config: &Config) -> anyhow::Result<Database> {
    Ok(Database::options(url)
        .acquire_timeout(config.connect_timeout)
        .connect()
        .await?)
}

fn print_statements(statements: &[String]) {
    for statement in statements {
        println!("{statement};");
    }
}

fn names(tables: &[&orm_core::schema::TableDef]) -> String {
    tables
        .iter()
        .map(|t| t.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
