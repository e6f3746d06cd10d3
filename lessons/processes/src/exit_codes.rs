//! Exercise 2: `svcctl`, a command-line tool with an exit-code contract.
//!
//! Scripts, CI jobs and monitoring read a tool through three channels: what
//! it prints on **stdout** (results, for the next program in a pipe), what
//! it prints on **stderr** (diagnostics, for a human), and its **exit code**
//! (for `if`, `&&`, `set -e`, systemd, Kubernetes). A tool that prints an
//! error on stdout pollutes the pipe; one that exits 0 after a failure lies
//! to every script that runs it. So the codes are a contract, and this one
//! uses the BSD `sysexits.h` values that many Unix tools share:
//!
//! ```text
//! svcctl check FILE
//! ```
//!
//! | exit | meaning                             | stdout           | stderr            |
//! |------|-------------------------------------|------------------|-------------------|
//! | 0    | every service is up                 | `name up` lines  | nothing           |
//! | 1    | a check failed: a service is down   | `name up`/`down` | how many are down |
//! | 2    | usage error                         | nothing          | what, and usage   |
//! | 65   | a malformed line (`EX_DATAERR`)     | nothing          | its line number   |
//! | 66   | FILE cannot be read (`EX_NOINPUT`)  | nothing          | why               |
//!
//! - FILE has one service per line, `name host:port` (`web 10.0.0.5:443`),
//!   fields separated by blanks; blank lines and lines starting with `#`
//!   are skipped. Anything else is malformed: exit 65 with the line number on
//!   stderr (`svcctl: FILE: line 3: …`), and nothing checked, nothing on
//!   stdout. A file that is not UTF-8 is malformed too.
//! - Each service is up if a TCP connect to its address succeeds within
//!   [`CONNECT_TIMEOUT`]. One stdout line per service, in file order:
//!   `web up` or `db down`. Any down: exit 1, and stderr says
//!   `svcctl: 1 of 3 services down`.
//! - `svcctl --help` (or `-h`) prints [`USAGE`] on stdout and exits 0. No
//!   command, an unknown command, `check` without FILE or with more than
//!   one argument: exit 2, stderr `svcctl: <the problem>`, then [`USAGE`].
//! - A file that is missing (or unreadable): exit 66, stderr
//!   `svcctl: cannot read FILE: <the OS error>`.
//!
//! The binary `src/bin/svcctl.rs` is given: it calls [`main`] below with the
//! arguments and the real stdout and stderr. Taking them as `&mut dyn Write`
//! keeps `main` free of globals, and `Python`'s `sys.exit(65)` becomes
//! returning `ExitCode::from(65)`. Try it: `cargo run -q -p processes --bin
//! svcctl -- --help`.
//!
//! Run the tests with `cargo kata check processes/exit_codes`.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

/// Every service is up (and `--help`).
pub const EXIT_OK: u8 = 0;
/// The check ran and failed: at least one service is down.
pub const EXIT_CHECK_FAILED: u8 = 1;
/// The command line is wrong.
pub const EXIT_USAGE: u8 = 2;
/// `EX_DATAERR` from BSD's `sysexits.h`: the input data is malformed.
pub const EXIT_DATAERR: u8 = 65;
/// `EX_NOINPUT` from BSD's `sysexits.h`: the input file is missing or
/// unreadable.
pub const EXIT_NOINPUT: u8 = 66;

/// How long a TCP connect may take before the service counts as down.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// The help text: printed on stdout for `--help`, on stderr after a usage error.
pub const USAGE: &str = "\
usage: svcctl check FILE
       svcctl --help

Checks that every service listed in FILE accepts TCP connections.
FILE has one service per line, `name host:port`, e.g. `web 10.0.0.5:443`;
blank lines and lines starting with `#` are ignored.
Prints `name up` or `name down` for each service, in the order of FILE.

exit status:
  0   every service is up
  1   at least one service is down
  2   usage error
  65  a malformed line in FILE (nothing is checked)
  66  FILE is missing or unreadable
";

/// One line of the services file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub name: String,
    /// `host:port`, as written in the file.
    pub address: String,
}

/// A line of the services file that is not `name host:port`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// 1-based, counting every line of the file (blank and comment lines too).
    pub line: usize,
    pub reason: String,
}

/// Parses the services file: one `name host:port` per line; blank lines and
/// lines whose first non-blank character is `#` are skipped. The first
/// malformed line stops the parse with its 1-based number (every line of
/// the text counts, blank and comment lines too) and a reason.
///
/// Malformed: not exactly two blank-separated fields; an address without a
/// `:`; an empty host; a port that is not a number from 1 to 65535. The
/// port follows the *last* colon (`rsplit_once`), so `[::1]:80` is fine.
pub fn parse_services(text: &str) -> Result<Vec<Service>, BadLine> {
    todo!("parse the services file, line by line: {text:?}")
}

/// Whether something accepts a TCP connection at `address` (`host:port`)
/// within `timeout`: `to_socket_addrs()` resolves it (a name that does not
/// resolve counts as down), and `TcpStream::connect_timeout` tries each
/// address it gives; up if any connects.
pub fn is_up(address: &str, timeout: Duration) -> bool {
    todo!("try a TCP connection to {address:?} within {timeout:?}")
}

/// The whole of `svcctl`: `args` are the arguments after the program name.
/// Results go to `stdout`, diagnostics to `stderr`, and the returned exit
/// code says which case it was (see the table at the top of this module).
///
/// Read the whole file and parse it before checking anything, so that bad
/// data produces no half-done results on stdout. Ignore write errors
/// (`let _ = writeln!(..)`): a closed stdout is no reason to panic.
pub fn main(args: &[String], stdout: &mut dyn Write, stderr: &mut dyn Write) -> ExitCode {
    todo!(
        "run svcctl with the arguments {args:?}: results to stdout (a {}), diagnostics to stderr (a {})",
        std::any::type_name_of_val(stdout),
        std::any::type_name_of_val(stderr)
    )
}
