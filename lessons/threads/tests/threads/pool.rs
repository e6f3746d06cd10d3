//! Exercise 5: a thread pool fed from a FIFO job queue, and promises.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex, PoisonError, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use testkit::asleep::{Probe, watch};
use testkit::{DEFAULT_LIMIT, thread_cpu_time, thread_wakeups, within, within_or};
use threads::pool::{JobPanicked, ThreadPool};

/// How long a waiter may take to fall asleep, or a woken one to return.
const QUICK: Duration = Duration::from_secs(3);

// Wrong solutions caught: a queue that is a stack (the newest job first),
// or jobs run in any order but the one they were given in.
#[test]
fn one_worker_runs_the_jobs_in_the_order_given() {
    let log = within(DEFAULT_LIMIT, "a pool of one", || {
        let pool = ThreadPool::new(1);
        let log = Arc::new(Mutex::new(Vec::new()));
        for job in 0..20 {
            let log = Arc::clone(&log);
            pool.execute(move || log.lock().unwrap().push(job));
        }
        drop(pool);
        Arc::try_unwrap(log).unwrap().into_inner().unwrap()
    });
    assert_eq!(log, (0..20).collect::<Vec<_>>());
}

#[test]
fn many_workers_give_every_result() {
    let results = within(DEFAULT_LIMIT, "a pool of four", || {
        let pool = ThreadPool::new(4);
        let promises: Vec<_> = (0..200_u64).map(|n| pool.submit(move || n * n)).collect();
        promises.into_iter().map(|p| p.wait()).collect::<Vec<_>>()
    });
    let expected: Vec<Result<u64, JobPanicked>> = (0..200).map(|n| Ok(n * n)).collect();
    assert_eq!(results, expected);
}

// Catches: a worker that holds the queue's lock while it runs the job (`while
// let Ok(job) = receiver.lock().unwrap().recv() { job() }` keeps the guard
// for the whole loop body), so that the pool runs one job at a time; fewer
// workers than asked for. Four jobs meet at a barrier, which only four
// workers running at once can reach together.
// [gallery: pool-lock-held-while-running, pool-one-worker-fewer,
// pool-jobs-on-the-caller]
#[test]
fn the_workers_run_jobs_at_the_same_time() {
    within(DEFAULT_LIMIT, "four jobs meeting at a barrier", || {
        let pool = ThreadPool::new(4);
        let meeting = Arc::new(Barrier::new(4));
        let promises: Vec<_> = (0..4)
            .map(|_| {
                let meeting = Arc::clone(&meeting);
                pool.submit(move || {
                    meeting.wait();
                })
            })
            .collect();
        for promise in promises {
            promise.wait().expect("the job ran");
        }
    });
}

// Catches: a new thread per job (a "pool" that is not one), or jobs run on
// the calling thread.
// [gallery: pool-thread-per-job, pool-jobs-on-the-caller]
#[test]
fn the_jobs_run_on_the_workers_only() {
    let (caller, ids) = within(DEFAULT_LIMIT, "a pool of three", || {
        // The thread that calls `submit` (`within` runs this closure on a
        // thread of its own, not on the test's).
        let caller = thread::current().id();
        let pool = ThreadPool::new(3);
        let promises: Vec<_> = (0..60)
            .map(|_| pool.submit(|| thread::current().id()))
            .collect();
        let ids: BTreeSet<_> = promises
            .into_iter()
            .map(|p| format!("{:?}", p.wait().expect("the job ran")))
            .collect();
        (caller, ids)
    });
    assert!(
        ids.len() <= 3,
        "60 jobs ran on {} threads with 3 workers",
        ids.len()
    );
    assert!(
        !ids.contains(&format!("{caller:?}")),
        "a job ran on the caller's thread"
    );
}

// Catches: `is_ready` true before the job has run, `wait_timeout` that
// returns at once or ignores its limit, or that is not woken when the job
// finishes (it sleeps out its whole limit): the job finishes only once a
// thread is seen asleep in `wait_timeout`.
// [gallery: pool-jobs-on-the-caller, pool-ready-before-the-job,
// pool-wait-timeout-returns-at-once, pool-wait-timeout-ignores-limit,
// pool-wait-timeout-sleeps-its-limit]
#[test]
fn a_promise_is_ready_once_its_job_is_done() {
    within(DEFAULT_LIMIT * 2, "a promise", || {
        let pool = ThreadPool::new(1);
        let (gate_tx, gate_rx) = mpsc::channel::<()>();
        let promise = Arc::new(pool.submit(move || {
            let _ = gate_rx.recv();
            "row inserted"
        }));
        assert!(!promise.is_ready(), "ready before the job could finish");
        let early = {
            let promise = Arc::clone(&promise);
            watch("wait_timeout(60 ms) on a job not done", move || {
                let started = Instant::now();
                (
                    promise.wait_timeout(Duration::from_millis(60)),
                    started.elapsed(),
                )
            })
        };
        // Bounded: a `wait_timeout` that ignores its limit waits for a job
        // that waits for the gate.
        let (done, waited) = early.join_within(QUICK);
        assert!(!done, "wait_timeout says a job that has not run is done");
        assert!(
            waited >= Duration::from_millis(60),
            "wait_timeout gave up after {waited:?}, before its limit of 60ms"
        );
        let waiter = {
            let promise = Arc::clone(&promise);
            watch("wait_timeout on a job not done", move || {
                let started = Instant::now();
                (promise.wait_timeout(DEFAULT_LIMIT), started.elapsed())
            })
        };
        waiter.wait_asleep(QUICK);
        gate_tx.send(()).unwrap();
        let (done, waited) = waiter.join_within(QUICK);
        assert!(done, "the job is done");
        assert!(
            waited < DEFAULT_LIMIT / 2,
            "the finished job woke wait_timeout only after {waited:?}"
        );
        assert!(promise.is_ready());
        let promise = Arc::into_inner(promise).expect("the waiter has let go of the promise");
        assert_eq!(promise.wait(), Ok("row inserted"));
    });
}

// Catches: `wait_timeout` on an already finished promise that takes the
// result out (a later `wait` then has nothing to return), one that gives up
// before looking when its limit is zero, and a deadline of `Instant::now() +
// limit`, which panics for `Duration::MAX` ("no limit"). The pool is dropped
// first, which finishes the job: the promise is finished before any
// `wait_timeout`.
// [gallery: pool-wait-timeout-takes-the-result, pool-wait-timeout-zero-false,
// pool-wait-timeout-deadline-overflows]
#[test]
fn wait_timeout_on_a_finished_promise_leaves_the_result() {
    let result = within(DEFAULT_LIMIT, "a finished promise", || {
        let pool = ThreadPool::new(1);
        let promise = pool.submit(|| "mail sent");
        drop(pool);
        assert!(promise.wait_timeout(Duration::ZERO), "the job is done");
        assert!(promise.is_ready(), "wait_timeout took the result away");
        assert!(promise.wait_timeout(Duration::from_millis(1)));
        assert!(promise.wait_timeout(Duration::MAX));
        assert!(promise.is_ready(), "wait_timeout took the result away");
        promise.wait()
    });
    assert_eq!(result, Ok("mail sent"));
}

// Catches: a `wait` or `wait_timeout` that polls (a loop with a short
// `sleep`, or `yield_now`) instead of sleeping on the slot's condition
// variable: every time, since a thread that polls is never seen asleep (it
// keeps waking up, or never sleeps). Once it is, the job takes 300 ms more,
// which the waiting thread should sleep through: a few wake-ups, next to no
// CPU time. (Wake-ups are counted on Linux only.)
// [gallery: pool-wait-sleep-polls, pool-wait-spins,
// pool-wait-timeout-sleep-polls]
#[test]
fn waiting_for_a_promise_sleeps_instead_of_polling() {
    const HOLD: Duration = Duration::from_millis(300);
    for timed in [false, true] {
        let what = if timed { "wait_timeout" } else { "wait" };
        let (result, wakeups, cpu) = within(DEFAULT_LIMIT * 2, "a waiter for 300 ms", move || {
            let pool = ThreadPool::new(1);
            let (gate_tx, gate_rx) = mpsc::channel::<()>();
            let promise = pool.submit(move || {
                let _ = gate_rx.recv();
                7
            });
            let waiter = watch(what, move || {
                let (wakeups, cpu) = (thread_wakeups(), thread_cpu_time());
                let result = if timed {
                    promise.wait_timeout(DEFAULT_LIMIT);
                    promise.wait()
                } else {
                    promise.wait()
                };
                (
                    result,
                    thread_wakeups()
                        .zip(wakeups)
                        .map(|(after, before)| after - before),
                    thread_cpu_time() - cpu,
                )
            });
            waiter.wait_asleep(QUICK);
            // The time being measured, not a way to order the threads.
            thread::sleep(HOLD);
            gate_tx.send(()).unwrap();
            waiter.join_within(QUICK)
        });
        assert_eq!(result, Ok(7));
        assert!(
            cpu < Duration::from_millis(50),
            "{what} used {cpu:?} of CPU while the job took {HOLD:?}: a busy wait"
        );
        if let Some(wakeups) = wakeups {
            assert!(
                wakeups <= 10,
                "{what} was woken {wakeups} times while the job ran: it polls \
                 instead of waiting on the condition variable"
            );
        }
    }
}

// Catches: a job that wakes one waiter of several (`notify_one`): a promise
// can be waited for from several threads (`wait_timeout` takes `&self`), and
// each must be woken when the result arrives, not at the end of its limit.
// The job finishes only once all four waiters are seen asleep in
// `wait_timeout`, so only a notification can wake each of them.
// [gallery: pool-wait-timeout-sleeps-its-limit,
// pool-submit-notifies-one-waiter]
#[test]
fn every_thread_waiting_on_a_promise_is_woken() {
    const WAITERS: usize = 4;
    within(DEFAULT_LIMIT * 2, "four waiters on one promise", || {
        let pool = ThreadPool::new(1);
        let (gate_tx, gate_rx) = mpsc::channel::<()>();
        let promise = Arc::new(pool.submit(move || {
            let _ = gate_rx.recv();
            "done"
        }));
        let waiters: Vec<_> = (0..WAITERS)
            .map(|n| {
                let promise = Arc::clone(&promise);
                watch(&format!("waiter {n}"), move || {
                    promise.wait_timeout(DEFAULT_LIMIT)
                })
            })
            .collect();
        for waiter in &waiters {
            waiter.wait_asleep(QUICK);
        }
        gate_tx.send(()).unwrap();
        for waiter in waiters {
            // Woken by the result: well before the waiter's own limit.
            assert!(
                waiter.join_within(QUICK),
                "the job is done, but wait_timeout says it is not"
            );
        }
        drop(pool);
    });
}

// Catches: `wait` that returns (or panics) before the job is done, instead of
// sleeping until the job fills the promise. The job runs only once the
// waiting thread is seen asleep in `wait`; one that returns first fails.
// [gallery: pool-wait-returns-early]
#[test]
fn wait_sleeps_until_the_job_is_done() {
    let result = within(DEFAULT_LIMIT, "a promise", || {
        let pool = ThreadPool::new(2);
        let (gate_tx, gate_rx) = mpsc::channel::<()>();
        let promise = pool.submit(move || {
            let _ = gate_rx.recv();
            42
        });
        let waiter = watch("wait for a job not yet run", move || promise.wait());
        waiter.wait_asleep(QUICK);
        gate_tx.send(()).unwrap();
        waiter.join_within(QUICK)
    });
    assert_eq!(result, Ok(42));
}

// Catches: a job's panic that kills the worker and leaves its promise
// unfilled (waiting forever), or that fails other promises.
// [gallery: pool-no-catch-unwind-in-submit, pool-drop-joins-before-closing]
#[test]
fn a_panicking_job_fails_its_own_promise_only() {
    let (bad, good) = within(DEFAULT_LIMIT, "a panicking job", || {
        let pool = ThreadPool::new(2);
        let bad = pool.submit(|| -> u32 { panic!("row {} is malformed", 7) });
        let good = pool.submit(|| 2);
        (bad.wait(), good.wait())
    });
    assert_eq!(
        bad,
        Err(JobPanicked {
            message: "row 7 is malformed".to_string()
        })
    );
    assert_eq!(good, Ok(2));
    assert_eq!(
        bad.unwrap_err().to_string(),
        "the job panicked: row 7 is malformed"
    );
}

// Catches: workers that die on a panicking job (no `catch_unwind` around
// `execute`'s jobs): after five panics in a pool of two, nothing would run
// any more. Both workers must still be there: two jobs meet at a barrier.
// [gallery: pool-lock-held-while-running, pool-worker-dies-on-panic]
#[test]
fn workers_survive_panicking_jobs() {
    let results = within(DEFAULT_LIMIT, "a pool after five panics", || {
        let pool = ThreadPool::new(2);
        for n in 0..5 {
            pool.execute(move || panic!("job {n} failed"));
        }
        let meeting = Arc::new(Barrier::new(2));
        let together: Vec<_> = (0..2)
            .map(|_| {
                let meeting = Arc::clone(&meeting);
                pool.submit(move || {
                    meeting.wait();
                })
            })
            .collect();
        for promise in together {
            promise.wait().expect("both workers are alive");
        }
        let promises: Vec<_> = (0..20).map(|n| pool.submit(move || n + 1)).collect();
        promises.into_iter().map(|p| p.wait()).collect::<Vec<_>>()
    });
    let expected: Vec<Result<i32, JobPanicked>> = (1..=20).map(Ok).collect();
    assert_eq!(results, expected);
}

// Catches: a pool that drops its queued jobs on shutdown (a "stop" flag the
// workers check before each job, or a cleared queue), or whose `drop` returns
// before they have run. The only worker is busy when the pool is dropped,
// with ten jobs still queued behind it; it goes on only once `drop` is seen
// asleep (waiting for it), and the log is read as soon as `drop` returns. A
// `drop` that returns without waiting has returned, and read an empty log,
// before the worker could run anything.
// [gallery: pool-jobs-on-the-caller, pool-drop-does-not-join]
#[test]
fn dropping_the_pool_finishes_the_queued_jobs() {
    let log = within(DEFAULT_LIMIT, "dropping a busy pool", || {
        let pool = ThreadPool::new(1);
        let log = Arc::new(Mutex::new(Vec::new()));
        let (gate_tx, gate_rx) = mpsc::channel::<()>();
        pool.execute(move || {
            let _ = gate_rx.recv();
        });
        for job in 0..10 {
            let log = Arc::clone(&log);
            pool.execute(move || log.lock().unwrap().push(job));
        }
        let dropper = watch("drop a busy pool", move || {
            drop(pool);
            // What had run when `drop` returned.
            log.lock().unwrap().clone()
        });
        // Asleep: `drop` waits for the worker. Finished: it did not wait,
        // and what it left undone shows in the log.
        dropper.asleep_or_finished(QUICK);
        gate_tx.send(()).unwrap();
        dropper.join_within(QUICK)
    });
    assert_eq!(
        log,
        (0..10).collect::<Vec<_>>(),
        "every queued job ran before dropping the pool returned"
    );
}

/// Counts the worker threads that have ended: a job plants a value in its
/// worker's thread-local storage, whose destructor runs when the thread
/// ends, before `join` on it returns.
///
/// It counts only once the scenario's thread is waiting in `drop` (asleep:
/// in a `join`) or has read the count (`read`). So a `drop` that does not
/// join returns, and the count is read, before any worker has ended, every
/// time, not only when the workers happen to be slower than the test.
struct CountsExit {
    ended: Arc<AtomicUsize>,
    seen: Arc<Mutex<DropScenario>>,
    read: Arc<AtomicBool>,
}

impl Drop for CountsExit {
    fn drop(&mut self) {
        let deadline = Instant::now() + DEFAULT_LIMIT;
        while !self.read.load(Ordering::SeqCst) && Instant::now() < deadline {
            let dropping = {
                let seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
                seen.scenario.filter(|_| seen.dropping)
            };
            if dropping.is_some_and(|scenario| scenario.is_asleep()) {
                break;
            }
            thread::sleep(Duration::from_millis(1));
        }
        self.ended.fetch_add(1, Ordering::SeqCst);
    }
}

thread_local! {
    static ON_EXIT: RefCell<Option<CountsExit>> = const { RefCell::new(None) };
}

/// How far `dropping_the_pool_joins_every_worker` got: its verdict on a
/// time-out says which part was still running.
#[derive(Default)]
struct DropScenario {
    /// The worker of each job that has started (the jobs meet at a barrier,
    /// so each runs on a worker of its own).
    workers: Vec<Probe>,
    /// Set once the three promises are fulfilled, just before `drop(pool)`.
    dropping: bool,
    /// The scenario's own thread, which calls `drop(pool)`.
    scenario: Option<Probe>,
}

/// Why the scenario did not finish, as far as the test can tell.
fn why_still_running(seen: &Mutex<DropScenario>, ended: &AtomicUsize) -> String {
    let seen = seen.lock().unwrap_or_else(PoisonError::into_inner);
    let started = seen.workers.len();
    if !seen.dropping && started < 3 {
        return format!(
            "the pool of 3 never ran its 3 jobs at once within {DEFAULT_LIMIT:?}: only {started} started,\n\
             and each waits at a barrier for the other two. Does `new(3)` start 3 workers?\n\
             Or does a worker keep the receiver's lock while it runs its job?\n\
             `while let Ok(job) = receiver.lock().unwrap().recv() {{ .. }}` keeps the guard\n\
             to the end of the body: no other worker can take a job meanwhile. Take the job\n\
             in a `let` of its own, whose guard is dropped at the `;`."
        );
    }
    if !seen.dropping {
        return format!(
            "the 3 jobs ran, but a promise's `wait` did not return within {DEFAULT_LIMIT:?}:\n\
             is the result stored, and the waiter woken, when a job ends?"
        );
    }
    let alive = 3 - ended.load(Ordering::SeqCst).min(3);
    let asleep = seen
        .workers
        .iter()
        .filter(|worker| worker.is_asleep())
        .count();
    let mut why = format!(
        "the 3 jobs ran, then dropping the pool did not return within {DEFAULT_LIMIT:?}:\n\
         {alive} of its 3 workers are still alive"
    );
    if asleep >= alive {
        why.push_str(
            ", asleep in the kernel: waiting for a job, most likely.\n\
             Their `recv` fails only once the `Sender` is gone: does `drop` drop it\n\
             (`drop(self.sender.take())`) before it joins the workers?",
        );
    } else {
        why.push_str(&format!(
            ", {} of them awake and busy with no job to run.\n\
             Does a worker's loop end when `recv` fails (the queue closed)?",
            alive - asleep
        ));
    }
    why
}

// Catches: a `drop` that closes the queue but does not join the workers,
// which then end whenever they get round to it, maybe after the program has
// moved on (or exited in the middle of a job): every time, since a worker's
// end is counted only once `drop` waits (see `CountsExit`); on a time-out, the verdict
// says which part was still running: the jobs (a worker that keeps the
// queue's lock while it runs a job lets no other take one), or the `drop`
// (workers asleep on an open queue, or spinning on a closed one).
// [gallery: pool-lock-held-while-running, pool-drop-does-not-join,
// pool-drop-joins-before-closing, pool-worker-spins-on-a-closed-queue]
#[test]
fn dropping_the_pool_joins_every_worker() {
    let ended = Arc::new(AtomicUsize::new(0));
    let read = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Mutex::new(DropScenario::default()));
    let scenario = {
        let (ended, seen, read) = (Arc::clone(&ended), Arc::clone(&seen), Arc::clone(&read));
        move || {
            seen.lock().unwrap().scenario = Some(Probe::current());
            let pool = ThreadPool::new(3);
            // Three jobs that meet at a barrier run on three different workers.
            let meeting = Arc::new(Barrier::new(3));
            let promises: Vec<_> = (0..3)
                .map(|_| {
                    let (meeting, ended) = (Arc::clone(&meeting), Arc::clone(&ended));
                    let (seen, read) = (Arc::clone(&seen), Arc::clone(&read));
                    pool.submit(move || {
                        seen.lock().unwrap().workers.push(Probe::current());
                        let exit = CountsExit { ended, seen, read };
                        ON_EXIT.with(|slot| *slot.borrow_mut() = Some(exit));
                        meeting.wait();
                    })
                })
                .collect();
            for promise in promises {
                promise.wait().expect("the job ran");
            }
            let before = ended.load(Ordering::SeqCst);
            seen.lock().unwrap().dropping = true;
            drop(pool);
            let after = ended.load(Ordering::SeqCst);
            read.store(true, Ordering::SeqCst);
            (before, after)
        }
    };
    let (ended_before, ended_after) =
        within_or(DEFAULT_LIMIT, "dropping a pool of three", scenario, || {
            why_still_running(&seen, &ended)
        });
    assert_eq!(ended_before, 0, "no worker ends while the pool lives");
    assert_eq!(
        ended_after, 3,
        "every worker has ended when dropping the pool returns"
    );
}

// Catches: a `drop` that joins workers still waiting on an open queue (it
// waits forever); a pool of 0 workers that never runs a job.
// [gallery: pool-drop-joins-before-closing, pool-zero-workers-none]
#[test]
fn an_idle_pool_drops_and_zero_workers_counts_as_one() {
    within(DEFAULT_LIMIT, "dropping an idle pool", || {
        drop(ThreadPool::new(4));
    });
    let result = within(DEFAULT_LIMIT, "a pool of 0", || {
        let pool = ThreadPool::new(0);
        pool.submit(|| "ran").wait()
    });
    assert_eq!(result, Ok("ran"));
}
