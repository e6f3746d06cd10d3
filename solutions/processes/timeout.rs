//! Exercise 5: a time limit that kills everything the command started.
//!
//! Reference solution. The child leads a process group of its own, so one
//! `killpg` reaches it and everything it forked. Three threads report to one
//! channel: a waiter that owns the child and reaps it, and one reader per
//! stream. The calling thread waits for the three reports until the
//! deadline; if they do not all arrive in time it kills the group, after
//! which they arrive at once.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Sender};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

use crate::run::{Cmd, Output, RunError, check_status, spawn_error};

/// What the helper threads report.
enum Report {
    Exited(std::io::Result<ExitStatus>),
    Stdout(Vec<u8>),
    Stderr(Vec<u8>),
}

// ANCHOR: run_with_timeout
/// Runs `cmd` (stdin empty) and returns what it wrote, like `run`, unless it
/// has not exited and closed its output within `limit`: then it and every
/// process it started are killed, and the error carries the output so far.
pub fn run_with_timeout(cmd: &Cmd, limit: Duration) -> Result<Output, RunError> {
    let deadline = Instant::now() + limit;
    let mut child = Command::new(&cmd.program)
        .args(&cmd.args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // A new process group whose id is the child's pid: the child and
        // all it forks (unless they move out on purpose) are in it.
        .process_group(0)
        .spawn()
        .map_err(|e| spawn_error(&cmd.program, e))?;
    let group = Pid::from_raw(i32::try_from(child.id()).expect("a pid fits in i32"));

    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().expect("stdout is piped");
    let err = child.stderr.take().expect("stderr is piped");
    read_on_thread(out, tx.clone(), Report::Stdout);
    read_on_thread(err, tx.clone(), Report::Stderr);
    thread::spawn(move || {
        // `wait` reaps the child: no zombie is left, whatever happens next.
        let _ = tx.send(Report::Exited(child.wait()));
    });

    let mut status = None;
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let mut timed_out = false;
    // The limit covers the output too: a background process that keeps the
    // pipes open after the child exited would otherwise hold us forever.
    for _ in 0..3 {
        let left = deadline.saturating_duration_since(Instant::now());
        let report = match rx.recv_timeout(left) {
            Ok(report) => report,
            Err(_) => {
                if !timed_out {
                    timed_out = true;
                    // SIGKILL to the whole group. An error (ESRCH: the group
                    // is already gone) changes nothing.
                    let _ = killpg(group, Signal::SIGKILL);
                }
                // Every process of the group dies, so the pipes close and
                // the child is reaped: the missing reports arrive.
                rx.recv().expect("the helper threads always report")
            }
        };
        match report {
            Report::Exited(s) => status = Some(s),
            Report::Stdout(bytes) => stdout = bytes,
            Report::Stderr(bytes) => stderr = bytes,
        }
    }

    let stdout = String::from_utf8_lossy(&stdout).into_owned();
    let stderr = String::from_utf8_lossy(&stderr).into_owned();
    if timed_out {
        return Err(RunError::TimedOut {
            program: cmd.program.clone(),
            limit,
            stdout,
            stderr,
        });
    }
    let status = status
        .expect("the waiter reported")
        .map_err(|e| RunError::Io {
            program: cmd.program.clone(),
            kind: e.kind(),
            message: e.to_string(),
        })?;
    check_status(&cmd.program, status, &stderr)?;
    Ok(Output { stdout, stderr })
}

/// A thread that reads `pipe` to its end and reports the bytes.
fn read_on_thread(
    mut pipe: impl Read + Send + 'static,
    tx: Sender<Report>,
    tag: fn(Vec<u8>) -> Report,
) {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        let _ = tx.send(tag(bytes));
    });
}
// ANCHOR_END: run_with_timeout
