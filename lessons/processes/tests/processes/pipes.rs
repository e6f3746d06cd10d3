//! Exercise 3: `cmd1 | cmd2 | …` without a shell, with pipefail.

use std::io;

use processes::pipes::{PipelineOutput, pipeline};
use processes::run::{Cmd, RunError};
use testkit::asleep::watch;
use testkit::process_state::{link_under_unique_name, pids_named};
use testkit::{DEFAULT_LIMIT, unique_marker, wait_for, within};

use crate::settle::CreateOnDrop;
use crate::{
    INJECTION, TEST_STDIN, childproc, in_a_process_of_its_own, in_a_rerun_with_a_pipe_as_stdin,
};
use testkit::asleep::others_asleep;

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

// Catches: pipeline-through-a-shell (building a `sh -c "a | b"` string).
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

// Catches: pipeline-stdout-before-stderr (reading the last stdout to its end
// before any stderr: the first stage fills its stderr pipe, 64 KiB, and
// stops, so it never closes its stdout, and the pipeline never ends).
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

// Catches: pipeline-stdout-before-stderr (the same, on the last stage,
// whose stdout and stderr both come to us).
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

// Catches: pipeline-stdin-written-first (writing all of stdin before
// reading anything: `cat | cat` holds less than a megabyte in its pipes).
#[test]
fn a_megabyte_of_stdin_flows_through() {
    let data = vec![b'x'; 1024 * 1024];
    let output =
        pipeline_within(vec![Cmd::new("cat", &[]), Cmd::new("cat", &[])], Some(data)).unwrap();
    assert_eq!(output.stdout.len(), 1024 * 1024);
}

// Catches: pipeline-last-stage-decides (checking only the last stage, as
// plain `sh`), pipeline-rightmost-failure (the rightmost failure, as bash's
// `set -o pipefail`, instead of the first one in pipeline order).
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

// Catches: pipeline-last-stage-decides (only the last stage, `cat`, is
// checked, and it succeeded).
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

// Catches: pipeline-keeps-a-read-end (keeping a copy of a pipe's read end,
// a `Command` that outlives the spawn: `head` exits after one line, but
// `yes` never gets SIGPIPE while we hold the read end: it writes forever).
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

// Catches: pipeline-spawn-failure-leaves-stages-running (returning the
// spawn error and leaving the stages already started running),
// pipeline-spawn-failure-leaves-zombies (killing them but never `wait`ing:
// each stays in the process table as a zombie, which `ps`'s argument column
// cannot show). The started stages run `childproc` through a link with a
// name of its own, so `testkit::process_state::pids_named` finds them,
// alive or zombie; their parent is this process, so only the pipeline can
// have reaped them.
#[test]
fn a_stage_that_cannot_start_fails_it_and_stops_and_reaps_the_others() {
    let fixture = std::path::Path::new(childproc());
    // Next to the fixture, so that the link is a hard link, not a copy.
    let dir = tempfile::tempdir_in(fixture.parent().unwrap()).unwrap();
    let (stage, name) = link_under_unique_name(fixture, dir.path());
    let never = dir.path().join("never-created");
    let waiting = Cmd::new(
        stage.to_str().unwrap(),
        &["relay", never.to_str().unwrap(), "-", "x"],
    );
    let missing = format!("no-such-filter-{}", unique_marker());
    let error = pipeline_within(
        vec![waiting.clone(), waiting, Cmd::new(&missing, &[])],
        None,
    )
    .unwrap_err();
    assert_eq!(error, RunError::NotFound { program: missing });
    let left = pids_named(&name);
    assert!(
        left.is_empty(),
        "the stages started before the one that could not start are still in the \
         process table (pid, state): {left:?}; Alive: never killed; Zombie: killed, never reaped"
    );
}

// Catches: pipeline-stderr-in-completion-order (each stage's stderr pushed
// when its reader finishes, not at its stage's index). Each stage
// (`childproc late-err`) closes its stdout at once, then closes its stderr
// only when the test creates its ticket: the last stage first. Before it
// lets the next one go, the test waits until the stage has closed its
// stderr (its mark exists) and every thread of the pipeline is asleep: the
// reader woken by that end has then finished. So the readers finish last
// stage first, every time. Runs in a process of its own, so that the
// threads it sees are the pipeline's.
#[test]
fn stderr_is_in_pipeline_order_whatever_order_the_stages_finish_in() {
    in_a_process_of_its_own(
        "pipes::stderr_is_in_pipeline_order_whatever_order_the_stages_finish_in",
        || {
            let dir = tempfile::tempdir().unwrap();
            let file = |name: &str, n: u32| dir.path().join(format!("{name}-{n}"));
            let stage = |n: u32, text: &str| {
                let (go, closed) = (file("go", n), file("closed", n));
                Cmd::new(
                    childproc(),
                    &[
                        "late-err",
                        go.to_str().unwrap(),
                        closed.to_str().unwrap(),
                        text,
                    ],
                )
            };
            let cmds = vec![
                stage(1, "first-err"),
                stage(2, "second-err"),
                stage(3, "third-err"),
            ];
            let _release_all = CreateOnDrop((1..=3).map(|n| file("go", n)).collect());
            let call = watch("pipeline", move || pipeline(&cmds, Some(&b"data\n"[..])));
            for n in [3, 2, 1] {
                std::fs::write(file("go", n), "").unwrap();
                wait_for(
                    DEFAULT_LIMIT,
                    &format!("stage {n}'s stderr closed and every thread of the pipeline waiting"),
                    || call.is_finished() || (file("closed", n).exists() && others_asleep()),
                );
            }
            let output = call.join_within(DEFAULT_LIMIT).unwrap();
            assert_eq!(output.stdout, "data\n");
            assert_eq!(
                output.stderr,
                ["first-err\n", "second-err\n", "third-err\n"]
            );
        },
    );
}

// Catches: pipeline-first-stage-stdin-inherited (with no stdin data, the
// first stage inherits the caller's stdin instead of getting `/dev/null`).
// The scenario runs again in a re-run of the test binary whose stdin holds
// a line, so that the mistake shows however the tests were started.
#[test]
fn without_stdin_data_the_first_stage_reads_an_empty_stdin() {
    in_a_rerun_with_a_pipe_as_stdin(
        "pipes::without_stdin_data_the_first_stage_reads_an_empty_stdin",
        || {
            let output =
                pipeline_within(vec![Cmd::new("cat", &[]), Cmd::new("cat", &[])], None).unwrap();
            assert_eq!(
                output.stdout, "",
                "the first stage read {TEST_STDIN:?}: the stdin of the process that called pipeline"
            );
        },
    );
}

// Catches: pipeline-epipe-is-an-error (the failed write of stdin data that
// the first stage never read, EPIPE, turned into an error: the stage's exit
// status says how it went). A megabyte cannot fit in the pipe, so the write
// always fails.
#[test]
fn a_first_stage_that_never_reads_its_stdin_is_not_an_error() {
    let output = pipeline_within(
        vec![Cmd::new("true", &[]), Cmd::new("cat", &[])],
        Some(vec![b'x'; 1024 * 1024]),
    )
    .unwrap();
    assert_eq!(output.stdout, "");
    assert_eq!(output.stderr, ["", ""]);
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
