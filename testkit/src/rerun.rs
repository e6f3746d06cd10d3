//! One test of the running test binary, run again in a process of its own.
//!
//! Some scenarios must see *every* thread or child process of the test
//! process as the code under test's: "nothing else will start" can only be
//! seen as "every other thread is asleep" ([`crate::asleep::others_asleep`])
//! or "these are all the children" ([`crate::process_state::children`]),
//! and in the first run of a test binary the other tests' threads and
//! children are there too. So the test runs its scenario in a new run of
//! the same binary that runs only that test ([`in_a_process_of_its_own`]);
//! the first run passes or fails with it, quoting its output. A test can
//! also give the re-run a stdin of its choosing ([`rerun`]).

use std::process::{Command, Stdio};

use crate::{DEFAULT_LIMIT, within};

/// Set in a re-run: the name of the test that runs its scenario there.
pub const RERUN: &str = "TESTKIT_RERUN_OF";

/// Whether this process is the re-run of the test `test`.
pub fn is_rerun_of(test: &str) -> bool {
    std::env::var(RERUN).as_deref() == Ok(test)
}

/// Runs `scenario` in a new run of this test binary that runs only the test
/// `test` (its full name, e.g. `"bounded::exactly_limit_calls_run_at_once"`;
/// stdin: `/dev/null`), and fails with the re-run's output if the scenario
/// fails there. In the re-run itself, runs `scenario`.
pub fn in_a_process_of_its_own(test: &str, scenario: impl FnOnce()) {
    if is_rerun_of(test) {
        scenario();
        return;
    }
    rerun(test, Stdio::null(), "in a process of its own");
}

/// Runs the test `test` alone in a new run of this test binary, with
/// `stdin` as its stdin and [`RERUN`] set to its name, and fails with its
/// output (saying how it was run: `how`) unless it passed. Bounded: twice
/// [`DEFAULT_LIMIT`].
pub fn rerun(test: &str, stdin: Stdio, how: &str) {
    let exe = std::env::current_exe().expect("the test binary's path");
    let name = test.to_string();
    let output = within(
        DEFAULT_LIMIT * 2,
        "the re-run of the test binary",
        move || {
            Command::new(exe)
                .args([&name, "--exact", "--nocapture", "--test-threads=1"])
                .env(RERUN, &name)
                .stdin(stdin)
                .output()
                .expect("re-run the test binary")
        },
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let all = format!("{stdout}{}", String::from_utf8_lossy(&output.stderr));
    // Indented, as assert_cmd quotes a child's output: the re-run's own
    // `thread '…' panicked at` lines then stay part of this message.
    let quoted: String = all.lines().map(|line| format!("    {line}\n")).collect();
    assert!(
        output.status.success() && stdout.contains("test result: ok. 1 passed;"),
        "{test} failed in a re-run of the test binary {how}{}:\n{quoted}",
        first_panic(&all)
            .map(|(at, message)| format!(": {message} (at {at})"))
            .unwrap_or_default()
    );
}

/// The first panic in a test run's output: where, and the first line of
/// its message (what a reader needs first, before the whole output).
fn first_panic(output: &str) -> Option<(&str, &str)> {
    let mut lines = output.lines();
    let at = lines.find_map(|line| {
        let rest = line.strip_prefix("thread '")?;
        let at = rest.split_once(" panicked at ")?.1;
        Some(at.trim_end_matches(':'))
    })?;
    Some((at, lines.next().unwrap_or("").trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Catches: a scenario run in the first process (beside the other
    // tests), or a re-run whose failure is lost.
    #[test]
    fn the_scenario_runs_in_the_rerun_only_and_its_verdict_comes_back() {
        in_a_process_of_its_own(
            "rerun::tests::the_scenario_runs_in_the_rerun_only_and_its_verdict_comes_back",
            || {
                assert!(is_rerun_of(
                    "rerun::tests::the_scenario_runs_in_the_rerun_only_and_its_verdict_comes_back"
                ));
            },
        );
    }

    #[test]
    fn a_failing_rerun_fails_the_test_with_its_output() {
        if is_rerun_of("rerun::tests::a_failing_rerun_fails_the_test_with_its_output") {
            panic!("the scenario failed, on purpose");
        }
        let failure = std::panic::catch_unwind(|| {
            rerun(
                "rerun::tests::a_failing_rerun_fails_the_test_with_its_output",
                Stdio::null(),
                "on purpose",
            )
        })
        .expect_err("the re-run failed");
        let message = failure
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_default();
        // The re-run's panic first, then its whole output.
        assert!(
            message.contains(
                "failed in a re-run of the test binary on purpose: the scenario failed, on purpose (at testkit/src/rerun.rs:"
            ),
            "{message}"
        );
    }
}
