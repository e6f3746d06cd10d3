//! Exercise 6: many commands, at most `max` at once, one exit code.
//!
//! Reference solution. `max` worker threads take the next command from a
//! shared counter, run it with `run` from exercise 1 (which blocks while
//! the process runs), and store the result at the command's own index. So
//! at most `max` processes live at any time, and the results come out in
//! input order however the runs overlap.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use crate::run::{Cmd, Output, RunError, RunOptions, run};

// ANCHOR: run_parallel
/// Runs every command of `cmds`, at most `max` at the same time (`max` 0
/// counts as 1), each with `RunOptions::default()`. The results are in the
/// order of `cmds`, not in the order the commands finished.
pub fn run_parallel(cmds: &[Cmd], max: usize) -> Vec<Result<Output, RunError>> {
    let workers = max.max(1).min(cmds.len());
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<Output, RunError>>>> =
        Mutex::new(cmds.iter().map(|_| None).collect());

    thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    // Each index is handed out once, to one worker.
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(cmd) = cmds.get(i) else { break };
                    let args: Vec<&str> = cmd.args.iter().map(String::as_str).collect();
                    let result = run(&cmd.program, &args, &RunOptions::default());
                    // The slot of its index: the order of `cmds`, not of completion.
                    results.lock().expect("no worker panics")[i] = Some(result);
                }
            });
        }
    });

    results
        .into_inner()
        .expect("no worker panics")
        .into_iter()
        .map(|r| r.expect("every command ran"))
        .collect()
}
// ANCHOR_END: run_parallel

// ANCHOR: overall_exit_code
/// The exit code a shell would give for one result: 0 for success, the
/// code for `Failed`, 128 + signal for `Killed`, 127 for `NotFound`, 126 for
/// `NotExecutable`, 124 for `TimedOut` (as GNU `timeout`), 1 for `Io`.
pub fn exit_code(result: &Result<Output, RunError>) -> i32 {
    match result {
        Ok(_) => 0,
        Err(RunError::Failed { code, .. }) => *code,
        Err(RunError::Killed { signal, .. }) => 128 + signal,
        Err(RunError::NotFound { .. }) => 127,
        Err(RunError::NotExecutable { .. }) => 126,
        Err(RunError::TimedOut { .. }) => 124,
        Err(RunError::Io { .. }) => 1,
    }
}

/// One exit code for a whole batch: 0 if every command succeeded, else the
/// code of the first failure in input order: not the last one, not the
/// worst one, and not the first one to finish.
pub fn overall_exit_code(results: &[Result<Output, RunError>]) -> i32 {
    results
        .iter()
        .map(exit_code)
        .find(|&code| code != 0)
        .unwrap_or(0)
}
// ANCHOR_END: overall_exit_code
