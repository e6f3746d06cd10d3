//! Exercise 4: Python decorators, the Rust way.
//!
//! In Python, `@retry(3)` above a function replaces it with a new function
//! that calls the old one in a loop. Rust does the same with *wrapper
//! types*: `Retry<C>` holds a check `C` and is a `Check` itself, whose `run`
//! calls the inner `run` in a loop. Because every wrapper is a `Check`, they
//! nest: `Retry::new(Timed::new(Logged::new(check, log), budget), 3)`.
//!
//! The wrappers are generic (`C` is any `Check`), so the compiler builds one
//! copy per concrete type: no `Box`, no dynamic dispatch, no cost.
//!
//! Every wrapper keeps the `name` of its inner check (a report still says
//! `has service ssh`) and adds what it does to the `describe` of its inner
//! check:
//!
//! - `Retry`: `<inner describe> (attempts: <n>)`
//! - `Timed`: `<inner describe> (within <budget:?>)`, e.g. `(within 10s)`
//! - `Logged`: `<inner describe> (logged)`
//!
//! Rule for all three: run the inner check exactly as many times as the
//! wrapper's job needs. A second `run` "just to get the outcome" would run
//! the real check twice: twice the SSH connections, twice the side effects.
//!
//! Run the tests with `cargo kata check traits/decorators`.

use std::fmt;
use std::time::Duration;

use crate::checks::{Check, Outcome};
use crate::server::Server;

/// Runs the inner check until it passes, at most `attempts` times.
#[derive(Debug, Clone)]
pub struct Retry<C> {
    inner: C,
    attempts: u32,
}

/// Runs the inner check and fails it when it took longer than `budget`.
#[derive(Debug, Clone)]
pub struct Timed<C> {
    inner: C,
    budget: Duration,
}

/// Runs the inner check and tells `logger` when it starts and how it ended.
pub struct Logged<C, L> {
    inner: C,
    logger: L,
}

/// Closures have no `Debug`, so this impl shows the logger's type instead.
impl<C: fmt::Debug, L> fmt::Debug for Logged<C, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Logged")
            .field("inner", &self.inner)
            .field("logger", &std::any::type_name_of_val(&self.logger))
            .finish()
    }
}

impl<C: Check> Retry<C> {
    /// Wraps `inner` to run at most `attempts` times. 0 attempts counts as 1:
    /// a check that never runs could neither pass nor fail.
    ///
    /// Unlike the constructors of `Timed` and `Logged` below, this one has a
    /// rule to keep, so it is yours to write: store `attempts` so that it is
    /// never 0, and `run` will not have to think about it (`u32::max`).
    pub fn new(inner: C, attempts: u32) -> Self {
        todo!(
            "wrap the check {:?} to run at most {attempts} times (0 counts as 1)",
            inner.name()
        )
    }
}

impl<C: Check> Check for Retry<C> {
    fn name(&self) -> String {
        todo!("keep the name of the inner check, {:?}", self.inner.name())
    }

    fn describe(&self) -> String {
        todo!(
            "add \" (attempts: {})\" to the description of the inner check",
            self.attempts
        )
    }

    /// Runs the inner check until it passes, and at most `attempts` times;
    /// returns the outcome of the last run. A pass is never retried.
    fn run(&self, server: &Server) -> Outcome {
        todo!(
            "run {:?} on {:?} until it passes, at most {} times",
            self.inner.name(),
            server.name(),
            self.attempts
        )
    }
}

impl<C> Timed<C> {
    /// Wraps `inner` with a time budget.
    pub fn new(inner: C, budget: Duration) -> Self {
        Timed { inner, budget }
    }
}

impl<C: Check> Check for Timed<C> {
    fn name(&self) -> String {
        todo!("keep the name of the inner check, {:?}", self.inner.name())
    }

    fn describe(&self) -> String {
        todo!(
            "add \" (within {:?})\" to the description of the inner check",
            self.budget
        )
    }

    /// Runs the inner check once and measures how long it took
    /// (`std::time::Instant::now()`, then `.elapsed()`).
    ///
    /// - Within the budget (`elapsed <= budget`): the inner outcome as it
    ///   is, a failure included: a fast failure is still a failure.
    /// - Over the budget: `Err("took <elapsed:?>, over the budget of
    ///   <budget:?>")`, e.g. `took 31.2ms, over the budget of 1ms`; if the
    ///   inner check failed too, append `; it also failed: <reason>`.
    fn run(&self, server: &Server) -> Outcome {
        todo!(
            "time {:?} on {:?} against the budget of {:?}",
            self.inner.name(),
            server.name(),
            self.budget
        )
    }
}

impl<C, L> Logged<C, L> {
    /// Wraps `inner`; `logger` receives one line before and one after each run.
    pub fn new(inner: C, logger: L) -> Self {
        Logged { inner, logger }
    }
}

impl<C: Check, L: Fn(&str)> Check for Logged<C, L> {
    fn name(&self) -> String {
        todo!("keep the name of the inner check, {:?}", self.inner.name())
    }

    fn describe(&self) -> String {
        todo!("add \" (logged)\" to the description of the inner check")
    }

    /// Calls the logger with `start <name> on <server>`, runs the inner check
    /// once, then calls the logger with `pass <name> on <server>` or
    /// `fail <name> on <server>: <reason>`, and returns the inner outcome.
    ///
    /// Hint: `self.logger` is a field holding a closure; call it with
    /// `(self.logger)(&line)` (the parentheses tell Rust it is a field, not
    /// a method).
    fn run(&self, server: &Server) -> Outcome {
        todo!(
            "log around one run of {:?} on {:?}",
            self.inner.name(),
            server.name()
        )
    }
}

/// An *extension trait*: the `@decorator` line of Python. With it,
/// `check.retry(3)` means `Retry::new(check, 3)`, and chains read in order:
/// `check.logged(log).timed(budget).retry(3)`.
///
/// `Sized` is needed because the methods take `self` by value, to move it
/// into the wrapper.
pub trait CheckExt: Check + Sized {
    fn retry(self, attempts: u32) -> Retry<Self>;
    fn timed(self, budget: Duration) -> Timed<Self>;
    fn logged<L: Fn(&str)>(self, logger: L) -> Logged<Self, L>;
}

/// A blanket impl: every `Check` gets the three methods for free, closures
/// included. Each body is one call to a constructor.
impl<C: Check> CheckExt for C {
    fn retry(self, attempts: u32) -> Retry<Self> {
        todo!("wrap {:?} in a Retry of {attempts} attempts", self.name())
    }

    fn timed(self, budget: Duration) -> Timed<Self> {
        todo!(
            "wrap {:?} in a Timed with the budget {budget:?}",
            self.name()
        )
    }

    fn logged<L: Fn(&str)>(self, logger: L) -> Logged<Self, L> {
        todo!(
            "wrap {:?} in a Logged that reports to the logger {}",
            self.name(),
            std::any::type_name_of_val(&logger)
        )
    }
}
