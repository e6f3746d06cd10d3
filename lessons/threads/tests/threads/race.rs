//! Exercise 2: the check-then-pop race, and why Rust does not stop it.
//!
//! A race shows only when threads interleave at the wrong moment, so the
//! tests that catch one make that moment common: many threads, released
//! together by a `Barrier`, all going for the last few tasks, many times.
//! The correct code passes every time, however the threads interleave.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use testkit::{DEFAULT_LIMIT, within};
use threads::race::{TaskList, drain};

fn tasks(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}-{i:04}")).collect()
}

/// Checks that `taken` holds every task of `all` exactly once.
fn assert_each_taken_once(all: &[String], taken: &[String]) {
    let counts = testkit::counts(taken);
    let twice: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "taken more than once: {twice:?}");
    let lost: Vec<_> = all.iter().filter(|t| !counts.contains_key(*t)).collect();
    assert!(lost.is_empty(), "never taken: {lost:?}");
    assert_eq!(taken.len(), all.len());
}

// Catches: taking from the back (`pop()`), which is a stack, not Python's
// `pop(0)`.
// [gallery: race-take-from-the-back]
#[test]
fn take_next_gives_the_tasks_first_in_first_out() {
    let list = TaskList::new(tasks("deploy", 3));
    assert_eq!(list.take_next().as_deref(), Some("deploy-0000"));
    assert_eq!(list.len(), 2);
    assert_eq!(list.take_next().as_deref(), Some("deploy-0001"));
    assert_eq!(list.take_next().as_deref(), Some("deploy-0002"));
    assert_eq!(list.take_next(), None);
    assert_eq!(list.take_next(), None);
    assert!(list.is_empty());
}

/// A barrier whose threads wait by spinning, not by sleeping: they leave
/// it within a few nanoseconds of one another, where a `std::sync::Barrier`
/// wakes them one by one, microseconds apart, which is enough for the first
/// to have finished before the last has started.
struct SpinBarrier {
    threads: usize,
    arrived: AtomicUsize,
    generation: AtomicUsize,
}

impl SpinBarrier {
    fn new(threads: usize) -> SpinBarrier {
        SpinBarrier {
            threads,
            arrived: AtomicUsize::new(0),
            generation: AtomicUsize::new(0),
        }
    }

    fn wait(&self) {
        let generation = self.generation.load(Ordering::Acquire);
        if self.arrived.fetch_add(1, Ordering::AcqRel) + 1 == self.threads {
            self.arrived.store(0, Ordering::Relaxed);
            self.generation.fetch_add(1, Ordering::Release);
            return;
        }
        let mut spins = 0_u32;
        while self.generation.load(Ordering::Acquire) == generation {
            spins += 1;
            if spins.is_multiple_of(64) {
                // More threads than cores: let the others get there.
                thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
    }
}

// Catches: `take_next` in two critical sections (lock, check the length,
// unlock; lock again, `remove(0)`), which panics on an empty `Vec` when
// another thread took the last task in between; or one that reads the first
// task under one lock and removes it under another, which hands a task to two
// threads and loses another. At least four threads (more than the cores of a
// small machine: a thread preempted between its two critical sections is one
// way in; threads on every core at once the other) go for the last tasks of a
// list at the same instant, in batches of 2 500 lists, for four seconds: a
// loaded machine, where fewer rounds run, gets as much time to show the race
// as an idle one (and is not given more rounds than it can run in time).
// [gallery: race-check-then-remove-in-two-locks,
// race-read-then-remove-in-two-locks]
#[test]
fn every_task_is_taken_exactly_once_by_many_threads() {
    const BATCH: usize = 2_500;
    const AT_LEAST: Duration = Duration::from_secs(4);
    let threads = thread::available_parallelism().map_or(4, |n| n.get().clamp(4, 8));
    within(DEFAULT_LIMIT * 3, "threads calling take_next", move || {
        let started = Instant::now();
        let mut batch = 0;
        while batch == 0 || started.elapsed() < AT_LEAST {
            race_for_the_last_tasks(threads, &format!("batch-{batch:03}"), BATCH);
            batch += 1;
        }
    });
}

/// `rounds` lists of two tasks; `threads` threads empty each list together,
/// released at the same instant by a spinning barrier. Panics (with the
/// first panic of any thread) unless every task was taken exactly once.
fn race_for_the_last_tasks(threads: usize, prefix: &str, rounds: usize) {
    const TASKS_PER_ROUND: usize = 2;
    let name = |r: usize| format!("{prefix}-round-{r:05}");
    let lists: Vec<TaskList> = (0..rounds)
        .map(|r| TaskList::new(tasks(&name(r), TASKS_PER_ROUND)))
        .collect();
    let start = SpinBarrier::new(threads);
    // The first panic of any thread; the thread goes on meeting the others
    // at the barrier, so that none of them waits forever.
    let first_panic = Mutex::new(None);
    let failed = AtomicBool::new(false);
    let taken: Vec<String> = thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut taken = Vec::new();
                    for list in &lists {
                        start.wait();
                        if failed.load(Ordering::Relaxed) {
                            continue; // one failure is enough to report
                        }
                        let round = panic::catch_unwind(AssertUnwindSafe(|| {
                            while let Some(task) = list.take_next() {
                                taken.push(task);
                            }
                        }));
                        if let Err(payload) = round {
                            failed.store(true, Ordering::Relaxed);
                            first_panic.lock().unwrap().get_or_insert(payload);
                        }
                    }
                    taken
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("the worker catches every panic"))
            .collect()
    });
    if let Some(payload) = first_panic.into_inner().unwrap() {
        panic::resume_unwind(payload);
    }
    let all: Vec<String> = (0..rounds)
        .flat_map(|r| tasks(&name(r), TASKS_PER_ROUND))
        .collect();
    assert_each_taken_once(&all, &taken);
    assert!(lists.iter().all(TaskList::is_empty));
}

// Catches: workers that stop after one task, or that give up as soon as they
// see the list empty once while others still work; a result without one `Vec`
// per worker; tasks taken out of order.
// [gallery: race-take-from-the-back, race-worker-takes-one-task]
#[test]
fn drain_hands_out_every_task_once() {
    let all = tasks("host", 1000);
    let per_worker = within(DEFAULT_LIMIT, "drain", {
        let all = all.clone();
        move || drain(&TaskList::new(all), 4)
    });
    assert_eq!(per_worker.len(), 4, "one Vec per worker");
    for taken in &per_worker {
        assert!(
            taken.windows(2).all(|w| w[0] < w[1]),
            "a worker takes the tasks in list order: {taken:?}"
        );
    }
    let taken: Vec<String> = per_worker.into_iter().flatten().collect();
    assert_each_taken_once(&all, &taken);
}

// Catches: a worker loop `while !list.is_empty() { list.take_next().unwrap()
// }`, the same check-then-act race one level up: the last task can go to
// another worker between the two calls. Eight workers finish off each list
// together, two hundred times over.
// [gallery: race-drain-is-empty-then-take]
#[test]
fn drain_has_no_check_then_take_race() {
    within(DEFAULT_LIMIT * 2, "drain, many times", || {
        for round in 0..200 {
            let all = tasks(&format!("round-{round:03}"), 400);
            let list = TaskList::new(all.clone());
            let taken: Vec<String> = drain(&list, 8).into_iter().flatten().collect();
            assert_each_taken_once(&all, &taken);
            assert!(list.is_empty());
        }
    });
}

// Catches: `workers = 0` starting no thread, so nothing is taken (or `drain`
// waits forever).
// [gallery: race-drain-zero-workers-no-thread]
#[test]
fn drain_with_zero_workers_uses_one() {
    let per_worker = within(DEFAULT_LIMIT, "drain", || {
        drain(&TaskList::new(tasks("db", 5)), 0)
    });
    assert_eq!(per_worker, vec![tasks("db", 5)]);
    let per_worker = within(DEFAULT_LIMIT, "drain", || {
        drain(&TaskList::new(Vec::new()), 3)
    });
    assert_eq!(per_worker, vec![Vec::<String>::new(); 3]);
}
