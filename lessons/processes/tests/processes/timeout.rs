//! Exercise 5: a time limit that kills everything the command started.
//!
//! The limits are short (a second or two), and each test bounds the whole
//! call with `within`, so a solution that waits for the command to finish
//! on its own (30 s of `sleep`) fails fast instead of passing late.

use std::process::Command;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use processes::run::{Cmd, Output, RunError};
use processes::timeout::run_with_timeout;
use testkit::{DEFAULT_LIMIT, process_running, unique_marker, wait_for, within};

/// `run_with_timeout(cmd, limit)` and how long it took, failing the test
/// if it takes much longer than the limit.
fn timed(cmd: Cmd, limit: Duration) -> (Result<Output, RunError>, Duration) {
    within(limit + DEFAULT_LIMIT, "run_with_timeout", move || {
        let start = Instant::now();
        let result = run_with_timeout(&cmd, limit);
        (result, start.elapsed())
    })
}

// Wrong solution caught: a limit that also kills (or delays) a command
// that finished in time.
#[test]
fn a_fast_command_is_untouched() {
    let (result, _) = timed(Cmd::new("printf", &["done\n"]), Duration::from_secs(10));
    assert_eq!(
        result.unwrap(),
        Output {
            stdout: "done\n".to_string(),
            stderr: String::new(),
        }
    );
}

#[test]
fn a_failure_within_the_limit_is_failed_not_timed_out() {
    let (result, _) = timed(
        Cmd::new("sh", &["-c", "echo nope >&2; exit 3"]),
        Duration::from_secs(10),
    );
    assert_eq!(
        result.unwrap_err(),
        RunError::Failed {
            program: "sh".to_string(),
            code: 3,
            stderr: "nope\n".to_string(),
        }
    );
}

#[test]
fn sleep_30_ends_at_the_limit_and_is_gone() {
    let marker = format!("30.{}", unique_marker());
    let limit = Duration::from_millis(500);
    let (result, elapsed) = timed(Cmd::new("sleep", &[&marker]), limit);
    match result {
        Err(RunError::TimedOut {
            program,
            limit: reported,
            ..
        }) => {
            assert_eq!(program, "sleep");
            assert_eq!(reported, limit);
        }
        other => panic!("expected RunError::TimedOut, got {other:?}"),
    }
    assert!(
        elapsed >= limit,
        "returned after {elapsed:?}, before the limit"
    );
    assert!(
        !process_running(&marker),
        "`sleep {marker}` is still running"
    );
}

// Wrong solution caught: `child.kill()`, which kills the shell and leaves
// its children running, holding the output pipes open (so reading them
// hangs for 30 s, and `within` fails the test).
#[test]
fn everything_the_command_started_is_killed() {
    let first = format!("30.{}", unique_marker());
    let second = format!("30.{}", unique_marker());
    // A watcher proves both children were running before the limit, so the
    // test cannot pass just because they had not started yet.
    let (seen_tx, seen_rx) = mpsc::channel();
    let watched = [first.clone(), second.clone()];
    thread::spawn(move || {
        wait_for(DEFAULT_LIMIT, "the background sleeps", || {
            watched.iter().all(|m| process_running(m))
        });
        let _ = seen_tx.send(());
    });
    let script = format!("sleep {first} & sleep {second} & wait");
    let (result, _) = timed(Cmd::new("sh", &["-c", &script]), Duration::from_secs(2));
    assert!(
        matches!(result, Err(RunError::TimedOut { .. })),
        "expected RunError::TimedOut, got {result:?}"
    );
    seen_rx
        .recv_timeout(DEFAULT_LIMIT)
        .expect("the two background sleeps were never seen running");
    assert!(!process_running(&first), "`sleep {first}` survived");
    assert!(!process_running(&second), "`sleep {second}` survived");
}

// Wrong solution caught: a limit on the wait for the child only. The shell
// exits at once, but its background child keeps the output pipes open.
#[test]
fn a_background_child_holding_the_output_is_killed_at_the_limit() {
    let marker = format!("30.{}", unique_marker());
    let script = format!("echo started; sleep {marker} &");
    let (result, _) = timed(Cmd::new("sh", &["-c", &script]), Duration::from_secs(2));
    match result {
        Err(RunError::TimedOut { stdout, .. }) => assert_eq!(stdout, "started\n"),
        other => panic!("expected RunError::TimedOut, got {other:?}"),
    }
    assert!(!process_running(&marker), "`sleep {marker}` survived");
}

// Wrong solution caught: dropping what was read when time ran out; the
// output so far is what tells a user where the command got stuck.
#[test]
fn the_output_so_far_comes_with_the_time_out() {
    let marker = format!("30.{}", unique_marker());
    let script =
        format!("echo 'Refreshing state...'; echo 'slow provider' >&2; exec sleep {marker}");
    let (result, _) = timed(Cmd::new("sh", &["-c", &script]), Duration::from_secs(2));
    match result {
        Err(RunError::TimedOut { stdout, stderr, .. }) => {
            assert_eq!(stdout, "Refreshing state...\n");
            assert_eq!(stderr, "slow provider\n");
        }
        other => panic!("expected RunError::TimedOut, got {other:?}"),
    }
}

// Wrong solution caught: killing the child and never `wait`ing for it: it
// stays in the process table as a zombie. The child prints its own pid
// before it sleeps, so the test can look it up afterwards.
#[test]
fn the_killed_child_is_reaped_not_left_a_zombie() {
    let marker = format!("30.{}", unique_marker());
    let script = format!("echo $$; exec sleep {marker}");
    let (result, _) = timed(Cmd::new("sh", &["-c", &script]), Duration::from_secs(2));
    let Err(RunError::TimedOut { stdout, .. }) = result else {
        panic!("expected RunError::TimedOut, got {result:?}");
    };
    let pid = stdout.trim();
    assert!(
        !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()),
        "{stdout:?}"
    );
    let ps = Command::new("ps")
        .args(["-o", "stat=", "-p", pid])
        .output()
        .expect("run ps");
    let state = String::from_utf8_lossy(&ps.stdout);
    assert!(
        state.trim().is_empty(),
        "process {pid} still exists, in state {:?} (Z is a zombie: killed, never reaped)",
        state.trim()
    );
}
