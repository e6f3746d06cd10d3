//! Exercise 4: 200 servers to check, 10 at a time, results in input order.
//!
//! Reference solution. The calling thread takes a permit of a `Semaphore`
//! (exercise 3) before it starts each item's thread, and the thread keeps
//! the permit until it ends: so at most `limit` threads are alive at once,
//! and the caller waits for a free place before it starts the next one.
//! Each thread's handle is kept in input order; joining them in that order
//! gives the results in input order, and a thread's panic, which `join`
//! hands back as a value, becomes the error of its item only.

use std::error::Error;
use std::fmt;
use std::thread;

use crate::semaphore::Semaphore;
use crate::spawn_join::panic_message;

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

// ANCHOR: map_bounded
/// Runs `f` on every item, at most `limit` calls at the same time (0 counts
/// as 1), and returns the results in the order of `items`, not in the order
/// the calls finished. A call that panicked gives `Err(ItemPanicked)` for
/// its item; the others are not disturbed.
pub fn map_bounded<T, R, F>(items: Vec<T>, limit: usize, f: F) -> Vec<Result<R, ItemPanicked>>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let places = Semaphore::new(limit.max(1));
    let f = &f;
    thread::scope(|scope| {
        let handles: Vec<_> = items
            .into_iter()
            .map(|item| {
                // Wait here, on the calling thread, for a free place: never
                // more than `limit` threads alive, and none started early.
                let permit = places.acquire();
                scope.spawn(move || {
                    // Dropped when the thread ends, panic or not: the place
                    // is free again for the next item.
                    let _permit = permit;
                    f(item)
                })
            })
            .collect();
        // Joined in input order: `results[i]` belongs to `items[i]`.
        handles
            .into_iter()
            .enumerate()
            .map(|(index, handle)| {
                handle.join().map_err(|payload| ItemPanicked {
                    index,
                    message: panic_message(&*payload),
                })
            })
            .collect()
    })
}
// ANCHOR_END: map_bounded
