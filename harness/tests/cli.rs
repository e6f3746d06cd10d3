//! The `kata` CLI against a small course of its own (tests/fixtures/course):
//! a passing exercise, a failing one, one that hangs, a lesson that does not
//! compile, and a lesson (`wild`) whose code fights the harness: it prints
//! garbage, floods, escapes, forges verdicts and exits mid-run. Each test works on a fresh copy of the fixture in a temporary
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
        .stdout(contains("alpha (reference solution): 7/7 tests pass"));
}

#[test]
fn a_passing_exercise_is_recorded_as_done() {
    let fx = Fixture::new();
    fx.kata().args(["check", "alpha/pass"]).assert().success();
    let json = stdout_of(fx.kata().args(["list", "--json"]), 0);
    let listing: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(listing["done"], 1);
    assert_eq!(listing["total"], 14);
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
        .stdout(contains(
            "timed out after 3 s while running hang::answers (lessons/alpha/tests/alpha/hang.rs:2)",
        ))
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
        .stderr(contains("valid: alpha, broken, wild"));
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
        .stdout(contains("Progress: 0/14 exercises done"));
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
        .stdout(contains("Progress: 1/14"));
}

#[test]
fn progress_survives_a_lesson_being_removed() {
    let fx = Fixture::new();
    fx.kata().args(["check", "alpha/pass"]).assert().success();
    let manifest = fx.root.join("Cargo.toml");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(
        &manifest,
        text.replace(
            r#"lessons = ["alpha", "broken", "wild"]"#,
            r#"lessons = ["alpha", "wild"]"#,
        ),
    )
    .unwrap();
    fx.kata()
        .assert()
        .success()
        .stdout(contains("Progress: 1/13 exercises done"));
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
        .stdout(contains("Progress: 0/14 exercises done"));
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

// Issue 11, case 1: learner code that writes to the raw stdout (a child
// process inheriting it, bytes that are not UTF-8, escape codes, a carriage
// return, a forged `test … ok` line) garbles neither the verdicts nor the
// failure shown, and its escape codes do not reach the terminal.
#[test]
fn output_of_learner_code_cannot_garble_the_verdict() {
    let fx = Fixture::new();
    let out = stdout_of(fx.kata().args(["check", "wild/noisy"]), 1);
    assert!(out.contains("✗ wild/noisy: 1/2 tests pass"), "{out}");
    assert!(out.contains("  ✓ noisy::greets\n"), "{out}");
    assert!(out.contains("  ✗ noisy::counts_letters\n"), "{out}");
    assert!(out.contains("Failure, noisy::counts_letters:"), "{out}");
    assert!(out.contains(r#"cannot count ^[[2J"abc"^Mbroken"#), "{out}");
    assert!(!out.contains("did not run"), "{out}");
    assert!(
        !out.contains(['\x1b', '\r']),
        "control characters reached the terminal: {out:?}"
    );
}

// Issue 11, cases 5 and 7: forged `test … ok` lines and a summary on stdout,
// then `exit(0)` before any test finished: nothing counts, and the verdict
// says why and during which test.
#[test]
fn forged_verdicts_and_an_exit_mid_run_do_not_count() {
    let fx = Fixture::new();
    let out = stdout_of(fx.kata().args(["check", "wild/forge"]), 1);
    assert!(out.contains("✗ wild/forge: 0/2 tests pass"), "{out}");
    assert!(
        out.contains("the test binary exited with code 0 while running forge::answers"),
        "{out}"
    );
    assert!(
        out.contains("(lessons/wild/tests/wild/forge.rs:2)"),
        "{out}"
    );
    let json = stdout_of(fx.kata().args(["list", "--json"]), 0);
    let listing: serde_json::Value = serde_json::from_str(&json).unwrap();
    let forge = &listing["lessons"][2]["exercises"][4];
    assert_eq!(forge["id"], "forge");
    assert_eq!(forge["state"], "failing", "{json}");
    assert_eq!(forge["tests_passed"], 0, "{json}");
}

// Issue 11, case 2: 100 MB on the raw stdout, half of it without a newline,
// and a failure message of 1 MB on one line: the verdict survives, every line
// printed is clipped in width, and kata's memory stays bounded.
#[test]
#[cfg(target_os = "linux")]
fn a_flood_keeps_the_verdict_and_memory_bounded() {
    let fx = Fixture::new();
    let mut kata = fx.spawn_kata(&["check", "wild/flood", "--timeout", "120"]);
    let pid = kata.id();
    let mut peak_kib = 0u64;
    let deadline = std::time::Instant::now() + Duration::from_secs(600);
    let status = loop {
        // VmHWM: the peak resident set so far, read while kata runs.
        if let Ok(status) = fs::read_to_string(format!("/proc/{pid}/status"))
            && let Some(kib) = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak_kib = peak_kib.max(kib);
        }
        if let Some(status) = kata.try_wait() {
            break status;
        }
        assert!(std::time::Instant::now() < deadline, "kata did not finish");
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = kata.drain(Duration::from_secs(10)).join("\n");
    assert_eq!(status.code(), Some(1), "{out}");
    assert!(out.contains("✗ wild/flood: 2/3 tests pass"), "{out}");
    assert!(out.contains("✓ flood::a_answers_after_a_flood"), "{out}");
    assert!(
        out.contains("Failure, flood::b_gives_a_short_message:"),
        "{out}"
    );
    assert!(out.contains("more characters)"), "{out}");
    let widest = out.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(widest <= 300, "a line of {widest} characters was printed");
    assert!(
        peak_kib < 64 * 1024,
        "kata's memory peaked at {peak_kib} KiB during a flood"
    );
}

// Issue 11, case 7: tests listed in course order (the order of the test
// file), the most telling failure (a `todo!`) shown first, the others on
// request.
#[test]
fn verdicts_come_in_course_order_with_the_most_telling_failure() {
    let fx = Fixture::new();
    let out = stdout_of(fx.kata().args(["check", "wild/order"]), 1);
    let at = |needle: &str| {
        out.find(needle)
            .unwrap_or_else(|| panic!("no {needle:?} in:\n{out}"))
    };
    assert!(at("order::zebra_calls_four_times") < at("order::apple_parses"));
    assert!(at("order::apple_parses") < at("order::mango_explains"));
    assert!(at("order::mango_explains") < at("order::kiwi_is_two"));
    assert!(
        out.contains("Most telling failure, order::mango_explains:"),
        "{out}"
    );
    assert!(
        out.contains("2 more failing; `--all-failures` shows every message"),
        "{out}"
    );
    assert!(!out.contains("left: 5"), "{out}");

    let all = stdout_of(fx.kata().args(["check", "wild/order", "--all-failures"]), 1);
    for needle in [
        "Failure 1 of 3, order::zebra_calls_four_times:",
        "left: 5",
        "Failure 2 of 3, order::apple_parses:",
        "left: None",
        "Failure 3 of 3, order::mango_explains:",
        "not yet implemented: explain why calls() makes 4 calls",
    ] {
        assert!(all.contains(needle), "no {needle:?} in:\n{all}");
    }
}

// Issue 11, case 7: a time-out raised by a helper (like testkit's `within`)
// points at the test that called it, not at the helper.
#[test]
fn a_helpers_time_out_points_at_the_test() {
    let fx = Fixture::new();
    fx.kata()
        .args(["check", "wild/slow"])
        .assert()
        .code(1)
        .stdout(contains("did not finish within 300ms"))
        .stdout(contains(
            "at lessons/wild/tests/wild/slow.rs:4 (raised in lessons/wild/tests/wild/main.rs:",
        ));
}

// Issue 11, case 7: `--timeout 0` is a usage error, not a silent 1 s.
#[test]
fn a_zero_time_limit_is_a_usage_error() {
    let fx = Fixture::new();
    fx.kata()
        .args(["check", "alpha/pass", "--timeout", "0"])
        .assert()
        .code(2)
        .stderr(contains("at least 1 second"));
}

// `--repeat N`: a test that fails on one run in three is reported, with the
// run it failed in.
#[test]
fn repeat_reports_a_test_that_failed_in_any_run() {
    let fx = Fixture::new();
    let counter = fx.root.join("counter");
    let out = stdout_of(
        fx.kata()
            .args(["check", "wild/flaky", "--repeat", "3"])
            .env("FIXTURE_COUNTER", &counter),
        1,
    );
    assert!(
        out.contains("✗ wild/flaky: 1/2 tests pass in every one of 3 runs"),
        "{out}"
    );
    assert!(
        out.contains("✗ flaky::rolls_seven (failed in run 2 of 3)"),
        "{out}"
    );
    assert!(
        out.contains("Failure, flaky::rolls_seven (run 2):"),
        "{out}"
    );
    assert!(out.contains("left: 8"), "{out}");
    assert_eq!(fs::read_to_string(&counter).unwrap(), "3", "three runs");
}

// Issue 11, case 4: learner code that starts processes outside the test's
// process group (a group of their own, a new session with `setsid`, a double
// fork through a shell that ignores signals), all holding the test's output
// pipes: none of them outlives the check, and kata does not wait for them.
#[test]
#[cfg(target_os = "linux")]
fn nothing_a_check_starts_outlives_it() {
    let fx = Fixture::new();
    let marker = format!("4000.{}", testkit::unique_marker());
    let needle = format!("sleep {marker}");
    fx.kata()
        .args(["check", "wild/escape"])
        .env("FIXTURE_SLEEP", &marker)
        .assert()
        .success()
        .stdout(contains("wild/escape: 1/1 tests pass"));
    assert!(
        !testkit::process_running(&needle),
        "a process started by the check outlived it"
    );
}

// Issue 11, case 4 and issue 12: no file descriptor of kata's (here fd 9,
// which its parent left open) reaches learner code, and the test binary's
// stdin is an empty pipe (so a child that inherits it can be told from one
// given /dev/null).
#[test]
#[cfg(target_os = "linux")]
fn learner_code_inherits_no_fd_of_kata_and_an_empty_pipe_as_stdin() {
    let fx = Fixture::new();
    // `sh -c 'exec kata … 9</dev/null'`: kata starts with fd 9 open.
    let mut cmd = assert_cmd::Command::new("sh");
    cmd.arg("-c")
        .arg(r#"exec "$0" "$@" 9</dev/null"#)
        .arg(assert_cmd::cargo::cargo_bin!("kata"))
        .arg("--root")
        .arg(&fx.root)
        .args(["check", "wild/fds"])
        .env("NO_COLOR", "1")
        .env("CARGO_TARGET_DIR", common::target_of(&fx.root))
        .env_remove("KATA_STATE_DIR")
        .timeout(Duration::from_secs(600));
    for name in common::LANGUAGE_VARIABLES {
        cmd.env_remove(name);
    }
    cmd.assert()
        .success()
        .stdout(contains("wild/fds: 2/2 tests pass"));
}

// Issue 11, case 3: `watch` rests until a file's content changes: the
// compiler reading the files, kata's own work, or a save of the same text
// does not check again.
#[test]
fn watch_checks_only_when_a_file_really_changes() {
    let fx = Fixture::new();
    let mut watch = fx.spawn_kata(&["watch", "alpha/pass", "--timeout", "20"]);
    watch.expect_line("alpha/pass: 1/1 tests pass", Duration::from_secs(240));
    watch.expect_no_line("tests pass", Duration::from_secs(5));
    // The same text saved again: the file's time changes, its content not.
    let file = fx.root.join("lessons/alpha/src/pass.rs");
    let original = fs::read_to_string(&file).unwrap();
    fs::write(&file, &original).unwrap();
    watch.expect_no_line("tests pass", Duration::from_secs(3));
    fs::write(&file, original.replace("a + b", "a - b")).unwrap();
    watch.expect_line("alpha/pass: 0/1 tests pass", Duration::from_secs(240));
    watch.expect_no_line("tests pass", Duration::from_secs(3));
    let status = watch.interrupt(Duration::from_secs(30));
    assert_eq!(status.code(), Some(130));
}

// Issue 11, case 3: where the file system sends no events, `--poll` looks
// at the files instead; --help says so.
#[test]
fn watch_polls_when_asked() {
    let fx = Fixture::new();
    let mut watch = fx.spawn_kata(&["watch", "alpha/pass", "--poll", "--timeout", "20"]);
    watch.expect_line("alpha/pass: 1/1 tests pass", Duration::from_secs(240));
    watch.expect_line("for changes every 1 s", Duration::from_secs(10));
    let file = fx.root.join("lessons/alpha/src/pass.rs");
    let original = fs::read_to_string(&file).unwrap();
    fs::write(&file, original.replace("a + b", "a - b")).unwrap();
    watch.expect_line("alpha/pass: 0/1 tests pass", Duration::from_secs(240));
    watch.expect_no_line("tests pass", Duration::from_secs(3));
    let status = watch.interrupt(Duration::from_secs(30));
    assert_eq!(status.code(), Some(130));
    fx.kata()
        .args(["watch", "--help"])
        .assert()
        .success()
        .stdout(contains("--poll"))
        .stdout(contains("network and container mounts"));
}

// Issue 11, case 5: the seal covers every file that decides what is tested.
// `default = ["solution"]` in the lesson's Cargo.toml makes the stub pass,
// but that is not done, neither then nor after Cargo.toml is restored.
#[test]
fn a_changed_manifest_never_makes_an_exercise_done() {
    let fx = Fixture::new();
    let manifest = fx.root.join("lessons/alpha/Cargo.toml");
    let original = fs::read_to_string(&manifest).unwrap();
    fs::write(
        &manifest,
        original.replace("[features]\n", "[features]\ndefault = [\"solution\"]\n"),
    )
    .unwrap();
    fx.kata()
        .args(["check", "alpha/fail"])
        .assert()
        .success()
        .stdout(contains("alpha/fail: 2/2 tests pass"))
        .stdout(contains("differ from the course's (Cargo.toml)"));
    let state = |fx: &Fixture| {
        let json = stdout_of(fx.kata().args(["list", "--json"]), 0);
        let listing: serde_json::Value = serde_json::from_str(&json).unwrap();
        listing["lessons"][0]["exercises"][1]["state"].clone()
    };
    assert_ne!(state(&fx), "done");
    fs::write(&manifest, &original).unwrap();
    assert_ne!(state(&fx), "done", "done once Cargo.toml was restored");
    // The crate root decides too.
    let lib = fx.root.join("lessons/alpha/src/lib.rs");
    let text = fs::read_to_string(&lib).unwrap();
    fs::write(&lib, text.replace("feature = \"solution\"", "all()")).unwrap();
    fx.kata()
        .args(["check", "alpha/fail"])
        .assert()
        .success()
        .stdout(contains("differ from the course's (src/lib.rs)"));
    fs::write(&lib, &text).unwrap();
    assert_ne!(state(&fx), "done", "done once lib.rs was restored");
}

// Issue 11, case 6: five checks at once in one course keep all five records
// (progress is written under a lock and merged).
#[test]
fn checks_at_the_same_time_keep_every_record() {
    let fx = Fixture::new();
    // Build once, so that the five runs end close together.
    fx.kata().args(["check", "wild"]).assert().code(1);
    fs::remove_dir_all(fx.root.join(".kata")).unwrap();
    let targets = [
        "alpha/pass",
        "alpha/fail",
        "wild/order",
        "wild/noisy",
        "wild/flaky",
    ];
    std::thread::scope(|scope| {
        for target in targets {
            let fx = &fx;
            scope.spawn(move || {
                fx.kata()
                    .args(["check", target])
                    .output()
                    .expect("kata runs");
            });
        }
    });
    let text = fs::read_to_string(fx.root.join(".kata/progress.json")).unwrap();
    let progress: serde_json::Value = serde_json::from_str(&text).unwrap();
    for target in targets {
        assert!(
            progress["exercises"][target]["last_check"].is_object(),
            "no record of {target}:\n{text}"
        );
    }
}

// Issue 11, case 6: progress.json that is not text, or a folder in its
// place, is set aside with a message, never lost, and blocks neither `check`
// nor `hint`.
#[test]
fn unreadable_progress_is_set_aside_and_blocks_nothing() {
    for (what, make) in [
        (
            "it is not text",
            (|p: &std::path::Path| fs::write(p, b"\xff\xfe{")) as fn(&_) -> _,
        ),
        ("it is a folder", |p: &std::path::Path| {
            fs::create_dir_all(p.join("inside"))
        }),
    ] {
        let fx = Fixture::new();
        let dir = fx.root.join(".kata");
        fs::create_dir_all(&dir).unwrap();
        make(&dir.join("progress.json")).unwrap();
        fx.kata()
            .args(["hint", "alpha/fail"])
            .assert()
            .success()
            .stdout(contains(format!("could not be used: {what}")))
            .stdout(contains("Hint 1 of 2: Multiply by two."));
        let kept: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().contains("progress.json.bad-"))
            .collect();
        assert_eq!(kept.len(), 1, "{what}: the unreadable state is kept");
        if kept[0].is_dir() {
            assert!(kept[0].join("inside").is_dir());
        } else {
            assert_eq!(fs::read(&kept[0]).unwrap(), b"\xff\xfe{");
        }
        fx.kata()
            .args(["check", "alpha/pass"])
            .assert()
            .success()
            .stdout(contains("could not be used").not())
            .stderr(contains("error").not());
        fx.kata()
            .assert()
            .success()
            .stdout(contains("Progress: 1/14"));
    }
}

/// A learner's `alpha/words`: `lines` done, `words` wrong, and a variable
/// left unused on the way (`extra` more unused ones after it).
fn half_done_words(fx: &Fixture, extra: usize) {
    let unused: String = (0..extra)
        .map(|i| format!("    let spare{i} = {i};\n"))
        .collect();
    fs::write(
        fx.root.join("lessons/alpha/src/words.rs"),
        format!(
            "/// The number of lines of `text`.\n\
             pub fn lines(text: &str) -> usize {{\n    text.lines().count()\n}}\n\n\
             /// The number of words of `text`.\n\
             pub fn words(text: &str) -> usize {{\n    let lines = lines(text);\n{unused}    \
             text.split(' ').count()\n}}\n"
        ),
    )
    .unwrap();
}

// Issue 16: the compiler's warnings in the learner's files come after the
// test verdict, apart from it and shortened; a check with nothing changed
// (cargo replays them from its cache) shows the same; never for --solution.
#[test]
fn warnings_in_the_learners_code_come_after_the_verdict() {
    let fx = Fixture::new();
    half_done_words(&fx, 0);
    let out = stdout_of(fx.kata().args(["check", "alpha/words"]), 1);
    insta::assert_snapshot!(out);
    let at = |needle: &str| {
        out.find(needle)
            .unwrap_or_else(|| panic!("no {needle:?} in:\n{out}"))
    };
    assert!(at("Failure, words::counts_words") < at("warnings in your code"));
    assert!(at("warnings in your code") < at("warning: unused variable: `lines`"));
    let again = stdout_of(fx.kata().args(["check", "alpha/words"]), 1);
    assert_eq!(again, out, "a check with nothing changed");
    fx.kata()
        .args(["check", "alpha/words", "--solution"])
        .assert()
        .success()
        .stdout(contains("warning").not());
    // Many warnings: a few, and how many more.
    half_done_words(&fx, 4);
    let many = stdout_of(fx.kata().args(["check", "alpha/words"]), 1);
    assert_eq!(
        many.matches("warning: unused variable").count(),
        3,
        "{many}"
    );
    assert!(
        many.contains(
            "2 more warning(s); all of them in full: cargo test -p alpha --test alpha --no-run"
        ),
        "{many}"
    );
}

// Issue 16: after a check, the next hint is the one aimed at the first
// failing test, not the next in file order; it says what it is about and
// where the exercise's page of the book is. Then the next one in file order.
#[test]
fn the_hint_is_aimed_at_the_failing_test() {
    let fx = Fixture::new();
    half_done_words(&fx, 0);
    fx.kata().args(["check", "alpha/words"]).assert().code(1);
    let first = stdout_of(fx.kata().args(["hint", "alpha/words"]), 0);
    insta::assert_snapshot!(first);
    assert!(!first.contains("Hint 1 of 3"), "{first}");
    fx.kata()
        .args(["hint", "alpha/words"])
        .assert()
        .success()
        .stdout(contains("Hint 1 of 3 (about lines): `str::lines`"))
        .stdout(contains("Your last check failed").not());
}

// Issue 16: `kata hint EXERCISE PART` gives the hints about a part the
// learner names (`about` or a test's name, in any case), and an unknown part
// is a usage error that lists the parts.
#[test]
fn a_named_part_gets_the_hints_about_it() {
    let fx = Fixture::new();
    fx.kata()
        .args(["hint", "alpha/words", "LINES"])
        .assert()
        .success()
        .stdout(contains("Hint 1 of 3 (about lines):"))
        .stdout(contains("That was the last hint about `LINES`"));
    fx.kata()
        .args(["hint", "alpha/words", "words::counts_words_twice"])
        .assert()
        .success()
        .stdout(contains("Hint 2 of 3 (about words)"));
    // Every hint about it seen: the last one again, nothing new.
    fx.kata()
        .args(["hint", "alpha/words", "lines"])
        .assert()
        .success()
        .stdout(contains("Hint 1 of 3 (about lines)"))
        .stdout(contains("Hint 2").not())
        .stdout(contains("That was the last hint about `lines`"));
    fx.kata()
        .args(["hint", "alpha/words", "drop"])
        .assert()
        .code(2)
        .stderr(contains(
            "no hint of alpha/words is about `drop` (parts: lines, words;",
        ));
    // `--again`: those seen, nothing new.
    fx.kata()
        .args(["hint", "alpha/words", "--again"])
        .assert()
        .success()
        .stdout(contains("Hint 1 of 3 (about lines)"))
        .stdout(contains("Hint 2 of 3 (about words)"))
        .stdout(contains("Hint 3").not());
    // Without a part: the one not seen yet.
    fx.kata()
        .args(["hint", "alpha/words"])
        .assert()
        .success()
        .stdout(contains("Hint 3 of 3: Compare with the reference"))
        .stdout(contains("That was the last hint."));
}

// Issue 15: kata in Spanish. The same course, the same exit codes; every
// message of kata's own in Spanish (the test names, `todo!` messages and
// rustc's text are not kata's and stay as they are).
#[test]
fn list_in_spanish() {
    let fx = Fixture::new();
    insta::assert_snapshot!(stdout_of(fx.kata().args(["--lang", "es"]), 0));
}

#[test]
fn a_stub_fails_in_spanish() {
    let fx = Fixture::new();
    insta::assert_snapshot!(stdout_of(
        fx.kata()
            .args(["check", "alpha/fail"])
            .env("KATA_LANG", "es"),
        1
    ));
}

// The hint's own Spanish text (`es` in hints.toml), under a Spanish locale.
#[test]
fn a_hint_in_spanish() {
    let fx = Fixture::new();
    insta::assert_snapshot!(stdout_of(
        fx.kata()
            .args(["hint", "alpha/fail"])
            .env("LANG", "es_ES.UTF-8"),
        0
    ));
}

#[test]
fn a_usage_error_in_spanish() {
    let fx = Fixture::new();
    let output = fx
        .kata()
        .args(["--lang", "es", "check", "alpah"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    insta::assert_snapshot!(String::from_utf8(output).unwrap());
}

#[test]
fn help_in_spanish() {
    kata_with(None)
        .args(["--help", "--lang", "es"])
        .assert()
        .success()
        .stdout(contains("Códigos de salida:"))
        .stdout(contains("2  error de uso"))
        .stdout(contains("Muestra la ayuda"));
    kata_with(None)
        .args(["hint", "--help"])
        .env("KATA_LANG", "es")
        .assert()
        .success()
        .stdout(contains("La parte en la que te has atascado"))
        .stdout(contains("Argumentos:"));
    // clap's refusals too, with the same exit code.
    kata_with(None)
        .args(["--lang", "es", "chek"])
        .assert()
        .code(2)
        .stderr(contains("error: orden desconocida: 'chek'"))
        .stderr(contains("¿quisiste decir `check`?"));
    kata_with(None)
        .args(["--lang", "es", "check", "alpha", "--timeout", "0"])
        .assert()
        .code(2)
        .stderr(contains("al menos 1 segundo"));
}

// `--lang` beats KATA_LANG beats LC_ALL beats LC_MESSAGES beats LANG; the
// first one set and non-empty wins.
#[test]
fn the_language_is_chosen_in_order() {
    let fx = Fixture::new();
    let speaks = |args: &[&str], env: &[(&str, &str)]| {
        let mut kata = fx.kata();
        kata.args(args).envs(env.iter().copied());
        let out = stdout_of(&mut kata, 0);
        match (
            out.contains("Progreso: 0/14"),
            out.contains("Progress: 0/14"),
        ) {
            (true, false) => "es",
            (false, true) => "en",
            _ => panic!("which language? {out}"),
        }
    };
    let all = [
        ("KATA_LANG", "en"),
        ("LC_ALL", "es_ES.UTF-8"),
        ("LC_MESSAGES", "en_US.UTF-8"),
        ("LANG", "es_MX"),
    ];
    assert_eq!(speaks(&[], &[]), "en", "nothing set");
    assert_eq!(speaks(&["--lang", "es"], &all), "es", "--lang first");
    assert_eq!(speaks(&["list", "--lang=en"], &all[1..]), "en", "--lang=en");
    assert_eq!(speaks(&[], &all), "en", "then KATA_LANG");
    assert_eq!(speaks(&[], &all[1..]), "es", "then LC_ALL");
    assert_eq!(speaks(&[], &all[2..]), "en", "then LC_MESSAGES");
    assert_eq!(speaks(&[], &all[3..]), "es", "then LANG");
    assert_eq!(speaks(&[], &[("LANG", "es_ES.UTF-8")]), "es");
    assert_eq!(speaks(&[], &[("LANG", "C")]), "en");
    assert_eq!(speaks(&[], &[("LANG", "POSIX")]), "en");
    assert_eq!(
        speaks(&[], &[("KATA_LANG", ""), ("LC_ALL", ""), ("LANG", "es")]),
        "es",
        "an empty variable is not set"
    );
}

// A language kata does not speak is a usage error that names those it does.
#[test]
fn an_unsupported_language_is_a_usage_error() {
    let fx = Fixture::new();
    fx.kata()
        .args(["--lang", "fr"])
        .assert()
        .code(2)
        .stderr(contains("--lang fr"))
        .stderr(contains("supported: en, es"));
    fx.kata()
        .env("KATA_LANG", "fr")
        .assert()
        .code(2)
        .stderr(contains("KATA_LANG fr"))
        .stderr(contains("supported: en, es"));
    // Said in the language the rest of the chain picks.
    fx.kata()
        .env("KATA_LANG", "fr")
        .env("LANG", "es_ES.UTF-8")
        .assert()
        .code(2)
        .stderr(contains("idiomas disponibles: en, es"));
}
