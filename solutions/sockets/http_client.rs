//! Exercise 5: HTTP GET by hand, and a health check.
//!
//! Reference solution. HTTP/1.1 is text on a TCP stream: a request head of
//! CRLF-terminated lines and an empty line; a response head the same way,
//! then a body whose end is given by `Content-Length`, by chunks
//! (`Transfer-Encoding: chunked`), or by the server closing the connection.
//! The head is read line by line through a `BufReader`, each line within
//! what is left of a 64 KiB budget; the body by the first rule that applies.
//! Interim `1xx` heads (`100 Continue`, `103 Early Hints`) before the real
//! one are read past, within the same budget.

use std::error::Error;
use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use crate::resolve::{ResolveError, resolve_with, system_lookup};

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

// ANCHOR: url
impl Url {
    /// Splits an `http://host[:port][/path]` URL. The port is 80 if not
    /// given, the path `/`; a `#fragment` is dropped (it is never sent).
    pub fn parse(url: &str) -> Result<Url, HttpError> {
        let invalid = |reason: &str| HttpError::InvalidUrl {
            url: url.to_string(),
            reason: reason.to_string(),
        };
        let Some((scheme, rest)) = url.split_once("://") else {
            return Err(invalid("no scheme: start with http://"));
        };
        if !scheme.eq_ignore_ascii_case("http") {
            return Err(invalid(
                "only http:// (https needs TLS, which this client lacks)",
            ));
        }
        let rest = rest.split('#').next().unwrap_or_default();
        let split = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(split);
        let path = match path {
            "" => "/".to_string(),
            p if p.starts_with('?') => format!("/{p}"),
            p => p.to_string(),
        };
        if authority.contains('@') {
            return Err(invalid("user names in URLs are not supported"));
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let Some((host, after)) = v6.split_once(']') else {
                return Err(invalid("an IPv6 address without its closing ]"));
            };
            (host, after.strip_prefix(':'))
        } else {
            match authority.split_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            }
        };
        if host.is_empty() {
            return Err(invalid("no host"));
        }
        let port = match port {
            None | Some("") => 80,
            Some(port) => match port.parse::<u16>() {
                Ok(port) if port != 0 => port,
                _ => return Err(invalid("the port is not a number from 1 to 65535")),
            },
        };
        Ok(Url {
            host: host.to_string(),
            port,
            path,
        })
    }

    /// The value of the `Host` header: the host, with `:port` unless it is
    /// 80, and an IPv6 address in brackets.
    pub fn host_header(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == 80 {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }
}
// ANCHOR_END: url

impl Response {
    /// The value of the first header called `name`, in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The values of every header called `name`, in any case, in order.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

// ANCHOR: request_head
/// The bytes of a `GET` request for `url`, as text: request line, `Host`,
/// `Connection: close`, each line ended by CRLF, and an empty line.
pub fn request_head(url: &Url) -> String {
    format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: ops-katas/1\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        url.path,
        url.host_header()
    )
}
// ANCHOR_END: request_head

// ANCHOR: read_response
/// Reads one response from `reader`: the head (after any interim `1xx`
/// heads, which are skipped), then the body framed by
/// `Transfer-Encoding: chunked`, else `Content-Length`, else the end of the
/// stream.
pub fn read_response(reader: impl Read) -> Result<Response, HttpError> {
    let mut reader = BufReader::new(reader);
    // One budget for every head, interim ones included: a peer that sends
    // `100 Continue` for ever is a head that never ends.
    let mut budget = MAX_HEAD;
    let (status, reason, headers) = loop {
        let status_line = head_line(&mut reader, &mut budget)?;
        let (status, reason) = parse_status_line(&status_line)?;
        let mut headers = Vec::new();
        loop {
            let line = head_line(&mut reader, &mut budget)?;
            if line.is_empty() {
                break; // the empty line ends the head
            }
            let Some((name, value)) = line.split_once(':') else {
                return Err(malformed(format!(
                    "a header line without a colon: {line:?}"
                )));
            };
            if name.is_empty() || name.contains(|c: char| c.is_ascii_whitespace()) {
                return Err(malformed(format!("a bad header name: {name:?}")));
            }
            headers.push((name.to_string(), value.trim().to_string()));
        }
        // `100 Continue`, `103 Early Hints`: interim answers, with no body;
        // the real one follows. (`101` switches protocols: it is final.)
        if (100..200).contains(&status) && status != 101 {
            continue;
        }
        break (status, reason, headers);
    };
    let mut response = Response {
        status,
        reason,
        headers,
        body: Vec::new(),
    };
    response.body = if let Some(coding) = response.header("Transfer-Encoding") {
        if !coding.eq_ignore_ascii_case("chunked") {
            return Err(HttpError::Unsupported {
                what: format!("Transfer-Encoding: {coding}"),
            });
        }
        read_chunked(&mut reader)?
    } else if let Some(length) = content_length(&response)? {
        // Exactly `length` bytes: the server may keep the connection open
        // after them, so reading "to the end" would wait for nothing.
        let mut body = Vec::with_capacity(length.min(1024 * 1024));
        (&mut reader).take(length as u64).read_to_end(&mut body)?;
        if body.len() < length {
            return Err(HttpError::Truncated {
                expected: length,
                got: body.len(),
            });
        }
        body
    } else {
        // No length: the body ends when the server closes the connection.
        let mut body = Vec::new();
        reader.read_to_end(&mut body)?;
        body
    };
    Ok(response)
}

fn malformed(reason: String) -> HttpError {
    HttpError::Malformed { reason }
}

/// One line of the head, without its CRLF (or bare LF), taken from what is
/// left of `budget`.
fn head_line(reader: &mut impl BufRead, budget: &mut usize) -> Result<String, HttpError> {
    let mut line = Vec::new();
    let n = reader.take(*budget as u64).read_until(b'\n', &mut line)?;
    if line.last() != Some(&b'\n') {
        return Err(if n == *budget {
            malformed(format!("a head longer than {MAX_HEAD} bytes"))
        } else {
            malformed("the connection closed inside the head".to_string())
        });
    }
    *budget -= n;
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    // Header values may hold bytes that are not UTF-8; keep what we can.
    Ok(String::from_utf8_lossy(&line).into_owned())
}

/// `HTTP/1.1 404 Not Found` gives `(404, "Not Found")`; the reason may be
/// empty or missing.
fn parse_status_line(line: &str) -> Result<(u16, String), HttpError> {
    let bad = || malformed(format!("not an HTTP status line: {line:?}"));
    let mut parts = line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    let code = parts.next().ok_or_else(bad)?;
    let reason = parts.next().unwrap_or_default();
    if !(version == "HTTP/1.1" || version == "HTTP/1.0") {
        return Err(bad());
    }
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let status = code.parse().map_err(|_| bad())?;
    Ok((status, reason.to_string()))
}

/// The body length the headers give, if any; every `Content-Length` must
/// be a plain number, and all of them the same.
fn content_length(response: &Response) -> Result<Option<usize>, HttpError> {
    let mut length = None;
    for value in response.header_all("Content-Length") {
        let parsed = value
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| value.parse::<usize>().ok())
            .flatten()
            .ok_or_else(|| malformed(format!("a bad Content-Length: {value:?}")))?;
        if length.is_some_and(|l| l != parsed) {
            return Err(malformed("two different Content-Length values".to_string()));
        }
        length = Some(parsed);
    }
    Ok(length)
}

/// A chunked body: `<hex size>[;ext]` CRLF, the bytes, CRLF; again until
/// a size of 0, then trailer lines until an empty one.
fn read_chunked(reader: &mut impl BufRead) -> Result<Vec<u8>, HttpError> {
    let mut body = Vec::new();
    let mut budget = MAX_HEAD; // for the size lines and trailers together
    loop {
        let line = head_line(reader, &mut budget)?;
        let size = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size, 16)
            .map_err(|_| malformed(format!("a bad chunk size: {line:?}")))?;
        if size == 0 {
            while !head_line(reader, &mut budget)?.is_empty() {}
            return Ok(body);
        }
        let before = body.len();
        reader.take(size as u64).read_to_end(&mut body)?;
        let got = body.len() - before;
        if got < size {
            return Err(HttpError::Truncated {
                expected: size,
                got,
            });
        }
        if !head_line(reader, &mut budget)?.is_empty() {
            return Err(malformed("a chunk longer than its size".to_string()));
        }
    }
}
// ANCHOR_END: read_response

// ANCHOR: get
/// `GET url`: resolve the host, connect to its addresses in turn, send the
/// request head, read the response. Connecting and every read and write
/// wait at most `timeout`.
pub fn get(url: &str, timeout: Duration) -> Result<Response, HttpError> {
    get_with(url, timeout, system_lookup)
}

/// `get`, with the host's name given to `lookup` (through
/// `resolve_with`) instead of the system resolver.
pub fn get_with(
    url: &str,
    timeout: Duration,
    lookup: impl FnOnce(&str, u16) -> io::Result<Vec<SocketAddr>>,
) -> Result<Response, HttpError> {
    let url = Url::parse(url)?;
    let addrs = resolve_with(&url.host, url.port, lookup).map_err(HttpError::Resolve)?;
    let stream = connect_any(&addrs, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    (&stream).write_all(request_head(&url).as_bytes())?;
    read_response(&stream)
}

/// A connection to the first of `addrs` that accepts one, tried in order,
/// each within `timeout` (`localhost` may be `::1` first, with the server
/// on `127.0.0.1` only); if none does, the last error.
pub fn connect_any(addrs: &[SocketAddr], timeout: Duration) -> Result<TcpStream, HttpError> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, "no address to connect to");
    for addr in addrs {
        match TcpStream::connect_timeout(addr, timeout) {
            Ok(stream) => return Ok(stream),
            Err(error) => last = error,
        }
    }
    Err(last.into())
}

/// `GET url` and judge the answer: its status, the time the whole request
/// took, and whether the body contains `expect` (an empty `expect`
/// matches any body). Any status is a result; only a request that got no
/// HTTP answer is an error.
pub fn check_health(url: &str, expect: &str, timeout: Duration) -> Result<Health, HttpError> {
    let start = Instant::now();
    let response = get(url, timeout)?;
    let latency = start.elapsed();
    let expect = expect.as_bytes();
    let body_matches =
        expect.is_empty() || response.body.windows(expect.len()).any(|w| w == expect);
    Ok(Health {
        status: response.status,
        latency,
        body_matches,
    })
}
// ANCHOR_END: get
