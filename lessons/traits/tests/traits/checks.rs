//! Exercise 3: checks behind a trait.

use std::cell::RefCell;
use std::rc::Rc;

use traits::checks::{
    Check, CheckReport, CheckResult, ExposesPort, HasService, NoPlaintextProtocols, Outcome,
    run_checks,
};
use traits::server::{Protocol, Server, Service};

/// `web-1` at 10.0.0.1 with the given services.
fn server_with(services: &[Service]) -> Server {
    let mut server = Server::new("web-1", vec!["10.0.0.1".parse().unwrap()]).unwrap();
    for service in services {
        server.add_service(service.clone()).unwrap();
    }
    server
}

fn ssh() -> Service {
    Service::new("ssh", &[22], Protocol::Tcp)
}

/// A check that records its label in `log` each time it runs, and then
/// returns `outcome`.
fn recording(
    log: &Rc<RefCell<Vec<&'static str>>>,
    label: &'static str,
    pass: bool,
) -> Box<dyn Check> {
    let log = Rc::clone(log);
    Box::new(move |_: &Server| -> Outcome {
        log.borrow_mut().push(label);
        if pass {
            Ok(())
        } else {
            Err(format!("{label} failed"))
        }
    })
}

fn result(check: &str, outcome: Outcome) -> CheckResult {
    CheckResult {
        check: check.to_string(),
        outcome,
    }
}

// Catches: a name other than `has service <name>`.
// [gallery: checks-has-service-misnamed]
#[test]
fn has_service_is_named_after_the_service() {
    let check = HasService {
        name: "ssh".to_string(),
    };
    assert_eq!(check.name(), "has service ssh");
}

// Catches: a check that always passes, matches a service whose name only
// contains the wanted one (`ssh-agent` for `ssh`), or ignores case.
// [gallery: checks-has-service-always-passes, checks-has-service-contains,
// checks-has-service-ignores-case]
#[test]
fn has_service_wants_that_exact_name() {
    let check = HasService {
        name: "ssh".to_string(),
    };
    assert_eq!(check.run(&server_with(&[ssh()])), Ok(()));
    let agent = Service::new("ssh-agent", &[2222], Protocol::Tcp);
    assert!(check.run(&server_with(&[agent])).is_err());
    let upper = Service::new("SSH", &[22], Protocol::Tcp);
    assert!(
        check.run(&server_with(&[upper])).is_err(),
        "exactly that name: SSH is not ssh"
    );
    assert!(check.run(&server_with(&[])).is_err());
}

// Catches: a port check that ignores the protocol.
// [gallery: checks-exposes-port-ignores-protocol,
// checks-exposes-port-debug-name]
#[test]
fn exposes_port_wants_the_port_with_that_protocol() {
    let server = server_with(&[Service::new("dns", &[53], Protocol::Udp)]);
    let udp = ExposesPort {
        port: 53,
        protocol: Protocol::Udp,
    };
    let tcp = ExposesPort {
        port: 53,
        protocol: Protocol::Tcp,
    };
    assert_eq!(udp.name(), "exposes 53/udp");
    assert_eq!(tcp.name(), "exposes 53/tcp");
    assert_eq!(udp.run(&server), Ok(()));
    assert!(tcp.run(&server).is_err());
}

// Catches: a port check that only looks at the first port of a service, or at
// the first service.
// [gallery: checks-exposes-port-first-port-only,
// checks-exposes-port-first-service-only]
#[test]
fn exposes_port_looks_at_every_port_of_every_service() {
    let server = server_with(&[ssh(), Service::new("web", &[80, 443], Protocol::Tcp)]);
    let check = ExposesPort {
        port: 443,
        protocol: Protocol::Tcp,
    };
    assert_eq!(check.run(&server), Ok(()));
}

// Catches: a reason that does not say which plaintext protocol was found.
// [gallery: checks-no-plaintext-vague-reason]
#[test]
fn no_plaintext_names_telnet_when_it_finds_telnet() {
    let server = server_with(&[ssh(), Service::new("telnet", &[23], Protocol::Tcp)]);
    let reason = NoPlaintextProtocols.run(&server).unwrap_err();
    assert!(
        reason.contains("telnet"),
        "the reason names telnet: {reason:?}"
    );
    assert!(!reason.contains("ftp"), "there is no ftp here: {reason:?}");
}

// Catches: a check that stops at the first finding, or only knows telnet.
// [gallery: checks-no-plaintext-vague-reason,
// checks-no-plaintext-stops-at-first, checks-no-plaintext-telnet-only]
#[test]
fn no_plaintext_names_ftp_and_both() {
    let ftp = || Service::new("files", &[21], Protocol::Tcp);
    let reason = NoPlaintextProtocols
        .run(&server_with(&[ftp()]))
        .unwrap_err();
    assert!(reason.contains("ftp"), "the reason names ftp: {reason:?}");
    assert!(
        !reason.contains("telnet"),
        "there is no telnet here: {reason:?}"
    );

    let legacy = Service::new("legacy", &[23, 8023], Protocol::Tcp);
    let reason = NoPlaintextProtocols
        .run(&server_with(&[ftp(), legacy]))
        .unwrap_err();
    assert!(
        reason.contains("ftp") && reason.contains("telnet"),
        "both are named: {reason:?}"
    );
}

// Catches: a check that looks at service names instead of ports, or ignores
// the protocol (23/udp is not telnet).
// [gallery: checks-no-plaintext-by-name,
// checks-no-plaintext-ignores-protocol]
#[test]
fn no_plaintext_goes_by_port_and_protocol() {
    let name_only = Service::new("telnet-gateway", &[2323], Protocol::Tcp);
    let udp = Service::new("odd", &[21, 23], Protocol::Udp);
    assert_eq!(
        NoPlaintextProtocols.run(&server_with(&[name_only, udp])),
        Ok(())
    );
    let hidden = Service::new("admin", &[23], Protocol::Tcp);
    assert!(NoPlaintextProtocols.run(&server_with(&[hidden])).is_err());
}

// Catches: a check that looks only at each service's first port (the other
// tests list the plaintext port first), or that reports one finding per
// service (`else if`), so a service with both ports names only one.
// [gallery: checks-no-plaintext-first-port-only,
// checks-no-plaintext-one-finding-per-service]
#[test]
fn no_plaintext_looks_at_every_port_of_a_service() {
    let legacy = Service::new("legacy", &[8023, 23], Protocol::Tcp);
    let reason = NoPlaintextProtocols
        .run(&server_with(&[legacy]))
        .expect_err("23/tcp is the second port of legacy");
    assert!(reason.contains("telnet"), "{reason:?}");
    let files = Service::new("files", &[2121, 990, 21], Protocol::Tcp);
    let reason = NoPlaintextProtocols
        .run(&server_with(&[files]))
        .expect_err("21/tcp is the last port of files");
    assert!(reason.contains("ftp"), "{reason:?}");
    let both = Service::new("old-box", &[8080, 21, 23], Protocol::Tcp);
    let reason = NoPlaintextProtocols
        .run(&server_with(&[both]))
        .expect_err("old-box exposes both");
    assert!(
        reason.contains("ftp") && reason.contains("telnet"),
        "both are named: {reason:?}"
    );
}

// Catches: a default `describe` that is not the name.
// [gallery: checks-default-describe-not-name]
#[test]
fn by_default_a_check_is_described_by_its_name() {
    let has = HasService {
        name: "ssh".to_string(),
    };
    assert_eq!(has.describe(), has.name());
    let port = ExposesPort {
        port: 443,
        protocol: Protocol::Tcp,
    };
    assert_eq!(port.describe(), "exposes 443/tcp");
}

// Catches: `NoPlaintextProtocols` without its own `describe`.
// [gallery: checks-no-plaintext-default-describe]
#[test]
fn no_plaintext_has_its_own_description() {
    assert_eq!(NoPlaintextProtocols.name(), "no plaintext protocols");
    let description = NoPlaintextProtocols.describe();
    assert_ne!(description, NoPlaintextProtocols.name());
    assert!(
        description.contains("telnet") && description.contains("ftp"),
        "{description:?}"
    );
}

// Catches: a blanket impl that does not call the closure, or names it
// otherwise.
// [gallery: checks-closure-misnamed, checks-closure-not-called]
#[test]
fn closures_are_checks() {
    let down = |server: &Server| -> Outcome { Err(format!("{} is down", server.name())) };
    assert_eq!(down.name(), "closure");
    assert_eq!(down.describe(), "closure");
    assert_eq!(
        down.run(&server_with(&[])),
        Err("web-1 is down".to_string())
    );
}

// Catches: a runner that stops at the first failure.
// [gallery: checks-runner-stops-at-first-failure]
#[test]
fn run_checks_keeps_going_after_a_failure() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let checks = vec![
        recording(&log, "a", false),
        recording(&log, "b", true),
        recording(&log, "c", false),
    ];
    let report = run_checks(&server_with(&[]), &checks);
    assert_eq!(report.results.len(), 3);
    assert_eq!(*log.borrow(), ["a", "b", "c"]);
}

// Catches: a runner that runs a check twice (once for the name or the report
// line, once for the outcome).
// [gallery: checks-runner-runs-twice]
#[test]
fn run_checks_runs_each_check_exactly_once() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let checks = vec![recording(&log, "only", true)];
    run_checks(&server_with(&[]), &checks);
    assert_eq!(*log.borrow(), ["only"]);
}

// Catches: a runner that reorders the results (failures first, sorted by
// name...).
// [gallery: checks-runner-failures-first, checks-runner-uses-describe]
#[test]
fn run_checks_reports_in_the_order_of_the_checks() {
    let checks: Vec<Box<dyn Check>> = vec![
        Box::new(NoPlaintextProtocols),
        Box::new(HasService {
            name: "ssh".to_string(),
        }),
        Box::new(ExposesPort {
            port: 443,
            protocol: Protocol::Tcp,
        }),
        Box::new(|_: &Server| -> Outcome { Err("always".to_string()) }),
    ];
    let report = run_checks(&server_with(&[ssh()]), &checks);
    assert_eq!(report.server, "web-1");
    let names: Vec<&str> = report.results.iter().map(|r| r.check.as_str()).collect();
    assert_eq!(
        names,
        [
            "no plaintext protocols",
            "has service ssh",
            "exposes 443/tcp",
            "closure"
        ]
    );
    let passed: Vec<bool> = report.results.iter().map(|r| r.outcome.is_ok()).collect();
    assert_eq!(passed, [true, true, false, false]);
    assert_eq!(report.results[3].outcome, Err("always".to_string()));
}

#[test]
fn run_checks_without_checks_is_an_empty_report() {
    let report = run_checks(&server_with(&[]), &[]);
    assert_eq!(
        report,
        CheckReport {
            server: "web-1".to_string(),
            results: Vec::new(),
        }
    );
}

// Catches: passed and failed swapped or miscounted, `all_passed` that looks
// at the first result only.
// [gallery: checks-report-passed-failed-swapped,
// checks-all-passed-first-only, checks-all-passed-means-any]
#[test]
fn a_report_counts_its_passes_and_failures() {
    let report = CheckReport {
        server: "web-1".to_string(),
        results: vec![
            result("a", Ok(())),
            result("b", Err("no".to_string())),
            result("c", Ok(())),
            result("d", Ok(())),
        ],
    };
    assert_eq!(report.passed(), 3);
    assert_eq!(report.failed(), 1);
    assert!(!report.all_passed());
}

// Catches: `all_passed` written as "at least one passed".
// [gallery: checks-all-passed-means-any, checks-all-passed-false-when-empty]
#[test]
fn all_passed_means_no_failure() {
    let all_good = CheckReport {
        server: "web-1".to_string(),
        results: vec![result("a", Ok(())), result("b", Ok(()))],
    };
    assert!(all_good.all_passed());
    let empty = CheckReport {
        server: "web-1".to_string(),
        results: Vec::new(),
    };
    assert!(empty.all_passed(), "like Python's all([])");
    assert_eq!((empty.passed(), empty.failed()), (0, 0));
}

// Catches: a report text without the reasons, without the summary line, or
// with a trailing newline.
// [gallery: checks-report-without-reasons, checks-report-trailing-newline,
// checks-report-without-summary]
#[test]
fn a_report_displays_one_line_per_check_and_a_summary() {
    let report = CheckReport {
        server: "web-1".to_string(),
        results: vec![
            result("has service ssh", Ok(())),
            result("exposes 443/tcp", Err("443/tcp is not exposed".to_string())),
            result("closure", Ok(())),
        ],
    };
    assert_eq!(
        report.to_string(),
        "PASS has service ssh\n\
         FAIL exposes 443/tcp: 443/tcp is not exposed\n\
         PASS closure\n\
         web-1: 2 passed, 1 failed"
    );
}

// Catches:
// [gallery: checks-report-trailing-newline, checks-report-without-summary]
#[test]
fn an_empty_report_displays_its_summary_only() {
    let report = CheckReport {
        server: "db-1".to_string(),
        results: Vec::new(),
    };
    assert_eq!(report.to_string(), "db-1: 0 passed, 0 failed");
}
