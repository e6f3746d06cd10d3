//! Exercise 2: `svcctl`, a command-line tool with an exit-code contract.
//!
//! Reference solution. `main` reads the arguments, the file and the network
//! and reports through two writers and the `ExitCode` it returns; the binary
//! (`src/bin/svcctl.rs`) only hands it the real stdout and stderr.
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

use std::fs;
use std::io::Write;
use std::net::{TcpStream, ToSocketAddrs};
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

// ANCHOR: usage
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
// ANCHOR_END: usage

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

// ANCHOR: parse_services
/// Parses the services file: one `name host:port` per line; blank lines and
/// lines whose first non-blank character is `#` are skipped. The first
/// malformed line stops the parse.
pub fn parse_services(text: &str) -> Result<Vec<Service>, BadLine> {
    let mut services = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        let bad = |reason: &str| BadLine {
            line: line_no,
            reason: reason.to_string(),
        };
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = trimmed.split_whitespace().collect();
        let [name, address] = fields[..] else {
            return Err(bad("expected `name host:port`"));
        };
        // `rsplit_once`: the port follows the last colon, so `[::1]:80` works.
        let Some((host, port)) = address.rsplit_once(':') else {
            return Err(bad("the address has no `:port`"));
        };
        if host.is_empty() {
            return Err(bad("the address has no host"));
        }
        match port.parse::<u16>() {
            Ok(p) if p != 0 => {}
            _ => return Err(bad("the port is not a number from 1 to 65535")),
        }
        services.push(Service {
            name: name.to_string(),
            address: address.to_string(),
        });
    }
    Ok(services)
}
// ANCHOR_END: parse_services

/// Whether something accepts a TCP connection at `address` (`host:port`)
/// within `timeout`. A name that does not resolve counts as down; a name
/// with several addresses is up if any of them answers.
pub fn is_up(address: &str, timeout: Duration) -> bool {
    let Ok(addrs) = address.to_socket_addrs() else {
        return false;
    };
    addrs
        .into_iter()
        .any(|addr| TcpStream::connect_timeout(&addr, timeout).is_ok())
}

// ANCHOR: main
/// The whole of `svcctl`: `args` are the arguments after the program name.
/// Results go to `stdout`, diagnostics to `stderr`, and the exit code says
/// which case it was (see the table at the top of this module).
pub fn main(args: &[String], stdout: &mut dyn Write, stderr: &mut dyn Write) -> ExitCode {
    // Writing to a closed stdout or stderr is not worth a panic: ignore it.
    let usage_error = |stderr: &mut dyn Write, problem: &str| {
        let _ = write!(stderr, "svcctl: {problem}\n\n{USAGE}");
        ExitCode::from(EXIT_USAGE)
    };
    let file = match args {
        [flag] if flag == "--help" || flag == "-h" => {
            let _ = write!(stdout, "{USAGE}");
            return ExitCode::from(EXIT_OK);
        }
        [command, file] if command == "check" => file,
        [] => return usage_error(stderr, "missing command"),
        [command] if command == "check" => return usage_error(stderr, "missing FILE"),
        [command, ..] if command != "check" => {
            return usage_error(stderr, &format!("unknown command `{command}`"));
        }
        [_, _, extra, ..] => {
            return usage_error(stderr, &format!("unexpected argument `{extra}`"));
        }
        _ => unreachable!("every shape of `args` is matched above"),
    };

    let text = match fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) => {
            let _ = writeln!(stderr, "svcctl: cannot read {file}: {e}");
            return ExitCode::from(EXIT_NOINPUT);
        }
    };
    let Ok(text) = String::from_utf8(text) else {
        let _ = writeln!(stderr, "svcctl: {file}: not UTF-8 text");
        return ExitCode::from(EXIT_DATAERR);
    };
    // Parse the whole file before checking anything: bad data produces no
    // half-done results on stdout.
    let services = match parse_services(&text) {
        Ok(services) => services,
        Err(bad) => {
            let _ = writeln!(stderr, "svcctl: {file}: line {}: {}", bad.line, bad.reason);
            return ExitCode::from(EXIT_DATAERR);
        }
    };

    let mut down = 0;
    for service in &services {
        let up = is_up(&service.address, CONNECT_TIMEOUT);
        if !up {
            down += 1;
        }
        let state = if up { "up" } else { "down" };
        let _ = writeln!(stdout, "{} {state}", service.name);
    }
    if down > 0 {
        let _ = writeln!(stderr, "svcctl: {down} of {} services down", services.len());
        ExitCode::from(EXIT_CHECK_FAILED)
    } else {
        ExitCode::from(EXIT_OK)
    }
}
// ANCHOR_END: main
