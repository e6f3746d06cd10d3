//! Exercise 4: the report. The same round three ways: a text table for a
//! person, JSON with a stable schema for a script, and the Prometheus text
//! exposition format for a Prometheus that scrapes `/metrics`; and the exit
//! code, which is an API too: 0 all up, 1 something down or skipped.
//!
//! The exposition format is plain text (the Prometheus docs' "Exposition
//! formats" page): `# HELP name text`, `# TYPE name gauge`, then one line
//! per sample, `name{label="value",…} number`. Label values escape `\`, `"`
//! and newlines. The tests read your output with a real parser (the
//! `prometheus-parse` crate), as a Prometheus server would.

use std::time::{Duration, SystemTime};

use crate::scheduler::JobResult;

/// The version of the JSON schema; bumped only when a field changes meaning
/// or goes away (adding a field does not).
pub const JSON_SCHEMA: u32 = 1;

/// One finished round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// In inventory order.
    pub results: Vec<JobResult>,
    /// How long the round took.
    pub duration: Duration,
    /// When it finished.
    pub finished_at: SystemTime,
}

impl Report {
    /// Checks that are up.
    pub fn up(&self) -> usize {
        todo!("Report::up: count the results that are Up")
    }

    /// Checks that are down.
    pub fn down(&self) -> usize {
        todo!("Report::down: count the results that are Down")
    }

    /// Checks that were skipped.
    pub fn skipped(&self) -> usize {
        todo!("Report::skipped: count the results that were Skipped")
    }

    /// 0 when every check is up, 1 otherwise (a skipped check is not known
    /// to be up). An empty round is 0: nothing is down.
    pub fn exit_code(&self) -> i32 {
        todo!(
            "Report::exit_code: 0 if all {} checks are up, else 1",
            self.results.len()
        )
    }
}

/// One line: `3 checks: 1 up, 1 down, 1 skipped in 0.42 s` (the duration
/// with two decimals).
pub fn summary(report: &Report) -> String {
    todo!("summary: one line for {} results", report.results.len())
}

/// A table with a header, one row per check in inventory order, columns
/// separated by two spaces and as wide as their widest cell (the last
/// column, REASON, not padded; no trailing spaces), times with three
/// decimals and an `s`, and the [`summary`] line last:
///
/// ```text
/// SERVER  CHECK                         STATUS  TIME    REASON
/// web-01  http://10.0.0.11:8080/health  up      0.021s
/// web-02  tcp://10.0.0.12:22            down    2.000s  timed out
/// 2 checks: 1 up, 1 down, 0 skipped in 2.00 s
/// ```
pub fn text(report: &Report) -> String {
    todo!(
        "text: a table of {} results and a summary line",
        report.results.len()
    )
}

/// The round as JSON (pretty-printed, ending in a newline), schema
/// [`JSON_SCHEMA`]; every field is always present (`reason` is `null` when
/// up), numbers of seconds as floats, `finished_at` in Unix seconds:
///
/// ```json
/// {"schema": 1, "finished_at": 1764633600.5, "duration_seconds": 0.42,
///  "summary": {"total": 2, "up": 1, "down": 1, "skipped": 0},
///  "checks": [{"server": "web-01", "check": "tcp://…", "status": "up",
///              "reason": null, "seconds": 0.021}, …]}
/// ```
///
/// `status` is `"up"`, `"down"` or `"skipped"`.
pub fn json(report: &Report) -> String {
    todo!(
        "json: the schema-{JSON_SCHEMA} document for {} results",
        report.results.len()
    )
}

/// A label value of the exposition format: `\` as `\\`, `"` as `\"`, a
/// newline as `\n`, everything else as it is.
pub fn escape_label(value: &str) -> String {
    todo!("escape_label: escape {value:?} for a Prometheus label")
}

/// The round in the Prometheus text exposition format (version 0.0.4): for
/// each metric a `# HELP` and a `# TYPE … gauge` line, then its samples.
///
/// - `fleetmon_check_up{server="…",check="…"}`: 1 up, 0 down or skipped
/// - `fleetmon_check_duration_seconds{server="…",check="…"}`
/// - `fleetmon_checks{status="up"}`, `…{status="down"}`, `…{status="skipped"}`
/// - `fleetmon_round_duration_seconds`
/// - `fleetmon_round_finished_timestamp_seconds` (Unix time)
pub fn prometheus(report: &Report) -> String {
    todo!(
        "prometheus: the exposition text for {} results",
        report.results.len()
    )
}
