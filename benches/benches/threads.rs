//! The threads lesson's Performance section, in one run:
//!
//! - 10 000 small jobs: the lesson's `ThreadPool` (with `execute` and with
//!   `submit` + a promise per job) against a thread per job, the
//!   `threadpool` crate (the same design: a channel behind a mutex) and
//!   rayon's `spawn` (work stealing). The pools are built once, outside the
//!   measurement, with one worker per core.
//! - The `Semaphore`'s uncontended acquire + release against a `Mutex`
//!   lock + unlock, and against the same semaphore with one change
//!   (`WaiterCounting`, below): it calls `notify_one` only when a thread
//!   is asleep, since std's `notify_one` makes a system call either way.
//! - `map_bounded` over 200 items of 20 ms each at a limit of 10, against
//!   the ideal of 20 rounds × 20 ms = 400 ms.
//!
//! `cargo bench -p benchmarks --bench threads`; the figures are in
//! `results/threads.md`.

mod common;

use std::hint::black_box;
use std::sync::{Condvar, Mutex, mpsc};
use std::thread;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use threads::bounded::map_bounded;
use threads::pool::ThreadPool;
use threads::semaphore::Semaphore;

const JOBS: u64 = 10_000;

/// A small job: a few hundred nanoseconds of arithmetic.
fn small_job(n: u64) -> u64 {
    (0..100_u64).fold(n, |acc, x| acc.wrapping_mul(31).wrapping_add(x))
}

/// Runs `JOBS` small jobs through `spawn` and waits for all of them: each
/// job sends its result on a channel, and the caller counts them.
fn through(spawn: impl Fn(Box<dyn FnOnce() + Send>)) -> u64 {
    let (tx, rx) = mpsc::channel();
    for n in 0..JOBS {
        let tx = tx.clone();
        spawn(Box::new(move || {
            let _ = tx.send(small_job(black_box(n)));
        }));
    }
    drop(tx);
    rx.iter().fold(0, u64::wrapping_add)
}

fn pools(c: &mut Criterion) {
    let workers = thread::available_parallelism().map_or(2, |n| n.get());
    let lesson = ThreadPool::new(workers);
    let crate_pool = threadpool::ThreadPool::new(workers);
    let rayon_pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()
        .expect("a rayon pool");

    let mut group = c.benchmark_group("10k small jobs");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("lesson ThreadPool::execute", |b| {
        b.iter(|| through(|job| lesson.execute(job)))
    });
    group.bench_function("lesson ThreadPool::submit + wait", |b| {
        b.iter(|| {
            let promises: Vec<_> = (0..JOBS)
                .map(|n| lesson.submit(move || small_job(black_box(n))))
                .collect();
            promises
                .into_iter()
                .map(|p| p.wait().expect("no job panics"))
                .fold(0, u64::wrapping_add)
        })
    });
    group.bench_function("threadpool crate execute", |b| {
        b.iter(|| through(|job| crate_pool.execute(job)))
    });
    group.bench_function("rayon ThreadPool::spawn", |b| {
        b.iter(|| through(|job| rayon_pool.spawn(job)))
    });
    group.bench_function("a thread per job", |b| {
        b.iter(|| {
            let handles: Vec<_> = (0..JOBS)
                .map(|n| thread::spawn(move || small_job(black_box(n))))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("no job panics"))
                .fold(0, u64::wrapping_add)
        })
    });
    group.finish();
}

/// The lesson's semaphore with one change: it counts the threads asleep in
/// `acquire` and notifies only when there is one. (On Linux, std's
/// `Condvar::notify_one` is a `futex` wake-up system call even when nobody
/// waits.) Only here, as a point of comparison for the book.
struct WaiterCounting {
    /// (free permits, threads asleep in `acquire`)
    state: Mutex<(usize, usize)>,
    released: Condvar,
}

impl WaiterCounting {
    fn new(permits: usize) -> WaiterCounting {
        WaiterCounting {
            state: Mutex::new((permits, 0)),
            released: Condvar::new(),
        }
    }

    fn acquire(&self) {
        let mut state = self.state.lock().unwrap();
        while state.0 == 0 {
            state.1 += 1;
            state = self.released.wait(state).unwrap();
            state.1 -= 1;
        }
        state.0 -= 1;
    }

    fn release(&self) {
        let mut state = self.state.lock().unwrap();
        state.0 += 1;
        let asleep = state.1 > 0;
        drop(state);
        if asleep {
            self.released.notify_one();
        }
    }
}

fn semaphore(c: &mut Criterion) {
    let mut group = c.benchmark_group("uncontended");
    let sem = Semaphore::new(1);
    group.bench_function("Semaphore acquire + release", |b| {
        b.iter(|| drop(black_box(&sem).acquire()))
    });
    let counting = WaiterCounting::new(1);
    group.bench_function("WaiterCounting acquire + release", |b| {
        b.iter(|| {
            black_box(&counting).acquire();
            counting.release();
        })
    });
    let mutex = Mutex::new(0_u64);
    group.bench_function("Mutex lock + unlock", |b| {
        b.iter(|| drop(black_box(&mutex).lock()))
    });
    group.finish();
}

fn bounded(c: &mut Criterion) {
    let mut group = c.benchmark_group("map_bounded 200 x 20 ms, limit 10");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("map_bounded (ideal: 400 ms)", |b| {
        b.iter(|| {
            map_bounded((0..200_u32).collect(), 10, |n| {
                thread::sleep(Duration::from_millis(20));
                n
            })
        })
    });
    group.finish();
}

criterion_group! {
    name = threads;
    config = common::config();
    targets = pools, semaphore, bounded
}
criterion_main!(threads);
