//! Helpers shared by the tests of every lesson. One place, so that every lesson
//! bounds its waits the same way and reports a hang the same way.
//!
//! The rule they serve: a wrong learner solution must make a test *fail*, with a
//! message, within seconds. A deadlock must never make the test binary hang.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// The bound used when a test has no better idea: long enough for a loaded
/// two-core CI machine, short enough that a hang is reported quickly.
pub const DEFAULT_LIMIT: Duration = Duration::from_secs(10);

/// Runs `f` on a thread of its own and returns its result, or panics with
/// "`what` did not finish within …" once `limit` has passed.
///
/// A panic inside `f` (a learner's `todo!`, a failed assertion) is re-raised
/// on the calling thread unchanged, so the test fails with the original
/// message. On a time-out the stuck thread is left behind; the test binary
/// exits when the test run ends, which takes it along.
pub fn within<T, F>(limit: Duration, what: &str, f: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    let worker = thread::Builder::new()
        .name(format!("within: {what}"))
        .spawn(move || {
            // The receiver may be gone after a time-out; nothing to do then.
            let _ = tx.send(f());
        })
        .expect("spawn a thread for testkit::within");
    match rx.recv_timeout(limit) {
        Ok(value) => {
            worker.join().ok();
            value
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            // `f` panicked: re-raise its panic with its own message.
            Err(payload) => std::panic::resume_unwind(payload),
            Ok(()) => unreachable!("the worker sends before it returns"),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what} did not finish within {limit:?} (a deadlock or an endless loop?)")
        }
    }
}

/// Polls `condition` every 20 ms until it holds; panics with "`what`: not
/// seen within …" after `limit`. Only for conditions on the outside world
/// that nothing can signal (a process appearing, a file another process
/// creates); inside one process, use a channel or a `Barrier` instead.
pub fn wait_for(limit: Duration, what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + limit;
    while !condition() {
        assert!(
            std::time::Instant::now() < deadline,
            "{what}: not seen within {limit:?}"
        );
        thread::sleep(Duration::from_millis(20));
    }
}

/// The CPU time the calling thread has used so far (Linux and macOS:
/// `CLOCK_THREAD_CPUTIME_ID`). The difference around a blocking call tells
/// a thread that slept (almost nothing) from one that spun (about the whole
/// wait), which no wall-clock measurement can.
pub fn thread_cpu_time() -> Duration {
    use nix::time::{ClockId, clock_gettime};
    let now = clock_gettime(ClockId::CLOCK_THREAD_CPUTIME_ID)
        .expect("the thread CPU clock exists on Linux and macOS");
    Duration::from(now)
}

/// How many times each item occurs. Two lists hold the same items, each as
/// often (the same multiset), exactly when their counts are equal: the check
/// that nothing was lost or duplicated, whatever the order.
pub fn counts<T: Ord + Clone>(items: &[T]) -> std::collections::BTreeMap<T, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for item in items {
        *counts.entry(item.clone()).or_insert(0) += 1;
    }
    counts
}

/// A loopback address where nothing listens: a port bound, then let go.
/// Connecting to it is refused at once (nothing leaves the machine).
pub fn closed_port() -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("the listener's address")
}

/// Whether a live process has `needle` in its command line, as
/// `ps -A -o args=` shows it. Give the process a marker no other process
/// has, e.g. `sleep 60.<pid><nanos>` (see [`unique_marker`]). A zombie does
/// not count: `ps` shows it without its arguments (`[sleep] <defunct>`).
///
/// For tests that must prove a process is gone (a killed process group, a
/// time-out). Panics if `ps` cannot be run.
pub fn process_running(needle: &str) -> bool {
    let ps = std::process::Command::new("ps")
        .args(["-A", "-o", "args="])
        .output()
        .expect("run `ps -A -o args=`");
    String::from_utf8_lossy(&ps.stdout)
        .lines()
        .any(|line| line.contains(needle))
}

/// Digits unique to this call in this process and time (pid, then a
/// counter, then nanoseconds), for markers like `sleep 60.<marker>`:
/// valid as the fractional part of a number.
pub fn unique_marker() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{}{}{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// How often the calling thread has blocked (on a lock, a condition
/// variable, a `sleep`, a read) and been woken again so far: its voluntary
/// context switches. Linux only (`/proc/thread-self/status`); `None`
/// elsewhere.
///
/// For tests that must tell a thread that *waits* from one that *polls*
/// (a loop around a check with a short `sleep`): read it on the waiting
/// thread before and after the wait. A waiter is woken a few times; a
/// poller at every turn of its loop. A poller without a sleep shows in
/// [`thread_cpu_time`] instead.
pub fn thread_wakeups() -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        std::fs::read_to_string("/proc/thread-self/status")
            .ok()?
            .lines()
            .find_map(|line| line.strip_prefix("voluntary_ctxt_switches:"))
            .and_then(|count| count.trim().parse().ok())
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// A reader that hands its bytes out in pieces, as a socket does: each
/// `read` returns at most the rest of the current piece, however big the
/// caller's buffer. Code that assumes one `read` is one message, or that a
/// 4-byte header comes in one `read`, fails on it.
///
/// [`ShortReads::with_interruptions`] also makes the first `read` of every
/// piece fail with `ErrorKind::Interrupted` (a signal arrived), which a
/// reading loop must retry.
#[derive(Debug, Clone)]
pub struct ShortReads {
    pieces: std::collections::VecDeque<Vec<u8>>,
    interrupt: bool,
    interrupted: bool,
    consumed: usize,
}

impl ShortReads {
    /// `data` cut at the given offsets (any order; offsets past the end or
    /// repeated are ignored): `new(b"abcdef", &[1, 3])` gives `a`, `bc`,
    /// `def`.
    pub fn new(data: &[u8], cuts: &[usize]) -> ShortReads {
        let mut cuts: Vec<usize> = cuts
            .iter()
            .copied()
            .filter(|&c| c > 0 && c < data.len())
            .collect();
        cuts.sort_unstable();
        cuts.dedup();
        let mut pieces = std::collections::VecDeque::new();
        let mut start = 0;
        for cut in cuts.into_iter().chain([data.len()]) {
            if cut > start {
                pieces.push_back(data[start..cut].to_vec());
            }
            start = cut;
        }
        ShortReads {
            pieces,
            interrupt: false,
            interrupted: false,
            consumed: 0,
        }
    }

    /// Every byte in a `read` of its own.
    pub fn one_byte_at_a_time(data: &[u8]) -> ShortReads {
        let cuts: Vec<usize> = (1..data.len()).collect();
        ShortReads::new(data, &cuts)
    }

    /// Fails the first `read` of every piece with `Interrupted`.
    pub fn with_interruptions(mut self) -> ShortReads {
        self.interrupt = true;
        self
    }

    /// How many bytes have been read so far.
    pub fn consumed(&self) -> usize {
        self.consumed
    }

    /// How many bytes have not been read yet.
    pub fn remaining(&self) -> usize {
        self.pieces.iter().map(Vec::len).sum()
    }
}

impl std::io::Read for ShortReads {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let Some(piece) = self.pieces.front_mut() else {
            return Ok(0);
        };
        if self.interrupt && !self.interrupted {
            self.interrupted = true;
            return Err(std::io::ErrorKind::Interrupted.into());
        }
        let n = piece.len().min(buf.len());
        buf[..n].copy_from_slice(&piece[..n]);
        piece.drain(..n);
        if piece.is_empty() {
            self.pieces.pop_front();
            self.interrupted = false;
        }
        self.consumed += n;
        Ok(n)
    }
}

/// A writer that keeps what it is given and the size of every `write`
/// call, taking at most `max_per_write` bytes per call (a short write, as a
/// socket with a full buffer does). Code that calls `write` once instead of
/// `write_all` loses bytes on it; code that writes a header and a payload
/// in two calls shows as two entries in [`RecordingWriter::writes`].
#[derive(Debug, Clone, Default)]
pub struct RecordingWriter {
    /// Every byte written, in order.
    pub data: Vec<u8>,
    /// The number of bytes taken by each `write` call, in order.
    pub writes: Vec<usize>,
    max_per_write: usize,
}

impl RecordingWriter {
    /// A writer that takes everything it is given in one call.
    pub fn new() -> RecordingWriter {
        RecordingWriter::short(usize::MAX)
    }

    /// A writer that takes at most `max_per_write` bytes per call (at least 1).
    pub fn short(max_per_write: usize) -> RecordingWriter {
        RecordingWriter {
            data: Vec::new(),
            writes: Vec::new(),
            max_per_write: max_per_write.max(1),
        }
    }
}

impl std::io::Write for RecordingWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.max_per_write);
        self.data.extend_from_slice(&buf[..n]);
        if n > 0 {
            self.writes.push(n);
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Two ends of one TCP connection over `127.0.0.1`, port chosen by the
/// system: `(client, server)`. Nothing leaves the machine.
pub fn loopback_pair() -> (std::net::TcpStream, std::net::TcpStream) {
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").expect("bind a listener on 127.0.0.1:0");
    let addr = listener.local_addr().expect("the listener's address");
    let client = std::net::TcpStream::connect(addr).expect("connect over loopback");
    let (server, _) = listener.accept().expect("accept over loopback");
    (client, server)
}

/// Whether this machine has IPv6 loopback (`[::1]`): some containers and
/// CI machines have IPv6 turned off. A test of IPv6 returns early when not.
pub fn ipv6_loopback_available() -> bool {
    std::net::TcpListener::bind("[::1]:0").is_ok()
}

/// How many threads of this process are named `name` (compared on its
/// first 15 bytes, all that Linux keeps), from `/proc/self/task/*/comm`.
/// `None` where there is no `/proc` (macOS): a test then skips the check.
///
/// Name the threads of a server (`thread::Builder::new().name(..)`) and a
/// test can see whether any is left after its `shutdown`. A thread that
/// was just joined can stay listed for a moment while the kernel finishes
/// its exit: wait for the count with [`wait_for`], never expect it at once.
pub fn threads_named(name: &str) -> Option<usize> {
    let tasks = std::fs::read_dir("/proc/self/task").ok()?;
    let mut end = name.len().min(15);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    let wanted = &name[..end];
    Some(
        tasks
            .flatten()
            .filter_map(|task| std::fs::read_to_string(task.path().join("comm")).ok())
            .filter(|comm| comm.trim_end_matches('\n') == wanted)
            .count(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_running_sees_a_live_process_and_not_a_reaped_one() {
        let marker = format!("30.{}", unique_marker());
        assert!(!process_running(&marker));
        let mut sleeper = std::process::Command::new("sleep")
            .arg(&marker)
            .spawn()
            .expect("spawn sleep");
        assert!(process_running(&marker));
        sleeper.kill().expect("kill sleep");
        sleeper.wait().expect("reap sleep");
        assert!(!process_running(&marker));
    }

    #[test]
    fn thread_cpu_time_counts_work_not_sleep() {
        let start = thread_cpu_time();
        thread::sleep(Duration::from_millis(200));
        let slept = thread_cpu_time() - start;
        assert!(slept < Duration::from_millis(50), "asleep, used {slept:?}");
        let start = thread_cpu_time();
        let spin_until = std::time::Instant::now() + Duration::from_millis(100);
        while std::time::Instant::now() < spin_until {
            std::hint::spin_loop();
        }
        assert!(thread_cpu_time() - start > Duration::from_millis(10));
    }

    #[test]
    fn counts_tell_multisets_apart() {
        assert_eq!(counts(&[2, 1, 2]), counts(&[1, 2, 2]));
        assert_ne!(counts(&[1, 2]), counts(&[1, 2, 2]));
    }

    #[test]
    fn a_closed_port_refuses_connections() {
        assert!(std::net::TcpStream::connect(closed_port()).is_err());
    }

    #[test]
    fn unique_markers_differ() {
        assert_ne!(unique_marker(), unique_marker());
        assert!(unique_marker().bytes().all(|b| b.is_ascii_digit()));
    }

    #[test]
    fn returns_the_value() {
        assert_eq!(within(DEFAULT_LIMIT, "add", || 2 + 2), 4);
    }

    #[test]
    #[should_panic(expected = "never did not finish within")]
    fn reports_a_hang() {
        let (_keep, rx) = mpsc::channel::<()>();
        within(Duration::from_millis(50), "never", move || rx.recv().ok());
    }

    #[test]
    #[should_panic(expected = "the original message")]
    fn re_raises_a_panic() {
        within(DEFAULT_LIMIT, "panics", || -> () {
            panic!("the original message")
        });
    }

    #[test]
    fn thread_wakeups_counts_each_sleep() {
        // On a thread of its own, so that nothing else runs on it.
        thread::spawn(|| {
            let Some(start) = thread_wakeups() else {
                return; // not Linux: nothing to count with
            };
            for _ in 0..20 {
                thread::sleep(Duration::from_millis(1));
            }
            let woken = thread_wakeups().unwrap() - start;
            assert!(woken >= 20, "20 sleeps, {woken} wake-ups");
        })
        .join()
        .unwrap();
    }

    #[test]
    fn short_reads_hand_out_the_pieces_and_count_them() {
        use std::io::Read;
        let mut reader = ShortReads::new(b"abcdef", &[3, 1, 1, 99]);
        let mut buf = [0u8; 16];
        assert_eq!(reader.read(&mut buf).unwrap(), 1);
        assert_eq!(&buf[..1], b"a");
        assert_eq!(reader.read(&mut buf[..1]).unwrap(), 1);
        assert_eq!(&buf[..1], b"b");
        assert_eq!(reader.consumed(), 2);
        assert_eq!(reader.remaining(), 4);
        let mut rest = Vec::new();
        reader.read_to_end(&mut rest).unwrap();
        assert_eq!(rest, b"cdef");
        assert_eq!(reader.read(&mut buf).unwrap(), 0);

        let mut reader = ShortReads::one_byte_at_a_time(b"xyz").with_interruptions();
        let err = reader.read(&mut buf).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::Interrupted);
        assert_eq!(reader.read(&mut buf).unwrap(), 1);
        let mut all = Vec::new();
        reader.read_to_end(&mut all).unwrap();
        assert_eq!(all, b"yz");
    }

    #[test]
    fn recording_writer_takes_short_writes_and_counts_calls() {
        use std::io::Write;
        let mut writer = RecordingWriter::short(3);
        assert_eq!(writer.write(b"hello").unwrap(), 3);
        writer.write_all(b"lo!").unwrap();
        assert_eq!(writer.data, b"hello!");
        assert_eq!(writer.writes, [3, 3]);
        let mut whole = RecordingWriter::new();
        whole.write_all(b"hello").unwrap();
        assert_eq!(whole.writes, [5]);
    }

    #[test]
    fn loopback_pair_is_connected_both_ways() {
        use std::io::{Read, Write};
        let (mut client, mut server) = loopback_pair();
        client.write_all(b"ping").unwrap();
        let mut buf = [0u8; 4];
        server.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"ping");
        server.write_all(b"pong").unwrap();
        client.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"pong");
        assert!(client.peer_addr().unwrap().ip().is_loopback());
    }

    #[test]
    fn threads_named_sees_a_named_thread_until_it_ends() {
        let name = format!("tk{}", &unique_marker()[..8]);
        let Some(before) = threads_named(&name) else {
            return; // no /proc: nothing to count with
        };
        assert_eq!(before, 0);
        let (started_tx, started_rx) = mpsc::channel();
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let thread = thread::Builder::new()
            .name(name.clone())
            .spawn(move || {
                started_tx.send(()).unwrap();
                let _ = stop_rx.recv();
            })
            .unwrap();
        started_rx.recv().unwrap();
        assert_eq!(threads_named(&name), Some(1));
        drop(stop_tx);
        thread.join().unwrap();
        wait_for(DEFAULT_LIMIT, "the named thread gone", || {
            threads_named(&name) == Some(0)
        });
    }
}
