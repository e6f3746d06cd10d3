//! Exercise 1: names to addresses: DNS and `/etc/services`.
//!
//! Only `localhost` goes to the system resolver; every other name goes to a
//! lookup function the test gives, so nothing is asked of a DNS server.

use std::cell::RefCell;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;

use sockets::resolve::{
    ResolveError, ServiceError, resolve, resolve_with, service_port, system_lookup,
};

fn addr(text: &str) -> SocketAddr {
    text.parse().unwrap()
}

/// A lookup for hosts that must never be looked up.
fn no_lookup(host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
    panic!("{host} (port {port}) was given to the resolver: it should not be")
}

// Wrong solution caught: `format!("{host}:{port}")` handed to the
// resolver: `::1:443` is not an address (`[::1]:443` is). And an IP
// address sent to the resolver at all: it needs no lookup.
// Catches: resolve-format-host-port, resolve-ip-looked-up,
// resolve-brackets-not-parsed.
#[test]
fn ip_addresses_are_parsed_not_looked_up() {
    assert_eq!(
        resolve_with("127.0.0.1", 8080, no_lookup),
        Ok(vec![addr("127.0.0.1:8080")])
    );
    assert_eq!(
        resolve_with("10.1.2.3", 22, no_lookup),
        Ok(vec![addr("10.1.2.3:22")])
    );
    assert_eq!(
        resolve_with("::1", 443, no_lookup),
        Ok(vec![addr("[::1]:443")])
    );
    assert_eq!(
        resolve_with("[::1]", 443, no_lookup),
        Ok(vec![addr("[::1]:443")]),
        "the bracketed form, as in URLs"
    );
    assert_eq!(
        resolve_with("fd00::5", 53, no_lookup),
        Ok(vec![addr("[fd00::5]:53")])
    );
}

#[test]
fn localhost_resolves_to_loopback_addresses_with_the_port() {
    let addrs = resolve("localhost", 8080).expect("localhost resolves");
    assert!(!addrs.is_empty());
    for a in &addrs {
        assert!(a.ip().is_loopback(), "{a} is not a loopback address");
        assert_eq!(a.port(), 8080);
    }
    let direct = system_lookup("localhost", 8080).expect("the system resolver knows localhost");
    assert!(direct.iter().all(|a| a.ip().is_loopback()));
    assert_eq!(resolve("127.0.0.1", 22), Ok(vec![addr("127.0.0.1:22")]));
}

// Wrong solutions caught: sorting the addresses (the resolver's order is
// a preference, RFC 6724: try them in that order), and keeping the
// duplicates (each one would be tried twice).
// Catches: resolve-sorted, resolve-keeps-duplicates.
#[test]
fn a_name_goes_to_the_lookup_which_keeps_its_order_without_duplicates() {
    let asked = RefCell::new(Vec::new());
    let lookup = |host: &str, port: u16| {
        asked.borrow_mut().push((host.to_string(), port));
        Ok(vec![
            addr("10.0.0.2:5432"),
            addr("10.0.0.1:5432"),
            addr("10.0.0.2:5432"),
            addr("[fd00::1]:5432"),
        ])
    };
    assert_eq!(
        resolve_with("db-1.internal", 5432, lookup),
        Ok(vec![
            addr("10.0.0.2:5432"),
            addr("10.0.0.1:5432"),
            addr("[fd00::1]:5432")
        ])
    );
    assert_eq!(asked.into_inner(), [("db-1.internal".to_string(), 5432)]);
}

// Wrong solution caught: a failed lookup passed on without the name (or
// unwrapped into a panic), so the operator reading the log cannot tell
// which of 200 hosts did not resolve.
// Catches: resolve-lookup-unwrapped, resolve-error-without-host,
// resolve-empty-lookup-ok.
#[test]
fn a_name_that_does_not_resolve_is_a_clear_error() {
    let failing = |_: &str, _: u16| -> io::Result<Vec<SocketAddr>> {
        Err(io::Error::other(
            "failed to lookup address information: Name or service not known",
        ))
    };
    let error = resolve_with("no-such-host.invalid", 80, failing).unwrap_err();
    match &error {
        ResolveError::NotFound { host, reason } => {
            assert_eq!(host, "no-such-host.invalid");
            assert!(
                reason.contains("Name or service not known"),
                "the resolver's reason is lost: {reason:?}"
            );
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert!(error.to_string().contains("no-such-host.invalid"));

    let empty = |_: &str, _: u16| -> io::Result<Vec<SocketAddr>> { Ok(Vec::new()) };
    assert!(
        matches!(
            resolve_with("empty.invalid", 80, empty),
            Err(ResolveError::NotFound { ref host, .. }) if host == "empty.invalid"
        ),
        "a lookup with no address is NotFound too"
    );
}

// Wrong solution caught: a URL or `host:port` passed to the resolver,
// which looks it up (over the network, slowly) and fails with a message
// that does not say what is wrong.
// Catches: resolve-no-host-name-check.
#[test]
fn what_is_not_a_host_name_is_refused_before_any_lookup() {
    let long_label = "a".repeat(64);
    for bad in [
        "",
        "http://web-1",
        "web-1:80",
        "web 1",
        "web-1/health",
        "[web-1]",
        "[::1",
        "a..b",
        long_label.as_str(),
    ] {
        assert_eq!(
            resolve_with(bad, 80, no_lookup),
            Err(ResolveError::InvalidHost {
                host: bad.to_string()
            }),
            "{bad:?}"
        );
    }
    let ok = |_: &str, port: u16| Ok(vec![SocketAddr::from(([10, 0, 0, 9], port))]);
    for good in ["web-1", "web_1.prod.example", "localhost.", "x"] {
        assert_eq!(
            resolve_with(good, 80, ok),
            Ok(vec![addr("10.0.0.9:80")]),
            "{good:?} is a host name"
        );
    }
}

/// An `/etc/services` of our own, with the traps a parser meets.
const SERVICES: &str = "\
# Network services, Internet style
#
# webcache\t8080/tcp     (commented out)
tcpmux\t\t1/tcp\t\t\t\t# TCP port service multiplexer
https\t\t443/tcp\t\t\t\t# http protocol over TLS/SSL
http\t\t80/tcp\t\twww www-http\t# WorldWideWeb HTTP
domain\t\t53/udp
domain\t\t53/tcp\t\t\t\t# Domain Name Server
syslog\t\t514/udp
broken  notaport/tcp
lonely
ssh 22/tcp
kerberos\t88/tcp\t\tkerberos5 krb5 kerberos-sec\t# Kerberos v5
git\t\t9418/tcp\t\t\t# Git Version Control System
";

fn services_file() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("services");
    std::fs::write(&path, SERVICES).unwrap();
    (dir, path)
}

// Wrong solutions caught: a prefix or substring match (`http` found on the
// `https` line, which comes first), aliases ignored, and the UDP entry
// taken when the TCP one is asked for.
// Catches: service-port-prefix-match, service-port-no-aliases,
// service-port-any-protocol.
#[test]
fn service_port_finds_whole_names_and_aliases_of_tcp_services() {
    let (_dir, path) = services_file();
    assert_eq!(service_port("http", &path), Ok(80));
    assert_eq!(service_port("https", &path), Ok(443));
    assert_eq!(service_port("www", &path), Ok(80));
    assert_eq!(service_port("krb5", &path), Ok(88));
    assert_eq!(service_port("domain", &path), Ok(53));
    assert_eq!(service_port("ssh", &path), Ok(22));
    assert_eq!(
        service_port("syslog", &path),
        Err(ServiceError::NotFound {
            name: "syslog".to_string()
        }),
        "syslog is UDP only"
    );
}

// Wrong solutions caught: names found inside comments, and a parser that
// stops (or fails) at the first line it cannot read.
// Catches: service-port-comments-kept, service-port-stops-at-bad-line.
#[test]
fn service_port_skips_comments_and_lines_it_cannot_read() {
    let (_dir, path) = services_file();
    assert_eq!(
        service_port("git", &path),
        Ok(9418),
        "after the broken lines"
    );
    for absent in [
        "webcache",
        "WorldWideWeb",
        "TLS/SSL",
        "broken",
        "lonely",
        "notaport",
    ] {
        assert_eq!(
            service_port(absent, &path),
            Err(ServiceError::NotFound {
                name: absent.to_string()
            }),
            "{absent:?}"
        );
    }
}

// Catches: service-port-io-error-as-not-found.
#[test]
fn a_missing_services_file_is_an_io_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-services");
    match service_port("http", &path) {
        Err(ServiceError::Io { path: p, kind, .. }) => {
            assert_eq!(p, path);
            assert_eq!(kind, io::ErrorKind::NotFound);
        }
        other => panic!("expected an Io error, got {other:?}"),
    }
}
