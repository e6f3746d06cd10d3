//! Exercise 2: a blocking work queue with `task_done` and `join`, like
//! Python's `queue.Queue`.
//!
//! Producers `put` jobs, consumers `get` them (waiting while there are
//! none) and call `task_done` when a job is finished; `join` waits until
//! every job put has been finished, the way a deploy script waits for its
//! workers before it reports. `close` is the clean way to stop: no more
//! jobs, consumers finish what is left and then see `None`.
//!
//! Build it from one `Mutex<State<T>>` and two `Condvar`s:
//!
//! - **Everything the queue knows is in `State`**, behind one lock: the
//!   items (a `VecDeque`: `push_back`, `pop_front`), how many jobs are
//!   unfinished, and whether it is closed. A decision made on two separate
//!   locks ("is there an item?" then "take it") is the check-then-pop race
//!   of the Python course, Rust's type system notwithstanding.
//! - **Waiting is `Condvar::wait` in a `while` loop**: `wait(guard)`
//!   releases the lock while asleep and takes it back on waking; the loop
//!   checks the condition again, because a thread can wake spuriously or
//!   find that another consumer took the item first. A `loop` that locks,
//!   checks and unlocks without `wait` would spin, burning a CPU core
//!   while there is nothing to do (the tests measure that).
//! - `put` wakes one consumer (`available.notify_one()`); `close` must
//!   wake *all* of them (`notify_all`). `task_done` wakes the joiners
//!   (`all_done.notify_all()`) when the count of unfinished jobs reaches 0.
//! - `put` after `close` gives the item back: `Err(Closed(item))`.
//!   `task_done` with nothing unfinished is `Err(NothingPending)` (Python
//!   raises `ValueError`), never an underflow.
//! - A poisoned lock (a thread panicked while holding it) is still usable
//!   here, because no change to `State` is ever left half done:
//!   `lock().unwrap_or_else(|poisoned| poisoned.into_inner())`.
//!
//! `join_timeout` is `join` with `Condvar::wait_timeout`, and a deadline
//! computed once, so that a spurious wake-up does not restart the clock.
//!
//! Run the tests with `cargo kata check queues/work_queue`.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// `put` after `close`: the item comes back, nothing is lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closed<T>(pub T);

/// `task_done` called more often than items were put.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NothingPending;

impl fmt::Display for NothingPending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "task_done called more times than items were put")
    }
}

impl std::error::Error for NothingPending {}

/// What the mutex guards.
struct State<T> {
    items: VecDeque<T>,
    /// Items put and not yet marked done (waiting or being worked on).
    unfinished: usize,
    closed: bool,
}

/// Counts instead of the items themselves, so `T` needs no `Debug`.
impl<T> fmt::Debug for State<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("State")
            .field("items", &self.items.len())
            .field("unfinished", &self.unfinished)
            .field("closed", &self.closed)
            .finish()
    }
}

/// A FIFO of jobs shared by producers and consumers (`Arc<WorkQueue<T>>`).
#[derive(Debug)]
pub struct WorkQueue<T> {
    state: Mutex<State<T>>,
    /// Signalled when an item arrives or the queue closes.
    available: Condvar,
    /// Signalled when `unfinished` drops to 0.
    all_done: Condvar,
}

impl<T> Default for WorkQueue<T> {
    fn default() -> Self {
        WorkQueue::new()
    }
}

impl<T> WorkQueue<T> {
    /// An open, empty queue: no items, nothing unfinished.
    pub fn new() -> WorkQueue<T> {
        todo!(
            "an open, empty queue: a Mutex<{}> and two Condvars",
            std::any::type_name::<State<T>>()
        )
    }

    /// Adds `item` at the back and wakes one waiting consumer; counts one
    /// more unfinished job. After `close`: `Err(Closed(item))`.
    pub fn put(&self, item: T) -> Result<(), Closed<T>> {
        todo!(
            "add the item ({}) at the back of the items in {}, count it unfinished, wake a consumer",
            std::any::type_name_of_val(&item),
            std::any::type_name_of_val(&self.state)
        )
    }

    /// Takes the front item, waiting (on `available`) while the queue is
    /// empty and open. `None` once it is closed and drained.
    pub fn get(&self) -> Option<T> {
        todo!(
            "take the front item, waiting on {:?} while the queue is empty and open",
            self.available
        )
    }

    /// Marks one item as finished. `join` returns once every item put has
    /// been marked.
    pub fn task_done(&self) -> Result<(), NothingPending> {
        todo!(
            "count one unfinished job less, waking the joiners ({:?}) at 0",
            self.all_done
        )
    }

    /// Waits until every item put so far has been marked done.
    pub fn join(&self) {
        todo!("wait on all_done while some jobs are unfinished")
    }

    /// `join` that gives up after `timeout`: `true` if everything was done.
    pub fn join_timeout(&self, timeout: Duration) -> bool {
        todo!("join, but give up after {timeout:?} and say whether everything was done")
    }

    /// No more `put`s; consumers take what is left, then get `None`.
    pub fn close(&self) {
        todo!("mark the queue closed and wake every waiting consumer")
    }

    /// Items waiting to be taken.
    pub fn len(&self) -> usize {
        todo!("how many items wait to be taken")
    }

    pub fn is_empty(&self) -> bool {
        todo!("whether no item waits to be taken")
    }

    /// Items put and not yet marked done.
    pub fn unfinished(&self) -> usize {
        todo!("how many items were put and not yet marked done")
    }
}
