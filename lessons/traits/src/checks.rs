//! Exercise 3: checks behind a trait.
//!
//! A trait is an interface: a set of methods a type promises to have. In
//! Python you would write an abstract base class `Check` with an
//! `@abstractmethod run`, or just rely on duck typing. In Rust the compiler
//! checks the promise, and a trait can give *default methods* (here
//! `describe`) that an implementation may keep or override.
//!
//! `run_checks` takes `&[Box<dyn Check>]`: a list of *different* types, all
//! behind the same trait ("trait objects"), like a Python list of objects
//! that all have a `run` method.
//!
//! Run the tests with `cargo kata check traits/checks`.

use std::fmt;

use crate::server::{Protocol, Server};

/// The result of one check: `Ok(())` when it passes, `Err(reason)` when not.
pub type Outcome = Result<(), String>;

/// Something that can be checked on a server.
pub trait Check {
    /// A short name for reports, e.g. `has service ssh`.
    fn name(&self) -> String;

    /// Runs the check on `server`.
    fn run(&self, server: &Server) -> Outcome;

    /// A longer, human description. This default method is yours to write:
    /// by default, a check is described by its name.
    fn describe(&self) -> String {
        todo!(
            "by default, describe a check by its name, {:?}",
            self.name()
        )
    }
}

/// Passes when the server has a service with exactly this name. Its name is
/// `has service <name>`, e.g. `has service ssh`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HasService {
    pub name: String,
}

impl Check for HasService {
    fn name(&self) -> String {
        todo!("name this check after the service {:?}", self.name)
    }

    fn run(&self, server: &Server) -> Outcome {
        todo!(
            "pass when {:?} has a service named {:?}",
            server.name(),
            self.name
        )
    }
}

/// Passes when some service of the server listens on `port` *with*
/// `protocol`. Its name is `exposes <port>/<protocol>`, e.g.
/// `exposes 443/tcp` (the `Display` of `Protocol` from the last exercise
/// helps).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExposesPort {
    pub port: u16,
    pub protocol: Protocol,
}

impl Check for ExposesPort {
    fn name(&self) -> String {
        todo!(
            "name this check after the port {} and the protocol {:?}",
            self.port,
            self.protocol
        )
    }

    fn run(&self, server: &Server) -> Outcome {
        todo!(
            "pass when a service of {:?} listens on {} with {:?}",
            server.name(),
            self.port,
            self.protocol
        )
    }
}

/// Fails when any service of the server listens on telnet's port (23/tcp)
/// or ftp's (21/tcp), which send passwords in clear text; the reason names
/// each one found (`telnet`, `ftp`). The same ports over udp are not
/// telnet or ftp. Its name is `no plaintext protocols`.
///
/// This is the check that overrides `describe`: its name alone does not
/// say which protocols it looks for, so its description must mention
/// telnet and ftp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NoPlaintextProtocols;

impl Check for NoPlaintextProtocols {
    fn name(&self) -> String {
        todo!("name this check \"no plaintext protocols\"")
    }

    fn run(&self, server: &Server) -> Outcome {
        todo!(
            "fail when {:?} exposes telnet (23/tcp) or ftp (21/tcp), naming which",
            server.name()
        )
    }

    fn describe(&self) -> String {
        todo!("describe this check, naming telnet and ftp")
    }
}

/// A blanket implementation: every function or closure that takes a
/// `&Server` and returns an `Outcome` is a `Check` too, named `closure`.
/// So `Box::new(|s: &Server| -> Outcome { .. })` fits in a
/// `Vec<Box<dyn Check>>` next to the structs above.
///
/// Hint: inside, `self` is the closure; call it like a function.
impl<F> Check for F
where
    F: Fn(&Server) -> Outcome,
{
    fn name(&self) -> String {
        todo!("every closure check is named \"closure\"")
    }

    fn run(&self, server: &Server) -> Outcome {
        todo!("call the closure with the server {:?}", server.name())
    }
}

/// The outcome of one check of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    /// The name of the check.
    pub check: String,
    pub outcome: Outcome,
}

/// The outcomes of a list of checks on one server, in the order they ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// The name of the server.
    pub server: String,
    pub results: Vec<CheckResult>,
}

impl CheckReport {
    /// How many checks passed.
    pub fn passed(&self) -> usize {
        todo!("count the passing results of {:?}", self.results)
    }

    /// How many checks failed.
    pub fn failed(&self) -> usize {
        todo!("count the failing results of {:?}", self.results)
    }

    /// Whether every check passed (true for a report without checks, like
    /// Python's `all([])`).
    pub fn all_passed(&self) -> bool {
        todo!("tell whether every result of {:?} passed", self.results)
    }
}

/// One line per result, in order: `PASS <check>` or `FAIL <check>:
/// <reason>`; then a summary line `<server>: <p> passed, <f> failed`. Lines
/// are separated by `\n`, with no newline after the last one:
///
/// ```text
/// PASS has service ssh
/// FAIL exposes 443/tcp: 443/tcp is not exposed
/// web-1: 1 passed, 1 failed
/// ```
///
/// Hint: `writeln!(f, ...)?` for the result lines, `write!` for the last.
impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let _ = f;
        todo!(
            "write the report of {:?} line by line into the formatter",
            self.server
        )
    }
}

/// Runs every check of `checks` once, in order, on `server`, and returns a
/// report with one result per check, in the same order, named by
/// `Check::name`. A failure does not stop the run: the point of a report is
/// to list everything that is wrong at once.
pub fn run_checks(server: &Server, checks: &[Box<dyn Check>]) -> CheckReport {
    todo!(
        "run each of the {} checks once, in order, on {:?}",
        checks.len(),
        server.name()
    )
}
