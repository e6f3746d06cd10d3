//! Exercise 4: fan-out and fan-in on std channels.
//!
//! Reference solution. Fan-out: the jobs go into one bounded channel whose
//! receiver the workers share behind a `Mutex` (a std `Receiver` has one
//! owner); whichever worker is free takes the next job, so each job goes to
//! exactly one worker. Fan-in: every producer gets a clone of one sender,
//! the original is dropped, and the collector reads until the last clone is
//! gone.

use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread;

/// A job's result, and which worker (0-based) produced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handled<R> {
    pub worker: usize,
    pub result: R,
}

// ANCHOR: fan_out
/// Hands every job of `jobs` to exactly one of `workers` threads (0 counts
/// as 1), through a channel that holds at most `workers` jobs, and returns
/// the results as they were finished.
pub fn fan_out<J, R, F>(jobs: Vec<J>, workers: usize, work: F) -> Vec<Handled<R>>
where
    J: Send,
    R: Send,
    F: Fn(usize, J) -> R + Sync,
{
    let workers = workers.max(1);
    let (job_tx, job_rx) = mpsc::sync_channel::<J>(workers);
    let job_rx = Arc::new(Mutex::new(job_rx));
    let (done_tx, done_rx) = mpsc::channel();
    let work = &work;

    thread::scope(|scope| {
        for worker in 0..workers {
            let job_rx = Arc::clone(&job_rx);
            let done_tx = done_tx.clone();
            scope.spawn(move || {
                loop {
                    // The lock is held only to take a job, not to do it.
                    let next = job_rx.lock().expect("no worker panics").recv();
                    let Ok(job) = next else { break };
                    let result = work(worker, job);
                    if done_tx.send(Handled { worker, result }).is_err() {
                        break;
                    }
                }
            });
        }
        // Only the workers may hold senders of results, or the collecting
        // loop below would never end.
        drop(done_tx);
        // Feed on a thread of its own: with a bounded channel, the feeder
        // waits for the workers, and the workers for us to collect.
        scope.spawn(move || {
            for job in jobs {
                if job_tx.send(job).is_err() {
                    break;
                }
            }
            // `job_tx` is dropped here: the workers' `recv` fails, they end.
        });
        done_rx.iter().collect()
    })
}
// ANCHOR_END: fan_out

// ANCHOR: fan_in
/// Runs every producer on a thread of its own, each with a sender into one
/// channel that holds at most `capacity` items (a producer faster than the
/// collector waits: back pressure). The calling thread passes each item to
/// `collect` in the order it arrives, and returns how many there were once
/// every producer has finished.
pub fn fan_in<T, P>(producers: Vec<P>, capacity: usize, mut collect: impl FnMut(T)) -> usize
where
    T: Send,
    P: FnOnce(SyncSender<T>) + Send,
{
    let (tx, rx): (SyncSender<T>, Receiver<T>) = mpsc::sync_channel(capacity);
    thread::scope(|scope| {
        for producer in producers {
            let tx = tx.clone();
            scope.spawn(move || producer(tx));
        }
        // Ours too: the loop ends when the producers' clones are all gone.
        drop(tx);
        let mut count = 0;
        for item in rx {
            collect(item);
            count += 1;
        }
        count
    })
}
// ANCHOR_END: fan_in
