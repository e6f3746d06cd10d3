//! Exercise 6: an HTTP server: the URL shortener.
//!
//! What Flask does under `@app.route`, on std alone, for the course's URL
//! shortener:
//!
//! | request | answer |
//! |---|---|
//! | `POST /shorten` with a URL as body | `201 Created`, the code alone as body (e.g. `aZ3`: no newline), `Location: /<code>` |
//! | `GET /<code>` | `301 Moved Permanently`, `Location: <the URL>` |
//! | `HEAD /<code>` | what `GET` gets, without the body |
//! | `GET /<unknown code>` (or `GET /`) | `404 Not Found` |
//! | another method on `/shorten` | `405`, `Allow: POST`; anywhere else `405`, `Allow: GET, HEAD` |
//! | a body that is not an `http://` or `https://` URL | `400 Bad Request` |
//! | not HTTP/1.x at all | `400 Bad Request` |
//! | a head above `max_head` bytes | `431 Request Header Fields Too Large` |
//! | a `Content-Length` above `max_body` | `413 Content Too Large` |
//! | nothing, or not all of it, within `timeout` | no answer: the connection is dropped |
//!
//! Built in parts, each tested on its own:
//!
//! - `read_head(reader, limits)`: the request line
//!   (`METHOD /target HTTP/1.x`, exactly three parts separated by single
//!   spaces, the method in capitals, the target starting with `/`), then
//!   `Name: value` header lines until an empty one (a name has no spaces,
//!   the value is trimmed; lines end with CRLF, a bare LF is tolerated),
//!   and the `Content-Length` they announce (0 without one), but not the
//!   body. **Every limit is checked before the bytes it limits are read**:
//!   the head is read within a budget of `max_head` bytes in all (`take` on
//!   the reader before each `read_until`), and a `Content-Length` above
//!   `max_body` is refused from the number alone (`max_body` itself is
//!   fine). The end of the stream before the first byte is `Closed` (the
//!   client left); later, it is `Malformed`. The `From<io::Error>` below
//!   makes a read time-out `TimedOut`.
//! - `read_body(reader, request)`: exactly `Content-Length` bytes into
//!   `request.body`; fewer is `Malformed`. `read_request` is `read_head`
//!   then `read_body`. Why two steps: a client that sends
//!   `Expect: 100-continue` (`Request::expects_continue`; curl does, for
//!   larger bodies) sends its head, then **waits** for
//!   `HTTP/1.1 100 Continue\r\n\r\n` before it sends the body (curl for a
//!   second, others for ever). The server says it between the two steps.
//! - `RequestError::status`: 400, 431 or 413, or `None` for `Closed`,
//!   `TimedOut` and `Io`: nobody is listening for an answer.
//! - `Response::to_bytes`: status line with [`reason`], the headers,
//!   `Content-Length` and `Connection: close`, an empty line, the body;
//!   CRLF everywhere.
//! - `Shortener::handle`: the table above (`HEAD` as `GET`). Codes are short and safe in a
//!   path (a counter in base 62 does). The URL is the body, trimmed; refuse
//!   it if it contains whitespace or a control character: a CR LF inside
//!   would end the `Location` header and start another one of the client's
//!   choosing (response splitting). The map sits behind a `Mutex`: many
//!   connections use it at once.
//! - `handle_connection(stream, shortener, limits)`: one request
//!   (`read_head`, a `100 Continue` if the client expects one, `read_body`),
//!   one response, then close. The response to a `HEAD` is the head alone:
//!   the client reads no body after it, and bytes that follow would be
//!   taken for the start of the next response (curl: "Excess found"). The whole request must come within
//!   `limits.timeout`, not each read: a client that sends a byte every
//!   second (slowloris) would otherwise keep the connection for ever. A
//!   small reader of your own can do it: before each `read`, set the
//!   stream's read time-out to the time left until the deadline. After the
//!   response, close in two steps: `shutdown(Shutdown::Write)`, then read
//!   and forget what the client still sends, for a moment at most. Closing
//!   a socket with unread bytes makes the kernel send a reset, which can
//!   destroy the answer before the client reads it (this is what happens
//!   to a 431 sent in the middle of a long head).
//! - `start_shortener(addr, limits)`: exercise 2's `TcpServer` with the
//!   name `http`, one `Shortener` shared by every connection (`Arc`), and
//!   `handle_connection` as the handler. Its `shutdown` is exercise 2's.
//!
//! Run the tests with `cargo kata check sockets/http_server`.

use std::collections::HashMap;
use std::error::Error;
use std::fmt;
use std::io::{self, BufRead};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

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

impl Request {
    /// The value of the first header called `name`, in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        todo!(
            "the first of the {} headers called {name:?}, in any case",
            self.headers.len()
        )
    }

    /// Whether the client waits for a `100 Continue` before it sends the
    /// body: it sent `Expect: 100-continue` (in any case), as curl does
    /// for larger bodies.
    pub fn expects_continue(&self) -> bool {
        todo!(
            "whether one of the {} headers is Expect: 100-continue, in any case",
            self.headers.len()
        )
    }
}

impl RequestError {
    /// The status to answer with, or `None` to drop the connection
    /// without a word (nobody is listening, or nobody deserves one).
    pub fn status(&self) -> Option<u16> {
        todo!("400, 431, 413, or None for {self:?}")
    }
}

/// Reads one request: request line, headers, and a body of
/// `Content-Length` bytes, within `limits`. [`read_head`], then
/// [`read_body`].
pub fn read_request(reader: &mut impl BufRead, limits: &Limits) -> Result<Request, RequestError> {
    todo!(
        "read_head, then read_body, from the {} within {limits:?}",
        std::any::type_name_of_val(&reader)
    )
}

/// Reads the request line and the headers, and checks the
/// `Content-Length` they announce (a number, at most `limits.max_body`),
/// without reading a byte of the body: the returned request's `body` is
/// empty.
pub fn read_head(reader: &mut impl BufRead, limits: &Limits) -> Result<Request, RequestError> {
    todo!(
        "read a request line and headers from the {} within {limits:?}, and check Content-Length",
        std::any::type_name_of_val(&reader)
    )
}

/// Reads the body of a request whose head [`read_head`] gave: exactly
/// `Content-Length` bytes (none without the header), into `request.body`.
pub fn read_body(reader: &mut impl BufRead, request: &mut Request) -> Result<(), RequestError> {
    todo!(
        "read the Content-Length bytes of the body of {} {} from the {}",
        request.method,
        request.target,
        std::any::type_name_of_val(&reader)
    )
}

impl Response {
    /// The response as sent: status line, headers, `Content-Length`,
    /// `Connection: close`, an empty line, the body. Lines end with CRLF.
    pub fn to_bytes(&self) -> Vec<u8> {
        todo!(
            "the bytes of a {} response with {} headers and {} bytes of body",
            self.status,
            self.headers.len(),
            self.body.len()
        )
    }
}

impl Shortener {
    pub fn new() -> Shortener {
        todo!("an empty map of codes, and a counter for the next code")
    }

    /// `POST /shorten` with a URL as body: 201, the code alone as the body
    /// (its letters and digits, no newline: `curl` then prints it with no
    /// line end) and `Location: /<code>`. `GET /<code>`: 301 to its URL, or 404; `HEAD`
    /// is answered as `GET` (the connection sends no body). Another
    /// method: 405. A body that is not an `http(s)://` URL: 400.
    pub fn handle(&self, request: &Request) -> Response {
        todo!(
            "answer {} {} from {:?} (next code from {:?})",
            request.method,
            request.target,
            self.urls,
            self.next
        )
    }
}

/// Serves one connection: one request, one response, then a lingering
/// close. A client that closed, went silent or failed gets no answer. A
/// client that expects it gets a `100 Continue` between the head and the
/// body; the answer to a `HEAD` has no body.
pub fn handle_connection(stream: TcpStream, shortener: &Shortener, limits: &Limits) {
    todo!(
        "read a request from {stream:?} within {limits:?}, answer it with {}, and close",
        std::any::type_name_of_val(shortener)
    )
}

/// The URL shortener on `addr`: a `TcpServer` (exercise 2) whose threads
/// are named `http:<port>`, each connection served by
/// [`handle_connection`] with one shared [`Shortener`].
pub fn start_shortener(addr: impl ToSocketAddrs, limits: Limits) -> io::Result<TcpServer> {
    todo!(
        "TcpServer::start on the {} named \"http\", serving each connection with handle_connection within {limits:?}",
        std::any::type_name_of_val(&addr)
    )
}
