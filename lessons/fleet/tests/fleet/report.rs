use std::time::{Duration, SystemTime, UNIX_EPOCH};

use fleet::report::{Report, escape_label, json, prometheus, summary, text};
use fleet::scheduler::{JobResult, Status};

fn result(server: &str, check: &str, status: Status, millis: u64) -> JobResult {
    JobResult {
        server: server.into(),
        check: check.into(),
        status,
        elapsed: Duration::from_millis(millis),
    }
}

fn mixed() -> Report {
    Report {
        results: vec![
            result("web-01", "http://10.0.0.11:8080/health", Status::Up, 21),
            result(
                "web-02",
                "tcp://10.0.0.12:22",
                Status::Down("timed out".into()),
                2000,
            ),
            result("db-1", "pg_isready", Status::Skipped("cancelled".into()), 0),
        ],
        duration: Duration::from_millis(2017),
        finished_at: UNIX_EPOCH + Duration::from_millis(1_764_633_600_500),
    }
}

fn report_of(statuses: &[Status]) -> Report {
    Report {
        results: statuses
            .iter()
            .enumerate()
            .map(|(i, s)| result(&format!("s{i}"), "c", s.clone(), 1))
            .collect(),
        duration: Duration::from_millis(5),
        finished_at: SystemTime::now(),
    }
}

#[test]
fn counts_and_the_exit_code() {
    let r = mixed();
    assert_eq!((r.up(), r.down(), r.skipped()), (1, 1, 1));
    assert_eq!(r.exit_code(), 1);
    assert_eq!(report_of(&[Status::Up, Status::Up]).exit_code(), 0);
    // Catches: exit-code-ignores-skipped (a cancelled round that reports
    // success: nobody looked at those servers).
    assert_eq!(
        report_of(&[Status::Up, Status::Skipped("cancelled".into())]).exit_code(),
        1
    );
    assert_eq!(report_of(&[Status::Down("x".into())]).exit_code(), 1);
    assert_eq!(report_of(&[]).exit_code(), 0);
}

#[test]
fn the_summary_line() {
    assert_eq!(
        summary(&mixed()),
        "3 checks: 1 up, 1 down, 1 skipped in 2.02 s"
    );
}

#[test]
fn the_text_table_has_aligned_columns_and_no_trailing_spaces() {
    // Catches: fixed-width-columns (a long check name breaks the table).
    let expected = "\
SERVER  CHECK                         STATUS   TIME    REASON
web-01  http://10.0.0.11:8080/health  up       0.021s
web-02  tcp://10.0.0.12:22            down     2.000s  timed out
db-1    pg_isready                    skipped  0.000s  cancelled
3 checks: 1 up, 1 down, 1 skipped in 2.02 s
";
    assert_eq!(text(&mixed()), expected);
}

#[test]
fn json_has_the_stable_schema() {
    let doc: serde_json::Value = serde_json::from_str(&json(&mixed())).expect("valid JSON");
    assert_eq!(doc["schema"], 1);
    assert_eq!(doc["finished_at"].as_f64(), Some(1_764_633_600.5));
    assert_eq!(doc["duration_seconds"].as_f64(), Some(2.017));
    assert_eq!(
        doc["summary"],
        serde_json::json!({"total": 3, "up": 1, "down": 1, "skipped": 1})
    );
    let checks = doc["checks"].as_array().expect("a list of checks");
    assert_eq!(checks.len(), 3);
    // Catches: json-drops-null-reason (a field that is sometimes missing
    // breaks `jq '.checks[].reason'` and every typed reader).
    assert_eq!(
        checks[0],
        serde_json::json!({"server": "web-01", "check": "http://10.0.0.11:8080/health",
                           "status": "up", "reason": null, "seconds": 0.021})
    );
    assert_eq!(checks[1]["status"], "down");
    assert_eq!(checks[1]["reason"], "timed out");
    assert_eq!(checks[2]["status"], "skipped");
    assert!(json(&mixed()).ends_with('\n'));
}

#[test]
fn metrics_parse_as_prometheus_text() {
    let text = prometheus(&mixed());
    let lines = text.lines().map(|l| Ok(l.to_string()));
    let scrape = prometheus_parse::Scrape::parse(lines).expect("the exposition format parses");
    let up: Vec<_> = scrape
        .samples
        .iter()
        .filter(|s| s.metric == "fleetmon_check_up")
        .map(|s| {
            (
                s.labels.get("server").unwrap().to_string(),
                s.labels.get("check").unwrap().to_string(),
                match s.value {
                    prometheus_parse::Value::Gauge(v) => v,
                    ref other => panic!("a gauge, not {other:?}"),
                },
            )
        })
        .collect();
    assert_eq!(
        up,
        [
            ("web-01".into(), "http://10.0.0.11:8080/health".into(), 1.0),
            ("web-02".into(), "tcp://10.0.0.12:22".into(), 0.0),
            ("db-1".into(), "pg_isready".into(), 0.0),
        ]
    );
    let value = |metric: &str, label: Option<(&str, &str)>| {
        scrape
            .samples
            .iter()
            .find(|s| s.metric == metric && label.is_none_or(|(k, v)| s.labels.get(k) == Some(v)))
            .map(|s| match s.value {
                prometheus_parse::Value::Gauge(v) => v,
                ref other => panic!("{metric}: a gauge, not {other:?}"),
            })
            .unwrap_or_else(|| panic!("no sample of {metric} in\n{text}"))
    };
    assert_eq!(value("fleetmon_round_duration_seconds", None), 2.017);
    assert_eq!(
        value("fleetmon_round_finished_timestamp_seconds", None),
        1_764_633_600.5
    );
    assert_eq!(value("fleetmon_checks", Some(("status", "down"))), 1.0);
    assert_eq!(
        value(
            "fleetmon_check_duration_seconds",
            Some(("server", "web-02"))
        ),
        2.0
    );
    for metric in [
        "fleetmon_check_up",
        "fleetmon_check_duration_seconds",
        "fleetmon_checks",
        "fleetmon_round_duration_seconds",
        "fleetmon_round_finished_timestamp_seconds",
    ] {
        assert!(
            text.contains(&format!("# TYPE {metric} gauge\n")),
            "{metric}"
        );
        assert!(text.contains(&format!("# HELP {metric} ")), "{metric}");
    }
}

#[test]
fn label_values_are_escaped_so_a_parser_reads_them_back() {
    // Catches: labels-not-escaped (a `"` in a check's name ends the label
    // early: Prometheus rejects the whole scrape).
    assert_eq!(escape_label(r#"a"b\c"#), r#"a\"b\\c"#);
    assert_eq!(escape_label("two\nlines"), "two\\nlines");
    let nasty = Report {
        results: vec![result("web-01", r#"sh -c "exit 1" \ done"#, Status::Up, 1)],
        ..mixed()
    };
    let text = prometheus(&nasty);
    let scrape =
        prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).expect("parses");
    let sample = scrape
        .samples
        .iter()
        .find(|s| s.metric == "fleetmon_check_up")
        .expect("a sample");
    // prometheus-parse keeps a label's escapes as written: the whole value,
    // escaped, came through as one label.
    assert_eq!(
        sample.labels.get("check"),
        Some(r#"sh -c \"exit 1\" \\ done"#)
    );
    assert_eq!(sample.labels.get("server"), Some("web-01"));
}
