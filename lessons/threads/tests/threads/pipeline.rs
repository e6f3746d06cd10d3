//! Exercise 6: two pools in a row: insert the row, then send the mail.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, mpsc};
use std::thread;

use testkit::{DEFAULT_LIMIT, within};
use threads::pipeline::{PipelineError, run};

/// Every value a stage has seen, shared with the test.
type Seen<T> = Arc<Mutex<Vec<T>>>;

fn seen<T>() -> Seen<T> {
    Arc::new(Mutex::new(Vec::new()))
}

fn sorted<T: Clone + Ord>(seen: &Seen<T>) -> Vec<T> {
    let mut all = seen.lock().unwrap().clone();
    all.sort();
    all
}

// Wrong solutions caught: results in the order the mails went out; a
// `run` that returns before the second pool is drained.
#[test]
fn every_row_goes_through_both_stages_in_input_order() {
    let mailed = seen::<u32>();
    let results = within(DEFAULT_LIMIT, "the pipeline", {
        let mailed = Arc::clone(&mailed);
        move || {
            run(
                (0..50).collect(),
                3,
                |user: u32| Ok(format!("row {user}")),
                2,
                move |row: String| {
                    let user: u32 = row["row ".len()..].parse().unwrap();
                    mailed.lock().unwrap().push(user);
                    Ok(format!("mail for {row}"))
                },
            )
        }
    });
    let expected: Vec<Result<String, PipelineError>> =
        (0..50).map(|u| Ok(format!("mail for row {u}"))).collect();
    assert_eq!(results, expected);
    assert_eq!(
        sorted(&mailed),
        (0..50).collect::<Vec<_>>(),
        "every mail was sent when run returned"
    );
}

// Catches: a mail sent for a row that was never inserted; an insert's failure
// (an error or a panic) lost, or reported as stage two's.
// [gallery: pipeline-insert-error-as-stage-two,
// pipeline-insert-panic-as-stage-two]
#[test]
fn a_failed_insert_skips_the_mail_and_is_reported() {
    let mailed = seen::<u32>();
    let results = within(DEFAULT_LIMIT, "the pipeline", {
        let mailed = Arc::clone(&mailed);
        move || {
            run(
                (0..8).collect(),
                2,
                |user: u32| match user {
                    3 => Err("duplicate key for user 3".to_string()),
                    5 => panic!("the database went away"),
                    _ => Ok(user),
                },
                2,
                move |user: u32| {
                    mailed.lock().unwrap().push(user);
                    Ok(user * 100)
                },
            )
        }
    });
    assert_eq!(
        results[3],
        Err(PipelineError::First("duplicate key for user 3".to_string()))
    );
    assert_eq!(
        results[5],
        Err(PipelineError::First(
            "panicked: the database went away".to_string()
        ))
    );
    for user in [0, 1, 2, 4, 6, 7] {
        assert_eq!(results[user as usize], Ok(user * 100), "user {user}");
    }
    assert_eq!(results.len(), 8);
    assert_eq!(
        sorted(&mailed),
        [0, 1, 2, 4, 6, 7],
        "no mail for a row that was not inserted"
    );
    assert_eq!(
        results[3].as_ref().unwrap_err().to_string(),
        "stage one failed: duplicate key for user 3"
    );
}

// Catches: a failed mail reported as a failed insert, or lost; a mail's panic
// taking the pipeline down.
// [gallery: pipeline-mail-error-as-stage-one, pipeline-mail-panic-unwrapped]
#[test]
fn a_failed_mail_is_reported_as_stage_two() {
    let results = within(DEFAULT_LIMIT, "the pipeline", || {
        run(
            vec!["ann", "bob", "cy"],
            1,
            |name: &str| Ok(name.to_string()),
            1,
            |name: String| match name.as_str() {
                "bob" => Err("mailbox full".to_string()),
                "cy" => panic!("the mail server hung up"),
                _ => Ok(format!("welcome, {name}")),
            },
        )
    });
    assert_eq!(
        results,
        vec![
            Ok("welcome, ann".to_string()),
            Err(PipelineError::Second("mailbox full".to_string())),
            Err(PipelineError::Second(
                "panicked: the mail server hung up".to_string()
            )),
        ]
    );
    assert_eq!(
        results[1].as_ref().unwrap_err().to_string(),
        "stage two failed: mailbox full"
    );
}

// Catches: stage two started only after all of stage one, or forwarded row by
// row in input order from the calling thread: either way one slow insert
// holds back the mail of every row after it. Here the insert of row 0 waits
// until the mail of row 1 has gone out.
// [gallery: pipeline-mail-forwarded-by-the-caller,
// pipeline-results-in-completion-order]
#[test]
fn each_mail_goes_out_as_soon_as_its_row_is_in() {
    let results = within(DEFAULT_LIMIT * 2, "the pipeline", || {
        let (mailed_tx, mailed_rx) = mpsc::channel::<u32>();
        let mailed_tx = Mutex::new(mailed_tx);
        let mailed_rx = Mutex::new(mailed_rx);
        run(
            vec![0_u32, 1],
            2,
            move |row: u32| {
                if row == 0 {
                    // A slow insert: done only once row 1's mail is out.
                    let rx = mailed_rx.lock().unwrap();
                    if rx.recv_timeout(DEFAULT_LIMIT) != Ok(1) {
                        return Err("row 1's mail waited for row 0's insert".to_string());
                    }
                }
                Ok(row)
            },
            1,
            move |row: u32| {
                let _ = mailed_tx.lock().unwrap().send(row);
                Ok(row)
            },
        )
    });
    assert_eq!(results, vec![Ok(0), Ok(1)]);
}

// Catches: stage two run inline by the stage-one job (no second pool), one
// pool for both stages, or a thread per job: each stage runs on its own
// workers, as many as it was given.
// [gallery: pipeline-stage-two-inline, pipeline-one-pool-for-both]
#[test]
fn each_stage_runs_on_its_own_workers() {
    let first_threads = seen::<String>();
    let second_threads = seen::<String>();
    let results = within(DEFAULT_LIMIT, "the pipeline", {
        let (first, second) = (Arc::clone(&first_threads), Arc::clone(&second_threads));
        move || {
            run(
                (0..60).collect(),
                3,
                move |n: u32| {
                    first
                        .lock()
                        .unwrap()
                        .push(format!("{:?}", thread::current().id()));
                    Ok(n)
                },
                2,
                move |n: u32| {
                    second
                        .lock()
                        .unwrap()
                        .push(format!("{:?}", thread::current().id()));
                    Ok(n)
                },
            )
        }
    });
    assert_eq!(results, (0..60).map(Ok).collect::<Vec<_>>());
    let first: BTreeSet<String> = sorted(&first_threads).into_iter().collect();
    let second: BTreeSet<String> = sorted(&second_threads).into_iter().collect();
    assert!(
        first.len() <= 3,
        "stage one ran on {} threads, not 3",
        first.len()
    );
    assert!(
        second.len() <= 2,
        "stage two ran on {} threads, not 2",
        second.len()
    );
    assert!(
        first.is_disjoint(&second),
        "a thread ran both stages: the stages share their workers"
    );
}

#[test]
fn no_items_no_results() {
    let results = within(DEFAULT_LIMIT, "the pipeline", || {
        run(Vec::<u8>::new(), 2, |x: u8| Ok(x), 2, |x: u8| Ok(x))
    });
    assert_eq!(results, vec![]);
}
