//! Running child processes safely: every child gets a process group of its
//! own, a time limit, and a cap on how much of its output is kept. On expiry,
//! or when the user presses Ctrl-C, the whole group is killed, so a deadlocked
//! test binary or a child it forked is never left behind.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

use crate::error::{Error, Result};

/// Process groups of the children running now, killed by [`kill_all`].
static RUNNING_GROUPS: Mutex<Vec<i32>> = Mutex::new(Vec::new());

/// How long to poll between checks on a running child.
const POLL: Duration = Duration::from_millis(10);
/// How long to wait for a child's pipes to close once it is gone.
const DRAIN: Duration = Duration::from_secs(2);

/// Kills every process group this process started and has not reaped yet.
/// Called from the Ctrl-C handler.
pub fn kill_all() {
    let groups = RUNNING_GROUPS.lock().map(|g| g.clone()).unwrap_or_default();
    for pgid in groups {
        let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
    }
}

/// What a bounded run produced.
#[derive(Debug)]
pub struct Finished {
    /// `None` when the child had to be killed because it ran out of time.
    pub status: Option<ExitStatus>,
    pub stdout: String,
    pub stderr: String,
    /// Some output was dropped because it went over the cap.
    pub truncated: bool,
    pub elapsed: Duration,
}

impl Finished {
    pub fn timed_out(&self) -> bool {
        self.status.is_none()
    }

    /// "killed by signal 6 (SIGABRT)" for a child that died of a signal.
    pub fn signal_description(&self) -> Option<String> {
        let signal = self.status?.signal()?;
        let name = Signal::try_from(signal)
            .map(|s| s.as_str().to_string())
            .unwrap_or_else(|_| "unknown".into());
        Some(format!("killed by signal {signal} ({name})"))
    }
}

/// Called with each line a child writes.
pub type LineCallback = Box<dyn Fn(&str) + Send>;

/// Options of one bounded run.
#[allow(missing_debug_implementations)] // holds a callback
pub struct Bounds {
    /// Kill the child's process group after this long.
    pub limit: Duration,
    /// Keep at most this many bytes of stdout and of stderr each.
    pub max_output: usize,
    /// Called with each line of stderr as it arrives (progress display).
    pub on_stderr_line: Option<LineCallback>,
}

impl Bounds {
    pub fn new(limit: Duration) -> Bounds {
        Bounds {
            limit,
            max_output: 4 * 1024 * 1024,
            on_stderr_line: None,
        }
    }
}

/// Runs `command` in a new process group with stdout and stderr captured,
/// killing the whole group when `bounds.limit` has passed. Also kills the
/// group once the child has exited, so that nothing it started survives it.
pub fn run_bounded(mut command: Command, bounds: Bounds) -> Result<Finished> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let program = command.get_program().to_string_lossy().into_owned();
    let started = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|e| Error::Other(format!("cannot start {program}: {e}")))?;
    let pgid = child.id() as i32;
    RUNNING_GROUPS.lock().expect("group registry").push(pgid);

    let stdout = capture(child.stdout.take(), bounds.max_output, None);
    let stderr = capture(
        child.stderr.take(),
        bounds.max_output,
        bounds.on_stderr_line,
    );

    let status = wait_until(&mut child, started + bounds.limit, pgid);
    let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
    RUNNING_GROUPS
        .lock()
        .expect("group registry")
        .retain(|g| *g != pgid);

    let (stdout, cut_out) = stdout.collect();
    let (stderr, cut_err) = stderr.collect();
    Ok(Finished {
        status,
        stdout,
        stderr,
        truncated: cut_out || cut_err,
        elapsed: started.elapsed(),
    })
}

/// Waits for `child` until `deadline`; past it, kills its group and returns `None`.
fn wait_until(child: &mut Child, deadline: Instant, pgid: i32) -> Option<ExitStatus> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => thread::sleep(POLL),
            _ => {
                let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
                let _ = child.wait();
                return None;
            }
        }
    }
}

/// A pipe being read on a thread of its own into a capped buffer.
struct Captured {
    buffer: Arc<Mutex<(Vec<u8>, bool)>>,
    done: std::sync::mpsc::Receiver<()>,
}

impl Captured {
    /// Waits (boundedly) for the pipe to close and returns the text read and
    /// whether any was dropped.
    fn collect(self) -> (String, bool) {
        let _ = self.done.recv_timeout(DRAIN);
        let guard = self.buffer.lock().expect("capture buffer");
        (String::from_utf8_lossy(&guard.0).into_owned(), guard.1)
    }
}

fn capture<R: Read + Send + 'static>(
    pipe: Option<R>,
    max: usize,
    on_line: Option<LineCallback>,
) -> Captured {
    let buffer = Arc::new(Mutex::new((Vec::new(), false)));
    let (tx, done) = std::sync::mpsc::channel();
    let shared = Arc::clone(&buffer);
    thread::spawn(move || {
        if let Some(pipe) = pipe {
            let mut reader = BufReader::new(pipe);
            let mut line = Vec::new();
            // Read line by line so a progress callback sees whole lines; keep
            // reading past the cap (and drop it) so the child never blocks.
            while let Ok(n) = reader.read_until(b'\n', &mut line) {
                if n == 0 {
                    break;
                }
                if let Some(callback) = &on_line {
                    callback(String::from_utf8_lossy(&line).trim_end());
                }
                let mut guard = shared.lock().expect("capture buffer");
                let room = max.saturating_sub(guard.0.len());
                if line.len() > room {
                    guard.1 = true;
                }
                let keep = line.len().min(room);
                guard.0.extend_from_slice(&line[..keep]);
                drop(guard);
                line.clear();
            }
        }
        let _ = tx.send(());
    });
    Captured { buffer, done }
}
