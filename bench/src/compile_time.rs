//! Compile time of `#[derive(Model)]` against `#[derive(sqlx::FromRow)]`: generated crates
//! of the same 50 structs (with no derive, with `FromRow` twice, the second for the noise,
//! and with `Model`), their dependencies built once, then each rebuilt in alternating
//! rounds after an edit that moves every struct down a line (so that no span stays where
//! it was), in two ways: a whole build of the crate (`CARGO_INCREMENTAL=0`, as in CI or a
//! release build) and an incremental one (a developer's edit-compile loop). What is timed
//! is the crate's own `rustc` command, as cargo runs it, started directly: cargo's own
//! bookkeeping moved the figures by tens of milliseconds from one build to the next on
//! this machine.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// Models per crate, and fields per model.
const MODELS: usize = 50;

/// `derive(FromRow)`'s dependency line.
const SQLX: &str =
    r#"sqlx = { version = "0.9", default-features = false, features = ["sqlite", "derive"] }"#;

/// The crates: their name, dependency line, and what goes before each struct. The second
/// `FromRow` crate is the calibration: the same code, timed in the same rounds, so its
/// ratio is this machine's noise.
const CRATES: [(&str, &str, &str); 4] = [
    ("plain", "", ""),
    ("fromrow", SQLX, "#[derive(sqlx::FromRow)]"),
    ("fromrow_again", SQLX, "#[derive(sqlx::FromRow)]"),
    (
        "model",
        "orm-core = { path = \"ORM_CORE\" }",
        "#[derive(orm_core::Model)]",
    ),
];

/// The crate's source in `round`: the header grows and shrinks by a line from one round to
/// the next, moving every struct, as an edit near the top of a file does.
fn lib_rs(attribute: &str, round: usize) -> String {
    let mut out = format!("//! Generated for the compile-time benchmark (round {round}).\n");
    out.push_str(&"//!\n".repeat(round % 2));
    for i in 0..MODELS {
        out.push_str(&format!(
            "\n/// Model {i}.\n{attribute}\npub struct Model{i} {{\n{key}    pub id: i64,\n    \
             pub name: String,\n    pub count: i32,\n    pub note: Option<String>,\n    \
             pub done: bool,\n}}\n",
            key = if attribute.contains("orm_core") {
                "    #[orm(primary_key)]\n"
            } else {
                ""
            },
        ));
    }
    out
}

/// The rustc of this toolchain, by path: a dependency's own `rust-toolchain` file must
/// not pick another one.
fn rustc() -> Result<PathBuf> {
    let out = Command::new("rustc")
        .args(["--print", "sysroot"])
        .output()?;
    let sysroot = String::from_utf8(out.stdout)?;
    Ok(PathBuf::from(sysroot.trim()).join("bin/rustc"))
}

/// How a crate is rebuilt: its own target directory and `CARGO_INCREMENTAL`.
#[derive(Clone, Copy)]
enum Build {
    Whole,
    Incremental,
}

impl Build {
    const ALL: [Build; 2] = [Build::Whole, Build::Incremental];

    fn title(self) -> &'static str {
        match self {
            Build::Whole => "whole build of the crate (`CARGO_INCREMENTAL=0`)",
            Build::Incremental => "incremental rebuild after the edit",
        }
    }

    fn target_dir(self) -> &'static str {
        match self {
            Build::Whole => "target-whole",
            Build::Incremental => "target-incremental",
        }
    }

    fn incremental(self) -> &'static str {
        match self {
            Build::Whole => "0",
            Build::Incremental => "1",
        }
    }
}

/// Cargo with `args` in `dir`, for `build`: its target directory, `CARGO_INCREMENTAL`,
/// this toolchain's rustc and no `RUSTFLAGS`.
fn cargo_command(dir: &Path, build: Build, args: &[&str]) -> Result<Command> {
    let mut command = Command::new(env!("CARGO"));
    command
        .args(args)
        .current_dir(dir)
        .env("RUSTC", rustc()?)
        .env("CARGO_TARGET_DIR", dir.join(build.target_dir()))
        .env("CARGO_INCREMENTAL", build.incremental())
        .env_remove("RUSTFLAGS");
    Ok(command)
}

fn cargo(dir: &Path, build: Build, args: &[&str]) -> Result<Duration> {
    let mut command = cargo_command(dir, build, args)?;
    let start = Instant::now();
    let out = command.output().context("running cargo")?;
    if !out.status.success() {
        bail!(
            "cargo {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(start.elapsed())
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Builds the crates under `target/compile-time` and prints the table.
pub fn run(rounds: usize) -> Result<()> {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("the workspace")?
        .to_path_buf();
    let dir = workspace.join("target/compile-time");
    std::fs::create_dir_all(&dir)?;
    let members: Vec<String> = CRATES
        .iter()
        .map(|(name, ..)| format!("\"{name}\""))
        .collect();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n[profile.dev]\ndebug = \"line-tables-only\"\n",
            members.join(", ")
        ),
    )?;
    // The project's lock file, so that the dependencies are the versions it tests.
    std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    let orm_core = workspace.join("orm-core");
    for (name, dependency, attribute) in CRATES {
        std::fs::create_dir_all(dir.join(name).join("src"))?;
        std::fs::write(
            dir.join(name).join("Cargo.toml"),
            format!(
                "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[dependencies]\n{}\n",
                dependency.replace("ORM_CORE", &orm_core.display().to_string())
            ),
        )?;
        std::fs::write(dir.join(name).join("src/lib.rs"), lib_rs(attribute, 0))?;
    }
    for build in Build::ALL {
        eprintln!("building the dependencies once ({})…", build.title());
        cargo(&dir, build, &["build", "--workspace"])?;
        measure(&dir, build, rounds)?;
    }
    Ok(())
}

/// The `rustc` command cargo runs for `crate_name`, as a shell command line (taken from
/// `cargo build -v` after a touch).
fn rustc_command(dir: &Path, build: Build, crate_name: &str) -> Result<String> {
    let source = dir.join(crate_name).join("src/lib.rs");
    let text = std::fs::read_to_string(&source)?;
    std::fs::write(&source, text)?;
    let out = cargo_command(dir, build, &["build", "-v", "-p", crate_name])?
        .output()
        .context("running cargo")?;
    let log = String::from_utf8_lossy(&out.stderr);
    let marker = format!("--crate-name {crate_name} ");
    log.lines()
        .filter_map(|line| line.trim().strip_prefix("Running `"))
        .find(|line| line.contains(&marker))
        .and_then(|line| line.strip_suffix('`'))
        .map(str::to_owned)
        .with_context(|| format!("no rustc command for {crate_name} in:\n{log}"))
}

/// Runs `command` (a shell command line) in `dir` and times it.
fn time_rustc(dir: &Path, command: &str) -> Result<Duration> {
    let start = Instant::now();
    let out = Command::new("sh")
        .args(["-c", command])
        .current_dir(dir)
        .output()
        .context("running rustc")?;
    let elapsed = start.elapsed();
    if !out.status.success() {
        bail!("rustc failed:\n{}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(elapsed)
}

/// Rebuilds each crate `rounds` times, alternating, and prints the table.
fn measure(dir: &Path, build: Build, rounds: usize) -> Result<()> {
    let commands = CRATES
        .iter()
        .map(|(name, ..)| rustc_command(dir, build, name))
        .collect::<Result<Vec<_>>>()?;
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); CRATES.len()];
    for round in 1..=rounds {
        for k in 0..CRATES.len() {
            let i = (round + k) % CRATES.len();
            let (name, _, attribute) = CRATES[i];
            std::fs::write(dir.join(name).join("src/lib.rs"), lib_rs(attribute, round))?;
            times[i].push(time_rustc(dir, &commands[i])?);
        }
    }
    let cost: Vec<Duration> = times.into_iter().map(median).collect();
    let reference = cost[1].as_secs_f64();
    // Instructions do not move between runs as time does; counted once, after one more
    // edit, where valgrind is installed (not in the smoke run).
    let instructions: Vec<Option<u64>> = CRATES
        .iter()
        .zip(&commands)
        .map(|((name, _, attribute), command)| {
            if rounds < 2 {
                return Ok(None);
            }
            std::fs::write(
                dir.join(name).join("src/lib.rs"),
                lib_rs(attribute, rounds + 1),
            )?;
            Ok(count_instructions(dir, command))
        })
        .collect::<Result<_>>()?;
    println!(
        "\n### {MODELS} structs of 5 fields: {} (debug)\n",
        build.title()
    );
    println!(
        "| crate | rustc time | against `derive(FromRow)` | instructions | against `derive(FromRow)` |"
    );
    println!("|---|---|---|---|---|");
    for (((name, ..), time), count) in CRATES.iter().zip(&cost).zip(&instructions) {
        let (count, ratio) = match (count, instructions[1]) {
            (Some(count), Some(base)) => (
                format!("{:.0} M", *count as f64 / 1e6),
                format!("{:.2}x", *count as f64 / base as f64),
            ),
            _ => ("-".to_owned(), "-".to_owned()),
        };
        println!(
            "| {name} | {} | {:.2}x | {count} | {ratio} |",
            crate::harness::human(*time),
            time.as_secs_f64() / reference
        );
    }
    println!(
        "\n(the crate's `rustc` process from start to end, medians of {rounds}; `plain` is what \
         any crate of these structs costs; `fromrow_again` is `fromrow` again, the noise; \
         instructions by `valgrind --tool=callgrind`, all threads, once)"
    );
    Ok(())
}

/// The instructions `command` executes, counted by callgrind; `None` without valgrind.
fn count_instructions(dir: &Path, command: &str) -> Option<u64> {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "valgrind --tool=callgrind --callgrind-out-file=/dev/null {command}"
        ))
        .current_dir(dir)
        .output()
        .ok()?;
    let log = String::from_utf8_lossy(&out.stderr);
    let line = log.lines().find(|l| l.contains("Collected :"))?;
    line.rsplit(' ').next()?.trim().parse().ok()
}
