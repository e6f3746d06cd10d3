//! Exercise 2: text both ways, with `Display` and `FromStr`.
//!
//! Python gives a class `__str__` to print it and, by convention, a
//! `from_string` classmethod to read it back. Rust has a trait for each
//! direction: `std::fmt::Display` (used by `{}`, `println!` and
//! `.to_string()`) and `std::str::FromStr` (used by `"...".parse()`).
//!
//! The text form of a service is `name:ports/protocol`, with the ports
//! separated by commas: `http:80,8080/tcp`, `dns:53/udp`.
//!
//! The error types are given: one variant per thing that can be wrong, so a
//! caller can say exactly what to fix. Your job: the four trait impls.
//!
//! Run the tests with `cargo kata check traits/display`.

use std::error::Error;
use std::fmt;
use std::str::FromStr;

use crate::server::{Protocol, Service};

/// The text was neither `tcp` nor `udp` (in any case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseProtocolError {
    pub input: String,
}

impl fmt::Display for ParseProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown protocol {:?} (expected tcp or udp)", self.input)
    }
}

impl Error for ParseProtocolError {}

/// What is wrong with a service's text, one variant per part that can be
/// wrong, so that the caller can tell the user exactly what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseServiceError {
    /// No `:` between the name and the ports.
    MissingColon,
    /// No `/` between the ports and the protocol.
    MissingSlash,
    /// Nothing before the `:`.
    EmptyName,
    /// Nothing between the `:` and the `/`.
    NoPorts,
    /// One entry of the port list is not a port (1 to 65535, in digits).
    BadPort(String),
    /// The text after the `/` is not a protocol.
    Protocol(ParseProtocolError),
}

impl fmt::Display for ParseServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseServiceError::MissingColon => write!(f, "missing ':' after the service name"),
            ParseServiceError::MissingSlash => write!(f, "missing '/' before the protocol"),
            ParseServiceError::EmptyName => write!(f, "the service name is empty"),
            ParseServiceError::NoPorts => write!(f, "no ports between ':' and '/'"),
            ParseServiceError::BadPort(port) => {
                write!(f, "{port:?} is not a port (1 to 65535)")
            }
            ParseServiceError::Protocol(e) => write!(f, "bad protocol: {e}"),
        }
    }
}

impl Error for ParseServiceError {
    // The protocol error is the cause: tools that print error chains (like
    // `anyhow`) will show it.
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            ParseServiceError::Protocol(e) => Some(e),
            _ => None,
        }
    }
}

/// Lets `?` turn a `ParseProtocolError` into a `ParseServiceError`.
impl From<ParseProtocolError> for ParseServiceError {
    fn from(e: ParseProtocolError) -> Self {
        ParseServiceError::Protocol(e)
    }
}

/// `Protocol::Tcp` prints as `tcp`, `Protocol::Udp` as `udp`.
///
/// Hint: `f.write_str(..)` writes a `&str`; `f.pad(..)` does the same and
/// also honours a width, so that `format!("{:>5}", Protocol::Tcp)` gives
/// `"  tcp"`.
impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let _ = f;
        todo!(
            "write {self:?} as \"tcp\" or \"udp\" into the formatter, honouring a width such as {{:>5}}"
        )
    }
}

/// `"tcp"` and `"udp"` in any case (`TCP`, `Udp`...); anything else,
/// surrounding spaces included, is `ParseProtocolError { input: <the text
/// as given> }`.
///
/// Hint: `str::eq_ignore_ascii_case`.
impl FromStr for Protocol {
    type Err = ParseProtocolError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        todo!("parse {s:?} as tcp or udp, ignoring ASCII case")
    }
}

/// `name:ports/protocol`, the ports in their order, separated by `,`
/// without spaces: `http:80,8080/tcp`.
///
/// Hint: `write!(f, ...)` returns a `fmt::Result`; end each call with `?`.
/// Reuse the `Display` of `Protocol` you just wrote.
impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let _ = f;
        todo!("write {self:?} as name:ports/protocol into the formatter")
    }
}

/// Reads `name:ports/protocol` back, so that `s.to_string().parse()` gives
/// `s` again. The rules:
///
/// - whitespace around the whole text is ignored (a line of a config file
///   often has some); whitespace inside it is not (`http: 80/tcp` has the bad
///   port `" 80"`);
/// - the name is everything before the first `:`; a second `:` is not
///   allowed anywhere (`http:80:90/tcp` has the bad port `"80:90"`);
/// - the parts are checked left to right, and the first problem found is the
///   error: no `:` is `MissingColon`, then an empty name is `EmptyName`, no
///   `/` after the `:` is `MissingSlash`, nothing between `:` and `/` is
///   `NoPorts`, then each port in turn: empty, not all digits, 0 or above
///   65535 is `BadPort(<that entry>)`; last, the protocol (after the first
///   `/`) must parse as a `Protocol`, else `ParseServiceError::Protocol(..)`.
///
/// Hint: `str::split_once` splits at the first match and keeps the rest in
/// one piece, unlike Python's `s.split(":")`. Collecting an iterator of
/// `Result`s into `Result<Vec<u16>, _>` stops at the first error.
impl FromStr for Service {
    type Err = ParseServiceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        todo!("parse {s:?} as name:ports/protocol")
    }
}
