//! Exercise 3: the same inventory in YAML, several documents, and the
//! YAML traps.
//!
//! Reference solution. The inventory types of exercise 2 serve YAML as
//! they serve JSON: serde separates the data model from the format. The
//! traps are handled by the types, not by code: a field that holds text is
//! a `String` (so `no` stays "no" and `0777` stays "0777"), a field that
//! may be empty is an `Option`, and a number is parsed from text only where
//! its meaning is known (an octal file mode).

use serde::{Deserialize, Serialize};

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

/// The inventory as YAML.
pub fn to_yaml(inventory: &Inventory) -> String {
    serde_yaml::to_string(inventory).expect("an inventory always serialises")
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
