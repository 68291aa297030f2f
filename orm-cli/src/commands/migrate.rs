//! `migrate …`: each a thin layer over `orm_core::migrate` and `Database::migrate*`.

use std::path::Path;

use anyhow::{Context, bail};
use orm_core::migrate::{MigrationState, Renames, diff};
use orm_core::schema::TableDef;
use orm_core::{Database, Dialect};

use super::{connect, connect_url};
use crate::args::{CheckArgs, DirArgs, DownArgs, GenerateArgs, MigrateCommand, UpArgs};
use crate::config::Config;
use crate::models::load_tables;

/// Runs one `migrate` command.
pub async fn run(config: &Config, command: &MigrateCommand) -> anyhow::Result<()> {
    match command {
        MigrateCommand::Generate(a) => generate(config, a).await,
        MigrateCommand::Up(a) => up(config, a).await,
        MigrateCommand::Down(a) => down(config, a).await,
        MigrateCommand::Status(a) => status(config, a).await,
        MigrateCommand::Sql(a) => sql(config, a).await,
        MigrateCommand::Check(a) => check(config, a).await,
    }
}

async fn generate(config: &Config, args: &GenerateArgs) -> anyhow::Result<()> {
    let tables = load_tables(&config.models, config.database_name.as_deref())?;
    let tables: Vec<&TableDef> = tables.iter().collect();
    let renames = renames(args)?;
    let db = connect(config).await?;
    // The database must be where the files leave it, or the diff would repeat them.
    if args.dir.dir.is_dir() {
        let unapplied: Vec<String> = db
            .migration_status(&args.dir.dir)
            .await?
            .into_iter()
            .filter(|s| s.state != MigrationState::Applied)
            .map(|s| format!("{} ({})", s.version, s.state))
            .collect();
        if !unapplied.is_empty() {
            bail!(
                "the database is not at the newest migration: {}; run `orm-cli migrate up` first",
                unapplied.join(", ")
            );
        }
    }
    let files = db.plan_migration(&tables, &renames).await?;
    if files.is_empty() {
        println!("nothing to do: the database matches the models; no migration written");
        return Ok(());
    }
    let (up, down) = files
        .write(&args.dir.dir, &args.name)
        .with_context(|| format!("cannot write into `{}`", args.dir.dir.display()))?;
    println!("wrote {}", up.display());
    println!("wrote {}", down.display());
    for step in &files.up_steps {
        println!(
            "  {}{}",
            if step.destructive { "! " } else { "  " },
            step.comment
        );
    }
    if files.is_destructive() {
        eprintln!(
            "warning: steps marked `!` lose data; review {} before applying it",
            up.display()
        );
    }
    Ok(())
}

/// The `--rename-*` hints.
fn renames(args: &GenerateArgs) -> anyhow::Result<Renames> {
    let mut renames = Renames::default();
    for hint in &args.rename_tables {
        let Some((from, to)) = hint
            .split_once('=')
            .filter(|(f, t)| !f.is_empty() && !t.is_empty())
        else {
            bail!("--rename-table takes OLD=NEW, not `{hint}`");
        };
        renames = renames.table(from, to);
    }
    for hint in &args.rename_columns {
        let parsed = hint
            .split_once('=')
            .and_then(|(left, to)| left.rsplit_once('.').map(|(t, f)| (t, f, to)))
            .filter(|(t, f, to)| !t.is_empty() && !f.is_empty() && !to.is_empty());
        let Some((table, from, to)) = parsed else {
            bail!("--rename-column takes TABLE.OLD=NEW, not `{hint}`");
        };
        renames = renames.column(table, from, to);
    }
    Ok(renames)
}

async fn up(config: &Config, args: &UpArgs) -> anyhow::Result<()> {
    let db = connect(config).await?;
    let applied = match args.target {
        Some(target) => db.migrate_to(&args.dir.dir, target).await?,
        None => db.migrate(&args.dir.dir).await?,
    };
    if applied.is_empty() {
        println!("nothing to apply: the database is up to date");
    }
    for version in applied {
        println!("applied {version}");
    }
    Ok(())
}

async fn down(config: &Config, args: &DownArgs) -> anyhow::Result<()> {
    let db = connect(config).await?;
    let reverted = db.migrate_down(&args.dir.dir, args.count).await?;
    if reverted.is_empty() {
        println!("nothing to revert: no migration is applied");
    }
    for version in reverted {
        println!("reverted {version}");
    }
    Ok(())
}

async fn status(config: &Config, args: &DirArgs) -> anyhow::Result<()> {
    let db = connect(config).await?;
    let status = db.migration_status(&args.dir).await?;
    if status.is_empty() {
        println!("no migrations in {}", args.dir.display());
    }
    for s in &status {
        println!("{} {:<40} {}", s.version, s.description, s.state);
    }
    Ok(())
}

/// Prints the `up` files of the pending migrations, in order.
async fn sql(config: &Config, args: &DirArgs) -> anyhow::Result<()> {
    let db = connect(config).await?;
    let pending: Vec<i64> = db
        .migration_status(&args.dir)
        .await?
        .into_iter()
        .filter(|s| s.state == MigrationState::Pending)
        .map(|s| s.version)
        .collect();
    if pending.is_empty() {
        println!("-- nothing pending");
    }
    for version in pending {
        let path = up_file(&args.dir, version)?;
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read `{}`", path.display()))?;
        println!("-- {}", path.display());
        println!("{}", text.trim_end());
    }
    Ok(())
}

/// The file that applies `version`: `<version>_name.up.sql`, or `<version>_name.sql`.
fn up_file(dir: &Path, version: i64) -> anyhow::Result<std::path::PathBuf> {
    let prefix = format!("{version}_");
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if name.starts_with(&prefix) && name.ends_with(".sql") && !name.ends_with(".down.sql") {
            return Ok(path);
        }
    }
    bail!("no up file for migration {version} in `{}`", dir.display())
}

/// Applies every migration to an empty database and compares the result with the models.
async fn check(config: &Config, args: &CheckArgs) -> anyhow::Result<()> {
    let tables = load_tables(&config.models, config.database_name.as_deref())?;
    let tables: Vec<&TableDef> = tables.iter().collect();
    let scratch = Scratch::open(config, args.scratch_url.as_deref()).await?;
    let outcome = async {
        scratch
            .db
            .migrate(&args.dir.dir)
            .await
            .context("the migrations do not apply to an empty database")?;
        let live = scratch.db.inspect_schema().await?;
        let steps = diff(scratch.db.dialect(), &tables, &live, &Renames::default())?;
        anyhow::Ok(steps)
    }
    .await;
    scratch.close().await?;
    let steps = outcome?;
    if steps.is_empty() {
        println!(
            "ok: the migrations in {} give the models' schema",
            args.dir.dir.display()
        );
        return Ok(());
    }
    for step in &steps {
        println!("  {}", step.comment);
    }
    bail!(
        "the migrations in {} do not give the models' schema ({} difference(s) above): run \
         `orm-cli migrate generate NAME`",
        args.dir.dir.display(),
        steps.len()
    )
}

/// An empty database for `check`: given, in memory (SQLite), or created on the server and
/// dropped afterwards.
struct Scratch {
    db: Database,
    /// The server connection and the scratch database's name, to drop it.
    created: Option<(Database, String)>,
}

impl Scratch {
    async fn open(config: &Config, given: Option<&str>) -> anyhow::Result<Scratch> {
        if let Some(url) = given {
            let db = connect_url(url, config).await?;
            if !db.inspect_schema().await?.is_empty() {
                bail!("the scratch database must be empty");
            }
            return Ok(Scratch { db, created: None });
        }
        if !config.dialect.has_server() {
            let db = connect_url("sqlite::memory:", config).await?;
            return Ok(Scratch { db, created: None });
        }
        let server = connect_url(&config.database_url, config).await?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("orm_check_{}_{nanos}", std::process::id());
        // PostgreSQL: a schema of the same database (no CREATEDB needed); MySQL: a database.
        let kind = if config.dialect == Dialect::Postgres {
            "SCHEMA"
        } else {
            "DATABASE"
        };
        orm_core::Raw::dynamic(format!("CREATE {kind} {}", config.dialect.quoted(&name)))
            .execute(&server)
            .await
            .context("cannot create a scratch database (or pass --scratch-url)")?;
        let url = scratch_url(&config.database_url, config.dialect, &name)?;
        match connect_url(&url, config).await {
            Ok(db) => Ok(Scratch {
                db,
                created: Some((server, name)),
            }),
            Err(e) => {
                drop_scratch(&server, &name).await;
                Err(e)
            }
        }
    }

    async fn close(self) -> anyhow::Result<()> {
        self.db.close().await;
        if let Some((server, name)) = self.created {
            drop_scratch(&server, &name).await;
            server.close().await;
        }
        Ok(())
    }
}

/// `url` pointed at the scratch schema (PostgreSQL's `search_path`) or database (MySQL).
fn scratch_url(url: &str, dialect: Dialect, name: &str) -> anyhow::Result<String> {
    let mut url = url::Url::parse(url).context("invalid database URL")?;
    if dialect == Dialect::Postgres {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| k != "options[search_path]")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        url.query_pairs_mut()
            .clear()
            .extend_pairs(kept)
            .append_pair("options[search_path]", name);
    } else {
        url.set_path(&format!("/{name}"));
    }
    Ok(url.into())
}

async fn drop_scratch(server: &Database, name: &str) {
    let dialect = server.dialect();
    let sql = match dialect {
        Dialect::Postgres => format!("DROP SCHEMA IF EXISTS {} CASCADE", dialect.quoted(name)),
        _ => format!("DROP DATABASE IF EXISTS {}", dialect.quoted(name)),
    };
    if let Err(e) = orm_core::Raw::dynamic(sql).execute(server).await {
        eprintln!("warning: the scratch database `{name}` could not be dropped: {e}");
    }
}
