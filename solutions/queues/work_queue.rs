//! Exercise 2: a blocking work queue with `task_done` and `join`, like
//! Python's `queue.Queue`.
//!
//! Reference solution. One `Mutex` guards everything the queue knows
//! (items, how many are unfinished, whether it is closed), so every
//! decision is made on a consistent picture. Two `Condvar`s say what
//! changed: `available` wakes consumers (an item, or the close), `all_done`
//! wakes joiners. Every wait is in a `while` loop: a `Condvar` may wake a
//! thread spuriously, or after another thread took the item.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

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

// ANCHOR: work_queue
impl<T> WorkQueue<T> {
    pub fn new() -> WorkQueue<T> {
        WorkQueue {
            state: Mutex::new(State {
                items: VecDeque::new(),
                unfinished: 0,
                closed: false,
            }),
            available: Condvar::new(),
            all_done: Condvar::new(),
        }
    }

    /// The state, even if a thread panicked while holding the lock: every
    /// change to it is complete before anything that could panic.
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Adds `item` at the back and wakes one waiting consumer.
    pub fn put(&self, item: T) -> Result<(), Closed<T>> {
        let mut state = self.lock();
        if state.closed {
            return Err(Closed(item));
        }
        state.items.push_back(item);
        state.unfinished += 1;
        drop(state);
        self.available.notify_one();
        Ok(())
    }

    /// Takes the front item, waiting while the queue is empty and open.
    /// `None` once it is closed and drained.
    pub fn get(&self) -> Option<T> {
        let mut state = self.lock();
        loop {
            if let Some(item) = state.items.pop_front() {
                return Some(item);
            }
            if state.closed {
                return None;
            }
            // Releases the lock while asleep, takes it back on waking.
            state = self
                .available
                .wait(state)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    /// Marks one item as finished. `join` returns once every item put has
    /// been marked.
    pub fn task_done(&self) -> Result<(), NothingPending> {
        let mut state = self.lock();
        if state.unfinished == 0 {
            return Err(NothingPending);
        }
        state.unfinished -= 1;
        if state.unfinished == 0 {
            self.all_done.notify_all();
        }
        Ok(())
    }

    /// Waits until every item put so far has been marked done.
    pub fn join(&self) {
        let mut state = self.lock();
        while state.unfinished > 0 {
            state = self
                .all_done
                .wait(state)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    /// `join` that gives up after `timeout`: `true` if everything was done.
    pub fn join_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut state = self.lock();
        while state.unfinished > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            state = self
                .all_done
                .wait_timeout(state, left)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .0;
        }
        true
    }

    /// No more `put`s; consumers take what is left, then get `None`.
    pub fn close(&self) {
        self.lock().closed = true;
        // Every waiting consumer must see it, not just one.
        self.available.notify_all();
    }

    /// Items waiting to be taken.
    pub fn len(&self) -> usize {
        self.lock().items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Items put and not yet marked done.
    pub fn unfinished(&self) -> usize {
        self.lock().unfinished
    }
}
// ANCHOR_END: work_queue
