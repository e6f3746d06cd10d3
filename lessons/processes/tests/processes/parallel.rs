//! Exercise 6: many commands, at most `max` at once, one exit code.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use processes::parallel::{exit_code, overall_exit_code, run_parallel};
use processes::run::{Cmd, Output, RunError};
use testkit::asleep::watch;
use testkit::{DEFAULT_LIMIT, wait_for, within};

use crate::{childproc, in_a_process_of_its_own};
use testkit::asleep::others_asleep;
use testkit::process_state::children;

fn run_parallel_within(cmds: Vec<Cmd>, max: usize) -> Vec<Result<Output, RunError>> {
    within(DEFAULT_LIMIT * 2, "run_parallel", move || {
        run_parallel(&cmds, max)
    })
}

fn ok(stdout: &str) -> Result<Output, RunError> {
    Ok(Output {
        stdout: stdout.to_string(),
        stderr: String::new(),
    })
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

// Catches: parallel-completion-order (results collected in the order the
// commands finished). The first command here waits for a file that only the
// second creates, so the second always finishes first.
#[test]
fn results_are_in_input_order_not_completion_order() {
    let dir = tempfile::tempdir().unwrap();
    let flag = dir.path().join("second-finished");
    let cmds = vec![
        Cmd::new(childproc(), &["relay", path(&flag), "-", "first"]),
        Cmd::new(childproc(), &["relay", "-", path(&flag), "second"]),
    ];
    assert_eq!(
        run_parallel_within(cmds, 2),
        vec![ok("first\n"), ok("second\n")]
    );
}

// Catches: parallel-all-at-once (a runner that starts everything at once),
// parallel-max-plus-one (one that lets `max + 1` run), parallel-one-at-a-time
// (one that never runs `max` at once), parallel-polls-for-a-free-place (one
// that looks for a free place every few milliseconds: it never settles).
//
// Each `childproc slot` process creates `held/<its pid>` and waits for its
// own ticket, `go-<its pid>`, so no command ends until the test lets it.
// Before each release the test waits until the runner has settled: every
// thread of the runner asleep (waiting for its children), and every child
// process of the test a slot that holds a place (none forked and not yet
// registered, none released and not yet reaped). Nothing can then start
// another command until the test releases one: so the slots holding a place
// are all the runner will run at once, and there must be exactly `max` of
// them (fewer once fewer are left). A runner with one worker too many has
// started its `max + 1`-th command before it can settle; one that runs
// fewer settles with fewer. Runs in a process of its own, so that the
// threads and children it sees are the runner's.
#[test]
fn at_most_max_run_at_once_and_max_are_used() {
    in_a_process_of_its_own("parallel::at_most_max_run_at_once_and_max_are_used", || {
        let dir = tempfile::tempdir().unwrap();
        let (max, count) = (3, 7);
        let cmds: Vec<Cmd> = (0..count)
            .map(|_| Cmd::new(childproc(), &["slot", path(dir.path())]))
            .collect();
        let held_dir = dir.path().join("held");
        let _release_all = ReleaseAll(dir.path().to_path_buf());
        let runner = watch("run_parallel", move || run_parallel(&cmds, max));
        let mut released = BTreeSet::new();
        while released.len() < count {
            let mut holding = BTreeSet::new();
            wait_for(
                DEFAULT_LIMIT,
                "run_parallel to settle: every one of its threads asleep (a loop that polls \
                 `try_wait` and sleeps keeps waking up and never settles: block in `wait`, a \
                 thread per running command, as the module docs say), and every child a command \
                 that holds a place",
                || {
                    if runner.is_finished() {
                        return true;
                    }
                    let before = children();
                    if !others_asleep() {
                        return false;
                    }
                    let held: BTreeSet<u32> = std::fs::read_dir(&held_dir)
                        .map(|d| {
                            d.flatten()
                                .filter_map(|e| e.file_name().to_str()?.parse().ok())
                                .collect()
                        })
                        .unwrap_or_default();
                    holding = held.difference(&released).copied().collect();
                    before == holding && children() == holding
                },
            );
            if runner.is_finished() {
                // It ended before every command was released: it panicked
                // (a `todo!`?) or did not run them all.
                let results = runner.join_within(DEFAULT_LIMIT);
                panic!(
                    "run_parallel returned while {} of the {count} commands had not \
                     been released yet: {results:?}",
                    count - released.len()
                );
            }
            let left = count - released.len();
            assert!(
                holding.len() <= max,
                "{} commands ran at once, with max = {max}",
                holding.len()
            );
            assert_eq!(
                holding.len(),
                max.min(left),
                "only {} of the {left} commands left ran at once, with max = {max}: \
                 max is not used",
                holding.len()
            );
            let pid = *holding.first().expect("a command holds a place");
            std::fs::write(dir.path().join(format!("go-{pid}")), "").unwrap();
            released.insert(pid);
        }
        let results = runner.join_within(DEFAULT_LIMIT * 2);
        assert_eq!(results, vec![ok("released\n"); count]);
    });
}

/// Creates the ticket of every slot of the folder when dropped, so that a
/// failed test leaves no `childproc slot` waiting for its ticket.
struct ReleaseAll(PathBuf);

impl Drop for ReleaseAll {
    fn drop(&mut self) {
        let held = std::fs::read_dir(self.0.join("held")).into_iter().flatten();
        for pid in held.flatten() {
            let ticket = format!("go-{}", pid.file_name().to_string_lossy());
            let _ = std::fs::write(self.0.join(ticket), "");
        }
    }
}

// Catches: parallel-in-batches (the commands run in batches of `max`, each
// batch waited for before the next starts, instead of starting the next
// command as soon as any one finishes). With `max` 2, `slow` waits for a
// file that `third` creates, and `quick` ends at once: a sliding window
// starts `third` in `quick`'s place while `slow` still runs; a batch
// runner waits for `slow` before it starts `third`, and `slow` waits for
// `third`, until `within` gives up.
// Also catches: parallel-one-at-a-time (`third` never starts while `slow`
// runs).
#[test]
fn the_next_command_starts_as_soon_as_any_one_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let third_started = dir.path().join("third-started");
    let cmds = vec![
        Cmd::new(childproc(), &["relay", path(&third_started), "-", "slow"]),
        Cmd::new(childproc(), &["relay", "-", "-", "quick"]),
        Cmd::new(childproc(), &["relay", "-", path(&third_started), "third"]),
    ];
    let results = within(
        DEFAULT_LIMIT,
        "run_parallel with a sliding window",
        move || run_parallel(&cmds, 2),
    );
    assert_eq!(results, vec![ok("slow\n"), ok("quick\n"), ok("third\n")]);
}

// Catches: parallel-max-zero-runs-nothing (a runner whose `max` of 0 starts
// no worker and so never runs anything, or waits forever).
#[test]
fn max_zero_counts_as_one_and_no_commands_is_fine() {
    assert_eq!(
        run_parallel_within(vec![Cmd::new("printf", &["a"])], 0),
        vec![ok("a")]
    );
    assert_eq!(run_parallel_within(vec![], 4), vec![]);
}

// Catches: parallel-first-error-stops-the-batch (one failure aborting the
// batch: the `?` habit).
#[test]
fn each_command_has_its_own_result() {
    let results = run_parallel_within(
        vec![
            Cmd::new("printf", &["web-1 ok"]),
            Cmd::new("sh", &["-c", "echo down >&2; exit 3"]),
            Cmd::new("no-such-healthcheck", &[]),
            Cmd::new("printf", &["web-3 ok"]),
        ],
        2,
    );
    assert_eq!(results.len(), 4);
    assert_eq!(results[0], ok("web-1 ok"));
    assert!(
        matches!(results[1], Err(RunError::Failed { code: 3, .. })),
        "{:?}",
        results[1]
    );
    assert!(
        matches!(results[2], Err(RunError::NotFound { .. })),
        "{:?}",
        results[2]
    );
    assert_eq!(results[3], ok("web-3 ok"));
}

// Catches: exit-code-killed-as-1, exit-code-killed-as-0 (a killed process
// counted as exit code 1, or 0, instead of 128 + its signal, as the shell
// reports it).
#[test]
fn each_result_has_the_exit_code_a_shell_would_give() {
    let err = |e: RunError| -> Result<Output, RunError> { Err(e) };
    let program = || "x".to_string();
    assert_eq!(exit_code(&ok("")), 0);
    assert_eq!(
        exit_code(&err(RunError::Failed {
            program: program(),
            code: 3,
            stderr: String::new()
        })),
        3
    );
    assert_eq!(
        exit_code(&err(RunError::Killed {
            program: program(),
            signal: 9,
            stderr: String::new()
        })),
        137
    );
    assert_eq!(
        exit_code(&err(RunError::NotFound { program: program() })),
        127
    );
    assert_eq!(
        exit_code(&err(RunError::NotExecutable { program: program() })),
        126
    );
    assert_eq!(
        exit_code(&err(RunError::TimedOut {
            program: program(),
            limit: Duration::from_secs(5),
            stdout: String::new(),
            stderr: String::new()
        })),
        124
    );
    assert_eq!(
        exit_code(&err(RunError::Io {
            program: program(),
            kind: io::ErrorKind::Other,
            message: "broken".to_string()
        })),
        1
    );
}

// Catches: overall-last-failure (the last failure's code), overall-highest
// (the highest code), overall-one-if-any-failed ("1 if anything failed").
#[test]
fn the_overall_code_is_the_first_failure_in_input_order() {
    let failed = |code| -> Result<Output, RunError> {
        Err(RunError::Failed {
            program: "check".to_string(),
            code,
            stderr: String::new(),
        })
    };
    assert_eq!(
        overall_exit_code(&[ok("a"), failed(3), ok("b"), failed(5)]),
        3
    );
    assert_eq!(overall_exit_code(&[failed(2), failed(9)]), 2);
    assert_eq!(overall_exit_code(&[ok("a"), ok("b")]), 0);
    assert_eq!(overall_exit_code(&[]), 0);
}
