//! Exercise 3: the inventory in YAML, several documents, and the YAML
//! traps.

use files::json::{FormatError, parse_json, to_json};
use files::yaml::{
    DeployConfig, json_to_yaml, parse_deploy_config, parse_documents, parse_yaml, to_yaml,
    yaml_to_json,
};

use crate::json::sample;

const SAMPLE_YAML: &str = "\
servers:
  - name: web-1
    addresses: [10.0.0.5, '2001:db8::5']
    services:
      - {name: https, port: 443, protocol: tcp}
      - {name: dns, port: 53, protocol: udp}
  - name: db-1
    addresses:
      - 10.0.0.9
";

#[test]
fn the_inventory_reads_from_yaml() {
    assert_eq!(parse_yaml(SAMPLE_YAML).unwrap(), sample());
}

#[test]
fn yaml_written_reads_back_the_same() {
    let text = to_yaml(&sample());
    assert_eq!(parse_yaml(&text).unwrap(), sample());
}

// Wrong solution caught: a conversion through loosely typed values that
// changes what it carries (a port turned into text, an IPv6 address
// mangled, the empty service list dropped and not restored).
#[test]
fn json_to_yaml_and_back_loses_nothing() {
    let json = to_json(&sample());
    let yaml = json_to_yaml(&json).unwrap();
    assert_eq!(parse_yaml(&yaml).unwrap(), sample());
    let back = yaml_to_json(&yaml).unwrap();
    assert_eq!(back, json, "the round trip gives back the same JSON text");
    assert_eq!(parse_json(&back).unwrap(), sample());
}

#[test]
fn several_documents_in_one_file_come_out_in_order() {
    let text =
        "servers: []\n---\nservers:\n  - {name: a, addresses: [10.0.0.1]}\n---\nservers: []\n";
    let docs = parse_documents(text).unwrap();
    assert_eq!(docs.len(), 3);
    assert!(docs[0].servers.is_empty());
    assert_eq!(docs[1].servers[0].name, "a");
    assert!(
        parse_documents("").unwrap().is_empty(),
        "no text, no documents"
    );
}

#[test]
fn a_bad_document_says_where() {
    let text = "servers: []\n---\nservers:\n  - name: a\n    addresses: [10.0.0.1]\n    port: 80\n";
    match parse_documents(text).unwrap_err() {
        FormatError::Parse { line, message, .. } => {
            assert_eq!(line, 6, "the line of the unknown key: {message}");
            assert!(message.contains("unknown field `port`"), "{message}");
        }
        other => panic!("expected FormatError::Parse, got {other:?}"),
    }
}

const TRAPS: &str = "\
country: no
feature: on
owner: ~
mode: 0777
timeout: 1e3
zip: \"010\"
";

fn traps() -> DeployConfig {
    parse_deploy_config(TRAPS).unwrap()
}

// Wrong solution caught (YAML 1.1 thinking, or a `bool` field): `no` read
// as false. Norway's country code is the text "no".
#[test]
fn trap_no_stays_the_text_no() {
    assert_eq!(traps().country, "no");
}

#[test]
fn trap_on_stays_the_text_on() {
    assert_eq!(traps().feature, "on");
}

// Wrong solution caught: `owner: String`, which cannot hold `~` (null).
#[test]
fn trap_tilde_is_no_value() {
    assert_eq!(traps().owner, None);
    let named = parse_deploy_config(&TRAPS.replace("owner: ~", "owner: ops-team")).unwrap();
    assert_eq!(named.owner.as_deref(), Some("ops-team"));
    let absent = parse_deploy_config(&TRAPS.replace("owner: ~\n", "")).unwrap();
    assert_eq!(absent.owner, None, "a field left out is no value either");
}

// Wrong solution caught: `mode` read as a decimal number (777) or an
// integer field, which loses what `0777` means: octal file permissions.
#[test]
fn trap_0777_is_an_octal_mode() {
    let config = traps();
    assert_eq!(config.mode, "0777");
    assert_eq!(config.mode_bits(), Some(0o777));
    let other = |mode: &str| DeployConfig {
        mode: mode.to_string(),
        ..traps()
    };
    assert_eq!(other("0o600").mode_bits(), Some(0o600));
    assert_eq!(other("640").mode_bits(), Some(0o640));
    for bad in ["", "0o", "0789", "+7", "rwx", "77777"] {
        assert_eq!(other(bad).mode_bits(), None, "{bad:?}");
    }
}

#[test]
fn trap_1e3_is_a_thousand() {
    assert_eq!(traps().timeout, 1000.0);
}

#[test]
fn trap_quoted_010_keeps_its_leading_zero() {
    assert_eq!(traps().zip, "010");
}

// Wrong solution caught: a typo in a configuration silently ignored.
#[test]
fn a_misspelt_key_in_a_config_is_refused() {
    let typo = TRAPS.replace("timeout:", "timeuot:");
    assert!(matches!(
        parse_deploy_config(&typo),
        Err(FormatError::Parse { .. })
    ));
}
