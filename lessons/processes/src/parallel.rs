//! Exercise 6: many commands, at most `max` at once, one exit code.
//!
//! The course's "200 servers, 10 at a time", with processes: `xargs -P 10`,
//! or Python's `ThreadPoolExecutor(max_workers=10)` around `subprocess.run`.
//! A thread that runs a process spends its time blocked in `wait`, so
//! threads are the cheap way to keep `max` processes going: start `max`
//! worker threads (`std::thread::scope` lets them borrow `cmds`), and let
//! each take the next command's index (a shared counter: `AtomicUsize`'s
//! `fetch_add`, or a `Mutex`), run it with `run` from exercise 1, and store
//! the result **at that index**. No more than `max` workers means no more
//! than `max` processes at once. Block in `wait`: a loop that polls
//! `try_wait` and sleeps wakes up for nothing and notices an exit late, and
//! the tests reject it.
//!
//! The results come back in the order of `cmds`, whichever command finished
//! first: a caller pairs `results[i]` with `cmds[i]`. A channel of results
//! in arrival order, collected as they come, would break that.
//!
//! One exit code for the batch, as a shell would give it ([`exit_code`]):
//! 0 for success; the code for `Failed`; 128 + the signal for `Killed` (so
//! SIGKILL is 137); 127 for `NotFound` and 126 for `NotExecutable` (as the
//! shell); 124 for `TimedOut` (as GNU `timeout`); 1 for `Io`. Then
//! [`overall_exit_code`] is 0 if every command succeeded, else the code of
//! the **first failure in input order**: not the last, not the worst, not
//! the first to finish.
//!
//! Run the tests with `cargo kata check processes/parallel`.

use crate::run::{Cmd, Output, RunError};

/// Runs every command of `cmds`, at most `max` at the same time (`max` 0
/// counts as 1), each with `RunOptions::default()`. The results are in the
/// order of `cmds`, not in the order the commands finished.
pub fn run_parallel(cmds: &[Cmd], max: usize) -> Vec<Result<Output, RunError>> {
    todo!("run {cmds:?}, at most {max} at once, and return the results in input order")
}

/// The exit code a shell would give for one result (see the module docs).
pub fn exit_code(result: &Result<Output, RunError>) -> i32 {
    todo!("the exit code a shell would give for {result:?}")
}

/// 0 if every command succeeded, else the exit code of the first failure
/// in input order.
pub fn overall_exit_code(results: &[Result<Output, RunError>]) -> i32 {
    todo!("the exit code of the first failure in input order among {results:?}, or 0")
}
