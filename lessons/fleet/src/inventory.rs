//! Exercise 1: the inventory. Which servers there are, how to reach them and
//! what to check on each, read from YAML (or JSON) into plain Rust types, and
//! every mistake in the file reported with the file, line and column, the
//! server and the field, so that `fleetmon` can exit 2 with a message a person
//! fixes in one go.
//!
//! ```yaml
//! defaults: { timeout: 2s, retries: 1, concurrency: 10 }
//! servers:
//!   - name: web-01
//!     address: 10.0.0.11
//!     checks:
//!       - http: { port: 8080, path: /health, expect_status: 200, expect_text: OK }
//!       - tcp: { port: 22 }
//!       - command: { program: /usr/lib/nagios/plugins/check_disk, args: ["-w", "10%"] }
//! ```

use std::fmt;
use std::path::Path;
use std::time::Duration;

/// Used when the inventory's `defaults` do not say.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);
pub const DEFAULT_RETRIES: u32 = 0;
pub const DEFAULT_CONCURRENCY: usize = 10;

/// A whole inventory: the defaults and the servers, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inventory {
    pub defaults: Defaults,
    pub servers: Vec<Server>,
}

/// How every check runs unless the command line says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Defaults {
    /// The limit of one attempt of one check.
    pub timeout: Duration,
    /// Attempts after the first one that failed.
    pub retries: u32,
    /// Checks in flight at once.
    pub concurrency: usize,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            timeout: DEFAULT_TIMEOUT,
            retries: DEFAULT_RETRIES,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }
}

/// One server: a unique host name, an address to reach it at, its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub name: String,
    /// A host name or an IP address (IPv6 without brackets).
    pub address: String,
    pub checks: Vec<CheckSpec>,
}

/// What to check, as the inventory says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckSpec {
    /// `GET http://<address>:<port><path>`: up when the status is
    /// `expect_status` and the body contains `expect_text` (if given).
    Http {
        port: u16,
        path: String,
        expect_status: u16,
        expect_text: Option<String>,
    },
    /// Up when a TCP connection to `<address>:<port>` is accepted.
    Tcp { port: u16 },
    /// Runs `program` with `args` (never through a shell): up when it
    /// exits with `expect_exit`.
    Command {
        program: String,
        args: Vec<String>,
        expect_exit: i32,
    },
}

/// A mistake in an inventory, with everything a person needs to find it.
/// Displays as `file:line:column: server `web-3`: field `checks[0].port`:
/// message`, leaving out the parts it does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryError {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The name of the server the mistake is in, when it has one.
    pub server: Option<String>,
    /// Where in the document, e.g. `servers[2].checks[0].port`.
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for InventoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": ")?;
        if let Some(server) = &self.server {
            write!(f, "server `{server}`: ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "field `{field}`: ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for InventoryError {}

/// `"250ms"`, `"2s"`, `"1m"`: a whole number and a unit (`ms`, `s`, `m`),
/// nothing else (no spaces inside, no fractions, no other units). Zero is
/// refused: a check with no time to run is a mistake. The error says what
/// was wrong with `text`, in a few words.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    todo!("parse_duration: read {text:?} as a whole number and a unit ms, s or m")
}

/// The host-name rules of the traits lesson: 1 to 253 characters, labels
/// (the parts between dots) of 1 to 63 ASCII letters, digits and hyphens,
/// no label starting or ending with a hyphen. The error names the rule.
pub fn validate_hostname(name: &str) -> Result<(), String> {
    todo!("validate_hostname: check {name:?} against the host-name rules")
}

/// Which of `count` shards (numbered from 0) a server belongs to: the
/// 64-bit FNV-1a hash of its name's bytes, modulo `count` (a `count` of 0
/// counts as 1). FNV-1a: start from `0xcbf29ce484222325`; for each byte,
/// XOR it in, then multiply by `0x100000001b3` (wrapping). Not std's
/// `DefaultHasher`: its values may change between Rust versions, and N
/// monitors must agree on the split for years.
pub fn shard_of(name: &str, count: usize) -> usize {
    todo!("shard_of: hash {name:?} with FNV-1a and take it modulo {count}")
}

impl Inventory {
    /// Parses an inventory; `file` names it in errors and chooses the
    /// format: JSON when it ends in `.json`, YAML otherwise.
    ///
    /// The format is in the module docs and the chapter. Rules, each a
    /// test: unknown fields are errors (a typo like `adress` must not be
    /// silently ignored); `defaults` and each of its fields are optional
    /// ([`DEFAULT_TIMEOUT`], …); durations as [`parse_duration`] reads them;
    /// `concurrency` at least 1; server names valid host names and unique;
    /// an `address` an IP address or a valid host name; every server has at
    /// least one check; a check is a map with exactly one key, `http`, `tcp`
    /// or `command`; ports 1 to 65535; an `http` check's `path` starts with
    /// `/` (default `/`), `expect_status` defaults to 200; a `command`'s
    /// `args` default to none and `expect_exit` to 0.
    ///
    /// Every error is an [`InventoryError`] with the file, and whatever of
    /// line, column, server name and field path can be known: serde tells
    /// the line and column of a value it rejects, and the crate
    /// `serde_path_to_error` the field's path (`servers[2].checks[0].port`).
    /// A rule checked inside a `Deserialize` impl (a newtype around the
    /// value, like `struct Port(u16)`) gets the location for free.
    pub fn parse(text: &str, file: &str) -> Result<Inventory, InventoryError> {
        todo!(
            "Inventory::parse: read {file} ({} bytes) into an Inventory, or say exactly where it is wrong",
            text.len()
        )
    }

    /// Reads and parses the file at `path`. A file that cannot be read is
    /// an `InventoryError` too (with no line), never a panic.
    pub fn load(path: &Path) -> Result<Inventory, InventoryError> {
        todo!("Inventory::load: read {} and parse it", path.display())
    }

    /// The servers of shard `index` of `count` (see [`shard_of`]), in
    /// inventory order, with the same defaults.
    pub fn shard(&self, index: usize, count: usize) -> Inventory {
        todo!("Inventory::shard: keep the servers of shard {index} of {count}")
    }
}
