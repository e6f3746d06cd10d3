//! Exercise 1: a `Server` that keeps its invariants.

use std::net::IpAddr;

use proptest::prelude::*;
use traits::server::{Protocol, Server, ServerError, Service, validate_hostname};

fn ip(text: &str) -> IpAddr {
    text.parse().expect("a valid IP address in the test")
}

fn web1() -> Server {
    Server::new("web-1", vec![ip("10.0.0.1")]).expect("web-1 is a valid server")
}

/// Asserts that `name` is refused as `InvalidName` carrying `name` itself.
fn assert_invalid(name: &str) {
    match validate_hostname(name) {
        Err(ServerError::InvalidName { name: got, .. }) => {
            assert_eq!(got, name, "InvalidName must carry the name as given")
        }
        other => panic!("validate_hostname({name:?}) should be InvalidName, got {other:?}"),
    }
}

// Catches: rules that are too strict (upper case, all-digit labels, many
// labels refused).
// [gallery: server-upper-case-refused, server-digit-first-refused]
#[test]
fn valid_host_names_are_accepted() {
    for name in [
        "a",
        "web-1",
        "WEB-1",
        "db01.prod.example.com",
        "0",
        "10.0.0.1",
        "xn--bcher-kva.example",
        "a-b-c.d--e.f",
    ] {
        assert_eq!(validate_hostname(name), Ok(()), "{name:?} is valid");
    }
}

// Catches: the label length off by one (63 refused, or 64 accepted).
// [gallery: server-label-63-refused, server-label-64-accepted]
#[test]
fn a_label_may_have_63_characters_but_not_64() {
    let label63 = "a".repeat(63);
    let label64 = "a".repeat(64);
    assert_eq!(validate_hostname(&label63), Ok(()), "a 63-character label");
    assert_eq!(
        validate_hostname(&format!("x.{label63}.y")),
        Ok(()),
        "a 63-character label in the middle"
    );
    assert_invalid(&label64);
    assert_invalid(&format!("x.{label64}.y"));
}

// Catches: the total length off by one (253 refused, or 254 accepted), or no
// total length check at all (every label here is short enough).
// [gallery: server-name-253-refused, server-name-254-accepted,
// server-no-total-length-check]
#[test]
fn a_name_may_have_253_characters_but_not_254() {
    let label = "a".repeat(63);
    // 63 + 1 + 63 + 1 + 63 + 1 = 192 characters so far.
    let name253 = format!("{label}.{label}.{label}.{}", "b".repeat(61));
    let name254 = format!("{label}.{label}.{label}.{}", "b".repeat(62));
    assert_eq!(name253.len(), 253);
    assert_eq!(name254.len(), 254);
    assert_eq!(validate_hostname(&name253), Ok(()), "253 characters");
    assert_invalid(&name254);
}

// Catches: a leading or trailing hyphen accepted, or checked only on the
// whole name instead of on each label.
// [gallery: server-hyphen-checked-on-whole-name,
// server-hyphens-at-label-ends-accepted]
#[test]
fn no_label_starts_or_ends_with_a_hyphen() {
    for name in ["-web", "web-", "-", "a.-b", "a.b-", "-a.b", "a-.b"] {
        assert_invalid(name);
    }
}

// Catches: empty labels accepted (`a..b`, a dot at either end) or the empty
// name accepted.
// [gallery: server-empty-labels-skipped]
#[test]
fn empty_labels_and_the_empty_name_are_refused() {
    for name in ["", ".", "a..b", ".a", "a.", "a.b.."] {
        assert_invalid(name);
    }
}

// Catches: characters other than ASCII letters, digits and '-' accepted
// (`char::is_alphanumeric` accepts 'é').
// [gallery: server-unicode-letters-accepted]
#[test]
fn only_ascii_letters_digits_and_hyphens_are_allowed() {
    for name in ["web_1", "web 1", "wéb", "web!", "a/b", "a:b", "web\t1"] {
        assert_invalid(name);
    }
}

#[test]
fn new_builds_a_server_without_services() {
    let ips = vec![ip("10.0.0.1"), ip("fd00::1")];
    let server = Server::new("web-1", ips.clone()).expect("a valid server");
    assert_eq!(server.name(), "web-1");
    assert_eq!(server.ips(), &ips[..]);
    assert!(server.services().is_empty());
}

// Catches: `new` that does not validate the name.
// [gallery: server-new-skips-validation]
#[test]
fn new_refuses_an_invalid_name() {
    let result = Server::new("web_1", vec![ip("10.0.0.1")]);
    assert!(
        matches!(&result, Err(ServerError::InvalidName { name, .. }) if name == "web_1"),
        "expected InvalidName for web_1, got {:?}",
        result.as_ref().err()
    );
}

// Catches: a server built without any address.
// [gallery: server-new-accepts-no-address]
#[test]
fn new_refuses_a_server_without_addresses() {
    let result = Server::new("web-1", Vec::new());
    assert_eq!(result.err(), Some(ServerError::NoAddress));
}

#[test]
fn rename_to_a_valid_name() {
    let mut server = web1();
    assert_eq!(server.rename("web-2.example.com"), Ok(()));
    assert_eq!(server.name(), "web-2.example.com");
}

// Catches: `rename` that skips validation (a setter that just assigns).
// [gallery: server-rename-skips-validation]
#[test]
fn rename_validates_the_new_name() {
    let mut server = web1();
    for bad in ["", "-web", "a..b", "web_2"] {
        assert!(
            matches!(server.rename(bad), Err(ServerError::InvalidName { .. })),
            "rename({bad:?}) must be refused"
        );
    }
}

// Catches: `rename` that changes the name before validating it (the old name
// is lost on error).
// [gallery: server-rename-assigns-before-validating]
#[test]
fn a_refused_rename_keeps_the_old_name() {
    let mut server = web1();
    let _ = server.rename("bad name");
    assert_eq!(server.name(), "web-1");
}

#[test]
fn add_service_keeps_the_services_in_order() {
    let mut server = web1();
    let http = Service::new("http", &[80, 8080], Protocol::Tcp);
    let ssh = Service::new("ssh", &[22], Protocol::Tcp);
    assert_eq!(server.add_service(http.clone()), Ok(()));
    assert_eq!(server.add_service(ssh.clone()), Ok(()));
    assert_eq!(server.services(), &[http, ssh][..]);
}

// Catches: a service without ports accepted.
// [gallery: server-service-without-ports-accepted]
#[test]
fn a_service_without_ports_is_refused() {
    let mut server = web1();
    let result = server.add_service(Service::new("idle", &[], Protocol::Tcp));
    assert_eq!(
        result,
        Err(ServerError::NoPorts {
            service: "idle".to_string()
        })
    );
    assert!(server.services().is_empty(), "the server is unchanged");
}

// Catches: a clash on the same protocol accepted, an error that names the new
// service instead of the one holding the port, or a refused service added
// anyway.
// [gallery: server-clash-with-existing-accepted,
// server-port-taken-names-the-newcomer, server-refused-service-added-anyway]
#[test]
fn a_port_taken_for_the_same_protocol_is_refused() {
    let mut server = web1();
    server
        .add_service(Service::new("http", &[80, 8080], Protocol::Tcp))
        .unwrap();
    let result = server.add_service(Service::new("proxy", &[3128, 8080], Protocol::Tcp));
    assert_eq!(
        result,
        Err(ServerError::PortTaken {
            port: 8080,
            protocol: Protocol::Tcp,
            by: "http".to_string(),
        })
    );
    assert_eq!(server.services().len(), 1, "the server is unchanged");
}

// Catches: a clash checked only against the most recently added service (the
// holder here was added two services earlier), or only against the first one.
// [gallery: server-clash-with-existing-accepted,
// server-port-taken-names-the-newcomer, server-clash-with-last-service-only,
// server-clash-with-first-service-only]
#[test]
fn a_port_taken_by_any_earlier_service_is_refused() {
    let mut server = web1();
    for service in [
        Service::new("http", &[80, 8080], Protocol::Tcp),
        Service::new("ssh", &[22], Protocol::Tcp),
        Service::new("dns", &[53], Protocol::Udp),
    ] {
        server.add_service(service).unwrap();
    }
    let result = server.add_service(Service::new("proxy", &[3128, 8080], Protocol::Tcp));
    assert_eq!(
        result,
        Err(ServerError::PortTaken {
            port: 8080,
            protocol: Protocol::Tcp,
            by: "http".to_string(),
        }),
        "8080/tcp is held by http, the first of three services"
    );
    let result = server.add_service(Service::new("resolver", &[53], Protocol::Udp));
    assert_eq!(
        result,
        Err(ServerError::PortTaken {
            port: 53,
            protocol: Protocol::Udp,
            by: "dns".to_string(),
        }),
        "53/udp is held by dns, the last service"
    );
    assert_eq!(server.services().len(), 3, "the server is unchanged");
}

// Catches: a port clash on the other protocol wrongly refused (DNS uses
// 53/tcp and 53/udp).
// [gallery: server-clash-ignores-protocol]
#[test]
fn the_same_port_on_the_other_protocol_is_fine() {
    let mut server = web1();
    assert_eq!(
        server.add_service(Service::new("dns", &[53], Protocol::Udp)),
        Ok(())
    );
    assert_eq!(
        server.add_service(Service::new("dns-tcp", &[53], Protocol::Tcp)),
        Ok(())
    );
    assert_eq!(server.services().len(), 2);
}

// Catches: only the existing services checked, not the new service's own port
// list.
// [gallery: server-refused-service-added-anyway,
// server-duplicate-port-in-service-missed]
#[test]
fn a_port_listed_twice_in_one_service_is_refused() {
    let mut server = web1();
    let result = server.add_service(Service::new("web", &[80, 443, 80], Protocol::Tcp));
    assert_eq!(
        result,
        Err(ServerError::PortTaken {
            port: 80,
            protocol: Protocol::Tcp,
            by: "web".to_string(),
        })
    );
    assert!(server.services().is_empty(), "the server is unchanged");
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        // The tests also run against the stubs, where every case fails: keep
        // proptest from writing regression files into the learner's tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    // Catches: rules stricter than RFC 1123 (digits first, hyphens inside,
    // upper case, many labels).
    // [gallery: server-upper-case-refused, server-digit-first-refused]
    #[test]
    fn every_well_formed_name_is_accepted(
        labels in prop::collection::vec("[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?", 1..5)
    ) {
        let name = labels.join(".");
        prop_assume!(name.len() <= 253);
        prop_assert_eq!(validate_hostname(&name), Ok(()));
    }
}
