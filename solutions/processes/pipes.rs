//! Exercise 3: `cmd1 | cmd2 | …` without a shell.
//!
//! Reference solution. Every stage is spawned with its stdin taken from the
//! previous stage's stdout; then, on scoped threads, the stdin data is
//! written and every stderr is read while this thread reads the last
//! stdout. Only then are the stages waited for, and the first one that
//! failed (in pipeline order) decides the result: pipefail.

use std::io::{self, Read, Write};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::thread;

use crate::run::{Cmd, RunError, check_status, spawn_error};

/// What a pipeline that succeeded wrote: the last stage's stdout, and the
/// stderr of every stage, in pipeline order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PipelineOutput {
    pub stdout: String,
    pub stderr: Vec<String>,
}

// ANCHOR: pipeline
/// Runs `cmds` as a pipeline, `stdin` (if any) going to the first stage.
pub fn pipeline(cmds: &[Cmd], stdin: Option<&[u8]>) -> Result<PipelineOutput, RunError> {
    if cmds.is_empty() {
        return Err(RunError::Io {
            program: String::new(),
            kind: io::ErrorKind::InvalidInput,
            message: "an empty pipeline has nothing to run".to_string(),
        });
    }

    let mut children: Vec<Child> = Vec::with_capacity(cmds.len());
    let mut previous: Option<ChildStdout> = None;
    for cmd in cmds {
        let input = match previous.take() {
            Some(out) => Stdio::from(out),
            None if stdin.is_some() => Stdio::piped(),
            None => Stdio::null(),
        };
        // The `Command` is a temporary: it is dropped at the end of this
        // statement, and with it our copy of the pipe's read end. Kept alive,
        // that copy would stop a writer from ever getting SIGPIPE.
        let spawned = Command::new(&cmd.program)
            .args(&cmd.args)
            .stdin(input)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn();
        match spawned {
            Ok(mut child) => {
                previous = child.stdout.take();
                children.push(child);
            }
            Err(e) => {
                // Do not leave the stages already started running or unreaped.
                for mut child in children {
                    let _ = child.kill();
                    let _ = child.wait();
                }
                return Err(spawn_error(&cmd.program, e));
            }
        }
    }
    let last_stdout = previous.take().expect("the last stage's stdout is piped");

    let (stdout, stderr, statuses) = thread::scope(|scope| {
        if let (Some(data), Some(mut pipe)) = (stdin, children[0].stdin.take()) {
            // EPIPE (a first stage that stops reading) is not our error.
            scope.spawn(move || {
                let _ = pipe.write_all(data);
            });
        }
        let stderr_readers: Vec<_> = children
            .iter_mut()
            .map(|child| {
                let pipe = child.stderr.take().expect("stderr is piped");
                scope.spawn(move || read_text(pipe))
            })
            .collect();
        let stdout = read_text(last_stdout);
        let stderr: Vec<String> = stderr_readers
            .into_iter()
            .map(|reader| reader.join().expect("a reader does not panic"))
            .collect();
        let statuses: Vec<_> = children.iter_mut().map(Child::wait).collect();
        (stdout, stderr, statuses)
    });

    // Pipefail: the first stage that failed, in pipeline order, wins.
    for ((cmd, status), stage_stderr) in cmds.iter().zip(statuses).zip(&stderr) {
        let status = status.map_err(|e| RunError::Io {
            program: cmd.program.clone(),
            kind: e.kind(),
            message: e.to_string(),
        })?;
        check_status(&cmd.program, status, stage_stderr)?;
    }
    Ok(PipelineOutput { stdout, stderr })
}
// ANCHOR_END: pipeline

/// Reads a pipe to its end, as text. A read error ends the text early.
fn read_text(mut pipe: impl Read) -> String {
    let mut bytes = Vec::new();
    let _ = pipe.read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}
