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
}
