//! Exercise 3: checks behind a trait.
//!
//! Reference solution. `Check` is the interface; three structs and every
//! matching closure implement it; `run_checks` runs a list of them.

use std::fmt;

use crate::server::{Protocol, Server};

/// The result of one check: `Ok(())` when it passes, `Err(reason)` when not.
pub type Outcome = Result<(), String>;

// ANCHOR: check_trait
/// Something that can be checked on a server.
pub trait Check {
    /// A short name for reports, e.g. `has service ssh`.
    fn name(&self) -> String;

    /// Runs the check on `server`.
    fn run(&self, server: &Server) -> Outcome;

    /// A longer, human description. By default, the name.
    fn describe(&self) -> String {
        self.name()
    }
}
// ANCHOR_END: check_trait

/// Passes when the server has a service with this exact name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HasService {
    pub name: String,
}

impl Check for HasService {
    fn name(&self) -> String {
        format!("has service {}", self.name)
    }

    fn run(&self, server: &Server) -> Outcome {
        if server.services().iter().any(|s| s.name == self.name) {
            Ok(())
        } else {
            Err(format!("no service named {:?}", self.name))
        }
    }
}

/// Passes when some service of the server listens on this port with this
/// protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExposesPort {
    pub port: u16,
    pub protocol: Protocol,
}

impl Check for ExposesPort {
    fn name(&self) -> String {
        format!("exposes {}/{}", self.port, self.protocol)
    }

    fn run(&self, server: &Server) -> Outcome {
        let exposed = server
            .services()
            .iter()
            .any(|s| s.protocol == self.protocol && s.ports.contains(&self.port));
        if exposed {
            Ok(())
        } else {
            Err(format!("{}/{} is not exposed", self.port, self.protocol))
        }
    }
}

/// Fails when the server exposes telnet (23/tcp) or ftp (21/tcp), which send
/// passwords in clear text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NoPlaintextProtocols;

/// The protocols `NoPlaintextProtocols` looks for: (what, port, protocol).
const PLAINTEXT: [(&str, u16, Protocol); 2] =
    [("telnet", 23, Protocol::Tcp), ("ftp", 21, Protocol::Tcp)];

impl Check for NoPlaintextProtocols {
    fn name(&self) -> String {
        "no plaintext protocols".to_string()
    }

    fn run(&self, server: &Server) -> Outcome {
        let mut found = Vec::new();
        for service in server.services() {
            for (what, port, protocol) in PLAINTEXT {
                if service.protocol == protocol && service.ports.contains(&port) {
                    found.push(format!(
                        "{what} ({port}/{protocol}) exposed by {}",
                        service.name
                    ));
                }
            }
        }
        if found.is_empty() {
            Ok(())
        } else {
            Err(found.join("; "))
        }
    }

    // This check overrides the default `describe`: its name alone does not
    // say which protocols it looks for.
    fn describe(&self) -> String {
        "no plaintext protocols: fails when telnet (23/tcp) or ftp (21/tcp) is exposed".to_string()
    }
}

// ANCHOR: blanket_impl
/// Every function or closure that takes a `&Server` and returns an
/// `Outcome` is a `Check`, named `closure`.
impl<F> Check for F
where
    F: Fn(&Server) -> Outcome,
{
    fn name(&self) -> String {
        "closure".to_string()
    }

    fn run(&self, server: &Server) -> Outcome {
        self(server)
    }
}
// ANCHOR_END: blanket_impl

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
        self.results.iter().filter(|r| r.outcome.is_ok()).count()
    }

    /// How many checks failed.
    pub fn failed(&self) -> usize {
        self.results.iter().filter(|r| r.outcome.is_err()).count()
    }

    /// Whether every check passed (true for a report without checks).
    pub fn all_passed(&self) -> bool {
        self.results.iter().all(|r| r.outcome.is_ok())
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for result in &self.results {
            match &result.outcome {
                Ok(()) => writeln!(f, "PASS {}", result.check)?,
                Err(reason) => writeln!(f, "FAIL {}: {reason}", result.check)?,
            }
        }
        write!(
            f,
            "{}: {} passed, {} failed",
            self.server,
            self.passed(),
            self.failed()
        )
    }
}

// ANCHOR: run_checks
/// Runs every check once, in order, on `server`, and reports each outcome.
/// A failure does not stop the run: a report lists everything that is wrong.
pub fn run_checks(server: &Server, checks: &[Box<dyn Check>]) -> CheckReport {
    let results = checks
        .iter()
        .map(|check| CheckResult {
            check: check.name(),
            outcome: check.run(server),
        })
        .collect();
    CheckReport {
        server: server.name().to_string(),
        results,
    }
}
// ANCHOR_END: run_checks
