//! Exercise 4: 200 servers to check, 10 at a time, results in input order.
//!
//! The course's monitoring job: 200 web servers to check. One by one takes
//! 200 × the slowest answer. All 200 at once opens 200 connections at the
//! same moment (the servers, the firewall and the file-descriptor limit
//! may not like that). Ten at a time is the middle way. In Python:
//!
//! ```python
//! sem = threading.Semaphore(10)
//! def check_one(server):
//!     with sem:
//!         return check(server)
//! ```
//!
//! [`map_bounded`] runs `f` on every item with at most `limit` calls at the
//! same time, and returns the results **in the order of the items**: the
//! caller pairs `results[i]` with `items[i]`, whichever call finished
//! first. Results pushed into a shared `Vec` (or a channel) as the calls
//! finish come out in completion order: wrong.
//!
//! One way, with the [`Semaphore`](crate::semaphore::Semaphore) of
//! exercise 3 and scoped threads (`f` and the items are borrowed, nothing
//! needs to be `'static`):
//!
//! - for each item, take a permit on the calling thread (this waits while
//!   `limit` calls are running), then start a scoped thread that moves the
//!   permit in and calls `f(item)`: the permit is dropped when the thread
//!   ends, **also when `f` panics**, and the next item can start;
//! - keep the `ScopedJoinHandle`s in a `Vec`, in input order, and join them
//!   in that order: `join()` gives `Ok(result)`, or `Err(payload)` when `f`
//!   panicked, which becomes `Err(ItemPanicked { index, message })` with
//!   `crate::spawn_join::panic_message` (exercise 1).
//!
//! (Another way: `limit` worker threads that take the next index from a
//! shared counter and store each result in the slot of its index.)
//!
//! Either way, wait for a free place by blocking (`acquire`, a `join`, a
//! `recv`): a loop that looks every millisecond (`try_acquire` and `sleep`)
//! wakes for nothing and takes a freed place late, and the tests reject it.
//!
//! A panic in one call fails that item only: the other items still run,
//! and the caller gets every result.
//!
//! Run the tests with `cargo kata check threads/bounded`.

use std::error::Error;
use std::fmt;

/// The call for one item panicked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemPanicked {
    /// The item's position in the input.
    pub index: usize,
    /// The panic's message (see `spawn_join::panic_message`).
    pub message: String,
}

impl fmt::Display for ItemPanicked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "item {} panicked: {}", self.index, self.message)
    }
}

impl Error for ItemPanicked {}

/// Runs `f` on every item, at most `limit` calls at the same time (0 counts
/// as 1), and returns the results in the order of `items`, not in the order
/// the calls finished. A call that panicked gives `Err(ItemPanicked)` for
/// its item; the others are not disturbed.
///
/// The signature is the exercise's contract: the tests call it as it is.
/// When the compiler suggests adding `+ Send` or `+ Clone` to `F`, or
/// making it `Copy`, do not: each spawned closure should borrow the one `f`
/// (`let f = &f;` before the loop, then `move` the reference in), which
/// `F: Sync` allows. The threads chapter's page of this exercise shows the
/// error and the fix.
pub fn map_bounded<T, R, F>(items: Vec<T>, limit: usize, f: F) -> Vec<Result<R, ItemPanicked>>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    todo!(
        "run {} on {} items, at most {limit} at once, results in input order",
        std::any::type_name_of_val(&f),
        items.len()
    )
}
