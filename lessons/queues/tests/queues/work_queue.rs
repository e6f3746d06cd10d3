//! Exercise 2: a blocking work queue with `task_done` and `join`.

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use queues::work_queue::{Closed, NothingPending, WorkQueue};
use testkit::{DEFAULT_LIMIT, within};

use crate::{assert_each_producer_in_order, counts};

// Wrong solution caught: a LIFO (`Vec::pop` instead of `VecDeque::pop_front`).
#[test]
fn items_come_out_first_in_first_out() {
    let queue = WorkQueue::new();
    for seq in 0..5 {
        queue.put(seq).unwrap();
    }
    assert_eq!(queue.len(), 5);
    let out = within(DEFAULT_LIMIT, "get", move || {
        (0..5).map(|_| queue.get()).collect::<Vec<_>>()
    });
    assert_eq!(out, [Some(0), Some(1), Some(2), Some(3), Some(4)]);
}

// Wrong solution caught: `get` that returns `None` on an empty queue
// instead of waiting for the next item.
#[test]
fn get_waits_for_an_item_put_later() {
    let queue = Arc::new(WorkQueue::new());
    let consumer = {
        let queue = Arc::clone(&queue);
        thread::spawn(move || queue.get())
    };
    queue.put("deploy web-1").unwrap();
    let got = within(DEFAULT_LIMIT, "a waiting get", move || consumer.join());
    assert_eq!(
        got.expect("the consumer does not panic"),
        Some("deploy web-1")
    );
}

// Wrong solution caught: a `get` that spins (`loop { lock; check; unlock }`)
// instead of sleeping on a `Condvar`. The consumer measures the CPU time
// its own thread used while it waited half a second for an item: a thread
// asleep uses almost none, a spinning one uses most of that half second.
#[test]
fn a_waiting_get_sleeps_instead_of_spinning() {
    let queue = Arc::new(WorkQueue::new());
    let consumer = {
        let queue = Arc::clone(&queue);
        thread::spawn(move || {
            let before = testkit::thread_cpu_time();
            let item = queue.get();
            (item, testkit::thread_cpu_time() - before)
        })
    };
    // Time passing, not synchronisation: nothing is put for half a second.
    thread::sleep(Duration::from_millis(500));
    queue.put(1).unwrap();
    let (item, cpu) = within(DEFAULT_LIMIT, "a waiting get", move || consumer.join())
        .expect("the consumer does not panic");
    assert_eq!(item, Some(1));
    assert!(
        cpu < Duration::from_millis(100),
        "the waiting consumer used {cpu:?} of CPU in 500 ms: it spins"
    );
}

// Wrong solution caught: `join` that returns when the queue is empty, not
// when every item taken has been marked done.
#[test]
fn join_waits_for_task_done_of_every_item() {
    let queue = WorkQueue::new();
    for job in ["backup", "rotate logs", "renew cert"] {
        queue.put(job).unwrap();
    }
    let queue = within(DEFAULT_LIMIT, "get and task_done", move || {
        for _ in 0..3 {
            queue.get().unwrap();
        }
        queue.task_done().unwrap();
        queue.task_done().unwrap();
        queue
    });
    assert!(queue.is_empty());
    assert_eq!(queue.unfinished(), 1);
    assert!(
        !queue.join_timeout(Duration::from_millis(50)),
        "join returned with one item taken but not done"
    );
    queue.task_done().unwrap();
    assert!(queue.join_timeout(Duration::from_millis(50)));
    within(DEFAULT_LIMIT, "join", move || queue.join());
}

#[test]
fn join_wakes_when_another_thread_finishes_the_work() {
    let queue = Arc::new(WorkQueue::new());
    for seq in 0..20 {
        queue.put(seq).unwrap();
    }
    let worker = {
        let queue = Arc::clone(&queue);
        thread::spawn(move || {
            for _ in 0..20 {
                queue.get().unwrap();
                queue.task_done().unwrap();
            }
        })
    };
    let joiner = Arc::clone(&queue);
    within(DEFAULT_LIMIT, "join", move || joiner.join());
    assert_eq!(queue.unfinished(), 0);
    worker.join().expect("the worker does not panic");
}

// Wrong solution caught: a counter that goes below zero (or wraps) when
// `task_done` is called once too often, as Python's `ValueError` warns.
#[test]
fn task_done_without_a_pending_item_is_an_error() {
    let queue = WorkQueue::new();
    assert_eq!(queue.task_done(), Err(NothingPending));
    queue.put(1).unwrap();
    queue.task_done().unwrap();
    assert_eq!(queue.task_done(), Err(NothingPending));
    assert_eq!(queue.unfinished(), 0);
}

// Wrong solution caught: `close` that drops the items still waiting.
#[test]
fn after_close_consumers_drain_what_is_left_then_get_none() {
    let queue = WorkQueue::new();
    queue.put("a").unwrap();
    queue.put("b").unwrap();
    queue.close();
    assert_eq!(queue.put("c"), Err(Closed("c")));
    let out = within(DEFAULT_LIMIT, "get after close", move || {
        [queue.get(), queue.get(), queue.get(), queue.get()]
    });
    assert_eq!(out, [Some("a"), Some("b"), None, None]);
}

// Wrong solution caught: `close` with `notify_one`: one waiting consumer
// wakes, the others sleep forever.
#[test]
fn close_wakes_every_waiting_consumer() {
    let queue: Arc<WorkQueue<u32>> = Arc::new(WorkQueue::new());
    let consumers: Vec<_> = (0..4)
        .map(|_| {
            let queue = Arc::clone(&queue);
            thread::spawn(move || queue.get())
        })
        .collect();
    queue.close();
    let results = within(DEFAULT_LIMIT, "consumers after close", move || {
        consumers
            .into_iter()
            .map(|c| c.join().expect("a consumer does not panic"))
            .collect::<Vec<_>>()
    });
    assert_eq!(results, [None, None, None, None]);
}

// Wrong solutions caught: items lost or handed out twice when several
// producers and consumers share the queue (a check and a take in two
// separate critical sections).
#[test]
fn many_producers_and_consumers_lose_and_duplicate_nothing() {
    const PRODUCERS: usize = 4;
    const PER_PRODUCER: usize = 2000;
    let queue = Arc::new(WorkQueue::new());
    let consumers: Vec<_> = (0..4)
        .map(|_| {
            let queue = Arc::clone(&queue);
            thread::spawn(move || {
                let mut got = Vec::new();
                while let Some(item) = queue.get() {
                    got.push(item);
                    queue.task_done().unwrap();
                }
                got
            })
        })
        .collect();
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|producer| {
            let queue = Arc::clone(&queue);
            thread::spawn(move || {
                for seq in 0..PER_PRODUCER {
                    queue.put((producer, seq)).unwrap();
                }
            })
        })
        .collect();
    let per_consumer = within(DEFAULT_LIMIT * 3, "producers, join, consumers", move || {
        for producer in producers {
            producer.join().expect("a producer does not panic");
        }
        queue.join();
        queue.close();
        consumers
            .into_iter()
            .map(|c| c.join().expect("a consumer does not panic"))
            .collect::<Vec<_>>()
    });
    for got in &per_consumer {
        assert_each_producer_in_order(got);
    }
    let all: Vec<(usize, usize)> = per_consumer.concat();
    let expected: Vec<(usize, usize)> = (0..PRODUCERS)
        .flat_map(|p| (0..PER_PRODUCER).map(move |s| (p, s)))
        .collect();
    assert_eq!(all.len(), expected.len(), "items lost or duplicated");
    assert!(
        counts(&all) == counts(&expected),
        "items lost or duplicated"
    );
}
