//! Exercise 2: the check-then-pop race, and why Rust does not stop it.
//!
//! Reference solution. The check (is there a task?) and the act (take it)
//! happen under one lock, in one critical section, so no other thread can
//! come between them. The workers of `drain` ask `take_next` and nothing
//! else: "is the list empty?" followed by "take one" would be the same race
//! one level up.

use std::sync::Mutex;
use std::thread;

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

    // ANCHOR: take_next
    /// Takes the first task, or `None` if there is none left. Each task is
    /// handed to exactly one caller, however many threads call at once.
    pub fn take_next(&self) -> Option<String> {
        // One guard for the check and the removal: no other thread can take
        // the last task between "there is one" and "remove it".
        let mut tasks = self.tasks.lock().unwrap();
        if tasks.is_empty() {
            None
        } else {
            Some(tasks.remove(0))
        }
    }
    // ANCHOR_END: take_next
}

// ANCHOR: drain
/// Empties `list` with `workers` threads (0 counts as 1), each taking tasks
/// with `take_next` until there is none left. Returns what each worker
/// took, in the order it took them.
pub fn drain(list: &TaskList, workers: usize) -> Vec<Vec<String>> {
    thread::scope(|scope| {
        let handles: Vec<_> = (0..workers.max(1))
            .map(|_| {
                scope.spawn(|| {
                    let mut taken = Vec::new();
                    // Ask and take in one call. `while !list.is_empty()`
                    // followed by `take_next().unwrap()` would be the race
                    // again: the last task can go between the two calls.
                    while let Some(task) = list.take_next() {
                        taken.push(task);
                    }
                    taken
                })
            })
            .collect();
        handles
            .into_iter()
            // A worker's panic goes on as the caller's, with its own message.
            .map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p))
            })
            .collect()
    })
}
// ANCHOR_END: drain
