//! The one test binary of lesson `sockets`: a module per exercise.
//! These tests are the lesson's spec; they run unchanged against the stubs in
//! `src/` and against the reference solutions (`--features solution`).
//!
//! Every socket is bound to `127.0.0.1` (or `[::1]`) with port 0, so the
//! tests run in parallel and nothing leaves the machine; the only name
//! looked up is `localhost`. Every wait is bounded (`testkit::within`,
//! socket time-outs), so a deadlock or a silent peer fails a test instead of
//! hanging the run. Where a test must see that something did *not* happen
//! yet (a frame not returned before its last byte), it sends the next piece
//! only once the kernel has seen the reader's thread wake up for the last
//! one and wait again, or return ([`settled_sleeps`]): no luck either way.

mod echo;
mod framing;
mod http_client;
mod http_server;
mod resolve;
mod rpc;
mod udp;

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use testkit::{DEFAULT_LIMIT, threads_named, wait_for, within};

/// The socket time-out of the tests' own clients: long enough for a loaded
/// machine, short enough to fail fast.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(5);

/// A listener on `127.0.0.1:0` whose first connection is given to `serve`
/// on a thread of its own: a fake peer that does exactly what a test needs.
pub fn serve_one<T, F>(serve: F) -> (SocketAddr, JoinHandle<T>)
where
    T: Send + 'static,
    F: FnOnce(TcpStream) -> T + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("the listener's address");
    let handle = thread::spawn(move || {
        let (stream, _) = listener.accept().expect("accept the client");
        serve(stream)
    });
    (addr, handle)
}

/// Joins a thread the test started, within the default limit, re-raising
/// its panic (a `todo!`, a failed assertion) with its own message.
pub fn join<T: Send + 'static>(handle: JoinHandle<T>, what: &str) -> T {
    match within(DEFAULT_LIMIT, what, move || handle.join()) {
        Ok(value) => value,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

pub use testkit::{closed_port, closed_port_v6};

/// Reads the head of an HTTP message (up to and including the empty
/// line), one byte at a time so that nothing after it is taken.
pub fn read_head(stream: &mut TcpStream) -> io::Result<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte)? == 0 {
            break;
        }
        head.push(byte[0]);
    }
    Ok(String::from_utf8_lossy(&head).into_owned())
}

/// Sends `request` as a client, then reads until the server closes the
/// connection. Panics if the server does not close it within
/// `CLIENT_TIMEOUT`.
pub fn exchange(addr: SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).expect("connect to the server");
    stream.set_read_timeout(Some(CLIENT_TIMEOUT)).unwrap();
    stream.write_all(request).expect("send the request");
    let mut reply = Vec::new();
    stream
        .read_to_end(&mut reply)
        .expect("the server answers and closes the connection");
    reply
}

/// A response as a test sees it on the wire.
#[derive(Debug)]
pub struct RawResponse {
    pub status_line: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn status(&self) -> u16 {
        self.status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {:?}", self.status_line))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Splits a raw HTTP response, checking that its head is made of CRLF
/// lines and that `Content-Length` is the length of the body.
pub fn parse_raw(bytes: &[u8]) -> RawResponse {
    let text = String::from_utf8_lossy(bytes);
    let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else {
        panic!("no CRLF CRLF ending the head in {text:?}");
    };
    let head = String::from_utf8(bytes[..end].to_vec()).expect("a text head");
    assert!(
        !head.replace("\r\n", "").contains('\n'),
        "a line of the head ends with a bare \\n: {head:?}"
    );
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default().to_string();
    let headers = lines
        .map(|line| {
            let (name, value) = line
                .split_once(':')
                .unwrap_or_else(|| panic!("a header without a colon: {line:?}"));
            (name.to_string(), value.trim().to_string())
        })
        .collect();
    let response = RawResponse {
        status_line,
        headers,
        body: bytes[end + 4..].to_vec(),
    };
    let length = response
        .header("Content-Length")
        .unwrap_or_else(|| panic!("no Content-Length in {text:?}"));
    assert_eq!(
        length,
        response.body.len().to_string(),
        "Content-Length is not the length of the body in {text:?}"
    );
    response
}

/// Waits until no thread of this process is named `name` (Linux; where
/// threads cannot be counted, returns at once). A joined thread may stay
/// listed for a moment while it finishes exiting, hence the wait.
pub fn assert_no_thread_named(name: &str) {
    if threads_named(name).is_none() {
        return;
    }
    wait_for(
        DEFAULT_LIMIT,
        &format!("every thread named {name} gone after shutdown"),
        || threads_named(name) == Some(0),
    );
}

/// Reads from a client socket whose server should have closed it: the end
/// of the stream (or a reset), not data, and not a time-out.
pub fn assert_closed_by_server(stream: &mut TcpStream, what: &str) {
    stream.set_read_timeout(Some(CLIENT_TIMEOUT)).unwrap();
    let mut buf = [0u8; 64];
    match stream.read(&mut buf) {
        Ok(0) => {}
        Err(e) if e.kind() == io::ErrorKind::ConnectionReset => {}
        Ok(n) => panic!("{what}: got {n} bytes instead of the end of the connection"),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ) =>
        {
            panic!("{what}: the connection was still open after {CLIENT_TIMEOUT:?}")
        }
        Err(e) => panic!("{what}: {e}"),
    }
}

/// Whether `program` (`curl`, `python3`) runs here. The tests that hold
/// our code to what these real peers do are skipped, with a message, where
/// it does not; a raw-socket test checks the same rule everywhere.
pub fn real_peer(program: &str) -> bool {
    let found = std::process::Command::new(program)
        .arg("--version")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !found {
        eprintln!(
            "SKIPPED: {program} is not installed here (the raw-socket tests still check the rule)"
        );
    }
    found
}

/// Runs a real peer (with its own time-out options) to its end, within
/// the default limit, and returns its exit status, stdout and stderr.
pub fn run_peer(mut command: std::process::Command) -> (bool, String, String) {
    command.stdin(std::process::Stdio::null());
    // A proxy from the environment would take loopback traffic elsewhere.
    for proxy in ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"] {
        command.env_remove(proxy);
    }
    command.env("no_proxy", "*").env("NO_PROXY", "*");
    let what = format!("{command:?}");
    let output = within(DEFAULT_LIMIT, &what, move || command.output())
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

pub use testkit::asleep::{current_tid, settled_sleeps};
