//! Exercise 5: HTTP GET by hand, and a health check.
//!
//! HTTP/1.1 is text on a TCP connection. What `requests.get(url)` sends:
//!
//! ```text
//! GET /health?full=1 HTTP/1.1\r\n
//! Host: web-1:8080\r\n
//! Connection: close\r\n
//! \r\n
//! ```
//!
//! and what comes back:
//!
//! ```text
//! HTTP/1.1 200 OK\r\n
//! Content-Type: text/plain\r\n
//! Content-Length: 12\r\n
//! \r\n
//! hello, world
//! ```
//!
//! Every line of a head ends with CRLF (`\r\n`), and an empty line ends
//! the head. `Host` is required in HTTP/1.1 (one address serves many
//! sites); `Connection: close` asks the server to close once it has
//! answered.
//!
//! The parts, in order:
//!
//! - `Url::parse`: `http://host[:port][/path][?query][#fragment]` into host,
//!   port (80 if absent; 0 or not a number is invalid) and path (`/` if
//!   absent; the query stays, the fragment goes: it is never sent). An IPv6
//!   host comes in brackets (`http://[::1]:8080/`) and is kept without
//!   them. Only `http://` (in any case): `https://` needs TLS, which this
//!   client does not speak. `host_header` puts brackets and `:port` back
//!   (no `:80`).
//! - `request_head(url)`: the request above, as a `String`.
//! - `read_response(reader)`: wrap the reader in a `BufReader` and read the
//!   head line by line (`read_until(b'\n', ..)`, then drop the `\n` and a
//!   `\r` before it), at most [`MAX_HEAD`] bytes in all (a peer that never
//!   ends its head must not fill the memory). The status line is
//!   `HTTP/1.x <3 digits>[ <reason>]`; a header is `Name: value`, the value
//!   trimmed; keep them all, in order, names as sent. A head whose status is
//!   `1xx` (except `101`) is an *interim* response: `100 Continue`, `103
//!   Early Hints` (a server may send them before the real answer, even to
//!   a `GET`). It has no body: forget it and read the next head, within
//!   the same budget (a peer that sends interim heads for ever must not
//!   keep the client for ever). Then the body, by the first rule that
//!   applies:
//!   1. `Transfer-Encoding: chunked`: decode it (the bonus: hex size line,
//!      the bytes, CRLF, until a size of 0 and the trailer lines), or
//!      return `Unsupported`. Never hand out the raw chunks.
//!   2. `Content-Length: n`: exactly `n` bytes (`take(n)`), even if more
//!      follow, and **without** waiting for the end of the stream (a server
//!      may keep the connection open); fewer is `Truncated`. A length that
//!      is not a number, or two that differ, is `Malformed`.
//!   3. Neither: the body ends when the server closes (`read_to_end`).
//! - `Response::header(name)`: header names are **case-insensitive**
//!   (`content-length` is `Content-Length`: `eq_ignore_ascii_case`);
//!   `header_all` gives every value of a repeated header (`Set-Cookie`).
//! - `get(url, timeout)`: parse the URL, `resolve` the host (exercise 1),
//!   `connect_any` to its addresses (**in turn**, with
//!   `TcpStream::connect_timeout`, until one accepts: `localhost` is often
//!   `::1` first, with the server on `127.0.0.1`), set the read and write
//!   time-outs, `write_all` the
//!   request head, `read_response(&stream)`. Without time-outs, one silent
//!   server hangs a monitoring run of 200 servers for ever. `get` is
//!   `get_with(url, timeout, system_lookup)`: `get_with` takes the lookup
//!   function that `resolve_with` (exercise 1) gives the host to, so the
//!   tests can hand out the addresses they need.
//! - `check_health(url, expect, timeout)`: `get`, timed with `Instant`; the
//!   status, the latency, and whether the body contains `expect`. A 503 is
//!   a result (the server said it is down); only a request that got no
//!   HTTP answer is an error.
//!
//! The `From<io::Error>` below turns the time-out of a read
//! (`WouldBlock` on Unix) into `HttpError::TimedOut`, so `?` does it.
//!
//! Run the tests with `cargo kata check sockets/http_client`.

use std::error::Error;
use std::fmt;
use std::io::{self, Read};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use crate::resolve::ResolveError;

/// The most a response head (status line and headers) may take.
pub const MAX_HEAD: usize = 64 * 1024;

/// An `http://` URL, split: `http://web-1:8080/health?full=1` is host
/// `web-1`, port 8080, path `/health?full=1`. An IPv6 host is kept without
/// its brackets (`::1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    pub host: String,
    pub port: u16,
    pub path: String,
}

/// A response: the status line, the headers in the order they came (names
/// as sent), and the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// What can go wrong with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpError {
    /// Not an `http://` URL this client can use.
    InvalidUrl { url: String, reason: String },
    /// The host did not resolve (exercise 1).
    Resolve(ResolveError),
    /// Connecting, writing or reading took longer than the time-out.
    TimedOut,
    /// The peer did not speak HTTP/1.x as expected.
    Malformed { reason: String },
    /// The connection closed before the `expected` bytes of the body came.
    Truncated { expected: usize, got: usize },
    /// A valid response this client does not handle.
    Unsupported { what: String },
    /// Any other socket error (a refused connection shows here).
    Io {
        kind: io::ErrorKind,
        message: String,
    },
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::InvalidUrl { url, reason } => write!(f, "invalid URL {url:?}: {reason}"),
            HttpError::Resolve(error) => write!(f, "{error}"),
            HttpError::TimedOut => write!(f, "timed out"),
            HttpError::Malformed { reason } => write!(f, "malformed response: {reason}"),
            HttpError::Truncated { expected, got } => write!(
                f,
                "the connection closed after {got} of {expected} bytes of the body"
            ),
            HttpError::Unsupported { what } => write!(f, "not supported: {what}"),
            HttpError::Io { message, .. } => write!(f, "{message}"),
        }
    }
}

impl Error for HttpError {}

impl From<io::Error> for HttpError {
    /// A read or write that ran out of time fails with `WouldBlock` (Unix)
    /// or `TimedOut` (Windows, and `connect_timeout`): both are `TimedOut`.
    fn from(error: io::Error) -> HttpError {
        match error.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => HttpError::TimedOut,
            kind => HttpError::Io {
                kind,
                message: error.to_string(),
            },
        }
    }
}

/// The result of a health check: the status, how long the whole request
/// took, and whether the body contained the expected text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    pub status: u16,
    pub latency: Duration,
    pub body_matches: bool,
}

impl Health {
    /// A 2xx status and the expected text in the body.
    pub fn is_healthy(&self) -> bool {
        (200..300).contains(&self.status) && self.body_matches
    }
}

impl Url {
    /// Splits an `http://host[:port][/path]` URL. The port is 80 if not
    /// given, the path `/`; a `#fragment` is dropped (it is never sent).
    pub fn parse(url: &str) -> Result<Url, HttpError> {
        todo!("split {url:?} into host, port and path")
    }

    /// The value of the `Host` header: the host, with `:port` unless it is
    /// 80, and an IPv6 address in brackets.
    pub fn host_header(&self) -> String {
        todo!("the Host header for {}, port {}", self.host, self.port)
    }
}

impl Response {
    /// The value of the first header called `name`, in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        todo!(
            "the first of the {} headers called {name:?}, in any case",
            self.headers.len()
        )
    }

    /// The values of every header called `name`, in any case, in order.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        todo!("every header called {name:?}, in any case, in order")
    }
}

/// The bytes of a `GET` request for `url`, as text: request line, `Host`,
/// `Connection: close`, each line ended by CRLF, and an empty line.
pub fn request_head(url: &Url) -> String {
    todo!("the request head for {url:?}")
}

/// Reads one response from `reader`: the head (after any interim `1xx`
/// heads, which are skipped), then the body framed by
/// `Transfer-Encoding: chunked`, else `Content-Length`, else the end of the
/// stream.
pub fn read_response(reader: impl Read) -> Result<Response, HttpError> {
    todo!(
        "read a status line, headers and a body from the {}",
        std::any::type_name_of_val(&reader)
    )
}

/// `GET url`: resolve the host, connect to its addresses in turn, send the
/// request head, read the response. Connecting and every read and write
/// wait at most `timeout`.
pub fn get(url: &str, timeout: Duration) -> Result<Response, HttpError> {
    todo!("get_with({url:?}, {timeout:?}, system_lookup)")
}

/// `get`, with the host's name given to `lookup` (through
/// `resolve_with`) instead of the system resolver.
pub fn get_with(
    url: &str,
    timeout: Duration,
    lookup: impl FnOnce(&str, u16) -> io::Result<Vec<SocketAddr>>,
) -> Result<Response, HttpError> {
    todo!(
        "GET {url} with a time-out of {timeout:?}, the host resolved with resolve_with and {}",
        std::any::type_name_of_val(&lookup)
    )
}

/// A connection to the first of `addrs` that accepts one, tried in order,
/// each within `timeout` (`localhost` may be `::1` first, with the server
/// on `127.0.0.1` only); if none does, the last error.
pub fn connect_any(addrs: &[SocketAddr], timeout: Duration) -> Result<TcpStream, HttpError> {
    todo!("connect to the first of {addrs:?} that accepts, each within {timeout:?}")
}

/// `GET url` and judge the answer: its status, the time the whole request
/// took, and whether the body contains `expect` (an empty `expect`
/// matches any body). Any status is a result; only a request that got no
/// HTTP answer is an error.
pub fn check_health(url: &str, expect: &str, timeout: Duration) -> Result<Health, HttpError> {
    todo!("GET {url} within {timeout:?}, time it, and look for {expect:?} in the body")
}
