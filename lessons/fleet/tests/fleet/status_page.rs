use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, SystemTime};

use fleet::report::Report;
use fleet::scheduler::{JobResult, Status};
use fleet::status_page::{State, StatusServer, escape_html, html};
use testkit::{DEFAULT_LIMIT, wait_for, within};

/// One request over a fresh connection: (status, headers, body).
fn request(addr: SocketAddr, method: &str, path: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the response");
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").expect("a response head");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    (status, head.to_ascii_lowercase(), body.to_string())
}

fn get(addr: SocketAddr, path: &str) -> (u16, String, String) {
    let path = path.to_string();
    within(DEFAULT_LIMIT, "a request to the status page", move || {
        request(addr, "GET", &path)
    })
}

fn report() -> Report {
    let r = |server: &str, status: Status| JobResult {
        server: server.into(),
        check: format!("tcp://{server}:22"),
        status,
        elapsed: Duration::from_millis(12),
    };
    Report {
        results: vec![
            r("web-01", Status::Up),
            r("web-02", Status::Down("connection refused".into())),
            r("web-03", Status::Skipped("cancelled".into())),
        ],
        duration: Duration::from_millis(40),
        finished_at: SystemTime::now(),
    }
}

fn start(state: &State) -> StatusServer {
    let state = state.clone();
    within(DEFAULT_LIMIT, "StatusServer::start", move || {
        StatusServer::start("127.0.0.1:0", state, Duration::from_secs(5)).expect("listen")
    })
}

#[test]
fn before_the_first_round_the_page_says_so_and_the_data_is_unavailable() {
    let state = State::new();
    let server = start(&state);
    let addr = server.local_addr();
    assert_ne!(addr.port(), 0, "the real port");
    let (status, _, body) = get(addr, "/");
    assert_eq!(status, 200);
    assert!(body.contains("The first round is running"), "{body}");
    // Catches: empty-report-before-first-round (an empty 200 reads as "all
    // up, nothing to check" to a script or a Prometheus).
    assert_eq!(get(addr, "/status.json").0, 503);
    assert_eq!(get(addr, "/metrics").0, 503);
    let (status, _, body) = get(addr, "/healthz");
    assert_eq!((status, body.trim()), (200, "ok"));
    within(DEFAULT_LIMIT, "shutdown", move || server.shutdown());
}

#[test]
fn every_endpoint_serves_the_latest_round() {
    let state = State::new();
    let server = start(&state);
    let addr = server.local_addr();
    state.publish(report());
    let (status, head, body) = get(addr, "/");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/html"), "{head}");
    assert!(body.contains("3 checks: 1 up, 1 down, 1 skipped"), "{body}");
    // Down first, then skipped, then up.
    let (down, skipped, up) = (
        body.find("web-02").expect("web-02 listed"),
        body.find("web-03").expect("web-03 listed"),
        body.find("web-01").expect("web-01 listed"),
    );
    assert!(down < skipped && skipped < up, "{body}");
    assert!(body.contains("connection refused"), "{body}");

    let (status, head, body) = get(addr, "/status.json");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: application/json"), "{head}");
    let doc: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(doc["summary"]["down"], 1);

    let (status, head, body) = get(addr, "/metrics?from=prometheus");
    assert_eq!(status, 200, "a query string does not change the path");
    assert!(
        head.contains("content-type: text/plain; version=0.0.4"),
        "{head}"
    );
    prometheus_parse::Scrape::parse(body.lines().map(|l| Ok(l.to_string())))
        .expect("the metrics parse");
    assert!(
        body.contains("fleetmon_check_up{server=\"web-02\""),
        "{body}"
    );

    // A newer round replaces the old one.
    let mut newer = report();
    newer.results.truncate(1);
    state.publish(newer);
    let (_, _, body) = get(addr, "/status.json");
    let doc: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(doc["summary"]["total"], 1);
    within(DEFAULT_LIMIT, "shutdown", move || server.shutdown());
}

#[test]
fn unknown_paths_other_methods_and_head() {
    let state = State::new();
    state.publish(report());
    let server = start(&state);
    let addr = server.local_addr();
    assert_eq!(get(addr, "/nope").0, 404);
    // Catches: post-served (a POST answered like a GET).
    let (status, head, _) = within(DEFAULT_LIMIT, "a POST", move || request(addr, "POST", "/"));
    assert_eq!(status, 405);
    assert!(head.contains("allow: get, head"), "{head}");
    // A response to HEAD never has a body (curl reports "Excess found" and
    // keep-alive clients read garbage); tiny_http drops a HEAD's body
    // itself, so what this pins is the status and the headers.
    let (status, head, body) = within(DEFAULT_LIMIT, "a HEAD", move || {
        request(addr, "HEAD", "/status.json")
    });
    assert_eq!(status, 200);
    assert!(head.contains("content-type: application/json"), "{head}");
    assert_eq!(body, "", "HEAD got a body");
    within(DEFAULT_LIMIT, "shutdown", move || server.shutdown());
}

#[test]
fn shutdown_closes_the_port() {
    // Catches: shutdown-leaves-listener (the thread and the port outlive
    // the server: a restarted fleetmon cannot listen again).
    let state = State::new();
    let server = start(&state);
    let addr = server.local_addr();
    assert_eq!(get(addr, "/healthz").0, 200);
    within(DEFAULT_LIMIT, "shutdown", move || server.shutdown());
    // tiny_http closes its listening socket on a thread of its own, a
    // moment after: wait for it, boundedly.
    wait_for(DEFAULT_LIMIT, "the port closed after shutdown", || {
        TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_err()
    });
}

#[test]
fn a_busy_address_is_an_error_not_a_panic() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let outcome = within(
        DEFAULT_LIMIT,
        "StatusServer::start on a busy port",
        move || StatusServer::start(&addr, State::new(), Duration::from_secs(5)).map(|_| ()),
    );
    assert!(outcome.is_err());
}

#[test]
fn the_page_escapes_names_refreshes_itself_and_runs_no_script() {
    // Catches: html-not-escaped (a server named `<script>…` in an
    // inventory runs in every browser that opens the page).
    assert_eq!(
        escape_html(r#"<a href="x">Tom & 'Jerry'</a>"#),
        "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
    );
    let mut evil = report();
    evil.results[0].server = "<script>alert(1)</script>".into();
    let page = html(Some(&evil), Duration::from_secs(30));
    assert!(!page.contains("<script"), "{page}");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(
        page.contains("http-equiv=\"refresh\" content=\"30\""),
        "{page}"
    );
    assert!(page.contains("name=\"viewport\""), "{page}");
    // Less than a second still reloads, once a second.
    let fast = html(None, Duration::from_millis(200));
    assert!(fast.contains("content=\"1\""), "{fast}");
}
