//! Exercise 1: a `Server` that keeps its invariants.
//!
//! In Python, a `Servidor` class keeps its data in attributes that anyone can
//! reach (`srv.nombre = ""` just works), and getters/setters are a convention.
//! In Rust, privacy is enforced by the compiler at the *module* level: the
//! fields of `Server` below have no `pub`, so code outside this file can
//! neither read nor write them directly. The only doors are the functions of
//! `impl Server`, and if each door checks the rules, every `Server` that
//! exists is a valid one. No one has to re-check it later.
//!
//! Your job: write the checks. The data types, the error type and the
//! getters are given.
//!
//! Run the tests with `cargo kata check traits/server`.

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

/// Checks `name` against the host name rules of RFC 1123, returning
/// `ServerError::InvalidName { name, reason }` (with `name` as given and a
/// `reason` of your choice) when one is broken:
///
/// - the whole name is 1 to 253 characters long;
/// - it is made of labels separated by dots (`db01.prod.example.com`), and
///   every label is 1 to 63 characters long, so `a..b`, `.a` and `a.` are
///   invalid (they have an empty label);
/// - a label holds only ASCII letters, digits and `-` (any case; a label may
///   be all digits);
/// - a label neither starts nor ends with `-`.
///
/// Hint: `name.split('.')` gives the labels, empty ones included; `u8` and
/// `char` have `is_ascii_alphanumeric`. Python would reach for a regex here;
/// a loop over the labels with one `if` per rule reads better and tells
/// which rule failed.
pub fn validate_hostname(name: &str) -> Result<(), ServerError> {
    todo!("check the host name {name:?} against the RFC 1123 rules")
}

impl Server {
    /// A server named `name` with the addresses `ips` and no services yet.
    ///
    /// This is the `__init__` of the class, except that it can say no: it
    /// returns `Err(ServerError::InvalidName { .. })` for a bad name (use
    /// [`validate_hostname`]) and `Err(ServerError::NoAddress)` when `ips` is
    /// empty. The name is checked first. "Parse, don't validate": once you
    /// hold a `Server`, its name and addresses are known to be fine.
    pub fn new(name: &str, ips: Vec<IpAddr>) -> Result<Server, ServerError> {
        todo!("validate the host name {name:?} and build a Server with {ips:?}")
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

    /// Gives the server the new name `name`, if it is a valid host name.
    ///
    /// This is the setter that Python would write as a `@property` setter.
    /// On error the server must keep its old name: check before you change
    /// anything. (The `?` operator returns the error early for you.)
    pub fn rename(&mut self, name: &str) -> Result<(), ServerError> {
        todo!(
            "validate {name:?}, then rename the server {:?} to it",
            self.name
        )
    }

    /// Adds `service` to the server, unless:
    ///
    /// - it has no ports: `ServerError::NoPorts { service: <its name> }`;
    /// - one of its ports is already taken *for the same protocol*:
    ///   `ServerError::PortTaken { port, protocol, by: <the name of the
    ///   service holding it> }`. A service listing the same port twice
    ///   clashes with itself (`by` is then its own name).
    ///
    /// The same port number on the other protocol is fine: DNS listens on
    /// 53/tcp and 53/udp. On error the server is left unchanged.
    pub fn add_service(&mut self, service: Service) -> Result<(), ServerError> {
        todo!(
            "add {service:?} to {:?} unless it has no ports or a port is taken for its protocol",
            self.name
        )
    }
}
