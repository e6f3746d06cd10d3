//! Exercise 4: hand over each line as soon as it is written; the Terraform
//! runner.
//!
//! `run` gives you the output once the program is done. A `terraform apply`
//! takes minutes, and its user wants to see each line as it comes. Python's
//! `Popen(..., stdout=PIPE, text=True)` with `for line in p.stdout:` does
//! that for one stream; here both streams are read, told apart, and handed
//! to a callback.
//!
//! The shape of [`stream`]:
//!
//! - Spawn the command with the `stdin` you are given, stdout and stderr
//!   piped.
//! - One thread per stream reads it line by line
//!   (`BufReader::new(pipe).read_until(b'\n', &mut buf)`; `lines()` would
//!   stop at the first byte that is not UTF-8) and sends each line, as a
//!   [`Line`], into one `std::sync::mpsc` channel.
//! - *This* thread receives from the channel and calls `on_line` for each
//!   line, in the order they arrive: so `on_line` runs on the caller's
//!   thread and needs no `Send`. The receiving loop ends when every
//!   `Sender` is gone: give the two threads the two senders and keep none.
//! - Then `wait` for the child, and `check_status` (exercise 1), with the
//!   stderr lines joined (each followed by `\n`) as the stderr.
//!
//! A line is handed over without its `\n`; a last line without one counts;
//! empty lines count; bytes that are not UTF-8 become `U+FFFD`. Lines of
//! one stream come in order; between the two streams, the order is however
//! the threads happen to send them.
//!
//! Why a `stdin` parameter: the caller decides what the child reads. The
//! tests give it the read end of a pipe (`std::io::pipe()`) and write to it
//! from `on_line`, which proves each line arrived while the child was still
//! running and waiting for them. [`run_steps`] gives `Stdio::null()`.
//!
//! Run the tests with `cargo kata check processes/streaming`.

use std::error::Error;
use std::fmt;
use std::process::Stdio;

use crate::run::{Cmd, RunError};

/// One line of a child's output, without its `\n`, and which stream it came
/// from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Stdout(String),
    Stderr(String),
}

/// The step of a sequence that failed (`step` is 0-based; the message
/// counts from 1, as people do), and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepError {
    pub step: usize,
    pub error: RunError,
}

impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "step {} failed: {}", self.step + 1, self.error)
    }
}

impl Error for StepError {}

/// Runs `cmd` with `stdin` as its standard input and calls `on_line` with
/// every line it writes, as soon as the line is written. `Ok(())` if it
/// exited with 0, else the error from `check_status`.
pub fn stream(cmd: &Cmd, stdin: Stdio, on_line: impl FnMut(Line)) -> Result<(), RunError> {
    todo!(
        "run {cmd:?} with the stdin {stdin:?}, and give each line to on_line ({}) as it comes",
        std::any::type_name_of_val(&on_line)
    )
}

/// Runs `steps` one after the other (think `terraform init`, `plan`,
/// `apply`), each with an empty stdin (`Stdio::null()`), calling
/// `on_line(step, line)` for each line as it comes, `step` being the step's
/// index. Stops at the first step that fails: the steps after it never
/// start, and the error says which step (0-based) and how.
pub fn run_steps(steps: &[Cmd], on_line: impl FnMut(usize, Line)) -> Result<(), StepError> {
    todo!(
        "run {steps:?} in order with stream, stopping at the first failure, telling on_line ({}) the step of each line",
        std::any::type_name_of_val(&on_line)
    )
}
