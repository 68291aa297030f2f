//! Misuses of the query API that must not compile (`tests/ui/*.rs`, one case per file,
//! with the compiler's message beside each in `.stderr`). Regenerate the `.stderr` files
//! with `TRYBUILD=overwrite cargo test -p orm-tests --test compile_fail`, then read them.

#[test]
fn ui() {
    trybuild::TestCases::new().compile_fail("ui/*.rs");
}
