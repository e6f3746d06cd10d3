//! # Lesson `fleet`: the capstone, a fleet monitor built for real
//!
//! The Python notes' central job: 200 web servers to watch, an HTTP request
//! each, not one by one and not all at once but 10 at a time, a job queue in
//! front of a pool of threads. Each earlier lesson built one piece of that by
//! hand; this one builds the tool, `fleetmon`, with the crates a team would
//! use at work: serde and serde_yaml for the inventory, ureq for HTTP, clap
//! for the command line, tiny_http for the status page.
//!
//! Work through the exercises in order; each module is one exercise and
//! `cargo kata check fleet/<exercise>` runs its tests. `cargo run -p fleet
//! --bin fleetmon -- demo` runs your `fleetmon` against a simulated fleet.

#[cfg_attr(feature = "solution", path = "../../../solutions/fleet/inventory.rs")]
pub mod inventory;

#[cfg_attr(feature = "solution", path = "../../../solutions/fleet/checks.rs")]
pub mod checks;

#[cfg_attr(feature = "solution", path = "../../../solutions/fleet/scheduler.rs")]
pub mod scheduler;

#[cfg_attr(feature = "solution", path = "../../../solutions/fleet/report.rs")]
pub mod report;

#[cfg_attr(feature = "solution", path = "../../../solutions/fleet/status_page.rs")]
pub mod status_page;

#[cfg_attr(feature = "solution", path = "../../../solutions/fleet/cli.rs")]
pub mod cli;
