//! Exercise 3: a bounded queue: back pressure.
//!
//! A producer that is faster than its consumer fills an unbounded queue
//! until the machine runs out of memory. A bounded queue holds at most
//! `capacity` items and makes the producer wait when it is full: the slow
//! consumer sets the pace. That is back pressure, and it is what Python's
//! `queue.Queue(maxsize=k)` does on `put`.
//!
//! Build it from a `Mutex<VecDeque<T>>` and two `Condvar`s, one per reason
//! to wait:
//!
//! - `push` waits on `not_full` **while** `len >= capacity`, then pushes
//!   and wakes a consumer (`not_empty.notify_one()`).
//! - `pop` waits on `not_empty` **while** the queue is empty, then pops
//!   and wakes a producer (`not_full.notify_one()`).
//!
//! With a single `Condvar` for both, a pop's `notify_one` can wake another
//! consumer instead of the waiting producer, and the threads can all end up
//! asleep. Two condition variables, each notified by the side that makes
//! its condition true, cannot lose a wake-up that way.
//!
//! The non-blocking and timed variants are the same with a deadline:
//!
//! - `try_push` on a full queue gives the item back in `Err(Full(item))`:
//!   the caller decides (drop it, log it, retry). Never drop it yourself.
//! - `push_timeout`/`pop_timeout` compute `Instant::now() + timeout` once,
//!   then `wait_timeout` for the time left in a loop; once the time left is
//!   zero, they give up (`Err(Full(item))`, `None`).
//!
//! One private helper that pushes with an optional deadline (and one that
//! pops) can serve all three variants of each.
//!
//! Run the tests with `cargo kata check queues/bounded`.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// The queue was full: the item comes back to the caller, never dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Full<T>(pub T);

/// A FIFO of at most `capacity` items shared by producers and consumers.
#[derive(Debug)]
pub struct BoundedQueue<T> {
    items: Mutex<VecDeque<T>>,
    capacity: usize,
    /// Signalled when an item is popped: room for a producer.
    not_full: Condvar,
    /// Signalled when an item is pushed: work for a consumer.
    not_empty: Condvar,
}

impl<T> BoundedQueue<T> {
    /// An empty queue that holds at most `capacity` items.
    ///
    /// # Panics
    /// If `capacity` is 0: such a queue could never take an item. Say so
    /// in the panic message: "... a capacity of at least 1".
    pub fn new(capacity: usize) -> BoundedQueue<T> {
        todo!("an empty queue with room for {capacity} items")
    }

    pub fn capacity(&self) -> usize {
        todo!("the capacity, {}", self.capacity)
    }

    pub fn len(&self) -> usize {
        todo!(
            "how many items the {} holds",
            std::any::type_name_of_val(&self.items)
        )
    }

    pub fn is_empty(&self) -> bool {
        todo!("whether the queue holds no item")
    }

    /// Adds `item` at the back, waiting while the queue is full.
    pub fn push(&self, item: T) {
        todo!(
            "push the item ({}) once there is room, waiting on {:?}",
            std::any::type_name_of_val(&item),
            self.not_full
        )
    }

    /// Adds `item` if there is room now; otherwise gives it back.
    pub fn try_push(&self, item: T) -> Result<(), Full<T>> {
        todo!(
            "push the item ({}) if there is room now, else give it back in Err(Full(item))",
            std::any::type_name_of_val(&item)
        )
    }

    /// Adds `item`, waiting at most `timeout` for room; else gives it back.
    pub fn push_timeout(&self, item: T, timeout: Duration) -> Result<(), Full<T>> {
        todo!(
            "push the item ({}), waiting at most {timeout:?} for room",
            std::any::type_name_of_val(&item)
        )
    }

    /// Takes the front item, waiting while the queue is empty.
    pub fn pop(&self) -> T {
        todo!(
            "pop the front item once there is one, waiting on {:?}",
            self.not_empty
        )
    }

    /// Takes the front item if there is one now.
    pub fn try_pop(&self) -> Option<T> {
        todo!("pop the front item if there is one now")
    }

    /// Takes the front item, waiting at most `timeout` for one.
    pub fn pop_timeout(&self, timeout: Duration) -> Option<T> {
        todo!("pop the front item, waiting at most {timeout:?} for one")
    }
}
