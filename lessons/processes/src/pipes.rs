//! Exercise 3: `cmd1 | cmd2 | …` without a shell.
//!
//! The shell's `journalctl -u nginx | grep error | tail -n 5` starts three
//! processes at once and connects each one's stdout to the next one's stdin
//! with a pipe: the data flows while they all run. You do the same with
//! `Command`: spawn a stage with `stdout(Stdio::piped())`, take its
//! `ChildStdout` (`child.stdout.take()`) and give it to the next stage as
//! its stdin: `Stdio::from(previous_stdout)`. No shell, so no quoting rules
//! and no injection.
//!
//! The rules:
//!
//! - The first stage reads `stdin`: `Some(data)` is written to it (on a
//!   thread; `data` can be bigger than a pipe) and then closed; `None`
//!   gives it an empty stdin (`Stdio::null()`).
//! - **No deadlock.** Every stage's stderr is piped, and so is the last
//!   stage's stdout. Any of them can fill up (64 KiB) and stop its writer,
//!   which then stops reading, and the pipeline stalls. Read them all *at
//!   the same time*: one thread per stderr (`std::thread::scope` lets the
//!   threads borrow), the last stdout on this thread; then wait for every
//!   child. Keep no copy of a pipe you handed on: a `Command` holds the
//!   `Stdio` you gave it until it is dropped, so build each stage's command
//!   in the statement that spawns it. (A stage that stops reading, like
//!   `head -n 1`, makes its writer get SIGPIPE only once *no one* holds the
//!   pipe's read end.)
//! - **Pipefail.** The pipeline succeeds if every stage exits with 0.
//!   Otherwise the result is the error of the **first** failing stage in
//!   pipeline order (use `check_status` from exercise 1, with that stage's
//!   stderr). Plain `sh` reports only the last stage, and bash's
//!   `set -o pipefail` the rightmost failure; the first is usually the
//!   cause. Note what that means for `yes | head -n 1`: `yes` dies of
//!   SIGPIPE (13), and that is the result, as in bash (`141` = 128 + 13).
//! - A stage that cannot start (`spawn_error`): kill and reap the stages
//!   already started (`kill()`, then `wait()`), and return its error.
//! - An empty `cmds`: `RunError::Io` with `io::ErrorKind::InvalidInput`, an
//!   empty `program` and a message saying the pipeline is empty.
//!
//! Python: `p1 = Popen(cmd1, stdout=PIPE); p2 = Popen(cmd2, stdin=p1.stdout,
//! stdout=PIPE); p1.stdout.close(); out, _ = p2.communicate()`. That
//! `p1.stdout.close()` is the "keep no copy" rule above.
//!
//! Run the tests with `cargo kata check processes/pipes`.

use crate::run::{Cmd, RunError};

/// What a pipeline that succeeded wrote: the last stage's stdout, and the
/// stderr of every stage, in pipeline order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PipelineOutput {
    pub stdout: String,
    pub stderr: Vec<String>,
}

/// Runs `cmds` as a pipeline, `stdin` (if any) going to the first stage.
/// `Ok` with the output if every stage exited with 0; else the error of the
/// first stage (in pipeline order) that did not.
pub fn pipeline(cmds: &[Cmd], stdin: Option<&[u8]>) -> Result<PipelineOutput, RunError> {
    todo!(
        "connect {cmds:?} with pipes, feed the first one {:?} bytes, and apply pipefail",
        stdin.map(<[u8]>::len)
    )
}
