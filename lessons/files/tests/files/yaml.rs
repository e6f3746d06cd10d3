//! Exercise 3: the inventory in YAML, several documents, and the YAML
//! traps.

use std::io::Write;
use std::process::{Command, Stdio};

use files::json::{FormatError, Inventory, Protocol, Server, Service, parse_json, to_json};
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

// Catches: yaml-convert-through-values: a conversion through loosely
// typed values that changes what it carries (keys reordered, a port turned
// into text, an IPv6 address mangled, the empty service list dropped and
// not restored).
#[test]
fn json_to_yaml_and_back_loses_nothing() {
    let json = to_json(&sample());
    let yaml = json_to_yaml(&json).unwrap();
    assert_eq!(parse_yaml(&yaml).unwrap(), sample());
    let back = yaml_to_json(&yaml).unwrap();
    assert_eq!(back, json, "the round trip gives back the same JSON text");
    assert_eq!(parse_json(&back).unwrap(), sample());
}

// Catches: yaml-empty-text-one-document: the parser sees one empty
// document in an empty text; there are none.
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

// Catches: yaml-documents-split-by-hand: documents split on `---` and
// parsed one by one, so that a line counts from the start of its document
// (3) instead of the file (6).
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

/// Texts that a YAML 1.1 reader (PyYAML's `safe_load`, Ansible) takes as
/// something else when they are written plain: booleans, null, integers in
/// every base, numbers in base 60 (`12:30` is 750), floats, dates and
/// timestamps, the merge key and the value key. The empty text is null.
const YAML_1_1_TRAPS: [&str; 34] = [
    "no",
    "No",
    "NO",
    "on",
    "Off",
    "yes",
    "y",
    "N",
    "TRUE",
    "false",
    "null",
    "Null",
    "~",
    "",
    "2026-11-25",
    "2001-12-14t21:59:43.10-05:00",
    "2026-11-25 10:00:00",
    "12:30",
    "190:20:30",
    "0777",
    "0x1F",
    "0b101",
    "1_000",
    "+12",
    "-7",
    "1.5",
    "6.8523015e+5",
    ".inf",
    "-.Inf",
    ".NaN",
    "20:30.15",
    "1e3",
    "<<",
    "=",
];

/// An inventory whose every name is a trap, with an IPv6 address that a
/// YAML 1.1 reader takes for a number in base 60.
fn trap_inventory() -> Inventory {
    Inventory {
        servers: YAML_1_1_TRAPS
            .iter()
            .map(|&name| Server {
                name: name.to_string(),
                addresses: vec!["1:2:3:4:5:6:7:8".parse().unwrap()],
                services: vec![Service {
                    name: name.to_string(),
                    port: 80,
                    protocol: Protocol::Udp,
                }],
            })
            .collect(),
    }
}

/// The scalars a YAML text writes plain (unquoted): what follows `key: ` or
/// `- ` on a line, and the items of a flow collection (`[a, b]`,
/// `{name: a}`). A quoted scalar starts with `'` or `"` and is left out.
fn plain_scalars(yaml: &str) -> Vec<String> {
    let mut plain = Vec::new();
    for line in yaml.lines() {
        let mut rest = line.trim();
        while let Some(item) = rest.strip_prefix("- ") {
            rest = item.trim_start();
        }
        let value = match rest.split_once(": ") {
            Some((_key, value)) => value.trim(),
            None if rest.ends_with(':') || rest == "-" => continue,
            None => rest,
        };
        let pieces: Vec<&str> = if value.starts_with(['[', '{']) {
            value
                .split([',', '[', ']', '{', '}'])
                .map(|piece| piece.rsplit_once(": ").map_or(piece, |(_, v)| v))
                .collect()
        } else {
            vec![value]
        };
        for piece in pieces.into_iter().map(str::trim) {
            if !piece.is_empty() && !piece.starts_with(['\'', '"']) {
                plain.push(piece.to_string());
            }
        }
    }
    plain
}

// Catches: yaml-yaml-1-2-quoting-only, yaml-quotes-only-yes-and-no,
// yaml-json-to-yaml-through-values. What
// `to_yaml` writes reads back the same here (YAML 1.2), and no text that a
// YAML 1.1 reader takes as something else is written plain: the rule holds
// wherever the tests run, with or without Python.
#[test]
fn to_yaml_quotes_what_a_yaml_1_1_reader_would_take_as_something_else() {
    let inventory = trap_inventory();
    let text = to_yaml(&inventory);
    assert_eq!(
        parse_yaml(&text).unwrap(),
        inventory,
        "reads back the same:\n{text}"
    );
    assert_eq!(
        json_to_yaml(&to_json(&inventory)).unwrap(),
        text,
        "JSON to YAML writes what to_yaml writes"
    );
    let plain = plain_scalars(&text);
    for trap in YAML_1_1_TRAPS.iter().chain(&["1:2:3:4:5:6:7:8"]) {
        assert!(
            !plain.iter().any(|p| p == trap),
            "{trap:?} is written plain, and YAML 1.1 reads it as something else:\n{text}"
        );
    }
}

// Catches: yaml-yaml-1-2-quoting-only, yaml-quotes-only-yes-and-no.
// PyYAML, the YAML 1.1 reader the course used, reads what `to_yaml` writes
// as the same inventory: `no` is not `False`, `12:30` is not 750,
// `2026-11-25` is not a date. Skipped, with a message, without python3 and
// PyYAML (`pip install pyyaml`).
#[test]
fn pyyaml_reads_what_to_yaml_writes_as_it_was_meant() {
    let inventory = trap_inventory();
    let text = to_yaml(&inventory);
    let script = "import json, sys\n\
try:\n    import yaml\n\
except ImportError:\n    sys.exit(77)\n\
print(json.dumps(yaml.safe_load(sys.stdin.read())))\n";
    let child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => {
            eprintln!("skipped: no python3 to read the YAML with PyYAML ({e})");
            return;
        }
    };
    let mut stdin = child.stdin.take().unwrap();
    let yaml = text.clone();
    let run = testkit::within(testkit::DEFAULT_LIMIT, "python3 with PyYAML", move || {
        stdin.write_all(yaml.as_bytes()).unwrap();
        drop(stdin);
        child.wait_with_output().unwrap()
    });
    if run.status.code() == Some(77) {
        eprintln!("skipped: PyYAML is not installed (pip install pyyaml)");
        return;
    }
    assert!(
        run.status.success(),
        "PyYAML could not load what to_yaml wrote: {}\n{text}",
        String::from_utf8_lossy(&run.stderr)
    );
    let read = String::from_utf8_lossy(&run.stdout);
    assert_eq!(
        parse_json(&read),
        Ok(inventory),
        "PyYAML read it as\n{read}\nfrom\n{text}"
    );
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

// Catches (no gallery entry: `country` is a `String` in the stub, and a
// `bool` field does not compile against this test): YAML 1.1 thinking, or
// a `bool` field: `no` read as false. Norway's country code is the text
// "no".
#[test]
fn trap_no_stays_the_text_no() {
    assert_eq!(traps().country, "no");
}

#[test]
fn trap_on_stays_the_text_on() {
    assert_eq!(traps().feature, "on");
}

// Catches (no gallery entry: `owner` is an `Option<String>` in the stub,
// and `owner: String` does not compile against this test): `owner:
// String`, which cannot hold `~` (null).
#[test]
fn trap_tilde_is_no_value() {
    assert_eq!(traps().owner, None);
    let named = parse_deploy_config(&TRAPS.replace("owner: ~", "owner: ops-team")).unwrap();
    assert_eq!(named.owner.as_deref(), Some("ops-team"));
    let absent = parse_deploy_config(&TRAPS.replace("owner: ~\n", "")).unwrap();
    assert_eq!(absent.owner, None, "a field left out is no value either");
}

// Catches: yaml-mode-read-as-decimal, yaml-mode-accepts-a-sign,
// yaml-mode-no-upper-bound: `mode`
// read as a decimal number (777) or an integer field, which loses what
// `0777` means: octal file permissions; and `from_str_radix` without a
// check of the digits, which takes `+7`.
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

// Catches: yaml-config-typo-ignored: a typo in a configuration silently
// ignored.
#[test]
fn a_misspelt_key_in_a_config_is_refused() {
    let typo = TRAPS.replace("timeout:", "timeuot:");
    assert!(matches!(
        parse_deploy_config(&typo),
        Err(FormatError::Parse { .. })
    ));
    // A key that may be left out: without the check, the typo would go
    // unnoticed and `owner` would be `None`.
    let optional = TRAPS.replace("owner:", "ownre:");
    match parse_deploy_config(&optional) {
        Err(FormatError::Parse { message, .. }) => {
            assert!(message.contains("unknown field `ownre`"), "{message}")
        }
        other => panic!("the misspelt `ownre` was not refused: {other:?}"),
    }
}
