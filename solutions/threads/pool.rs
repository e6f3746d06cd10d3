//! Exercise 5: a thread pool fed from a FIFO job queue, and promises.
//!
//! Reference solution. The queue is an `mpsc` channel: `execute` sends a
//! boxed job, and every worker takes the next one from the one receiver,
//! shared behind an `Arc<Mutex<…>>`. The lock is held only while taking a
//! job, never while running it. A job runs inside `catch_unwind`, so its
//! panic ends the job, not the worker. Dropping the pool drops the sender:
//! the workers empty the queue first (a receiver still gets what was sent
//! before the sender went away), then `recv` fails and each worker ends,
//! and `Drop` joins them all.
//!
//! A `Promise` is a one-shot slot, a `Mutex<Option<…>>` with a `Condvar`,
//! shared by the job that fills it and the caller who waits for it.

use std::error::Error;
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use crate::spawn_join::panic_message;

/// A job of the queue: any closure that can be sent to a worker.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed number of worker threads that run the jobs given to them, in the
/// order they were given (Python's `ThreadPoolExecutor(max_workers=…)`).
pub struct ThreadPool {
    /// The sending end of the job queue. `None` once the pool is being
    /// dropped: dropping the sender is what tells the workers to stop.
    sender: Option<mpsc::Sender<Job>>,
    /// The workers, to be joined when the pool is dropped.
    workers: Vec<thread::JoinHandle<()>>,
}

impl fmt::Debug for ThreadPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadPool")
            .field("workers", &self.workers.len())
            .finish_non_exhaustive()
    }
}

/// The job behind a promise panicked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobPanicked {
    /// The panic's message (see `spawn_join::panic_message`).
    pub message: String,
}

impl fmt::Display for JobPanicked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the job panicked: {}", self.message)
    }
}

impl Error for JobPanicked {}

/// The result of a job given to [`ThreadPool::submit`], once it is there
/// (Python's `concurrent.futures.Future`).
pub struct Promise<T> {
    slot: Arc<Slot<T>>,
}

impl<T> fmt::Debug for Promise<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Promise").finish_non_exhaustive()
    }
}

/// What a promise and its job share: the result once there, and a
/// condition variable notified when it arrives.
struct Slot<T> {
    result: Mutex<Option<Result<T, JobPanicked>>>,
    filled: Condvar,
}

impl<T> Default for Slot<T> {
    /// An empty slot: no result yet.
    fn default() -> Self {
        Slot {
            result: Mutex::new(None),
            filled: Condvar::new(),
        }
    }
}

/// The result in `slot`, locked. No caller's code runs under this lock, so
/// a poisoned lock still holds a good value.
fn result_in<T>(slot: &Slot<T>) -> MutexGuard<'_, Option<Result<T, JobPanicked>>> {
    slot.result.lock().unwrap_or_else(PoisonError::into_inner)
}

impl ThreadPool {
    // ANCHOR: new
    /// A pool of `workers` threads (0 counts as 1), waiting for jobs.
    pub fn new(workers: usize) -> ThreadPool {
        let (sender, receiver) = mpsc::channel::<Job>();
        // One receiver for all the workers: each job goes to exactly one.
        let receiver = Arc::new(Mutex::new(receiver));
        let workers = (0..workers.max(1))
            .map(|n| {
                let receiver = Arc::clone(&receiver);
                thread::Builder::new()
                    .name(format!("pool-worker-{n}"))
                    .spawn(move || work(&receiver))
                    .expect("the system could not start a thread")
            })
            .collect();
        ThreadPool {
            sender: Some(sender),
            workers,
        }
    }
    // ANCHOR_END: new

    // ANCHOR: execute
    /// Queues `job`; the next free worker runs it. Jobs start in the order
    /// they were queued. A job that panics ends, its worker does not.
    pub fn execute<F>(&self, job: F)
    where
        F: FnOnce() + Send + 'static,
    {
        self.sender
            .as_ref()
            .expect("the sender is only taken by drop")
            .send(Box::new(job))
            .expect("the workers live as long as the pool");
    }
    // ANCHOR_END: execute

    // ANCHOR: submit
    /// Queues `f` like [`ThreadPool::execute`] and returns a promise of its
    /// result: `Ok(value)`, or `Err(JobPanicked)` if `f` panicked.
    pub fn submit<T, F>(&self, f: F) -> Promise<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let slot = Arc::new(Slot::default());
        let promise = Promise {
            slot: Arc::clone(&slot),
        };
        self.execute(move || {
            // Caught here, so that the promise gets the panic as an error.
            let result = panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| JobPanicked {
                message: panic_message(&*payload),
            });
            *result_in(&slot) = Some(result);
            slot.filled.notify_all();
        });
        promise
    }
    // ANCHOR_END: submit
}

// ANCHOR: work
/// A worker's life: take the next job, run it, again, until the queue is
/// closed and empty.
fn work(jobs: &Mutex<mpsc::Receiver<Job>>) {
    loop {
        // The guard is a temporary of this statement, so the lock is
        // released before the job runs. (`while let Ok(job) =
        // jobs.lock().unwrap().recv()` would keep it for the whole body:
        // one job at a time, however many workers.)
        let next = jobs.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(job) = next else {
            // The sender is gone and the queue is empty: the pool is done.
            return;
        };
        // A panicking job must not take its worker with it. (Its message
        // has already been printed by the panic hook.)
        let _ = panic::catch_unwind(AssertUnwindSafe(job));
    }
}
// ANCHOR_END: work

// ANCHOR: drop
impl Drop for ThreadPool {
    /// Finishes every queued job, then stops and joins every worker.
    fn drop(&mut self) {
        // Closing the queue: the workers still get every job sent before,
        // then `recv` fails and they return.
        drop(self.sender.take());
        for worker in self.workers.drain(..) {
            // A worker never panics (jobs run inside `catch_unwind`).
            let _ = worker.join();
        }
    }
}
// ANCHOR_END: drop

// ANCHOR: promise
impl<T> Promise<T> {
    /// Whether the result is there (the job has finished), without waiting.
    pub fn is_ready(&self) -> bool {
        result_in(&self.slot).is_some()
    }

    /// Waits until the result is there and returns it.
    pub fn wait(self) -> Result<T, JobPanicked> {
        let mut result = result_in(&self.slot);
        loop {
            if let Some(result) = result.take() {
                return result;
            }
            result = self
                .slot
                .filled
                .wait(result)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Waits at most `limit` for the result; whether it is there now.
    /// The result stays in the promise, for [`Promise::wait`] to take.
    /// Several threads may wait on one promise (the job notifies them all);
    /// `Duration::MAX` means no limit.
    pub fn wait_timeout(&self, limit: Duration) -> bool {
        let deadline = Instant::now().checked_add(limit);
        let mut result = result_in(&self.slot);
        while result.is_none() {
            let left = match deadline {
                Some(deadline) => deadline.saturating_duration_since(Instant::now()),
                None => Duration::MAX,
            };
            if left.is_zero() {
                return false;
            }
            result = self
                .slot
                .filled
                .wait_timeout(result, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        true
    }
}
// ANCHOR_END: promise
