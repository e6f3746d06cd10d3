//! Exercise 4: fan-out and fan-in on std channels.

use std::collections::BTreeSet;
use std::sync::mpsc::{self, SyncSender};
use std::sync::{Barrier, Mutex};

use queues::fan::{Handled, fan_in, fan_out};
use testkit::{DEFAULT_LIMIT, within};

use crate::{assert_each_producer_in_order, counts};

// Wrong solutions caught: a job handed to two workers, or lost when the
// jobs outnumber the channel's capacity.
#[test]
fn fan_out_gives_every_job_to_exactly_one_worker() {
    let handled = within(DEFAULT_LIMIT, "fan_out", || {
        fan_out((0..500).collect(), 4, |_worker, job: u32| job * 10)
    });
    let mut results: Vec<u32> = handled.iter().map(|h| h.result).collect();
    results.sort_unstable();
    assert_eq!(results, (0..500).map(|j| j * 10).collect::<Vec<_>>());
    assert!(handled.iter().all(|h| h.worker < 4), "worker ids are 0..4");
}

// Wrong solution caught: "fan-out" that runs every job on one thread. The
// first four jobs each wait at a barrier for four: they can only all pass
// if four workers hold one each at the same time.
#[test]
fn fan_out_runs_the_workers_at_the_same_time() {
    let barrier = Barrier::new(4);
    let handled = within(DEFAULT_LIMIT, "fan_out with a barrier", move || {
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

#[test]
fn fan_out_with_zero_workers_uses_one_and_with_no_jobs_returns_nothing() {
    let handled = within(DEFAULT_LIMIT, "fan_out", || {
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
    let none = within(DEFAULT_LIMIT, "fan_out", || {
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

// Wrong solutions caught: items lost, and a collector that never ends
// because it kept a sender of its own (the loop waits for a sender that
// nobody will ever drop).
#[test]
fn fan_in_collects_every_item_and_ends_with_the_producers() {
    let (count, collected) = within(DEFAULT_LIMIT, "fan_in", || {
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

// Wrong solution caught: a collector that gathers each producer's items
// separately and writes them one producer after the other. Here the two
// producers take turns, each waiting until the collector has written the
// other's last line, so only arrival order can be right; collecting per
// producer deadlocks, and `within` reports it.
#[test]
fn fan_in_writes_items_in_arrival_order() {
    let lines = within(DEFAULT_LIMIT, "fan_in taking turns", || {
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
