//! Exercise 1: run a program, capture what it says, and tell every way it
//! can go wrong apart.
//!
//! In Python:
//!
//! ```python
//! try:
//!     result = subprocess.run(["git", "status"], capture_output=True,
//!                             text=True, check=True)
//! except FileNotFoundError:        # no such program
//!     ...
//! except subprocess.CalledProcessError as e:   # exit code != 0
//!     print(e.returncode, e.stderr)
//! ```
//!
//! Here, `run("git", &["status"], &RunOptions::default())` returns
//! `Result<Output, RunError>`, and `RunError` has one variant per case, so a
//! caller can `match` on them and the compiler makes sure none is forgotten.
//!
//! The rules:
//!
//! - **Never through a shell.** `Command::new(program).args(args)` hands each
//!   argument to the program as it is. `sh -c` with the arguments pasted into
//!   one string would split `my file.txt` in two, and run whatever follows a
//!   `;` in an argument: an injection.
//! - **The status is never ignored.** Exit code 0 is success; any other code
//!   is `Failed`. A process killed by a signal has no exit code at all
//!   (`status.code()` is `None`): that is `Killed`, with the signal from
//!   `std::os::unix::process::ExitStatusExt::signal()`, and never "code 0".
//! - **Spawn errors say what went wrong.** `spawn()` fails with an
//!   `io::Error` whose `kind()` is `NotFound` when there is no such program
//!   and `PermissionDenied` when the file is not executable.
//! - **Nothing deadlocks.** A pipe holds about 64 KiB; a child writing more
//!   waits until we read. Read stdout and stderr at the same time
//!   (`Child::wait_with_output` does), and write the stdin data on a thread
//!   of its own: a child like `cat` writes while it reads.
//!
//! The types are given; `spawn_error`, `check_status` and `run` are yours.
//! The later exercises reuse all of them through `use crate::run::…`.
//!
//! Run the tests with `cargo kata check processes/run`.

use std::error::Error;
use std::fmt;
use std::io;
use std::path::PathBuf;
use std::process::ExitStatus;
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

/// What a failed `spawn()` means, from the error's `kind()`:
///
/// - `io::ErrorKind::NotFound` (ENOENT): [`RunError::NotFound`]
/// - `io::ErrorKind::PermissionDenied` (EACCES): [`RunError::NotExecutable`]
/// - anything else: [`RunError::Io`], with the kind and `error.to_string()`.
///
/// (A `cwd` that does not exist fails with ENOENT too; Python's
/// `FileNotFoundError` has the same ambiguity.)
pub fn spawn_error(program: &str, error: io::Error) -> RunError {
    todo!("tell what spawning {program:?} failed with means: {error:?}")
}

/// Turns how a process ended into `Ok(())` or the error that says why not:
///
/// - `status.success()`: `Ok(())`
/// - an exit code (`status.code()` is `Some`): [`RunError::Failed`] with it
/// - no exit code: the process was killed; `status.signal()` (from the
///   trait `std::os::unix::process::ExitStatusExt`, which you have to `use`)
///   gives [`RunError::Killed`] its signal.
///
/// `stderr` goes into the error, so the caller can show what the program
/// said before it failed.
pub fn check_status(program: &str, status: ExitStatus, stderr: &str) -> Result<(), RunError> {
    todo!(
        "turn the status {status} of {program:?} into Ok or the error saying why not, with its stderr {stderr:?}"
    )
}

/// Runs `program` with `args` and returns what it wrote to stdout and stderr,
/// if it exited with 0.
///
/// - `Command::new(program).args(args)`; no shell.
/// - `options.cwd`: `current_dir`. `options.env`: `envs`, which adds to the
///   environment the child inherits (PATH and the rest stay).
/// - `options.stdin`: `Some(data)` means a piped stdin, the data written on a
///   thread of its own, then closed (drop the `ChildStdin`) so the child sees
///   the end of its input. A child may exit without reading it all: the
///   write then fails, and that is not an error of `run`. `None` means
///   `Stdio::null()`: an empty stdin, never our terminal.
/// - stdout and stderr piped and read together: `wait_with_output`.
/// - text with `String::from_utf8_lossy`: bytes that are not UTF-8 become
///   `U+FFFD` instead of an error.
/// - errors: `spawn_error` when `spawn()` fails, `check_status` on the status.
pub fn run(program: &str, args: &[&str], options: &RunOptions) -> Result<Output, RunError> {
    todo!(
        "run {program:?} with the arguments {args:?} and the options {options:?}, and capture its output"
    )
}
