//! Exercise 3: `cmd1 | cmd2 | …` without a shell, with pipefail.

use std::io;

use processes::pipes::{PipelineOutput, pipeline};
use processes::run::{Cmd, RunError};
use testkit::{DEFAULT_LIMIT, process_running, unique_marker, within};

use crate::{INJECTION, childproc};

/// `pipeline(cmds, stdin)`, failing the test instead of hanging it.
fn pipeline_within(cmds: Vec<Cmd>, stdin: Option<Vec<u8>>) -> Result<PipelineOutput, RunError> {
    within(DEFAULT_LIMIT, "the pipeline", move || {
        pipeline(&cmds, stdin.as_deref())
    })
}

#[test]
fn two_stages_are_connected() {
    let output = pipeline_within(
        vec![
            Cmd::new("printf", &["web-2\nweb-1\ndb-1\n"]),
            Cmd::new("sort", &[]),
        ],
        None,
    )
    .unwrap();
    assert_eq!(output.stdout, "db-1\nweb-1\nweb-2\n");
}

#[test]
fn stdin_goes_to_the_first_stage() {
    let output = pipeline_within(
        vec![Cmd::new("cat", &[]), Cmd::new("tr", &["a-z", "A-Z"])],
        Some(b"error: disk full\n".to_vec()),
    )
    .unwrap();
    assert_eq!(output.stdout, "ERROR: DISK FULL\n");
}

// Wrong solution caught: building a `sh -c "a | b"` string.
#[test]
fn arguments_are_never_seen_by_a_shell() {
    let output = pipeline_within(
        vec![
            Cmd::new("printf", &["%s\n", INJECTION]),
            Cmd::new("cat", &[]),
            Cmd::new("cat", &[]),
        ],
        None,
    )
    .unwrap();
    assert_eq!(output.stdout, format!("{INJECTION}\n"));
}

#[test]
fn every_stage_has_its_own_stderr_in_pipeline_order() {
    let output = pipeline_within(
        vec![
            Cmd::new("sh", &["-c", "echo first-err >&2; echo data"]),
            Cmd::new("sh", &["-c", "cat; echo second-err >&2"]),
        ],
        None,
    )
    .unwrap();
    assert_eq!(output.stdout, "data\n");
    assert_eq!(output.stderr, vec!["first-err\n", "second-err\n"]);
}

// Wrong solution caught: reading the last stdout to its end before any
// stderr. The first stage fills its stderr pipe (64 KiB) and stops, so it
// never closes its stdout, and the pipeline never ends.
#[test]
fn a_first_stage_flooding_stderr_does_not_deadlock() {
    let output = pipeline_within(
        vec![
            Cmd::new(childproc(), &["spew", "300000"]),
            Cmd::new("cat", &[]),
        ],
        None,
    )
    .unwrap();
    assert_eq!(output.stdout.len(), 300_000);
    assert_eq!(output.stderr[0].len(), 300_000);
}

// Wrong solution caught: the same, on the last stage, whose stdout and
// stderr both come to us.
#[test]
fn a_last_stage_flooding_both_streams_does_not_deadlock() {
    let output = pipeline_within(
        vec![
            // Writes nothing, so it cannot die of SIGPIPE (spew never reads).
            Cmd::new("true", &[]),
            Cmd::new(childproc(), &["spew", "300000"]),
        ],
        None,
    )
    .unwrap();
    assert_eq!(output.stdout.len(), 300_000);
    assert_eq!(output.stderr[1].len(), 300_000);
}

// Wrong solution caught: writing all of stdin before reading anything.
#[test]
fn a_megabyte_of_stdin_flows_through() {
    let data = vec![b'x'; 1024 * 1024];
    let output =
        pipeline_within(vec![Cmd::new("cat", &[]), Cmd::new("cat", &[])], Some(data)).unwrap();
    assert_eq!(output.stdout.len(), 1024 * 1024);
}

// Wrong solutions caught: checking only the last stage (plain `sh`), and
// reporting the rightmost failure (bash's `set -o pipefail`) instead of the
// first one in pipeline order.
#[test]
fn pipefail_the_first_failing_stage_decides() {
    let error = pipeline_within(
        vec![
            Cmd::new("sh", &["-c", "echo cause >&2; exit 3"]),
            Cmd::new("sh", &["-c", "cat > /dev/null; exit 5"]),
            Cmd::new("cat", &[]),
        ],
        None,
    )
    .unwrap_err();
    assert_eq!(
        error,
        RunError::Failed {
            program: "sh".to_string(),
            code: 3,
            stderr: "cause\n".to_string(),
        }
    );
}

#[test]
fn a_failing_middle_stage_fails_the_pipeline() {
    let error = pipeline_within(
        vec![
            // `true` writes nothing: a writer could die of SIGPIPE once
            // `false` exits, and that would be the first failure.
            Cmd::new("true", &[]),
            Cmd::new("false", &[]),
            Cmd::new("cat", &[]),
        ],
        None,
    )
    .unwrap_err();
    assert!(
        matches!(error, RunError::Failed { ref program, code: 1, .. } if program == "false"),
        "{error:?}"
    );
}

// Wrong solution caught: keeping a copy of a pipe's read end (a `Command`
// that outlives the spawn). `head` exits after one line, but `yes` never
// gets SIGPIPE while we hold the read end: it writes forever.
#[test]
fn a_stage_that_stops_reading_ends_its_writer_with_sigpipe() {
    let error = pipeline_within(
        vec![Cmd::new("yes", &[]), Cmd::new("head", &["-n", "1"])],
        None,
    )
    .unwrap_err();
    assert!(
        matches!(error, RunError::Killed { ref program, signal: 13, .. } if program == "yes"),
        "expected `yes` killed by SIGPIPE (13), got {error:?}"
    );
}

// Wrong solution caught: returning the spawn error and leaving the stages
// already started running (or unreaped).
#[test]
fn a_stage_that_cannot_start_fails_it_and_stops_the_others() {
    let marker = format!("30.{}", unique_marker());
    let missing = format!("no-such-filter-{}", unique_marker());
    let error = pipeline_within(
        vec![Cmd::new("sleep", &[&marker]), Cmd::new(&missing, &[])],
        None,
    )
    .unwrap_err();
    assert_eq!(error, RunError::NotFound { program: missing });
    assert!(
        !process_running(&marker),
        "the first stage (`sleep {marker}`) is still running"
    );
}

#[test]
fn an_empty_pipeline_is_invalid_input() {
    match pipeline_within(vec![], None).unwrap_err() {
        RunError::Io { kind, program, .. } => {
            assert_eq!(kind, io::ErrorKind::InvalidInput);
            assert_eq!(program, "");
        }
        other => panic!("expected RunError::Io with InvalidInput, got {other:?}"),
    }
}
