//! Lesson `queues`: the reference `BoundedQueue` and `WorkQueue` against
//! std's `sync_channel` and `crossbeam-channel`, moving the same items from
//! one or four producer threads to one consumer, in the same run.
//!
//! `cargo bench -p benchmarks --bench queues`; the figures and how to read
//! them are in `benches/results/queues.md` (quoted by the book).

mod common;

use std::hint::black_box;
use std::sync::Arc;
use std::thread;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use queues::bounded::BoundedQueue;
use queues::work_queue::WorkQueue;

/// Items moved per measured run, split evenly between the producers.
const ITEMS: u64 = 20_000;
/// The capacity of every bounded queue or channel.
const CAPACITY: usize = 64;

/// Starts `producers` threads that each call `send` for their share of
/// `ITEMS`, receives every item on this thread with `recv`, and returns the
/// sum (so nothing is optimised away).
fn transfer<S, R>(producers: u64, send: S, mut recv: R) -> u64
where
    S: Fn(u64) + Send + Sync + Clone + 'static,
    R: FnMut() -> u64,
{
    let per_producer = ITEMS / producers;
    let handles: Vec<_> = (0..producers)
        .map(|p| {
            let send = send.clone();
            thread::spawn(move || {
                for i in 0..per_producer {
                    send(p * per_producer + i);
                }
            })
        })
        .collect();
    let mut sum = 0;
    for _ in 0..per_producer * producers {
        sum += recv();
    }
    for handle in handles {
        handle.join().expect("a producer does not panic");
    }
    sum
}

fn queues(c: &mut Criterion) {
    let mut group = c.benchmark_group("queues");
    group.throughput(Throughput::Elements(ITEMS));

    for producers in [1u64, 4] {
        group.bench_function(BenchmarkId::new("BoundedQueue", producers), |b| {
            b.iter(|| {
                let queue = Arc::new(BoundedQueue::new(CAPACITY));
                let tx = Arc::clone(&queue);
                black_box(transfer(producers, move |i| tx.push(i), || queue.pop()))
            })
        });
        group.bench_function(BenchmarkId::new("WorkQueue (unbounded)", producers), |b| {
            b.iter(|| {
                let queue = Arc::new(WorkQueue::new());
                let tx = Arc::clone(&queue);
                black_box(transfer(
                    producers,
                    move |i| tx.put(i).expect("the queue is open"),
                    || queue.get().expect("the queue is open"),
                ))
            })
        });
        group.bench_function(BenchmarkId::new("std sync_channel", producers), |b| {
            b.iter(|| {
                let (tx, rx) = std::sync::mpsc::sync_channel(CAPACITY);
                black_box(transfer(
                    producers,
                    move |i| tx.send(i).expect("the receiver lives"),
                    || rx.recv().expect("a sender lives"),
                ))
            })
        });
        group.bench_function(BenchmarkId::new("crossbeam bounded", producers), |b| {
            b.iter(|| {
                let (tx, rx) = crossbeam_channel::bounded(CAPACITY);
                black_box(transfer(
                    producers,
                    move |i| tx.send(i).expect("the receiver lives"),
                    || rx.recv().expect("a sender lives"),
                ))
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = queues
}
criterion_main!(benches);
