//! Exercise 2: a server inventory in JSON, with serde.
//!
//! Python's `json.load` gives you dicts and lists, and a misspelt key
//! (`adresses`) is a `KeyError` much later, or never. With serde the file's
//! format is a set of Rust types, and reading the file checks it against
//! them: every field present and of the right type, a port that fits in a
//! `u16`, an IP address that is one.
//!
//! Your part is in the attributes and a few one-line functions:
//!
//! - Derive `Serialize` and `Deserialize` (from `serde`) on the four types
//!   below, next to the derives they already have.
//! - `#[serde(deny_unknown_fields)]` on the structs: an unknown field
//!   (a typo) is an error, not silently ignored.
//! - `#[serde(rename_all = "lowercase")]` on `Protocol`: the file says
//!   `tcp`, the enum says `Tcp`.
//! - `#[serde(default)]` on `services`: a server may leave it out.
//! - `serde_json::from_str` parses; its error has `line()` and `column()`
//!   (from 1): put them in [`FormatError::Parse`] with `to_string()` as the
//!   message. `serde_json::to_string_pretty` writes two-space indents; add
//!   the final `\n` a text file should end with.
//! - Reading and writing the file: `fs::read_to_string`, `fs::write`, and
//!   `?`, which turns an `io::Error` into a `FormatError` through the
//!   `From` impl given below.
//!
//! The exact pretty output is pinned by a snapshot test
//! (`tests/files/snapshots/`): it is a file format that scripts read.
//!
//! Run the tests with `cargo kata check files/json`.

use std::fmt;
use std::io;
use std::net::IpAddr;
use std::path::Path;

/// The whole inventory file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inventory {
    pub servers: Vec<Server>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub name: String,
    pub addresses: Vec<IpAddr>,
    /// May be left out of the file: no services.
    pub services: Vec<Service>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub name: String,
    pub port: u16,
    pub protocol: Protocol,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Tcp,
    Udp,
}

/// Why a file could not be read, parsed or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatError {
    /// The file could not be read or written.
    Io {
        kind: io::ErrorKind,
        message: String,
    },
    /// The text is not a valid inventory: where, and why. `line` and
    /// `column` count from 1.
    Parse {
        line: usize,
        column: usize,
        message: String,
    },
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::Io { message, .. } => write!(f, "{message}"),
            FormatError::Parse {
                line,
                column,
                message,
            } => write!(f, "line {line}, column {column}: {message}"),
        }
    }
}

impl std::error::Error for FormatError {}

impl From<io::Error> for FormatError {
    fn from(error: io::Error) -> Self {
        FormatError::Io {
            kind: error.kind(),
            message: error.to_string(),
        }
    }
}

/// Parses an inventory from JSON text.
pub fn parse_json(text: &str) -> Result<Inventory, FormatError> {
    todo!("parse an inventory from the JSON text {text:?} with serde_json")
}

/// The inventory as pretty JSON (two-space indents), ending with a newline
/// as a text file should.
pub fn to_json(inventory: &Inventory) -> String {
    todo!("write {inventory:?} as pretty JSON, with a final newline")
}

/// Reads and parses the JSON file at `path`.
pub fn load_json(path: &Path) -> Result<Inventory, FormatError> {
    todo!("read {path:?} and parse it")
}

/// Writes `inventory` to `path` as pretty JSON.
pub fn save_json(path: &Path, inventory: &Inventory) -> Result<(), FormatError> {
    todo!("write {inventory:?} to {path:?} as pretty JSON")
}
