//! Exercise 4: fan-out and fan-in on std channels.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, SyncSender};
use std::sync::{Arc, Barrier, Mutex};
use std::time::Instant;

use queues::fan::{Handled, fan_in, fan_out};
use testkit::asleep::Probe;
use testkit::within;

use crate::{QUICK, assert_each_producer_in_order, counts};

// Catches: fan-out-try-send-drops (jobs lost when they outnumber the
// channel's capacity), fan-out-worker-index-off-by-one. The first four jobs
// wait at a barrier for four, so every worker takes one of them, and every
// worker's id shows in the results.
#[test]
fn fan_out_gives_every_job_to_exactly_one_worker() {
    let barrier = Barrier::new(4);
    let handled = within(QUICK, "fan_out", move || {
        fan_out((0..500).collect(), 4, |_worker, job: u32| {
            if job < 4 {
                barrier.wait();
            }
            job * 10
        })
    });
    let mut results: Vec<u32> = handled.iter().map(|h| h.result).collect();
    results.sort_unstable();
    assert_eq!(results, (0..500).map(|j| j * 10).collect::<Vec<_>>());
    let workers: BTreeSet<usize> = handled.iter().map(|h| h.worker).collect();
    assert_eq!(
        workers,
        (0..4).collect::<BTreeSet<usize>>(),
        "the worker ids are 0, 1, 2 and 3"
    );
}

// Catches: fan-out-one-thread ("fan-out" that runs every job on one
// thread), fan-out-lock-held-while-working (a worker holds the receiver's
// lock while it works: the `while let` trap). The first four jobs each
// wait at a barrier for four: they can only all pass if four workers hold
// one each at the same time.
#[test]
fn fan_out_runs_the_workers_at_the_same_time() {
    let barrier = Barrier::new(4);
    let handled = within(QUICK, "fan_out with a barrier", move || {
        fan_out((0..8).collect(), 4, |worker, job: usize| {
            if job < 4 {
                barrier.wait();
            }
            worker
        })
    });
    assert_eq!(handled.len(), 8);
    let workers: BTreeSet<usize> = handled.iter().map(|h| h.worker).collect();
    assert_eq!(workers.len(), 4, "four workers took part: {workers:?}");
}

// Catches: fan-out-results-by-worker (each worker keeps its results and
// `fan_out` returns worker 0's, then worker 1's: not the finishing order,
// which a test that sorts the results cannot see). Worker 0's first job
// waits, at a barrier, until worker 1 has started its third: by then
// worker 1 has finished two jobs, and worker 0 none.
#[test]
fn fan_out_returns_the_results_in_the_order_they_were_finished() {
    let meet = Barrier::new(2);
    let started = [AtomicUsize::new(0), AtomicUsize::new(0)];
    let handled = within(QUICK, "fan_out with two workers", move || {
        fan_out((0..8).collect(), 2, |worker, job: u32| {
            let nth = started[worker].fetch_add(1, Ordering::SeqCst);
            if (worker, nth) == (0, 0) || (worker, nth) == (1, 2) {
                meet.wait();
            }
            job
        })
    });
    assert_eq!(handled.len(), 8);
    let first_three: Vec<usize> = handled.iter().take(3).map(|h| h.worker).collect();
    assert_eq!(
        first_three[..2],
        [1, 1],
        "worker 1 finished two jobs before worker 0 finished one, \
         yet the results begin with workers {first_three:?}"
    );
}

// Catches: fan-out-zero-workers (0 workers taken at its word: nobody takes
// the jobs), fan-out-worker-index-off-by-one.
#[test]
fn fan_out_with_zero_workers_uses_one_and_with_no_jobs_returns_nothing() {
    let handled = within(QUICK, "fan_out", || {
        fan_out(vec!["only"], 0, |worker, job: &str| {
            format!("{worker}:{job}")
        })
    });
    assert_eq!(
        handled,
        vec![Handled {
            worker: 0,
            result: "0:only".to_string()
        }]
    );
    let none = within(QUICK, "fan_out", || {
        fan_out(Vec::<u8>::new(), 3, |_, job| job)
    });
    assert!(none.is_empty());
}

type Producer = Box<dyn FnOnce(SyncSender<(usize, usize)>) + Send>;

fn producer_of(producer: usize, items: usize) -> Producer {
    Box::new(move |tx: SyncSender<(usize, usize)>| {
        for seq in 0..items {
            tx.send((producer, seq)).unwrap();
        }
    })
}

// Catches: fan-in-keeps-sender (a collector that never ends because it kept
// a sender of its own: the loop waits for a sender nobody will ever drop).
#[test]
fn fan_in_collects_every_item_and_ends_with_the_producers() {
    let (count, collected) = within(QUICK, "fan_in", || {
        let producers: Vec<Producer> = (0..5).map(|p| producer_of(p, 300)).collect();
        let mut collected = Vec::new();
        let count = fan_in(producers, 4, |item| collected.push(item));
        (count, collected)
    });
    assert_eq!(count, 1500);
    assert_each_producer_in_order(&collected);
    let expected: Vec<(usize, usize)> =
        (0..5).flat_map(|p| (0..300).map(move |s| (p, s))).collect();
    assert!(
        counts(&collected) == counts(&expected),
        "items lost or duplicated"
    );
}

// Catches: fan-in-per-producer (a collector that gathers each producer's
// items separately and writes them one producer after the other). Here the two
// producers take turns, each waiting until the collector has written the
// other's last line, so only arrival order can be right; collecting per
// producer deadlocks, and `within` reports it.
#[test]
fn fan_in_writes_items_in_arrival_order() {
    let lines = within(QUICK, "fan_in taking turns", || {
        let (turn_a_tx, turn_a) = mpsc::channel::<()>();
        let (turn_b_tx, turn_b) = mpsc::channel::<()>();
        let producers: Vec<Box<dyn FnOnce(SyncSender<String>) + Send>> = vec![
            Box::new(move |tx: SyncSender<String>| {
                for n in 1..=3 {
                    turn_a.recv().unwrap();
                    tx.send(format!("web: line {n}")).unwrap();
                }
            }),
            Box::new(move |tx: SyncSender<String>| {
                for n in 1..=3 {
                    turn_b.recv().unwrap();
                    tx.send(format!("db: line {n}")).unwrap();
                }
            }),
        ];
        turn_a_tx.send(()).unwrap();
        let turns = Mutex::new((turn_a_tx, turn_b_tx));
        let mut lines = Vec::new();
        fan_in(producers, 1, |line: String| {
            let turns = turns.lock().unwrap();
            // Whoever just wrote waits; the other one goes next.
            if line.starts_with("web") {
                let _ = turns.1.send(());
            } else {
                let _ = turns.0.send(());
            }
            lines.push(line);
        });
        lines
    });
    assert_eq!(
        lines,
        [
            "web: line 1",
            "db: line 1",
            "web: line 2",
            "db: line 2",
            "web: line 3",
            "db: line 3"
        ]
    );
}

// Catches: fan-in-unbounded (`mpsc::channel()` instead of
// `sync_channel(capacity)`: no back pressure, a fast producer fills the
// memory), fan-in-rendezvous (`sync_channel(0)`: the capacity ignored the
// other way). The collector holds on to the first item until the producer
// is asleep (blocked on a full channel) or done: by then the producer has
// sent exactly the item in hand plus `capacity` more.
#[test]
fn fan_in_makes_a_fast_producer_wait_for_the_collector() {
    const CAPACITY: usize = 3;
    let (sent, collected) = within(QUICK, "fan_in with a slow collector", || {
        let sent = Arc::new(AtomicUsize::new(0));
        let done = Arc::new(AtomicBool::new(false));
        let (probe_tx, probe_rx) = mpsc::channel();
        let producer: Producer = {
            let sent = Arc::clone(&sent);
            let done = Arc::clone(&done);
            Box::new(move |tx: SyncSender<(usize, usize)>| {
                let _ = probe_tx.send(Probe::current());
                for seq in 0..100 {
                    tx.send((0, seq)).unwrap();
                    sent.fetch_add(1, Ordering::SeqCst);
                }
                done.store(true, Ordering::SeqCst);
            })
        };
        let mut sent_at_first = None;
        let mut collected = Vec::new();
        fan_in(vec![producer], CAPACITY, |item| {
            if sent_at_first.is_none() {
                let producer = probe_rx.recv().expect("the producer runs");
                let start = Instant::now();
                while !done.load(Ordering::SeqCst) && !producer.is_asleep() {
                    assert!(
                        start.elapsed() < QUICK,
                        "the producer neither finished nor waited"
                    );
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                sent_at_first = Some(sent.load(Ordering::SeqCst));
            }
            collected.push(item);
        });
        (sent_at_first, collected)
    });
    assert_eq!(collected.len(), 100);
    assert_eq!(
        sent,
        Some(CAPACITY + 1),
        "while the collector held the first item, the producer sent more (or less) \
         than that item and a channel of {CAPACITY}"
    );
}
