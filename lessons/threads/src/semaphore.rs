//! Exercise 3: a counting semaphore from a `Mutex` and a `Condvar`.
//!
//! A semaphore holds `N` permits. Whoever wants to do the limited thing
//! (open a connection, run a deploy) takes a permit first and gives it back
//! afterwards; when all `N` are taken, the next taker waits. In Python:
//!
//! ```python
//! sem = threading.Semaphore(10)
//! with sem:                # acquire; released at the end of the block
//!     check(server)
//! ```
//!
//! Rust's standard library has no semaphore, but it has the two parts to
//! build one:
//!
//! - a **`Mutex<usize>`**: the number of free permits, which only one thread
//!   at a time may read or change;
//! - a **`Condvar`** (condition variable): a place to sleep until another
//!   thread says that something changed. `released.wait(guard)` unlocks the
//!   mutex, sleeps until notified, and locks it again before it returns the
//!   guard. `released.notify_one()` wakes one sleeper. The waiter uses no CPU
//!   while it sleeps: no loop that asks "free yet?" a thousand times a
//!   second (a *busy wait*).
//!
//! The pattern, in every language:
//!
//! ```ignore
//! let mut free = self.permits.lock().unwrap();
//! while *free == 0 {                    // while, not if!
//!     free = self.released.wait(free).unwrap();
//! }
//! *free -= 1;
//! ```
//!
//! **`while`, not `if`.** `notify_one` only says "something changed". By the
//! time the woken thread has the lock again, a thread that was not waiting
//! at all may have taken the permit (it just called `acquire` at the right
//! moment), and a condition variable may also wake a thread for no reason
//! (a *spurious wake-up*). With `if`, the woken thread would go on anyway:
//! `N + 1` holders, or a `usize` that goes below zero. The check and the
//! decrement must also be under the **same** lock (see exercise 2).
//!
//! **A permit is a value.** `acquire` returns a [`Permit`], and dropping the
//! permit gives it back (`impl Drop for Permit`): at the end of the block,
//! on `return`, on `?`, and also when the holder panics, because unwinding
//! drops every local. Python's `with sem:` does the same. Giving it back by
//! hand at the end of the work would lose it on every early exit. Dropping
//! a permit adds one to the count and wakes one waiter.
//!
//! `acquire_timeout(limit)` waits at most `limit` in total: compute a
//! deadline once (`Instant::now() + limit`) and wait with
//! `released.wait_timeout(guard, time_left)`. A wake-up that did not get a
//! permit must not start the full `limit` again.
//!
//! The types are given; the methods and `Drop` are yours.
//!
//! Run the tests with `cargo kata check threads/semaphore`.

use std::error::Error;
use std::fmt;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

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
        todo!(
            "a semaphore with {permits} free permits: a Mutex for the count, a Condvar to wait on"
        )
    }

    /// Takes a permit, waiting as long as it takes for one to be free.
    /// The waiting thread sleeps on the condition variable: no busy wait.
    pub fn acquire(&self) -> Permit<'_> {
        todo!(
            "wait on {:?} while the count {:?} is 0, then take one",
            self.released,
            self.permits
        )
    }

    /// Takes a permit if one is free right now; `None` if not. Never waits
    /// (Python's `acquire(blocking=False)`).
    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        todo!(
            "take a permit from {:?} if one is free, without waiting",
            self.permits
        )
    }

    /// Takes a permit, waiting at most `limit` for one to be free
    /// (Python's `acquire(timeout=…)`); `Err(TimedOut { limit })` if none
    /// became free in time. The limit is for the whole call: a wake-up that
    /// finds no permit waits again, for the time that is left. A limit too
    /// long to be a point in time (`Duration::MAX`) means no limit
    /// (`Instant::checked_add` tells).
    pub fn acquire_timeout(&self, limit: Duration) -> Result<Permit<'_>, TimedOut> {
        todo!(
            "wait at most {limit:?} in total on {:?} for a permit of {:?}",
            self.released,
            self.permits
        )
    }

    /// How many permits are free right now (a snapshot: it may have changed
    /// by the time the caller looks at it).
    pub fn available(&self) -> usize {
        todo!("the number of free permits in {:?}", self.permits)
    }
}

impl Drop for Permit<'_> {
    /// Gives the permit back and wakes one waiter, if any. Runs when the
    /// permit goes out of scope, also while a panic unwinds the holder.
    fn drop(&mut self) {
        todo!(
            "give the permit back to {:?} and wake a waiter",
            self.semaphore
        )
    }
}
