//! Exercise 3: a bounded queue: back pressure.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use queues::bounded::{BoundedQueue, Full};
use testkit::asleep::watch;
use testkit::{DEFAULT_LIMIT, within};

use crate::{QUICK, WOKEN, assert_each_producer_in_order, counts, join_while_moving};

// Catches: bounded-lifo, bounded-try-pop-waits (a `try_pop` that waits on
// an empty queue instead of saying `None`).
#[test]
fn items_come_out_first_in_first_out() {
    let out = within(WOKEN, "push and pop", move || {
        let queue = BoundedQueue::new(3);
        assert_eq!(queue.capacity(), 3);
        let mut out = Vec::new();
        for seq in 0..3 {
            queue.push(seq);
        }
        out.push(queue.pop());
        queue.push(3);
        while let Some(item) = queue.try_pop() {
            out.push(item);
        }
        out
    });
    assert_eq!(out, [0, 1, 2, 3]);
}

// Catches: bounded-k-plus-one (a queue that lets the (k+1)th item in),
// bounded-try-push-drops (`Ok` for an item it did not keep).
#[test]
fn try_push_on_a_full_queue_gives_the_item_back() {
    let (refused, len, front, again) = within(DEFAULT_LIMIT, "try_push and try_pop", || {
        let queue = BoundedQueue::new(2);
        assert_eq!(queue.try_push("a".to_string()), Ok(()));
        assert_eq!(queue.try_push("b".to_string()), Ok(()));
        let refused = queue.try_push("c".to_string());
        let len = queue.len();
        let front = queue.try_pop();
        (refused, len, front, queue.try_push("c".to_string()))
    });
    assert_eq!(refused, Err(Full("c".to_string())));
    assert_eq!(len, 2);
    assert_eq!(front.as_deref(), Some("a"));
    assert_eq!(again, Ok(()), "a pop made room");
}

// Catches: bounded-push-timeout-does-not-wait (gives up at once, like
// `try_push`).
#[test]
fn push_timeout_waits_then_gives_the_item_back() {
    let (result, waited) = within(DEFAULT_LIMIT, "push_timeout", move || {
        let queue = BoundedQueue::new(1);
        queue.try_push(1).unwrap();
        let start = Instant::now();
        let result = queue.push_timeout(2, Duration::from_millis(100));
        (result, start.elapsed())
    });
    assert_eq!(result, Err(Full(2)));
    assert!(
        waited >= Duration::from_millis(100),
        "gave up after {waited:?}, before the timeout"
    );
}

// Catches: bounded-push-timeout-sleeps (sleeps its whole timeout, then
// tries once), bounded-pop-does-not-notify (a pop makes room and tells no
// waiting producer). The producer has a minute; it is seen asleep, then a
// pop makes room, and it must take it at once.
#[test]
fn push_timeout_takes_the_room_a_pop_makes_while_it_waits() {
    let queue = Arc::new(BoundedQueue::new(1));
    let filler = Arc::clone(&queue);
    within(DEFAULT_LIMIT, "try_push", move || filler.try_push(1)).unwrap();
    let producer = {
        let queue = Arc::clone(&queue);
        watch("push_timeout(60 s) on a full queue", move || {
            queue.push_timeout(2, Duration::from_secs(60))
        })
    };
    producer.wait_asleep(QUICK);
    let consumer = Arc::clone(&queue);
    assert_eq!(
        within(DEFAULT_LIMIT, "try_pop", move || consumer.try_pop()),
        Some(1)
    );
    assert_eq!(producer.join_within(WOKEN), Ok(()));
    assert_eq!(
        within(DEFAULT_LIMIT, "try_pop", move || queue.try_pop()),
        Some(2)
    );
}

// Catches: bounded-pop-timeout-does-not-wait (gives up at once, like
// `try_pop`).
#[test]
fn pop_timeout_on_an_empty_queue_waits_then_gives_none() {
    let (got, waited) = within(DEFAULT_LIMIT, "pop_timeout", move || {
        let queue: BoundedQueue<u8> = BoundedQueue::new(1);
        let start = Instant::now();
        (
            queue.pop_timeout(Duration::from_millis(100)),
            start.elapsed(),
        )
    });
    assert_eq!(got, None);
    assert!(
        waited >= Duration::from_millis(100),
        "pop_timeout(100 ms) gave up after {waited:?}, before its timeout"
    );
}

// Catches: bounded-pop-timeout-sleeps (sleeps its whole timeout, then
// tries once), bounded-push-does-not-notify (a push tells no waiting
// consumer). The consumer has a minute; it is seen asleep, then an item
// arrives, and it must take it at once.
#[test]
fn pop_timeout_takes_an_item_pushed_while_it_waits() {
    let queue = Arc::new(BoundedQueue::new(2));
    let consumer = {
        let queue = Arc::clone(&queue);
        watch("pop_timeout(60 s) on an empty queue", move || {
            queue.pop_timeout(Duration::from_secs(60))
        })
    };
    consumer.wait_asleep(QUICK);
    within(DEFAULT_LIMIT, "try_push", move || queue.try_push(7)).unwrap();
    assert_eq!(consumer.join_within(WOKEN), Some(7));
}

// Catches: bounded-pop-spins (a `pop` that locks, looks and unlocks in a
// loop instead of sleeping on `not_empty`), bounded-push-does-not-notify.
#[test]
fn pop_on_an_empty_queue_sleeps_until_a_push() {
    let queue = Arc::new(BoundedQueue::new(2));
    let consumer = {
        let queue = Arc::clone(&queue);
        watch("pop on an empty queue", move || queue.pop())
    };
    consumer.wait_asleep(QUICK);
    within(DEFAULT_LIMIT, "push", move || queue.push("job-1"));
    assert_eq!(consumer.join_within(WOKEN), "job-1");
}

// Catches: bounded-push-does-not-wait (no back pressure: the push goes in
// past the capacity), bounded-pop-does-not-notify (the pop makes room and
// the producer sleeps on). The producer is seen asleep in `push` before
// the pop, so neither can pass by luck.
#[test]
fn push_on_a_full_queue_waits_for_a_pop() {
    let queue = Arc::new(BoundedQueue::new(2));
    let filler = Arc::clone(&queue);
    within(DEFAULT_LIMIT, "try_push", move || {
        filler.try_push(0).unwrap();
        filler.try_push(1).unwrap();
    });
    let producer = {
        let queue = Arc::clone(&queue);
        watch("push on a full queue", move || queue.push(2))
    };
    producer.wait_asleep(QUICK);
    let consumer = Arc::clone(&queue);
    let (len, popped) = within(DEFAULT_LIMIT, "len and pop", move || {
        (consumer.len(), consumer.pop())
    });
    assert_eq!(len, 2, "the waiting push must not have gone in");
    assert_eq!(popped, 0);
    producer.join_within(WOKEN);
    let rest = within(DEFAULT_LIMIT, "pop", move || [queue.pop(), queue.pop()]);
    assert_eq!(rest, [1, 2]);
}

// Catches: bounded-one-condvar (pops and pushes wait on the same condition
// variable, with `notify_one`: a pop can wake another consumer instead of
// the waiting producer, and everybody sleeps). That needs an unlucky
// schedule, which no test can force; capacity 1, three threads on each
// side and 1 500 items make it near certain, and `within` turns the
// deadlock into a failure.
#[test]
fn a_capacity_of_one_with_many_threads_does_not_deadlock() {
    let queue = Arc::new(BoundedQueue::new(1));
    let moved = Arc::new(AtomicUsize::new(0));
    let producers: Vec<_> = (0..3)
        .map(|producer| {
            let queue = Arc::clone(&queue);
            thread::spawn(move || {
                for seq in 0..500 {
                    queue.push((producer, seq));
                }
                Vec::new()
            })
        })
        .collect();
    let consumers: Vec<_> = (0..3)
        .map(|_| {
            let queue = Arc::clone(&queue);
            let moved = Arc::clone(&moved);
            thread::spawn(move || {
                (0..500)
                    .map(|_| {
                        let item = queue.pop();
                        moved.fetch_add(1, Ordering::SeqCst);
                        item
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let threads = producers.into_iter().chain(consumers).collect();
    let got = join_while_moving(
        "3 producers and 3 consumers",
        DEFAULT_LIMIT * 3,
        &moved,
        threads,
    );
    assert_eq!(got.concat().len(), 1500);
}

// Catches: bounded-k-plus-one (a queue that grows past its capacity);
// items lost, duplicated or reordered under several producers and
// consumers.
#[test]
fn many_producers_and_consumers_lose_duplicate_and_reorder_nothing() {
    const PRODUCERS: usize = 4;
    const PER_PRODUCER: usize = 2000;
    const CAPACITY: usize = 8;
    let queue = Arc::new(BoundedQueue::new(CAPACITY));
    let moved = Arc::new(AtomicUsize::new(0));
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|producer| {
            let queue = Arc::clone(&queue);
            thread::spawn(move || {
                let mut largest = 0;
                for seq in 0..PER_PRODUCER {
                    queue.push((producer, seq));
                    largest = largest.max(queue.len());
                }
                largest
            })
        })
        .collect();
    let consumers: Vec<_> = (0..4)
        .map(|_| {
            let queue = Arc::clone(&queue);
            let moved = Arc::clone(&moved);
            thread::spawn(move || {
                (0..PRODUCERS * PER_PRODUCER / 4)
                    .map(|_| {
                        let item = queue.pop();
                        moved.fetch_add(1, Ordering::SeqCst);
                        item
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let largest = join_while_moving("4 producers", DEFAULT_LIMIT * 3, &moved, producers);
    let per_consumer = join_while_moving("4 consumers", DEFAULT_LIMIT * 3, &moved, consumers);
    for len in largest {
        assert!(
            len <= CAPACITY,
            "the queue held {len} items, capacity {CAPACITY}"
        );
    }
    for got in &per_consumer {
        assert_each_producer_in_order(got);
    }
    let all = per_consumer.concat();
    let expected: Vec<(usize, usize)> = (0..PRODUCERS)
        .flat_map(|p| (0..PER_PRODUCER).map(move |s| (p, s)))
        .collect();
    assert!(
        counts(&all) == counts(&expected),
        "items lost or duplicated"
    );
}

// Catches: bounded-zero-capacity-accepted (a queue of capacity 0 created
// anyway, on which every push then waits forever).
#[test]
fn a_capacity_of_zero_is_refused_with_a_clear_panic() {
    let refused = std::panic::catch_unwind(|| BoundedQueue::<u8>::new(0))
        .expect_err("BoundedQueue::new(0) returned a queue that can never take an item");
    let message = refused
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| refused.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    assert!(
        message.contains("at least 1"),
        "the panic should say the capacity must be at least 1, it said: {message}"
    );
}
