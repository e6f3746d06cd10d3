//! Exercise 3: the same inventory in YAML, several documents, and the
//! YAML traps.
//!
//! serde separates the data model from the format: the inventory types of
//! exercise 2 read YAML as they do JSON, through `serde_yaml` (`from_str`;
//! this course uses its maintained fork, `yaml_serde`, under the familiar
//! name). Converting JSON to YAML is then "parse into the types, write the
//! other format": anything that is not a valid inventory is refused
//! instead of converted half-way.
//!
//! - A `serde_yaml::Error` has `location()` (an `Option`) with `line()`
//!   and `column()`: keep them in [`FormatError::Parse`] (0 and 0 without
//!   a location) with `to_string()` as the message.
//! - Several documents in one file, separated by `---`: iterate
//!   `serde_yaml::Deserializer::from_str(text)`; each item is a
//!   deserializer for one document: `Inventory::deserialize(document)`
//!   (the `serde::Deserialize` trait must be in scope). An empty text has
//!   no documents (the parser would see one empty document: check first).
//!
//! **The traps.** YAML guesses types from how a value looks, and the
//! guesses have changed over the years. In YAML 1.1 (PyYAML's
//! `yaml.safe_load`) `no`, `on` and `yes` are booleans, so Norway's
//! country code becomes `False`. This parser follows YAML 1.2, where they
//! are strings, but the lesson holds everywhere: **say what you mean with
//! the field's type.** [`DeployConfig`] types each field as a careful
//! reader of the file means it, and the tests pin what comes out:
//!
//! - `country: no` into a `String`: `"no"`; into a `bool` it would be an
//!   error (here) or `false` (YAML 1.1).
//! - `owner: ~` is null: only an `Option<String>` can hold it (`None`), and
//!   `#[serde(default)]` lets the key be left out too.
//! - `mode: 0777` into a `String`: `"0777"`. As a number it would be 777
//!   (decimal) or 511 (octal), depending on the parser; as text, your code
//!   decides: [`DeployConfig::mode_bits`] reads it as octal.
//! - `timeout: 1e3` into an `f64`: 1000.0.
//! - `zip: "010"`: quoted, so text in every YAML version.
//!
//! **Writing: quote for the strictest reader.** The YAML you write may be
//! read by PyYAML or Ansible (YAML 1.1). `serde_yaml::to_string` quotes
//! only what YAML 1.2 would misread: it writes a server named `no` as
//! `name: no`, which PyYAML reads as `False`; `on` and `Off` become
//! booleans too, `2026-11-25` a date, `12:30` the number 750 (base 60), and
//! an IPv6 address such as `1:2:3:4:5:6:7:8` a number as well. So
//! `to_yaml` writes the YAML itself: `serde_yaml::to_value(inventory)`
//! gives a `serde_yaml::Value` tree (mappings keep the fields' order), and
//! a short recursive function writes it in block style (`key: value`,
//! `- item`, two more spaces for each level, `[]` for an empty list). A
//! text is written plain only when no reader can take it for anything
//! else: it starts with a letter, holds only letters, digits, `-`, `_` and
//! `.`, and is not one of YAML 1.1's `y`, `n`, `yes`, `no`, `true`,
//! `false`, `on`, `off`, `null` in any case. Quote anything else with
//! double quotes: `serde_json::to_string(text)` does it, and JSON's
//! escapes are YAML's. The tests read your output back, check that no
//! trap is left plain, and load it with PyYAML's `yaml.safe_load` when
//! python3 has it.
//!
//! Run the tests with `cargo kata check files/yaml`.

use crate::json::{FormatError, Inventory};

/// Parses an inventory from YAML text (one document).
pub fn parse_yaml(text: &str) -> Result<Inventory, FormatError> {
    todo!("parse an inventory from the YAML text {text:?} with serde_yaml")
}

/// The inventory as YAML that every reader takes the same way, YAML 1.2
/// (this crate) and YAML 1.1 (PyYAML, Ansible) alike: a text that either
/// would read as something else (`no`, `on`, `~`, `2026-11-25`, `12:30`,
/// `0777`, an address) is quoted.
pub fn to_yaml(inventory: &Inventory) -> String {
    todo!("write {inventory:?} as YAML")
}

/// Every document of a multi-document YAML text (`---` between them), in
/// order. An empty text has no documents.
pub fn parse_documents(text: &str) -> Result<Vec<Inventory>, FormatError> {
    todo!("parse every document of {text:?}, in order")
}

/// JSON text to YAML text, through the inventory types: anything that is
/// not a valid inventory is refused rather than converted half-way.
pub fn json_to_yaml(json: &str) -> Result<String, FormatError> {
    todo!("parse the JSON {json:?} into an inventory and write it as YAML")
}

/// YAML text to pretty JSON text, through the inventory types.
pub fn yaml_to_json(yaml: &str) -> Result<String, FormatError> {
    todo!("parse the YAML {yaml:?} into an inventory and write it as pretty JSON")
}

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
///
/// Derive `Serialize` and `Deserialize`, refuse unknown fields, and let
/// `owner` be left out (`#[serde(default)]`).
#[derive(Debug, Clone, PartialEq)]
pub struct DeployConfig {
    pub country: String,
    pub feature: String,
    pub owner: Option<String>,
    pub mode: String,
    pub timeout: f64,
    pub zip: String,
}

impl DeployConfig {
    /// `mode` read as octal (`0777`, `0o600` and `600` all work): `None`
    /// if it is not an octal number below `0o10000`. Check the digits
    /// yourself (after an optional `0o`): `u32::from_str_radix(s, 8)` alone
    /// would accept a leading `+`.
    pub fn mode_bits(&self) -> Option<u32> {
        todo!("read the mode {:?} as an octal number", self.mode)
    }
}

/// Parses a deploy configuration from YAML.
pub fn parse_deploy_config(text: &str) -> Result<DeployConfig, FormatError> {
    todo!("parse a DeployConfig from the YAML text {text:?}")
}
