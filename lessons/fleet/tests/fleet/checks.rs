use std::sync::Arc;
use std::time::{Duration, Instant};

use fleet::checks::{Check, CommandCheck, HttpCheck, Retry, TcpCheck, build};
use fleet::inventory::{CheckSpec, Server};
use testkit::fake_fleet::{Behaviour, FakeFleet};
use testkit::{DEFAULT_LIMIT, closed_port, process_running, unique_marker, wait_for, within};

const T: Duration = Duration::from_secs(2);

fn http(fleet: &FakeFleet, i: usize, expect_text: Option<&str>) -> HttpCheck {
    HttpCheck {
        url: format!("http://{}/health", fleet.servers()[i].addr),
        expect_status: 200,
        expect_text: expect_text.map(str::to_string),
    }
}

/// Runs `check` within the test's bound: a check that ignores its timeout
/// fails the test instead of hanging it.
fn run(check: &(impl Check + Clone + 'static), timeout: Duration) -> Result<(), String> {
    let check = check.clone();
    within(DEFAULT_LIMIT, "the check", move || check.run(timeout))
}

#[test]
fn http_is_up_when_status_and_text_match() {
    let fleet = FakeFleet::start(&[Behaviour::Healthy]);
    assert_eq!(run(&http(&fleet, 0, Some("OK web-001")), T), Ok(()));
    assert_eq!(run(&http(&fleet, 0, None), T), Ok(()));
    let check = http(&fleet, 0, None);
    assert_eq!(check.describe(), check.url);
}

#[test]
fn http_says_why_it_is_down() {
    let fleet = FakeFleet::start(&[
        Behaviour::Status(500),
        Behaviour::WrongBody,
        Behaviour::Refused,
        Behaviour::ResetMidResponse,
    ]);
    // Catches: status-not-checked (any answer counts as up).
    assert_eq!(
        run(&http(&fleet, 0, None), T),
        Err("status 500, expected 200".to_string())
    );
    // Catches: text-not-checked.
    assert_eq!(
        run(&http(&fleet, 1, Some("OK")), T),
        Err("the body does not contain `OK`".to_string())
    );
    assert_eq!(
        run(&http(&fleet, 2, None), T),
        Err("connection refused".to_string())
    );
    assert!(run(&http(&fleet, 3, None), T).is_err(), "a reset is down");
}

#[test]
fn a_hanging_server_costs_the_timeout_not_more() {
    // Catches: connect-timeout-only (the server accepts, then never
    // answers: only a timeout on the whole request ends the wait).
    let fleet = FakeFleet::start(&[Behaviour::Hang]);
    let started = Instant::now();
    let outcome = run(&http(&fleet, 0, None), Duration::from_millis(300));
    assert_eq!(outcome, Err("timed out".to_string()));
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[test]
fn tcp_is_up_when_a_connection_is_accepted() {
    let fleet = FakeFleet::start(&[Behaviour::Hang]);
    let open = TcpCheck {
        host: "127.0.0.1".into(),
        port: fleet.servers()[0].addr.port(),
    };
    assert_eq!(run(&open, T), Ok(()));
    assert_eq!(open.describe(), format!("tcp://127.0.0.1:{}", open.port));
    let refusing = closed_port();
    let closed = TcpCheck {
        host: "127.0.0.1".into(),
        port: refusing.port(),
    };
    assert_eq!(run(&closed, T), Err("connection refused".to_string()));
    let v6 = TcpCheck {
        host: "::1".into(),
        port: 22,
    };
    assert_eq!(v6.describe(), "tcp://[::1]:22");
}

fn command(program: &str, args: &[&str], expect_exit: i32) -> CommandCheck {
    CommandCheck {
        program: program.into(),
        args: args.iter().map(|a| a.to_string()).collect(),
        expect_exit,
    }
}

#[test]
fn a_command_is_up_when_it_exits_as_expected() {
    assert_eq!(run(&command("true", &[], 0), T), Ok(()));
    assert_eq!(
        run(&command("false", &[], 0), T),
        Err("exit code 1, expected 0".to_string())
    );
    assert_eq!(run(&command("sh", &["-c", "exit 3"], 3), T), Ok(()));
    assert_eq!(
        command("sh", &["-c", "exit 3"], 3).describe(),
        "sh -c exit 3"
    );
}

#[test]
fn a_command_never_goes_through_a_shell() {
    // Catches: command-through-shell (`sh -c` with the program and its
    // arguments joined: a name with a space or a `;` runs something else).
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("ran");
    let check = command(&format!("true; touch {}", marker.display()), &[], 0);
    assert!(run(&check, T).unwrap_err().contains("cannot run"));
    assert!(!marker.exists(), "a shell ran the program's name");
}

#[test]
fn a_command_past_its_timeout_is_killed_with_all_it_started() {
    // Catches: command-kills-only-the-child (the shell dies, its
    // background `sleep` lives on) and command-not-killed (the check waits
    // for the command however long it takes).
    let dir = tempfile::tempdir().unwrap();
    let forked = dir.path().join("forked");
    let marker = format!("60.{}", unique_marker());
    // The shell itself writes `forked` (`echo` is built in) once it has
    // started both sleeps: if the file is there when the check returns, the
    // sleeps were running before the time-out killed anything.
    let script = format!(
        "sleep {marker} & sleep {marker} & echo > '{}'; wait",
        forked.display()
    );
    let check = command("sh", &["-c", &script], 0);
    wait_for(DEFAULT_LIMIT, "no sleep of this test yet", || {
        !process_running(&marker)
    });
    let outcome = run(&check, Duration::from_secs(2));
    assert!(outcome.unwrap_err().starts_with("timed out"));
    assert!(
        forked.exists(),
        "the shell did not start its sleeps within the 2 s timeout"
    );
    wait_for(
        DEFAULT_LIMIT,
        "every sleep the command started gone",
        || !process_running(&marker),
    );
}

/// A check that fails its first `failures` attempts, recording when each
/// attempt started.
#[derive(Debug, Clone)]
struct Flaky {
    failures: usize,
    attempts: Arc<std::sync::Mutex<Vec<Instant>>>,
}

impl Check for Flaky {
    fn describe(&self) -> String {
        "flaky".into()
    }

    fn run(&self, _timeout: Duration) -> Result<(), String> {
        let mut attempts = self.attempts.lock().unwrap();
        attempts.push(Instant::now());
        if attempts.len() <= self.failures {
            Err("connection refused".into())
        } else {
            Ok(())
        }
    }
}

fn flaky(failures: usize) -> Flaky {
    Flaky {
        failures,
        attempts: Arc::default(),
    }
}

#[test]
fn retry_runs_again_until_up_and_pauses_longer_each_time() {
    let inner = flaky(3);
    let backoff = Duration::from_millis(200);
    let retry = Retry {
        inner: inner.clone(),
        retries: 3,
        backoff,
    };
    // Catches: retry-off-by-one (3 attempts, all failed: down).
    assert_eq!(run(&retry, T), Ok(()));
    let attempts = inner.attempts.lock().unwrap().clone();
    assert_eq!(attempts.len(), 4, "up at the fourth attempt: no fifth");
    let gaps: Vec<Duration> = attempts.windows(2).map(|w| w[1] - w[0]).collect();
    // Catches: retry-without-backoff and retry-backoff-not-doubled. A
    // sleep never ends early but may end late, on a busy machine by a lot:
    // the pauses are at least 200, 400 and 800 ms, and each is at least
    // half its expected growth (100, then 200 ms) longer than the one
    // before. Equal pauses would need sleeps that overshoot by 200 ms, then
    // 600 ms, more each time; doubled ones fail only if a sleep overshoots
    // 100 ms more than the next one does.
    let pauses = [backoff, backoff * 2, backoff * 4];
    for (i, (gap, pause)) in gaps.iter().zip(pauses).enumerate() {
        assert!(
            *gap >= pause,
            "pause {} was {gap:?}, expected {pause:?}",
            i + 1
        );
    }
    for i in 1..gaps.len() {
        let growth = gaps[i].saturating_sub(gaps[i - 1]);
        assert!(
            growth >= pauses[i - 1] / 2,
            "pause {} ({:?}) is not about twice pause {i} ({:?})",
            i + 1,
            gaps[i],
            gaps[i - 1]
        );
    }
    assert_eq!(retry.describe(), "flaky");
}

#[test]
fn retry_gives_up_after_its_retries_with_the_last_reason() {
    // Catches: retry-off-by-one (retries counted as attempts: one run
    // fewer than promised).
    let inner = flaky(usize::MAX);
    let retry = Retry {
        inner: inner.clone(),
        retries: 2,
        backoff: Duration::from_millis(1),
    };
    assert_eq!(
        run(&retry, T),
        Err("connection refused (3 attempts)".to_string())
    );
    assert_eq!(inner.attempts.lock().unwrap().len(), 3);
    let once = flaky(usize::MAX);
    let no_retry = Retry {
        inner: once.clone(),
        retries: 0,
        backoff: Duration::from_millis(1),
    };
    assert_eq!(run(&no_retry, T), Err("connection refused".to_string()));
    assert_eq!(once.attempts.lock().unwrap().len(), 1);
}

#[test]
fn build_makes_the_check_the_inventory_describes() {
    let fleet = FakeFleet::start(&[Behaviour::Healthy]);
    let port = fleet.servers()[0].addr.port();
    let server = Server {
        name: "web-001".into(),
        address: "127.0.0.1".into(),
        checks: vec![],
    };
    let spec = CheckSpec::Http {
        port,
        path: "/health".into(),
        expect_status: 200,
        expect_text: Some("OK".into()),
    };
    let check = build(&server, &spec, 0, Duration::from_millis(1));
    assert_eq!(check.describe(), format!("http://127.0.0.1:{port}/health"));
    assert_eq!(
        within(DEFAULT_LIMIT, "the built check", move || check.run(T)),
        Ok(())
    );
    let v6 = Server {
        address: "::1".into(),
        ..server.clone()
    };
    assert_eq!(
        build(&v6, &spec, 0, Duration::ZERO).describe(),
        format!("http://[::1]:{port}/health")
    );
    assert_eq!(
        build(&server, &CheckSpec::Tcp { port: 22 }, 0, Duration::ZERO).describe(),
        "tcp://127.0.0.1:22"
    );
    // The built check retries as asked: a refused port, 2 retries.
    let refusing = closed_port();
    let refused = CheckSpec::Tcp {
        port: refusing.port(),
    };
    let check = build(&server, &refused, 2, Duration::from_millis(1));
    let outcome = within(DEFAULT_LIMIT, "the built check", move || check.run(T));
    assert_eq!(outcome, Err("connection refused (3 attempts)".to_string()));
}
