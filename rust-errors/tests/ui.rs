//! The compiler errors of the book's "Rust you need" boxes: each
//! `tests/ui/<case>.rs` must fail to compile with the error recorded in
//! `tests/ui/<case>.stderr`, which the book includes as it is. After a rustc
//! update changes the wording: `TRYBUILD=overwrite cargo test -p rust-errors`,
//! then read the diff and the book pages that include the changed files.

#[test]
fn compile_errors_the_book_shows() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
