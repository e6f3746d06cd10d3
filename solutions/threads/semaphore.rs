//! Exercise 3: a counting semaphore from a `Mutex` and a `Condvar`.
//!
//! Reference solution. The count lives in the mutex; a thread that finds it
//! at 0 waits on the condition variable, which releases the lock while it
//! sleeps and takes it again before `wait` returns. Every wake-up checks the
//! count again (`while`, not `if`): the permit that woke us may already have
//! gone to a thread that was not waiting at all. A permit is given back in
//! `Drop`, so it comes back on every path out of the holder's code,
//! a panic included.
//!
//! Under `cfg(loom)` the same code runs on loom's `Mutex` and `Condvar`,
//! which lets `tests/loom.rs` try every interleaving of a few threads (see
//! ARCHITECTURE.md for the command).

use std::error::Error;
use std::fmt;
use std::sync::PoisonError;
#[cfg(not(loom))]
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

#[cfg(loom)]
use loom::sync::{Condvar, Mutex, MutexGuard};

/// A counting semaphore: at most `permits` holders at once (Python's
/// `threading.Semaphore`). Share it between threads by reference
/// (`thread::scope`) or in an `Arc`.
#[derive(Debug)]
pub struct Semaphore {
    /// How many permits are free right now.
    permits: Mutex<usize>,
    /// Notified each time a permit is given back.
    released: Condvar,
}

/// One permit of a [`Semaphore`], held until it is dropped. Dropping it
/// gives it back, on every path: the end of a block, a `return`, a `?`, a
/// panic.
#[derive(Debug)]
#[must_use = "a permit is given back as soon as it is dropped: keep it in a variable, `let _permit = …`"]
pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

/// `acquire_timeout` found no free permit within its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedOut {
    /// How long it waited.
    pub limit: Duration,
}

impl fmt::Display for TimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no permit became free within {:?}", self.limit)
    }
}

impl Error for TimedOut {}

impl Semaphore {
    /// A semaphore with `permits` free permits. (0 is allowed, but then
    /// nothing can ever be acquired: no permit exists to be given back.)
    pub fn new(permits: usize) -> Semaphore {
        Semaphore {
            permits: Mutex::new(permits),
            released: Condvar::new(),
        }
    }

    /// The count, locked. A panic never happens while it is held (no code of
    /// the caller's runs under it), so a poisoned lock still holds a good
    /// count: take it anyway.
    fn count(&self) -> MutexGuard<'_, usize> {
        self.permits.lock().unwrap_or_else(PoisonError::into_inner)
    }

    // ANCHOR: acquire
    /// Takes a permit, waiting as long as it takes for one to be free.
    /// The waiting thread sleeps: it uses no CPU until a permit is released.
    pub fn acquire(&self) -> Permit<'_> {
        let mut free = self.count();
        // `while`, not `if`: after a wake-up the count must be checked
        // again. Another thread may have taken the released permit between
        // the notification and our return from `wait` (or the wake-up was
        // spurious). With `if`, both would go on: N + 1 holders.
        while *free == 0 {
            // Unlocks, sleeps until notified, locks again.
            free = self
                .released
                .wait(free)
                .unwrap_or_else(PoisonError::into_inner);
        }
        // The check above and this decrement are under one lock.
        *free -= 1;
        Permit { semaphore: self }
    }
    // ANCHOR_END: acquire

    // ANCHOR: try_acquire
    /// Takes a permit if one is free right now; `None` if not. Never waits
    /// (Python's `acquire(blocking=False)`).
    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        let mut free = self.count();
        if *free == 0 {
            return None;
        }
        *free -= 1;
        Some(Permit { semaphore: self })
    }
    // ANCHOR_END: try_acquire

    // ANCHOR: acquire_timeout
    /// Takes a permit, waiting at most `limit` for one to be free
    /// (Python's `acquire(timeout=…)`). The limit is for the whole call;
    /// `Duration::MAX` means no limit.
    pub fn acquire_timeout(&self, limit: Duration) -> Result<Permit<'_>, TimedOut> {
        // A deadline, not a duration per wait: after a wake-up that did not
        // get us a permit, we wait only for the time that is left.
        let deadline = Instant::now().checked_add(limit);
        let mut free = self.count();
        while *free == 0 {
            let Some(deadline) = deadline else {
                // A limit too far away to be a point in time: no limit.
                free = self
                    .released
                    .wait(free)
                    .unwrap_or_else(PoisonError::into_inner);
                continue;
            };
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(TimedOut { limit });
            }
            free = self
                .released
                .wait_timeout(free, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        *free -= 1;
        Ok(Permit { semaphore: self })
    }
    // ANCHOR_END: acquire_timeout

    /// How many permits are free right now (a snapshot: it may have changed
    /// by the time the caller looks at it).
    pub fn available(&self) -> usize {
        *self.count()
    }
}

// ANCHOR: release
impl Drop for Permit<'_> {
    /// Gives the permit back and wakes one waiter, if any. Runs when the
    /// permit goes out of scope, also while a panic unwinds the holder.
    fn drop(&mut self) {
        *self.semaphore.count() += 1;
        // One permit, one waiter: `notify_one`. (`notify_all` would be
        // correct too, since every waiter checks the count again, but it
        // wakes them all to find that only one may go on.)
        self.semaphore.released.notify_one();
    }
}
// ANCHOR_END: release
