//! Exercise 5: HTTP GET by hand, and a health check.
//!
//! The servers here are fakes written in the tests (`serve_one`): each
//! reads the request head and answers exactly the bytes a test needs,
//! including the ones a real server would never send.

use std::io::{Cursor, Write};
use std::net::{Ipv6Addr, SocketAddr, TcpListener};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::Config;
use sockets::http_client::{
    HttpError, Response, Url, check_health, connect_any, get, get_with, read_response, request_head,
};
use sockets::resolve::{ResolveError, resolve};
use testkit::{DEFAULT_LIMIT, ShortReads, within};

use crate::{
    CLIENT_TIMEOUT, closed_port, closed_port_v6, current_tid, join, read_head, serve_one,
    settled_sleeps,
};

fn url(host: &str, port: u16, path: &str) -> Url {
    Url {
        host: host.to_string(),
        port,
        path: path.to_string(),
    }
}

fn parse(bytes: &[u8]) -> Result<Response, HttpError> {
    read_response(Cursor::new(bytes.to_vec()))
}

fn get_within(target: String, timeout: Duration) -> Result<Response, HttpError> {
    within(DEFAULT_LIMIT, "get", move || get(&target, timeout))
}

#[test]
fn a_url_splits_into_host_port_and_path() {
    assert_eq!(
        Url::parse("http://127.0.0.1:8080/health?full=1"),
        Ok(url("127.0.0.1", 8080, "/health?full=1"))
    );
    assert_eq!(Url::parse("http://web-1"), Ok(url("web-1", 80, "/")));
    assert_eq!(Url::parse("HTTP://web-1/"), Ok(url("web-1", 80, "/")));
    assert_eq!(
        Url::parse("http://web-1?q=1"),
        Ok(url("web-1", 80, "/?q=1"))
    );
    assert_eq!(
        Url::parse("http://[::1]:9000/x#top"),
        Ok(url("::1", 9000, "/x")),
        "brackets around IPv6, and no fragment"
    );
}

// Wrong solution caught: https taken as http (the server expects TLS and
// answers garbage, or nothing), and URLs without a usable host or port.
// Catches: http-client-https-as-http, http-client-port-zero-accepted.
#[test]
fn what_this_client_cannot_use_is_an_invalid_url() {
    for bad in [
        "https://web-1/",
        "ftp://web-1/",
        "web-1/health",
        "http://",
        "http://:80/",
        "http://web-1:0/",
        "http://web-1:99999/",
        "http://web-1:abc/",
        "http://[::1/",
    ] {
        assert!(
            matches!(Url::parse(bad), Err(HttpError::InvalidUrl { ref url, .. }) if url == bad),
            "{bad:?}: {:?}",
            Url::parse(bad)
        );
    }
}

#[test]
fn the_host_header_has_the_port_unless_it_is_80() {
    assert_eq!(url("web-1", 80, "/").host_header(), "web-1");
    assert_eq!(url("web-1", 8080, "/").host_header(), "web-1:8080");
    assert_eq!(url("::1", 9000, "/").host_header(), "[::1]:9000");
}

// Wrong solutions caught: lines ended by `\n` alone, no `Host` header
// (HTTP/1.1 requires it: one address serves many sites), and no
// `Connection: close` (the server keeps the connection open for more).
// Catches: http-client-bare-lf, http-client-no-host-header,
// http-client-no-connection-close.
#[test]
fn the_request_head_is_a_valid_http_1_1_get() {
    let head = request_head(&url("web-1", 8080, "/health?full=1"));
    assert!(
        head.starts_with("GET /health?full=1 HTTP/1.1\r\n"),
        "request line: {head:?}"
    );
    assert!(
        head.ends_with("\r\n\r\n"),
        "ends with an empty line: {head:?}"
    );
    assert!(
        !head.replace("\r\n", "").contains('\n'),
        "a line ends with a bare \\n: {head:?}"
    );
    let headers: Vec<(String, String)> = head
        .trim_end()
        .split("\r\n")
        .skip(1)
        .map(|line| {
            let (name, value) = line.split_once(':').expect("name: value");
            (name.to_ascii_lowercase(), value.trim().to_string())
        })
        .collect();
    let value = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(value("host"), Some("web-1:8080"), "{head:?}");
    assert_eq!(value("connection"), Some("close"), "{head:?}");
}

// Wrong solution caught: header names matched case-sensitively (HTTP
// names are case-insensitive: `content-length` is `Content-Length`), and
// repeated headers collapsed into the last one.
// Catches: http-client-case-sensitive-headers,
// http-client-repeated-headers-collapsed.
#[test]
fn headers_are_found_in_any_case_and_repeated_ones_are_kept() {
    let response = parse(
        b"HTTP/1.1 200 OK\r\n\
          content-type: text/plain\r\n\
          SET-COOKIE: a=1\r\n\
          Set-Cookie: b=2\r\n\
          X-Empty:\r\n\
          content-LENGTH:   2  \r\n\
          \r\n\
          ok",
    )
    .expect("a valid response");
    assert_eq!(response.status, 200);
    assert_eq!(response.reason, "OK");
    assert_eq!(response.header("Content-Type"), Some("text/plain"));
    assert_eq!(response.header_all("set-cookie"), ["a=1", "b=2"]);
    assert_eq!(response.header("x-empty"), Some(""));
    assert_eq!(response.header("Location"), None);
    assert_eq!(response.headers.len(), 5, "every header, in order");
    assert_eq!(
        response.headers[0],
        ("content-type".into(), "text/plain".into())
    );
    assert_eq!(response.body, b"ok");
}

#[test]
fn the_status_line_gives_the_code_and_the_reason() {
    let status = |bytes: &[u8]| {
        let r = parse(bytes).expect("a valid response");
        (r.status, r.reason)
    };
    assert_eq!(
        status(b"HTTP/1.1 404 Not Found\r\n\r\n"),
        (404, "Not Found".into())
    );
    assert_eq!(
        status(b"HTTP/1.0 503 Service Unavailable\r\n\r\n"),
        (503, "Service Unavailable".into())
    );
    assert_eq!(status(b"HTTP/1.1 204 \r\n\r\n"), (204, String::new()));
    assert_eq!(status(b"HTTP/1.1 200\r\n\r\n"), (200, String::new()));
}

// Wrong solution caught: a body read to the end of the stream when
// `Content-Length` says where it ends: bytes after it (the next response,
// on a connection kept alive) would become part of this body.
// Catches: http-client-body-to-end.
#[test]
fn the_body_is_content_length_bytes_and_no_more() {
    let response = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA").unwrap();
    assert_eq!(response.body, b"hello");
    let empty = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nEXTRA").unwrap();
    assert!(empty.body.is_empty());
}

#[test]
fn without_content_length_the_body_ends_with_the_stream() {
    let response = parse(b"HTTP/1.0 200 OK\r\nServer: old\r\n\r\nall of\nthis").unwrap();
    assert_eq!(response.body, b"all of\nthis");
}

// Wrong solution caught: a body cut short by a closed connection accepted
// as if it were whole.
// Catches: http-client-truncated-accepted.
#[test]
fn a_body_shorter_than_content_length_is_truncated() {
    assert_eq!(
        parse(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"),
        Err(HttpError::Truncated {
            expected: 10,
            got: 5
        })
    );
}

// Wrong solutions caught: anything taken for HTTP (an SSH banner, an empty
// answer), a head that grows without a limit, and a `Content-Length` that
// is not a number (or two that disagree: which body is it?).
// Catches: http-client-no-head-limit,
// http-client-bad-content-length-accepted.
#[test]
fn malformed_responses_are_errors() {
    let endless_header = [
        b"HTTP/1.1 200 OK\r\nX-Big: ".to_vec(),
        vec![b'a'; 70 * 1024],
        b"\r\n\r\n".to_vec(),
    ]
    .concat();
    let cases: Vec<&[u8]> = vec![
        b"SSH-2.0-OpenSSH_9.6\r\n",
        b"",
        b"HTTP/1.1 2000 OK\r\n\r\n",
        b"HTTP/1.1 OK\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n",
        &endless_header,
    ];
    for case in cases {
        let result = parse(case);
        assert!(
            matches!(result, Err(HttpError::Malformed { .. })),
            "{:?}: {result:?}",
            String::from_utf8_lossy(&case[..case.len().min(60)])
        );
    }
}

// Wrong solution caught: a chunked body taken as it is, chunk sizes and
// all. Decoding it is the bonus; refusing it as `Unsupported` is fine.
// Catches: http-client-chunked-raw.
#[test]
fn a_chunked_body_is_decoded_or_refused() {
    let result = parse(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
          5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nTrailer: x\r\n\r\n",
    );
    match result {
        Ok(response) => assert_eq!(
            String::from_utf8_lossy(&response.body),
            "hello, world",
            "chunked decoding"
        ),
        Err(HttpError::Unsupported { .. }) => {}
        Err(other) => panic!("expected the decoded body or Unsupported, got {other:?}"),
    }
}

/// Samples for the proptest: every way a body can end, and errors.
const SAMPLES: [&[u8]; 5] = [
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nhello, world",
    b"HTTP/1.0 200 OK\r\nServer: old\r\n\r\nuntil the end",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    b"HTTP/1.1 301 Moved Permanently\r\nLocation: /x\r\nset-cookie: a=1\r\nSet-Cookie: b=2\r\ncontent-length: 0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
];

// Wrong solution caught: a parser that assumes the head (or a line of it,
// or the body) comes in one `read`. Any split of the bytes into reads, some
// interrupted, gives the same result as one read of them all. (No
// regression file: the tests folder must stay as sealed.)
proptest! {
    #![proptest_config(Config { failure_persistence: None, ..Config::default() })]

// Catches: http-client-head-in-one-read.
    #[test]
    fn a_response_split_at_any_points_reads_the_same(
        sample in 0..SAMPLES.len(),
        cuts in proptest::collection::vec(0usize..160, 0..30),
    ) {
        let bytes = SAMPLES[sample];
        let whole = parse(bytes);
        let split = read_response(ShortReads::new(bytes, &cuts).with_interruptions());
        prop_assert_eq!(split, whole);
    }
}

// Wrong solution caught: a body read until the connection closes when the
// server gave `Content-Length` and keeps the connection open (as servers
// that ignore `Connection: close` do): the client waits for its time-out.
// The fake server also checks the request it got on the wire.
// Catches: http-client-no-host-header, http-client-body-to-end.
#[test]
fn get_returns_after_content_length_bytes_even_if_the_connection_stays_open() {
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let (addr, server) = serve_one(move |mut stream| {
        let head = read_head(&mut stream).expect("read the request head");
        stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
            .unwrap();
        // Keep the connection open until the test is done.
        let _ = release_rx.recv_timeout(DEFAULT_LIMIT);
        head
    });
    let port = addr.port();
    let response = get_within(
        format!("http://127.0.0.1:{port}/health?full=1"),
        Duration::from_secs(3),
    );
    release_tx.send(()).unwrap();
    let head = join(server, "the fake server");
    let response = response.expect("a response");
    assert_eq!((response.status, response.body), (200, b"hello".to_vec()));
    assert!(
        head.starts_with("GET /health?full=1 HTTP/1.1\r\n"),
        "the request line on the wire: {head:?}"
    );
    assert!(
        head.to_ascii_lowercase()
            .contains(&format!("\r\nhost: 127.0.0.1:{port}\r\n")),
        "no Host header on the wire: {head:?}"
    );
}

// Wrong solution caught: a body taken from the first `read` (one read = one
// message): the body comes in two pieces, and the client must wait for
// the second.
// Catches: http-client-head-in-one-read.
//
// Every time, not only when the client is quick: the second piece is sent
// only once the kernel has seen the client's thread wake up for the first
// (it went to sleep again since) or return. A client that took the first
// read for the whole response has returned by then; a correct one is asleep
// again, waiting for the rest.
#[test]
fn a_body_that_comes_in_pieces_is_read_whole() {
    let (asked_tx, asked_rx) = mpsc::channel::<()>();
    let (first_tx, first_rx) = mpsc::channel::<()>();
    let (sent_tx, sent_rx) = mpsc::channel::<()>();
    let (second_tx, second_rx) = mpsc::channel::<()>();
    let (addr, server) = serve_one(move |mut stream| {
        stream.set_nodelay(true).unwrap();
        read_head(&mut stream).expect("read the request head");
        let _ = asked_tx.send(());
        // Each `recv_timeout` gives up if the test has gone (a panic).
        if first_rx.recv_timeout(DEFAULT_LIMIT).is_err() {
            return;
        }
        stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello")
            .unwrap();
        let _ = sent_tx.send(());
        if second_rx.recv_timeout(DEFAULT_LIMIT).is_ok() {
            stream.write_all(b" world").unwrap();
        }
    });
    let target = format!("http://127.0.0.1:{}/", addr.port());
    let (tid_tx, tid_rx) = mpsc::channel();
    let (result_tx, result_rx) = mpsc::channel();
    let client = thread::spawn(move || {
        let _ = tid_tx.send(current_tid());
        let _ = result_tx.send(get(&target, DEFAULT_LIMIT));
    });
    let tid = tid_rx.recv().expect("the client thread says who it is");
    // The client's panic (a `todo!`?), once it ended without a result.
    let propagate = |client: thread::JoinHandle<()>| -> ! {
        match client.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the client sends its result before it ends"),
        }
    };
    let deadline = Instant::now() + DEFAULT_LIMIT;
    while asked_rx.recv_timeout(Duration::from_millis(20)).is_err() {
        if client.is_finished() {
            match result_rx.try_recv() {
                Ok(early) => panic!("get returned before the server answered: {early:?}"),
                Err(_) => propagate(client),
            }
        }
        assert!(
            Instant::now() < deadline,
            "the request never reached the fake server"
        );
    }
    // The client now waits for the answer: asleep, its sleeps counted.
    let before = settled_sleeps(tid, &client, None);
    first_tx.send(()).unwrap();
    sent_rx
        .recv_timeout(DEFAULT_LIMIT)
        .expect("the fake server sends the first piece");
    // Woken by the first piece: then asleep again (a correct client waits
    // for the rest), or returned (one that took one read for all).
    settled_sleeps(tid, &client, before);
    match result_rx.try_recv() {
        Ok(early) => panic!("get returned before the body was complete: {early:?}"),
        Err(mpsc::TryRecvError::Disconnected) => propagate(client),
        Err(mpsc::TryRecvError::Empty) => {}
    }
    second_tx.send(()).unwrap();
    let result = match result_rx.recv_timeout(DEFAULT_LIMIT) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Disconnected) => propagate(client),
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("get did not return once the body was complete")
        }
    };
    join(server, "the fake server");
    assert_eq!(result.expect("a response").body, b"hello world");
}

// Wrong solution caught: no time-out: a server that accepts and never
// answers hangs the client (and a health check of 200 servers) for ever.
// Catches: http-client-no-timeout.
#[test]
fn get_times_out_on_a_silent_server() {
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let target = format!("http://127.0.0.1:{}/", silent.local_addr().unwrap().port());
    let started = Instant::now();
    let result = get_within(target, Duration::from_millis(300));
    let waited = started.elapsed();
    assert_eq!(result, Err(HttpError::TimedOut));
    assert!(
        waited >= Duration::from_millis(300),
        "gave up after {waited:?}"
    );
    drop(silent);
}

// The same rule end to end, through the system resolver: it bites only
// where `localhost` is `::1` first (`get_with_tries_each_address_the_lookup_gives`
// bites everywhere). (Skipped where localhost is not 127.0.0.1 at all.)
#[test]
fn get_tries_each_address_of_a_name_in_turn() {
    let (addr, server) = serve_one(|mut stream| {
        read_head(&mut stream).expect("read the request head");
        stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nup")
            .unwrap();
    });
    let target = format!("http://localhost:{}/", addr.port());
    let via_localhost = resolve("localhost", addr.port())
        .map(|addrs| addrs.contains(&addr))
        .unwrap_or(false);
    if !via_localhost {
        // Wake the fake server so that its thread ends.
        let _ = get(
            &format!("http://127.0.0.1:{}/", addr.port()),
            CLIENT_TIMEOUT,
        );
        return;
    }
    let response = get_within(target, CLIENT_TIMEOUT).expect("a response through localhost");
    assert_eq!(response.body, b"up");
    join(server, "the fake server");
}

// Wrong solution caught: only the first address tried (or the last
// error lost): a name with several addresses works if any of them does.
// Catches: http-client-connect-any-first-only,
// http-client-connect-any-loses-the-error.
#[test]
fn connect_any_tries_each_address_in_turn() {
    let live = TcpListener::bind("127.0.0.1:0").unwrap();
    let live_addr = live.local_addr().unwrap();
    let (refusing_a, refusing_b) = (closed_port(), closed_port());
    let (closed_a, closed_b) = (refusing_a.addr(), refusing_b.addr());
    let stream = within(DEFAULT_LIMIT, "connect_any", move || {
        connect_any(&[closed_a, closed_b, live_addr], CLIENT_TIMEOUT)
    })
    .expect("the third address accepts");
    assert_eq!(stream.peer_addr().unwrap(), live_addr);
    match within(DEFAULT_LIMIT, "connect_any", move || {
        connect_any(&[closed_a, closed_b], CLIENT_TIMEOUT)
    }) {
        Err(HttpError::Io { kind, .. }) => assert_eq!(kind, std::io::ErrorKind::ConnectionRefused),
        other => panic!("expected a refused connection, got {other:?}"),
    }
    drop(live);
}

// Catches: http-client-connect-any-loses-the-error.
#[test]
fn get_reports_a_refused_connection_and_a_bad_host() {
    let refusing = closed_port();
    let target = format!("http://127.0.0.1:{}/", refusing.port());
    match get_within(target, CLIENT_TIMEOUT) {
        Err(HttpError::Io { kind, .. }) => assert_eq!(kind, std::io::ErrorKind::ConnectionRefused),
        other => panic!("expected a refused connection, got {other:?}"),
    }
    assert!(
        matches!(
            get_within("http://web 1/".to_string(), CLIENT_TIMEOUT),
            Err(HttpError::Resolve(ResolveError::InvalidHost { .. }))
        ),
        "a host name with a space is refused by resolve"
    );
}

/// A fake server that waits `delay`, then answers `response`.
fn answering(response: &'static [u8], delay: Duration) -> String {
    let (addr, _server) = serve_one(move |mut stream| {
        let _ = read_head(&mut stream);
        thread::sleep(delay);
        let _ = stream.write_all(response);
    });
    format!("http://127.0.0.1:{}/health", addr.port())
}

// Wrong solutions caught: a latency that does not include the wait for the
// answer, and a 5xx taken for an error instead of a result (the check
// tells "down" from "unreachable").
// Catches: http-client-latency-without-the-wait, http-client-5xx-is-an-error.
#[test]
fn check_health_reports_status_latency_and_the_expected_text() {
    let target = answering(
        b"HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n{\"status\": \"ok\"}\n",
        Duration::from_millis(100),
    );
    let health = within(DEFAULT_LIMIT, "check_health", move || {
        check_health(&target, "\"ok\"", CLIENT_TIMEOUT)
    })
    .expect("a health result");
    assert_eq!(health.status, 200);
    assert!(health.body_matches);
    assert!(health.is_healthy());
    assert!(
        health.latency >= Duration::from_millis(100),
        "the server took 100 ms, latency {:?}",
        health.latency
    );
    assert!(health.latency < CLIENT_TIMEOUT);

    let target = answering(
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 9\r\n\r\nmigrating",
        Duration::ZERO,
    );
    let health = within(DEFAULT_LIMIT, "check_health", move || {
        check_health(&target, "ok", CLIENT_TIMEOUT)
    })
    .expect("a 503 is a result, not an error");
    assert_eq!((health.status, health.body_matches), (503, false));
    assert!(!health.is_healthy());
}

// Wrong solution caught: a 200 taken as healthy whatever the body says
// (a load balancer's "default backend" page answers 200 too).
// Catches: http-client-200-is-healthy.
#[test]
fn check_health_needs_the_expected_text_in_the_body() {
    let target = answering(
        b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\ndefault page",
        Duration::ZERO,
    );
    let health = within(DEFAULT_LIMIT, "check_health", move || {
        check_health(&target, "status: ok", CLIENT_TIMEOUT)
    })
    .expect("a health result");
    assert_eq!((health.status, health.body_matches), (200, false));
    assert!(!health.is_healthy());

    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let target = format!("http://127.0.0.1:{}/", silent.local_addr().unwrap().port());
    let result = within(DEFAULT_LIMIT, "check_health", move || {
        check_health(&target, "ok", Duration::from_millis(200))
    });
    assert_eq!(
        result,
        Err(HttpError::TimedOut),
        "a silent server is an error"
    );
    drop(silent);
}

// Catches: http-client-get-first-address-only (`get` connects to the first
// address of the name alone), http-client-get-ignores-lookup (`get_with`
// asks the system resolver instead of its lookup). The lookup gives `::1`
// first, as the system resolver does for `localhost` on many machines,
// where nothing listens (or where there is no IPv6 at all), then a closed
// port, then the server.
#[test]
fn get_with_tries_each_address_the_lookup_gives() {
    let (addr, server) = serve_one(|mut stream| {
        read_head(&mut stream).expect("read the request head");
        stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nup")
            .unwrap();
    });
    // `[::1]` where nothing listens, or where there is no IPv6 at all (a
    // port taken on 127.0.0.1 keeps the number from other tests either way).
    let refusing_v4 = closed_port();
    let refusing_v6 = closed_port_v6();
    let v6_closed = match &refusing_v6 {
        Some(closed) => closed.addr(),
        None => SocketAddr::new(Ipv6Addr::LOCALHOST.into(), refusing_v4.port()),
    };
    let v4_closed = refusing_v4.addr();
    let asked = Arc::new(Mutex::new(Vec::new()));
    let lookup = {
        let asked = Arc::clone(&asked);
        move |host: &str, port: u16| {
            asked.lock().unwrap().push((host.to_string(), port));
            Ok(vec![v6_closed, v4_closed, addr])
        }
    };
    let target = "http://web-1.test:8080/health".to_string();
    let response = within(DEFAULT_LIMIT, "get_with", move || {
        get_with(&target, CLIENT_TIMEOUT, lookup)
    })
    .expect("the third address answers");
    assert_eq!((response.status, response.body), (200, b"up".to_vec()));
    assert_eq!(
        *asked.lock().unwrap(),
        [("web-1.test".to_string(), 8080)],
        "the lookup is asked for the URL's host and port, once"
    );
    join(server, "the fake server");
}

/// A 100 Continue, a 103 Early Hints with a header of its own, then the
/// real answer: what a server may send before its response, even to a GET.
const INTERIM_THEN_FINAL: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\n\
HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n\
HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok";

// Catches: http-client-1xx-is-final (a `100 Continue` or `103 Early
// Hints` returned as the response, the real one as its body),
// http-client-skips-only-100 (`103` taken as final, as Python 3.11's
// http.client does), http-client-keeps-interim-headers (the 103's `Link`
// kept among the final headers).
#[test]
fn interim_1xx_responses_are_read_past() {
    let response = parse(INTERIM_THEN_FINAL).expect("a valid response");
    assert_eq!((response.status, response.reason.as_str()), (200, "OK"));
    assert_eq!(response.body, b"ok");
    assert_eq!(
        response.header("Link"),
        None,
        "the 103's header is not the answer's"
    );
    assert_eq!(response.headers.len(), 2, "{:?}", response.headers);

    let (addr, server) = serve_one(|mut stream| {
        read_head(&mut stream).expect("read the request head");
        stream.write_all(INTERIM_THEN_FINAL).unwrap();
    });
    let response = get_within(format!("http://127.0.0.1:{}/", addr.port()), CLIENT_TIMEOUT)
        .expect("a response");
    assert_eq!((response.status, response.body), (200, b"ok".to_vec()));
    join(server, "the fake server");
}

// Catches: http-client-1xx-is-final, as the real curl sees the same bytes:
// curl reads past them too. (Skipped where curl is not installed.)
#[test]
fn curl_reads_past_the_same_interim_responses() {
    if !crate::real_peer("curl") {
        return;
    }
    let (addr, server) = serve_one(|mut stream| {
        read_head(&mut stream).expect("read the request head");
        stream.write_all(INTERIM_THEN_FINAL).unwrap();
    });
    let mut command = std::process::Command::new("curl");
    command.args([
        "-sS",
        "--noproxy",
        "*",
        "--max-time",
        "8",
        "-w",
        " %{response_code}",
        &format!("http://127.0.0.1:{}/", addr.port()),
    ]);
    let (ok, out, err) = crate::run_peer(command);
    join(server, "the fake server");
    assert!(ok, "curl failed: {err}");
    assert_eq!(out, "ok 200", "curl's body and status");
    let ours = parse(INTERIM_THEN_FINAL).expect("a valid response");
    assert_eq!(
        format!("{} {}", String::from_utf8_lossy(&ours.body), ours.status),
        out,
        "what read_response makes of the bytes curl read"
    );
}

// Catches: http-client-budget-per-line (the head's size limit applied to
// each line instead of the whole head), http-client-budget-per-interim
// (a fresh budget for each 1xx head: a peer sending `100 Continue` for
// ever keeps the client for ever).
#[test]
fn the_head_limit_is_for_the_whole_head_and_interim_heads_count() {
    let mut many_lines = b"HTTP/1.1 200 OK\r\n".to_vec();
    for i in 0..2000 {
        many_lines.extend_from_slice(format!("X-Header-{i:04}: {}\r\n", "v".repeat(24)).as_bytes());
    }
    many_lines.extend_from_slice(b"Content-Length: 0\r\n\r\n");
    assert!(many_lines.len() > 64 * 1024);
    let result = parse(&many_lines);
    assert!(
        matches!(result, Err(HttpError::Malformed { .. })),
        "a head of {} bytes in short lines: {:?}",
        many_lines.len(),
        result.map(|r| r.headers.len())
    );

    // A peer that sends `100 Continue` for ever (here: until 4 MiB, the
    // reader's own bound): the client gives up within about MAX_HEAD.
    let mut endless = Endless::new(b"HTTP/1.1 100 Continue\r\n\r\n", 4 * 1024 * 1024);
    let result = read_response(&mut endless);
    assert!(
        matches!(result, Err(HttpError::Malformed { .. })),
        "endless 100 Continue: {result:?}"
    );
    assert!(
        endless.served <= 128 * 1024,
        "read {} bytes of interim heads before giving up",
        endless.served
    );
}

/// A reader that repeats `pattern` until `cap` bytes, and counts what it
/// served.
struct Endless {
    pattern: &'static [u8],
    cap: usize,
    served: usize,
}

impl Endless {
    fn new(pattern: &'static [u8], cap: usize) -> Endless {
        Endless {
            pattern,
            cap,
            served: 0,
        }
    }
}

impl std::io::Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.cap - self.served);
        for (i, byte) in buf[..n].iter_mut().enumerate() {
            *byte = self.pattern[(self.served + i) % self.pattern.len()];
        }
        self.served += n;
        Ok(n)
    }
}
