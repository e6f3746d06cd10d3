//! Exercise 2: text both ways, with `Display` and `FromStr`.
//!
//! Reference solution. The text form of a service is `name:ports/protocol`,
//! for example `http:80,8080/tcp` or `dns:53/udp`.

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

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        };
        // `pad` (rather than `write_str`) honours a width: `{:>5}` works.
        f.pad(text)
    }
}

impl FromStr for Protocol {
    type Err = ParseProtocolError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("tcp") {
            Ok(Protocol::Tcp)
        } else if s.eq_ignore_ascii_case("udp") {
            Ok(Protocol::Udp)
        } else {
            Err(ParseProtocolError {
                input: s.to_string(),
            })
        }
    }
}

// ANCHOR: service_display
impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.name)?;
        for (i, port) in self.ports.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{port}")?;
        }
        // The protocol's own `Display` does the rest.
        write!(f, "/{}", self.protocol)
    }
}
// ANCHOR_END: service_display

// ANCHOR: service_from_str
impl FromStr for Service {
    type Err = ParseServiceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // `split_once` splits at the FIRST ':' and keeps the rest whole, so
        // `http:80:90/tcp` leaves `80:90` in the port list, where it fails.
        let (name, rest) = s
            .trim()
            .split_once(':')
            .ok_or(ParseServiceError::MissingColon)?;
        // Then each part in turn, left to right.
        if name.is_empty() {
            return Err(ParseServiceError::EmptyName);
        }
        let (ports, protocol) = rest
            .split_once('/')
            .ok_or(ParseServiceError::MissingSlash)?;
        if ports.is_empty() {
            return Err(ParseServiceError::NoPorts);
        }
        let ports = ports
            .split(',')
            .map(parse_port)
            .collect::<Result<Vec<u16>, _>>()?;
        // `?` converts the ParseProtocolError through the `From` impl above.
        let protocol = protocol.parse::<Protocol>()?;
        Ok(Service {
            name: name.to_string(),
            ports,
            protocol,
        })
    }
}

/// One port: decimal digits only (`u16::from_str` would also take `+80`),
/// and not 0, which no service can listen on.
fn parse_port(text: &str) -> Result<u16, ParseServiceError> {
    let bad = || ParseServiceError::BadPort(text.to_string());
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    match text.parse::<u16>() {
        Ok(0) | Err(_) => Err(bad()),
        Ok(port) => Ok(port),
    }
}
// ANCHOR_END: service_from_str
