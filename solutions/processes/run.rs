//! Exercise 1: run a program, capture what it says, and tell every way it
//! can go wrong apart.
//!
//! Reference solution. The program gets its arguments as a list, never
//! through a shell; its stdin data is written on a thread of its own, while
//! `wait_with_output` reads stdout and stderr together, so no amount of
//! output on any stream can make the two processes wait for each other.

use std::error::Error;
use std::fmt;
use std::io::{self, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::Duration;

/// How to run a program, beyond its name and arguments. `RunOptions::default()`
/// means: the current directory, the current environment, an empty stdin.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// The working directory of the child; `None` keeps ours.
    pub cwd: Option<PathBuf>,
    /// Variables added to (or replacing some of) the environment the child
    /// inherits from us.
    pub env: Vec<(String, String)>,
    /// Bytes written to the child's stdin, which is then closed. `None`: the
    /// child's stdin is empty (`/dev/null`), never our terminal.
    pub stdin: Option<Vec<u8>>,
}

/// What a program that succeeded wrote, as text (bytes that are not UTF-8
/// become `U+FFFD`, as with Python's `errors="replace"`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
}

/// A program and its arguments, as later exercises take them:
/// `Cmd::new("printf", &["%s\n", "hello"])`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cmd {
    pub program: String,
    pub args: Vec<String>,
}

impl Cmd {
    /// A shorthand that copies the strings.
    pub fn new(program: &str, args: &[&str]) -> Cmd {
        Cmd {
            program: program.to_string(),
            args: args.iter().map(|a| a.to_string()).collect(),
        }
    }
}

/// Every way running a program can fail. `program` is the name it was asked
/// to run, so a message can say which one failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    /// There is no such program (not on `PATH`, or no such file). The shell
    /// says `command not found` and exits with 127.
    NotFound { program: String },
    /// The file exists but may not be executed (no `x` permission). The
    /// shell says `permission denied` and exits with 126.
    NotExecutable { program: String },
    /// The program ran and exited with a code other than 0.
    Failed {
        program: String,
        code: i32,
        stderr: String,
    },
    /// The program was killed by a signal (9 = SIGKILL, 15 = SIGTERM, …):
    /// it has no exit code at all. The shell shows it as 128 + signal.
    Killed {
        program: String,
        signal: i32,
        stderr: String,
    },
    /// The program ran out of time and was killed (exercise 5), with what
    /// it had written until then.
    TimedOut {
        program: String,
        limit: Duration,
        stdout: String,
        stderr: String,
    },
    /// Any other I/O error from the operating system.
    Io {
        program: String,
        kind: io::ErrorKind,
        message: String,
    },
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::NotFound { program } => write!(f, "{program}: command not found"),
            RunError::NotExecutable { program } => {
                write!(f, "{program}: permission denied (not executable)")
            }
            RunError::Failed { program, code, .. } => {
                write!(f, "{program} exited with code {code}")
            }
            RunError::Killed {
                program, signal, ..
            } => write!(f, "{program} was killed by signal {signal}"),
            RunError::TimedOut { program, limit, .. } => {
                write!(f, "{program} timed out after {limit:?}")
            }
            RunError::Io {
                program, message, ..
            } => write!(f, "{program}: {message}"),
        }
    }
}

impl Error for RunError {}

// ANCHOR: spawn_error
/// What a failed `spawn()` means. The OS tells the cases apart by the
/// error's kind: `ENOENT` is "no such program", `EACCES` is "not allowed to
/// execute it".
pub fn spawn_error(program: &str, error: io::Error) -> RunError {
    let program = program.to_string();
    match error.kind() {
        io::ErrorKind::NotFound => RunError::NotFound { program },
        io::ErrorKind::PermissionDenied => RunError::NotExecutable { program },
        kind => RunError::Io {
            program,
            kind,
            message: error.to_string(),
        },
    }
}
// ANCHOR_END: spawn_error

// ANCHOR: check_status
/// Turns how a process ended into `Ok(())` or the error that says why not.
/// On Unix a process either exits with a code or is killed by a signal;
/// `code()` is `None` for the second, and `0` would be a lie.
pub fn check_status(program: &str, status: ExitStatus, stderr: &str) -> Result<(), RunError> {
    let program = program.to_string();
    let stderr = stderr.to_string();
    if status.success() {
        Ok(())
    } else if let Some(code) = status.code() {
        Err(RunError::Failed {
            program,
            code,
            stderr,
        })
    } else if let Some(signal) = status.signal() {
        Err(RunError::Killed {
            program,
            signal,
            stderr,
        })
    } else {
        // `wait` only reports processes that ended, so this is not reached.
        Err(RunError::Io {
            program,
            kind: io::ErrorKind::Other,
            message: format!("ended with an unknown status: {status}"),
        })
    }
}
// ANCHOR_END: check_status

// ANCHOR: run
/// Runs `program` with `args` (never through a shell) and returns what it
/// wrote, if it exited with 0.
pub fn run(program: &str, args: &[&str], options: &RunOptions) -> Result<Output, RunError> {
    let mut command = Command::new(program);
    // Each argument reaches the program as it is: no shell splits it on
    // spaces or runs what follows a `;`.
    command
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(dir) = &options.cwd {
        command.current_dir(dir);
    }
    // `envs` adds to the inherited environment; `env_clear` would drop PATH.
    command.envs(options.env.iter().map(|(k, v)| (k, v)));
    command.stdin(match options.stdin {
        Some(_) => Stdio::piped(),
        None => Stdio::null(),
    });

    let mut child = command.spawn().map_err(|e| spawn_error(program, e))?;

    // Write stdin on a thread: a child like `cat` writes while it reads, and
    // if we wrote everything before reading, both sides would wait forever
    // once the pipes are full (64 KiB on Linux).
    let writer = match (&options.stdin, child.stdin.take()) {
        (Some(data), Some(mut stdin)) => {
            let data = data.clone();
            // Dropping `stdin` at the end of the thread closes it: EOF.
            // A child that exits without reading all of it makes the write
            // fail (EPIPE); that is the child's business, not an error here.
            Some(thread::spawn(move || {
                let _ = stdin.write_all(&data);
            }))
        }
        _ => None,
    };

    // Reads stdout and stderr at the same time, then waits for the exit.
    let output = child.wait_with_output().map_err(|e| RunError::Io {
        program: program.to_string(),
        kind: e.kind(),
        message: e.to_string(),
    })?;
    if let Some(writer) = writer {
        writer.join().expect("the stdin writer does not panic");
    }

    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    check_status(program, output.status, &stderr)?;
    Ok(Output { stdout, stderr })
}
// ANCHOR_END: run
