//! Exercise 6: `fleetmon`, the command line, with `clap` (derive). Results
//! on stdout, logs on stderr, and the exit code as an API:
//!
//! | code | meaning |
//! |---|---|
//! | 0 | every check is up |
//! | 1 | something is down (or was skipped) |
//! | 2 | a usage error or a bad inventory |
//!
//! ```text
//! fleetmon check INVENTORY [--concurrency N] [--timeout DUR] [--retries K]
//!                          [--shard I/N] [--format text|json]
//! fleetmon serve INVENTORY [the same round options] [--listen ADDR] [--interval DUR]
//! fleetmon demo [--servers N] [--listen ADDR] [--interval DUR]
//! ```
//!
//! - `check`: one round of every check (the inventory's defaults, each
//!   overridden by its option), the report on stdout ([`text`] or
//!   [`json`]), the [`summary`] on stderr, and the report's exit code.
//! - `serve`: a round every `--interval` (default 30s; no check starts
//!   after the next round is due), each published to a
//!   [`StatusServer`] on `--listen` (default `127.0.0.1:9185`), then a log
//!   line on stderr, `fleetmon: round N: <summary>` (after the publish: a
//!   script that waits for the line finds the round on the page). The first stderr line says where the page
//!   is: `fleetmon: status page at http://ADDR/ …`. SIGTERM or Ctrl-C (the
//!   `ctrlc` crate, whose `termination` feature covers SIGTERM): no new
//!   check starts, those in flight end within their timeout, the server
//!   shuts down, exit 0, nothing left running.
//! - `demo`: testkit's `FakeFleet` of `--servers` (default 200) servers on
//!   loopback, some slow, down, hanging or wrong, served like `serve` with
//!   10 at a time and a 1 s timeout.
//! - `--shard I/N` (1 ≤ I ≤ N): only the servers with
//!   [`shard_of`]`(name, N) == I - 1`.
//! - Durations as [`parse_duration`] reads them. Usage errors (an unknown
//!   option, `--concurrency 0`, `--shard 4/3`, a bad duration) exit 2 with
//!   clap's message; so does an inventory that cannot be read or parsed,
//!   with the [`InventoryError`] on stderr. `--help` and `--version` exit 0.
//!
//! [`text`]: crate::report::text
//! [`json`]: crate::report::json
//! [`summary`]: crate::report::summary
//! [`StatusServer`]: crate::status_page::StatusServer
//! [`shard_of`]: crate::inventory::shard_of
//! [`parse_duration`]: crate::inventory::parse_duration
//! [`InventoryError`]: crate::inventory::InventoryError

use std::process::ExitCode;
use std::time::Duration;

/// The first pause between two attempts of a check (then twice that, …).
pub const BACKOFF: Duration = Duration::from_millis(200);

/// `fleetmon`'s `main` (src/bin/fleetmon.rs calls it): parses the command
/// line and runs it, returning the exit code.
pub fn main() -> ExitCode {
    todo!("fleetmon main: parse the command line with clap and run check, serve or demo")
}
