//! Running child processes safely: every child gets a process group of its
//! own, an empty pipe as stdin, a time limit, and a cap in bytes on how much
//! of its output is kept (the start and the end). On expiry, or when the user
//! presses Ctrl-C, the whole group is killed; on Linux `kata` is also a child
//! subreaper, so whatever escaped the group (a new session, a double fork)
//! comes back to it as an orphan and is killed and reaped after each run.

use std::collections::VecDeque;
use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, Once};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use rust_i18n::t;

use crate::error::{Error, Result};

/// Process groups of the children running now (their leaders' pids, which are
/// the children `run_bounded` waits for), killed by [`kill_all`].
static RUNNING_GROUPS: Mutex<Vec<i32>> = Mutex::new(Vec::new());

/// How long to poll between checks on a running child.
const POLL: Duration = Duration::from_millis(10);
/// How long to wait for a child's pipes to close once it and everything it
/// started is gone (on Linux they are closed by then; elsewhere a process that
/// escaped the group may hold them).
const DRAIN: Duration = Duration::from_secs(2);
/// Output is read in chunks of this size, never line by line, so a flood
/// without a newline cannot grow a buffer.
const CHUNK: usize = 64 * 1024;
/// A line handed to a line callback is cut at this many bytes.
const MAX_CALLBACK_LINE: usize = 8 * 1024;

/// Call once at the start of `kata`: closes every file descriptor above 2 that
/// `kata` inherited (its own are opened close-on-exec, so after this no fd of
/// `kata` reaches learner code), and makes `kata` a child subreaper on Linux.
pub fn init() {
    close_inherited_fds();
    become_subreaper();
}

fn close_inherited_fds() {
    let dir = if cfg!(target_os = "linux") {
        "/proc/self/fd"
    } else {
        "/dev/fd"
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let fds: Vec<i32> = entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .filter(|fd| *fd > 2)
        .collect();
    // The directory's own fd is among them; it is closed by now, and closing
    // it again fails harmlessly with EBADF.
    for fd in fds {
        let _ = nix::unistd::close(fd);
    }
}

/// Orphans of our descendants are re-parented to us instead of init, so
/// [`reap_orphans`] can find and kill them whatever session or group they
/// moved to. Linux only; elsewhere a no-op.
fn become_subreaper() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        #[cfg(target_os = "linux")]
        let _ = nix::sys::prctl::set_child_subreaper(true);
    });
}

/// Kills every process group this process started and has not reaped yet,
/// and (on Linux) every other process descended from it. Called from the
/// Ctrl-C handler, just before `kata` exits.
pub fn kill_all() {
    let groups = RUNNING_GROUPS.lock().map(|g| g.clone()).unwrap_or_default();
    for pgid in &groups {
        let _ = killpg(Pid::from_raw(*pgid), Signal::SIGKILL);
    }
    sweep(true);
}

/// Kills and reaps every child of ours that no bounded run is waiting for:
/// on Linux, the orphans a run left behind. The children killed here may
/// have children of their own, which become our orphans in turn: repeat until
/// none is left (bounded, against a fork bomb).
///
/// Other threads may be running bounded children at the same time (the
/// gallery runs tests while it builds): then the sweep waits for the last of
/// them (see [`nothing_else_runs`]). Every listing of our children is taken
/// under the registry's lock, which is also held from the spawn of a
/// bounded child to its registration, so a child spawned meanwhile is never
/// taken for an orphan.
fn reap_orphans() {
    sweep(false);
}

/// Whether no bounded run is going on now: orphans are swept only then.
/// While another run goes on (the gallery tests one wrong solution while it
/// builds the next), an orphan cannot be told from a process that run's
/// tests still need (a test's child re-parented to us, a daemon it checks),
/// so the last run to end sweeps for all of them.
fn nothing_else_runs(running: &[i32]) -> bool {
    running.is_empty()
}

#[cfg(target_os = "linux")]
fn sweep(everything: bool) {
    use nix::sys::wait::{WaitPidFlag, waitpid};
    let me = std::process::id() as i32;
    let deadline = Instant::now() + DRAIN;
    while Instant::now() < deadline {
        let orphans: Vec<i32> = {
            // The registry stays locked while /proc is read: a child spawned
            // (under this lock) between a copy of the registry and the
            // listing would look like an orphan, and be killed and reaped
            // behind the back of the run waiting for it.
            let running = RUNNING_GROUPS.lock();
            let running: &[i32] = running.as_deref().map_or(&[], |g| g.as_slice());
            if !everything && !nothing_else_runs(running) {
                return;
            }
            children_of(me)
                .into_iter()
                .filter(|pid| everything || !running.contains(pid))
                .collect()
        };
        if orphans.is_empty() {
            return;
        }
        for pid in &orphans {
            let _ = nix::sys::signal::kill(Pid::from_raw(*pid), Signal::SIGKILL);
        }
        for pid in &orphans {
            // Reap it (we are its parent now), without blocking for long on
            // one stuck in the kernel.
            let until = Instant::now() + Duration::from_millis(200);
            while let Ok(nix::sys::wait::WaitStatus::StillAlive) =
                waitpid(Pid::from_raw(*pid), Some(WaitPidFlag::WNOHANG))
            {
                if Instant::now() > until {
                    break;
                }
                thread::sleep(Duration::from_millis(1));
            }
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn sweep(_everything: bool) {}

/// The pids whose parent is `parent`, from `/proc/*/stat`.
#[cfg(target_os = "linux")]
fn children_of(parent: i32) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut children = Vec::new();
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<i32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid …"; comm may hold spaces and parentheses.
        let ppid = stat
            .rfind(')')
            .and_then(|end| stat[end + 1..].split_whitespace().nth(1))
            .and_then(|p| p.parse::<i32>().ok());
        if ppid == Some(parent) {
            children.push(pid);
        }
    }
    children
}

/// What a bounded run produced.
#[derive(Debug)]
pub struct Finished {
    /// `None` when the child had to be killed because it ran out of time.
    pub status: Option<ExitStatus>,
    /// The start and the end of stdout (invalid UTF-8 replaced), with a note
    /// of how much was left out between them.
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
            .unwrap_or_else(|_| t!("run.unknown_signal").into_owned());
        Some(t!("run.killed_by_signal", signal = signal, name = name).into_owned())
    }
}

/// Called with each line a child writes.
pub type LineCallback = Box<dyn Fn(&str) + Send>;

/// Options of one bounded run.
#[allow(missing_debug_implementations)] // holds a callback
pub struct Bounds {
    /// Kill the child's process group after this long.
    pub limit: Duration,
    /// Keep at most this many bytes of stdout and of stderr each: a quarter
    /// from the start, the rest from the end.
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

/// Runs `command` in a new process group, with an empty pipe as stdin (reads
/// see end-of-file at once; unlike `/dev/null` it shows as a FIFO, so a test
/// can tell whether a child inherited it) and stdout and stderr captured.
/// Kills the whole group when `bounds.limit` has passed, and once the child
/// has exited, so that nothing it started survives it; on Linux also every
/// orphan it left in another group or session.
pub fn run_bounded(mut command: Command, bounds: Bounds) -> Result<Finished> {
    become_subreaper();
    command
        // A jobserver named here would be one of the fds `init` closed.
        .env_remove("MAKEFLAGS")
        .env_remove("MFLAGS")
        .env_remove("CARGO_MAKEFLAGS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let program = command.get_program().to_string_lossy().into_owned();
    let started = Instant::now();
    let mut child = {
        // Registered under the lock, so that no sweep of another thread
        // takes the new child for an orphan.
        let mut running = RUNNING_GROUPS.lock().expect("group registry");
        let child = command.spawn().map_err(|e| {
            Error::Other(t!("run.cannot_start", program = program, error = e).into_owned())
        })?;
        running.push(child.id() as i32);
        child
    };
    let pgid = child.id() as i32;
    drop(child.stdin.take()); // the write end: closing it makes the pipe empty

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
    reap_orphans();

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

/// The start and the end of a stream, within a fixed number of bytes.
#[derive(Debug, Default)]
pub struct HeadTail {
    head: Vec<u8>,
    tail: VecDeque<u8>,
    head_max: usize,
    tail_max: usize,
    /// Bytes dropped between the head and the tail.
    dropped: u64,
}

impl HeadTail {
    /// Keeps at most `max` bytes: a quarter from the start, the rest from the end.
    pub fn new(max: usize) -> HeadTail {
        HeadTail {
            head_max: max / 4,
            tail_max: max - max / 4,
            ..HeadTail::default()
        }
    }

    pub fn push(&mut self, mut bytes: &[u8]) {
        let to_head = bytes.len().min(self.head_max - self.head.len());
        self.head.extend_from_slice(&bytes[..to_head]);
        bytes = &bytes[to_head..];
        if bytes.len() >= self.tail_max {
            self.dropped += (self.tail.len() + bytes.len() - self.tail_max) as u64;
            self.tail.clear();
            self.tail
                .extend(&bytes[bytes.len() - self.tail_max..bytes.len()]);
            return;
        }
        let overflow = (self.tail.len() + bytes.len()).saturating_sub(self.tail_max);
        self.tail.drain(..overflow);
        self.dropped += overflow as u64;
        self.tail.extend(bytes);
    }

    pub fn truncated(&self) -> bool {
        self.dropped > 0
    }

    /// The text kept, invalid UTF-8 replaced, with a line saying how much was
    /// left out where it was.
    pub fn text(&self) -> String {
        let mut bytes = self.head.clone();
        if self.dropped > 0 {
            bytes.extend_from_slice(
                format!(
                    "\n[… {} …]\n",
                    t!("run.bytes_left_out", count = self.dropped)
                )
                .as_bytes(),
            );
        }
        bytes.extend(self.tail.iter());
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// A pipe being read on a thread of its own into a capped buffer.
struct Captured {
    buffer: Arc<Mutex<HeadTail>>,
    done: std::sync::mpsc::Receiver<()>,
}

impl Captured {
    /// Waits (boundedly) for the pipe to close and returns the text read and
    /// whether any was dropped.
    fn collect(self) -> (String, bool) {
        let _ = self.done.recv_timeout(DRAIN);
        let guard = self.buffer.lock().expect("capture buffer");
        (guard.text(), guard.truncated())
    }
}

fn capture<R: Read + Send + 'static>(
    pipe: Option<R>,
    max: usize,
    on_line: Option<LineCallback>,
) -> Captured {
    let buffer = Arc::new(Mutex::new(HeadTail::new(max)));
    let (tx, done) = std::sync::mpsc::channel();
    let shared = Arc::clone(&buffer);
    thread::spawn(move || {
        if let Some(mut pipe) = pipe {
            let mut chunk = vec![0; CHUNK];
            // A partial line for the callback, itself capped.
            let mut line: Vec<u8> = Vec::new();
            loop {
                let n = match pipe.read(&mut chunk) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(_) => break,
                };
                let bytes = &chunk[..n];
                if let Some(callback) = &on_line {
                    for piece in bytes.split_inclusive(|b| *b == b'\n') {
                        let room = MAX_CALLBACK_LINE.saturating_sub(line.len());
                        line.extend_from_slice(&piece[..piece.len().min(room)]);
                        if piece.ends_with(b"\n") {
                            callback(String::from_utf8_lossy(&line).trim_end());
                            line.clear();
                        }
                    }
                }
                shared.lock().expect("capture buffer").push(bytes);
            }
        }
        let _ = tx.send(());
    });
    Captured { buffer, done }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alive(pid: i32) -> bool {
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
            stat.rfind(')')
                .and_then(|end| stat[end + 1..].split_whitespace().next())
                .is_some_and(|state| state != "Z")
        })
    }

    // Runs at once (the gallery tests one wrong solution while it builds the
    // next): an orphan that one run leaves is not swept while another run
    // goes on (it might be a process that run's tests still need), and the
    // last run to end sweeps it. Catches a sweep after every run, which
    // killed children of runs still going on.
    #[cfg(target_os = "linux")]
    #[test]
    fn an_orphan_waits_for_the_last_run_to_end_and_is_swept_then() {
        let dir = tempfile::tempdir().unwrap();
        let gate = dir.path().join("gate");
        let pid_file = dir.path().join("pid");
        let long = {
            let gate = gate.clone();
            thread::spawn(move || {
                let mut command = Command::new("sh");
                command.arg("-c").arg(format!(
                    "while [ ! -e '{}' ]; do sleep 0.02; done",
                    gate.display()
                ));
                run_bounded(command, Bounds::new(Duration::from_secs(60)))
            })
        };
        testkit::wait_for(testkit::DEFAULT_LIMIT, "the long run to start", || {
            !RUNNING_GROUPS.lock().unwrap().is_empty()
        });
        // A run that leaves a process in a session of its own, which comes
        // back to us as an orphan when its shell ends; the shell ends only
        // once the process has left the run's group.
        let mut command = Command::new("sh");
        command.arg("-c").arg(format!(
            "setsid sh -c 'echo $$ > \"{0}\"; exec sleep 30' & \
             while [ ! -s '{0}' ]; do sleep 0.01; done",
            pid_file.display()
        ));
        let short = run_bounded(command, Bounds::new(Duration::from_secs(60))).unwrap();
        assert!(short.status.is_some_and(|s| s.success()), "{short:?}");
        let orphan: i32 = std::fs::read_to_string(&pid_file)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let survived = alive(orphan);
        std::fs::write(&gate, "").unwrap();
        long.join().unwrap().unwrap();
        let deadline = Instant::now() + testkit::DEFAULT_LIMIT;
        while alive(orphan) && Instant::now() < deadline {
            thread::sleep(POLL);
        }
        let swept = !alive(orphan);
        if !swept {
            let _ = nix::sys::signal::kill(Pid::from_raw(orphan), Signal::SIGKILL);
        }
        assert!(survived, "the orphan was swept while another run went on");
        assert!(swept, "the last run to end did not sweep the orphan");
    }

    #[test]
    fn head_and_tail_are_kept_within_the_cap() {
        let mut kept = HeadTail::new(8);
        kept.push(b"ab");
        kept.push(b"cdefghijklmnop");
        kept.push(b"qr");
        assert_eq!(kept.text(), "ab\n[… 10 bytes of output left out …]\nmnopqr");
        assert!(kept.truncated());
        let mut small = HeadTail::new(8);
        small.push(b"abc");
        small.push(b"def");
        assert_eq!(small.text(), "abcdef");
        assert!(!small.truncated());
    }
}
