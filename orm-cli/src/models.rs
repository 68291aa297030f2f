//! Finding the models in a project's sources, with the parser the derive uses.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use orm_core::schema::TableDef;
use orm_schema::parse::{ModelDef, parse_file, resolve_tables};

/// The tables of every `#[derive(Model)]` struct in the `.rs` files under `path` (a
/// directory, searched recursively, or one file) bound to `database` (`None`: the models
/// that name no database).
pub fn load_tables(path: &Path, database: Option<&str>) -> anyhow::Result<Vec<TableDef>> {
    let mut files = Vec::new();
    if path.is_file() {
        files.push(path.to_owned());
    } else if path.is_dir() {
        collect_rust_files(path, &mut files)?;
        files.sort();
    } else {
        bail!("the models path `{}` does not exist", path.display());
    }
    let dir = path;

    let mut models: Vec<ModelDef> = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read `{}`", file.display()))?;
        let found = parse_file(&source).map_err(|e| {
            let at = e.span().start();
            anyhow::anyhow!("{}:{}:{}: {e}", file.display(), at.line, at.column + 1)
        })?;
        models.extend(found);
    }
    if models.is_empty() {
        bail!(
            "no models found: no struct under `{}` derives `Model` (use --models DIR or FILE)",
            dir.display()
        );
    }
    let tables = resolve_tables(&models).map_err(|e| anyhow::anyhow!(e))?;
    // Views (`#[orm(view)]`) are read, never created or dropped.
    let chosen: Vec<TableDef> = models
        .iter()
        .zip(tables)
        .filter(|(m, _)| !m.view && m.database.as_deref() == database)
        .map(|(_, t)| t)
        .collect();
    if chosen.is_empty() {
        let named = database.map_or("no database".to_owned(), |d| format!("database `{d}`"));
        bail!(
            "no models of {named} under `{}` (see --database-name)",
            dir.display()
        );
    }
    Ok(chosen)
}

fn collect_rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot list `{}`", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            collect_rust_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}
