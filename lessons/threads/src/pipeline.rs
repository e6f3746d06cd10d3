//! Exercise 6: two pools in a row: insert the row, then send the mail.
//!
//! The course's sign-up job: for every new user, insert a row in the
//! database (stage one), then send the welcome mail (stage two). Each stage
//! has its own pool, sized for its own bottleneck (database connections,
//! the mail server's rate limit). A mail can only go out for a row that was
//! inserted: a failed insert skips the mail for that user, and is reported.
//!
//! [`run`] builds both pools with the `ThreadPool` of exercise 5 and
//! returns one result per item, in the order of `items`, once both pools
//! are drained.
//!
//! **Forward each row as soon as it is done.** The mail for a row goes out
//! when *its* insert is done, not when the caller gets round to it: while
//! the caller waits for the promise of row 0 (a slow insert), the rows
//! after it may be inserted already, and their mails must not wait for
//! row 0. Waiting for all of stage one before starting stage two, or
//! forwarding the rows in input order from the calling thread, holds them
//! back.
//!
//! One way: the stage-one job submits the follow-up to the second pool
//! itself. For that, the job needs the second pool (put it in an `Arc`:
//! `ThreadPool` is `Sync`, and the job must be `'static`) and `stage_two`
//! (an `Arc` too). The job then returns the follow-up's promise, so the
//! caller gets a `Promise<Result<Promise<Result<V, String>>, String>>`
//! per item: wait for the outer one, then for the inner one, in input
//! order, and turn what comes back into a [`PipelineError`]:
//!
//! - stage one returned `Err(message)`: `PipelineError::First(message)`;
//!   if it panicked: `First("panicked: <its message>")`;
//! - stage two likewise, as `PipelineError::Second`.
//!
//! At the end, drop the first pool before the second: it is the one whose
//! jobs use the second.
//!
//! Run the tests with `cargo kata check threads/pipeline`.

use std::error::Error;
use std::fmt;

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
    todo!(
        "{} items through {} on {first_workers} threads, then {} on {second_workers} threads",
        items.len(),
        std::any::type_name_of_val(&stage_one),
        std::any::type_name_of_val(&stage_two)
    )
}
