//! Bounded waits: every blocking step of a test has a limit, so a wrong
//! solution fails the test with a message instead of hanging the run.

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
    within_or(limit, what, f, || {
        format!("{what} did not finish within {limit:?} (a deadlock or an endless loop?)")
    })
}

/// [`within`], whose time-out message is `explain()`, called when the time
/// is up: a test that records how far its scenario got can say which part
/// was still running.
pub fn within_or<T, F>(limit: Duration, what: &str, f: F, explain: impl FnOnce() -> String) -> T
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
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{}", explain()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "it got as far as step 2")]
    fn within_or_explains_a_time_out_when_the_time_is_up() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let step = std::sync::Arc::new(AtomicUsize::new(0));
        let seen = std::sync::Arc::clone(&step);
        let (_keep, rx) = mpsc::channel::<()>();
        within_or(
            Duration::from_secs(1),
            "steps",
            move || {
                step.store(2, Ordering::SeqCst);
                rx.recv().ok()
            },
            move || format!("it got as far as step {}", seen.load(Ordering::SeqCst)),
        );
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
}
