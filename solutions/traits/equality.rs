//! Exercise 5: Python's dunder methods as std traits, for `Server`.
//!
//! Reference solution. The identity of a server is its name, ignoring ASCII
//! case (DNS names are case-insensitive): `WEB-1` and `web-1` are the same
//! server. `Eq`, `Hash` and `Ord` must all agree on that.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::fmt;
use std::hash::{Hash, Hasher};

use crate::server::Server;

// ANCHOR: eq_hash_ord
/// `__eq__`: same name, ignoring ASCII case. IPs and services do not count.
impl PartialEq for Server {
    fn eq(&self, other: &Self) -> bool {
        self.name().eq_ignore_ascii_case(other.name())
    }
}

/// `Eq` has no method: it promises that `eq` is a true equivalence (every
/// server equals itself), which makes `Server` usable as a `HashSet` key.
impl Eq for Server {}

/// `__hash__`: servers that are equal must hash alike, so hash exactly what
/// `eq` compares: the name in lower case.
impl Hash for Server {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name().to_ascii_lowercase().hash(state);
    }
}

/// `__lt__` and friends: by name in lower case, so that `cmp` says `Equal`
/// exactly when `eq` says `true`.
impl Ord for Server {
    fn cmp(&self, other: &Self) -> Ordering {
        // Compare byte by byte, lowercased on the fly: no allocation.
        // (`Iterator::cmp` compares two sequences like Python compares lists.)
        let mine = self.name().bytes().map(|b| b.to_ascii_lowercase());
        let theirs = other.name().bytes().map(|b| b.to_ascii_lowercase());
        mine.cmp(theirs)
    }
}

/// `PartialOrd` is defined by `Ord`, so that the two cannot disagree.
impl PartialOrd for Server {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
// ANCHOR_END: eq_hash_ord

/// `__str__`: `web-1 [10.0.0.1, 10.0.0.2] http, ssh`: the name, the
/// addresses in brackets, then the service names, if any.
impl fmt::Display for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [", self.name())?;
        for (i, ip) in self.ips().iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{ip}")?;
        }
        f.write_str("]")?;
        for (i, service) in self.services().iter().enumerate() {
            let sep = if i == 0 { " " } else { ", " };
            write!(f, "{sep}{}", service.name)?;
        }
        Ok(())
    }
}

/// `__repr__`: what `{:?}` prints. `debug_struct` also handles `{:#?}`.
impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("name", &self.name())
            .field("ips", &self.ips())
            .field("services", &self.services())
            .finish()
    }
}

/// Sorts by name, ignoring case, using `Ord`.
pub fn sort_inventory(servers: &mut [Server]) {
    servers.sort();
}

/// Drops every server equal to an earlier one (same name, ignoring case):
/// the first occurrence wins and the order is kept.
pub fn dedup_servers(servers: Vec<Server>) -> Vec<Server> {
    let mut seen = HashSet::new();
    servers
        .into_iter()
        // `insert` returns false when an equal server was already there.
        .filter(|server| seen.insert(server.clone()))
        .collect()
}
