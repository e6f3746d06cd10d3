//! Exercise 4: fan-out and fan-in on std channels.
//!
//! Two shapes from the course's networking patterns, built on
//! `std::sync::mpsc` instead of a queue of your own:
//!
//! **Fan-out (push)**: one source, N workers, each job to exactly one of
//! them, whoever is free. A std `Receiver` has a single owner, so the
//! workers share it as `Arc<Mutex<Receiver<J>>>` and lock it only to take
//! the next job (`rx.lock().unwrap().recv()` in one statement: the guard
//! is dropped at its end, before the work starts). When the sending side
//! is dropped, `recv` returns `Err` and the worker ends.
//!
//! - The jobs go into `mpsc::sync_channel(workers)`: a bounded channel, so
//!   the feeder waits when the workers are busy. Feed it from a thread of
//!   its own: if this thread fed a bounded channel and only then collected
//!   the results, the workers could block on a full result channel… or
//!   you on a full job channel.
//! - Results come back through a second channel, tagged with the worker's
//!   index, in the order they are finished. Drop your own copy of the
//!   result sender before collecting: `rx.iter()` ends only when *every*
//!   sender is gone.
//! - `std::thread::scope` lets the workers borrow `work` and end before
//!   `fan_out` returns. `workers` of 0 counts as 1.
//!
//! **Fan-in (pull)**: many sources, one collector: N producers (threads,
//! in the course log shippers on N machines) send into one channel, the
//! collector handles items in arrival order. Each producer gets a clone of
//! the `SyncSender`; drop the original, or the collecting loop never ends.
//! Items come in *arrival* order, interleaved across producers, each
//! producer's own order kept.
//!
//! Run the tests with `cargo kata check queues/fan`.

use std::sync::mpsc::SyncSender;

/// A job's result, and which worker (0-based) produced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handled<R> {
    pub worker: usize,
    pub result: R,
}

/// Hands every job of `jobs` to exactly one of `workers` threads (0 counts
/// as 1), through a channel that holds at most `workers` jobs, and returns
/// the results as they were finished. `work(worker, job)` gets the
/// worker's index (0-based) and the job.
/// Keep the signature: use `thread::scope`, not the `'static` bounds rustc suggests.
pub fn fan_out<J, R, F>(jobs: Vec<J>, workers: usize, work: F) -> Vec<Handled<R>>
where
    J: Send,
    R: Send,
    F: Fn(usize, J) -> R + Sync,
{
    todo!(
        "hand each of {} jobs to one of {workers} workers running {}",
        jobs.len(),
        std::any::type_name_of_val(&work)
    )
}

/// Runs every producer on a thread of its own, each with a sender into one
/// channel that holds at most `capacity` items (a producer faster than the
/// collector waits: back pressure). The calling thread passes each item to
/// `collect` in the order it arrives, and returns how many there were once
/// every producer has finished.
pub fn fan_in<T, P>(producers: Vec<P>, capacity: usize, collect: impl FnMut(T)) -> usize
where
    T: Send,
    P: FnOnce(SyncSender<T>) + Send,
{
    todo!(
        "run {} producers into one channel of capacity {capacity}, and pass each item to {} as it arrives",
        producers.len(),
        std::any::type_name_of_val(&collect)
    )
}
