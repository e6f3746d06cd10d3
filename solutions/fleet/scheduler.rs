//! Exercise 3: the scheduler. One round of checks with at most N in flight
//! at any moment (a sliding window, never batches of N: a new check starts
//! the moment one ends), results in inventory order whatever order they
//! finish in, a deadline after which no check starts, and cancellation.
//! When `run_round` returns, every thread it started has ended.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
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

// ANCHOR: run_round
/// Runs `jobs` with at most `concurrency` of them at once (0 counts as 1)
/// and returns one result per job, in the order of `jobs`. A job not
/// started by `deadline`, or after `cancel`, is `Skipped`; a check that
/// panics is `Down` with the panic's message.
pub fn run_round(
    jobs: Vec<Job>,
    concurrency: usize,
    deadline: Instant,
    cancel: &Cancel,
) -> Vec<JobResult> {
    let workers = concurrency.max(1).min(jobs.len());
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<JobResult>>> = Mutex::new(vec![None; jobs.len()]);
    thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    // Each worker takes the next job as soon as it is free:
                    // a sliding window of `workers` checks.
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(job) = jobs.get(i) else { break };
                    let result = run_one(job, deadline, cancel);
                    results.lock().expect("results")[i] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .expect("results")
        .into_iter()
        .map(|r| r.expect("every job has a result"))
        .collect()
}
// ANCHOR_END: run_round

fn run_one(job: &Job, deadline: Instant, cancel: &Cancel) -> JobResult {
    let check = job.check.describe();
    let skipped = |why: &str| JobResult {
        server: job.server.clone(),
        check: check.clone(),
        status: Status::Skipped(why.into()),
        elapsed: Duration::ZERO,
    };
    if cancel.is_cancelled() {
        return skipped("cancelled");
    }
    if Instant::now() >= deadline {
        return skipped("the round's deadline passed");
    }
    let started = Instant::now();
    let outcome = catch_unwind(AssertUnwindSafe(|| job.check.run(job.timeout)));
    let status = match outcome {
        Ok(Ok(())) => Status::Up,
        Ok(Err(reason)) => Status::Down(reason),
        Err(payload) => Status::Down(format!("the check panicked: {}", panic_text(&payload))),
    };
    JobResult {
        server: job.server.clone(),
        check,
        status,
        elapsed: started.elapsed(),
    }
}

fn panic_text(payload: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".into()
    }
}
