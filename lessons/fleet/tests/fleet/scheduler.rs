use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::thread;
use std::time::{Duration, Instant};

use fleet::checks::Check;
use fleet::scheduler::{Cancel, Job, JobResult, Status, run_round};
use testkit::{DEFAULT_LIMIT, wait_for, within};

use crate::{Probe, ProbeShared};

const T: Duration = Duration::from_secs(1);

fn job(probe: Probe) -> Job {
    Job {
        server: format!("srv-{}", probe.name),
        check: Box::new(probe),
        timeout: T,
    }
}

fn far() -> Instant {
    Instant::now() + Duration::from_secs(3600)
}

/// `run_round` on a thread of its own, so the test can drive the probes.
fn spawn_round(
    jobs: Vec<Job>,
    concurrency: usize,
    deadline: Instant,
    cancel: Cancel,
) -> thread::JoinHandle<Vec<JobResult>> {
    thread::spawn(move || run_round(jobs, concurrency, deadline, &cancel))
}

fn join(round: thread::JoinHandle<Vec<JobResult>>) -> Vec<JobResult> {
    within(DEFAULT_LIMIT, "the round", move || match round.join() {
        Ok(results) => results,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

/// `wait_for`, but a round that ended early (a panic, a `todo!`) fails the
/// test with its own message instead of a time-out.
fn wait_for_round(
    round: &mut Option<thread::JoinHandle<Vec<JobResult>>>,
    what: &str,
    mut condition: impl FnMut() -> bool,
) {
    wait_for(DEFAULT_LIMIT, what, || {
        if condition() {
            return true;
        }
        if round.as_ref().is_some_and(|r| r.is_finished()) {
            let finished = round.take().expect("checked");
            if let Err(panic) = finished.join() {
                std::panic::resume_unwind(panic);
            }
            panic!("the round returned while the test waited for: {what}");
        }
        false
    });
}

#[test]
fn at_most_n_in_flight_and_n_reached() {
    // Catches: scheduler-n-plus-one and scheduler-unbounded (every probe
    // waits for its ticket, so all that were let in are in flight at once),
    // and scheduler-one-at-a-time (N never reached).
    let shared = Arc::new(ProbeShared::default());
    let jobs = (1..=30)
        .map(|i| job(Probe::new(&shared, &i.to_string(), Some(i))))
        .collect();
    let mut round = Some(spawn_round(jobs, 5, far(), Cancel::new()));
    for done in 0..30 {
        let expected = 5.min(30 - done);
        wait_for_round(&mut round, "N checks in flight", || {
            shared.in_flight.load(Ordering::SeqCst) == expected
        });
        shared.release_up_to(done + 1);
        wait_for_round(&mut round, "the released check done", || {
            shared.finished.lock().unwrap().len() == done + 1
        });
    }
    let results = join(round.take().expect("the round"));
    assert_eq!(results.len(), 30);
    assert!(results.iter().all(|r| r.status == Status::Up));
    assert_eq!(shared.max_in_flight.load(Ordering::SeqCst), 5);
}

#[test]
fn a_sliding_window_not_batches() {
    // Catches: scheduler-batches (the next batch waits for the slowest of
    // the last: here the quick checks after the first never start while
    // it is held).
    let shared = Arc::new(ProbeShared::default());
    let mut jobs = vec![job(Probe::new(&shared, "slow", Some(1)))];
    jobs.extend((0..6).map(|i| job(Probe::new(&shared, &format!("quick{i}"), None))));
    let mut round = Some(spawn_round(jobs, 2, far(), Cancel::new()));
    wait_for_round(
        &mut round,
        "the six quick checks done while one is held",
        || shared.finished.lock().unwrap().len() == 6,
    );
    shared.release_up_to(1);
    assert_eq!(join(round.take().expect("the round")).len(), 7);
}

#[test]
fn results_come_in_job_order_whatever_order_they_finish_in() {
    // Catches: results-in-finishing-order.
    let shared = Arc::new(ProbeShared::default());
    let names = ["a", "b", "c", "d"];
    // Tickets in reverse: d is let go first, a last.
    let jobs = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let mut probe = Probe::new(&shared, n, Some(4 - i));
            if i % 2 == 1 {
                probe.outcome = Err(format!("{n} is down"));
            }
            job(probe)
        })
        .collect();
    let mut round = Some(spawn_round(jobs, 4, far(), Cancel::new()));
    for ticket in 1..=4 {
        wait_for_round(&mut round, "all four in flight", || {
            shared.started.load(Ordering::SeqCst) == 4
        });
        shared.release_up_to(ticket);
        wait_for_round(&mut round, "one more done", || {
            shared.finished.lock().unwrap().len() == ticket
        });
    }
    assert_eq!(*shared.finished.lock().unwrap(), ["d", "c", "b", "a"]);
    let results = join(round.take().expect("the round"));
    let got: Vec<_> = results
        .iter()
        .map(|r| (r.server.as_str(), r.check.as_str(), r.status.clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("srv-a", "a", Status::Up),
            ("srv-b", "b", Status::Down("b is down".into())),
            ("srv-c", "c", Status::Up),
            ("srv-d", "d", Status::Down("d is down".into())),
        ]
    );
}

#[test]
fn nothing_starts_after_the_deadline() {
    // Catches: deadline-ignored.
    let shared = Arc::new(ProbeShared::default());
    let jobs = (0..3)
        .map(|i| job(Probe::new(&shared, &i.to_string(), None)))
        .collect();
    let past = Instant::now();
    let results = within(DEFAULT_LIMIT, "a round past its deadline", move || {
        run_round(jobs, 2, past, &Cancel::new())
    });
    assert_eq!(shared.started.load(Ordering::SeqCst), 0);
    for r in &results {
        assert_eq!(
            r.status,
            Status::Skipped("the round's deadline passed".into())
        );
        assert_eq!(r.elapsed, Duration::ZERO);
    }
    // A deadline that passes during the round: the running check ends,
    // the rest never start.
    let shared = Arc::new(ProbeShared::default());
    let jobs = (1..=3)
        .map(|i| job(Probe::new(&shared, &i.to_string(), Some(1))))
        .collect();
    let deadline = Instant::now() + Duration::from_millis(200);
    let mut round = Some(spawn_round(jobs, 1, deadline, Cancel::new()));
    wait_for_round(&mut round, "the first check running", || {
        shared.started.load(Ordering::SeqCst) == 1
    });
    wait_for_round(&mut round, "the deadline passed", || {
        Instant::now() > deadline
    });
    shared.release_up_to(1);
    let results = join(round.take().expect("the round"));
    assert_eq!(results[0].status, Status::Up);
    assert!(results[0].elapsed > Duration::ZERO);
    assert!(matches!(results[1].status, Status::Skipped(_)));
    assert!(matches!(results[2].status, Status::Skipped(_)));
    assert_eq!(shared.started.load(Ordering::SeqCst), 1);
}

#[test]
fn cancel_lets_running_checks_end_and_starts_no_more() {
    // Catches: cancel-ignored. The running checks' results are kept: a
    // round that returned at once on a cancel would lose them.
    let shared = Arc::new(ProbeShared::default());
    let jobs = (1..=4)
        .map(|i| job(Probe::new(&shared, &i.to_string(), Some(1))))
        .collect();
    let cancel = Cancel::new();
    let mut round = Some(spawn_round(jobs, 2, far(), cancel.clone()));
    wait_for_round(&mut round, "two checks running", || {
        shared.started.load(Ordering::SeqCst) == 2
    });
    cancel.cancel();
    shared.release_up_to(1);
    let results = join(round.take().expect("the round"));
    assert_eq!(results[0].status, Status::Up);
    assert_eq!(results[1].status, Status::Up);
    assert_eq!(results[2].status, Status::Skipped("cancelled".into()));
    assert_eq!(results[3].status, Status::Skipped("cancelled".into()));
    assert_eq!(shared.started.load(Ordering::SeqCst), 2);
}

#[derive(Debug)]
struct Panics;

impl Check for Panics {
    fn describe(&self) -> String {
        "panics".into()
    }
    fn run(&self, _timeout: Duration) -> Result<(), String> {
        panic!("boom")
    }
}

#[test]
fn a_panicking_check_is_down_and_the_round_goes_on() {
    // Catches: panic-kills-round.
    let shared = Arc::new(ProbeShared::default());
    let jobs = vec![
        Job {
            server: "x".into(),
            check: Box::new(Panics),
            timeout: T,
        },
        job(Probe::new(&shared, "after", None)),
    ];
    let results = within(DEFAULT_LIMIT, "a round with a panic", move || {
        run_round(jobs, 1, far(), &Cancel::new())
    });
    assert_eq!(
        results[0].status,
        Status::Down("the check panicked: boom".into())
    );
    assert_eq!(results[1].status, Status::Up);
}

#[test]
fn concurrency_zero_counts_as_one_and_no_jobs_is_no_results() {
    let shared = Arc::new(ProbeShared::default());
    let jobs = (0..3)
        .map(|i| job(Probe::new(&shared, &i.to_string(), None)))
        .collect();
    let results = within(DEFAULT_LIMIT, "a round with concurrency 0", move || {
        run_round(jobs, 0, far(), &Cancel::new())
    });
    assert_eq!(results.len(), 3);
    assert_eq!(shared.max_in_flight.load(Ordering::SeqCst), 1);
    let none = within(DEFAULT_LIMIT, "an empty round", || {
        run_round(Vec::new(), 4, far(), &Cancel::new())
    });
    assert!(none.is_empty());
}
