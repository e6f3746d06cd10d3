//! Exercise 1: two cooks, the pasta and the sauce: spawn, join, and a panic.
//!
//! Reference solution. Both threads are started before either is waited
//! for, so they run at the same time; `join` waits for each and hands back
//! its panic as a value, which becomes an error naming the task while the
//! other task's result is kept. The scoped version is the same code inside
//! `thread::scope`, which is what lets the tasks borrow.

use std::any::Any;
use std::error::Error;
use std::fmt;
use std::thread;

/// A task that panicked: which one, and what its panic said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskPanicked {
    /// The name the task was given.
    pub task: String,
    /// The panic's message, from [`panic_message`].
    pub message: String,
}

impl fmt::Display for TaskPanicked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "task {} panicked: {}", self.task, self.message)
    }
}

impl Error for TaskPanicked {}

/// What [`panic_message`] says for a payload that is not text.
pub const NOT_TEXT: &str = "a panic whose payload is not text";

// ANCHOR: panic_message
/// The message of a panic, from the payload that `JoinHandle::join` (or
/// `std::panic::catch_unwind`) hands back.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    // `panic!("boiled over")` carries a `&'static str`; `panic!("{n} min")`,
    // with arguments, a `String`. Anything else came from `panic_any`.
    if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        NOT_TEXT.to_string()
    }
}
// ANCHOR_END: panic_message

// ANCHOR: join_both
/// Runs `a` and `b` at the same time, each on a thread of its own named
/// after its task, waits for both, and returns both results. A task that
/// panicked gives `Err(TaskPanicked)` naming it; the other result is kept.
pub fn join_both<A, B, FA, FB>(
    name_a: &str,
    a: FA,
    name_b: &str,
    b: FB,
) -> (Result<A, TaskPanicked>, Result<B, TaskPanicked>)
where
    A: Send + 'static,
    B: Send + 'static,
    FA: FnOnce() -> A + Send + 'static,
    FB: FnOnce() -> B + Send + 'static,
{
    // Start both before waiting for either: `spawn(a).join()` and then
    // `spawn(b).join()` would cook one dish after the other.
    let first = thread::Builder::new()
        .name(name_a.to_string())
        .spawn(a)
        .expect("the system could not start a thread");
    let second = thread::Builder::new()
        .name(name_b.to_string())
        .spawn(b)
        .expect("the system could not start a thread");
    // `join` waits. A panic in the thread comes back as `Err(payload)`,
    // a value: no `unwrap` here, or the first panic would lose the other dish.
    (
        outcome(name_a, first.join()),
        outcome(name_b, second.join()),
    )
}

/// A joined thread's result, with its panic turned into an error naming it.
fn outcome<T>(task: &str, joined: thread::Result<T>) -> Result<T, TaskPanicked> {
    joined.map_err(|payload| TaskPanicked {
        task: task.to_string(),
        // `&*payload`: the `dyn Any` inside the box. `&payload` would be
        // the box itself as an `Any`, and no downcast would match.
        message: panic_message(&*payload),
    })
}
// ANCHOR_END: join_both

// ANCHOR: join_both_scoped
/// Like [`join_both`], but the tasks may borrow from the caller (no
/// `'static`): the threads are scoped, so they are joined before this
/// function returns and cannot outlive what they borrow.
pub fn join_both_scoped<A, B, FA, FB>(
    name_a: &str,
    a: FA,
    name_b: &str,
    b: FB,
) -> (Result<A, TaskPanicked>, Result<B, TaskPanicked>)
where
    A: Send,
    B: Send,
    FA: FnOnce() -> A + Send,
    FB: FnOnce() -> B + Send,
{
    thread::scope(|scope| {
        let first = thread::Builder::new()
            .name(name_a.to_string())
            .spawn_scoped(scope, a)
            .expect("the system could not start a thread");
        let second = thread::Builder::new()
            .name(name_b.to_string())
            .spawn_scoped(scope, b)
            .expect("the system could not start a thread");
        // Joined here, so the scope sees no unjoined panicked thread (which
        // would make `scope` itself panic).
        (
            outcome(name_a, first.join()),
            outcome(name_b, second.join()),
        )
    })
}
// ANCHOR_END: join_both_scoped
