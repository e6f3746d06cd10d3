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

#[cfg(test)]
mod tests {
    use super::*;

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
