//! Exercise 5: a time limit that kills everything the command started.
//!
//! Reference solution. The child leads a process group of its own, so one
//! `killpg` reaches it and everything it forked that stayed in the group.
//! Three threads report to one channel: a waiter that owns the child and
//! reaps it, and one reader per stream, which keeps what it reads in a
//! buffer shared with the caller. The calling thread takes the reports
//! until the deadline; if they have not all come by then, it kills the
//! group, waits (a bounded while) for the child to be reaped, and returns
//! with the output read so far. It never waits for a pipe past that: a
//! process outside the group (a daemon that called `setsid`) may hold it
//! open for ever.

use std::io::{ErrorKind, Read};
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

use crate::run::{Cmd, Output, RunError, check_status, spawn_error};

/// How long, after the `SIGKILL`, to wait for the child to be reaped.
/// SIGKILL cannot be caught, so this takes microseconds; the bound is for
/// a child the kill did not reach (it left the group) or that is stuck in
/// the kernel.
const REAP_LIMIT: Duration = Duration::from_secs(2);

/// How long, once the child is reaped, to let the pipes close (the readers
/// then take the last bytes): they close at once unless a process outside
/// the group holds them.
const DRAIN_LIMIT: Duration = Duration::from_millis(100);

/// What the helper threads report.
enum Report {
    Exited(std::io::Result<ExitStatus>),
    /// A reader saw the end of its pipe: everything is in its buffer.
    Closed,
}

/// What has been reported so far.
struct Progress {
    status: Option<std::io::Result<ExitStatus>>,
    open_pipes: usize,
}

impl Progress {
    /// Takes reports until `done` holds (true) or `until` passes (false).
    fn until(
        &mut self,
        rx: &Receiver<Report>,
        until: Instant,
        done: fn(&Progress) -> bool,
    ) -> bool {
        while !done(self) {
            let left = until.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(Report::Exited(status)) => self.status = Some(status),
                Ok(Report::Closed) => self.open_pipes -= 1,
                Err(_) => return false,
            }
        }
        true
    }
}

fn all_done(p: &Progress) -> bool {
    p.status.is_some() && p.open_pipes == 0
}

fn reaped(p: &Progress) -> bool {
    p.status.is_some()
}

// ANCHOR: run_with_timeout
/// Runs `cmd` (stdin empty) and returns what it wrote, like `run`, unless it
/// has not exited and closed its output within `limit`: then its process
/// group is killed, the child reaped, and the error carries the output so
/// far. Returns within `limit` plus at most `REAP_LIMIT + DRAIN_LIMIT`.
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
    let stdout = read_on_thread(child.stdout.take().expect("piped"), tx.clone());
    let stderr = read_on_thread(child.stderr.take().expect("piped"), tx.clone());
    thread::spawn(move || {
        // `wait` reaps the child: no zombie is left, whatever happens next.
        let _ = tx.send(Report::Exited(child.wait()));
    });

    let mut progress = Progress {
        status: None,
        open_pipes: 2,
    };
    // The limit covers the output too: a background process that keeps the
    // pipes open after the child exited is part of the command.
    let in_time = progress.until(&rx, deadline, all_done);
    if !in_time {
        // SIGKILL to the whole group. An error (ESRCH: the group is already
        // gone) changes nothing.
        let _ = killpg(group, Signal::SIGKILL);
        // The child is in the group: it dies, and the waiter reaps it.
        if progress.until(&rx, Instant::now() + REAP_LIMIT, reaped) {
            // The pipes close unless a process outside the group holds them;
            // then their readers stay blocked, and we do not wait for them.
            progress.until(&rx, Instant::now() + DRAIN_LIMIT, all_done);
        }
    }

    let stdout =
        String::from_utf8_lossy(&stdout.lock().expect("a reader does not panic")).into_owned();
    let stderr =
        String::from_utf8_lossy(&stderr.lock().expect("a reader does not panic")).into_owned();
    if !in_time {
        return Err(RunError::TimedOut {
            program: cmd.program.clone(),
            limit,
            stdout,
            stderr,
        });
    }
    let status = progress
        .status
        .expect("the waiter reported")
        .map_err(|e| RunError::Io {
            program: cmd.program.clone(),
            kind: e.kind(),
            message: e.to_string(),
        })?;
    check_status(&cmd.program, status, &stderr)?;
    Ok(Output { stdout, stderr })
}

/// A thread that reads `pipe` into the buffer it returns, a chunk at a
/// time (so the caller can take what came so far at any moment), and
/// reports `Closed` at the end.
fn read_on_thread(mut pipe: impl Read + Send + 'static, tx: Sender<Report>) -> Arc<Mutex<Vec<u8>>> {
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let shared = Arc::clone(&buffer);
    thread::spawn(move || {
        let mut chunk = [0u8; 8192];
        loop {
            match pipe.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => shared
                    .lock()
                    .expect("the caller does not panic")
                    .extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        let _ = tx.send(Report::Closed);
    });
    buffer
}
// ANCHOR_END: run_with_timeout
