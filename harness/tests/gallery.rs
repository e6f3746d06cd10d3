//! `kata gallery`: every wrong solution in a lesson's gallery is built and
//! must be caught by a test its entry names; one that passes, or a diff that
//! no longer applies, fails the command with a row that says so.

mod common;

use std::fs;

use common::{Fixture, kata_bin, stdout_of};

/// `kata gallery` on a fixture course. Not `Fixture::kata`: the gallery
/// refuses a shared CARGO_TARGET_DIR (it builds a copy of the course into a
/// target folder of its own).
fn gallery(fixture: &Fixture) -> assert_cmd::Command {
    let mut cmd = kata_bin();
    cmd.env_remove("CARGO_TARGET_DIR")
        .arg("--root")
        .arg(&fixture.root)
        .arg("gallery")
        .timeout(std::time::Duration::from_secs(600));
    cmd
}

#[test]
fn a_caught_wrong_solution_passes_and_an_uncaught_one_fails_the_run() {
    let fixture = Fixture::new();
    let out = stdout_of(&mut gallery(&fixture), 1);
    assert!(
        out.contains("✓ alpha/subtracts") && out.contains("caught by pass::adds"),
        "{out}"
    );
    assert!(
        out.contains("✗ alpha/swaps-operands") && out.contains("NOT CAUGHT"),
        "{out}"
    );
    assert!(out.contains("gallery: 1 passed, 1 failed"), "{out}");
    // The reference solution in the course itself is never touched.
    let solution = fs::read_to_string(fixture.root.join("solutions/alpha/pass.rs")).unwrap();
    assert!(solution.contains("a + b"), "{solution}");
}

#[test]
fn one_wrong_solution_can_be_judged_alone_and_several_times() {
    let fixture = Fixture::new();
    let mut cmd = gallery(&fixture);
    cmd.args(["alpha/subtracts", "--times", "3"]);
    let out = stdout_of(&mut cmd, 0);
    assert!(
        out.contains("✓ alpha/subtracts") && out.contains("caught by pass::adds"),
        "{out}"
    );
    // Only the one asked for: not the uncaught one beside it.
    assert!(!out.contains("swaps-operands"), "{out}");
    assert!(
        out.contains("gallery: 1 passed, 0 failed (each one's tests run 3 times)"),
        "{out}"
    );
    let mut cmd = gallery(&fixture);
    cmd.arg("alpha/no-such-mistake");
    let out = cmd.assert().code(2).get_output().stderr.clone();
    let err = String::from_utf8_lossy(&out);
    assert!(
        err.contains("no wrong solution no-such-mistake in gallery/alpha/gallery.toml"),
        "{err}"
    );
}

#[test]
fn stale_diffs_unknown_tests_and_stray_files_are_breaches() {
    let fixture = Fixture::new();
    let dir = fixture.root.join("gallery/alpha");
    // The reference changed under the diff: its context no longer matches.
    fs::write(
        fixture.root.join("solutions/alpha/pass.rs"),
        "/// Adds.\npub fn add(a: i32, b: i32) -> i32 {\n    b + a\n}\n",
    )
    .unwrap();
    fs::write(
        dir.join("gallery.toml"),
        r#"
[[wrong]]
id = "subtracts"
exercise = "pass"
mistake = "subtracts"
caught_by = ["pass::adds"]

[[wrong]]
id = "names-a-test-that-does-not-exist"
exercise = "pass"
mistake = "x"
caught_by = ["pass::no_such_test"]
"#,
    )
    .unwrap();
    fs::write(dir.join("names-a-test-that-does-not-exist.diff"), "").unwrap();
    let out = stdout_of(&mut gallery(&fixture), 1);
    assert!(out.contains("the diff does not apply"), "{out}");
    assert!(out.contains("pass::no_such_test"), "{out}");
    assert!(
        out.contains("swaps-operands.diff has no [[wrong]] entry"),
        "{out}"
    );
    // Its claim is in gallery.toml alone: no test's comment makes it.
    assert!(
        out.contains(
            "caught_by names pass::no_such_test, whose comments do not say \
             `Catches: names-a-test-that-does-not-exist`"
        ),
        "{out}"
    );
    assert!(out.contains("gallery: 0 passed, 4 failed"), "{out}");
}

#[test]
fn a_shared_target_folder_is_refused() {
    let fixture = Fixture::new();
    let mut cmd = gallery(&fixture);
    cmd.env("CARGO_TARGET_DIR", fixture.root.join("elsewhere"));
    let out = cmd.assert().code(1).get_output().stderr.clone();
    let err = String::from_utf8_lossy(&out);
    assert!(err.contains("unset CARGO_TARGET_DIR"), "{err}");
}

#[test]
fn a_second_gallery_in_the_same_checkout_waits_for_the_first() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let fixture = Fixture::new();
    let work = fixture.root.join("target/kata-gallery");
    fs::create_dir_all(&work).unwrap();
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(work.join("lock"))
        .unwrap();
    // Another gallery holds the lock.
    let held = nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusive)
        .map_err(|(_, e)| e)
        .unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("kata"))
        .env("NO_COLOR", "1")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("KATA_ROOT")
        .arg("--root")
        .arg(&fixture.root)
        .arg("gallery")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let first = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("kata says it waits");
    assert!(first.contains("waiting for it to end"), "{first}");
    // Nothing is judged while the lock is held.
    assert!(
        rx.recv_timeout(std::time::Duration::from_millis(500))
            .is_err(),
        "it went on without the lock"
    );
    drop(held);
    let rest: Vec<String> = rx.iter().collect();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
    assert!(
        rest.iter()
            .any(|l| l.contains("gallery: 1 passed, 1 failed")),
        "{rest:?}"
    );
}
