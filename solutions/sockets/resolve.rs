//! Exercise 1: names to addresses: DNS and `/etc/services`.
//!
//! Reference solution. An IP literal (`127.0.0.1`, `::1`, `[::1]`) is
//! parsed, never looked up. Anything else must look like a host name
//! (labels of letters, digits, `-` and `_`) before it goes to the lookup
//! function, which for `resolve` is the system resolver
//! (`getaddrinfo`, through `ToSocketAddrs`). The answer keeps the
//! resolver's order (it is a preference order) and loses its duplicates.
//! `service_port` reads the `/etc/services` format line by line, the way
//! `getservbyname(name, "tcp")` does.

use std::error::Error;
use std::fmt;
use std::fs;
use std::io;
use std::net::{IpAddr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};

/// Why a host could not be turned into addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveError {
    /// Not an IP address and not a host name either: empty, or with a
    /// scheme, a port, a path or spaces in it (`http://web-1`, `web-1:80`).
    /// Refused before any lookup.
    InvalidHost { host: String },
    /// The resolver failed, or found no address. `reason` is its message.
    NotFound { host: String, reason: String },
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResolveError::InvalidHost { host } => write!(
                f,
                "{host:?} is not a host name or an IP address (no scheme, port or path)"
            ),
            ResolveError::NotFound { host, reason } => {
                write!(f, "cannot resolve {host}: {reason}")
            }
        }
    }
}

impl Error for ResolveError {}

/// Why a service name gave no port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceError {
    /// No TCP entry has this name or alias.
    NotFound { name: String },
    /// The services file could not be read.
    Io {
        path: PathBuf,
        kind: io::ErrorKind,
        message: String,
    },
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServiceError::NotFound { name } => write!(f, "no TCP service named {name}"),
            ServiceError::Io { path, message, .. } => {
                write!(f, "cannot read {}: {message}", path.display())
            }
        }
    }
}

impl Error for ServiceError {}

// ANCHOR: resolve
/// The addresses of `host` with `port`, through the system resolver.
pub fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, ResolveError> {
    resolve_with(host, port, system_lookup)
}

/// The system resolver: `getaddrinfo`, as Python's `socket.getaddrinfo`.
pub fn system_lookup(host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
    Ok((host, port).to_socket_addrs()?.collect())
}

/// The addresses of `host` with `port`: an IP literal is parsed, a name is
/// given to `lookup`. The lookup's order is kept, its duplicates dropped.
pub fn resolve_with(
    host: &str,
    port: u16,
    lookup: impl FnOnce(&str, u16) -> io::Result<Vec<SocketAddr>>,
) -> Result<Vec<SocketAddr>, ResolveError> {
    // `[::1]` is how an IPv6 address appears in a URL or next to a port.
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return match inner.parse::<Ipv6Addr>() {
            Ok(ip) => Ok(vec![SocketAddr::new(IpAddr::V6(ip), port)]),
            Err(_) => Err(ResolveError::InvalidHost {
                host: host.to_string(),
            }),
        };
    }
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    if !is_host_name(host) {
        return Err(ResolveError::InvalidHost {
            host: host.to_string(),
        });
    }
    let not_found = |reason: String| ResolveError::NotFound {
        host: host.to_string(),
        reason,
    };
    let found = lookup(host, port).map_err(|e| not_found(e.to_string()))?;
    let mut addrs: Vec<SocketAddr> = Vec::with_capacity(found.len());
    for addr in found {
        if !addrs.contains(&addr) {
            addrs.push(addr);
        }
    }
    if addrs.is_empty() {
        return Err(not_found("no address found".to_string()));
    }
    Ok(addrs)
}

/// Labels of 1 to 63 letters, digits, `-` or `_`, joined by dots, at most
/// 253 bytes; one final dot (`localhost.`, fully qualified) is allowed.
fn is_host_name(host: &str) -> bool {
    let name = host.strip_suffix('.').unwrap_or(host);
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}
// ANCHOR_END: resolve

// ANCHOR: service_port
/// The TCP port of the service `name` (or one of its aliases) in a file in
/// the `/etc/services` format: `name port/protocol [alias...] [# comment]`.
pub fn service_port(name: &str, services_file: &Path) -> Result<u16, ServiceError> {
    let text = fs::read_to_string(services_file).map_err(|e| ServiceError::Io {
        path: services_file.to_path_buf(),
        kind: e.kind(),
        message: e.to_string(),
    })?;
    for line in text.lines() {
        // Everything after a `#` is a comment, even a service name.
        let line = line.split('#').next().unwrap_or_default();
        let mut fields = line.split_whitespace();
        let (Some(service), Some(port_protocol)) = (fields.next(), fields.next()) else {
            continue;
        };
        let Some((port, protocol)) = port_protocol.split_once('/') else {
            continue;
        };
        // A line we cannot read is skipped, as the C library does.
        let Ok(port) = port.parse::<u16>() else {
            continue;
        };
        if protocol != "tcp" {
            continue;
        }
        // Whole names only: `http` is not `https`.
        if service == name || fields.any(|alias| alias == name) {
            return Ok(port);
        }
    }
    Err(ServiceError::NotFound {
        name: name.to_string(),
    })
}
// ANCHOR_END: service_port
