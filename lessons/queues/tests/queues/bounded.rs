//! Exercise 3: a bounded queue: back pressure.

use std::sync::Arc;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use queues::bounded::{BoundedQueue, Full};
use testkit::{DEFAULT_LIMIT, within};

use crate::{assert_each_producer_in_order, counts};

// Wrong solution caught: a LIFO.
#[test]
fn items_come_out_first_in_first_out() {
    let queue = BoundedQueue::new(3);
    assert_eq!(queue.capacity(), 3);
    let out = within(DEFAULT_LIMIT, "push and pop", move || {
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

// Wrong solutions caught: a queue that lets the (k+1)th item in, and a
// `try_push` that drops the item it refuses instead of giving it back.
#[test]
fn try_push_on_a_full_queue_gives_the_item_back() {
    let queue = BoundedQueue::new(2);
    assert_eq!(queue.try_push("a".to_string()), Ok(()));
    assert_eq!(queue.try_push("b".to_string()), Ok(()));
    assert_eq!(queue.try_push("c".to_string()), Err(Full("c".to_string())));
    assert_eq!(queue.len(), 2);
    assert_eq!(queue.try_pop().as_deref(), Some("a"));
    assert_eq!(queue.try_push("c".to_string()), Ok(()));
}

#[test]
fn push_timeout_waits_then_gives_the_item_back() {
    let queue = BoundedQueue::new(1);
    queue.try_push(1).unwrap();
    let (result, waited) = within(DEFAULT_LIMIT, "push_timeout", move || {
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

#[test]
fn pop_timeout_on_an_empty_queue_gives_none() {
    let queue: BoundedQueue<u8> = BoundedQueue::new(1);
    let got = within(DEFAULT_LIMIT, "pop_timeout", move || {
        queue.pop_timeout(Duration::from_millis(50))
    });
    assert_eq!(got, None);
}

// Wrong solution caught: a `push` that does not wait while the queue is
// full (no back pressure). The extra push must not return until a pop
// makes room; the test only waits a moment for a wrong early return, so a
// correct queue can never fail it.
#[test]
fn push_on_a_full_queue_waits_for_a_pop() {
    let queue = Arc::new(BoundedQueue::new(2));
    queue.try_push(0).unwrap();
    queue.try_push(1).unwrap();
    let (pushed_tx, pushed_rx) = mpsc::channel();
    let producer = {
        let queue = Arc::clone(&queue);
        thread::spawn(move || {
            queue.push(2);
            let _ = pushed_tx.send(());
        })
    };
    assert!(
        pushed_rx.recv_timeout(Duration::from_millis(200)).is_err(),
        "push returned while the queue was full"
    );
    assert_eq!(queue.len(), 2);
    let popped = within(DEFAULT_LIMIT, "pop", {
        let queue = Arc::clone(&queue);
        move || queue.pop()
    });
    assert_eq!(popped, 0);
    pushed_rx
        .recv_timeout(DEFAULT_LIMIT)
        .expect("the waiting push never finished after a pop made room");
    producer.join().expect("the producer does not panic");
    let rest = within(DEFAULT_LIMIT, "pop", move || [queue.pop(), queue.pop()]);
    assert_eq!(rest, [1, 2]);
}

// Wrong solution caught: a pop that waits on the same condition variable as
// push, with `notify_one`: a pop can wake another consumer instead of the
// waiting producer, and everybody sleeps. Capacity 1 and more threads than
// items make that likely; `within` turns the deadlock into a failure.
#[test]
fn a_capacity_of_one_with_many_threads_does_not_deadlock() {
    let queue = Arc::new(BoundedQueue::new(1));
    let producers: Vec<_> = (0..3)
        .map(|producer| {
            let queue = Arc::clone(&queue);
            thread::spawn(move || {
                for seq in 0..500 {
                    queue.push((producer, seq));
                }
            })
        })
        .collect();
    let consumers: Vec<_> = (0..3)
        .map(|_| {
            let queue = Arc::clone(&queue);
            thread::spawn(move || (0..500).map(|_| queue.pop()).collect::<Vec<_>>())
        })
        .collect();
    let got = within(
        DEFAULT_LIMIT * 2,
        "3 producers and 3 consumers",
        move || {
            for p in producers {
                p.join().expect("a producer does not panic");
            }
            consumers
                .into_iter()
                .map(|c| c.join().expect("a consumer does not panic"))
                .collect::<Vec<_>>()
        },
    );
    assert_eq!(got.concat().len(), 1500);
}

// Wrong solutions caught: items lost or duplicated under several producers
// and consumers, a queue that grows past its capacity, and a queue that
// reorders one producer's items.
#[test]
fn many_producers_and_consumers_lose_duplicate_and_reorder_nothing() {
    const PRODUCERS: usize = 4;
    const PER_PRODUCER: usize = 2000;
    const CAPACITY: usize = 8;
    let queue = Arc::new(BoundedQueue::new(CAPACITY));
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
            thread::spawn(move || {
                (0..PRODUCERS * PER_PRODUCER / 4)
                    .map(|_| queue.pop())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let (largest, per_consumer) = within(DEFAULT_LIMIT * 3, "producers and consumers", move || {
        let largest: Vec<usize> = producers
            .into_iter()
            .map(|p| p.join().expect("a producer does not panic"))
            .collect();
        let got: Vec<Vec<(usize, usize)>> = consumers
            .into_iter()
            .map(|c| c.join().expect("a consumer does not panic"))
            .collect();
        (largest, got)
    });
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

// Wrong solution caught: a queue of capacity 0 that is created anyway, on
// which every push then waits forever.
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
