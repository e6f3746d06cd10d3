//! Exercise 7: remote procedure calls: JSON-RPC 2.0.
//!
//! "Run this function on that machine": the client turns the method's name
//! and its arguments into bytes (**marshalling**), sends them, and waits;
//! the server turns the bytes back into a call, runs it, and sends the
//! result back the same way. Python's `xmlrpc` does it with XML over HTTP;
//! here it is [JSON-RPC 2.0](https://www.jsonrpc.org/specification), one
//! JSON text per frame of exercise 3 (`write_frame`, `FrameReader`, at most
//! [`MAX_FRAME`] bytes), on exercise 2's `TcpServer`, and the same over
//! HTTP on exercise 6's request parser.
//!
//! **The protocol.** A request is an object
//! `{"jsonrpc": "2.0", "method": "add", "params": [2, 3], "id": 1}`; the
//! answer is `{"jsonrpc": "2.0", "result": 5, "id": 1}` or
//! `{"jsonrpc": "2.0", "error": {"code": -32601, "message": ".."}, "id": 1}`,
//! never both. The rules `Registry::handle` follows, for one frame:
//!
//! | the frame holds | the answer |
//! |---|---|
//! | not JSON at all | error [`PARSE_ERROR`] (-32700), id `null` |
//! | something else than an object (`42`, `"x"`), or an object whose `"jsonrpc"` is not the string `"2.0"`, whose `"method"` is not a string, whose `"params"` (if present) is not an array or an object, or whose `"id"` (if present) is not a string, a number or `null` | error [`INVALID_REQUEST`] (-32600), with the request's id if it had a valid one, else `null`; **even without an id**: an invalid request is never a notification |
//! | a method nobody registered | error [`METHOD_NOT_FOUND`] (-32601) |
//! | a valid request | the handler's `Ok(result)` as `"result"`, its `Err(error)` as `"error"` with the handler's own code, message and data ([`INVALID_PARAMS`], -32602, is the one for parameters it cannot use) |
//! | a handler that **panics** | error [`INTERNAL_ERROR`] (-32603), and the server goes on serving (`std::panic::catch_unwind`) |
//! | a valid request **without an `"id"` member** (a *notification*) | nothing at all, whatever happened, even an error. `"id": null` *is* an id: that request is answered, with id `null` |
//! | an array (a *batch*) | one array with the answers of its members, each taken as above (a member `1` gets its -32600); no answer at all if every member was a notification; an empty array `[]` is one -32600 error object, not an array |
//!
//! The answer's id is the request's, as it came (`"7"` stays a string).
//! A handler gets the params, or `Value::Null` when there are none.
//!
//! **The server** (`serve_connection`, `start_rpc`): read frames until the
//! client closes (or sends a frame above `MAX_FRAME`: then the connection
//! is closed at once), and answer **each request on a thread of its own**
//! (`thread::scope`, so that all are done before the connection closes): a
//! slow method must not hold up the calls behind it on the same
//! connection. Answers then finish in any order, and two threads must never
//! write at the same time: one `Mutex` around the writing side. The server
//! binds **loopback only**: any other address is refused with
//! `ErrorKind::InvalidInput` before anything is bound (a command service
//! on `0.0.0.0` runs programs for anyone on the network).
//!
//! **The client** (`RpcClient`): one connection, many callers at once
//! (`call` takes `&self`). Each call gets a fresh id, and the client keeps
//! a map from id to the caller waiting for it (a `Sender` of a channel of
//! its own). One reader thread reads the answers and hands each to the
//! caller whose id it carries: the server may answer out of order. An
//! answer with an id nobody waits for (unknown, or late: its call has timed
//! out and left the map) is dropped, as is a frame that is not JSON. When
//! the connection ends, the reader fails **every** waiting call at once
//! with `CallError::Disconnected`, and marks the client closed, under the
//! same lock, so that a later call fails at once too instead of waiting for
//! its time-out. A call that times out removes its id from the map and
//! returns `CallError::TimedOut`: the connection stays usable. Never hold
//! the lock while waiting for an answer: the other callers could not even
//! send. A notification (`notify`) has no `"id"` member at all. A refused
//! connection is an error of `connect` at once: no retrying.
//!
//! **Over HTTP** (`start_rpc_http`): `POST /rpc` with the same JSON as the
//! body; the answer is a `200` with `Content-Type: application/json` and
//! the JSON answer as body, or a `200` with an empty body when there is
//! nothing to answer. Another method on `/rpc` is `405` with `Allow: POST`;
//! another path `404`. Use exercise 6's `read_request` and `Response`, and
//! its lingering close.
//!
//! **The remote command service** (`run_command`, `command_service`), as
//! Fabric runs commands on other machines: `run` with params
//! `{"program": "printf", "args": ["%s", "hi"]}` runs the program
//! **directly** (`std::process::Command`, never `sh -c`: then `;`, `$` and
//! backquotes in an argument stay plain text), and only if its name is
//! **exactly** one of the allow-list (`sh` is not `sha256sum`, `printf ` is
//! not `printf`); otherwise [`NOT_ALLOWED`], and nothing runs. It answers
//! `{"status": 0, "stdout": "hi", "stderr": ""}`: the exit code itself
//! (`null` if a signal ended the program), and both streams, read at the
//! same time (a program that fills one pipe while you wait on the other
//! never ends), each cut at [`MAX_OUTPUT`] bytes (read the rest and drop
//! it). After `time_limit` the program is killed
//! (and waited for) and the answer is [`RUN_TIMED_OUT`]. A program that
//! cannot be started is [`CANNOT_START`]; params of the wrong shape are
//! [`INVALID_PARAMS`].
//!
//! Run the tests with `cargo kata check sockets/rpc`.

use std::collections::HashMap;
use std::error::Error;
use std::fmt;
use std::io;
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{Value, json};

use crate::echo::TcpServer;
use crate::http_server::Limits;

/// The largest frame either side sends or accepts (1 MiB).
pub const MAX_FRAME: usize = 1024 * 1024;

/// The text was not JSON.
pub const PARSE_ERROR: i64 = -32700;
/// JSON, but not a request object.
pub const INVALID_REQUEST: i64 = -32600;
/// No method of that name is registered.
pub const METHOD_NOT_FOUND: i64 = -32601;
/// The method exists, but not for these parameters.
pub const INVALID_PARAMS: i64 = -32602;
/// The server failed while answering (here: the handler panicked).
pub const INTERNAL_ERROR: i64 = -32603;
/// `run`: the program is not in the server's allow-list.
pub const NOT_ALLOWED: i64 = -32001;
/// `run`: the program ran longer than the time limit and was killed.
pub const RUN_TIMED_OUT: i64 = -32002;
/// `run`: the program could not be started.
pub const CANNOT_START: i64 = -32003;
/// The most bytes of each output stream `run` sends back; the rest is
/// read and dropped.
pub const MAX_OUTPUT: usize = 64 * 1024;

/// A JSON-RPC error object: what a handler returns for a call that failed,
/// and what the client's caller gets back.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
    pub data: Option<Value>,
}

impl RpcError {
    pub fn new(code: i64, message: impl Into<String>) -> RpcError {
        RpcError {
            code,
            message: message.into(),
            data: None,
        }
    }

    /// The error a handler returns for parameters it cannot use (-32602).
    pub fn invalid_params(message: impl Into<String>) -> RpcError {
        RpcError::new(INVALID_PARAMS, message)
    }

    /// `{"code": .., "message": .., "data": ..}`, `data` only if there is
    /// some.
    pub fn to_json(&self) -> Value {
        let mut error = json!({ "code": self.code, "message": self.message });
        if let Some(data) = &self.data {
            error["data"] = data.clone();
        }
        error
    }

    /// The error object of a response, if it is one: an integer `code` and
    /// a string `message`.
    pub fn from_json(value: &Value) -> Option<RpcError> {
        Some(RpcError {
            code: value.get("code")?.as_i64()?,
            message: value.get("message")?.as_str()?.to_string(),
            data: value.get("data").cloned(),
        })
    }
}

impl fmt::Display for RpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error {}: {}", self.code, self.message)
    }
}

impl Error for RpcError {}

/// Why a call returned no result.
#[derive(Debug, Clone, PartialEq)]
pub enum CallError {
    /// The server answered with an error object.
    Rpc(RpcError),
    /// No answer came within the call's time-out. The connection stays
    /// usable; the answer, if it comes later, is dropped.
    TimedOut { method: String, timeout: Duration },
    /// The connection is closed (by the server, by a failure, or before the
    /// call): every call waiting on it fails with this at once.
    Disconnected { reason: String },
    /// The call cannot be sent (parameters that are not an array or an
    /// object, a request above `MAX_FRAME`), or its answer carries neither
    /// a result nor an error.
    Malformed { reason: String },
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Rpc(error) => write!(f, "the server answered {error}"),
            CallError::TimedOut { method, timeout } => {
                write!(f, "no answer to {method:?} within {timeout:?}")
            }
            CallError::Disconnected { reason } => write!(f, "disconnected: {reason}"),
            CallError::Malformed { reason } => write!(f, "malformed call or answer: {reason}"),
        }
    }
}

impl Error for CallError {}

/// A registered method: parameters in (`Value::Null` when the request has
/// none), a result or an error out.
pub type Handler = Box<dyn Fn(Value) -> Result<Value, RpcError> + Send + Sync>;

/// The methods a server answers, by name.
#[derive(Default)]
pub struct Registry {
    methods: HashMap<String, Handler>,
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&String> = self.methods.keys().collect();
        names.sort();
        f.debug_struct("Registry").field("methods", &names).finish()
    }
}

impl Registry {
    pub fn new() -> Registry {
        todo!("an empty map of method names to handlers")
    }

    /// Registers `handler` under `method`, replacing any earlier one.
    pub fn register<F>(&mut self, method: &str, handler: F)
    where
        F: Fn(Value) -> Result<Value, RpcError> + Send + Sync + 'static,
    {
        todo!(
            "box the {} and keep it under {method:?} (the registry has {} methods)",
            std::any::type_name_of_val(&handler),
            self.methods.len()
        )
    }

    /// Answers the bytes of one frame: a request, a notification or a
    /// batch. `None` when nothing is to be sent back (notifications only).
    pub fn handle(&self, frame: &[u8]) -> Option<Vec<u8>> {
        todo!(
            "parse the {} bytes of the frame as JSON, answer the request or the batch by the rules of the table, and serialize the answer",
            frame.len()
        )
    }
}

/// Serves one connection: reads frames until the client closes, answers
/// each on a thread of its own, and returns once every answer is written.
pub fn serve_connection(stream: TcpStream, registry: &Registry) {
    todo!("read frames from {stream:?} and answer each on a thread of its own with {registry:?}")
}

/// A JSON-RPC server on `addr`, which must be loopback: exercise 2's
/// `TcpServer` named `rpc`, each connection served by [`serve_connection`]
/// with one shared `registry`.
pub fn start_rpc(addr: SocketAddr, registry: Registry) -> io::Result<TcpServer> {
    todo!(
        "refuse {addr} unless it is loopback, then TcpServer::start named \"rpc\" with serve_connection and {registry:?}"
    )
}

/// JSON-RPC over HTTP on `addr` (loopback only): `POST /rpc` with a
/// request, notification or batch as body. Threads named `rpc-http:<port>`.
pub fn start_rpc_http(
    addr: SocketAddr,
    registry: Registry,
    limits: Limits,
) -> io::Result<TcpServer> {
    todo!(
        "refuse {addr} unless it is loopback, then a TcpServer named \"rpc-http\" that reads one request within {limits:?} and answers POST /rpc with {registry:?}"
    )
}

/// A connection to a JSON-RPC server that many threads can call through at
/// once (`&RpcClient` is enough: share it with `thread::scope` or an
/// `Arc`). Dropping it closes the connection.
#[derive(Debug)]
pub struct RpcClient {
    /// Kept to shut the connection down.
    stream: TcpStream,
    /// One writer at a time: a request is one frame, written whole.
    writer: Mutex<TcpStream>,
    calls: Arc<Mutex<Calls>>,
    reader: Option<JoinHandle<()>>,
}

/// The calls waiting for their answer, by id.
#[derive(Debug, Default)]
struct Calls {
    next_id: u64,
    waiting: HashMap<u64, Sender<Result<Value, CallError>>>,
    /// Why the connection ended, once it has.
    closed: Option<String>,
}

impl RpcClient {
    /// Connects to `addr` within `timeout`, which also bounds each write,
    /// and starts the thread that reads the answers.
    pub fn connect(addr: SocketAddr, timeout: Duration) -> io::Result<RpcClient> {
        let calls = Calls::default();
        todo!(
            "connect to {addr} within {timeout:?}, and start the reader thread that hands each answer to its caller by id (next id {}, {} calls waiting, closed: {:?})",
            calls.next_id,
            calls.waiting.len(),
            calls.closed
        )
    }

    /// Calls `method` with `params` (an array, an object, or `Value::Null`
    /// for none) and waits at most `timeout` for its answer.
    pub fn call(&self, method: &str, params: Value, timeout: Duration) -> Result<Value, CallError> {
        todo!(
            "register a new id in {:?}, send {method:?} with {params} as one frame on {:?}, and wait at most {timeout:?} for the answer with that id",
            self.calls,
            self.stream
        )
    }

    /// Sends a notification: the server runs `method` and answers nothing,
    /// not even an error.
    pub fn notify(&self, method: &str, params: Value) -> Result<(), CallError> {
        todo!(
            "send {method:?} with {params} and no \"id\" member through {:?}",
            self.writer
        )
    }
}

impl Drop for RpcClient {
    fn drop(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Both);
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

/// The `run` method: `{"program": "name", "args": ["..", ..]}` (`args`
/// optional). Runs `program` directly, never through a shell, if it is
/// exactly one of `allowed`; kills it after `time_limit`. The result is
/// `{"status": <exit code, or null if a signal ended it>, "stdout": "..",
/// "stderr": ".."}`.
pub fn run_command(
    params: &Value,
    allowed: &[String],
    time_limit: Duration,
) -> Result<Value, RpcError> {
    todo!(
        "run the program named in {params} if it is exactly one of {allowed:?}, without a shell, killed after {time_limit:?}"
    )
}

/// A registry with one method, `run`, limited to the programs in
/// `allowed` and to `time_limit` each.
pub fn command_service(allowed: &[&str], time_limit: Duration) -> Registry {
    todo!("a Registry with \"run\" calling run_command for {allowed:?} within {time_limit:?}")
}
