//! Exercise 3: the same inventory in YAML, several documents, and the
//! YAML traps.
//!
//! Reference solution. The inventory types of exercise 2 serve YAML as
//! they serve JSON: serde separates the data model from the format. The
//! traps are handled by the types, not by code: a field that holds text is
//! a `String` (so `no` stays "no" and `0777` stays "0777"), a field that
//! may be empty is an `Option`, and a number is parsed from text only where
//! its meaning is known (an octal file mode). What it writes, it quotes
//! for the strictest reader: `to_yaml` writes the YAML itself (from the
//! types, through `serde_yaml::Value`), because `serde_yaml` quotes for
//! YAML 1.2 only, and leaves `no`, `on` or `2026-11-25` plain for a YAML
//! 1.1 reader such as PyYAML to take as `False`, `True` or a date.

use serde::{Deserialize, Serialize};
use serde_yaml::Value;

use crate::json::{FormatError, Inventory};

/// A serde_yaml error as a `FormatError`, with its place when it has one.
fn parse_error(error: serde_yaml::Error) -> FormatError {
    let (line, column) = error
        .location()
        .map(|l| (l.line(), l.column()))
        .unwrap_or((0, 0));
    FormatError::Parse {
        line,
        column,
        message: error.to_string(),
    }
}

// ANCHOR: parse_yaml
/// Parses an inventory from YAML text (one document).
pub fn parse_yaml(text: &str) -> Result<Inventory, FormatError> {
    serde_yaml::from_str(text).map_err(parse_error)
}

/// The inventory as YAML that every reader takes the same way, YAML 1.2
/// (this crate) and YAML 1.1 (PyYAML, Ansible) alike: a text that either
/// would read as something else (`no`, `on`, `~`, `2026-11-25`, `12:30`,
/// `0777`, an address) is quoted.
pub fn to_yaml(inventory: &Inventory) -> String {
    let value = serde_yaml::to_value(inventory).expect("an inventory always serialises");
    let mut text = String::new();
    write_yaml(&mut text, &value, 0);
    text
}

/// Every document of a multi-document YAML text (`---` between them), in
/// order. An empty text has no documents.
pub fn parse_documents(text: &str) -> Result<Vec<Inventory>, FormatError> {
    // The parser sees one empty document in an empty text.
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    serde_yaml::Deserializer::from_str(text)
        .map(|document| Inventory::deserialize(document).map_err(parse_error))
        .collect()
}
// ANCHOR_END: parse_yaml

// ANCHOR: write_yaml
/// Writes `value` in block style, each line indented by `indent` spaces: a
/// mapping as `key: value` lines, a sequence as `- item` lines, a nested
/// mapping or sequence on the lines below its key, two spaces further in.
fn write_yaml(out: &mut String, value: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    match value {
        Value::Mapping(map) if !map.is_empty() => {
            for (key, item) in map {
                out.push_str(&pad);
                out.push_str(&scalar(key));
                out.push(':');
                if is_block(item) {
                    out.push('\n');
                    write_yaml(out, item, indent + 2);
                } else {
                    out.push(' ');
                    out.push_str(&scalar(item));
                    out.push('\n');
                }
            }
        }
        Value::Sequence(items) if !items.is_empty() => {
            for item in items {
                if is_block(item) {
                    // `- ` takes the place of the first line's indent:
                    // `- name: web-1`, with the other keys below `name`.
                    let mut inner = String::new();
                    write_yaml(&mut inner, item, indent + 2);
                    out.push_str(&pad);
                    out.push_str("- ");
                    out.push_str(&inner[indent + 2..]);
                } else {
                    out.push_str(&pad);
                    out.push_str("- ");
                    out.push_str(&scalar(item));
                    out.push('\n');
                }
            }
        }
        other => {
            out.push_str(&pad);
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

/// A mapping or sequence with something in it: written on lines of its own.
fn is_block(value: &Value) -> bool {
    match value {
        Value::Mapping(map) => !map.is_empty(),
        Value::Sequence(items) => !items.is_empty(),
        _ => false,
    }
}

/// A value that fits on one line: a scalar, or an empty collection.
fn scalar(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => yaml_string(s),
        Value::Sequence(_) => "[]".to_string(),
        Value::Mapping(_) => "{}".to_string(),
        Value::Tagged(tagged) => format!("{} {}", tagged.tag, scalar(&tagged.value)),
    }
}

/// YAML 1.1's words for true, false and null (PyYAML reads `no` as
/// `False`); some 1.1 readers take `y` and `n` too.
const YAML_1_1_WORDS: [&str; 9] = ["y", "n", "yes", "no", "true", "false", "on", "off", "null"];

/// `s` as a YAML scalar that reads back as the text `s` in YAML 1.1 and
/// 1.2: plain only if it starts with a letter, holds nothing but letters,
/// digits, `-`, `_` and `.`, and is not one of [`YAML_1_1_WORDS`] in any
/// case. Numbers, dates, times (`12:30` is 750 in YAML 1.1), `~` and the
/// empty text all start with something else. Anything else is
/// double-quoted, with JSON's escapes, which are YAML's too.
fn yaml_string(s: &str) -> String {
    let plain = s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !YAML_1_1_WORDS.contains(&s.to_ascii_lowercase().as_str());
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).expect("a string always serialises")
    }
}
// ANCHOR_END: write_yaml

/// JSON text to YAML text, through the inventory types: anything that is
/// not a valid inventory is refused rather than converted half-way.
pub fn json_to_yaml(json: &str) -> Result<String, FormatError> {
    Ok(to_yaml(&crate::json::parse_json(json)?))
}

/// YAML text to pretty JSON text, through the inventory types.
pub fn yaml_to_json(yaml: &str) -> Result<String, FormatError> {
    Ok(crate::json::to_json(&parse_yaml(yaml)?))
}

// ANCHOR: deploy_config
/// A deploy configuration whose values are YAML traps. Each field's type is
/// what a careful reader of the file means:
///
/// ```yaml
/// country: no       # Norway, not false
/// feature: on       # a flag's name, not true
/// owner: ~          # nobody
/// mode: 0777        # a file mode, written in octal
/// timeout: 1e3      # seconds, a number
/// zip: "010"        # a postcode, leading zero and all
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeployConfig {
    pub country: String,
    pub feature: String,
    #[serde(default)]
    pub owner: Option<String>,
    pub mode: String,
    pub timeout: f64,
    pub zip: String,
}

impl DeployConfig {
    /// `mode` read as octal (`0777`, `0o600` and `600` all work): `None`
    /// if it is not an octal number below `0o10000`.
    pub fn mode_bits(&self) -> Option<u32> {
        let digits = self.mode.strip_prefix("0o").unwrap_or(&self.mode);
        // Digits only: `from_str_radix` alone would take a leading `+`.
        if digits.is_empty() || !digits.bytes().all(|b| matches!(b, b'0'..=b'7')) {
            return None;
        }
        u32::from_str_radix(digits, 8)
            .ok()
            .filter(|&bits| bits < 0o10000)
    }
}

/// Parses a deploy configuration from YAML.
pub fn parse_deploy_config(text: &str) -> Result<DeployConfig, FormatError> {
    serde_yaml::from_str(text).map_err(parse_error)
}
// ANCHOR_END: deploy_config
