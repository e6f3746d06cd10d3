//! Exercise 4: hand over each line as soon as it is written; the Terraform
//! runner.
//!
//! Reference solution. One thread per stream reads lines and sends them,
//! tagged, over one channel; the calling thread receives them in the order
//! they arrive and calls the callback, so the callback needs neither `Send`
//! nor a lock.

use std::error::Error;
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, Sender};
use std::thread;

use crate::run::{Cmd, RunError, check_status, spawn_error};

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

// ANCHOR: stream
/// Runs `cmd` with `stdin` as its standard input and calls `on_line` with
/// every line it writes, as soon as the line is written.
pub fn stream(cmd: &Cmd, stdin: Stdio, mut on_line: impl FnMut(Line)) -> Result<(), RunError> {
    let mut child = Command::new(&cmd.program)
        .args(&cmd.args)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| spawn_error(&cmd.program, e))?;

    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().expect("stdout is piped");
    let err = child.stderr.take().expect("stderr is piped");
    let readers = [
        send_lines(out, tx.clone(), Line::Stdout),
        send_lines(err, tx, Line::Stderr),
    ];
    // `tx` moved into the second reader: once both readers are done, every
    // sender is gone and this loop ends. A `tx` kept here would never let it.
    let mut stderr = String::new();
    for line in rx {
        if let Line::Stderr(text) = &line {
            stderr.push_str(text);
            stderr.push('\n');
        }
        on_line(line);
    }
    for reader in readers {
        reader.join().expect("a reader does not panic");
    }

    let status = child.wait().map_err(|e| RunError::Io {
        program: cmd.program.clone(),
        kind: e.kind(),
        message: e.to_string(),
    })?;
    check_status(&cmd.program, status, &stderr)
}

/// A thread that sends each line of `pipe`, wrapped by `tag`, until the end.
fn send_lines(
    pipe: impl Read + Send + 'static,
    tx: Sender<Line>,
    tag: fn(String) -> Line,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let mut reader = BufReader::new(pipe);
        let mut buf = Vec::new();
        // `read_until`, not `lines()`: a byte that is not UTF-8 must not end
        // the stream, and a last line without `\n` still counts.
        while let Ok(n) = reader.read_until(b'\n', &mut buf) {
            if n == 0 {
                break;
            }
            if buf.last() == Some(&b'\n') {
                buf.pop();
            }
            let text = String::from_utf8_lossy(&buf).into_owned();
            if tx.send(tag(text)).is_err() {
                break;
            }
            buf.clear();
        }
    })
}
// ANCHOR_END: stream

// ANCHOR: run_steps
/// Runs `steps` one after the other, like `terraform init`, `plan`, `apply`,
/// each with an empty stdin, calling `on_line(step, line)` for each line as
/// it comes. Stops at the first step that fails and says which.
pub fn run_steps(steps: &[Cmd], mut on_line: impl FnMut(usize, Line)) -> Result<(), StepError> {
    for (step, cmd) in steps.iter().enumerate() {
        stream(cmd, Stdio::null(), |line| on_line(step, line))
            .map_err(|error| StepError { step, error })?;
    }
    Ok(())
}
// ANCHOR_END: run_steps
