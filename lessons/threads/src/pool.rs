//! Exercise 5: a thread pool fed from a FIFO job queue, and promises.
//!
//! Starting a thread per job costs a system call, a stack, and a scheduler
//! entry each time; for 10 000 small jobs, that is most of the work. A
//! **pool** starts a few threads once, the *workers*, and feeds them jobs
//! through a queue. In Python:
//!
//! ```python
//! with ThreadPoolExecutor(max_workers=4) as pool:
//!     future = pool.submit(check, "web-1")
//!     print(future.done(), future.result(timeout=5))
//! ```
//!
//! The design (the fields are given):
//!
//! - **The queue** is an `mpsc` channel of `Job`s, boxed closures.
//!   `execute` sends; the workers receive. A channel is FIFO: jobs start in
//!   the order they were queued.
//! - **One receiver, many workers.** An `mpsc::Receiver` cannot be cloned,
//!   so the workers share it as `Arc<Mutex<Receiver<Job>>>`: lock, `recv()`,
//!   unlock, run the job. **Unlock before running it**: `let job =
//!   receiver.lock().unwrap().recv();` drops the guard at the end of the
//!   statement, but `while let Ok(job) = receiver.lock().unwrap().recv() {
//!   job() }` keeps it for the whole loop body, and the pool runs one job
//!   at a time.
//! - **A panicking job must not kill its worker.** Run each job inside
//!   `std::panic::catch_unwind(AssertUnwindSafe(job))`; otherwise every
//!   panic costs a worker, and after `workers` panics nothing runs.
//! - **Shutdown.** Dropping the pool drops the sender (`self.sender.take()`):
//!   the workers still receive every job sent before, and then `recv()`
//!   returns `Err`, which tells them to return. `Drop` then joins every
//!   worker, so no thread outlives the pool and no queued job is lost.
//!
//! **Promises.** [`ThreadPool::submit`] queues a job that computes a value
//! and returns a [`Promise`] of it: Python's `Future`. The promise and the
//! job share a `Slot`: a `Mutex<Option<Result<T, JobPanicked>>>` and a
//! `Condvar`. The job runs `f` inside `catch_unwind`, puts `Ok(value)` or
//! `Err(JobPanicked { message })` in the slot, and notifies; the promise
//! waits on the condition variable while the slot is empty (`while`, as in
//! exercise 3). A panicking job fails its own promise and nothing else.
//!
//! Run the tests with `cargo kata check threads/pool`.

use std::error::Error;
use std::fmt;
use std::sync::{Arc, Condvar, Mutex, mpsc};
use std::thread;
use std::time::Duration;

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

impl ThreadPool {
    /// A pool of `workers` threads (0 counts as 1), waiting for jobs. Each
    /// worker gets a clone of the `Arc` around the one receiver and loops:
    /// take the next job (the lock held only for `recv`), run it inside
    /// `catch_unwind`, until `recv` fails.
    pub fn new(workers: usize) -> ThreadPool {
        todo!("an mpsc channel of jobs and {workers} worker threads sharing its receiver")
    }

    /// Queues `job`; the next free worker runs it. Jobs start in the order
    /// they were queued. A job that panics ends, its worker does not.
    pub fn execute<F>(&self, job: F)
    where
        F: FnOnce() + Send + 'static,
    {
        todo!(
            "box {} and send it through {:?}",
            std::any::type_name_of_val(&job),
            self.sender
        )
    }

    /// Queues `f` like [`ThreadPool::execute`] and returns a promise of its
    /// result: `Ok(value)`, or `Err(JobPanicked)` if `f` panicked (the
    /// message from `crate::spawn_join::panic_message`).
    pub fn submit<T, F>(&self, f: F) -> Promise<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        todo!(
            "execute a job that runs {} under catch_unwind and fills a Slot shared with the promise",
            std::any::type_name_of_val(&f)
        )
    }
}

impl Drop for ThreadPool {
    /// Finishes every queued job, then stops and joins every worker.
    fn drop(&mut self) {
        todo!(
            "drop the sender, then join the {} workers",
            self.workers.len()
        )
    }
}

impl<T> Promise<T> {
    /// Whether the result is there (the job has finished), without waiting.
    pub fn is_ready(&self) -> bool {
        todo!(
            "whether {} holds a result yet",
            std::any::type_name_of_val(&self.slot.result)
        )
    }

    /// Waits until the result is there and returns it.
    pub fn wait(self) -> Result<T, JobPanicked> {
        todo!(
            "wait on {} until the slot holds the result, and take it",
            std::any::type_name_of_val(&self.slot.filled)
        )
    }

    /// Waits at most `limit` for the result; whether it is there now.
    /// The result stays in the promise, for [`Promise::wait`] to take.
    /// Several threads may wait on one promise: all of them are woken when
    /// the result arrives. A limit too long to be a point in time
    /// (`Duration::MAX`) means no limit (`Instant::checked_add` tells).
    pub fn wait_timeout(&self, limit: Duration) -> bool {
        todo!(
            "wait at most {limit:?} in total on {} for the result",
            std::any::type_name_of_val(&self.slot.filled)
        )
    }
}
