//! Exercise 2: the check-then-pop race, and why Rust does not stop it.
//!
//! The course's job list, in Python: two threads share `tasks`, and each
//! runs
//!
//! ```python
//! while len(tasks) > 0:      # check
//!     task = tasks.pop(0)    # act
//! ```
//!
//! Both see one task left, both call `pop(0)`, and the second one crashes
//! with `IndexError: pop from empty list`. Nothing is wrong with `len` or
//! `pop` alone: each is safe (the GIL sees to that). What is wrong is the
//! gap between them, where another thread can act.
//!
//! Rust rules out **data races** (two threads touching the same memory at
//! once, one of them writing): the list lives in a `Mutex`, and the compiler
//! does not let you reach it without the lock. It does not rule out **race
//! conditions**: a result that depends on how the threads happen to
//! interleave. Here is the Python code, faithfully translated, and it
//! compiles:
//!
//! ```ignore
//! pub fn take_next(&self) -> Option<String> {
//!     let has_one = !self.tasks.lock().unwrap().is_empty(); // lock, check, unlock
//!     if has_one {
//!         // Another thread can take the last task right here.
//!         Some(self.tasks.lock().unwrap().remove(0))          // lock again: too late
//!     } else {
//!         None
//!     }
//! }
//! ```
//!
//! Each lock is held for one statement: two **critical sections**. Between
//! them the lock is free, and `remove(0)` on an empty `Vec` panics, just like
//! `pop(0)`. The fix is to check and act under **one** lock: take the guard
//! once (`let mut tasks = self.tasks.lock().unwrap();`) and do both with it.
//!
//! The same bug lives one level up, in [`drain`]: a worker that asks
//! `list.is_empty()` and then calls `take_next().unwrap()` has a gap between
//! two calls. Let `take_next` answer both questions at once: `while let
//! Some(task) = list.take_next()`.
//!
//! `TaskList::new`, `len` and `is_empty` are given; `take_next` and `drain`
//! are yours.
//!
//! Run the tests with `cargo kata check threads/race`.

use std::sync::Mutex;

/// A list of tasks that many threads take from, first in, first out
/// (Python's `tasks.pop(0)`).
#[derive(Debug, Default)]
pub struct TaskList {
    tasks: Mutex<Vec<String>>,
}

impl TaskList {
    /// A list holding `tasks`, the first one to be taken first.
    pub fn new(tasks: Vec<String>) -> TaskList {
        TaskList {
            tasks: Mutex::new(tasks),
        }
    }

    /// How many tasks are left. Only a snapshot: by the time the caller
    /// looks at the number, another thread may have taken one.
    pub fn len(&self) -> usize {
        self.tasks.lock().unwrap().len()
    }

    /// Whether no task is left (a snapshot too, like [`TaskList::len`]).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Takes the first task, or `None` if there is none left. Each task is
    /// handed to exactly one caller, however many threads call at once: the
    /// check and the removal under one lock.
    pub fn take_next(&self) -> Option<String> {
        todo!(
            "lock {:?} once, and take its first task if it has one",
            self.tasks
        )
    }
}

/// Empties `list` with `workers` threads (0 counts as 1), each taking tasks
/// with `take_next` until there is none left. Returns what each worker
/// took, in the order it took them: one `Vec` per worker.
///
/// The workers borrow `list`, so `std::thread::scope` is the easy way to
/// start them. A worker's panic should reach the caller with its own
/// message: `join()` gives it back as `Err(payload)`, and
/// `std::panic::resume_unwind(payload)` raises it again.
pub fn drain(list: &TaskList, workers: usize) -> Vec<Vec<String>> {
    todo!("empty {list:?} with {workers} threads, each calling take_next until it gives None")
}
