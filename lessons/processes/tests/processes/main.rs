//! The one test binary of lesson `processes`: a module per exercise.
//! These tests are the lesson's spec; they run unchanged against the stubs in
//! `src/` and against the reference solutions (`--features solution`).
//!
//! They run real programs of the base system (`sh`, `cat`, `printf`,
//! `sleep`, `yes`) and the lesson's own fixture, `childproc`
//! (src/bin/childproc.rs), never anything from the network. Every wait is
//! bounded with `testkit::within`, so a deadlock fails a test instead of
//! hanging the run.

mod exit_codes;
mod parallel;
mod pipes;
mod run;
mod streaming;
mod timeout;

/// The path of the `childproc` fixture, built by cargo for these tests.
pub fn childproc() -> &'static str {
    env!("CARGO_BIN_EXE_childproc")
}

/// One argument with spaces, quotes and a `;`: a shell would run the
/// `echo` after the `;`. A program run without a shell gets it as one
/// argument, untouched.
pub const INJECTION: &str = r#"a b; echo INJECTED "q" 'x' $HOME"#;
