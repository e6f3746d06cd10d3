//! Exercise 4: Python decorators, the Rust way.
//!
//! Reference solution. Each decorator is a wrapper type that holds the check
//! it decorates and is a `Check` itself, so wrappers nest. The extension
//! trait `CheckExt` adds `.retry(..)`, `.timed(..)` and `.logged(..)` to
//! every check.

use std::fmt;
use std::time::{Duration, Instant};

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

// ANCHOR: retry
impl<C: Check> Retry<C> {
    /// Wraps `inner` to run at most `attempts` times. 0 attempts counts as 1:
    /// a check that never runs could neither pass nor fail.
    pub fn new(inner: C, attempts: u32) -> Self {
        Retry {
            inner,
            attempts: attempts.max(1),
        }
    }
}

impl<C: Check> Check for Retry<C> {
    fn name(&self) -> String {
        self.inner.name()
    }

    fn describe(&self) -> String {
        format!("{} (attempts: {})", self.inner.describe(), self.attempts)
    }

    fn run(&self, server: &Server) -> Outcome {
        // `new` made sure `attempts >= 1`, so the loop runs at least once
        // and this first value is always replaced.
        let mut outcome = Ok(());
        for _ in 0..self.attempts {
            outcome = self.inner.run(server);
            if outcome.is_ok() {
                break;
            }
        }
        outcome
    }
}
// ANCHOR_END: retry

impl<C> Timed<C> {
    /// Wraps `inner` with a time budget.
    pub fn new(inner: C, budget: Duration) -> Self {
        Timed { inner, budget }
    }
}

impl<C: Check> Check for Timed<C> {
    fn name(&self) -> String {
        self.inner.name()
    }

    fn describe(&self) -> String {
        format!("{} (within {:?})", self.inner.describe(), self.budget)
    }

    fn run(&self, server: &Server) -> Outcome {
        let start = Instant::now();
        let outcome = self.inner.run(server);
        let elapsed = start.elapsed();
        if elapsed <= self.budget {
            // In time: the inner outcome, pass or fail, is the outcome.
            return outcome;
        }
        let late = format!("took {elapsed:?}, over the budget of {:?}", self.budget);
        match outcome {
            Ok(()) => Err(late),
            // Too slow AND failed: keep both reasons.
            Err(reason) => Err(format!("{late}; it also failed: {reason}")),
        }
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
        self.inner.name()
    }

    fn describe(&self) -> String {
        format!("{} (logged)", self.inner.describe())
    }

    fn run(&self, server: &Server) -> Outcome {
        let (name, on) = (self.inner.name(), server.name());
        (self.logger)(&format!("start {name} on {on}"));
        // Run the inner check exactly once; the log line and the result
        // both come from this one outcome.
        let outcome = self.inner.run(server);
        match &outcome {
            Ok(()) => (self.logger)(&format!("pass {name} on {on}")),
            Err(reason) => (self.logger)(&format!("fail {name} on {on}: {reason}")),
        }
        outcome
    }
}

// ANCHOR: check_ext
/// The `@decorator` line of Python: `check.retry(3)` instead of
/// `Retry::new(check, 3)`, and chains read in order:
/// `check.logged(log).timed(budget).retry(3)`.
pub trait CheckExt: Check + Sized {
    fn retry(self, attempts: u32) -> Retry<Self>;
    fn timed(self, budget: Duration) -> Timed<Self>;
    fn logged<L: Fn(&str)>(self, logger: L) -> Logged<Self, L>;
}

/// A blanket impl: every `Check` gets the three methods for free.
impl<C: Check> CheckExt for C {
    fn retry(self, attempts: u32) -> Retry<Self> {
        Retry::new(self, attempts)
    }

    fn timed(self, budget: Duration) -> Timed<Self> {
        Timed::new(self, budget)
    }

    fn logged<L: Fn(&str)>(self, logger: L) -> Logged<Self, L> {
        Logged::new(self, logger)
    }
}
// ANCHOR_END: check_ext
