//! `kata check` on code that does not compile: the first error is shown
//! whole, with every line of rustc's suggested code; a suggestion to change a
//! signature gets kata's note that the given signatures are the contract.

mod common;

use std::fs;

use common::{Fixture, stdout_of};

/// Replaces the fixture's `fail` exercise with `code`.
fn learner_writes(fixture: &Fixture, code: &str) {
    fs::write(fixture.root.join("lessons/alpha/src/fail.rs"), code).unwrap();
}

#[test]
fn a_multi_line_suggestion_is_shown_whole() {
    let fixture = Fixture::new();
    learner_writes(
        &fixture,
        r#"use std::sync::mpsc;
use std::thread;

/// Doubles `x`, on other threads for no good reason.
pub fn double(x: i32) -> i32 {
    let (tx, rx) = mpsc::channel();
    for part in [x, x] {
        thread::spawn(move || {
            tx.send(part).unwrap();
        });
    }
    rx.iter().take(2).sum()
}
"#,
    );
    let out = stdout_of(fixture.kata().args(["check", "alpha/fail"]), 1);
    assert!(out.contains("does not compile"), "{out}");
    assert!(out.contains("error[E0382]"), "{out}");
    // Every line of the suggestion, the last ones included: they are the
    // ones that say where the clone is used.
    assert!(out.contains("let value = tx.clone();"), "{out}");
    assert!(out.contains("value.send(part).unwrap();"), "{out}");
    assert!(!out.contains("more lines)"), "{out}");
    assert!(!out.contains("note from kata"), "{out}");
}

#[test]
fn a_suggested_signature_change_gets_a_note() {
    let fixture = Fixture::new();
    learner_writes(
        &fixture,
        r#"/// Doubles `x`.
pub fn double(x: i32) -> i32 {
    twice(x).0 + twice(x).1
}

fn twice<T>(x: T) -> (T, T) {
    (x.clone(), x)
}
"#,
    );
    let out = stdout_of(fixture.kata().args(["check", "alpha/fail"]), 1);
    assert!(out.contains("T: Clone"), "{out}");
    assert!(
        out.contains("note from kata: the compiler suggests changing a signature"),
        "{out}"
    );
    assert!(out.contains("cargo kata hint alpha/fail"), "{out}");
}

#[test]
fn later_errors_are_shortened_and_counted() {
    let fixture = Fixture::new();
    learner_writes(
        &fixture,
        r#"/// Doubles `x`.
pub fn double(x: i32) -> i32 {
    let a: i32 = "one";
    let b: i32 = "two";
    let c: i32 = "three";
    x * 2 + a + b + c
}
"#,
    );
    let out = stdout_of(fixture.kata().args(["check", "alpha/fail"]), 1);
    assert!(out.contains("\"one\""), "{out}");
    assert!(
        out.contains("2 more error(s), shortened; all of them in full: cargo test -p alpha --test alpha --no-run"),
        "{out}"
    );
}
