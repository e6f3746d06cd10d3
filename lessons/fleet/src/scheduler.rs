//! Exercise 3: the scheduler. One round of checks with at most N in flight
//! at any moment (a sliding window, never batches of N: a new check starts
//! the moment one ends), results in inventory order whatever order they
//! finish in, a deadline after which no check starts, and cancellation.
//! When `run_round` returns, every thread it started has ended.
//!
//! This is the threads lesson's `bounded` and the queues lesson's work queue
//! in one: `std::thread::scope` lets N workers borrow the jobs without an
//! `Arc`, and a shared `AtomicUsize` "next job" index is the whole queue.
//! Rayon or a channel-fed pool would do too; the scope makes "every thread
//! ended" a guarantee of the compiler.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::checks::Check;

/// One check of one server, with its time limit.
#[derive(Debug)]
pub struct Job {
    pub server: String,
    pub check: Box<dyn Check>,
    pub timeout: Duration,
}

/// How a check ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Up,
    /// Down, and why (`connection refused`, `status 500, expected 200`).
    Down(String),
    /// Never started: the round's deadline passed or it was cancelled.
    Skipped(String),
}

/// The result of one job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobResult {
    pub server: String,
    /// The check's `describe()`.
    pub check: String,
    pub status: Status,
    /// How long the check ran (zero when skipped).
    pub elapsed: Duration,
}

/// A flag that stops a round: checks already running finish (each within
/// its timeout), no new one starts. Clones share the flag.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Runs `jobs` with at most `concurrency` of them at once (0 counts as 1)
/// and returns one result per job, in the order of `jobs`, whatever order
/// they finish in.
///
/// - A sliding window: a new check starts as soon as one ends, never in
///   batches of `concurrency`; with enough jobs, exactly `concurrency` run
///   at once until the last ones.
/// - A job not started by `deadline`, or after `cancel`, is
///   `Skipped("the round's deadline passed")` / `Skipped("cancelled")`;
///   started ones run to the end (their own timeout bounds them).
/// - A check that panics is `Down("the check panicked: <message>")`; the
///   round goes on.
/// - `elapsed` is how long the check ran; zero when skipped. `check` is the
///   check's `describe()`.
/// - Every thread started is joined before returning.
pub fn run_round(
    jobs: Vec<Job>,
    concurrency: usize,
    deadline: Instant,
    cancel: &Cancel,
) -> Vec<JobResult> {
    todo!(
        "run_round: {} jobs, at most {concurrency} at once, none started after {deadline:?} or once {cancel:?} is set",
        jobs.len()
    )
}
