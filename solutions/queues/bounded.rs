//! Exercise 3: a bounded queue: back pressure.
//!
//! Reference solution. One `Mutex` around the items, and two `Condvar`s,
//! one per reason to wait: `not_full` for producers, `not_empty` for
//! consumers. A push that makes the queue non-empty wakes a consumer; a pop
//! that makes room wakes a producer. The timed variants wait with
//! `wait_timeout` against one deadline, so a spurious wake-up does not
//! restart the clock.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

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

// ANCHOR: bounded
impl<T> BoundedQueue<T> {
    /// An empty queue that holds at most `capacity` items.
    ///
    /// # Panics
    /// If `capacity` is 0: such a queue could never take an item.
    pub fn new(capacity: usize) -> BoundedQueue<T> {
        assert!(
            capacity > 0,
            "a BoundedQueue needs a capacity of at least 1"
        );
        BoundedQueue {
            items: Mutex::new(VecDeque::with_capacity(capacity)),
            capacity,
            not_full: Condvar::new(),
            not_empty: Condvar::new(),
        }
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, VecDeque<T>> {
        self.items
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits on `condvar` while `blocked` holds, at most until `deadline`
    /// (`None`: no deadline). Returns the guard, and whether `blocked` is
    /// over.
    fn wait_while<'a>(
        &self,
        mut items: MutexGuard<'a, VecDeque<T>>,
        condvar: &Condvar,
        deadline: Option<Instant>,
        blocked: impl Fn(&VecDeque<T>) -> bool,
    ) -> (MutexGuard<'a, VecDeque<T>>, bool) {
        while blocked(&items) {
            items = match deadline {
                None => condvar
                    .wait(items)
                    .unwrap_or_else(|poisoned| poisoned.into_inner()),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return (items, false);
                    }
                    condvar
                        .wait_timeout(items, left)
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .0
                }
            };
        }
        (items, true)
    }

    /// Pushes `item` once there is room, waiting at most until `deadline`.
    fn push_until(&self, item: T, deadline: Option<Instant>) -> Result<(), Full<T>> {
        let capacity = self.capacity;
        let (mut items, room) = self.wait_while(self.lock(), &self.not_full, deadline, |items| {
            items.len() >= capacity
        });
        if !room {
            return Err(Full(item));
        }
        items.push_back(item);
        drop(items);
        self.not_empty.notify_one();
        Ok(())
    }

    /// Pops the front item once there is one, waiting at most until
    /// `deadline`.
    fn pop_until(&self, deadline: Option<Instant>) -> Option<T> {
        let (mut items, _) =
            self.wait_while(self.lock(), &self.not_empty, deadline, VecDeque::is_empty);
        let item = items.pop_front();
        drop(items);
        if item.is_some() {
            self.not_full.notify_one();
        }
        item
    }

    /// Adds `item` at the back, waiting while the queue is full.
    pub fn push(&self, item: T) {
        if self.push_until(item, None).is_err() {
            unreachable!("a push without a deadline waits until there is room");
        }
    }

    /// Adds `item` if there is room now; otherwise gives it back.
    pub fn try_push(&self, item: T) -> Result<(), Full<T>> {
        self.push_until(item, Some(Instant::now()))
    }

    /// Adds `item`, waiting at most `timeout` for room; else gives it back.
    pub fn push_timeout(&self, item: T, timeout: Duration) -> Result<(), Full<T>> {
        self.push_until(item, Some(Instant::now() + timeout))
    }

    /// Takes the front item, waiting while the queue is empty.
    pub fn pop(&self) -> T {
        self.pop_until(None)
            .expect("a pop without a deadline waits until there is an item")
    }

    /// Takes the front item if there is one now.
    pub fn try_pop(&self) -> Option<T> {
        self.pop_until(Some(Instant::now()))
    }

    /// Takes the front item, waiting at most `timeout` for one.
    pub fn pop_timeout(&self, timeout: Duration) -> Option<T> {
        self.pop_until(Some(Instant::now() + timeout))
    }
}
// ANCHOR_END: bounded
