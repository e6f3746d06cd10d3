use std::time::Duration;

use fleet::inventory::{
    CheckSpec, DEFAULT_CONCURRENCY, DEFAULT_RETRIES, DEFAULT_TIMEOUT, Defaults, Inventory,
    InventoryError, parse_duration, shard_of, validate_hostname,
};

const FULL: &str = "\
defaults:
  timeout: 1500ms
  retries: 2
  concurrency: 5
servers:
  - name: web-01
    address: 10.0.0.11
    checks:
      - http: { port: 8080, path: /health, expect_status: 204, expect_text: OK }
      - tcp: { port: 22 }
  - name: db-01.example.net
    address: ::1
    checks:
      - http: { port: 80 }
      - command: { program: /usr/bin/pg_isready, args: [\"-h\", \"db\"], expect_exit: 0 }
";

fn error_of(text: &str, file: &str) -> InventoryError {
    match Inventory::parse(text, file) {
        Ok(inventory) => panic!("{file}: expected an error, got {inventory:?}"),
        Err(e) => e,
    }
}

#[test]
fn a_full_inventory_reads_into_the_types() {
    let inventory = Inventory::parse(FULL, "fleet.yaml").unwrap();
    assert_eq!(
        inventory.defaults,
        Defaults {
            timeout: Duration::from_millis(1500),
            retries: 2,
            concurrency: 5
        }
    );
    assert_eq!(inventory.servers.len(), 2);
    let web = &inventory.servers[0];
    assert_eq!(
        (web.name.as_str(), web.address.as_str()),
        ("web-01", "10.0.0.11")
    );
    assert_eq!(
        web.checks,
        vec![
            CheckSpec::Http {
                port: 8080,
                path: "/health".into(),
                expect_status: 204,
                expect_text: Some("OK".into())
            },
            CheckSpec::Tcp { port: 22 }
        ]
    );
    let db = &inventory.servers[1];
    assert_eq!(db.address, "::1");
    // Catches: defaults-not-applied (a missing path or status left empty or 0).
    assert_eq!(
        db.checks[0],
        CheckSpec::Http {
            port: 80,
            path: "/".into(),
            expect_status: 200,
            expect_text: None
        }
    );
    assert_eq!(
        db.checks[1],
        CheckSpec::Command {
            program: "/usr/bin/pg_isready".into(),
            args: vec!["-h".into(), "db".into()],
            expect_exit: 0
        }
    );
}

#[test]
fn missing_defaults_take_the_documented_values() {
    let text = "servers:\n  - name: a\n    address: 127.0.0.1\n    checks:\n      - tcp: { port: 1 }\n      - command: { program: \"true\" }\n";
    let inventory = Inventory::parse(text, "f.yaml").unwrap();
    assert_eq!(
        inventory.defaults,
        Defaults {
            timeout: DEFAULT_TIMEOUT,
            retries: DEFAULT_RETRIES,
            concurrency: DEFAULT_CONCURRENCY
        }
    );
    assert_eq!(
        inventory.servers[0].checks[1],
        CheckSpec::Command {
            program: "true".into(),
            args: vec![],
            expect_exit: 0
        }
    );
    // Only some defaults given: the others keep theirs.
    let partial = format!("defaults: {{ retries: 3 }}\n{text}");
    let inventory = Inventory::parse(&partial, "f.yaml").unwrap();
    assert_eq!(inventory.defaults.retries, 3);
    assert_eq!(inventory.defaults.timeout, DEFAULT_TIMEOUT);
}

#[test]
fn json_reads_like_yaml() {
    // A `.json` file reads into the same inventory, and its errors have the
    // same fields. (Reading JSON with the YAML parser would pass this too:
    // YAML's flow style takes JSON as it is. It is not in the gallery.)
    let json = r#"{"defaults": {"timeout": "1500ms", "retries": 2, "concurrency": 5},
 "servers": [
  {"name": "web-01", "address": "10.0.0.11", "checks": [
     {"http": {"port": 8080, "path": "/health", "expect_status": 204, "expect_text": "OK"}},
     {"tcp": {"port": 22}}]},
  {"name": "db-01.example.net", "address": "::1", "checks": [
     {"http": {"port": 80}},
     {"command": {"program": "/usr/bin/pg_isready", "args": ["-h", "db"], "expect_exit": 0}}]}]}"#;
    assert_eq!(
        Inventory::parse(json, "fleet.json").unwrap(),
        Inventory::parse(FULL, "fleet.yaml").unwrap()
    );
    let e = error_of(
        "{\"servers\": [{\"name\": \"a\", \"address\": \"127.0.0.1\",\n \"checks\": [{\"tcp\": {\"port\": 70000}}]}]}",
        "bad.json",
    );
    assert_eq!((e.line, e.file.as_str()), (Some(2), "bad.json"), "{e}");
    assert_eq!(
        e.field.as_deref(),
        Some("servers[0].checks[0].tcp.port"),
        "{e}"
    );
}

#[test]
fn a_misspelt_field_is_an_error_with_file_line_column_server_and_field() {
    // Catches: unknown-fields-ignored (`adress` silently dropped, then
    // a missing address, or worse, a default one).
    let text = "servers:\n  - name: web-01\n    address: 10.0.0.1\n    checks: [ { tcp: { port: 22 } } ]\n  - name: web-02\n    adress: 10.0.0.2\n    checks: [ { tcp: { port: 22 } } ]\n";
    let e = error_of(text, "fleet.yaml");
    assert_eq!(e.file, "fleet.yaml");
    assert_eq!(e.line, Some(6), "{e}");
    assert!(e.column.is_some(), "{e}");
    assert_eq!(e.server.as_deref(), Some("web-02"), "{e}");
    assert!(
        e.field
            .as_deref()
            .is_some_and(|f| f.starts_with("servers[1]")),
        "{e}"
    );
    assert!(e.message.contains("adress"), "{e}");
    let shown = e.to_string();
    assert!(shown.starts_with("fleet.yaml:6:"), "{shown}");
    assert!(shown.contains("server `web-02`"), "{shown}");
}

#[test]
fn a_bad_host_name_is_refused_where_it_stands() {
    // Catches: names-not-validated.
    let text = "servers:\n  - name: web-01\n    address: 10.0.0.1\n    checks: [ { tcp: { port: 22 } } ]\n  - name: web_02\n    address: 10.0.0.2\n    checks: [ { tcp: { port: 22 } } ]\n";
    let e = error_of(text, "f.yaml");
    assert_eq!(e.line, Some(5), "{e}");
    assert_eq!(e.field.as_deref(), Some("servers[1].name"), "{e}");
    assert!(e.message.contains("web_02"), "{e}");
    // An address: an IP (v4 or v6) or a valid host name.
    let bad_address = text
        .replace("web_02", "web-02")
        .replace("10.0.0.2", "not a host");
    let e = error_of(&bad_address, "f.yaml");
    assert_eq!(e.field.as_deref(), Some("servers[1].address"), "{e}");
}

#[test]
fn ports_are_checked_on_both_sides() {
    // Catches: port-zero-accepted (the lower bound forgotten; the upper one
    // is u16's own).
    for (port, ok) in [("0", false), ("1", true), ("65535", true), ("65536", false)] {
        let text = format!(
            "servers:\n  - name: a\n    address: 127.0.0.1\n    checks:\n      - tcp: {{ port: {port} }}\n"
        );
        let result = Inventory::parse(&text, "f.yaml");
        assert_eq!(result.is_ok(), ok, "port {port}: {result:?}");
        if let Err(e) = result {
            assert_eq!(e.line, Some(5), "{e}");
            assert_eq!(
                e.field.as_deref(),
                Some("servers[0].checks[0].tcp.port"),
                "{e}"
            );
        }
    }
}

#[test]
fn a_check_has_exactly_one_kind() {
    // Catches: first-kind-wins (a check with `http` and `tcp` keeps one and
    // drops the other without a word).
    for (check, why) in [
        ("{ http: { port: 80 }, tcp: { port: 22 } }", "exactly one"),
        ("{ }", "one of"),
        ("{ htp: { port: 80 } }", "htp"),
    ] {
        let text = format!(
            "servers:\n  - name: a\n    address: 127.0.0.1\n    checks:\n      - {check}\n"
        );
        let e = error_of(&text, "f.yaml");
        assert_eq!(e.line, Some(5), "{check}: {e}");
        assert!(e.message.contains(why), "{check}: {e}");
        assert_eq!(e.server.as_deref(), Some("a"), "{e}");
    }
}

#[test]
fn http_paths_start_with_a_slash() {
    let text = "servers:\n  - name: a\n    address: 127.0.0.1\n    checks:\n      - http: { port: 80, path: health }\n";
    let e = error_of(text, "f.yaml");
    assert_eq!(
        e.field.as_deref(),
        Some("servers[0].checks[0].http.path"),
        "{e}"
    );
}

#[test]
fn duplicate_names_and_servers_without_checks_are_refused() {
    // Catches: duplicates-allowed (two `web-01` would both be reported,
    // and a shard would split them apart).
    let text = "servers:\n  - name: web-01\n    address: 10.0.0.1\n    checks: [ { tcp: { port: 22 } } ]\n  - name: web-01\n    address: 10.0.0.2\n    checks: [ { tcp: { port: 22 } } ]\n";
    let e = error_of(text, "f.yaml");
    assert_eq!(e.server.as_deref(), Some("web-01"), "{e}");
    assert_eq!(e.line, Some(5), "the second one: {e}");
    assert!(e.message.contains("second"), "{e}");
    // Catches: empty-checks-allowed (a server that is never checked looks up).
    let text = "servers:\n  - name: web-01\n    address: 10.0.0.1\n    checks: []\n";
    let e = error_of(text, "f.yaml");
    assert_eq!(e.server.as_deref(), Some("web-01"), "{e}");
    assert!(e.message.contains("no checks"), "{e}");
}

#[test]
fn bad_defaults_are_refused() {
    // Catches: duration-without-unit (`timeout: 2` in the defaults too).
    for (defaults, field) in [
        ("{ timeout: 2 }", "defaults.timeout"),
        ("{ timeout: fast }", "defaults.timeout"),
        ("{ timeout: 0s }", "defaults.timeout"),
        ("{ concurrency: 0 }", "defaults.concurrency"),
        ("{ retries: -1 }", "defaults.retries"),
    ] {
        let text = format!(
            "defaults: {defaults}\nservers:\n  - name: a\n    address: 127.0.0.1\n    checks: [ {{ tcp: {{ port: 1 }} }} ]\n"
        );
        let e = error_of(&text, "f.yaml");
        assert_eq!(e.field.as_deref(), Some(field), "{defaults}: {e}");
        assert_eq!(e.line, Some(1), "{defaults}: {e}");
    }
}

#[test]
fn durations_have_a_whole_number_and_a_unit() {
    // Catches: duration-without-unit (a bare `2` read as seconds, or
    // milliseconds: which one is a guess the user did not make).
    assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
    assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
    assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
    for bad in [
        "", "2", "s", "ms", "1.5s", "2h", "-1s", "0ms", "0s", "2 s", "two s",
    ] {
        assert!(parse_duration(bad).is_err(), "{bad:?} was accepted");
    }
}

#[test]
fn host_names_follow_the_rules_on_both_sides_of_each_bound() {
    let label63 = "a".repeat(63);
    let ok = [
        "a".to_string(),
        "web-01".into(),
        format!("{label63}.example"),
        vec!["abcdefg"; 31].join(".") + ".abcde", // 253 characters
    ];
    for name in &ok {
        assert_eq!(validate_hostname(name), Ok(()), "{name}");
    }
    let bad = [
        String::new(),
        format!("{}.example", "a".repeat(64)),
        vec!["abcdefg"; 31].join(".") + ".abcdef", // 254 characters
        "-web".into(),
        "web-".into(),
        "a..b".into(),
        "a.".into(),
        "web_01".into(),
        "wéb".into(),
    ];
    for name in &bad {
        assert!(validate_hostname(name).is_err(), "{name:?} was accepted");
    }
}

#[test]
fn shards_use_fnv1a_and_split_the_fleet_exactly() {
    // Catches: shard-by-default-hasher (std's hasher: not the documented
    // function, and free to change between Rust versions).
    // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c.
    assert_eq!(
        shard_of("a", 1000),
        (0xaf63_dc4c_8601_ec8c_u64 % 1000) as usize
    );
    assert_eq!(shard_of("", 7), (0xcbf2_9ce4_8422_2325_u64 % 7) as usize);
    assert_eq!(shard_of("anything", 0), 0, "a count of 0 counts as 1");
    let mut text = String::from("servers:\n");
    for i in 0..40 {
        text.push_str(&format!(
            "  - name: web-{i:02}\n    address: 127.0.0.1\n    checks: [ {{ tcp: {{ port: 1 }} }} ]\n"
        ));
    }
    let inventory = Inventory::parse(&text, "f.yaml").unwrap();
    let mut seen = Vec::new();
    for index in 0..3 {
        let shard = inventory.shard(index, 3);
        assert_eq!(shard.defaults, inventory.defaults);
        for server in &shard.servers {
            assert_eq!(shard_of(&server.name, 3), index);
        }
        seen.extend(shard.servers.iter().map(|s| s.name.clone()));
    }
    seen.sort();
    let mut all: Vec<_> = inventory.servers.iter().map(|s| s.name.clone()).collect();
    all.sort();
    assert_eq!(seen, all, "every server in exactly one shard");
}

#[test]
fn a_file_that_cannot_be_read_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing.yaml");
    let e = Inventory::load(&path).unwrap_err();
    assert!(e.file.ends_with("missing.yaml"), "{e}");
    assert_eq!(e.line, None);
    let (_dir, path) = crate::write_temp("fleet.yaml", FULL);
    assert_eq!(
        Inventory::load(&path).unwrap(),
        Inventory::parse(FULL, "x.yaml").unwrap()
    );
}
