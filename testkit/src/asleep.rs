//! Threads a test can see asleep, for tests of wake-ups that must not
//! depend on luck.
//!
//! "`close` wakes every waiting consumer" can only be tested on consumers
//! that *are* waiting: a consumer that calls `get` after the `close` sees
//! the flag and returns, whether the `close` woke anybody or not. So the
//! test starts each waiter with [`watch`], waits until the kernel says the
//! thread is asleep ([`Watched::wait_asleep`]), and only then does what
//! must wake it. The same probe tells a call that waited from one that
//! returned at once ([`Watched::asleep_or_finished`]), and a thread parked
//! on a condition variable from one that polls (a poller keeps waking up,
//! so it is never seen asleep).
//!
//! Linux only (`/proc/self/task/<tid>/status`). Elsewhere the probe falls
//! back to a pause of 200 ms, which makes the tests that use it depend on
//! timing again, but keeps them running.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// A thread of this process as the kernel knows it, for a thread the test
/// did not start itself (one that a solution spawns to run a closure the
/// test gave it): the closure calls [`Probe::current`] and hands the probe
/// to the test, which can then ask [`Probe::is_asleep`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probe {
    tid: Option<u32>,
}

impl Probe {
    /// The calling thread.
    pub fn current() -> Probe {
        Probe { tid: current_tid() }
    }

    /// Whether the thread is asleep in the kernel and stays asleep over
    /// 30 ms (see [`Watched::asleep_or_finished`]). Without `/proc`: a
    /// pause of 200 ms, then `true`.
    #[cfg(target_os = "linux")]
    pub fn is_asleep(&self) -> bool {
        let Some(tid) = self.tid else {
            return false;
        };
        let Some(first) = sleep_count(tid) else {
            return false;
        };
        for _ in 0..3 {
            thread::sleep(Duration::from_millis(10));
            if sleep_count(tid) != Some(first) {
                return false;
            }
        }
        true
    }

    /// Whether the thread is asleep in the kernel and stays asleep over
    /// 30 ms (see [`Watched::asleep_or_finished`]). Without `/proc`: a
    /// pause of 200 ms, then `true`.
    #[cfg(not(target_os = "linux"))]
    pub fn is_asleep(&self) -> bool {
        thread::sleep(Duration::from_millis(200));
        true
    }
}

/// A thread started by [`watch`]: the test can ask whether it is asleep,
/// whether it has finished, and wait (boundedly) for its result.
#[derive(Debug)]
pub struct Watched<T> {
    what: String,
    probe: Probe,
    finished: Arc<AtomicBool>,
    result: mpsc::Receiver<T>,
    handle: thread::JoinHandle<()>,
}

/// Runs `f` on a new thread named after `what`, and returns once the thread
/// has started (so its id is known).
pub fn watch<T, F>(what: &str, f: F) -> Watched<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (probe_tx, probe_rx) = mpsc::channel();
    let (result_tx, result) = mpsc::channel();
    let finished = Arc::new(AtomicBool::new(false));
    let done = Arc::clone(&finished);
    let handle = thread::Builder::new()
        .name(what.chars().take(15).collect())
        .spawn(move || {
            let _ = probe_tx.send(Probe::current());
            // Set even if `f` panics, so the test does not wait for sleep.
            struct SetOnDrop(Arc<AtomicBool>);
            impl Drop for SetOnDrop {
                fn drop(&mut self) {
                    self.0.store(true, Ordering::SeqCst);
                }
            }
            let _finished = SetOnDrop(done);
            let _ = result_tx.send(f());
        })
        .expect("spawn a thread for testkit::watch");
    let probe = probe_rx
        .recv()
        .expect("a watched thread sends its id before anything else");
    Watched {
        what: what.to_string(),
        probe,
        finished,
        result,
        handle,
    }
}

impl<T> Watched<T> {
    /// Whether the thread has returned (or panicked).
    pub fn is_finished(&self) -> bool {
        self.finished.load(Ordering::SeqCst)
    }

    /// Waits until the thread is asleep in the kernel and stays asleep
    /// (`true`), or has finished (`false`). Panics after `limit` if it does
    /// neither: it keeps running or waking up, i.e. it spins or polls.
    ///
    /// Asleep means: in state `S` with the same count of voluntary context
    /// switches in four looks over 30 ms. A thread that waits for a lock
    /// that another thread holds only for a moment is woken within that
    /// time; one on a condition variable that nobody signals is not.
    pub fn asleep_or_finished(&self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        loop {
            if self.is_finished() {
                return false;
            }
            if self.probe.is_asleep() {
                // It may have finished just before the last look.
                return !self.is_finished();
            }
            assert!(
                Instant::now() < deadline,
                "{}: neither asleep nor finished within {limit:?} (does it spin, or poll with a sleep?)",
                self.what
            );
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// Waits until the thread is asleep; panics with "`what` returned
    /// without waiting" if it finished instead, or after `limit`.
    pub fn wait_asleep(&self, limit: Duration) {
        assert!(
            self.asleep_or_finished(limit),
            "{} returned without waiting",
            self.what
        );
    }

    /// The thread's result, waiting at most `limit` for it; panics with
    /// "`what` did not finish within …" after that, and re-raises the
    /// thread's own panic.
    pub fn join_within(self, limit: Duration) -> T {
        match self.result.recv_timeout(limit) {
            Ok(value) => {
                let _ = self.handle.join();
                value
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => match self.handle.join() {
                Err(payload) => std::panic::resume_unwind(payload),
                Ok(()) => unreachable!("the thread sends its result before it returns"),
            },
            Err(mpsc::RecvTimeoutError::Timeout) => panic!(
                "{} did not finish within {limit:?} (never woken up?)",
                self.what
            ),
        }
    }
}

/// The calling thread's kernel id, from the `/proc/thread-self` link
/// (`<pid>/task/<tid>`).
fn current_tid() -> Option<u32> {
    let link = std::fs::read_link("/proc/thread-self").ok()?;
    link.file_name()?.to_str()?.parse().ok()
}

/// The thread's count of voluntary context switches if it is asleep now
/// (state `S`), `None` if it runs or is gone.
#[cfg(target_os = "linux")]
fn sleep_count(tid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/self/task/{tid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .map(str::trim)
    };
    if !field("State:")?.starts_with('S') {
        return None;
    }
    field("voluntary_ctxt_switches:")?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DEFAULT_LIMIT;

    #[test]
    fn a_thread_waiting_on_a_channel_is_asleep_until_it_gets_a_message() {
        let (tx, rx) = mpsc::channel::<u8>();
        let waiter = watch("waits on recv", move || rx.recv().unwrap() + 1);
        waiter.wait_asleep(DEFAULT_LIMIT);
        assert!(!waiter.is_finished());
        tx.send(41).unwrap();
        assert_eq!(waiter.join_within(DEFAULT_LIMIT), 42);
    }

    #[test]
    fn a_thread_that_returns_at_once_is_finished_not_asleep() {
        let quick = watch("returns", || 7);
        assert!(!quick.asleep_or_finished(DEFAULT_LIMIT));
        assert_eq!(quick.join_within(DEFAULT_LIMIT), 7);
    }

    #[cfg(target_os = "linux")]
    #[test]
    #[should_panic(expected = "polls: neither asleep nor finished")]
    fn a_thread_that_polls_is_never_seen_asleep() {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let poller = watch("polls", move || {
            while !flag.load(Ordering::SeqCst) {
                thread::sleep(Duration::from_millis(1));
            }
        });
        struct Stop(Arc<AtomicBool>);
        impl Drop for Stop {
            fn drop(&mut self) {
                self.0.store(true, Ordering::SeqCst);
            }
        }
        let _stop = Stop(stop);
        poller.asleep_or_finished(Duration::from_millis(500));
    }

    #[test]
    #[should_panic(expected = "stuck did not finish within")]
    fn join_within_reports_a_thread_that_never_ends() {
        let (_keep, rx) = mpsc::channel::<()>();
        let stuck = watch("stuck", move || rx.recv().ok());
        stuck.join_within(Duration::from_millis(50));
    }

    #[test]
    #[should_panic(expected = "the thread's own message")]
    fn join_within_re_raises_the_thread_s_panic() {
        let panics = watch("panics", || -> u8 { panic!("the thread's own message") });
        panics.join_within(DEFAULT_LIMIT);
    }
}
