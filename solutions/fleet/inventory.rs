//! Exercise 1: the inventory. Which servers there are, how to reach them and
//! what to check on each, read from YAML (or JSON) into plain Rust types, and
//! every mistake in the file reported with the file, line and column, the
//! server and the field, so that `fleetmon` can exit 2 with a message a person
//! fixes in one go.
//!
//! ```yaml
//! defaults: { timeout: 2s, retries: 1, concurrency: 10 }
//! servers:
//!   - name: web-01
//!     address: 10.0.0.11
//!     checks:
//!       - http: { port: 8080, path: /health, expect_status: 200, expect_text: OK }
//!       - tcp: { port: 22 }
//!       - command: { program: /usr/lib/nagios/plugins/check_disk, args: ["-w", "10%"] }
//! ```

// An error on the cold path that carries everything a person needs (file,
// line, column, server, field, message) is worth its 128 bytes.
#![allow(clippy::result_large_err)]

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Deserializer};

/// Used when the inventory's `defaults` do not say.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);
pub const DEFAULT_RETRIES: u32 = 0;
pub const DEFAULT_CONCURRENCY: usize = 10;

/// A whole inventory: the defaults and the servers, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inventory {
    pub defaults: Defaults,
    pub servers: Vec<Server>,
}

/// How every check runs unless the command line says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Defaults {
    /// The limit of one attempt of one check.
    pub timeout: Duration,
    /// Attempts after the first one that failed.
    pub retries: u32,
    /// Checks in flight at once.
    pub concurrency: usize,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            timeout: DEFAULT_TIMEOUT,
            retries: DEFAULT_RETRIES,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }
}

/// One server: a unique host name, an address to reach it at, its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub name: String,
    /// A host name or an IP address (IPv6 without brackets).
    pub address: String,
    pub checks: Vec<CheckSpec>,
}

/// What to check, as the inventory says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckSpec {
    /// `GET http://<address>:<port><path>`: up when the status is
    /// `expect_status` and the body contains `expect_text` (if given).
    Http {
        port: u16,
        path: String,
        expect_status: u16,
        expect_text: Option<String>,
    },
    /// Up when a TCP connection to `<address>:<port>` is accepted.
    Tcp { port: u16 },
    /// Runs `program` with `args` (never through a shell): up when it
    /// exits with `expect_exit`.
    Command {
        program: String,
        args: Vec<String>,
        expect_exit: i32,
    },
}

/// A mistake in an inventory, with everything a person needs to find it.
/// Displays as `file:line:column: server `web-3`: field `checks[0].port`:
/// message`, leaving out the parts it does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryError {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The name of the server the mistake is in, when it has one.
    pub server: Option<String>,
    /// Where in the document, e.g. `servers[2].checks[0].port`.
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for InventoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": ")?;
        if let Some(server) = &self.server {
            write!(f, "server `{server}`: ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "field `{field}`: ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for InventoryError {}

// ANCHOR: parse_duration
/// `"250ms"`, `"2s"`, `"1m"`: a whole number and a unit, nothing else.
/// Zero is refused: a check with no time to run is a mistake.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let (number, unit) = text.split_at(digits);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration like 250ms, 2s or 1m"))?;
    let duration = match unit {
        "ms" => Duration::from_millis(number),
        "s" => Duration::from_secs(number),
        "m" => Duration::from_secs(number.saturating_mul(60)),
        _ => return Err(format!("`{text}`: the unit must be ms, s or m")),
    };
    if duration.is_zero() {
        return Err(format!("`{text}`: a duration must be more than zero"));
    }
    Ok(duration)
}
// ANCHOR_END: parse_duration

/// The host-name rules of the traits lesson: 1 to 253 characters, labels of
/// 1 to 63 ASCII letters, digits and hyphens, no label starting or ending
/// with a hyphen.
pub fn validate_hostname(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 253 {
        return Err(format!("`{name}` must have 1 to 253 characters"));
    }
    for label in name.split('.') {
        if label.is_empty() || label.len() > 63 {
            return Err(format!(
                "`{name}`: every label must have 1 to 63 characters"
            ));
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(format!(
                "`{name}`: only letters, digits, hyphens and dots are allowed"
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!(
                "`{name}`: a label cannot start or end with a hyphen"
            ));
        }
    }
    Ok(())
}

// ANCHOR: shard
/// Which of `count` shards a server belongs to: FNV-1a (64 bits) of its
/// name, modulo `count`. The same on every machine and every run (std's
/// `DefaultHasher` promises neither), so N monitors split a fleet exactly.
pub fn shard_of(name: &str, count: usize) -> usize {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (hash % count.max(1) as u64) as usize
}
// ANCHOR_END: shard

impl Inventory {
    /// Parses an inventory; `file` names it in errors and chooses the
    /// format: JSON when it ends in `.json`, YAML otherwise.
    pub fn parse(text: &str, file: &str) -> Result<Inventory, InventoryError> {
        let raw: RawInventory = if file.ends_with(".json") {
            let mut de = serde_json::Deserializer::from_str(text);
            serde_path_to_error::deserialize(&mut de).map_err(|e| {
                let field = Some(e.path().to_string()).filter(|p| p != ".");
                let inner = e.into_inner();
                located(
                    text,
                    file,
                    field,
                    inner.line(),
                    inner.column(),
                    &inner.to_string(),
                )
            })?
        } else {
            let de = serde_yaml::Deserializer::from_str(text);
            serde_path_to_error::deserialize(de).map_err(|e| {
                let field = Some(e.path().to_string()).filter(|p| p != ".");
                let inner = e.into_inner();
                let (line, column) = inner
                    .location()
                    .map(|l| (l.line(), l.column()))
                    .unwrap_or((0, 0));
                located(text, file, field, line, column, &inner.to_string())
            })?
        };
        raw.check(text, file)
    }

    /// Reads and parses the file at `path`.
    pub fn load(path: &Path) -> Result<Inventory, InventoryError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| InventoryError {
            file: file.clone(),
            line: None,
            column: None,
            server: None,
            field: None,
            message: format!("cannot read the inventory: {e}"),
        })?;
        Inventory::parse(&text, &file)
    }

    /// The servers of shard `index` of `count` (see [`shard_of`]), in
    /// inventory order, with the same defaults.
    pub fn shard(&self, index: usize, count: usize) -> Inventory {
        Inventory {
            defaults: self.defaults,
            servers: self
                .servers
                .iter()
                .filter(|s| shard_of(&s.name, count) == index)
                .cloned()
                .collect(),
        }
    }
}

/// An error from a parser: its message without the parser's own "at line
/// N column M" and path prefix, which the error has fields for.
fn located(
    text: &str,
    file: &str,
    field: Option<String>,
    line: usize,
    column: usize,
    message: &str,
) -> InventoryError {
    let mut message = message.to_string();
    if let Some(at) = message.rfind(" at line ") {
        message.truncate(at);
    }
    if let Some(field) = &field
        && let Some(rest) = message.strip_prefix(&format!("{field}: "))
    {
        message = rest.to_string();
    }
    // "servers[3]: …": serde_yaml's own prefix, shorter than our field.
    if message.starts_with("servers[")
        && let Some((_, rest)) = message.split_once("]: ")
    {
        message = rest.to_string();
    }
    InventoryError {
        file: file.to_string(),
        line: (line > 0).then_some(line),
        column: (line > 0).then_some(column),
        server: field
            .as_deref()
            .and_then(|f| server_named_at(text, file, f)),
        field,
        message,
    }
}

/// The name of the server at `servers[i]` of a path, read leniently from
/// the document (the strict parse just failed).
fn server_named_at(text: &str, file: &str, field: &str) -> Option<String> {
    let index: usize = field
        .strip_prefix("servers[")?
        .split(']')
        .next()?
        .parse()
        .ok()?;
    let doc: serde_json::Value = if file.ends_with(".json") {
        serde_json::from_str(text).ok()?
    } else {
        serde_yaml::from_str(text).ok()?
    };
    doc.get("servers")?
        .get(index)?
        .get("name")?
        .as_str()
        .map(str::to_string)
}

// What the file holds, checked by serde as it is read: the private mirror
// of the public types. Every rule that can be checked on one value is
// checked while serde reads it (`deserialize_with`), so the parser reports
// where the value is.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInventory {
    #[serde(default)]
    defaults: RawDefaults,
    servers: Vec<RawServer>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    #[serde(default, deserialize_with = "duration")]
    timeout: Option<Duration>,
    retries: Option<u32>,
    #[serde(default, deserialize_with = "concurrency")]
    concurrency: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServer {
    #[serde(deserialize_with = "host_name")]
    name: String,
    #[serde(deserialize_with = "address")]
    address: String,
    checks: Vec<RawCheck>,
}

/// One check: exactly one of the three kinds, as a one-key map
/// (`- http: {…}`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheckKinds {
    http: Option<RawHttp>,
    tcp: Option<RawTcp>,
    command: Option<RawCommand>,
}

struct RawCheck(CheckSpec);

impl<'de> Deserialize<'de> for RawCheck {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let kinds = RawCheckKinds::deserialize(d)?;
        match (kinds.http, kinds.tcp, kinds.command) {
            (Some(h), None, None) => Ok(RawCheck(CheckSpec::Http {
                port: h.port,
                path: h.path.unwrap_or_else(|| "/".into()),
                expect_status: h.expect_status.unwrap_or(200),
                expect_text: h.expect_text,
            })),
            (None, Some(t), None) => Ok(RawCheck(CheckSpec::Tcp { port: t.port })),
            (None, None, Some(c)) => Ok(RawCheck(CheckSpec::Command {
                program: c.program,
                args: c.args,
                expect_exit: c.expect_exit,
            })),
            (None, None, None) => Err(serde::de::Error::custom(
                "a check needs one of `http`, `tcp` or `command`",
            )),
            _ => Err(serde::de::Error::custom(
                "a check has exactly one of `http`, `tcp` or `command`",
            )),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHttp {
    #[serde(deserialize_with = "port")]
    port: u16,
    #[serde(default, deserialize_with = "http_path")]
    path: Option<String>,
    expect_status: Option<u16>,
    expect_text: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTcp {
    #[serde(deserialize_with = "port")]
    port: u16,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCommand {
    program: String,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    expect_exit: i32,
}

/// Reads a `T` and checks it: a refusal becomes serde's error, which the
/// parser reports at the value's line and column.
fn checked<'de, D, T, O>(d: D, check: impl FnOnce(T) -> Result<O, String>) -> Result<O, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    check(T::deserialize(d)?).map_err(serde::de::Error::custom)
}

/// The same for an optional value: absent stays `None`.
fn checked_opt<'de, D, T, O>(
    d: D,
    check: impl FnOnce(T) -> Result<O, String>,
) -> Result<Option<O>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    match Option::<T>::deserialize(d)? {
        Some(value) => check(value).map(Some).map_err(serde::de::Error::custom),
        None => Ok(None),
    }
}

fn host_name<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    checked(d, |name: String| validate_hostname(&name).map(|()| name))
}

fn address<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    checked(d, |address: String| {
        if address.parse::<std::net::IpAddr>().is_ok() {
            Ok(address)
        } else {
            validate_hostname(&address)
                .map(|()| address)
                .map_err(|why| format!("not an IP address nor a host name: {why}"))
        }
    })
}

fn port<'de, D: Deserializer<'de>>(d: D) -> Result<u16, D::Error> {
    checked(d, |port: u16| {
        if port == 0 {
            Err("port 0 cannot be checked: use 1 to 65535".into())
        } else {
            Ok(port)
        }
    })
}

fn http_path<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    checked_opt(d, |path: String| {
        if path.starts_with('/') && !path.contains(char::is_whitespace) {
            Ok(path)
        } else {
            Err(format!(
                "`{path}`: a path starts with `/` and has no spaces"
            ))
        }
    })
}

fn duration<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    checked_opt(d, |text: String| parse_duration(&text))
}

fn concurrency<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    checked_opt(d, |n: usize| {
        if n == 0 {
            Err("concurrency must be at least 1".into())
        } else {
            Ok(n)
        }
    })
}

impl RawInventory {
    /// The rules that span several values: a server with no checks, two
    /// servers with one name.
    fn check(self, text: &str, file: &str) -> Result<Inventory, InventoryError> {
        let defaults = Defaults {
            timeout: self.defaults.timeout.unwrap_or(DEFAULT_TIMEOUT),
            retries: self.defaults.retries.unwrap_or(DEFAULT_RETRIES),
            concurrency: self.defaults.concurrency.unwrap_or(DEFAULT_CONCURRENCY),
        };
        let mut seen = BTreeSet::new();
        let mut servers = Vec::with_capacity(self.servers.len());
        for (i, raw) in self.servers.into_iter().enumerate() {
            let name = raw.name;
            let error = |message: String, occurrence: usize| {
                let line = line_of_name(text, &name, occurrence);
                InventoryError {
                    file: file.to_string(),
                    line,
                    column: None,
                    server: Some(name.clone()),
                    field: Some(format!("servers[{i}].name")),
                    message,
                }
            };
            if !seen.insert(name.clone()) {
                return Err(error(
                    format!("a second server named `{name}` (names are unique)"),
                    2,
                ));
            }
            if raw.checks.is_empty() {
                return Err(error("the server has no checks".into(), 1));
            }
            servers.push(Server {
                name: name.clone(),
                address: raw.address,
                checks: raw.checks.into_iter().map(|c| c.0).collect(),
            });
        }
        Ok(Inventory { defaults, servers })
    }
}

/// The line of the `occurrence`-th `name: <name>` (or `"name": "<name>"`)
/// in the document, for mistakes found after parsing.
fn line_of_name(text: &str, name: &str, occurrence: usize) -> Option<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let line = line.replace(['"', '\''], "");
            line.split([',', '{'])
                .any(|part| part.trim().trim_start_matches("- ").trim() == format!("name: {name}"))
        })
        .nth(occurrence - 1)
        .map(|(i, _)| i + 1)
}
