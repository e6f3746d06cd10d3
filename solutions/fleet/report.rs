//! Exercise 4: the report. The same round three ways: a text table for a
//! person, JSON with a stable schema for a script, and the Prometheus text
//! exposition format for a Prometheus that scrapes `/metrics`; and the exit
//! code, which is an API too: 0 all up, 1 something down or skipped.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::scheduler::{JobResult, Status};

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
    pub fn up(&self) -> usize {
        self.count(|s| matches!(s, Status::Up))
    }

    pub fn down(&self) -> usize {
        self.count(|s| matches!(s, Status::Down(_)))
    }

    pub fn skipped(&self) -> usize {
        self.count(|s| matches!(s, Status::Skipped(_)))
    }

    fn count(&self, what: impl Fn(&Status) -> bool) -> usize {
        self.results.iter().filter(|r| what(&r.status)).count()
    }

    /// 0 when every check is up, 1 otherwise (a skipped check is not known
    /// to be up). An empty round is 0: nothing is down.
    pub fn exit_code(&self) -> i32 {
        if self.down() + self.skipped() == 0 {
            0
        } else {
            1
        }
    }
}

/// `up`, `down` or `skipped`, and the reason, if any.
fn status_parts(status: &Status) -> (&'static str, Option<&str>) {
    match status {
        Status::Up => ("up", None),
        Status::Down(why) => ("down", Some(why)),
        Status::Skipped(why) => ("skipped", Some(why)),
    }
}

/// One line of summary: `3 checks: 1 up, 1 down, 1 skipped in 0.42 s`.
pub fn summary(report: &Report) -> String {
    format!(
        "{} checks: {} up, {} down, {} skipped in {:.2} s",
        report.results.len(),
        report.up(),
        report.down(),
        report.skipped(),
        report.duration.as_secs_f64()
    )
}

// ANCHOR: text
/// A table with a header, one row per check in inventory order, columns as
/// wide as their widest cell, and the summary line last:
///
/// ```text
/// SERVER  CHECK                         STATUS  TIME    REASON
/// web-01  http://10.0.0.11:8080/health  up      0.021s
/// web-02  tcp://10.0.0.12:22            down    2.000s  timed out
/// 2 checks: 1 up, 1 down, 0 skipped in 2.00 s
/// ```
pub fn text(report: &Report) -> String {
    let rows: Vec<[String; 5]> = report
        .results
        .iter()
        .map(|r| {
            let (status, why) = status_parts(&r.status);
            [
                r.server.clone(),
                r.check.clone(),
                status.to_string(),
                format!("{:.3}s", r.elapsed.as_secs_f64()),
                why.unwrap_or("").to_string(),
            ]
        })
        .collect();
    let header = ["SERVER", "CHECK", "STATUS", "TIME", "REASON"].map(String::from);
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 < row.len() {
                let _ = write!(line, "{cell:<width$}  ", width = widths[i]);
            } else {
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str(&summary(report));
    out.push('\n');
    out
}
// ANCHOR_END: text

fn unix_seconds(time: SystemTime) -> f64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

// ANCHOR: json
/// The round as JSON, schema [`JSON_SCHEMA`]:
///
/// ```json
/// {"schema": 1, "finished_at": 1764633600.5, "duration_seconds": 0.42,
///  "summary": {"total": 2, "up": 1, "down": 1, "skipped": 0},
///  "checks": [{"server": "web-01", "check": "tcp://…", "status": "up",
///              "reason": null, "seconds": 0.021}, …]}
/// ```
pub fn json(report: &Report) -> String {
    let checks: Vec<serde_json::Value> = report
        .results
        .iter()
        .map(|r| {
            let (status, why) = status_parts(&r.status);
            serde_json::json!({
                "server": r.server,
                "check": r.check,
                "status": status,
                "reason": why,
                "seconds": r.elapsed.as_secs_f64(),
            })
        })
        .collect();
    let doc = serde_json::json!({
        "schema": JSON_SCHEMA,
        "finished_at": unix_seconds(report.finished_at),
        "duration_seconds": report.duration.as_secs_f64(),
        "summary": {
            "total": report.results.len(),
            "up": report.up(),
            "down": report.down(),
            "skipped": report.skipped(),
        },
        "checks": checks,
    });
    serde_json::to_string_pretty(&doc).expect("JSON values serialise") + "\n"
}
// ANCHOR_END: json

/// A label value in the exposition format: `\`, `"` and newlines escaped.
pub fn escape_label(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

// ANCHOR: prometheus
/// The round in the Prometheus text exposition format (version 0.0.4):
/// for each metric a `# HELP` and a `# TYPE` line, then its samples.
///
/// - `fleetmon_check_up{server,check}`: 1 up, 0 down or skipped (gauge)
/// - `fleetmon_check_duration_seconds{server,check}` (gauge)
/// - `fleetmon_round_duration_seconds` (gauge)
/// - `fleetmon_round_finished_timestamp_seconds` (gauge)
/// - `fleetmon_checks{status="up"|"down"|"skipped"}` (gauge)
pub fn prometheus(report: &Report) -> String {
    let mut out = String::new();
    let labels = |r: &JobResult| {
        format!(
            "server=\"{}\",check=\"{}\"",
            escape_label(&r.server),
            escape_label(&r.check)
        )
    };
    out.push_str(
        "# HELP fleetmon_check_up Whether the check passed in the last round (1) or not (0).\n",
    );
    out.push_str("# TYPE fleetmon_check_up gauge\n");
    for r in &report.results {
        let up = u8::from(r.status == Status::Up);
        let _ = writeln!(out, "fleetmon_check_up{{{}}} {up}", labels(r));
    }
    out.push_str(
        "# HELP fleetmon_check_duration_seconds How long the check ran in the last round.\n",
    );
    out.push_str("# TYPE fleetmon_check_duration_seconds gauge\n");
    for r in &report.results {
        let _ = writeln!(
            out,
            "fleetmon_check_duration_seconds{{{}}} {}",
            labels(r),
            r.elapsed.as_secs_f64()
        );
    }
    out.push_str("# HELP fleetmon_checks Checks of the last round by status.\n");
    out.push_str("# TYPE fleetmon_checks gauge\n");
    for (status, n) in [
        ("up", report.up()),
        ("down", report.down()),
        ("skipped", report.skipped()),
    ] {
        let _ = writeln!(out, "fleetmon_checks{{status=\"{status}\"}} {n}");
    }
    out.push_str("# HELP fleetmon_round_duration_seconds How long the last round took.\n");
    out.push_str("# TYPE fleetmon_round_duration_seconds gauge\n");
    let _ = writeln!(
        out,
        "fleetmon_round_duration_seconds {}",
        report.duration.as_secs_f64()
    );
    out.push_str(
        "# HELP fleetmon_round_finished_timestamp_seconds When the last round finished (Unix time).\n",
    );
    out.push_str("# TYPE fleetmon_round_finished_timestamp_seconds gauge\n");
    let _ = writeln!(
        out,
        "fleetmon_round_finished_timestamp_seconds {}",
        unix_seconds(report.finished_at)
    );
    out
}
// ANCHOR_END: prometheus
