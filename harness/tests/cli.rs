//! The `kata` CLI against a small course of its own (tests/fixtures/course):
//! a passing exercise, a failing one, one that hangs, and a lesson that does
//! not compile. Each test works on a fresh copy of the fixture in a temporary
//! folder, so tests run in parallel and leave nothing behind.

mod common;

use std::fs;
use std::time::Duration;

use common::{Fixture, kata_with, stdout_of};
use predicates::prelude::*;
use predicates::str::contains;

#[test]
fn list_shows_every_exercise_as_not_started() {
    let fx = Fixture::new();
    insta::assert_snapshot!(stdout_of(&mut fx.kata(), 0));
}

#[test]
fn a_stub_fails_with_its_todo_message_and_exit_1() {
    let fx = Fixture::new();
    insta::assert_snapshot!(stdout_of(fx.kata().args(["check", "alpha/fail"]), 1));
}

#[test]
fn the_reference_solution_passes() {
    let fx = Fixture::new();
    fx.kata()
        .args(["check", "alpha", "--solution"])
        .assert()
        .success()
        .stdout(contains("alpha (reference solution): 5/5 tests pass"));
}

#[test]
fn a_passing_exercise_is_recorded_as_done() {
    let fx = Fixture::new();
    fx.kata().args(["check", "alpha/pass"]).assert().success();
    let json = stdout_of(fx.kata().args(["list", "--json"]), 0);
    let listing: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(listing["done"], 1);
    assert_eq!(listing["total"], 5);
    assert_eq!(listing["next"], "alpha/fail");
    assert_eq!(listing["lessons"][0]["exercises"][0]["state"], "done");
    assert_eq!(
        listing["lessons"][0]["exercises"][1]["state"],
        "not_started"
    );
}

#[test]
fn a_hanging_test_is_killed_with_everything_it_started() {
    let fx = Fixture::new();
    // The hanging stub starts `sleep <this>` before it loops: a marker to look for.
    let marker = format!("4000.{}", testkit::unique_marker());
    let started = std::time::Instant::now();
    fx.kata()
        .args(["check", "alpha/hang", "--timeout", "3"])
        .env("FIXTURE_SLEEP", &marker)
        .timeout(Duration::from_secs(300))
        .assert()
        .code(1)
        .stdout(contains("timed out after 3 s while running hang::answers"))
        .stdout(contains("hang::answers (did not finish)"));
    assert!(started.elapsed() < Duration::from_secs(300));
    assert!(
        !testkit::process_running(&format!("sleep {marker}")),
        "the child of the hanging test is still running"
    );
}

#[test]
fn a_lesson_that_does_not_compile_says_so() {
    let fx = Fixture::new();
    fx.kata()
        .args(["check", "broken"])
        .assert()
        .code(1)
        .stdout(contains("broken does not compile"))
        .stdout(contains("lessons/broken/src/oops.rs"))
        .stdout(contains("Fix the first error"));
}

#[test]
fn an_unknown_lesson_is_a_usage_error_with_a_suggestion() {
    let fx = Fixture::new();
    fx.kata()
        .args(["check", "alpah"])
        .assert()
        .code(2)
        .stderr(contains("unknown lesson `alpah`; did you mean `alpha`?"))
        .stderr(contains("valid: alpha, broken"));
    fx.kata()
        .args(["hint", "alpha/fial"])
        .assert()
        .code(2)
        .stderr(contains("did you mean `fail`?"));
}

#[test]
fn hints_come_one_more_at_each_call() {
    let fx = Fixture::new();
    fx.kata()
        .args(["hint", "alpha/fail"])
        .assert()
        .success()
        .stdout(contains("Hint 1 of 2: Multiply by two."))
        .stdout(contains("Hint 2").not());
    fx.kata()
        .args(["hint", "alpha/fail"])
        .assert()
        .success()
        .stdout(contains("Hint 2 of 2: `x * 2`."))
        .stdout(contains("That was the last hint"));
    fx.kata()
        .args(["hint", "alpha"])
        .assert()
        .code(2)
        .stderr(contains("hints are per exercise"));
}

#[test]
fn diff_shows_the_learner_file_against_the_solution() {
    let fx = Fixture::new();
    insta::assert_snapshot!(stdout_of(fx.kata().args(["diff", "alpha"]), 0));
}

#[test]
fn a_corrupt_progress_file_is_set_aside_and_rebuilt() {
    let fx = Fixture::new();
    let dir = fx.root.join(".kata");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("progress.json"), "{ this is not json").unwrap();
    fx.kata()
        .assert()
        .success()
        .stderr(contains("could not be used"))
        .stdout(contains("Progress: 0/5 exercises done"));
    let kept: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("progress.json.bad-"))
        .collect();
    assert_eq!(kept.len(), 1, "the corrupt file is kept, not deleted");
    // And checking again records progress in a fresh file.
    fx.kata().args(["check", "alpha/pass"]).assert().success();
    fx.kata()
        .assert()
        .success()
        .stdout(contains("Progress: 1/5"));
}

#[test]
fn progress_survives_a_lesson_being_removed() {
    let fx = Fixture::new();
    fx.kata().args(["check", "alpha/pass"]).assert().success();
    let manifest = fx.root.join("Cargo.toml");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(
        &manifest,
        text.replace(r#"lessons = ["alpha", "broken"]"#, r#"lessons = ["alpha"]"#),
    )
    .unwrap();
    fx.kata()
        .assert()
        .success()
        .stdout(contains("Progress: 1/4 exercises done"));
}

#[test]
fn edited_tests_do_not_count() {
    let fx = Fixture::new();
    let test = fx.root.join("lessons/alpha/tests/alpha/pass.rs");
    fs::write(&test, "#[test]\nfn adds() {}\n").unwrap();
    fx.kata()
        .args(["check", "alpha/pass"])
        .assert()
        .success()
        .stdout(contains("differ from the course's (tests/alpha/pass.rs)"));
    fx.kata()
        .assert()
        .success()
        .stdout(contains("Progress: 0/5 exercises done"));
}

#[test]
fn reset_restores_the_stub_from_git_and_keeps_a_backup() {
    let fx = Fixture::new();
    let file = fx.root.join("lessons/alpha/src/fail.rs");
    let stub = fs::read_to_string(&file).unwrap();

    let mine = "pub fn double(x: i32) -> i32 { x + x }\n";
    fs::write(&file, mine).unwrap();
    // Not a git checkout: say so, change nothing.
    fx.kata()
        .args(["reset", "alpha/fail", "--yes"])
        .assert()
        .code(1)
        .stderr(contains("not in this folder's git history"));
    assert_eq!(fs::read_to_string(&file).unwrap(), mine);

    // A checkout where the learner even committed their work: the stub is
    // still in the history, found by its blob id.
    fs::write(&file, &stub).unwrap();
    fx.git_commit_all();
    fs::write(&file, mine).unwrap();
    fx.git_commit_all();
    // Without a terminal to ask on, --yes is required.
    fx.kata()
        .args(["reset", "alpha/fail"])
        .assert()
        .code(2)
        .stderr(contains("--yes"));
    fx.kata()
        .args(["reset", "alpha/fail", "--yes"])
        .assert()
        .success()
        .stdout(contains("reset lessons/alpha/src/fail.rs"));
    assert_eq!(fs::read_to_string(&file).unwrap(), stub);
    let backups = fs::read_dir(fx.root.join(".kata/backup")).unwrap().count();
    assert_eq!(backups, 1, "the learner's version is kept");
    fx.kata()
        .args(["reset", "--all", "--yes"])
        .assert()
        .success()
        .stdout(contains("nothing to reset"));
}

#[test]
fn verify_reports_every_breach_in_a_table() {
    let fx = Fixture::new();
    let mut verify = fx.kata();
    verify
        .args(["verify", "--timeout", "5"])
        .env("FIXTURE_SLEEP", "5");
    insta::assert_snapshot!(stdout_of(&mut verify, 1));
}

#[test]
fn help_documents_the_exit_codes() {
    kata_with(None)
        .arg("--help")
        .assert()
        .success()
        .stdout(contains("Exit codes:"))
        .stdout(contains("2  usage error"));
}

#[test]
fn watch_checks_again_on_save_and_ctrl_c_leaves_nothing_behind() {
    let fx = Fixture::new();
    let mut watch = fx.spawn_kata(&["watch", "alpha/pass", "--timeout", "20"]);
    watch.expect_line("alpha/pass: 1/1 tests pass", Duration::from_secs(240));
    // A save that breaks the exercise, then one that mends it.
    let file = fx.root.join("lessons/alpha/src/pass.rs");
    let original = fs::read_to_string(&file).unwrap();
    fs::write(&file, original.replace("a + b", "a - b")).unwrap();
    watch.expect_line("alpha/pass: 0/1 tests pass", Duration::from_secs(240));
    fs::write(&file, original.replace("a + b", "b + a")).unwrap();
    watch.expect_line("alpha/pass: 1/1 tests pass", Duration::from_secs(240));
    let status = watch.interrupt(Duration::from_secs(30));
    assert_eq!(status.code(), Some(130));
}

#[test]
fn a_test_that_aborts_the_binary_is_reported() {
    let fx = Fixture::new();
    fx.kata()
        .args(["check", "alpha/crash"])
        .assert()
        .code(1)
        .stdout(contains(
            "the test binary was killed by signal 6 (SIGABRT) while running crash::sevens",
        ))
        .stdout(contains("crash::sevens (did not finish)"));
}

#[test]
fn ctrl_c_during_a_hanging_check_kills_everything_it_started() {
    let fx = Fixture::new();
    let marker = format!("5000.{}", testkit::unique_marker());
    let watch = fx.spawn_kata_with_env(
        &["watch", "alpha/hang", "--timeout", "600"],
        &[("FIXTURE_SLEEP", marker.as_str())],
    );
    // The hanging test has started once its child is there.
    let needle = format!("sleep {marker}");
    testkit::wait_for(Duration::from_secs(300), "the hanging test's child", || {
        testkit::process_running(&needle)
    });
    let status = watch.interrupt(Duration::from_secs(30));
    assert_eq!(status.code(), Some(130));
    assert!(
        !testkit::process_running(&needle),
        "Ctrl-C left the hanging test's child running"
    );
}
