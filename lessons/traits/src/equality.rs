//! Exercise 5: Python's dunder methods as std traits, for `Server`.
//!
//! | Python         | Rust                   | used by                          |
//! |----------------|------------------------|----------------------------------|
//! | `__eq__`       | `PartialEq` (+ `Eq`)   | `==`, `!=`, `contains`           |
//! | `__hash__`     | `Hash`                 | `HashSet`, `HashMap` keys        |
//! | `__lt__` & co. | `Ord` (+ `PartialOrd`) | `<`, `sort`, `max`, `BTreeSet`   |
//! | `__str__`      | `fmt::Display`         | `{}`, `to_string()`              |
//! | `__repr__`     | `fmt::Debug`           | `{:?}`, `assert_eq!`             |
//!
//! Most types just `#[derive(..)]` these. `Server` does not: the identity of
//! a server is its *name, ignoring ASCII case* (DNS names are
//! case-insensitive), so `WEB-1` and `web-1` are the same server even with
//! different IPs. A derive would compare every field, case included.
//!
//! The rules that tie these traits together, as in Python:
//!
//! - `a == b` implies `hash(a) == hash(b)`, or a `HashSet` keeps both;
//! - `a.cmp(&b) == Ordering::Equal` exactly when `a == b`, or sorting and
//!   `BTreeSet` disagree with `==`.
//!
//! This file is not `server.rs`, so the private fields of `Server` are out of
//! reach here: use its getters, `name()`, `ips()` and `services()`.
//!
//! Run the tests with `cargo kata check traits/equality`.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use crate::server::Server;

/// `__eq__`: same name, ignoring ASCII case. IPs and services do not count.
///
/// Hint: `str::eq_ignore_ascii_case`.
impl PartialEq for Server {
    fn eq(&self, other: &Self) -> bool {
        todo!(
            "compare the names {:?} and {:?}, ignoring ASCII case",
            self.name(),
            other.name()
        )
    }
}

/// `Eq` has no method: it promises that `eq` is a true equivalence (every
/// server equals itself), which makes `Server` usable as a `HashSet` key.
impl Eq for Server {}

/// `__hash__`: servers that are equal must hash alike, so hash exactly what
/// `eq` compares: the name in lower case.
///
/// Hint: a `String` is `Hash` itself; `.hash(state)` feeds it in.
impl Hash for Server {
    fn hash<H: Hasher>(&self, state: &mut H) {
        todo!(
            "feed the lowercased name of {:?} into the hasher {}",
            self.name(),
            std::any::type_name_of_val(state)
        )
    }
}

/// `__lt__` and friends: by name in lower case, so that `cmp` says `Equal`
/// exactly when `eq` says `true`. (Plain byte order of the lowercased
/// names: `web-10` comes before `web-2`.) `PartialOrd`, below, is given: it
/// asks this `cmp`.
impl Ord for Server {
    fn cmp(&self, other: &Self) -> Ordering {
        todo!(
            "order {:?} and {:?} by their lowercased names",
            self.name(),
            other.name()
        )
    }
}

/// `PartialOrd` is defined by `Ord`, so that the two cannot disagree.
impl PartialOrd for Server {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// `__str__`: the name, the addresses in brackets separated by `, `, then,
/// if it has any, a space and the service *names* separated by `, `:
///
/// ```text
/// web-1 [10.0.0.1, 10.0.0.2] http, ssh
/// db-1 [10.0.0.9]
/// ```
impl fmt::Display for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let _ = f;
        todo!(
            "write {:?} as: name [ips] services, into the formatter",
            self.name()
        )
    }
}

/// `__repr__`: what `{:?}` prints, the same as a derive would:
///
/// ```text
/// Server { name: "web-1", ips: [10.0.0.1], services: [Service { name: "ssh", ports: [22], protocol: Tcp }] }
/// ```
///
/// Hint: `f.debug_struct("Server").field("name", &...)...finish()`; it also
/// does the multi-line layout of `{:#?}` for you.
impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!(
            "write {:?} with f.debug_struct (pretty form asked: {})",
            self.name(),
            f.alternate()
        )
    }
}

/// Sorts `servers` by name, ignoring case: the order of your `Ord`.
pub fn sort_inventory(servers: &mut [Server]) {
    todo!("sort the {} servers with their Ord", servers.len())
}

/// Drops every server equal to an earlier one (same name, ignoring case):
/// the first occurrence wins and the order is kept.
///
/// Hint: a `HashSet<Server>` of those seen so far; `insert` returns `false`
/// when an equal one is already there (Python: `if s not in seen`).
pub fn dedup_servers(servers: Vec<Server>) -> Vec<Server> {
    todo!(
        "keep the first of each group of equal servers among these {}",
        servers.len()
    )
}
