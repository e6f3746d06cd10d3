//! Exercise 1: names to addresses: DNS and `/etc/services`.
//!
//! Before a program can connect to `web-1:8080` it needs an *address*: an
//! IP address (`10.0.3.7`, `fd00::7`) and a port. In Python:
//!
//! ```python
//! socket.getaddrinfo("web-1", 8080)        # the system resolver: DNS, /etc/hosts
//! socket.getservbyname("http", "tcp")      # 80, from /etc/services
//! ```
//!
//! In Rust, `(host, port).to_socket_addrs()` (the `ToSocketAddrs` trait)
//! calls the same `getaddrinfo`. It gives **several** addresses (IPv4 and
//! IPv6, several servers), in the order the client should try them.
//!
//! The rules of `resolve_with(host, port, lookup)`:
//!
//! - **An IP address is parsed, never looked up**: `"127.0.0.1"`, `"::1"`,
//!   and `"[::1]"` (the bracketed form used in URLs and next to a port)
//!   give one address, and `lookup` is not called. `host.parse::<IpAddr>()`
//!   does the work. Do not glue `format!("{host}:{port}")` and parse that:
//!   `::1:443` is not an address.
//! - **Anything else must look like a host name** before it is looked up:
//!   labels of 1 to 63 letters, digits, `-` or `_`, joined by dots (253
//!   bytes at most; one final dot is allowed, as in `localhost.`). A URL
//!   (`http://web-1`), a `host:port`, a path or a space is
//!   `ResolveError::InvalidHost`: the resolver would try it over the
//!   network, slowly, and fail with a message that does not say why.
//! - **A name goes to `lookup`**, once. Its addresses keep their order
//!   (a preference, RFC 6724) and lose their duplicates. A lookup that fails
//!   or finds nothing is `ResolveError::NotFound`, with the host and the
//!   resolver's reason: the operator reading "cannot resolve web-17: Name or
//!   service not known" knows what to fix.
//!
//! `resolve(host, port)` is `resolve_with(host, port, system_lookup)`, and
//! `system_lookup` is `ToSocketAddrs`. The lookup is a parameter so that
//! the tests can give a fake one: nothing is asked of a real DNS server.
//!
//! `service_port(name, path)` reads a file in the `/etc/services` format,
//! as `getservbyname(name, "tcp")` does:
//!
//! ```text
//! # name     port/protocol  aliases...        # comment
//! http       80/tcp         www www-http      # WorldWideWeb HTTP
//! domain     53/udp
//! ```
//!
//! Everything after a `#` is a comment. Fields are separated by any
//! whitespace (spaces or tabs). A line whose port is not a number is
//! skipped, not fatal. Only `tcp` entries count, and names match whole
//! (the name or one of the aliases): `http` is not `https`.
//!
//! Run the tests with `cargo kata check sockets/resolve`.

use std::error::Error;
use std::fmt;
use std::io;
use std::net::SocketAddr;
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

/// The addresses of `host` with `port`, through the system resolver.
pub fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, ResolveError> {
    todo!("resolve_with({host:?}, {port}, system_lookup)")
}

/// The system resolver: `getaddrinfo`, as Python's `socket.getaddrinfo`.
pub fn system_lookup(host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
    todo!("the addresses of ({host:?}, {port}) from ToSocketAddrs, collected")
}

/// The addresses of `host` with `port`: an IP literal is parsed, a name is
/// given to `lookup`. The lookup's order is kept, its duplicates dropped.
pub fn resolve_with(
    host: &str,
    port: u16,
    lookup: impl FnOnce(&str, u16) -> io::Result<Vec<SocketAddr>>,
) -> Result<Vec<SocketAddr>, ResolveError> {
    todo!(
        "parse {host:?} as an IP address, or check it is a host name and ask {} for port {port}",
        std::any::type_name_of_val(&lookup)
    )
}

/// The TCP port of the service `name` (or one of its aliases) in a file in
/// the `/etc/services` format: `name port/protocol [alias...] [# comment]`.
pub fn service_port(name: &str, services_file: &Path) -> Result<u16, ServiceError> {
    todo!(
        "find the tcp entry named {name:?} in {}",
        services_file.display()
    )
}
