//! The one test binary of lesson `queues`: a module per exercise.
//! These tests are the lesson's spec; they run unchanged against the stubs in
//! `src/` and against the reference solutions (`--features solution`).
//!
//! Items carry sequence numbers, and items from several producers are
//! tagged `(producer, seq)`, so that a lost, duplicated or reordered item
//! is named in the failure. Every blocking call is bounded with
//! `testkit::within`, so a deadlock fails a test instead of hanging the run.

mod bounded;
mod fan;
mod pipeline;
mod pubsub;
mod ring;
mod work_queue;

use std::collections::BTreeMap;
use std::time::Duration;

pub use testkit::counts;

/// How long a thread that was seen asleep may take to return once it has
/// been woken (it needs only to be scheduled): generous for a loaded
/// machine, and short, so that a thread nobody woke fails its test in
/// seconds.
pub const WOKEN: Duration = Duration::from_secs(5);

/// The bound for a call that does little work (a few hundred items, no
/// waiting on purpose): a loaded machine finishes it in milliseconds, and a
/// deadlock fails the test in seconds.
pub const QUICK: Duration = Duration::from_secs(5);

/// Checks that, within `items` (tagged `(producer, seq)`), each producer's
/// sequence numbers appear in increasing order: the queue kept each
/// producer's order.
pub fn assert_each_producer_in_order(items: &[(usize, usize)]) {
    let mut last: BTreeMap<usize, usize> = BTreeMap::new();
    for &(producer, seq) in items {
        if let Some(&before) = last.get(&producer) {
            assert!(
                seq > before,
                "producer {producer}: item {seq} came after item {before}"
            );
        }
        last.insert(producer, seq);
    }
}

/// Joins `threads` and returns their results, failing the test as soon as
/// `moved` (a count the threads raise for every item they handle) has stood
/// still for [`WOKEN`] while some of them still run: a deadlock then fails
/// in seconds, however long a healthy run takes on a loaded machine (at
/// most `limit` in all).
pub fn join_while_moving<T>(
    what: &str,
    limit: Duration,
    moved: &std::sync::atomic::AtomicUsize,
    threads: Vec<std::thread::JoinHandle<T>>,
) -> Vec<T> {
    use std::sync::atomic::Ordering;
    use std::time::Instant;
    let start = Instant::now();
    let mut last = (moved.load(Ordering::SeqCst), Instant::now());
    while !threads.iter().all(|t| t.is_finished()) {
        let now = moved.load(Ordering::SeqCst);
        if now != last.0 {
            last = (now, Instant::now());
        }
        assert!(
            last.1.elapsed() < WOKEN,
            "{what}: stuck, nothing moved for {WOKEN:?} after {now} items (a deadlock?)"
        );
        assert!(
            start.elapsed() < limit,
            "{what}: not done within {limit:?} ({now} items)"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    threads
        .into_iter()
        .map(|t| t.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
        .collect()
}
