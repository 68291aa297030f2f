//! `orm-cli`: see the library's documentation for the commands and exit codes.

use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    orm_cli::main().await
}
