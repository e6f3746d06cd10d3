//! Probes of threads: CPU time, wake-ups and names, for tests that must
//! tell a thread that waits from one that polls or spins, or see threads
//! left behind.

use std::time::Duration;

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
    use crate::{DEFAULT_LIMIT, unique_marker, wait_for};
    use std::sync::mpsc;
    use std::thread;

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
