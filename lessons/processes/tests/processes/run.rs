//! Exercise 1: run a program, capture its output, tell every failure apart.

use std::io;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use processes::run::{RunError, RunOptions, check_status, run, spawn_error};
use testkit::{DEFAULT_LIMIT, unique_marker, within};

use crate::{INJECTION, TEST_STDIN, childproc, in_a_rerun_with_a_pipe_as_stdin};

fn run_default(program: &str, args: &[&str]) -> Result<processes::run::Output, RunError> {
    run(program, args, &RunOptions::default())
}

#[test]
fn captures_stdout_and_stderr_apart() {
    let output = run_default("sh", &["-c", "echo to-out; echo to-err >&2"]).unwrap();
    assert_eq!(output.stdout, "to-out\n");
    assert_eq!(output.stderr, "to-err\n");
}

// Catches: run-through-a-shell (`sh -c` with the arguments pasted into one
// string: the shell splits on the spaces, strips the quotes, expands `$HOME`
// and runs the `echo INJECTED` after the `;`).
#[test]
fn arguments_reach_the_program_as_given_never_through_a_shell() {
    let output = run_default("printf", &["[%s]\n", INJECTION]).unwrap();
    assert_eq!(output.stdout, format!("[{INJECTION}]\n"));
}

// Catches: run-args-joined-and-split (joining the arguments with spaces and
// splitting them again, Python's `cmd.split()`: an empty argument
// disappears).
#[test]
fn an_empty_argument_is_still_an_argument() {
    let output = run_default("printf", &["<%s><%s>", "", "b c"]).unwrap();
    assert_eq!(output.stdout, "<><b c>");
}

// Catches: run-ignores-the-status (a runner that ignores the exit status).
#[test]
fn a_non_zero_exit_is_failed_with_its_code_and_stderr() {
    let error = run_default("sh", &["-c", "echo half-done; echo broken >&2; exit 3"]).unwrap_err();
    assert_eq!(
        error,
        RunError::Failed {
            program: "sh".to_string(),
            code: 3,
            stderr: "broken\n".to_string(),
        }
    );
    assert_eq!(error.to_string(), "sh exited with code 3");
}

// Catches: run-signal-as-success ("killed by a signal" taken as success:
// `status.code().unwrap_or(0)`), run-signal-as-code-1 (as a made-up exit
// code).
#[test]
fn a_process_killed_by_a_signal_is_killed_with_that_signal() {
    for (name, number) in [("KILL", 9), ("TERM", 15), ("ABRT", 6)] {
        let error = run_default(childproc(), &["signal", name]).unwrap_err();
        match error {
            RunError::Killed { signal, .. } => assert_eq!(signal, number, "SIG{name}"),
            other => panic!("SIG{name}: expected RunError::Killed, got {other:?}"),
        }
    }
}

// Catches: run-not-found-as-io (`NotFound` reported as a generic I/O
// failure).
#[test]
fn a_program_that_does_not_exist_is_not_found() {
    let missing = format!("no-such-program-{}", unique_marker());
    assert_eq!(
        run_default(&missing, &[]).unwrap_err(),
        RunError::NotFound {
            program: missing.clone()
        }
    );
    let error = run_default("/no/such/dir/prog", &[]).unwrap_err();
    assert!(
        matches!(error, RunError::NotFound { ref program } if program == "/no/such/dir/prog"),
        "{error:?}"
    );
}

#[test]
fn a_file_without_execute_permission_is_not_executable() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("deploy.sh");
    std::fs::write(&script, "#!/bin/sh\necho deployed\n").unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o644)).unwrap();
    let path = script.to_str().unwrap();
    assert_eq!(
        run_default(path, &[]).unwrap_err(),
        RunError::NotExecutable {
            program: path.to_string()
        }
    );
}

#[test]
fn the_working_directory_is_the_one_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let options = RunOptions {
        cwd: Some(dir.path().to_path_buf()),
        ..RunOptions::default()
    };
    let output = run("pwd", &["-P"], &options).unwrap();
    let expected = dir.path().canonicalize().unwrap();
    assert_eq!(output.stdout.trim_end(), expected.to_str().unwrap());
}

// Catches: run-env-clear (`env_clear()` before adding the variables: PATH
// and the rest of the environment are gone).
#[test]
fn env_adds_to_the_inherited_environment() {
    let options = RunOptions {
        env: vec![("KATA_REGION".to_string(), "eu-west-1".to_string())],
        ..RunOptions::default()
    };
    let output = run(
        "sh",
        &["-c", r#"printf '%s|%s' "$KATA_REGION" "$PATH""#],
        &options,
    )
    .unwrap();
    let path = std::env::var("PATH").unwrap_or_default();
    assert_eq!(output.stdout, format!("eu-west-1|{path}"));
}

// Catches: run-stdin-never-closed (the stdin handle kept until the child
// exits: `cat` waits for more input, for ever).
#[test]
fn stdin_data_reaches_the_child_and_is_closed() {
    let options = RunOptions {
        stdin: Some(b"first\nlast line without newline".to_vec()),
        ..RunOptions::default()
    };
    // `cat` only exits once its stdin is closed: a writer that keeps it
    // open makes this hang, and `within` turns the hang into a failure.
    let output = within(DEFAULT_LIMIT, "run(cat) with stdin", move || {
        run("cat", &[], &options)
    })
    .unwrap();
    assert_eq!(output.stdout, "first\nlast line without newline");
}

// Catches: run-stdin-written-before-reading (writing all of stdin before
// reading stdout: with more than a pipe holds, 64 KiB, going both ways,
// `cat` waits for us to read, and we wait for `cat` to read: a deadlock).
// Also catches: run-stdin-never-closed (`cat` never sees the end of its
// input, so it never exits).
#[test]
fn a_megabyte_in_and_out_does_not_deadlock() {
    let data: Vec<u8> = (0..1024 * 1024).map(|i| b'a' + (i % 26) as u8).collect();
    let expected = String::from_utf8(data.clone()).unwrap();
    let options = RunOptions {
        stdin: Some(data),
        ..RunOptions::default()
    };
    let output = within(DEFAULT_LIMIT, "run(cat) with 1 MiB", move || {
        run("cat", &[], &options)
    })
    .unwrap();
    assert_eq!(output.stdout.len(), expected.len());
    assert!(output.stdout == expected, "the data came back changed");
}

// Catches: run-stdout-before-stderr (reading stdout to its end before
// stderr: a child that fills the stderr pipe first then waits for us
// forever).
#[test]
fn lots_of_output_on_both_streams_does_not_deadlock() {
    let output = within(DEFAULT_LIMIT, "run(childproc spew)", || {
        run(childproc(), &["spew", "300000"], &RunOptions::default())
    })
    .unwrap();
    assert_eq!(output.stdout.len(), 300_000);
    assert_eq!(output.stderr.len(), 300_000);
}

// Catches: run-stdin-inherited (no stdin data, and the child inherits the
// caller's stdin instead of getting `/dev/null`: a deploy script run from a
// terminal would wait for the user's keys, one run from a pipe would eat
// its input). The scenario runs again in a re-run of the test binary whose
// stdin holds a line, so that the mistake shows however the tests were
// started.
#[test]
fn without_stdin_data_the_child_reads_an_empty_stdin() {
    in_a_rerun_with_a_pipe_as_stdin(
        "run::without_stdin_data_the_child_reads_an_empty_stdin",
        || {
            let output = within(DEFAULT_LIMIT, "run(cat) without stdin", || {
                run("cat", &[], &RunOptions::default())
            })
            .unwrap();
            assert_eq!(
                output.stdout, "",
                "`cat` read {TEST_STDIN:?}: the stdin of the process that called run"
            );
        },
    );
}

// Catches: run-epipe-is-an-error (the failed write of stdin data that the
// child never read, EPIPE, turned into an error of `run`: whether a program
// reads its input is its own business; its exit status says how it went).
// A megabyte cannot fit in the pipe, so the write always fails.
#[test]
fn a_child_that_exits_without_reading_its_stdin_is_not_an_error() {
    let options = RunOptions {
        stdin: Some(vec![b'x'; 1024 * 1024]),
        ..RunOptions::default()
    };
    let unread = options.clone();
    let output = within(DEFAULT_LIMIT, "run(true) with 1 MiB of stdin", move || {
        run("true", &[], &unread)
    });
    assert_eq!(output, Ok(processes::run::Output::default()));
    let error = within(
        DEFAULT_LIMIT,
        "run(sh -c exit 3) with 1 MiB of stdin",
        move || run("sh", &["-c", "exit 3"], &options),
    );
    assert_eq!(
        error,
        Err(RunError::Failed {
            program: "sh".to_string(),
            code: 3,
            stderr: String::new(),
        })
    );
}

// Catches: run-utf8-unwrap (`String::from_utf8(..).unwrap()`, which panics
// on the first byte that is not UTF-8).
#[test]
fn bytes_that_are_not_utf8_become_replacement_characters() {
    let output = run_default("printf", &[r"ok \377\n"]).unwrap();
    assert_eq!(output.stdout, "ok \u{FFFD}\n");
}

// Catches: run-not-found-as-io (`NotFound` reported as `Io`).
#[test]
fn spawn_errors_are_told_apart_by_their_kind() {
    let not_found = io::Error::from(io::ErrorKind::NotFound);
    assert_eq!(
        spawn_error("terraform", not_found),
        RunError::NotFound {
            program: "terraform".to_string()
        }
    );
    let denied = io::Error::from(io::ErrorKind::PermissionDenied);
    assert_eq!(
        spawn_error("./deploy.sh", denied),
        RunError::NotExecutable {
            program: "./deploy.sh".to_string()
        }
    );
    let other = io::Error::new(io::ErrorKind::OutOfMemory, "no memory for the child");
    match spawn_error("big", other) {
        RunError::Io {
            program,
            kind,
            message,
        } => {
            assert_eq!(program, "big");
            assert_eq!(kind, io::ErrorKind::OutOfMemory);
            assert!(message.contains("no memory for the child"), "{message}");
        }
        wrong => panic!("expected RunError::Io, got {wrong:?}"),
    }
}

// Catches: run-signal-as-success, run-signal-as-code-1 (a signal taken as
// exit code 0, or as a made-up code).
#[test]
fn check_status_tells_success_exit_codes_and_signals_apart() {
    let status_of = |script: &str| Command::new("sh").args(["-c", script]).status().unwrap();
    assert_eq!(check_status("sh", status_of("exit 0"), ""), Ok(()));
    assert_eq!(
        check_status("sh", status_of("exit 42"), "why\n"),
        Err(RunError::Failed {
            program: "sh".to_string(),
            code: 42,
            stderr: "why\n".to_string(),
        })
    );
    assert_eq!(
        check_status("sh", status_of("kill -TERM $$"), ""),
        Err(RunError::Killed {
            program: "sh".to_string(),
            signal: 15,
            stderr: String::new(),
        })
    );
}
