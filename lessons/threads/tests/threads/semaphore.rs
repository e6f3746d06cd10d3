//! Exercise 3: a counting semaphore from a `Mutex` and a `Condvar`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use testkit::asleep::watch;
use testkit::{DEFAULT_LIMIT, thread_cpu_time, thread_wakeups, within};
use threads::semaphore::{Semaphore, TimedOut};

/// How long a waiter may take to fall asleep, or a woken one to return.
const QUICK: Duration = Duration::from_secs(3);

// Catches: a count that does not go down with each permit or back up with
// each drop.
// [gallery: semaphore-drop-forgets-the-permit]
#[test]
fn permits_are_counted_out_and_back() {
    within(DEFAULT_LIMIT, "counting permits", || {
        let sem = Semaphore::new(3);
        assert_eq!(sem.available(), 3);
        let first = sem.acquire();
        assert_eq!(sem.available(), 2);
        let second = sem.try_acquire().expect("a permit is free");
        assert_eq!(sem.available(), 1);
        drop(first);
        assert_eq!(sem.available(), 2);
        drop(second);
        assert_eq!(sem.available(), 3);
    });
}

// Catches: a `try_acquire` that waits (it fails the bounded wait instead of
// hanging the run), or that hands out a permit that is not there (a count
// that goes below zero).
// [gallery: semaphore-try-acquire-waits, semaphore-try-acquire-below-zero]
#[test]
fn try_acquire_fails_when_every_permit_is_taken() {
    within(DEFAULT_LIMIT, "try_acquire with every permit taken", || {
        let sem = Semaphore::new(2);
        let a = sem.try_acquire().expect("first permit");
        let b = sem.try_acquire().expect("second permit");
        assert!(sem.try_acquire().is_none(), "a third permit out of two");
        assert_eq!(sem.available(), 0);
        drop(a);
        let c = sem.try_acquire().expect("a permit was given back");
        assert!(sem.try_acquire().is_none());
        drop((b, c));
        assert_eq!(sem.available(), 2);
        assert!(Semaphore::new(0).try_acquire().is_none());
    });
}

// Catches: `if` instead of `while` around `wait` (a woken waiter goes on
// although a newcomer took the permit that woke it: N + 1 holders, or a count
// below zero), and a check outside the lock (two threads see the last permit
// free and both take it). Eight threads take and give back three permits as
// fast as they can, three thousand times each and for three seconds at least
// (a loaded machine gets as much time for the race to show as an idle one),
// and count how many hold one at once.
// [gallery: semaphore-if-not-while, semaphore-check-outside-the-lock]
#[test]
fn never_more_than_n_holders_under_contention() {
    const PERMITS: usize = 3;
    const THREADS: usize = 8;
    const ROUNDS: usize = 3000;
    const AT_LEAST: Duration = Duration::from_secs(3);
    let (peak, left) = within(DEFAULT_LIMIT * 2, "eight threads contending", || {
        let deadline = Instant::now() + AT_LEAST;
        let sem = Semaphore::new(PERMITS);
        let holders = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let start = Barrier::new(THREADS);
        thread::scope(|scope| {
            for _ in 0..THREADS {
                scope.spawn(|| {
                    start.wait();
                    let mut round = 0;
                    while round < ROUNDS || Instant::now() < deadline {
                        round += 1;
                        if peak.load(Ordering::SeqCst) > PERMITS {
                            break; // seen: no need to go on
                        }
                        let _permit = sem.acquire();
                        let now = holders.fetch_add(1, Ordering::SeqCst) + 1;
                        peak.fetch_max(now, Ordering::SeqCst);
                        // Hold it a moment, so that others pile up waiting.
                        thread::yield_now();
                        holders.fetch_sub(1, Ordering::SeqCst);
                    }
                });
            }
        });
        (peak.into_inner(), sem.available())
    });
    assert!(
        peak <= PERMITS,
        "{peak} threads held a permit at once; there are {PERMITS}"
    );
    assert_eq!(left, PERMITS, "every permit is back at the end");
}

// Catches: a semaphore that admits fewer than N (an off-by-one such as `while
// *free <= 1`). N threads each take a permit and then wait at a barrier for
// one another: they can only all get there if all N permits can be held at
// once.
// [gallery: semaphore-admits-one-fewer]
#[test]
fn n_holders_can_hold_at_once() {
    const PERMITS: usize = 4;
    within(DEFAULT_LIMIT, "four holders at once", || {
        let sem = Semaphore::new(PERMITS);
        let all_holding = Barrier::new(PERMITS + 1);
        let done = Barrier::new(PERMITS + 1);
        thread::scope(|scope| {
            for _ in 0..PERMITS {
                scope.spawn(|| {
                    let _permit = sem.acquire();
                    all_holding.wait();
                    done.wait();
                });
            }
            all_holding.wait();
            assert_eq!(sem.available(), 0);
            assert!(sem.try_acquire().is_none(), "a fifth permit out of four");
            done.wait();
        });
        assert_eq!(sem.available(), PERMITS);
    });
}

// Catches: a permit given back only on the normal path (by hand at the end of
// the work, or a `Drop` that skips the release while `thread::panicking()`),
// so that every panicking holder loses one.
// [gallery: semaphore-drop-forgets-the-permit,
// semaphore-drop-skips-release-on-panic]
#[test]
fn a_panicking_holder_gives_its_permit_back() {
    within(DEFAULT_LIMIT, "holders that panic", || {
        let sem = Semaphore::new(2);
        let sem = &sem;
        thread::scope(|scope| {
            for deploy in ["web-1", "web-2", "web-3"] {
                let holder = scope.spawn(move || {
                    let _permit = sem.acquire();
                    panic!("deploy of {deploy} failed");
                });
                assert!(holder.join().is_err(), "the holder panicked");
            }
        });
        assert_eq!(sem.available(), 2, "every permit is back");
        let both = (sem.try_acquire(), sem.try_acquire());
        assert!(both.0.is_some() && both.1.is_some());
    });
}

// Catches: a permit that is not given back, or whose waiter is not woken,
// when the holder panics while another thread waits for it. The holder
// fails only once the waiter is seen asleep in `acquire`, so only a
// notification can wake it.
// [gallery: semaphore-drop-skips-release-on-panic,
// semaphore-drop-no-notify-on-panic, semaphore-drop-without-notify]
#[test]
fn a_waiter_gets_the_permit_of_a_holder_that_panics() {
    within(DEFAULT_LIMIT, "a waiter behind a panicking holder", || {
        let sem = Arc::new(Semaphore::new(1));
        let (held_tx, held_rx) = mpsc::channel();
        let (fail_tx, fail_rx) = mpsc::channel::<()>();
        let holder = {
            let sem = Arc::clone(&sem);
            thread::spawn(move || {
                let _permit = sem.acquire();
                held_tx.send(()).unwrap();
                // Wait for the test's word, then fail while holding.
                let _ = fail_rx.recv();
                panic!("the holder failed");
            })
        };
        if held_rx.recv().is_err() {
            // The holder ended before it held the permit: show why.
            std::panic::resume_unwind(holder.join().unwrap_err());
        }
        let waiter = {
            let sem = Arc::clone(&sem);
            watch("acquire behind a holder", move || drop(sem.acquire()))
        };
        waiter.wait_asleep(QUICK);
        fail_tx.send(()).unwrap();
        assert!(holder.join().is_err());
        waiter.join_within(QUICK);
        assert_eq!(sem.available(), 1);
    });
}

// Catches: a `Drop` that adds the permit back without `notify_one`: the
// permit is released only once the waiter is seen asleep in `acquire`, so
// only a notification can wake it.
// [gallery: semaphore-admits-one-fewer, semaphore-drop-without-notify]
#[test]
fn a_waiter_is_woken_when_a_permit_is_released() {
    within(DEFAULT_LIMIT, "a waiter and a release", || {
        let sem = Arc::new(Semaphore::new(1));
        let held = sem.acquire();
        let waiter = {
            let sem = Arc::clone(&sem);
            watch("acquire with no permit free", move || drop(sem.acquire()))
        };
        waiter.wait_asleep(QUICK);
        drop(held);
        waiter.join_within(QUICK);
        assert_eq!(sem.available(), 1);
    });
}

// Catches: a busy-waiting `acquire`, a loop around the count with
// `yield_now`, a short `sleep`, or nothing at all: every time, since a thread
// that polls is never seen asleep (it keeps waking up, or never sleeps). Once
// it is, the waiter waits 300 ms more for the permit; it should sleep through
// them: a few wake-ups and next to no CPU time. (Wake-ups are counted on
// Linux only; CPU time on Linux and macOS.)
// [gallery: semaphore-acquire-spins, semaphore-acquire-sleep-polls]
#[test]
fn a_waiting_acquire_sleeps_instead_of_polling() {
    const HOLD: Duration = Duration::from_millis(300);
    let (wakeups, cpu) = within(DEFAULT_LIMIT, "a waiter for 300 ms", || {
        let sem = Arc::new(Semaphore::new(1));
        let held = sem.acquire();
        let waiter = {
            let sem = Arc::clone(&sem);
            watch("acquire with no permit free", move || {
                let (wakeups, cpu) = (thread_wakeups(), thread_cpu_time());
                drop(sem.acquire());
                (
                    thread_wakeups()
                        .zip(wakeups)
                        .map(|(after, before)| after - before),
                    thread_cpu_time() - cpu,
                )
            })
        };
        waiter.wait_asleep(QUICK);
        // Nothing is released while the waiter waits: this sleep is the
        // time being measured, not a way to order the threads.
        thread::sleep(HOLD);
        drop(held);
        waiter.join_within(QUICK)
    });
    assert!(
        cpu < Duration::from_millis(50),
        "the waiter used {cpu:?} of CPU while it waited {HOLD:?}: a busy wait"
    );
    if let Some(wakeups) = wakeups {
        assert!(
            wakeups <= 10,
            "the waiter was woken {wakeups} times while nothing was released: \
             it polls instead of waiting on the condition variable"
        );
    }
}

// Catches: a timed acquire that takes a permit anyway, gives up at once
// instead of waiting, or waits without a limit.
// [gallery: semaphore-timeout-takes-a-permit-anyway,
// semaphore-timeout-gives-up-at-once, semaphore-timeout-waits-without-limit]
#[test]
fn a_timed_out_acquire_returns_an_error_and_takes_nothing() {
    const LIMIT: Duration = Duration::from_millis(150);
    within(DEFAULT_LIMIT, "acquire_timeout", || {
        let sem = Semaphore::new(1);
        let held = sem.acquire();
        let started = Instant::now();
        let result = sem.acquire_timeout(LIMIT).map(drop);
        let waited = started.elapsed();
        assert_eq!(result, Err(TimedOut { limit: LIMIT }));
        assert!(
            waited >= LIMIT,
            "gave up after {waited:?}, before {LIMIT:?}"
        );
        assert_eq!(sem.available(), 0, "a timed-out acquire takes nothing");
        drop(held);
        assert!(sem.acquire_timeout(LIMIT).is_ok(), "a permit is free");
        assert!(sem.acquire_timeout(Duration::ZERO).is_ok());
        assert_eq!(
            TimedOut { limit: LIMIT }.to_string(),
            "no permit became free within 150ms"
        );
    });
}

// Catches: a timed acquire that is never woken by a release (it waits on
// something no `Drop` notifies) and times out, or returns only at its limit,
// although a permit came back long before. The permit is released only once
// the waiter is seen asleep in `acquire_timeout`.
// [gallery: semaphore-admits-one-fewer, semaphore-timeout-sleeps-its-limit]
#[test]
fn a_timed_acquire_gets_a_permit_released_in_time() {
    within(DEFAULT_LIMIT * 2, "acquire_timeout and a release", || {
        let sem = Arc::new(Semaphore::new(1));
        let held = sem.acquire();
        let waiter = {
            let sem = Arc::clone(&sem);
            watch("acquire_timeout with no permit free", move || {
                let started = Instant::now();
                let got = sem.acquire_timeout(DEFAULT_LIMIT).map(drop);
                (got, started.elapsed())
            })
        };
        waiter.wait_asleep(QUICK);
        drop(held);
        let (got, waited) = waiter.join_within(DEFAULT_LIMIT / 2);
        assert_eq!(got, Ok(()));
        assert!(
            waited < DEFAULT_LIMIT / 2,
            "the release woke the waiter only after {waited:?}"
        );
    });
}

// Catches: a timed acquire that gives up after one wake-up that did not get
// it the permit (`if` instead of `while` around `wait_timeout`), long before
// its limit. The test holds the only permit and, once the waiter is seen
// asleep (early in its limit), gives it back and takes it again at once: the
// release wakes the waiter, which then finds the permit gone and must wait
// on until its limit. The waiter may win the race and get the permit (a
// correct outcome; the round is tried again), but a waiter that gives up
// early does so at the release it loses.
// [gallery: semaphore-timeout-gives-up-after-one-wakeup]
#[test]
fn a_timed_acquire_woken_without_a_permit_waits_on_until_its_limit() {
    const LIMIT: Duration = Duration::from_secs(1);
    within(DEFAULT_LIMIT * 3, "acquire_timeout against a thief", || {
        for _round in 0..20 {
            let sem = Arc::new(Semaphore::new(1));
            let mut held = Some(sem.acquire());
            let waiter = {
                let sem = Arc::clone(&sem);
                watch("acquire_timeout against a thief", move || {
                    let started = Instant::now();
                    let got = sem.acquire_timeout(LIMIT).map(drop);
                    (got, started, started.elapsed())
                })
            };
            let mut released = None;
            if waiter.asleep_or_finished(QUICK) {
                released = Some(Instant::now());
                drop(held.take());
                // Taken back at once, before the woken waiter runs (most of
                // the time: the waker is already running). `None`: the
                // waiter won this race and has the permit.
                held = sem.try_acquire();
            }
            let (got, started, waited) = waiter.join_within(LIMIT + QUICK);
            drop(held);
            let early = released.is_some_and(|at| at < started + LIMIT / 2);
            match got {
                // The waiter beat the test to a released permit, or was
                // first seen asleep late: fine, but nothing was shown. Try
                // again.
                Ok(()) => continue,
                Err(_) if !early => continue,
                Err(timed_out) => {
                    assert_eq!(timed_out, TimedOut { limit: LIMIT });
                    assert!(
                        waited >= LIMIT,
                        "acquire_timeout({LIMIT:?}) gave up after {waited:?}: a wake-up \
                         that finds no permit must wait again for the time that is left"
                    );
                    return;
                }
            }
        }
        panic!("in 20 rounds, the waiter always won the permit or was seen asleep too late");
    });
}

// Catches: a timed acquire that polls (a loop around `try_acquire` with a
// short `sleep`, or `yield_now`) instead of sleeping on the condition
// variable: every time, since a thread that polls is never seen asleep.
// [gallery: semaphore-timeout-sleep-polls, semaphore-timeout-spins]
#[test]
fn a_waiting_timed_acquire_sleeps_instead_of_polling() {
    const HOLD: Duration = Duration::from_millis(300);
    let (got, wakeups, cpu) = within(DEFAULT_LIMIT * 2, "a timed waiter for 300 ms", || {
        let sem = Arc::new(Semaphore::new(1));
        let held = sem.acquire();
        let waiter = {
            let sem = Arc::clone(&sem);
            watch("acquire_timeout with no permit free", move || {
                let (wakeups, cpu) = (thread_wakeups(), thread_cpu_time());
                let got = sem.acquire_timeout(DEFAULT_LIMIT).map(drop);
                (
                    got,
                    thread_wakeups()
                        .zip(wakeups)
                        .map(|(after, before)| after - before),
                    thread_cpu_time() - cpu,
                )
            })
        };
        waiter.wait_asleep(QUICK);
        // The time being measured, not a way to order the threads.
        thread::sleep(HOLD);
        drop(held);
        waiter.join_within(QUICK)
    });
    assert_eq!(got, Ok(()), "the permit was released within the limit");
    assert!(
        cpu < Duration::from_millis(50),
        "the timed waiter used {cpu:?} of CPU while it waited {HOLD:?}: a busy wait"
    );
    if let Some(wakeups) = wakeups {
        assert!(
            wakeups <= 10,
            "the timed waiter was woken {wakeups} times while nothing was released: \
             it polls instead of waiting on the condition variable"
        );
    }
}

// Catches: a deadline computed as `Instant::now() + limit`, which panics
// (overflow) for a limit too long to be a point in time: `Duration::MAX`
// means "no limit", like Python's `timeout=None`.
// [gallery: semaphore-timeout-deadline-overflows]
#[test]
fn an_endless_limit_waits_like_acquire() {
    within(DEFAULT_LIMIT, "acquire_timeout(Duration::MAX)", || {
        let sem = Semaphore::new(1);
        let sem = &sem;
        let free = sem.acquire_timeout(Duration::MAX);
        assert!(free.is_ok(), "a permit is free");
        thread::scope(|scope| {
            let (ready_tx, ready_rx) = mpsc::channel();
            let waiter = scope.spawn(move || {
                ready_tx.send(()).unwrap();
                sem.acquire_timeout(Duration::MAX).map(drop)
            });
            ready_rx.recv().unwrap();
            drop(free);
            assert_eq!(waiter.join().expect("no overflow"), Ok(()));
        });
        assert_eq!(sem.available(), 1);
    });
}
