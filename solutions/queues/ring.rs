//! Exercise 1: a fixed-capacity FIFO, by hand.
//!
//! Reference solution. The items live in a `Vec<Option<T>>` of `capacity`
//! slots that never moves: `head` is the slot of the oldest item, and the
//! item `i` places behind it is in slot `(head + i) % capacity`. A push
//! writes one slot, a pop empties one and moves `head` on: O(1) both, no
//! matter how many items there are. `Option` marks the empty slots, so no
//! `unsafe` is needed for slots that hold nothing.

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

// ANCHOR: ring
impl<T> RingBuffer<T> {
    /// An empty ring with room for `capacity` items. With a capacity of 0
    /// every push is refused.
    pub fn with_capacity(capacity: usize) -> RingBuffer<T> {
        RingBuffer {
            slots: (0..capacity).map(|_| None).collect(),
            head: 0,
            len: 0,
        }
    }

    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn is_full(&self) -> bool {
        self.len == self.capacity()
    }

    /// The slot `offset` places behind the front, wrapping around the end.
    fn slot(&self, offset: usize) -> usize {
        (self.head + offset) % self.capacity()
    }

    /// Adds `item` at the back, or gives it back in `Err` when the ring is
    /// full: a full ring never overwrites or drops anything.
    pub fn push(&mut self, item: T) -> Result<(), T> {
        if self.is_full() {
            return Err(item);
        }
        let tail = self.slot(self.len);
        self.slots[tail] = Some(item);
        self.len += 1;
        Ok(())
    }

    /// Takes the front (oldest) item.
    pub fn pop(&mut self) -> Option<T> {
        if self.is_empty() {
            return None;
        }
        let item = self.slots[self.head].take();
        self.head = self.slot(1);
        self.len -= 1;
        item
    }

    /// The front item, left in place.
    pub fn peek(&self) -> Option<&T> {
        if self.is_empty() {
            None
        } else {
            self.slots[self.head].as_ref()
        }
    }

    /// The items from front to back.
    pub fn iter(&self) -> Iter<'_, T> {
        Iter {
            ring: self,
            offset: 0,
        }
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

    fn next(&mut self) -> Option<&'a T> {
        if self.offset >= self.ring.len {
            return None;
        }
        let slot = self.ring.slot(self.offset);
        self.offset += 1;
        self.ring.slots[slot].as_ref()
    }
}
// ANCHOR_END: ring
