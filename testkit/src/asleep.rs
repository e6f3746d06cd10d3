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

    /// Whether the thread has ended (the kernel no longer lists it; its
    /// thread-local values have been dropped). Without `/proc`: `false`.
    pub fn is_gone(&self) -> bool {
        self.tid
            .is_some_and(|tid| !std::path::Path::new(&format!("/proc/self/task/{tid}")).exists())
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
/// (`<pid>/task/<tid>`); `None` without `/proc`. Hand it to a test that
/// probes the thread ([`settled_sleeps`]).
pub fn current_tid() -> Option<u32> {
    let link = std::fs::read_link("/proc/thread-self").ok()?;
    link.file_name()?.to_str()?.parse().ok()
}

/// The thread's count of voluntary context switches if it is asleep now
/// (state `S`), `None` if it runs or is gone.
#[cfg(target_os = "linux")]
fn sleep_count(tid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/self/task/{tid}/status")).ok()?;
    status_sleep_count(&status)
}

/// From the text of a `/proc/…/task/<tid>/status` file: the thread's count
/// of voluntary context switches if it is asleep (state `S`).
pub(crate) fn status_sleep_count(status: &str) -> Option<u64> {
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

/// Waits until thread `tid` of this process (from [`current_tid`], sent by
/// the thread itself) is asleep (in a `read`, say), has gone to sleep more
/// often than `after` (its count of voluntary context switches), and stays
/// asleep over 30 ms; returns that count. Returns `None` at once if
/// `thread` has ended. Panics after [`crate::DEFAULT_LIMIT`] if it does
/// neither. Without `/proc` (or without `tid`): a pause of 200 ms, then
/// `None`.
///
/// A thread goes to sleep once more each time it is woken: call it with the
/// count it returned before sending a reader one more piece, and it returns
/// once the reader has woken for that piece and waits again (or returned),
/// however slow the machine is.
pub fn settled_sleeps<T>(
    tid: Option<u32>,
    thread: &thread::JoinHandle<T>,
    after: Option<u64>,
) -> Option<u64> {
    #[cfg(target_os = "linux")]
    if let Some(tid) = tid {
        let limit = crate::DEFAULT_LIMIT;
        let deadline = Instant::now() + limit;
        loop {
            if thread.is_finished() {
                return None;
            }
            if let Some(count) =
                sleep_count(tid).filter(|&count| after.is_none_or(|after| count > after))
            {
                let steady = (0..3).all(|_| {
                    thread::sleep(Duration::from_millis(10));
                    sleep_count(tid) == Some(count)
                });
                if steady {
                    return Some(count);
                }
            }
            assert!(
                Instant::now() < deadline,
                "the thread under test neither slept nor returned within {limit:?}"
            );
            thread::sleep(Duration::from_millis(2));
        }
    }
    let _ = (tid, thread, after);
    thread::sleep(Duration::from_millis(200));
    None
}

/// Whether every thread of this process but the calling one is asleep in
/// the kernel and stays asleep over 30 ms: the same threads, each in state
/// `S` with the same count of voluntary context switches, in four looks. A
/// thread that runs, is woken (even for a moment), starts or ends in that
/// time makes it `false`. For a scenario that has the test process to
/// itself (every other thread is the code under test's): once they all
/// sleep, what they were about to do is done, until the outside world
/// wakes them. Without `/proc`: a pause of 200 ms, then `true`.
pub fn others_asleep() -> bool {
    #[cfg(target_os = "linux")]
    {
        let me = current_tid();
        let look = || crate::process_state::thread_sleep_counts(std::process::id(), me);
        let Some(first) = look() else {
            return false;
        };
        (0..3).all(|_| {
            thread::sleep(Duration::from_millis(10));
            look().as_ref() == Some(&first)
        })
    }
    #[cfg(not(target_os = "linux"))]
    {
        thread::sleep(Duration::from_millis(200));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DEFAULT_LIMIT;

    // Catches: a thread taken for gone while it still runs, or for alive
    // once it has ended.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_probe_sees_its_thread_end() {
        let (probe_tx, probe_rx) = mpsc::channel();
        let (go_tx, go_rx) = mpsc::channel::<()>();
        let thread = thread::spawn(move || {
            probe_tx.send(Probe::current()).unwrap();
            go_rx.recv().unwrap();
        });
        let probe = probe_rx.recv().unwrap();
        assert!(!probe.is_gone());
        go_tx.send(()).unwrap();
        thread.join().unwrap();
        // The kernel lets the joiner go a moment before it unlists the
        // thread: wait for it, boundedly.
        crate::wait_for(DEFAULT_LIMIT, "the ended thread to be unlisted", || {
            probe.is_gone()
        });
    }

    // Catches: a probe that returns before the reader has woken for the
    // piece just sent (the count did not grow), or that waits for ever on
    // a thread that has returned.
    #[cfg(target_os = "linux")]
    #[test]
    fn settled_sleeps_follows_a_reader_piece_by_piece_until_it_returns() {
        let (tid_tx, tid_rx) = mpsc::channel();
        let (tx, rx) = mpsc::channel::<u8>();
        let reader = thread::spawn(move || {
            tid_tx.send(current_tid()).unwrap();
            while rx.recv().is_ok() {}
        });
        let tid = tid_rx.recv().unwrap();
        let first = settled_sleeps(tid, &reader, None).expect("asleep in recv");
        tx.send(1).unwrap();
        let second = settled_sleeps(tid, &reader, Some(first)).expect("asleep again");
        assert!(second > first, "{second} after {first}");
        drop(tx);
        // It returns: the probe says so instead of waiting for a sleep.
        assert_eq!(settled_sleeps(tid, &reader, Some(second)), None);
        reader.join().unwrap();
    }

    // Catches: a probe that counts the calling thread, or one that takes a
    // thread that keeps running for one asleep.
    #[test]
    fn others_asleep_is_false_while_another_thread_spins() {
        let stop = Arc::new(AtomicBool::new(false));
        let spinner = {
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    std::hint::spin_loop();
                }
            })
        };
        #[cfg(target_os = "linux")]
        assert!(!others_asleep());
        stop.store(true, Ordering::Relaxed);
        spinner.join().unwrap();
    }

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
