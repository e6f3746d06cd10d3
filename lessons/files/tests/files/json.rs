//! Exercise 2: a server inventory in JSON, with serde.

use files::json::{
    FormatError, Inventory, Protocol, Server, Service, load_json, parse_json, save_json, to_json,
};

/// The inventory the tests of exercises 2 and 3 share.
pub fn sample() -> Inventory {
    Inventory {
        servers: vec![
            Server {
                name: "web-1".to_string(),
                addresses: vec!["10.0.0.5".parse().unwrap(), "2001:db8::5".parse().unwrap()],
                services: vec![
                    Service {
                        name: "https".to_string(),
                        port: 443,
                        protocol: Protocol::Tcp,
                    },
                    Service {
                        name: "dns".to_string(),
                        port: 53,
                        protocol: Protocol::Udp,
                    },
                ],
            },
            Server {
                name: "db-1".to_string(),
                addresses: vec!["10.0.0.9".parse().unwrap()],
                services: vec![],
            },
        ],
    }
}

const SAMPLE_JSON: &str = r#"{
  "servers": [
    {
      "name": "web-1",
      "addresses": ["10.0.0.5", "2001:db8::5"],
      "services": [
        {"name": "https", "port": 443, "protocol": "tcp"},
        {"name": "dns", "port": 53, "protocol": "udp"}
      ]
    },
    {"name": "db-1", "addresses": ["10.0.0.9"]}
  ]
}"#;

// Catches: json-services-required: `db-1` has no `services` key, and gets
// an empty list.
#[test]
fn an_inventory_is_parsed_with_typed_fields() {
    assert_eq!(parse_json(SAMPLE_JSON).unwrap(), sample());
}

// The exact text of the pretty output, pinned: a change in field names,
// order, casing or indentation is a change in the file format that every
// script reading these files would notice.
#[test]
fn the_pretty_output_is_pinned() {
    insta::assert_snapshot!(to_json(&sample()));
}

// Catches: json-no-final-newline.
#[test]
fn what_is_written_reads_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inventory.json");
    save_json(&path, &sample()).unwrap();
    assert_eq!(load_json(&path).unwrap(), sample());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.ends_with("}\n"), "a text file ends with a newline");
}

// Catches: json-error-without-place: an error that says only "invalid
// JSON", leaving the user to hunt for the place in a 2000-line file.
#[test]
fn malformed_json_says_where() {
    let text =
        "{\n  \"servers\": [\n    {\"name\": \"web-1\", \"addresses\": [\"10.0.0.5\"],}\n  ]\n}";
    match parse_json(text).unwrap_err() {
        FormatError::Parse { line, column, .. } => {
            assert_eq!(line, 3);
            assert_eq!(column, 49, "the `}}` after the trailing comma");
        }
        other => panic!("expected FormatError::Parse, got {other:?}"),
    }
}

// Catches: json-unknown-fields-ignored, json-service-accepts-unknown-fields:
// types without `deny_unknown_fields`: a typo such as `adresses` is
// silently ignored and the server has no address. Every level is checked:
// the inventory, a server, and a service nested in it.
#[test]
fn unknown_fields_are_refused_not_ignored() {
    let typo = r#"{"servers": [{"name": "web-1", "adresses": ["10.0.0.5"]}]}"#;
    let error = parse_json(typo).unwrap_err();
    assert!(
        error.to_string().contains("unknown field `adresses`"),
        "{error}"
    );
    let extra = r#"{"servers": [], "owner": "ops"}"#;
    assert!(parse_json(extra).is_err(), "an unknown top-level field");
    let in_a_service = r#"{"servers": [{"name": "a", "addresses": [], "services": [{"name": "x", "port": 1, "protocol": "tcp", "prot": "udp"}]}]}"#;
    match parse_json(in_a_service) {
        Err(error) => assert!(
            error.to_string().contains("unknown field `prot`"),
            "{error}"
        ),
        Ok(inventory) => panic!("a service's unknown field `prot` was ignored: {inventory:?}"),
    }
}

// Catches: json-port-wider-than-u16, json-address-as-string,
// json-protocol-any-case: `port` typed as a wider integer (70000
// accepted), an address kept as an unchecked string, a protocol in any
// casing.
#[test]
fn values_are_checked_by_their_types() {
    let bad_port = r#"{"servers": [{"name": "a", "addresses": [], "services": [{"name": "x", "port": 70000, "protocol": "tcp"}]}]}"#;
    let bad_ip = r#"{"servers": [{"name": "a", "addresses": ["10.0.0.300"]}]}"#;
    let bad_protocol = r#"{"servers": [{"name": "a", "addresses": [], "services": [{"name": "x", "port": 1, "protocol": "TCP"}]}]}"#;
    for text in [bad_port, bad_ip, bad_protocol] {
        assert!(
            matches!(parse_json(text), Err(FormatError::Parse { .. })),
            "accepted: {text}"
        );
    }
}

// Catches: json-missing-file-as-parse-error: every failure reported as a
// parse error.
#[test]
fn a_missing_file_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    match load_json(&dir.path().join("nope.json")).unwrap_err() {
        FormatError::Io { kind, .. } => assert_eq!(kind, std::io::ErrorKind::NotFound),
        other => panic!("expected FormatError::Io, got {other:?}"),
    }
}
