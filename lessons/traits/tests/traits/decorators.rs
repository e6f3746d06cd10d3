//! Exercise 4: Python decorators, the Rust way.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::thread;
use std::time::Duration;

use testkit::{DEFAULT_LIMIT, within};
use traits::checks::{Check, Outcome, run_checks};
use traits::decorators::{CheckExt, Logged, Retry, Timed};
use traits::server::Server;

fn web1() -> Server {
    Server::new("web-1", vec!["10.0.0.1".parse().unwrap()]).unwrap()
}

/// A check named `flaky` that fails its first `fails_first` runs (with the
/// reason `failure #n`) and passes after that. `runs` counts every run.
struct Flaky {
    fails_first: u32,
    runs: Rc<Cell<u32>>,
}

impl Check for Flaky {
    fn name(&self) -> String {
        "flaky".to_string()
    }

    fn describe(&self) -> String {
        "flaky check".to_string()
    }

    fn run(&self, _server: &Server) -> Outcome {
        let n = self.runs.get() + 1;
        self.runs.set(n);
        if n <= self.fails_first {
            Err(format!("failure #{n}"))
        } else {
            Ok(())
        }
    }
}

/// A `Flaky` check and the counter of its runs.
fn flaky(fails_first: u32) -> (Flaky, Rc<Cell<u32>>) {
    let runs = Rc::new(Cell::new(0));
    let check = Flaky {
        fails_first,
        runs: Rc::clone(&runs),
    };
    (check, runs)
}

/// A check named `slow` that sleeps for `pause`, then returns `outcome`.
struct Slow {
    pause: Duration,
    outcome: Outcome,
}

impl Check for Slow {
    fn name(&self) -> String {
        "slow".to_string()
    }

    fn run(&self, _server: &Server) -> Outcome {
        thread::sleep(self.pause);
        self.outcome.clone()
    }
}

/// A logger that keeps its lines, and the lines.
fn recorder() -> (impl Fn(&str), Rc<RefCell<Vec<String>>>) {
    let lines = Rc::new(RefCell::new(Vec::new()));
    let keep = Rc::clone(&lines);
    (
        move |line: &str| keep.borrow_mut().push(line.to_string()),
        lines,
    )
}

/// Runs `Retry::new(flaky(fails_first), attempts)` once on web-1 and returns
/// its outcome, with the number of runs of the inner flaky check. Bounded in time: a retry loop that never
/// ends fails the test instead of hanging it.
fn run_retry(fails_first: u32, attempts: u32) -> (Outcome, u32) {
    within(DEFAULT_LIMIT, "Retry::run", move || {
        let (check, runs) = flaky(fails_first);
        let outcome = Retry::new(check, attempts).run(&web1());
        (outcome, runs.get())
    })
}

// Catches: a Retry that retries after a pass.
// [gallery: decorators-retry-runs-after-a-pass]
#[test]
fn retry_stops_at_the_first_pass() {
    assert_eq!(run_retry(0, 5), (Ok(()), 1));
    assert_eq!(run_retry(1, 5), (Ok(()), 2));
}

// Catches: a Retry one attempt short (`1..attempts`).
// [gallery: decorators-retry-one-attempt-short,
// decorators-retry-stops-at-failure]
#[test]
fn retry_can_pass_on_the_last_attempt() {
    assert_eq!(run_retry(2, 3), (Ok(()), 3));
}

// Catches: a Retry with one attempt too many (`0..=attempts`), or one that
// returns the first failure instead of the last.
// [gallery: decorators-retry-one-attempt-too-many,
// decorators-retry-returns-first-failure]
#[test]
fn retry_gives_up_after_its_attempts_with_the_last_outcome() {
    assert_eq!(run_retry(10, 3), (Err("failure #3".to_string()), 3));
    assert_eq!(run_retry(10, 1), (Err("failure #1".to_string()), 1));
}

// Catches: 0 attempts that never run the check (and pass or fail without
// looking).
// [gallery: decorators-retry-zero-attempts-never-runs]
#[test]
fn retry_with_zero_attempts_runs_once() {
    assert_eq!(run_retry(0, 0), (Ok(()), 1));
    assert_eq!(run_retry(10, 0), (Err("failure #1".to_string()), 1));
}

// Catches: a wrapper that renames the check, or a describe that drops the
// inner description.
// [gallery: decorators-retry-renames-the-check,
// decorators-retry-describe-uses-name]
#[test]
fn retry_keeps_the_name_and_describes_its_attempts() {
    let (check, _) = flaky(0);
    let retry = Retry::new(check, 3);
    assert_eq!(retry.name(), "flaky");
    assert_eq!(retry.describe(), "flaky check (attempts: 3)");
    let (check, _) = flaky(0);
    assert_eq!(Retry::new(check, 0).describe(), "flaky check (attempts: 1)");
}

// Catches: a Timed that never compares the time with the budget.
// [gallery: decorators-timed-ignores-budget]
#[test]
fn timed_fails_a_check_over_its_budget() {
    let slow = Slow {
        pause: Duration::from_millis(30),
        outcome: Ok(()),
    };
    let outcome = Timed::new(slow, Duration::from_millis(1)).run(&web1());
    let reason = outcome.expect_err("30 ms is over a 1 ms budget");
    assert!(reason.starts_with("took "), "{reason:?}");
    assert!(reason.contains("over the budget of 1ms"), "{reason:?}");
}

// Catches: a Timed that drops the inner reason when it is late.
// [gallery: decorators-timed-drops-late-reason]
#[test]
fn timed_keeps_the_reason_of_a_slow_failure() {
    let slow = Slow {
        pause: Duration::from_millis(30),
        outcome: Err("disk full".to_string()),
    };
    let reason = Timed::new(slow, Duration::from_millis(1))
        .run(&web1())
        .expect_err("late and failed");
    assert!(reason.contains("over the budget of 1ms"), "{reason:?}");
    assert!(
        reason.ends_with("; it also failed: disk full"),
        "{reason:?}"
    );
}

// Catches: a Timed that runs the inner check twice (once to time it).
// [gallery: decorators-timed-runs-twice]
#[test]
fn timed_passes_a_check_within_its_budget() {
    let (check, runs) = flaky(0);
    let outcome = Timed::new(check, Duration::from_secs(10)).run(&web1());
    assert_eq!(outcome, Ok(()));
    assert_eq!(runs.get(), 1);
}

// Catches: a Timed that swallows the inner failure (returns Ok when in time).
// [gallery: decorators-timed-runs-twice,
// decorators-timed-swallows-fast-failure]
#[test]
fn timed_keeps_a_fast_failure() {
    let (check, runs) = flaky(1);
    let outcome = Timed::new(check, Duration::from_secs(10)).run(&web1());
    assert_eq!(outcome, Err("failure #1".to_string()));
    assert_eq!(runs.get(), 1);
}

#[test]
fn timed_keeps_the_name_and_describes_its_budget() {
    let (check, _) = flaky(0);
    let timed = Timed::new(check, Duration::from_secs(10));
    assert_eq!(timed.name(), "flaky");
    assert_eq!(timed.describe(), "flaky check (within 10s)");
}

// Catches: a Logged that calls the inner check twice, or logs other lines.
// [gallery: decorators-logged-runs-twice, decorators-logged-uses-describe]
#[test]
fn logged_logs_the_start_and_a_pass() {
    let (check, runs) = flaky(0);
    let (logger, lines) = recorder();
    let outcome = Logged::new(check, logger).run(&web1());
    assert_eq!(outcome, Ok(()));
    assert_eq!(
        *lines.borrow(),
        ["start flaky on web-1", "pass flaky on web-1"]
    );
    assert_eq!(runs.get(), 1);
}

// Catches: a Logged that runs the check once for the log line and again for
// the result (here the second run would pass, hiding the failure).
// [gallery: decorators-logged-runs-twice]
#[test]
fn logged_logs_a_failure_with_its_reason_and_returns_it() {
    let (check, runs) = flaky(1);
    let (logger, lines) = recorder();
    let outcome = Logged::new(check, logger).run(&web1());
    assert_eq!(outcome, Err("failure #1".to_string()));
    assert_eq!(
        *lines.borrow(),
        ["start flaky on web-1", "fail flaky on web-1: failure #1"]
    );
    assert_eq!(runs.get(), 1);
}

/// A check named `noisy` that writes its own line into `lines` when it
/// runs, so that the order of the logger's lines around it shows.
struct Noisy {
    lines: Rc<RefCell<Vec<String>>>,
}

impl Check for Noisy {
    fn name(&self) -> String {
        "noisy".to_string()
    }

    fn run(&self, _server: &Server) -> Outcome {
        self.lines.borrow_mut().push("noisy runs".to_string());
        Err("too loud".to_string())
    }
}

// Catches: a Logged that writes its start line after the run (both lines from
// one outcome, but the start no longer before the check), or the end line
// before it.
// [gallery: decorators-logged-start-after-run]
#[test]
fn logged_logs_the_start_before_the_run_and_the_end_after_it() {
    let (logger, lines) = recorder();
    let check = Noisy {
        lines: Rc::clone(&lines),
    };
    let outcome = Logged::new(check, logger).run(&web1());
    assert_eq!(outcome, Err("too loud".to_string()));
    assert_eq!(
        *lines.borrow(),
        [
            "start noisy on web-1",
            "noisy runs",
            "fail noisy on web-1: too loud"
        ]
    );
}

#[test]
fn logged_keeps_the_name_and_says_it_logs() {
    let (check, _) = flaky(0);
    let (logger, lines) = recorder();
    let logged = Logged::new(check, logger);
    assert_eq!(logged.name(), "flaky");
    assert_eq!(logged.describe(), "flaky check (logged)");
    assert!(lines.borrow().is_empty(), "describing is not running");
}

// Catches: extension methods that do not build the matching wrapper.
// [gallery: decorators-ext-retry-ignores-attempts]
#[test]
fn every_check_gets_the_extension_methods() {
    within(DEFAULT_LIMIT, "the extension methods", || {
        let (check, runs) = flaky(2);
        assert_eq!(check.retry(3).run(&web1()), Ok(()));
        assert_eq!(runs.get(), 3);

        let (check, _) = flaky(0);
        assert_eq!(
            check.timed(Duration::from_secs(10)).describe(),
            "flaky check (within 10s)"
        );

        let (check, _) = flaky(0);
        let (logger, lines) = recorder();
        assert_eq!(check.logged(logger).run(&web1()), Ok(()));
        assert_eq!(lines.borrow().len(), 2);
    });
}

// Catches: wrappers that do not compose (a wrapper that is not a `Check`
// itself, or an inner check run more often than the outer retry asks).
// [gallery: decorators-retry-renames-the-check,
// decorators-retry-describe-uses-name, decorators-timed-describe-uses-name]
#[test]
fn decorators_nest() {
    within(DEFAULT_LIMIT, "nested decorators", || {
        let (check, runs) = flaky(2);
        let (logger, lines) = recorder();
        let decorated = check.logged(logger).timed(Duration::from_secs(10)).retry(3);
        assert_eq!(decorated.name(), "flaky");
        assert_eq!(
            decorated.describe(),
            "flaky check (logged) (within 10s) (attempts: 3)"
        );
        assert_eq!(decorated.run(&web1()), Ok(()));
        assert_eq!(runs.get(), 3);
        assert_eq!(
            *lines.borrow(),
            [
                "start flaky on web-1",
                "fail flaky on web-1: failure #1",
                "start flaky on web-1",
                "fail flaky on web-1: failure #2",
                "start flaky on web-1",
                "pass flaky on web-1",
            ]
        );
    });
}

// Catches: a Retry that stops after a failure instead of a pass, shown on a
// closure that is always down.
// [gallery: decorators-retry-stops-at-failure,
// decorators-ext-retry-ignores-attempts]
#[test]
fn closures_can_be_decorated_too() {
    let (outcome, calls) = within(DEFAULT_LIMIT, "a retried closure", || {
        let calls = Rc::new(Cell::new(0));
        let counted = Rc::clone(&calls);
        let down = move |_: &Server| -> Outcome {
            counted.set(counted.get() + 1);
            Err("down".to_string())
        };
        let retried = down.retry(4);
        assert_eq!(retried.name(), "closure");
        (retried.run(&web1()), calls.get())
    });
    assert_eq!(outcome, Err("down".to_string()));
    assert_eq!(calls, 4);
}

// Catches: decorated checks that cannot go in a `Vec<Box<dyn Check>>`.
#[test]
fn decorated_checks_mix_with_others_in_a_report() {
    let report = within(DEFAULT_LIMIT, "run_checks", || {
        let (check, _) = flaky(1);
        let checks: Vec<Box<dyn Check>> = vec![
            Box::new(check.retry(2)),
            Box::new((|_: &Server| -> Outcome { Ok(()) }).timed(Duration::from_secs(10))),
        ];
        run_checks(&web1(), &checks)
    });
    assert!(report.all_passed(), "{report:?}");
    assert_eq!(report.results[0].check, "flaky");
}
