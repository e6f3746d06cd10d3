//! A model check of the reference `Semaphore` with loom: each test runs its
//! closure under every interleaving of its threads that loom can reach with
//! at most `PREEMPTIONS` preemptions, on loom's `Mutex`, `Condvar` and
//! atomics (the solution swaps them in under `cfg(loom)`). A lost wake-up
//! shows as a deadlock, a stolen permit taken anyway as a failed assertion.
//!
//! Not one of the lesson's tests (those are `tests/threads/`), and never
//! built without `--cfg loom`. The maintainers' command, in ARCHITECTURE.md:
//!
//! ```sh
//! RUSTFLAGS="--cfg loom" cargo test -p threads --features threads/solution --release --test loom
//! ```
//!
//! `LOOM_MAX_PREEMPTIONS=N` in the environment explores further (slower).
#![cfg(loom)]

use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;
use std::time::Duration;
use threads::semaphore::Semaphore;

/// Enough for the bugs this semaphore could have (a wake-up stolen by a
/// newcomer needs one preemption of the woken thread), small enough to run
/// in seconds.
const PREEMPTIONS: usize = 3;

fn model<F>(f: F)
where
    F: Fn() + Sync + Send + 'static,
{
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(PREEMPTIONS);
    }
    builder.check(f);
}

/// Takes a permit, checks that at most `permits` are held, gives it back.
fn hold(sem: &Semaphore, holders: &AtomicUsize, permits: usize) {
    let _permit = sem.acquire();
    let now = holders.fetch_add(1, Ordering::SeqCst) + 1;
    assert!(now <= permits, "{now} holders of {permits} permits");
    holders.fetch_sub(1, Ordering::SeqCst);
}

// Three threads, one permit: a waiter woken by a release must check the
// count again, because the third thread may have taken the permit first.
#[test]
fn one_permit_three_threads() {
    model(|| {
        let sem = Arc::new(Semaphore::new(1));
        let holders = Arc::new(AtomicUsize::new(0));
        let others: Vec<_> = (0..2)
            .map(|_| {
                let (sem, holders) = (Arc::clone(&sem), Arc::clone(&holders));
                thread::spawn(move || hold(&sem, &holders, 1))
            })
            .collect();
        hold(&sem, &holders, 1);
        for other in others {
            other.join().unwrap();
        }
        assert_eq!(sem.available(), 1);
    });
}

#[test]
fn two_permits_three_threads() {
    model(|| {
        let sem = Arc::new(Semaphore::new(2));
        let holders = Arc::new(AtomicUsize::new(0));
        let others: Vec<_> = (0..2)
            .map(|_| {
                let (sem, holders) = (Arc::clone(&sem), Arc::clone(&holders));
                thread::spawn(move || hold(&sem, &holders, 2))
            })
            .collect();
        hold(&sem, &holders, 2);
        for other in others {
            other.join().unwrap();
        }
        assert_eq!(sem.available(), 2);
    });
}

// `try_acquire` against a holder: it may fail, but never hands out a
// permit that is held, and the count ends where it started.
#[test]
fn try_acquire_against_a_holder() {
    model(|| {
        let sem = Arc::new(Semaphore::new(1));
        let holders = Arc::new(AtomicUsize::new(0));
        let other = {
            let (sem, holders) = (Arc::clone(&sem), Arc::clone(&holders));
            thread::spawn(move || hold(&sem, &holders, 1))
        };
        if let Some(_permit) = sem.try_acquire() {
            assert_eq!(holders.fetch_add(1, Ordering::SeqCst), 0);
            holders.fetch_sub(1, Ordering::SeqCst);
        }
        other.join().unwrap();
        assert_eq!(sem.available(), 1);
    });
}

// A timed acquire is woken by a release. (Loom does not model time: its
// `wait_timeout` never times out, so a missed notification is a deadlock,
// which loom reports.)
#[test]
fn a_timed_acquire_is_woken_by_a_release() {
    model(|| {
        let sem = Arc::new(Semaphore::new(1));
        let holders = Arc::new(AtomicUsize::new(0));
        let other = {
            let (sem, holders) = (Arc::clone(&sem), Arc::clone(&holders));
            thread::spawn(move || hold(&sem, &holders, 1))
        };
        let permit = sem.acquire_timeout(Duration::from_secs(60));
        assert!(permit.is_ok(), "no time-out under loom");
        assert_eq!(holders.fetch_add(1, Ordering::SeqCst), 0);
        holders.fetch_sub(1, Ordering::SeqCst);
        drop(permit);
        other.join().unwrap();
        assert_eq!(sem.available(), 1);
    });
}

// A timed acquire whose wake-up is stolen: the holder's release wakes it,
// but the third thread may take the permit first. The timed waiter must
// then wait again for the time that is left, not give up. Under loom no
// wait times out, so giving up is an `Err` here, which fails the assertion
// (an `if` instead of a `while` around `wait_timeout` does that).
#[test]
fn a_timed_acquire_that_loses_its_wakeup_waits_on() {
    model(|| {
        let sem = Arc::new(Semaphore::new(1));
        let holders = Arc::new(AtomicUsize::new(0));
        let others: Vec<_> = (0..2)
            .map(|_| {
                let (sem, holders) = (Arc::clone(&sem), Arc::clone(&holders));
                thread::spawn(move || hold(&sem, &holders, 1))
            })
            .collect();
        let permit = sem.acquire_timeout(Duration::from_secs(3600));
        assert!(
            permit.is_ok(),
            "acquire_timeout gave up, but no wait times out under loom"
        );
        assert_eq!(holders.fetch_add(1, Ordering::SeqCst), 0);
        holders.fetch_sub(1, Ordering::SeqCst);
        drop(permit);
        for other in others {
            other.join().unwrap();
        }
        assert_eq!(sem.available(), 1);
    });
}

// `acquire_timeout` with a permit free, against a holder: whatever the
// interleaving, it never hands out a held permit, and every permit comes
// back.
#[test]
fn a_timed_acquire_and_a_try_acquire_against_a_holder() {
    model(|| {
        let sem = Arc::new(Semaphore::new(2));
        let holders = Arc::new(AtomicUsize::new(0));
        let other = {
            let (sem, holders) = (Arc::clone(&sem), Arc::clone(&holders));
            thread::spawn(move || hold(&sem, &holders, 2))
        };
        let timed = sem.acquire_timeout(Duration::from_secs(3600));
        assert!(timed.is_ok(), "no time-out under loom");
        assert!(holders.fetch_add(1, Ordering::SeqCst) < 2);
        if let Some(_permit) = sem.try_acquire() {
            assert!(
                holders.fetch_add(1, Ordering::SeqCst) < 2,
                "three holders of two permits"
            );
            holders.fetch_sub(1, Ordering::SeqCst);
        }
        holders.fetch_sub(1, Ordering::SeqCst);
        drop(timed);
        other.join().unwrap();
        assert_eq!(sem.available(), 2);
    });
}
