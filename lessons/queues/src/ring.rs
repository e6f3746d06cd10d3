//! Exercise 1: a fixed-capacity FIFO, by hand.
//!
//! The course's job list was a Python list used as a FIFO: `append` at the
//! back, `pop(0)` at the front. `pop(0)` moves every other item one place
//! to the left: O(n) per pop, so draining n jobs costs O(n²). Rust's
//! `Vec::remove(0)` does the same. The fix is not to move the items but the
//! *front*: a ring buffer.
//!
//! ```text
//!  capacity 5, after push 1 2 3 4, pop, pop, push 5 6:
//!
//!  slots:  [ 6 | _ | 3 | 4 | 5 ]
//!            ^       ^
//!            |       head = 2 (the oldest item, 3)
//!            the newest item, at (head + len - 1) % capacity = 0
//! ```
//!
//! - `slots` has `capacity` places and never grows; `None` is an empty one.
//! - The item `i` places behind the front lives in slot
//!   `(head + i) % capacity`: the `%` wraps around the end.
//! - `push` writes slot `(head + len) % capacity` and adds 1 to `len`;
//!   `pop` takes slot `head` (`Option::take` leaves `None` behind), moves
//!   `head` on by one (wrapping) and subtracts 1 from `len`. Nothing else
//!   moves: O(1).
//! - A full ring refuses a push and hands the item back: `Err(item)`. It
//!   never overwrites the oldest item (that would be a different policy, as
//!   in exercise 6).
//! - A capacity of 0 is allowed: always empty and always full. Mind the
//!   `%` by zero.
//!
//! `VecDeque` in std is this same idea, growable. The tests compare your
//! ring with one, step by step, on thousands of random sequences of
//! operations (a proptest "state machine" test).
//!
//! Run the tests with `cargo kata check queues/ring`.

/// A first-in, first-out queue of at most `capacity` items that never
/// reallocates.
#[derive(Debug, Clone)]
pub struct RingBuffer<T> {
    /// `capacity` slots; `None` where there is no item.
    slots: Vec<Option<T>>,
    /// The slot of the front (oldest) item.
    head: usize,
    /// How many items there are.
    len: usize,
}

impl<T> RingBuffer<T> {
    /// An empty ring with room for `capacity` items: `capacity` slots of
    /// `None` (`(0..capacity).map(|_| None).collect()`: `vec![None; n]`
    /// would need `T: Clone`). With a capacity of 0 every push is refused.
    pub fn with_capacity(capacity: usize) -> RingBuffer<T> {
        todo!("an empty ring with {capacity} slots")
    }

    pub fn capacity(&self) -> usize {
        todo!("how many items the ring can hold (how many slots it has)")
    }

    pub fn len(&self) -> usize {
        todo!("how many items the ring holds")
    }

    pub fn is_empty(&self) -> bool {
        todo!("whether the ring holds no item")
    }

    pub fn is_full(&self) -> bool {
        todo!("whether the ring has no free slot")
    }

    /// Adds `item` at the back, or gives it back in `Err` when the ring is
    /// full: a full ring never overwrites or drops anything.
    pub fn push(&mut self, item: T) -> Result<(), T> {
        todo!(
            "put the item ({}) in slot (head + len) % {}, or give it back if the ring is full",
            std::any::type_name_of_val(&item),
            self.slots.len()
        )
    }

    /// Takes the front (oldest) item.
    pub fn pop(&mut self) -> Option<T> {
        todo!(
            "take the item in slot {} (head), move head on (wrapping), and count {} items less one",
            self.head,
            self.len
        )
    }

    /// The front item, left in place.
    pub fn peek(&self) -> Option<&T> {
        todo!("a reference to the front item, if any")
    }

    /// The items from front to back: an [`Iter`] that starts 0 places
    /// behind the front.
    pub fn iter(&self) -> Iter<'_, T> {
        todo!("an iterator from the front item to the back one")
    }
}

/// The iterator of [`RingBuffer::iter`]: front to back.
#[derive(Debug)]
pub struct Iter<'a, T> {
    ring: &'a RingBuffer<T>,
    /// How many items behind the front the next one is.
    offset: usize,
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = &'a T;

    /// The item `offset` places behind the front (in slot
    /// `(head + offset) % capacity`), then one further; `None` once
    /// `offset` reaches the ring's `len`.
    fn next(&mut self) -> Option<&'a T> {
        todo!(
            "the item {} places behind the front of a ring of {} items, if any",
            self.offset,
            self.ring.len
        )
    }
}
