//! Exercise 4: each line as soon as it is written; the Terraform runner.

use std::io::Write;
use std::process::Stdio;

use processes::run::{Cmd, RunError};
use processes::streaming::{Line, StepError, run_steps, stream};
use testkit::{DEFAULT_LIMIT, within};

use crate::{TEST_STDIN, childproc, in_a_rerun_with_a_pipe_as_stdin};

/// Every line `stream` hands over for `cmd` (empty stdin), and the result.
fn lines_of(cmd: Cmd) -> (Vec<Line>, Result<(), RunError>) {
    within(DEFAULT_LIMIT, "stream", move || {
        let mut lines = Vec::new();
        let result = stream(&cmd, Stdio::null(), |line| lines.push(line));
        (lines, result)
    })
}

fn stdout_lines(lines: &[Line]) -> Vec<&str> {
    lines
        .iter()
        .filter_map(|line| match line {
            Line::Stdout(text) => Some(text.as_str()),
            Line::Stderr(_) => None,
        })
        .collect()
}

// Catches: streaming-lines-after-exit (collecting the output and handing the
// lines over once the child has exited). The child here (`childproc echo`)
// answers each line of its stdin, and it only gets its next line from
// `on_line`: so it exits only if each line reached us while it was still
// running.
#[test]
fn each_line_arrives_while_the_child_is_still_running() {
    let seen = within(
        DEFAULT_LIMIT,
        "a conversation with `childproc echo`",
        || {
            let (reader, writer) = std::io::pipe().unwrap();
            let mut writer = Some(writer);
            writer.as_mut().unwrap().write_all(b"plan 1\n").unwrap();
            let mut seen = Vec::new();
            let result = stream(
                &Cmd::new(childproc(), &["echo"]),
                Stdio::from(reader),
                |line| {
                    if let Line::Stdout(text) = &line {
                        match text.as_str() {
                            "plan 1" => writer.as_mut().unwrap().write_all(b"plan 2\n").unwrap(),
                            "plan 2" => writer.as_mut().unwrap().write_all(b"apply\n").unwrap(),
                            // Closing our end ends the child's input: it exits.
                            _ => drop(writer.take()),
                        }
                    }
                    seen.push(line);
                },
            );
            result.unwrap();
            seen
        },
    );
    assert_eq!(stdout_lines(&seen), ["plan 1", "plan 2", "apply"]);
}

// Catches: streaming-stderr-held-back (stderr read on a thread, so nothing
// blocks, but its lines handed over only once stdout has closed: a
// `terraform apply` whose warnings come at the end). The child
// (`childproc route`) writes each line it reads to stderr when it starts
// with `err `, and the next line only comes from `on_line`: the
// conversation ends only if each stderr line arrived while stdout was still
// open.
// Also catches: streaming-lines-after-exit, streaming-stderr-after-stdout
// (no line, or no stderr line, is handed over while stdout is open).
#[test]
fn stderr_lines_arrive_while_stdout_is_still_open() {
    let seen = within(
        DEFAULT_LIMIT,
        "a conversation with `childproc route` over stdout and stderr",
        || {
            let (reader, writer) = std::io::pipe().unwrap();
            let mut writer = Some(writer);
            writer
                .as_mut()
                .unwrap()
                .write_all(b"err warning 1\n")
                .unwrap();
            let mut seen = Vec::new();
            let result = stream(
                &Cmd::new(childproc(), &["route"]),
                Stdio::from(reader),
                |line| {
                    let next: Option<&[u8]> = match &line {
                        Line::Stderr(text) if text == "warning 1" => Some(b"planned\n"),
                        Line::Stdout(text) if text == "planned" => Some(b"err warning 2\n"),
                        _ => None,
                    };
                    match next {
                        Some(next) => writer.as_mut().unwrap().write_all(next).unwrap(),
                        // Closing our end ends the child's input: it exits.
                        None => drop(writer.take()),
                    }
                    seen.push(line);
                },
            );
            result.unwrap();
            seen
        },
    );
    assert_eq!(
        seen,
        [
            Line::Stderr("warning 1".to_string()),
            Line::Stdout("planned".to_string()),
            Line::Stderr("warning 2".to_string()),
        ]
    );
}

// Catches: steps-stdin-inherited (`run_steps` gives its steps the caller's
// stdin instead of an empty one: a `terraform apply` would wait for a "yes"
// from the terminal). The scenario runs again in a re-run of the test
// binary whose stdin holds a line, so that the mistake shows however the
// tests were started.
#[test]
fn steps_read_an_empty_stdin() {
    in_a_rerun_with_a_pipe_as_stdin("streaming::steps_read_an_empty_stdin", || {
        let seen = within(DEFAULT_LIMIT, "run_steps(cat)", || {
            let mut seen = Vec::new();
            run_steps(&[Cmd::new("cat", &[])], |step, line| {
                seen.push((step, line))
            })
            .unwrap();
            seen
        });
        assert_eq!(
            seen,
            [],
            "`cat` read {TEST_STDIN:?}: the stdin of the process that called run_steps"
        );
    });
}

#[test]
fn stdout_and_stderr_are_told_apart() {
    let (lines, result) = lines_of(Cmd::new("sh", &["-c", "echo to-out; echo to-err >&2"]));
    result.unwrap();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines.contains(&Line::Stdout("to-out".to_string())),
        "{lines:?}"
    );
    assert!(
        lines.contains(&Line::Stderr("to-err".to_string())),
        "{lines:?}"
    );
}

// Catches: streaming-split-on-chunks (a line cut between two reads comes
// out as two).
#[test]
fn the_lines_of_one_stream_keep_their_order() {
    let (lines, result) = lines_of(Cmd::new("seq", &["1", "2000"]));
    result.unwrap();
    let expected: Vec<String> = (1..=2000).map(|n| n.to_string()).collect();
    assert_eq!(stdout_lines(&lines), expected);
}

// Catches: streaming-stderr-after-stdout (stdout read to its end on this
// thread before stderr is read at all: the child fills the stderr pipe and
// stops, so stdout never ends).
#[test]
fn lots_of_output_on_both_streams_does_not_deadlock() {
    let (lines, result) = lines_of(Cmd::new(childproc(), &["spew", "300000"]));
    result.unwrap();
    let stdout = lines
        .iter()
        .filter(|l| matches!(l, Line::Stdout(_)))
        .count();
    let stderr = lines
        .iter()
        .filter(|l| matches!(l, Line::Stderr(_)))
        .count();
    // 300 000 bytes in 64-byte lines: 4 687 whole ones and a last piece.
    assert_eq!((stdout, stderr), (4688, 4688));
}

// Catches: streaming-split-on-chunks (`split('\n')` on chunks as they are
// read, which loses an empty line or invents one after the final newline).
#[test]
fn empty_lines_count_and_a_last_line_needs_no_newline() {
    let (lines, result) = lines_of(Cmd::new("printf", &["init\n\ndone"]));
    result.unwrap();
    assert_eq!(stdout_lines(&lines), ["init", "", "done"]);
    // A final `\n` ends the last line; no empty line follows it.
    let (lines, result) = lines_of(Cmd::new("printf", &["init\n\n"]));
    result.unwrap();
    assert_eq!(stdout_lines(&lines), ["init", ""]);
}

// Catches: streaming-lines-stop-at-bad-utf8 (`BufRead::lines()`, whose
// first invalid byte ends the loop, or the `unwrap` panics, and loses the
// rest).
#[test]
fn a_line_that_is_not_utf8_does_not_end_the_stream() {
    let (lines, result) = lines_of(Cmd::new("printf", &[r"bad \377 byte\nnext\n"]));
    result.unwrap();
    assert_eq!(stdout_lines(&lines), ["bad \u{FFFD} byte", "next"]);
}

// Catches: streaming-ignores-the-status (streaming the lines and then
// ignoring the exit status).
#[test]
fn the_exit_status_is_checked_after_the_lines() {
    let (lines, result) = lines_of(Cmd::new(
        "sh",
        &["-c", "echo planning; echo 'Error: no provider' >&2; exit 4"],
    ));
    assert!(lines.contains(&Line::Stdout("planning".to_string())));
    assert_eq!(
        result.unwrap_err(),
        RunError::Failed {
            program: "sh".to_string(),
            code: 4,
            stderr: "Error: no provider\n".to_string(),
        }
    );
}

// Catches: streaming-ignores-the-status (a child killed by SIGTERM
// reported as a success).
#[test]
fn a_killed_child_is_reported_as_killed() {
    let (_, result) = lines_of(Cmd::new(childproc(), &["signal", "TERM"]));
    assert!(
        matches!(result, Err(RunError::Killed { signal: 15, .. })),
        "{result:?}"
    );
}

#[test]
fn a_missing_program_is_not_found() {
    let (lines, result) = lines_of(Cmd::new("no-such-terraform-binary", &[]));
    assert!(lines.is_empty());
    assert_eq!(
        result.unwrap_err(),
        RunError::NotFound {
            program: "no-such-terraform-binary".to_string()
        }
    );
}

#[test]
fn steps_run_in_order_and_each_line_names_its_step() {
    let steps = vec![
        Cmd::new("printf", &["Initializing\n"]),
        Cmd::new("printf", &["Plan: 1 to add\n"]),
        Cmd::new("printf", &["Apply complete\n"]),
    ];
    let seen = within(DEFAULT_LIMIT, "run_steps", move || {
        let mut seen = Vec::new();
        run_steps(&steps, |step, line| seen.push((step, line))).unwrap();
        seen
    });
    assert_eq!(
        seen,
        [
            (0, Line::Stdout("Initializing".to_string())),
            (1, Line::Stdout("Plan: 1 to add".to_string())),
            (2, Line::Stdout("Apply complete".to_string())),
        ]
    );
}

// Catches: steps-go-on-after-a-failure (a runner that goes on after a failed
// step: an `apply` after a failed `plan`).
#[test]
fn the_first_failing_step_stops_the_sequence() {
    let dir = tempfile::tempdir().unwrap();
    let applied = dir.path().join("applied");
    let steps = vec![
        Cmd::new("printf", &["init ok\n"]),
        Cmd::new("sh", &["-c", "echo 'plan failed' >&2; exit 2"]),
        Cmd::new("touch", &[applied.to_str().unwrap()]),
    ];
    let (seen, result) = within(DEFAULT_LIMIT, "run_steps", move || {
        let mut seen = Vec::new();
        let result = run_steps(&steps, |step, line| seen.push((step, line)));
        (seen, result)
    });
    let error: StepError = result.unwrap_err();
    assert_eq!(error.step, 1);
    assert!(
        matches!(error.error, RunError::Failed { code: 2, .. }),
        "{error:?}"
    );
    assert_eq!(error.to_string(), "step 2 failed: sh exited with code 2");
    assert!(seen.contains(&(1, Line::Stderr("plan failed".to_string()))));
    assert!(!applied.exists(), "the step after the failure ran");
}
