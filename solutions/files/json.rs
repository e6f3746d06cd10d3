//! Exercise 2: a server inventory in JSON, with serde.
//!
//! Reference solution. The types carry the whole format in their serde
//! attributes: field names as written, `tcp`/`udp` in lower case, and
//! `deny_unknown_fields`, so a typo such as `adresses` is an error instead
//! of a field silently ignored. Every serde_json error knows its line and
//! column; `FormatError::Parse` keeps them.

use std::fmt;
use std::fs;
use std::io;
use std::net::IpAddr;
use std::path::Path;

use serde::{Deserialize, Serialize};

// ANCHOR: types
/// The whole inventory file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inventory {
    pub servers: Vec<Server>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Server {
    pub name: String,
    pub addresses: Vec<IpAddr>,
    /// May be left out of the file: no services.
    #[serde(default)]
    pub services: Vec<Service>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub name: String,
    pub port: u16,
    pub protocol: Protocol,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Tcp,
    Udp,
}
// ANCHOR_END: types

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

// ANCHOR: parse_json
/// Parses an inventory from JSON text.
pub fn parse_json(text: &str) -> Result<Inventory, FormatError> {
    serde_json::from_str(text).map_err(|e| FormatError::Parse {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

/// The inventory as pretty JSON (two-space indents), ending with a newline
/// as a text file should.
pub fn to_json(inventory: &Inventory) -> String {
    let mut text = serde_json::to_string_pretty(inventory).expect("an inventory always serialises");
    text.push('\n');
    text
}
// ANCHOR_END: parse_json

/// Reads and parses the JSON file at `path`.
pub fn load_json(path: &Path) -> Result<Inventory, FormatError> {
    parse_json(&fs::read_to_string(path)?)
}

/// Writes `inventory` to `path` as pretty JSON.
pub fn save_json(path: &Path, inventory: &Inventory) -> Result<(), FormatError> {
    fs::write(path, to_json(inventory))?;
    Ok(())
}
