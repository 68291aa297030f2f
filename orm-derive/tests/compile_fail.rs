//! The derive's compile errors (`tests/ui/*.rs`, one case per message, with the expected
//! output beside each in `.stderr`) and a model that uses every attribute
//! (`tests/ui/pass_*.rs`). Regenerate the `.stderr` files with `TRYBUILD=overwrite`.

use std::path::PathBuf;

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    for case in ui_cases() {
        let is_pass = case
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("pass_"));
        match is_pass {
            true => t.pass(case),
            false => t.compile_fail(case),
        }
    }
}

fn ui_cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir("tests/ui")
        .expect("tests/ui exists")
        .map(|entry| entry.expect("a readable entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .collect();
    cases.sort();
    cases
}
