//! Exercise 7: remote procedure calls: JSON-RPC 2.0.
//!
//! Reference solution. `Registry::handle` is the whole protocol on one
//! frame's bytes: parse, validate, dispatch (a handler's panic caught and
//! turned into -32603), and the spec's error objects; notifications give
//! nothing back, and a batch gives an array of what its members give. The
//! TCP server reads frames (exercise 3) on exercise 2's connection thread
//! and answers each request on a scoped thread of its own, writing through
//! a `Mutex` so two answers never interleave: a slow method does not hold
//! up the calls behind it. The client has one reader thread that hands
//! each answer to the caller whose `id` it carries, through a channel per
//! call kept in a map; when the connection ends, it fails every call still
//! waiting, and marks the client closed under the same lock, so no call
//! can start waiting after that.

use std::collections::HashMap;
use std::error::Error;
use std::fmt;
use std::io::{self, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::panic::{self, AssertUnwindSafe};
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::echo::TcpServer;
use crate::framing::{FrameReader, write_frame};
use crate::http_server::{Limits, Request, Response, read_request};

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

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

// ANCHOR: dispatch
impl Registry {
    pub fn new() -> Registry {
        Registry {
            methods: HashMap::new(),
        }
    }

    /// Registers `handler` under `method`, replacing any earlier one.
    pub fn register<F>(&mut self, method: &str, handler: F)
    where
        F: Fn(Value) -> Result<Value, RpcError> + Send + Sync + 'static,
    {
        self.methods.insert(method.to_string(), Box::new(handler));
    }

    /// Answers the bytes of one frame: a request, a notification or a
    /// batch. `None` when nothing is to be sent back (notifications only).
    pub fn handle(&self, frame: &[u8]) -> Option<Vec<u8>> {
        let answer = match serde_json::from_slice::<Value>(frame) {
            Err(e) => Some(error_response(
                Value::Null,
                RpcError::new(PARSE_ERROR, format!("Parse error: {e}")),
            )),
            Ok(Value::Array(batch)) if batch.is_empty() => Some(error_response(
                Value::Null,
                RpcError::new(INVALID_REQUEST, "Invalid Request: an empty batch"),
            )),
            Ok(Value::Array(batch)) => {
                let answers: Vec<Value> = batch.iter().filter_map(|r| self.answer(r)).collect();
                // A batch of notifications gets nothing, not `[]`.
                (!answers.is_empty()).then_some(Value::Array(answers))
            }
            Ok(request) => self.answer(&request),
        };
        answer.map(|answer| serde_json::to_vec(&answer).expect("a Value always serializes"))
    }

    /// The response to one request object, or `None` for a notification.
    fn answer(&self, request: &Value) -> Option<Value> {
        let Some(object) = request.as_object() else {
            return Some(invalid_request(Value::Null, "not an object"));
        };
        // No `id` member at all: a notification. `"id": null` is not one.
        let id = match object.get("id") {
            None => None,
            Some(id @ (Value::String(_) | Value::Number(_) | Value::Null)) => Some(id.clone()),
            Some(_) => return Some(invalid_request(Value::Null, "a bad id")),
        };
        let reply_id = id.clone().unwrap_or(Value::Null);
        if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
            return Some(invalid_request(reply_id, "\"jsonrpc\" must be \"2.0\""));
        }
        let Some(method) = object.get("method").and_then(Value::as_str) else {
            return Some(invalid_request(reply_id, "\"method\" must be a string"));
        };
        let params = match object.get("params") {
            None => Value::Null,
            Some(params @ (Value::Array(_) | Value::Object(_))) => params.clone(),
            Some(_) => {
                return Some(invalid_request(
                    reply_id,
                    "\"params\" must be an array or an object",
                ));
            }
        };
        let outcome = match self.methods.get(method) {
            None => Err(RpcError::new(
                METHOD_NOT_FOUND,
                format!("Method not found: {method:?}"),
            )),
            // A panic stops here: this request fails, the server goes on.
            Some(handler) => panic::catch_unwind(AssertUnwindSafe(|| handler(params)))
                .unwrap_or_else(|_| Err(RpcError::new(INTERNAL_ERROR, "Internal error"))),
        };
        // A notification is run, and never answered, even with an error.
        let id = id?;
        Some(match outcome {
            Ok(result) => json!({ "jsonrpc": "2.0", "result": result, "id": id }),
            Err(error) => error_response(id, error),
        })
    }
}

fn error_response(id: Value, error: RpcError) -> Value {
    json!({ "jsonrpc": "2.0", "error": error.to_json(), "id": id })
}

fn invalid_request(id: Value, why: &str) -> Value {
    error_response(
        id,
        RpcError::new(INVALID_REQUEST, format!("Invalid Request: {why}")),
    )
}
// ANCHOR_END: dispatch

// ANCHOR: server
/// Refuses any address that is not loopback: a remote command service on
/// `0.0.0.0` runs programs for the whole network.
fn loopback_only(addr: SocketAddr) -> io::Result<()> {
    if addr.ip().is_loopback() {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{addr} is not a loopback address: this server binds loopback only"),
        ))
    }
}

/// Serves one connection: reads frames until the client closes, answers
/// each on a thread of its own, and returns once every answer is written.
pub fn serve_connection(stream: TcpStream, registry: &Registry) {
    let mut frames = FrameReader::new(&stream, MAX_FRAME);
    // One writer at a time: two answers written at once would interleave
    // their bytes into garbage.
    let writer = Mutex::new(&stream);
    thread::scope(|scope| {
        // The end of the stream, a frame too large or cut short, a closed
        // socket: no more requests can be read on this connection.
        while let Ok(Some(frame)) = frames.read_frame() {
            let writer = &writer;
            scope.spawn(move || {
                if let Some(answer) = registry.handle(&frame) {
                    let _ = write_frame(&mut *lock(writer), &answer, MAX_FRAME);
                }
            });
        }
    });
}

/// A JSON-RPC server on `addr`, which must be loopback: exercise 2's
/// `TcpServer` named `rpc`, each connection served by [`serve_connection`]
/// with one shared `registry`.
pub fn start_rpc(addr: SocketAddr, registry: Registry) -> io::Result<TcpServer> {
    loopback_only(addr)?;
    let registry = Arc::new(registry);
    TcpServer::start(addr, "rpc", move |stream| {
        serve_connection(stream, &registry)
    })
}
// ANCHOR_END: server

// ANCHOR: http
/// JSON-RPC over HTTP on `addr` (loopback only): `POST /rpc` with a
/// request, notification or batch as body. Threads named `rpc-http:<port>`.
pub fn start_rpc_http(
    addr: SocketAddr,
    registry: Registry,
    limits: Limits,
) -> io::Result<TcpServer> {
    loopback_only(addr)?;
    let registry = Arc::new(registry);
    TcpServer::start(addr, "rpc-http", move |stream| {
        serve_http(stream, &registry, &limits)
    })
}

fn serve_http(stream: TcpStream, registry: &Registry, limits: &Limits) {
    let _ = stream.set_read_timeout(Some(limits.timeout));
    let _ = stream.set_write_timeout(Some(limits.timeout));
    let mut reader = BufReader::new(&stream);
    let response = match read_request(&mut reader, limits) {
        Ok(request) => answer_http(&request, registry),
        Err(error) => match error.status() {
            Some(status) => Response::new(status, &format!("{error}\n")),
            None => return,
        },
    };
    drop(reader);
    if (&stream).write_all(&response.to_bytes()).is_err() {
        return;
    }
    // The lingering close of exercise 6.
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let _ = io::copy(&mut (&stream).take(64 * 1024), &mut io::sink());
}

fn answer_http(request: &Request, registry: &Registry) -> Response {
    if request.target != "/rpc" {
        return Response::new(404, "JSON-RPC is at POST /rpc\n");
    }
    if request.method != "POST" {
        return Response::new(405, "use POST\n").with_header("Allow", "POST");
    }
    match registry.handle(&request.body) {
        Some(answer) => Response {
            status: 200,
            headers: vec![("Content-Type".to_string(), "application/json".to_string())],
            body: answer,
        },
        // Notifications only: nothing to say, and an empty body says it.
        None => Response::new(200, ""),
    }
}
// ANCHOR_END: http

// ANCHOR: client
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
        let stream = TcpStream::connect_timeout(&addr, timeout)?;
        stream.set_write_timeout(Some(timeout))?;
        stream.set_nodelay(true)?;
        let calls = Arc::new(Mutex::new(Calls::default()));
        let reader = thread::Builder::new()
            .name("rpc-client".to_string())
            .spawn({
                let stream = stream.try_clone()?;
                let calls = Arc::clone(&calls);
                move || read_answers(&stream, &calls)
            })?;
        Ok(RpcClient {
            writer: Mutex::new(stream.try_clone()?),
            stream,
            calls,
            reader: Some(reader),
        })
    }

    /// Calls `method` with `params` (an array, an object, or `Value::Null`
    /// for none) and waits at most `timeout` for its answer.
    pub fn call(&self, method: &str, params: Value, timeout: Duration) -> Result<Value, CallError> {
        let (sender, answer) = mpsc::channel();
        let id = {
            let mut calls = lock(&self.calls);
            if let Some(reason) = &calls.closed {
                return Err(CallError::Disconnected {
                    reason: reason.clone(),
                });
            }
            let id = calls.next_id;
            calls.next_id += 1;
            calls.waiting.insert(id, sender);
            id
        };
        if let Err(error) = self.send(method, params, Some(id)) {
            lock(&self.calls).waiting.remove(&id);
            return Err(error);
        }
        match answer.recv_timeout(timeout) {
            Ok(outcome) => outcome,
            Err(RecvTimeoutError::Timeout) => {
                // Forget the id: a late answer finds nobody and is dropped.
                lock(&self.calls).waiting.remove(&id);
                // Unless it came in the meantime.
                answer.try_recv().unwrap_or(Err(CallError::TimedOut {
                    method: method.to_string(),
                    timeout,
                }))
            }
            // Not reached: the reader sends before it drops a sender.
            Err(RecvTimeoutError::Disconnected) => Err(CallError::Disconnected {
                reason: "the connection ended".to_string(),
            }),
        }
    }

    /// Sends a notification: the server runs `method` and answers nothing,
    /// not even an error.
    pub fn notify(&self, method: &str, params: Value) -> Result<(), CallError> {
        if let Some(reason) = &lock(&self.calls).closed {
            return Err(CallError::Disconnected {
                reason: reason.clone(),
            });
        }
        self.send(method, params, None)
    }

    fn send(&self, method: &str, params: Value, id: Option<u64>) -> Result<(), CallError> {
        let mut request = json!({ "jsonrpc": "2.0", "method": method });
        match params {
            Value::Null => {}
            Value::Array(_) | Value::Object(_) => request["params"] = params,
            other => {
                return Err(CallError::Malformed {
                    reason: format!("params must be an array or an object, not {other}"),
                });
            }
        }
        if let Some(id) = id {
            request["id"] = json!(id);
        }
        let bytes = serde_json::to_vec(&request).expect("a Value always serializes");
        if bytes.len() > MAX_FRAME {
            return Err(CallError::Malformed {
                reason: format!("a request of {} bytes, above {MAX_FRAME}", bytes.len()),
            });
        }
        let mut writer = lock(&self.writer);
        if let Err(error) = write_frame(&mut *writer, &bytes, MAX_FRAME) {
            // Half a frame may be on the wire: nothing after it can be
            // understood. End the connection, which fails every call.
            let _ = self.stream.shutdown(Shutdown::Both);
            return Err(CallError::Disconnected {
                reason: error.to_string(),
            });
        }
        Ok(())
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

/// The client's reader thread: hands each answer to the call whose id it
/// carries, until the connection ends; then fails every call left.
fn read_answers(stream: &TcpStream, calls: &Mutex<Calls>) {
    let mut frames = FrameReader::new(stream, MAX_FRAME);
    let reason = loop {
        match frames.read_frame() {
            Ok(Some(frame)) => deliver(&frame, calls),
            Ok(None) => break "the server closed the connection".to_string(),
            Err(error) => break format!("the connection failed: {error}"),
        }
    };
    // Closed and emptied under one lock: no call can start waiting after.
    let waiting = {
        let mut calls = lock(calls);
        calls.closed = Some(reason.clone());
        std::mem::take(&mut calls.waiting)
    };
    for sender in waiting.into_values() {
        let _ = sender.send(Err(CallError::Disconnected {
            reason: reason.clone(),
        }));
    }
}

fn deliver(frame: &[u8], calls: &Mutex<Calls>) {
    // Not JSON, not ours, already timed out: nobody's answer.
    let Ok(answer) = serde_json::from_slice::<Value>(frame) else {
        return;
    };
    let Some(id) = answer.get("id").and_then(Value::as_u64) else {
        return;
    };
    let Some(sender) = lock(calls).waiting.remove(&id) else {
        return;
    };
    let outcome = if let Some(result) = answer.get("result") {
        Ok(result.clone())
    } else if let Some(error) = answer.get("error").and_then(RpcError::from_json) {
        Err(CallError::Rpc(error))
    } else {
        Err(CallError::Malformed {
            reason: format!("an answer with neither a result nor an error: {answer}"),
        })
    };
    let _ = sender.send(outcome);
}
// ANCHOR_END: client

// ANCHOR: run
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
    let Some(program) = params.get("program").and_then(Value::as_str) else {
        return Err(RpcError::invalid_params("\"program\" must be a string"));
    };
    let args: Vec<&str> = match params.get("args") {
        None => Vec::new(),
        Some(Value::Array(args)) => args
            .iter()
            .map(|arg| {
                arg.as_str()
                    .ok_or_else(|| RpcError::invalid_params("every arg must be a string"))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(RpcError::invalid_params("\"args\" must be an array")),
    };
    // The whole name, compared whole: `sh-evil` is not `sh`.
    if !allowed.iter().any(|name| name == program) {
        return Err(RpcError::new(
            NOT_ALLOWED,
            format!("{program:?} is not in the allow-list"),
        ));
    }
    let mut child = Command::new(program)
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| RpcError::new(CANNOT_START, format!("cannot start {program:?}: {e}")))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    thread::scope(|scope| {
        // Both pipes read at once: a child that fills one while we wait on
        // the other would never finish.
        let out = scope.spawn(move || capture(stdout));
        let err = scope.spawn(move || capture(stderr));
        let deadline = Instant::now() + time_limit;
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(5)),
                Ok(None) | Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait(); // no zombie
                    break None;
                }
            }
        };
        let stdout = out.join().unwrap_or_default();
        let stderr = err.join().unwrap_or_default();
        match status {
            Some(status) => Ok(json!({
                "status": status.code(),
                "stdout": stdout,
                "stderr": stderr,
            })),
            None => Err(RpcError::new(
                RUN_TIMED_OUT,
                format!("{program:?} ran longer than {time_limit:?} and was killed"),
            )),
        }
    })
}

/// The first `MAX_OUTPUT` bytes of a stream, as text; the rest is read
/// (so the child is not blocked on a full pipe) and dropped.
fn capture(stream: impl Read) -> String {
    let mut stream = stream;
    let mut kept = Vec::new();
    let _ = (&mut stream).take(MAX_OUTPUT as u64).read_to_end(&mut kept);
    let _ = io::copy(&mut stream, &mut io::sink());
    String::from_utf8_lossy(&kept).into_owned()
}

/// A registry with one method, `run`, limited to the programs in
/// `allowed` and to `time_limit` each.
pub fn command_service(allowed: &[&str], time_limit: Duration) -> Registry {
    let allowed: Vec<String> = allowed.iter().map(|name| name.to_string()).collect();
    let mut registry = Registry::new();
    registry.register("run", move |params| {
        run_command(&params, &allowed, time_limit)
    });
    registry
}
// ANCHOR_END: run
