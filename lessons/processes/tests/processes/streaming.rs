//! Exercise 4: each line as soon as it is written; the Terraform runner.

use std::io::Write;
use std::process::Stdio;

use processes::run::{Cmd, RunError};
use processes::streaming::{Line, StepError, run_steps, stream};
use testkit::{DEFAULT_LIMIT, within};

use crate::childproc;

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

// Wrong solution caught: collecting the output and handing the lines over
// once the child has exited. The child here (`childproc echo`) answers each
// line of its stdin, and it only gets its next line from `on_line`: so it
// exits only if each line reached us while it was still running.
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

#[test]
fn the_lines_of_one_stream_keep_their_order() {
    let (lines, result) = lines_of(Cmd::new("seq", &["1", "2000"]));
    result.unwrap();
    let expected: Vec<String> = (1..=2000).map(|n| n.to_string()).collect();
    assert_eq!(stdout_lines(&lines), expected);
}

// Wrong solution caught: `split('\n')` on chunks, which loses an empty line
// or invents one after the final newline.
#[test]
fn empty_lines_count_and_a_last_line_needs_no_newline() {
    let (lines, result) = lines_of(Cmd::new("printf", &["init\n\ndone"]));
    result.unwrap();
    assert_eq!(stdout_lines(&lines), ["init", "", "done"]);
}

// Wrong solution caught: `BufRead::lines()`, whose first invalid byte
// ends the loop (or the `unwrap` panics) and loses the rest.
#[test]
fn a_line_that_is_not_utf8_does_not_end_the_stream() {
    let (lines, result) = lines_of(Cmd::new("printf", &[r"bad \377 byte\nnext\n"]));
    result.unwrap();
    assert_eq!(stdout_lines(&lines), ["bad \u{FFFD} byte", "next"]);
}

// Wrong solution caught: streaming the lines and then ignoring the exit
// status.
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

// Wrong solution caught: a runner that goes on after a failed step (an
// `apply` after a failed `plan`).
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
