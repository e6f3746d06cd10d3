//! Exercise 2: `svcctl` and its exit-code contract, tested through the real
//! binary, as a script or a CI job would run it.

use std::net::TcpListener;
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;
use processes::exit_codes::{
    EXIT_CHECK_FAILED, EXIT_DATAERR, EXIT_NOINPUT, EXIT_OK, EXIT_USAGE, Service, is_up,
    parse_services,
};

/// The `svcctl` binary of this lesson, with a bound on how long it may run.
fn svcctl() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("svcctl"));
    cmd.timeout(Duration::from_secs(20));
    cmd
}

/// A loopback address that accepts connections (for as long as the
/// returned listener lives): a service that is up.
fn service_up() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    (listener, address)
}

/// Writes `text` as the services file `services.txt` in `dir`.
fn services_file(dir: &Path, text: &str) -> String {
    let path = dir.join("services.txt");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn every_service_up_exits_0_with_results_on_stdout_only() {
    let dir = tempfile::tempdir().unwrap();
    let (_web, web) = service_up();
    let (_db, db) = service_up();
    let file = services_file(dir.path(), &format!("# production\nweb {web}\n\ndb {db}\n"));
    svcctl()
        .args(["check", &file])
        .assert()
        .code(i32::from(EXIT_OK))
        .stdout("web up\ndb up\n")
        .stderr("");
}

// Catches: svcctl-exits-0-when-down (exiting 0 whenever the check itself
// ran, so a cron job or a CI step never notices the outage).
#[test]
fn a_service_down_exits_1_and_says_how_many_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let (_web, web) = service_up();
    let db = testkit::closed_port();
    let file = services_file(dir.path(), &format!("web {web}\ndb {}\n", db.addr()));
    svcctl()
        .args(["check", &file])
        .assert()
        .code(i32::from(EXIT_CHECK_FAILED))
        .stdout("web up\ndb down\n")
        .stderr(predicate::str::contains("1 of 2"));
}

// Catches: svcctl-usage-exits-1 (usage errors reported with exit 1: a
// script can no longer tell "you called me wrong" from "the check failed"),
// svcctl-usage-on-stdout (the usage text printed on stdout, where it would
// pollute the results).
#[test]
fn usage_errors_exit_2_with_the_usage_on_stderr_and_nothing_on_stdout() {
    for args in [
        &[][..],
        &["check"][..],
        &["restart", "web"][..],
        &["check", "a.txt", "b.txt"][..],
    ] {
        svcctl()
            .args(args)
            .assert()
            .code(i32::from(EXIT_USAGE))
            .stdout("")
            .stderr(predicate::str::contains("usage: svcctl check FILE"));
    }
}

#[test]
fn help_goes_to_stdout_and_exits_0() {
    svcctl()
        .arg("--help")
        .assert()
        .code(i32::from(EXIT_OK))
        .stdout(predicate::str::contains("usage: svcctl check FILE"))
        .stderr("");
}

#[test]
fn a_missing_file_exits_66_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.txt");
    let missing = missing.to_str().unwrap();
    svcctl()
        .args(["check", missing])
        .assert()
        .code(i32::from(EXIT_NOINPUT))
        .stdout("")
        .stderr(predicate::str::contains(missing));
}

// Catches: svcctl-checks-while-parsing (checking services while parsing, so
// the lines before the bad one are already reported on stdout).
#[test]
fn a_malformed_line_exits_65_with_its_line_number_and_checks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_web, web) = service_up();
    let file = services_file(
        dir.path(),
        &format!("web {web}\n# cache next\ncache localhost\n"),
    );
    svcctl()
        .args(["check", &file])
        .assert()
        .code(i32::from(EXIT_DATAERR))
        .stdout("")
        .stderr(predicate::str::contains("line 3"));
}

#[test]
fn a_file_that_is_not_text_exits_65() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("services.bin");
    std::fs::write(&path, b"web 127.0.0.1:\xff\xfe\n").unwrap();
    svcctl()
        .args(["check", path.to_str().unwrap()])
        .assert()
        .code(i32::from(EXIT_DATAERR))
        .stdout("");
}

// Catches: svcctl-port-after-first-colon (`split_once(':')`: the host of
// `[::1]:53` is `[` and its port `:1]:53`), svcctl-split-on-space (fields
// split on one space: a tab is a blank too).
#[test]
fn parse_services_skips_blanks_and_comments_and_keeps_the_order() {
    let text = "# inventory\n\nweb 10.0.0.5:443\n   # indented comment\n  dns [::1]:53  \ndb\t10.0.0.6:5432\n";
    assert_eq!(
        parse_services(text).unwrap(),
        vec![
            Service {
                name: "web".to_string(),
                address: "10.0.0.5:443".to_string(),
            },
            Service {
                name: "dns".to_string(),
                address: "[::1]:53".to_string(),
            },
            Service {
                name: "db".to_string(),
                address: "10.0.0.6:5432".to_string(),
            },
        ]
    );
    assert_eq!(parse_services("").unwrap(), vec![]);
}

// Catches: svcctl-counts-only-service-lines (numbering only the lines that
// hold a service, so the error points at the wrong line of the file).
#[test]
fn parse_services_refuses_malformed_lines_with_their_file_line_number() {
    let cases = [
        ("web\n", 1),
        ("# c\n\nweb 10.0.0.5:443 extra\n", 3),
        ("web 10.0.0.5\n", 1),
        ("web :443\n", 1),
        ("ok a:1\nweb 10.0.0.5:0\n", 2),
        ("web 10.0.0.5:65536\n", 1),
        ("web 10.0.0.5:http\n", 1),
    ];
    for (text, line) in cases {
        let bad = parse_services(text).expect_err(text);
        assert_eq!(bad.line, line, "{text:?}");
        assert!(!bad.reason.is_empty(), "{text:?}: say why");
    }
}

#[test]
fn is_up_tells_a_listener_from_a_closed_port_and_a_bad_address() {
    let (_listener, up) = service_up();
    assert!(is_up(&up, Duration::from_secs(2)));
    let closed = testkit::closed_port();
    assert!(!is_up(&closed.addr().to_string(), Duration::from_secs(2)));
    assert!(!is_up("no port here", Duration::from_secs(2)));
}
