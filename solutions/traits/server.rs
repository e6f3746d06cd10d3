//! Exercise 1: a `Server` that keeps its invariants.
//!
//! Reference solution. The fields of `Server` are private, so the only ways
//! to build or change one are the functions below, and each of them checks
//! the rules first. A `Server` that exists is a valid one.

use std::error::Error;
use std::fmt;
use std::net::IpAddr;

/// The transport protocol of a service's ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    Tcp,
    Udp,
}

/// A service a server runs: a name, the ports it listens on, and their
/// protocol. Plain data with public fields: any combination is a valid
/// `Service`; the rules about ports live in [`Server::add_service`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Service {
    pub name: String,
    pub ports: Vec<u16>,
    pub protocol: Protocol,
}

impl Service {
    /// A shorthand: `Service::new("dns", &[53], Protocol::Udp)`.
    pub fn new(name: &str, ports: &[u16], protocol: Protocol) -> Service {
        Service {
            name: name.to_string(),
            ports: ports.to_vec(),
            protocol,
        }
    }
}

/// A server of the inventory. Its fields are private: outside this module
/// nobody can build a `Server` without going through [`Server::new`], nor
/// change one without going through [`Server::rename`] or
/// [`Server::add_service`].
#[derive(Clone)]
pub struct Server {
    name: String,
    ips: Vec<IpAddr>,
    services: Vec<Service>,
}

/// Everything that can be wrong with a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerError {
    /// The host name breaks a rule of RFC 1123; `reason` says which.
    InvalidName { name: String, reason: &'static str },
    /// A server needs at least one IP address.
    NoAddress,
    /// A service must listen on at least one port.
    NoPorts { service: String },
    /// The port is already used, for that protocol, by the service `by`.
    PortTaken {
        port: u16,
        protocol: Protocol,
        by: String,
    },
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServerError::InvalidName { name, reason } => {
                write!(f, "invalid host name {name:?}: {reason}")
            }
            ServerError::NoAddress => write!(f, "a server needs at least one IP address"),
            ServerError::NoPorts { service } => write!(f, "service {service:?} has no ports"),
            ServerError::PortTaken { port, protocol, by } => {
                write!(f, "port {port} ({protocol:?}) is already taken by {by:?}")
            }
        }
    }
}

impl Error for ServerError {}

// ANCHOR: validate_hostname
/// Checks `name` against the host name rules of RFC 1123.
pub fn validate_hostname(name: &str) -> Result<(), ServerError> {
    // One small helper so that every rule below is a single line.
    let invalid = |reason| {
        Err(ServerError::InvalidName {
            name: name.to_string(),
            reason,
        })
    };
    if name.is_empty() {
        return invalid("the name is empty");
    }
    // `len()` counts bytes; any non-ASCII name is rejected below anyway.
    if name.len() > 253 {
        return invalid("longer than 253 characters");
    }
    for label in name.split('.') {
        if label.is_empty() {
            return invalid("empty label (two dots in a row, or a dot at an end)");
        }
        if label.len() > 63 {
            return invalid("a label is longer than 63 characters");
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return invalid("only ASCII letters, digits and '-' are allowed");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return invalid("a label cannot start or end with '-'");
        }
    }
    Ok(())
}
// ANCHOR_END: validate_hostname

impl Server {
    /// A server named `name` (a valid host name) with at least one address
    /// and no services yet.
    pub fn new(name: &str, ips: Vec<IpAddr>) -> Result<Server, ServerError> {
        validate_hostname(name)?;
        if ips.is_empty() {
            return Err(ServerError::NoAddress);
        }
        Ok(Server {
            name: name.to_string(),
            ips,
            services: Vec::new(),
        })
    }

    /// The host name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The IP addresses, at least one.
    pub fn ips(&self) -> &[IpAddr] {
        &self.ips
    }

    /// The services, in the order they were added.
    pub fn services(&self) -> &[Service] {
        &self.services
    }

    /// Gives the server a new name, if it is a valid one. On error the
    /// server keeps its old name.
    pub fn rename(&mut self, name: &str) -> Result<(), ServerError> {
        // Validate first, assign after: `?` returns before `self` is touched.
        validate_hostname(name)?;
        self.name = name.to_string();
        Ok(())
    }

    // ANCHOR: add_service
    /// Adds `service`, unless it has no ports or one of its ports is already
    /// taken for the same protocol (by another service or by itself, listed
    /// twice). On error the server is left unchanged.
    pub fn add_service(&mut self, service: Service) -> Result<(), ServerError> {
        if service.ports.is_empty() {
            return Err(ServerError::NoPorts {
                service: service.name,
            });
        }
        for (i, &port) in service.ports.iter().enumerate() {
            // Who holds this port already? An existing service first...
            let holder = self
                .services
                .iter()
                .find(|s| s.protocol == service.protocol && s.ports.contains(&port))
                .map(|s| s.name.clone())
                // ...or the new service itself, if it lists the port twice.
                .or_else(|| {
                    service.ports[..i]
                        .contains(&port)
                        .then(|| service.name.clone())
                });
            if let Some(by) = holder {
                return Err(ServerError::PortTaken {
                    port,
                    protocol: service.protocol,
                    by,
                });
            }
        }
        // Every check passed: only now is the server changed.
        self.services.push(service);
        Ok(())
    }
    // ANCHOR_END: add_service
}
