//! Exercise 2: the checks. One trait, three kinds (HTTP, TCP, a command),
//! and a decorator that retries with a growing pause, as in the traits
//! lesson. Every check is bounded by the time it is given: a server that
//! hangs costs its timeout, never more.
//!
//! The crates: `ureq` for HTTP (its agent's `timeout_connect` and
//! `timeout_global`, and `http_status_as_error(false)` so that a 500 is an
//! answer to look at rather than an error), std's `TcpStream::connect_timeout`
//! for TCP (after `ToSocketAddrs` resolved the host: try each address until
//! the time is up), and std's `Command` with `process_group(0)` and `nix`'s
//! `killpg` for commands, as in the processes lesson's `run_with_timeout`.

use std::fmt;
use std::time::Duration;

use crate::inventory::{CheckSpec, Server};

/// The most of a body an HTTP check reads to look for its text.
pub const MAX_BODY: u64 = 64 * 1024;

/// Something that can be checked. `run` answers `Ok(())` when the thing is
/// up, or `Err(reason)` in a few words (`connection refused`, `status 500,
/// expected 200`), and returns within `timeout` (plus a little to clean up).
pub trait Check: Send + Sync + fmt::Debug {
    /// What is checked, e.g. `http://10.0.0.11:8080/health`.
    fn describe(&self) -> String;
    fn run(&self, timeout: Duration) -> Result<(), String>;
}

/// `GET url`: up when the status and the body are as expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpCheck {
    pub url: String,
    pub expect_status: u16,
    pub expect_text: Option<String>,
}

/// Up when a TCP connection to `host:port` is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcpCheck {
    pub host: String,
    pub port: u16,
}

/// Runs `program` with `args`, never through a shell, in a process group
/// of its own: up when it exits with `expect_exit`. Past the timeout the
/// whole group is killed (SIGKILL) and reaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandCheck {
    pub program: String,
    pub args: Vec<String>,
    pub expect_exit: i32,
}

/// Runs `inner` again when it fails, up to `retries` more times, pausing
/// `backoff`, then twice that, and so on between attempts. Every attempt
/// gets the whole timeout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retry<C> {
    pub inner: C,
    pub retries: u32,
    pub backoff: Duration,
}

impl Check for HttpCheck {
    /// The URL.
    fn describe(&self) -> String {
        todo!("HttpCheck::describe: the URL {}", self.url)
    }

    /// `GET` the URL with `timeout` for connecting and for the whole
    /// request; no redirects followed. Up when the status is
    /// `expect_status` and, if `expect_text` is set, the first
    /// [`MAX_BODY`] bytes of the body contain it. Reasons when down:
    /// `connection refused`, `timed out`, `status 500, expected 200`,
    /// ``the body does not contain `OK` ``, or the client's own words.
    fn run(&self, timeout: Duration) -> Result<(), String> {
        todo!("HttpCheck::run: GET {} within {timeout:?}", self.url)
    }
}

impl Check for TcpCheck {
    /// `tcp://host:port` (an IPv6 host in brackets: `tcp://[::1]:22`).
    fn describe(&self) -> String {
        todo!("TcpCheck::describe: tcp://{}:{}", self.host, self.port)
    }

    /// Up when a connection to one of the host's addresses is accepted
    /// before `timeout` (one deadline for all the addresses tried).
    /// Reasons: `connection refused`, `timed out`, `cannot resolve …`.
    fn run(&self, timeout: Duration) -> Result<(), String> {
        todo!(
            "TcpCheck::run: connect to {}:{} within {timeout:?}",
            self.host,
            self.port
        )
    }
}

impl Check for CommandCheck {
    /// The program and its arguments, separated by spaces.
    fn describe(&self) -> String {
        todo!("CommandCheck::describe: {} {:?}", self.program, self.args)
    }

    /// Runs the program (stdin, stdout and stderr to `/dev/null`) in a new
    /// process group. Up when it exits with `expect_exit` within `timeout`.
    /// Past the timeout, `killpg(SIGKILL)` the whole group and reap the
    /// child before returning: nothing it started outlives the check (a
    /// `sh -c 'sleep 100 & wait'` included). Kill the group after a normal
    /// exit too. Reasons: `exit code 3, expected 0`, `timed out after …`,
    /// `killed by a signal`, `cannot run …`.
    fn run(&self, timeout: Duration) -> Result<(), String> {
        todo!(
            "CommandCheck::run: run {} {:?} within {timeout:?}",
            self.program,
            self.args
        )
    }
}

impl<C: Check> Check for Retry<C> {
    /// The inner check's description.
    fn describe(&self) -> String {
        todo!("Retry::describe: the inner check's description")
    }

    /// Runs the inner check; while it fails and retries are left, pauses
    /// (`backoff`, then double each time) and runs it again. Up as soon as
    /// one attempt is up. Down with the last reason; after more than one
    /// attempt, with ` (N attempts)` added, e.g. `connection refused
    /// (3 attempts)`. With `retries: 0` the inner check runs exactly once.
    fn run(&self, timeout: Duration) -> Result<(), String> {
        todo!(
            "Retry::run: up to {} retries, first pause {:?}, each attempt within {timeout:?}",
            self.retries,
            self.backoff
        )
    }
}

/// The check an inventory entry describes, for `server`, wrapped in a
/// [`Retry`] with `retries` and `backoff`. An HTTP check's URL is
/// `http://<address>:<port><path>`, with an IPv6 address in brackets.
pub fn build(server: &Server, spec: &CheckSpec, retries: u32, backoff: Duration) -> Box<dyn Check> {
    todo!(
        "checks::build: the check {spec:?} of {}, retried {retries} times from {backoff:?}",
        server.name
    )
}
