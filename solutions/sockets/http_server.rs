//! Exercise 6: an HTTP server: the URL shortener.
//!
//! Reference solution. Each connection (a thread of exercise 2's
//! `TcpServer`) reads one request through a reader with a deadline for the
//! whole request, answers it, and closes: `Connection: close`, no
//! keep-alive. Limits are checked before the bytes they limit are read:
//! the head within a budget of `max_head` bytes, the body by its
//! `Content-Length` before any of it is read. After the response, the
//! server closes its sending side and reads what the client may still be
//! sending for a moment (a "lingering close"), so that closing a socket
//! with unread bytes (which sends a reset) cannot destroy the response
//! before the client has read it. Between the head and the body, a client
//! that sent `Expect: 100-continue` is told `100 Continue` (it waits for
//! that before sending its body); the answer to `HEAD` is the head of the
//! answer to `GET`, without its body.

use std::collections::HashMap;
use std::error::Error;
use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::echo::TcpServer;

/// What the server accepts from a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes the request line and headers may take, CRLFs and the
    /// empty line included. Above: 431.
    pub max_head: usize,
    /// The largest `Content-Length` accepted. Above: 413.
    pub max_body: usize,
    /// The time a client has to send its whole request. After: the
    /// connection is dropped.
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_head: 8 * 1024,
            max_body: 2 * 1024,
            timeout: Duration::from_secs(5),
        }
    }
}

/// A request as read from the client: the headers in the order they came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Why no request could be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestError {
    /// The client closed the connection before sending a byte.
    Closed,
    /// The client did not send its whole request in time.
    TimedOut,
    /// Not an HTTP/1.x request. 400.
    Malformed { reason: String },
    /// The head is longer than `max` bytes. 431.
    HeadTooLarge { max: usize },
    /// The body announced is longer than `max` bytes. 413.
    BodyTooLarge { len: usize, max: usize },
    /// The socket failed.
    Io {
        kind: io::ErrorKind,
        message: String,
    },
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestError::Closed => write!(f, "the client closed the connection"),
            RequestError::TimedOut => write!(f, "the request did not come in time"),
            RequestError::Malformed { reason } => write!(f, "bad request: {reason}"),
            RequestError::HeadTooLarge { max } => {
                write!(f, "the request head is longer than {max} bytes")
            }
            RequestError::BodyTooLarge { len, max } => {
                write!(f, "a body of {len} bytes, above the maximum of {max}")
            }
            RequestError::Io { message, .. } => write!(f, "{message}"),
        }
    }
}

impl Error for RequestError {}

impl From<io::Error> for RequestError {
    /// A read that ran out of time fails with `WouldBlock` or `TimedOut`.
    fn from(error: io::Error) -> RequestError {
        match error.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => RequestError::TimedOut,
            kind => RequestError::Io {
                kind,
                message: error.to_string(),
            },
        }
    }
}

/// A response to send: `to_bytes` adds `Content-Length` and
/// `Connection: close`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// A response with a text body and no headers yet.
    pub fn new(status: u16, body: &str) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    /// The same response with one more header.
    pub fn with_header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

/// The reason phrase of the status codes this server uses.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        _ => "Unknown",
    }
}

/// The URL shortener's state: code to URL.
#[derive(Debug)]
pub struct Shortener {
    urls: Mutex<HashMap<String, String>>,
    next: AtomicU64,
}

impl Default for Shortener {
    fn default() -> Shortener {
        Shortener::new()
    }
}

// ANCHOR: read_request
impl Request {
    /// The value of the first header called `name`, in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the client waits for a `100 Continue` before it sends the
    /// body: it sent `Expect: 100-continue` (in any case), as curl does
    /// for larger bodies.
    pub fn expects_continue(&self) -> bool {
        self.header("Expect")
            .is_some_and(|value| value.eq_ignore_ascii_case("100-continue"))
    }
}

impl RequestError {
    /// The status to answer with, or `None` to drop the connection
    /// without a word (nobody is listening, or nobody deserves one).
    pub fn status(&self) -> Option<u16> {
        match self {
            RequestError::Malformed { .. } => Some(400),
            RequestError::HeadTooLarge { .. } => Some(431),
            RequestError::BodyTooLarge { .. } => Some(413),
            RequestError::Closed | RequestError::TimedOut | RequestError::Io { .. } => None,
        }
    }
}

/// Reads one request: request line, headers, and a body of
/// `Content-Length` bytes, within `limits`. [`read_head`], then
/// [`read_body`].
pub fn read_request(reader: &mut impl BufRead, limits: &Limits) -> Result<Request, RequestError> {
    let mut request = read_head(reader, limits)?;
    read_body(reader, &mut request)?;
    Ok(request)
}

/// Reads the request line and the headers, and checks the
/// `Content-Length` they announce (a number, at most `limits.max_body`),
/// without reading a byte of the body: the returned request's `body` is
/// empty.
pub fn read_head(reader: &mut impl BufRead, limits: &Limits) -> Result<Request, RequestError> {
    let mut budget = limits.max_head;
    let Some(request_line) = head_line(reader, &mut budget, limits.max_head)? else {
        return Err(RequestError::Closed);
    };
    let parts: Vec<&str> = request_line.split(' ').collect();
    let [method, target, version] = parts[..] else {
        return Err(malformed(format!("not a request line: {request_line:?}")));
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(malformed(format!("not a method: {method:?}")));
    }
    if !target.starts_with('/') {
        return Err(malformed(format!("not a path: {target:?}")));
    }
    if version != "HTTP/1.1" && version != "HTTP/1.0" {
        return Err(malformed(format!("not HTTP/1.x: {version:?}")));
    }
    let mut headers = Vec::new();
    loop {
        let line = head_line(reader, &mut budget, limits.max_head)?
            .ok_or_else(|| malformed("the connection closed inside the head".to_string()))?;
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(malformed(format!("a header without a colon: {line:?}")));
        };
        if name.is_empty() || name.contains(|c: char| c.is_ascii_whitespace()) {
            return Err(malformed(format!("a bad header name: {name:?}")));
        }
        headers.push((name.to_string(), value.trim().to_string()));
    }
    let request = Request {
        method: method.to_string(),
        target: target.to_string(),
        headers,
        body: Vec::new(),
    };
    let length = content_length(&request)?;
    // Refused on the number alone: not one byte of the body is read.
    if length > limits.max_body {
        return Err(RequestError::BodyTooLarge {
            len: length,
            max: limits.max_body,
        });
    }
    Ok(request)
}

/// Reads the body of a request whose head [`read_head`] gave: exactly
/// `Content-Length` bytes (none without the header), into `request.body`.
pub fn read_body(reader: &mut impl BufRead, request: &mut Request) -> Result<(), RequestError> {
    let length = content_length(request)?;
    request.body.clear();
    reader.take(length as u64).read_to_end(&mut request.body)?;
    if request.body.len() < length {
        return Err(malformed(format!(
            "the body stopped after {} of {length} bytes",
            request.body.len()
        )));
    }
    Ok(())
}

/// The body length the headers announce: 0 without `Content-Length`; every
/// value a plain number, and all of them the same.
fn content_length(request: &Request) -> Result<usize, RequestError> {
    let mut length = None;
    for (name, value) in &request.headers {
        if !name.eq_ignore_ascii_case("Content-Length") {
            continue;
        }
        let parsed = match value.parse::<usize>() {
            Ok(n) if value.bytes().all(|b| b.is_ascii_digit()) => n,
            _ => return Err(malformed(format!("a bad Content-Length: {value:?}"))),
        };
        if length.is_some_and(|l| l != parsed) {
            return Err(malformed("two different Content-Length values".to_string()));
        }
        length = Some(parsed);
    }
    Ok(length.unwrap_or(0))
}

fn malformed(reason: String) -> RequestError {
    RequestError::Malformed { reason }
}

/// One line of the head without its CRLF, taken from what is left of
/// `budget`; `None` if the stream ends before its first byte.
fn head_line(
    reader: &mut impl BufRead,
    budget: &mut usize,
    max_head: usize,
) -> Result<Option<String>, RequestError> {
    let mut line = Vec::new();
    let n = reader.take(*budget as u64).read_until(b'\n', &mut line)?;
    if line.last() != Some(&b'\n') {
        return if n == *budget {
            Err(RequestError::HeadTooLarge { max: max_head })
        } else if n == 0 && *budget == max_head {
            Ok(None) // nothing at all: the client left
        } else {
            Err(malformed(
                "the connection closed inside the head".to_string(),
            ))
        };
    }
    *budget -= n;
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    String::from_utf8(line)
        .map(Some)
        .map_err(|_| malformed("a head that is not text".to_string()))
}
// ANCHOR_END: read_request

// ANCHOR: to_bytes
impl Response {
    /// The response as sent: status line, headers, `Content-Length`,
    /// `Connection: close`, an empty line, the body. Lines end with CRLF.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.body.len()
        ));
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}
// ANCHOR_END: to_bytes

// ANCHOR: shortener
impl Shortener {
    pub fn new() -> Shortener {
        Shortener {
            urls: Mutex::new(HashMap::new()),
            next: AtomicU64::new(1),
        }
    }

    /// `POST /shorten` with a URL as body: 201, the code as body and
    /// `Location: /<code>`. `GET /<code>`: 301 to its URL, or 404; `HEAD`
    /// is answered as `GET` (the connection sends no body). Another
    /// method: 405. A body that is not an `http(s)://` URL: 400.
    pub fn handle(&self, request: &Request) -> Response {
        match (request.method.as_str(), request.target.as_str()) {
            ("POST", "/shorten") => {
                let Some(url) = std::str::from_utf8(&request.body)
                    .ok()
                    .map(str::trim)
                    .filter(|url| is_url(url))
                else {
                    return Response::new(400, "the body must be an http:// or https:// URL\n");
                };
                let code = base62(self.next.fetch_add(1, Ordering::Relaxed));
                self.urls
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(code.clone(), url.to_string());
                Response::new(201, &code).with_header("Location", &format!("/{code}"))
            }
            (_, "/shorten") => Response::new(405, "use POST\n").with_header("Allow", "POST"),
            ("GET" | "HEAD", target) => {
                let code = target.strip_prefix('/').unwrap_or(target);
                let url = self
                    .urls
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .get(code)
                    .cloned();
                match url {
                    Some(url) => Response::new(301, "").with_header("Location", &url),
                    None => Response::new(404, "no such code\n"),
                }
            }
            _ => Response::new(405, "use GET\n").with_header("Allow", "GET, HEAD"),
        }
    }
}

/// An absolute http(s) URL with no space and no control character: a
/// CR LF inside it would end the `Location` header and start another one
/// of the client's choosing (response splitting).
fn is_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"));
    rest.is_some_and(|rest| !rest.is_empty())
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// `n` in base 62 (`0-9a-zA-Z`): short codes that are safe in a path.
fn base62(mut n: u64) -> String {
    const DIGITS: &[u8; 62] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut code = Vec::new();
    loop {
        code.push(DIGITS[(n % 62) as usize]);
        n /= 62;
        if n == 0 {
            break;
        }
    }
    code.reverse();
    String::from_utf8(code).expect("ASCII digits")
}
// ANCHOR_END: shortener

// ANCHOR: connection
/// Reads from a stream until a deadline for all the reads together: each
/// read may wait only for the time that is left. A client that sends one
/// byte now and then (slowloris) cannot keep the connection forever.
struct DeadlineReader<'a> {
    stream: &'a TcpStream,
    deadline: Instant,
}

impl Read for DeadlineReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        let mut stream = self.stream;
        stream.read(buf)
    }
}

/// Serves one connection: one request, one response, then a lingering
/// close. A client that closed, went silent or failed gets no answer. A
/// client that expects it gets a `100 Continue` between the head and the
/// body; the answer to a `HEAD` has no body.
pub fn handle_connection(stream: TcpStream, shortener: &Shortener, limits: &Limits) {
    let deadline = Instant::now() + limits.timeout;
    let _ = stream.set_write_timeout(Some(limits.timeout));
    let mut reader = BufReader::new(DeadlineReader {
        stream: &stream,
        deadline,
    });
    let mut head_only = false;
    let read = read_head(&mut reader, limits).and_then(|mut request| {
        // `Expect: 100-continue`: the client sends its body only once we
        // say so (curl waits a second for it). A body above the limit was
        // refused above: the 413 goes instead, and the body never comes.
        if request.expects_continue() {
            (&stream).write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        }
        read_body(&mut reader, &mut request)?;
        head_only = request.method == "HEAD";
        Ok(request)
    });
    let response = match read {
        Ok(request) => shortener.handle(&request),
        Err(error) => match error.status() {
            Some(status) => Response::new(status, &format!("{error}\n")),
            None => return, // dropping the stream closes it
        },
    };
    drop(reader);
    let mut bytes = response.to_bytes();
    if head_only {
        // The head says what a GET would get (its Content-Length too),
        // and nothing follows it: the client reads no body after HEAD.
        bytes.truncate(bytes.len() - response.body.len());
    }
    if (&stream).write_all(&bytes).is_err() {
        return;
    }
    // Lingering close: "no more from me", then read (and forget) what the
    // client still sends, until it closes, for a moment at most.
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(limits.timeout.min(Duration::from_secs(1))));
    let _ = io::copy(&mut (&stream).take(64 * 1024), &mut io::sink());
}

/// The URL shortener on `addr`: a `TcpServer` (exercise 2) whose threads
/// are named `http:<port>`, each connection served by
/// [`handle_connection`] with one shared [`Shortener`].
pub fn start_shortener(addr: impl ToSocketAddrs, limits: Limits) -> io::Result<TcpServer> {
    let shortener = Arc::new(Shortener::new());
    TcpServer::start(addr, "http", move |stream| {
        handle_connection(stream, &shortener, &limits)
    })
}
// ANCHOR_END: connection
