//! Exercise 5: stages joined by bounded channels, and a dead-letter list.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};

use queues::pipeline::{DeadLetter, Pipeline};
use testkit::within;

use crate::QUICK;

/// A row of the course's example: inserted by one stage, mailed by another.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Row {
    id: u32,
    inserted: bool,
    mailed: bool,
}

fn row(id: u32) -> Row {
    Row {
        id,
        inserted: false,
        mailed: false,
    }
}

// Catches: pipeline-worker-stops-when-input-empty (a stage worker that
// stops as soon as its input is empty for a moment, not when it is closed
// and drained: a thousand items through channels of capacity 2 are always
// in flight somewhere), pipeline-stages-reversed, pipeline-feeds-then-collects
// (the calling thread feeds every item before it collects any: with
// bounded channels, everybody waits for everybody).
#[test]
fn every_item_goes_through_every_stage() {
    let report = within(QUICK, "the pipeline", || {
        Pipeline::new(2)
            .stage("insert", 3, |mut r: Row| {
                r.inserted = true;
                Ok(r)
            })
            .stage("mail", 2, |mut r: Row| {
                assert!(r.inserted, "mailed before it was inserted");
                r.mailed = true;
                Ok(r)
            })
            .run((0..1000).map(row).collect())
    });
    assert!(report.dead_letters.is_empty());
    let mut done = report.done;
    done.sort();
    let expected: Vec<Row> = (0..1000)
        .map(|id| Row {
            id,
            inserted: true,
            mailed: true,
        })
        .collect();
    assert_eq!(done.len(), 1000, "items lost or duplicated");
    assert!(done == expected, "items lost, duplicated or not processed");
}

// Catches: pipeline-failure-stops-worker (a failing item stops its worker:
// ten failures stop both workers of the stage, and the rest is lost).
#[test]
fn a_failing_item_goes_to_the_dead_letters_and_the_rest_go_on() {
    let report = within(QUICK, "the pipeline", || {
        Pipeline::new(4)
            .stage("insert", 2, |mut r: Row| {
                r.inserted = true;
                Ok(r)
            })
            .stage("mail", 2, |mut r: Row| {
                if r.id % 10 == 3 {
                    return Err(format!("no address for row {}", r.id));
                }
                r.mailed = true;
                Ok(r)
            })
            .run((0..100).map(row).collect())
    });
    let mut dead = report.dead_letters;
    dead.sort_by_key(|d| d.item.id);
    let expected: Vec<DeadLetter<Row>> = (0..100)
        .filter(|id| id % 10 == 3)
        .map(|id| DeadLetter {
            stage: "mail".to_string(),
            item: Row {
                id,
                inserted: true,
                mailed: false,
            },
            error: format!("no address for row {id}"),
        })
        .collect();
    assert_eq!(dead, expected);
    let mut ids: Vec<u32> = report.done.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    assert_eq!(ids, (0..100).filter(|id| id % 10 != 3).collect::<Vec<_>>());
    assert!(report.done.iter().all(|r| r.inserted && r.mailed));
}

// Catches: pipeline-one-worker-per-stage (a stage that ignores its number
// of workers and runs one). Its first three items each wait at a barrier
// for three.
#[test]
fn each_stage_runs_its_own_number_of_workers() {
    let barrier = Arc::new(Barrier::new(3));
    let first_three = Arc::new(AtomicUsize::new(0));
    let report = within(QUICK, "the pipeline", move || {
        Pipeline::new(1)
            .stage("fetch", 1, Ok)
            .stage("resize", 3, move |n: u32| {
                if first_three.fetch_add(1, Ordering::SeqCst) < 3 {
                    barrier.wait();
                }
                Ok(n * 2)
            })
            .run((0..9).collect())
    });
    let mut done = report.done;
    done.sort_unstable();
    assert_eq!(done, [0, 2, 4, 6, 8, 10, 12, 14, 16]);
}

// Catches: pipeline-zero-workers (a stage of 0 workers taken at its word:
// nobody takes its items, and `run` waits forever).
#[test]
fn a_stage_of_zero_workers_runs_one() {
    let report = within(QUICK, "a pipeline with a stage of 0 workers", || {
        Pipeline::new(0)
            .stage("check", 0, |n: u32| Ok(n + 1))
            .run((0..20).collect())
    });
    let mut done = report.done;
    done.sort_unstable();
    assert_eq!(done, (1..=20).collect::<Vec<_>>());
}

#[test]
fn a_pipeline_without_stages_passes_items_through_and_empty_input_ends() {
    let report = within(QUICK, "the pipeline", || {
        Pipeline::<u8>::new(1).run(vec![1, 2, 3])
    });
    let mut done = report.done;
    done.sort_unstable();
    assert_eq!(done, [1, 2, 3]);
    let empty = within(QUICK, "the pipeline", || {
        Pipeline::new(1)
            .stage("double", 2, |n: u8| Ok(n * 2))
            .run(vec![])
    });
    assert!(empty.done.is_empty() && empty.dead_letters.is_empty());
}
