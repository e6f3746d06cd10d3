//! Exercise 1: two cooks, the pasta and the sauce: spawn, join, and a panic.
//!
//! Two cooks work in one kitchen, at the same time, and the dish goes on
//! the table when both are done. In Python:
//!
//! ```python
//! pasta = threading.Thread(target=boil_pasta)
//! sauce = threading.Thread(target=simmer_sauce)
//! pasta.start(); sauce.start()
//! pasta.join(); sauce.join()
//! ```
//!
//! In Rust, `std::thread::spawn(f)` starts a thread and returns a
//! `JoinHandle<T>`; `handle.join()` waits for the thread and returns what
//! `f` returned. Three things differ from Python:
//!
//! - **A result comes back.** `join()` gives `f`'s return value: no shared
//!   variable to write the result into.
//! - **A panic comes back too, as a value.** A thread that panics ends; its
//!   `join()` returns `Err(payload)`, where the payload is what was given to
//!   `panic!`, as a `Box<dyn Any + Send>`. The caller decides what that
//!   means. Here: an error naming the task, while the other task's result is
//!   kept (one burnt sauce does not throw the pasta away).
//! - **`'static`.** A thread from `thread::spawn` may outlive the function
//!   that started it, so its closure may not borrow anything local: it has
//!   to own what it uses (`move`, an `Arc`). `std::thread::scope` lifts
//!   that: a scoped thread is joined before `scope` returns, so it may
//!   borrow whatever outlives the scope. That is [`join_both_scoped`].
//!
//! Give each thread its task's name (`std::thread::Builder::new()
//! .name(…)`, then `.spawn(f)` or `.spawn_scoped(scope, f)`): the panic
//! message then says `thread 'sauce' panicked`, and a debugger or `top -H`
//! shows which thread is which.
//!
//! Both tasks must run **at the same time**: start both threads, then wait
//! for both. Spawning one and joining it before spawning the other cooks
//! one dish after the other.
//!
//! The error type is given; [`panic_message`], [`join_both`] and
//! [`join_both_scoped`] are yours. Later exercises use `panic_message`.
//!
//! Run the tests with `cargo kata check threads/spawn_join`.

use std::any::Any;
use std::error::Error;
use std::fmt;

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

/// The message of a panic, from the payload that `JoinHandle::join` (or
/// `std::panic::catch_unwind`) hands back.
///
/// `panic!("boiled over")` carries a `&'static str`; `panic!("{n} minutes
/// late")`, with arguments, a `String`. Try both with `payload.downcast_ref`;
/// anything else (from `std::panic::panic_any`) gives [`NOT_TEXT`].
///
/// Careful when you call it with the `Box<dyn Any + Send>` that `join`
/// returns: pass `&*payload`, the value inside the box. `&payload` is the
/// box itself, which is an `Any` too, and then nothing would downcast.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    todo!(
        "the text of the panic payload {payload:?}: a &str, a String, or {:?}",
        NOT_TEXT
    )
}

/// Runs `a` and `b` at the same time, each on a thread of its own named
/// after its task (`name_a`, `name_b`), waits for both, and returns both
/// results. A task that panicked gives `Err(TaskPanicked)` with its name
/// and message; the other task's result is kept.
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
    todo!(
        "run {name_a:?} ({}) and {name_b:?} ({}) on two named threads at once, and join both",
        std::any::type_name_of_val(&a),
        std::any::type_name_of_val(&b)
    )
}

/// Like [`join_both`], but the tasks may borrow from the caller (they need
/// not be `'static`): run them on scoped threads (`std::thread::scope`),
/// which are joined before the scope ends. Same rules: named threads, both
/// at once, a panic becomes an error naming its task.
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
    todo!(
        "run {name_a:?} ({}) and {name_b:?} ({}) on two named scoped threads at once, and join both",
        std::any::type_name_of_val(&a),
        std::any::type_name_of_val(&b)
    )
}
