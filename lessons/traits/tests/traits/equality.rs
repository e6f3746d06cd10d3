//! Exercise 5: Python's dunder methods as std traits, for `Server`.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use proptest::prelude::*;
use traits::equality::{dedup_servers, sort_inventory};
use traits::server::{Protocol, Server, Service};

fn server(name: &str, ips: &[&str]) -> Server {
    let ips = ips.iter().map(|ip| ip.parse().unwrap()).collect();
    Server::new(name, ips).unwrap()
}

fn named(name: &str) -> Server {
    server(name, &["10.0.0.1"])
}

/// The hash of `value` with fixed keys: the same value always hashes alike.
fn hash_of(value: &Server) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

fn names(servers: &[Server]) -> Vec<&str> {
    servers.iter().map(Server::name).collect()
}

// Catches: a derived-style `PartialEq` that compares the IPs and services
// too, or compares the names with their case.
// [gallery: equality-eq-compares-addresses, equality-eq-case-sensitive]
#[test]
fn servers_with_the_same_name_in_any_case_are_equal() {
    let mut a = server("WEB-1", &["10.0.0.1"]);
    a.add_service(Service::new("ssh", &[22], Protocol::Tcp))
        .unwrap();
    let b = server("web-1", &["10.0.0.2", "fd00::2"]);
    assert!(a == b, "WEB-1 and web-1 are the same server");
    assert!(b == a);
    assert!(a == a.clone());
}

// Catches: an `eq` that always says true, or compares a prefix.
// [gallery: equality-eq-always-true, equality-eq-prefix]
#[test]
fn servers_with_different_names_differ() {
    assert!(named("web-1") != named("web-2"));
    assert!(named("web-1") != named("web-10"));
    assert!(named("web") != named("web-1"));
}

// Catches: a `Hash` of the raw name (equal servers then hash apart, and a
// `HashSet` keeps both).
// [gallery: equality-hash-raw-name, equality-hash-feeds-addresses]
#[test]
fn equal_servers_hash_alike() {
    let lower = hash_of(&named("web-1"));
    assert_eq!(hash_of(&named("WEB-1")), lower);
    assert_eq!(hash_of(&server("Web-1", &["10.9.9.9"])), lower);
}

// Catches: a `Hash` that feeds in the IPs (equal servers hash apart).
// [gallery: equality-hash-feeds-addresses]
#[test]
fn the_hash_ignores_the_addresses_and_services() {
    let mut with_service = server("web-1", &["10.0.0.7"]);
    with_service
        .add_service(Service::new("http", &[80], Protocol::Tcp))
        .unwrap();
    assert_eq!(hash_of(&with_service), hash_of(&named("web-1")));
}

// Catches: an `Ord` that compares the raw names (then `DB-1 < cache`, and
// `cmp` says Less for two equal servers).
// [gallery: equality-ord-raw-name, equality-partial-ord-raw-name]
#[test]
fn the_order_ignores_case() {
    assert_eq!(named("WEB-1").cmp(&named("web-1")), Ordering::Equal);
    assert!(named("cache") < named("DB-1"));
    assert!(named("Zeta") > named("alpha"));
    assert_eq!(
        named("cache").partial_cmp(&named("DB-1")),
        Some(Ordering::Less)
    );
}

// Catches: a sort by the raw name (upper case first), or a natural sort.
// [gallery: equality-ord-raw-name, equality-ord-length-first,
// equality-sort-by-raw-name]
#[test]
fn sort_inventory_orders_by_name_ignoring_case() {
    let mut servers = vec![
        named("web-2"),
        named("DB-1"),
        named("web-10"),
        named("cache"),
        named("Admin"),
    ];
    sort_inventory(&mut servers);
    assert_eq!(
        names(&servers),
        ["Admin", "cache", "DB-1", "web-10", "web-2"]
    );
}

// Catches: a dedup where the last occurrence wins.
// [gallery: equality-dedup-last-wins]
// (A dedup that loses the order fails here only when its hash set happens
// to give three names back in another order: dedup_drops_every_case_variant,
// with twenty, catches that every time.)
#[test]
fn dedup_keeps_the_first_of_equal_servers_in_order() {
    let servers = vec![
        server("web-1", &["10.0.0.1"]),
        named("db-1"),
        server("WEB-1", &["10.0.0.2"]),
        named("Db-1"),
        named("web-2"),
    ];
    let kept = dedup_servers(servers);
    assert_eq!(names(&kept), ["web-1", "db-1", "web-2"]);
    assert_eq!(
        kept[0].ips(),
        &["10.0.0.1".parse::<std::net::IpAddr>().unwrap()][..]
    );
}

// Catches: a `Hash` of the raw name: the set then keeps case variants (with
// forty of them, a lucky hash collision cannot hide it); a dedup that
// collects through the set and so loses the order.
// [gallery: equality-hash-raw-name, equality-dedup-loses-order]
#[test]
fn dedup_drops_every_case_variant() {
    let mut servers = Vec::new();
    for i in 0..20 {
        servers.push(named(&format!("node-{i}")));
        servers.push(named(&format!("NODE-{i}")));
    }
    let kept = dedup_servers(servers);
    assert_eq!(kept.len(), 20, "kept: {:?}", names(&kept));
    assert!(kept.iter().all(|s| s.name().starts_with("node-")));
    // Twenty servers in the order given: a set's order (a random hasher)
    // cannot match it by chance, as it can for three.
    let expected: Vec<String> = (0..20).map(|i| format!("node-{i}")).collect();
    assert_eq!(names(&kept), expected, "the first of each, in their order");
}

// Catches: a `HashSet` that does not find an equal server under another case.
// [gallery: equality-hash-raw-name]
#[test]
fn a_hash_set_finds_a_server_under_any_case() {
    let mut set = HashSet::new();
    set.insert(named("web-1"));
    assert!(set.contains(&server("WEB-1", &["10.1.1.1"])));
    assert!(!set.insert(named("Web-1")), "already there");
    assert_eq!(set.len(), 1);
}

// Catches: services shown with their ports (`Display` of `Service`), or a
// trailing space when there are none.
// [gallery: equality-display-shows-ports, equality-display-trailing-space]
#[test]
fn a_server_displays_name_addresses_and_service_names() {
    let mut web = server("web-1", &["10.0.0.1", "10.0.0.2"]);
    web.add_service(Service::new("http", &[80, 443], Protocol::Tcp))
        .unwrap();
    web.add_service(Service::new("ssh", &[22], Protocol::Tcp))
        .unwrap();
    assert_eq!(web.to_string(), "web-1 [10.0.0.1, 10.0.0.2] http, ssh");
    assert_eq!(named("db-1").to_string(), "db-1 [10.0.0.1]");
    assert_eq!(server("v6", &["::1"]).to_string(), "v6 [::1]");
}

// Catches: a Debug that leaves out fields or names them differently.
// [gallery: equality-debug-without-services]
#[test]
fn a_server_debugs_as_a_struct() {
    let mut web = named("web-1");
    web.add_service(Service::new("ssh", &[22], Protocol::Tcp))
        .unwrap();
    assert_eq!(
        format!("{web:?}"),
        r#"Server { name: "web-1", ips: [10.0.0.1], services: [Service { name: "ssh", ports: [22], protocol: Tcp }] }"#
    );
}

// Catches: a hand-written Debug that ignores `{:#?}`.
// [gallery: equality-debug-ignores-alternate]
#[test]
fn a_server_pretty_debugs_over_several_lines() {
    let pretty = format!("{:#?}", named("db-1"));
    assert_eq!(
        pretty,
        "Server {\n    name: \"db-1\",\n    ips: [\n        10.0.0.1,\n    ],\n    services: [],\n}"
    );
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

/// A pair of names: often the same name in another case, sometimes not.
fn name_pair() -> impl Strategy<Value = (String, String)> {
    let name = "[a-cA-C0-9][a-cA-C0-9-]{0,3}[a-cA-C0-9]";
    prop_oneof![
        // Same letters, random case for each.
        (name, prop::collection::vec(any::<bool>(), 5)).prop_map(|(a, flips)| {
            let b = a
                .chars()
                .zip(flips.iter().cycle())
                .map(|(c, &flip)| {
                    if flip {
                        c.to_ascii_uppercase()
                    } else {
                        c.to_ascii_lowercase()
                    }
                })
                .collect();
            (a, b)
        }),
        // Two independent names from a small alphabet.
        (name, name),
    ]
}

proptest! {
    #![proptest_config(config())]

    // Catches: an `Ord` that disagrees with `Eq` (raw names, or IPs), and a
    // `Hash` that disagrees with `Eq`.
    // [gallery: equality-eq-case-sensitive, equality-ord-raw-name,
    // equality-partial-ord-raw-name]
    #[test]
    fn eq_ord_and_hash_agree((a, b) in name_pair()) {
        let left = server(&a, &["10.0.0.1"]);
        let right = server(&b, &["10.0.0.2"]);
        let same = a.eq_ignore_ascii_case(&b);
        prop_assert_eq!(left == right, same, "{:?} == {:?}", a, b);
        prop_assert_eq!(left.cmp(&right) == Ordering::Equal, same, "{:?} cmp {:?}", a, b);
        prop_assert_eq!(left.partial_cmp(&right), Some(left.cmp(&right)));
        prop_assert_eq!(left.cmp(&right), right.cmp(&left).reverse());
        if same {
            prop_assert_eq!(hash_of(&left), hash_of(&right), "{:?} and {:?}", a, b);
        }
    }
}
