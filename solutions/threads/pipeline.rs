//! Exercise 6: two pools in a row: insert the row, then send the mail.
//!
//! Reference solution. Every stage-one job, once its row is inserted,
//! submits the row's follow-up to the second pool itself and returns that
//! follow-up's promise: so the mail for a row goes out as soon as its
//! insert is done, whatever the rows before it are doing. The caller then
//! waits, in input order, first for each stage-one promise and then for
//! the stage-two promise inside it. A row whose insert failed has no
//! follow-up at all.

use std::error::Error;
use std::fmt;
use std::sync::Arc;

use crate::pool::ThreadPool;

/// Why a row did not make it through the pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PipelineError {
    /// Stage one failed: its error message, or `panicked: <message>` if it
    /// panicked. Stage two was not run for this row.
    First(String),
    /// Stage one succeeded and stage two failed: its error message, or
    /// `panicked: <message>`.
    Second(String),
}

impl fmt::Display for PipelineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PipelineError::First(message) => write!(f, "stage one failed: {message}"),
            PipelineError::Second(message) => write!(f, "stage two failed: {message}"),
        }
    }
}

impl Error for PipelineError {}

// ANCHOR: run
/// Runs `stage_one` on every item in a pool of `first_workers` threads, and
/// `stage_two` on the output of each stage one that succeeded, in a second
/// pool of `second_workers` threads, as soon as that stage one is done.
/// Returns when both pools are drained, with one result per item in the
/// order of `items`.
pub fn run<T, U, V, F, G>(
    items: Vec<T>,
    first_workers: usize,
    stage_one: F,
    second_workers: usize,
    stage_two: G,
) -> Vec<Result<V, PipelineError>>
where
    T: Send + 'static,
    U: Send + 'static,
    V: Send + 'static,
    F: Fn(T) -> Result<U, String> + Send + Sync + 'static,
    G: Fn(U) -> Result<V, String> + Send + Sync + 'static,
{
    let first = ThreadPool::new(first_workers);
    // Shared with every stage-one job, which submits its follow-up itself.
    let second = Arc::new(ThreadPool::new(second_workers));
    let stage_one = Arc::new(stage_one);
    let stage_two = Arc::new(stage_two);

    let promises: Vec<_> = items
        .into_iter()
        .map(|item| {
            let stage_one = Arc::clone(&stage_one);
            let stage_two = Arc::clone(&stage_two);
            let second = Arc::clone(&second);
            first.submit(move || {
                // `?`: a failed insert returns here, and no mail is queued.
                let row = stage_one(item)?;
                // Queued the moment this row is in, not when the caller
                // gets round to it: the caller is still waiting in input
                // order for rows that may be slower than this one.
                Ok::<_, String>(second.submit(move || stage_two(row)))
            })
        })
        .collect();

    let results = promises
        .into_iter()
        .map(|promise| match promise.wait() {
            Err(panicked) => Err(PipelineError::First(format!(
                "panicked: {}",
                panicked.message
            ))),
            Ok(Err(message)) => Err(PipelineError::First(message)),
            Ok(Ok(follow_up)) => match follow_up.wait() {
                Err(panicked) => Err(PipelineError::Second(format!(
                    "panicked: {}",
                    panicked.message
                ))),
                Ok(Err(message)) => Err(PipelineError::Second(message)),
                Ok(Ok(value)) => Ok(value),
            },
        })
        .collect();

    // Every promise has been waited for, so both pools are idle. The first
    // pool goes first, as it is the one whose jobs use the second.
    drop(first);
    drop(second);
    results
}
// ANCHOR_END: run
