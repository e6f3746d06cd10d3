//! Exercise 1: two cooks, the pasta and the sauce: spawn, join, and a panic.

use std::any::Any;
use std::fmt::Debug;
use std::panic;
use std::sync::{Arc, Barrier, Once};
use std::thread;

use testkit::{DEFAULT_LIMIT, within};
use threads::spawn_join::{NOT_TEXT, TaskPanicked, join_both, join_both_scoped, panic_message};

fn panicked(task: &str, message: &str) -> TaskPanicked {
    TaskPanicked {
        task: task.to_string(),
        message: message.to_string(),
    }
}

/// The panics the tests below cause on purpose, in the tasks they give.
const ON_PURPOSE: [&str; 4] = [
    "the sauce burnt",
    "boiled over after 12 min",
    "no water",
    "no tomatoes",
];

/// Prints the panics of `ON_PURPOSE` as a plain note instead of the usual
/// `thread 'sauce' panicked at …` block, which a verdict would otherwise
/// quote as the test's failure, in place of the assertion that failed.
/// Every other panic goes to the hook that was there before.
fn quiet_panics_on_purpose() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let text = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
            match text {
                Some(text) if ON_PURPOSE.contains(&text) => {
                    let task = thread::current().name().unwrap_or("<unnamed>").to_string();
                    eprintln!(
                        "(on purpose: task {task:?} panicked with {text:?}; `join_both` \
                         must return that as an Err(TaskPanicked), not let the panic through)"
                    );
                }
                _ => previous(info),
            }
        }));
    });
}

/// Asserts that `got` is the error of a task that panicked with `message`,
/// and says which was compared with what when it is not.
#[track_caller]
fn assert_panicked<T: Debug>(got: &Result<T, TaskPanicked>, task: &str, message: &str) {
    let expected = panicked(task, message);
    if matches!(got, Err(error) if *error == expected) {
        return;
    }
    let hint = match got {
        Err(error) if error.message == NOT_TEXT => {
            "\n`panic_message` found no text in the payload: was it given the Box \
             (`&payload`) rather than the value inside it (`&*payload`)?"
        }
        _ => "",
    };
    panic!(
        "task {task:?} panicked with {message:?}, so its result should be\n  \
         Err({expected:?})\nbut it is\n  {got:?}{hint}"
    );
}

// Catches: only `&str` payloads understood, so every panic with arguments
// (`panic!("{n} minutes")`, a `String`) loses its message. The payloads are
// built as `panic!` builds them (a test that panicked here to make them would
// show that panic before the stub's `todo!`).
// [gallery: spawn-join-panic-message-str-only]
#[test]
fn panic_message_reads_str_and_string_payloads() {
    let literal: Box<dyn Any + Send> = Box::new("boiled over");
    assert_eq!(panic_message(&*literal), "boiled over");
    let formatted: Box<dyn Any + Send> = Box::new(format!("boiled over after {} min", 12));
    assert_eq!(panic_message(&*formatted), "boiled over after 12 min");
    let other: Box<dyn Any + Send> = Box::new(42_u8);
    assert_eq!(panic_message(&*other), NOT_TEXT);
}

#[test]
fn both_results_come_back() {
    let (pasta, sauce) = within(DEFAULT_LIMIT, "join_both", || {
        join_both("pasta", || "al dente".to_string(), "sauce", || 42)
    });
    assert_eq!(pasta, Ok("al dente".to_string()));
    assert_eq!(sauce, Ok(42));
}

// Catches: `spawn(a).join()` before `spawn(b)`: the cooks never meet at the
// barrier, which needs both of them at once, and the test times out instead
// of hanging. (The second task run on the calling thread while the first
// runs on its own meets the first here: `each_thread_is_named_after_its_task`
// catches that one.)
// [gallery: spawn-join-one-after-the-other]
#[test]
fn both_tasks_run_at_the_same_time() {
    let (pasta, sauce) = within(DEFAULT_LIMIT, "join_both with a barrier", || {
        let stove = Arc::new(Barrier::new(2));
        let other = Arc::clone(&stove);
        join_both(
            "pasta",
            move || {
                stove.wait();
                "pasta"
            },
            "sauce",
            move || {
                other.wait();
                "sauce"
            },
        )
    });
    assert_eq!((pasta, sauce), (Ok("pasta"), Ok("sauce")));
}

// Catches: `join().unwrap()` or `resume_unwind`, which turn the sauce's
// panic into the caller's and throw the pasta away; an error that does not
// say which task panicked, or loses its message (`panic_message(&payload)`
// on the box instead of `&*payload`: the failure says which message was
// expected and which came back).
// [gallery: spawn-join-panic-message-str-only,
// spawn-join-unwrap-loses-the-other, spawn-join-resume-unwind,
// spawn-join-error-without-task, spawn-join-message-of-the-box]
#[test]
fn a_panicking_task_is_an_error_naming_it_and_the_other_result_is_kept() {
    quiet_panics_on_purpose();
    let (pasta, sauce) = within(DEFAULT_LIMIT, "join_both", || {
        join_both(
            "pasta",
            || "al dente",
            "sauce",
            || -> u32 { panic!("the sauce burnt") },
        )
    });
    assert_eq!(pasta, Ok("al dente"));
    assert_panicked(&sauce, "sauce", "the sauce burnt");

    let (pasta, sauce) = within(DEFAULT_LIMIT, "join_both", || {
        join_both(
            "pasta",
            || -> u32 {
                // A value known only at run time: with a literal `12`, the
                // compiler builds the whole message at compile time, and the
                // payload is a `&str`, not the `String` this is about.
                let minutes = std::hint::black_box(12);
                panic!("boiled over after {minutes} min")
            },
            "sauce",
            || "thick",
        )
    });
    assert_panicked(&pasta, "pasta", "boiled over after 12 min");
    assert_eq!(sauce, Ok("thick"));
}

// Catches: the same mistakes when both tasks panic: the first panic
// re-raised (`unwrap`, `resume_unwind`) so the second error is never seen,
// or errors that do not name their own task and message.
// [gallery: spawn-join-unwrap-loses-the-other, spawn-join-resume-unwind,
// spawn-join-error-without-task, spawn-join-message-of-the-box]
#[test]
fn two_panics_are_two_errors() {
    quiet_panics_on_purpose();
    let (pasta, sauce) = within(DEFAULT_LIMIT, "join_both", || {
        join_both(
            "pasta",
            || -> u32 { panic!("no water") },
            "sauce",
            || -> u32 { panic!("no tomatoes") },
        )
    });
    assert_panicked(&pasta, "pasta", "no water");
    assert_panicked(&sauce, "sauce", "no tomatoes");
    assert_eq!(
        sauce.unwrap_err().to_string(),
        "task sauce panicked: no tomatoes"
    );
}

// Catches: unnamed threads (`thread::spawn`), so that a panic says `thread
// '<unnamed>' panicked` and `top -H` shows no names.
// [gallery: spawn-join-b-on-the-caller, spawn-join-unnamed-threads]
#[test]
fn each_thread_is_named_after_its_task() {
    let name = || thread::current().name().map(str::to_string);
    let (pasta, sauce) = within(DEFAULT_LIMIT, "join_both", move || {
        join_both("pasta", name, "sauce", name)
    });
    assert_eq!(pasta, Ok(Some("pasta".to_string())));
    assert_eq!(sauce, Ok(Some("sauce".to_string())));
}

// The scoped version: the cooks borrow the recipe and each writes into a
// pot of the caller's, which only scoped threads allow.
#[test]
fn scoped_tasks_borrow_from_the_caller() {
    within(DEFAULT_LIMIT, "join_both_scoped", || {
        let recipe = ["salt".to_string(), "basil".to_string()];
        let mut pasta_pot = Vec::new();
        let mut sauce_pan = Vec::new();
        let (pasta, sauce) = join_both_scoped(
            "pasta",
            || {
                pasta_pot.push(format!("pasta with {}", recipe[0]));
                pasta_pot.len()
            },
            "sauce",
            || {
                sauce_pan.push(format!("sauce with {}", recipe[1]));
                recipe.len()
            },
        );
        assert_eq!((pasta, sauce), (Ok(1), Ok(2)));
        assert_eq!(pasta_pot, ["pasta with salt"]);
        assert_eq!(sauce_pan, ["sauce with basil"]);
    });
}

// Catches: the scoped tasks run one after the other (or one on the calling
// thread); they meet at a borrowed barrier.
// [gallery: spawn-join-scoped-one-after-the-other]
#[test]
fn scoped_tasks_run_at_the_same_time() {
    let (pasta, sauce) = within(DEFAULT_LIMIT, "join_both_scoped with a barrier", || {
        let stove = Barrier::new(2);
        join_both_scoped(
            "pasta",
            || {
                stove.wait();
                "pasta"
            },
            "sauce",
            || {
                stove.wait();
                "sauce"
            },
        )
    });
    assert_eq!((pasta, sauce), (Ok("pasta"), Ok("sauce")));
}

// Catches: a scoped thread left unjoined (the scope then panics with "a
// scoped thread panicked" and both results are lost), or `join().unwrap()`;
// unnamed scoped threads.
// [gallery: spawn-join-scoped-left-to-the-scope, spawn-join-scoped-unnamed]
#[test]
fn a_panicking_scoped_task_is_an_error_naming_it_and_the_other_result_is_kept() {
    quiet_panics_on_purpose();
    let (pasta, sauce) = within(DEFAULT_LIMIT, "join_both_scoped", || {
        let name = || thread::current().name().map(str::to_string);
        join_both_scoped("pasta", name, "sauce", || -> u32 {
            panic!("the sauce burnt")
        })
    });
    assert_eq!(pasta, Ok(Some("pasta".to_string())));
    assert_panicked(&sauce, "sauce", "the sauce burnt");
}
