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
