//! The one test binary of lesson `processes`: a module per exercise.
//! These tests are the lesson's spec; they run unchanged against the stubs in
//! `src/` and against the reference solutions (`--features solution`).
//!
//! They run real programs of the base system (`sh`, `cat`, `printf`,
//! `sleep`, `yes`) and the lesson's own fixture, `childproc`
//! (src/bin/childproc.rs), never anything from the network. Every wait is
//! bounded with `testkit::within`, so a deadlock fails a test instead of
//! hanging the run.

use std::io::Write;
use std::process::Stdio;

mod exit_codes;
mod parallel;
mod pipes;
mod run;
mod settle;
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

/// What the re-run's stdin holds: a child that reads it shows these words.
pub const TEST_STDIN: &str = "the test binary's own stdin\n";

/// Runs `scenario` in a new run of this test binary (only the test `test`,
/// e.g. `"run::..."`) whose stdin is a pipe that holds [`TEST_STDIN`] and is
/// then closed, and fails with the re-run's output if the scenario fails
/// there. In the re-run itself, runs `scenario`.
///
/// Why: a child that inherits stdin instead of getting `/dev/null` reads
/// whatever the test binary's stdin is, and that depends on who started it
/// (a terminal, `/dev/null` from CI, an empty pipe from `kata`), so a test
/// could not see the mistake. In the re-run, an inheriting child reads
/// [`TEST_STDIN`], and the scenario can tell.
pub fn in_a_rerun_with_a_pipe_as_stdin(test: &str, scenario: impl FnOnce()) {
    if testkit::rerun::is_rerun_of(test) {
        scenario();
        return;
    }
    let (reader, mut writer) = std::io::pipe().expect("create a pipe");
    writer
        .write_all(TEST_STDIN.as_bytes())
        .expect("fill the pipe");
    drop(writer);
    rerun(
        test,
        Stdio::from(reader),
        &format!("with a pipe as stdin ({TEST_STDIN:?}, then closed)"),
    );
}

/// Scenarios that must see every thread and child process of the test
/// process as the code under test's (waiting until it has settled, with
/// `testkit::asleep::others_asleep` and `testkit::process_state::children`,
/// instead of guessing how long that takes) run in a process of their own.
pub use testkit::rerun::{in_a_process_of_its_own, rerun};
