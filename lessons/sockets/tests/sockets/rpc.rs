//! Exercise 7: remote procedure calls: JSON-RPC 2.0.
//!
//! The server is driven by raw clients that write exactly the frames a test
//! needs, then close their sending side and read every answer until the
//! server closes: a server that answers something it should not is seen
//! without any time window. The client is driven by the real server, with
//! handlers that wait for the test's signal (so the order of the answers is
//! the test's choice), and by fake servers that answer late, with unknown
//! ids, or hang up. The gallery ids in `// Catches:` name wrong solutions
//! kept in `gallery/sockets/`.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::Command;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sockets::echo::TcpServer;
use sockets::http_server::Limits;
use sockets::rpc::{
    CANNOT_START, CallError, INTERNAL_ERROR, INVALID_PARAMS, INVALID_REQUEST, MAX_FRAME,
    MAX_OUTPUT, METHOD_NOT_FOUND, NOT_ALLOWED, PARSE_ERROR, RUN_TIMED_OUT, Registry, RpcClient,
    RpcError, command_service, run_command, start_rpc, start_rpc_http,
};
use testkit::{DEFAULT_LIMIT, process_running, unique_marker, wait_for, within};

use crate::{
    CLIENT_TIMEOUT, assert_closed_by_server, closed_port, exchange, join, parse_raw, real_peer,
    run_peer,
};

fn loopback() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

fn start(registry: Registry) -> TcpServer {
    start_rpc(loopback(), registry).expect("start an RPC server on 127.0.0.1:0")
}

fn shutdown(server: TcpServer) {
    within(DEFAULT_LIMIT, "shutdown", move || server.shutdown());
}

fn connect(server: &TcpServer) -> RpcClient {
    let addr = server.local_addr();
    within(DEFAULT_LIMIT, "connect", move || {
        RpcClient::connect(addr, CLIENT_TIMEOUT)
    })
    .expect("connect to the RPC server")
}

/// `echo` returns its params; `add` adds two numbers or refuses (-32602);
/// `boom` panics; `fail` returns an error of the application's own.
fn demo() -> Registry {
    let mut registry = Registry::new();
    registry.register("echo", Ok);
    registry.register("add", |params| match params.as_array().map(Vec::as_slice) {
        Some([a, b]) if a.is_i64() && b.is_i64() => {
            Ok(json!(a.as_i64().unwrap() + b.as_i64().unwrap()))
        }
        _ => Err(RpcError::invalid_params("add takes two integers")),
    });
    registry.register("boom", |_| panic!("a handler that panics (on purpose)"));
    registry.register("fail", |_| {
        Err(RpcError {
            code: 42,
            message: "the application says no".to_string(),
            data: Some(json!({ "why": "a test" })),
        })
    });
    registry
}

/// `demo()` plus `record`, which sends its params to the returned receiver.
fn demo_recording() -> (Registry, Receiver<Value>) {
    let (sender, received) = mpsc::channel();
    let sender = Mutex::new(sender);
    let mut registry = demo();
    registry.register("record", move |params| {
        let _ = sender.lock().unwrap().send(params);
        Ok(Value::Null)
    });
    (registry, received)
}

/// A frame as the lesson's framing writes it: a 4-byte big-endian length,
/// then the payload.
fn frame(payload: &[u8]) -> Vec<u8> {
    let mut bytes = (payload.len() as u32).to_be_bytes().to_vec();
    bytes.extend_from_slice(payload);
    bytes
}

/// The next frame's payload; `None` at the end of the stream between two
/// frames. Panics on a time-out or a frame cut short.
fn read_frame(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut header = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        match stream.read(&mut header[got..]) {
            Ok(0) if got == 0 => return None,
            Ok(0) => panic!("the stream ended inside a frame header"),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset && got == 0 => return None,
            Err(e) => panic!("reading a frame: {e}"),
        }
    }
    let len = u32::from_be_bytes(header) as usize;
    assert!(len <= MAX_FRAME, "a frame of {len} bytes, above MAX_FRAME");
    let mut payload = vec![0u8; len];
    stream
        .read_exact(&mut payload)
        .expect("the whole payload of a frame");
    Some(payload)
}

fn to_json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {:?}",
            String::from_utf8_lossy(bytes)
                .chars()
                .take(200)
                .collect::<String>()
        )
    })
}

/// Connects, writes `frames` (JSON texts, or anything), closes the sending
/// side, and returns every answer the server sends until it closes.
fn converse(addr: SocketAddr, frames: &[&str]) -> Vec<Value> {
    let bytes: Vec<u8> = frames.iter().flat_map(|f| frame(f.as_bytes())).collect();
    within(DEFAULT_LIMIT, "a conversation with the server", move || {
        let mut stream = TcpStream::connect(addr).expect("connect");
        stream.set_read_timeout(Some(CLIENT_TIMEOUT)).unwrap();
        stream.write_all(&bytes).expect("send the frames");
        stream.shutdown(Shutdown::Write).unwrap();
        let mut answers = Vec::new();
        while let Some(answer) = read_frame(&mut stream) {
            answers.push(to_json(&answer));
        }
        answers
    })
}

/// The one answer to a lone frame.
fn ask(addr: SocketAddr, request: &str) -> Value {
    let answers = converse(addr, &[request]);
    assert_eq!(answers.len(), 1, "one answer to {request}: {answers:?}");
    answers.into_iter().next().unwrap()
}

/// The answer with this `id` among `answers`.
fn answer_to<'a>(answers: &'a [Value], id: &Value) -> &'a Value {
    let found: Vec<&Value> = answers.iter().filter(|a| &a["id"] == id).collect();
    assert_eq!(found.len(), 1, "one answer with id {id}: {answers:?}");
    found[0]
}

fn assert_result(answer: &Value, id: Value, result: Value) {
    assert_eq!(answer["jsonrpc"], "2.0", "{answer}");
    assert_eq!(answer["id"], id, "{answer}");
    assert_eq!(answer.get("result"), Some(&result), "{answer}");
    assert!(
        answer.get("error").is_none(),
        "a result and an error: {answer}"
    );
}

fn assert_error(answer: &Value, id: Value, code: i64) {
    assert_eq!(answer["jsonrpc"], "2.0", "{answer}");
    assert_eq!(answer["id"], id, "{answer}");
    assert!(
        answer.get("result").is_none(),
        "an error and a result: {answer}"
    );
    assert_eq!(answer["error"]["code"], code, "{answer}");
    assert!(
        answer["error"]["message"].is_string(),
        "an error object has a message: {answer}"
    );
}

fn handled(registry: &Registry, frame: &str) -> Option<Value> {
    registry
        .handle(frame.as_bytes())
        .map(|answer| to_json(&answer))
}

// Catches: rpc-notification-answered, rpc-parse-error-unanswered,
// rpc-not-found-is-invalid-request: `Registry::handle` alone, without a
// socket (the part to write first).
#[test]
fn handle_answers_one_frame_without_a_socket() {
    let registry = demo();
    let answer = handled(
        &registry,
        r#"{"jsonrpc":"2.0","method":"add","params":[2,3],"id":1}"#,
    )
    .expect("a request is answered");
    assert_result(&answer, json!(1), json!(5));
    assert_eq!(
        handled(
            &registry,
            r#"{"jsonrpc":"2.0","method":"add","params":[2,3]}"#
        ),
        None,
        "a notification is not answered"
    );
    let answer = handled(&registry, "{oops").expect("not JSON is answered");
    assert_error(&answer, Value::Null, PARSE_ERROR);
    let answer =
        handled(&registry, r#"{"jsonrpc":"2.0","method":"nope","id":"n"}"#).expect("answered");
    assert_error(&answer, json!("n"), METHOD_NOT_FOUND);
    let answer = handled(
        &registry,
        r#"[{"jsonrpc":"2.0","method":"echo","params":[1],"id":1},{"jsonrpc":"2.0","method":"echo"}]"#,
    )
    .expect("a batch with a request in it is answered");
    assert_eq!(answer.as_array().map(Vec::len), Some(1), "{answer}");
    assert_result(&answer[0], json!(1), json!([1]));
}

// Catches: rpc-id-not-echoed (an answer whose id is not the request's, as
// given: a string stays a string).
#[test]
fn each_request_is_answered_with_its_result_and_its_own_id() {
    let server = start(demo());
    let answers = converse(
        server.local_addr(),
        &[
            r#"{"jsonrpc":"2.0","method":"add","params":[2,3],"id":1}"#,
            r#"{"jsonrpc":"2.0","method":"echo","params":{"a":[1,"b"]},"id":"two"}"#,
            r#"{"jsonrpc":"2.0","method":"echo","id":0}"#,
        ],
    );
    assert_eq!(answers.len(), 3, "{answers:?}");
    assert_result(answer_to(&answers, &json!(1)), json!(1), json!(5));
    assert_result(
        answer_to(&answers, &json!("two")),
        json!("two"),
        json!({"a": [1, "b"]}),
    );
    // No params: the handler gets `null`.
    assert_result(answer_to(&answers, &json!(0)), json!(0), Value::Null);
    shutdown(server);
}

// Catches: rpc-parse-error-unanswered (a frame that is not JSON dropped
// without an answer, or the connection closed on it).
#[test]
fn a_frame_that_is_not_json_is_a_parse_error_and_the_connection_goes_on() {
    let server = start(demo());
    let answers = converse(
        server.local_addr(),
        &[
            r#"{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]"#,
            r#"{"jsonrpc":"2.0","method":"echo","params":[7],"id":7}"#,
        ],
    );
    assert_eq!(answers.len(), 2, "{answers:?}");
    assert_error(answer_to(&answers, &Value::Null), Value::Null, PARSE_ERROR);
    assert_result(answer_to(&answers, &json!(7)), json!(7), json!([7]));
    // A batch that is not JSON either is one parse error, not an array.
    let answer = ask(
        server.local_addr(),
        r#"[{"jsonrpc": "2.0", "method": "echo", "params": [1], "id": 1},{"jsonrpc": "2.0", "method""#,
    );
    assert_error(&answer, Value::Null, PARSE_ERROR);
    shutdown(server);
}

// Catches: rpc-invalid-request-without-id-unanswered (a request without
// an id taken for a notification before it is checked: the spec answers
// an invalid one, with id null), rpc-version-not-checked (`"jsonrpc"`
// other than "2.0" accepted).
#[test]
fn requests_that_break_the_rules_are_invalid_requests() {
    let server = start(demo());
    let addr = server.local_addr();
    let cases = [
        (
            r#"{"jsonrpc":"2.0","method":1,"params":"bar"}"#,
            Value::Null,
        ),
        (r#""just a string""#, Value::Null),
        ("42", Value::Null),
        (
            r#"{"jsonrpc":"2.0","method":"echo","id":{"a":1}}"#,
            Value::Null,
        ),
        (r#"{"jsonrpc":"2.0","method":"echo","id":[1]}"#, Value::Null),
        (
            r#"{"jsonrpc":"2.0","method":"echo","params":7}"#,
            Value::Null,
        ),
        (r#"{"jsonrpc":"1.0","method":"echo","id":1}"#, json!(1)),
        (r#"{"jsonrpc":2.0,"method":"echo","id":2}"#, json!(2)),
        (r#"{"method":"echo","id":3}"#, json!(3)),
        (r#"{"jsonrpc":"2.0","id":4}"#, json!(4)),
        (
            r#"{"jsonrpc":"2.0","method":"echo","params":"x","id":5}"#,
            json!(5),
        ),
        (
            r#"{"jsonrpc":"2.0","method":null,"id":"six"}"#,
            json!("six"),
        ),
    ];
    for (request, id) in cases {
        let answer = ask(addr, request);
        assert_error(&answer, id, INVALID_REQUEST);
    }
    shutdown(server);
}

// Catches: rpc-not-found-is-invalid-request (an error code off the spec:
// an unknown method is -32601, not -32600).
#[test]
fn an_unknown_method_is_method_not_found() {
    let server = start(demo());
    let addr = server.local_addr();
    for method in ["nope", "ECHO", "echo ", ""] {
        let request = json!({"jsonrpc": "2.0", "method": method, "params": [], "id": "x"});
        let answer = ask(addr, &request.to_string());
        assert_error(&answer, json!("x"), METHOD_NOT_FOUND);
    }
    shutdown(server);
}

// Catches: rpc-handler-errors-become-internal (every error of a handler
// sent as -32603: its own code, message and data are the caller's to see).
#[test]
fn a_handler_refuses_bad_params_with_its_own_error() {
    let server = start(demo());
    let answers = converse(
        server.local_addr(),
        &[
            r#"{"jsonrpc":"2.0","method":"add","params":[1],"id":1}"#,
            r#"{"jsonrpc":"2.0","method":"add","params":{"a":1,"b":2},"id":2}"#,
            r#"{"jsonrpc":"2.0","method":"fail","id":3}"#,
        ],
    );
    assert_eq!(answers.len(), 3, "{answers:?}");
    assert_error(answer_to(&answers, &json!(1)), json!(1), INVALID_PARAMS);
    assert_error(answer_to(&answers, &json!(2)), json!(2), INVALID_PARAMS);
    let failed = answer_to(&answers, &json!(3));
    assert_error(failed, json!(3), 42);
    assert_eq!(failed["error"]["message"], "the application says no");
    assert_eq!(failed["error"]["data"], json!({"why": "a test"}));
    shutdown(server);
}

// Catches: rpc-panic-kills-connection (a handler's panic not caught: the
// request gets no answer and the connection dies with its thread).
#[test]
fn a_panicking_handler_is_an_internal_error_and_the_server_goes_on() {
    let server = start(demo());
    let answers = converse(
        server.local_addr(),
        &[
            r#"{"jsonrpc":"2.0","method":"boom","id":1}"#,
            r#"{"jsonrpc":"2.0","method":"echo","params":["after"],"id":2}"#,
        ],
    );
    assert_error(answer_to(&answers, &json!(1)), json!(1), INTERNAL_ERROR);
    assert_result(answer_to(&answers, &json!(2)), json!(2), json!(["after"]));
    // Through the client, on one connection: a panic, then a call.
    let client = connect(&server);
    within(DEFAULT_LIMIT, "a panic, then a call", move || {
        match client.call("boom", Value::Null, CLIENT_TIMEOUT) {
            Err(CallError::Rpc(error)) => assert_eq!(error.code, INTERNAL_ERROR, "{error}"),
            other => panic!("a panicking handler gave {other:?}"),
        }
        assert_eq!(
            client.call("echo", json!([1]), CLIENT_TIMEOUT),
            Ok(json!([1]))
        );
    });
    shutdown(server);
}

// Catches: rpc-notification-answered (an answer, with id null, to a
// request that has no id), rpc-null-id-is-notification (`"id": null` is a
// request, not a notification).
#[test]
fn notifications_run_and_get_no_answer_even_when_they_fail() {
    let (registry, recorded) = demo_recording();
    let server = start(registry);
    let answers = converse(
        server.local_addr(),
        &[
            r#"{"jsonrpc":"2.0","method":"record","params":["heard"]}"#,
            r#"{"jsonrpc":"2.0","method":"nope"}"#,
            r#"{"jsonrpc":"2.0","method":"boom"}"#,
            r#"{"jsonrpc":"2.0","method":"add","params":["x"]}"#,
            r#"{"jsonrpc":"2.0","method":"echo","params":[1],"id":1}"#,
        ],
    );
    assert_eq!(
        answers.len(),
        1,
        "only the request with an id is answered: {answers:?}"
    );
    assert_result(&answers[0], json!(1), json!([1]));
    let heard = recorded
        .recv_timeout(DEFAULT_LIMIT)
        .expect("the notification's handler ran");
    assert_eq!(heard, json!(["heard"]));

    let answer = ask(
        server.local_addr(),
        r#"{"jsonrpc":"2.0","method":"echo","params":[2],"id":null}"#,
    );
    assert_result(&answer, Value::Null, json!([2]));
    shutdown(server);
}

// Catches: rpc-empty-batch-unanswered (`[]` is one invalid request,
// answered with one error object), rpc-notification-answered (a batch of
// notifications gets nothing at all, not `[]`), rpc-panic-kills-connection
// (a member whose handler panics gets its -32603, and the others their
// answers).
#[test]
fn a_batch_answers_each_member_in_one_array_and_skips_notifications() {
    let (registry, recorded) = demo_recording();
    let server = start(registry);
    let addr = server.local_addr();
    let answer = ask(
        addr,
        r#"[
            {"jsonrpc":"2.0","method":"echo","params":["one"],"id":1},
            1,
            {"jsonrpc":"2.0","method":"record","params":["in a batch"]},
            {"jsonrpc":"2.0","method":"nope","id":"2"},
            {"foo":"boo"},
            {"jsonrpc":"2.0","method":"boom","id":3}
        ]"#,
    );
    let members = answer
        .as_array()
        .unwrap_or_else(|| panic!("a batch is answered with an array: {answer}"));
    assert_eq!(members.len(), 5, "{answer}");
    assert_result(answer_to(members, &json!(1)), json!(1), json!(["one"]));
    assert_error(
        answer_to(members, &json!("2")),
        json!("2"),
        METHOD_NOT_FOUND,
    );
    assert_error(answer_to(members, &json!(3)), json!(3), INTERNAL_ERROR);
    let invalid: Vec<&Value> = members.iter().filter(|m| m["id"].is_null()).collect();
    assert_eq!(invalid.len(), 2, "{answer}");
    for member in invalid {
        assert_error(member, Value::Null, INVALID_REQUEST);
    }
    assert_eq!(
        recorded.recv_timeout(DEFAULT_LIMIT),
        Ok(json!(["in a batch"]))
    );

    let empty = ask(addr, "[]");
    assert!(empty.is_object(), "[] is answered with one error: {empty}");
    assert_error(&empty, Value::Null, INVALID_REQUEST);

    let answers = converse(
        addr,
        &[
            r#"[{"jsonrpc":"2.0","method":"record","params":[1]},{"jsonrpc":"2.0","method":"nope"}]"#,
            r#"{"jsonrpc":"2.0","method":"echo","id":9}"#,
        ],
    );
    assert_eq!(
        answers.len(),
        1,
        "a batch of notifications gets no answer: {answers:?}"
    );
    assert_result(&answers[0], json!(9), Value::Null);
    shutdown(server);
}

// Catches: rpc-frames-without-limit (a length prefix above MAX_FRAME
// trusted: the server waits for a body that never comes, or allocates it).
#[test]
fn a_frame_above_max_frame_closes_the_connection_unread() {
    let server = start(demo());
    let mut stream = TcpStream::connect(server.local_addr()).expect("connect");
    let too_long = (MAX_FRAME as u32 + 1).to_be_bytes();
    // The header alone: a server that trusts it waits for the payload.
    stream.write_all(&too_long).unwrap();
    within(DEFAULT_LIMIT, "the connection closed", move || {
        assert_closed_by_server(&mut stream, "a frame above MAX_FRAME")
    });
    shutdown(server);
}

// Catches: rpc-binds-any-address (a command service on 0.0.0.0 runs
// programs for the whole network).
#[test]
fn the_servers_bind_loopback_only() {
    for addr in ["0.0.0.0:0", "[::]:0"] {
        let addr: SocketAddr = addr.parse().unwrap();
        match start_rpc(addr, demo()) {
            Err(e) => assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{addr}: {e}"),
            Ok(server) => {
                shutdown(server);
                panic!("start_rpc bound {addr}");
            }
        }
        match start_rpc_http(addr, demo(), Limits::default()) {
            Err(e) => assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{addr}: {e}"),
            Ok(server) => {
                shutdown(server);
                panic!("start_rpc_http bound {addr}");
            }
        }
    }
    let server = start(demo());
    assert!(server.local_addr().ip().is_loopback());
    shutdown(server);
}

// Catches: rpc-handler-errors-become-internal and
// rpc-not-found-is-invalid-request as the caller sees them (an error
// object's code, message and data must reach it unchanged).
#[test]
fn the_client_gets_results_and_error_objects() {
    let server = start(demo());
    let client = connect(&server);
    within(DEFAULT_LIMIT, "calls", move || {
        assert_eq!(
            client.call("add", json!([40, 2]), CLIENT_TIMEOUT),
            Ok(json!(42))
        );
        assert_eq!(
            client.call("echo", json!({"k": "v"}), CLIENT_TIMEOUT),
            Ok(json!({"k": "v"}))
        );
        assert_eq!(
            client.call("echo", Value::Null, CLIENT_TIMEOUT),
            Ok(Value::Null)
        );
        match client.call("nope", json!([]), CLIENT_TIMEOUT) {
            Err(CallError::Rpc(e)) => assert_eq!(e.code, METHOD_NOT_FOUND, "{e}"),
            other => panic!("an unknown method gave {other:?}"),
        }
        assert_eq!(
            client.call("fail", Value::Null, CLIENT_TIMEOUT),
            Err(CallError::Rpc(RpcError {
                code: 42,
                message: "the application says no".to_string(),
                data: Some(json!({"why": "a test"})),
            }))
        );
        match client.call("echo", json!("not structured"), CLIENT_TIMEOUT) {
            Err(CallError::Malformed { .. }) => {}
            other => panic!("params that are neither array nor object gave {other:?}"),
        }
    });
    shutdown(server);
}

/// A registry whose `hold` method (params `[k]`) says on `started` that it
/// runs, then waits for the test to send on release channel `k`, and
/// returns `{"k": k}`.
fn holding(keys: &[u64]) -> (Registry, Receiver<u64>, HashMap<u64, Sender<()>>) {
    let (started_tx, started) = mpsc::channel();
    let started_tx = Mutex::new(started_tx);
    let mut releases = HashMap::new();
    let mut waits = HashMap::new();
    for &k in keys {
        let (tx, rx) = mpsc::channel::<()>();
        releases.insert(k, tx);
        waits.insert(k, rx);
    }
    let waits = Mutex::new(waits);
    let mut registry = demo();
    registry.register("hold", move |params| {
        let k = params[0]
            .as_u64()
            .ok_or_else(|| RpcError::invalid_params("[k]"))?;
        let wait = waits.lock().unwrap().remove(&k);
        let _ = started_tx.lock().unwrap().send(k);
        if let Some(wait) = wait {
            // Released by the test, or given up when the test has failed.
            let _ = wait.recv_timeout(DEFAULT_LIMIT);
        }
        Ok(json!({ "k": k }))
    });
    (registry, started, releases)
}

// Catches: rpc-client-answers-by-order (answers handed to the calls in the
// order they were made, not by id), rpc-client-one-call-at-a-time (the
// client holds a lock while it waits: one call at a time),
// rpc-server-one-request-at-a-time (a connection's requests run one after
// the other: a slow one holds up the rest).
#[test]
fn three_callers_on_one_connection_get_their_own_answers_out_of_order() {
    let (registry, started, releases) = holding(&[1, 2, 3]);
    let server = start(registry);
    let client = Arc::new(connect(&server));
    let (results_tx, results) = mpsc::channel();
    let mut callers = Vec::new();
    // Callers 1, 2, 3 start in this order, each once the one before is
    // running on the server: the answers then come in the order 3, 1, 2.
    for k in [1u64, 2, 3] {
        let client = Arc::clone(&client);
        let results_tx = results_tx.clone();
        callers.push(thread::spawn(move || {
            let outcome = client.call("hold", json!([k]), CLIENT_TIMEOUT);
            let _ = results_tx.send((k, outcome));
        }));
        let running = started.recv_timeout(DEFAULT_LIMIT).unwrap_or_else(|_| {
            panic!("call {k} never reached its handler while the calls before it wait")
        });
        assert_eq!(running, k);
    }
    for k in [3u64, 1, 2] {
        releases[&k].send(()).unwrap();
        let (caller, outcome) = results
            .recv_timeout(DEFAULT_LIMIT)
            .unwrap_or_else(|_| panic!("no caller returned after answer {k} was released"));
        assert_eq!(
            (caller, outcome),
            (k, Ok(json!({ "k": k }))),
            "answer {k} was released: only caller {k} can return, with its own answer"
        );
    }
    for caller in callers {
        join(caller, "a caller");
    }
    within(DEFAULT_LIMIT, "drop the client", move || drop(client));
    shutdown(server);
}

/// A fake server: a listener whose first connection is given to `serve`.
fn fake_server<T, F>(serve: F) -> (SocketAddr, thread::JoinHandle<T>)
where
    T: Send + 'static,
    F: FnOnce(TcpStream) -> T + Send + 'static,
{
    crate::serve_one(move |stream| {
        stream.set_read_timeout(Some(CLIENT_TIMEOUT)).unwrap();
        serve(stream)
    })
}

fn send_json(stream: &mut TcpStream, value: &Value) {
    stream
        .write_all(&frame(value.to_string().as_bytes()))
        .unwrap();
}

fn next_request(stream: &mut TcpStream) -> Value {
    let bytes = read_frame(stream).expect("a request from the client");
    to_json(&bytes)
}

// Catches: rpc-client-answers-by-order (an answer that is nobody's, or not
// an answer at all, handed to the call that waits; the late answer of a
// call that timed out handed to the next call), rpc-timeout-closes-connection.
#[test]
fn answers_with_unknown_or_late_ids_are_dropped() {
    let (go_on_tx, go_on) = mpsc::channel::<()>();
    let (addr, server) = fake_server(move |mut stream| {
        let first = next_request(&mut stream);
        assert_eq!(first["jsonrpc"], "2.0", "{first}");
        assert_eq!(first["method"], "first", "{first}");
        assert_eq!(first["params"], json!([1]), "{first}");
        let id = first["id"].as_u64().expect("the client's ids are numbers");
        // Nobody's answers first.
        send_json(
            &mut stream,
            &json!({"jsonrpc": "2.0", "result": "unknown id", "id": id + 1000}),
        );
        send_json(
            &mut stream,
            &json!({"jsonrpc": "2.0", "result": "a string id", "id": id.to_string()}),
        );
        send_json(&mut stream, &json!({"jsonrpc": "2.0", "result": "no id"}));
        stream.write_all(&frame(b"not json")).unwrap();
        send_json(
            &mut stream,
            &json!({"jsonrpc": "2.0", "result": "right", "id": id}),
        );
        // A call that times out; its answer comes with the next call's.
        let slow = next_request(&mut stream);
        go_on.recv_timeout(DEFAULT_LIMIT).expect("the test goes on");
        let next = next_request(&mut stream);
        send_json(
            &mut stream,
            &json!({"jsonrpc": "2.0", "result": "late", "id": slow["id"]}),
        );
        send_json(
            &mut stream,
            &json!({"jsonrpc": "2.0", "result": "fresh", "id": next["id"]}),
        );
        // Until the client leaves.
        let _ = read_frame(&mut stream);
    });
    let client = within(DEFAULT_LIMIT, "connect", move || {
        RpcClient::connect(addr, CLIENT_TIMEOUT)
    })
    .expect("connect to the fake server");
    within(DEFAULT_LIMIT, "calls", move || {
        assert_eq!(
            client.call("first", json!([1]), CLIENT_TIMEOUT),
            Ok(json!("right"))
        );
        let timeout = Duration::from_millis(200);
        let started = Instant::now();
        assert_eq!(
            client.call("slow", Value::Null, timeout),
            Err(CallError::TimedOut {
                method: "slow".to_string(),
                timeout
            })
        );
        assert!(started.elapsed() >= timeout, "gave up before the time-out");
        go_on_tx.send(()).unwrap();
        assert_eq!(
            client.call("next", Value::Null, CLIENT_TIMEOUT),
            Ok(json!("fresh"))
        );
        drop(client);
    });
    join(server, "the fake server");
}

// Catches: rpc-timeout-closes-connection (a timed-out call takes the
// connection down with it), rpc-server-one-request-at-a-time (the next
// call waits behind the slow one), and a call that waits for ever.
#[test]
fn a_slow_handler_times_out_and_the_connection_goes_on() {
    let (registry, started, releases) = holding(&[1]);
    let server = start(registry);
    let client = connect(&server);
    let timeout = Duration::from_millis(300);
    let release = releases[&1].clone();
    within(DEFAULT_LIMIT, "calls", move || {
        let begun = Instant::now();
        let outcome = client.call("hold", json!([1]), timeout);
        let waited = begun.elapsed();
        assert_eq!(
            outcome,
            Err(CallError::TimedOut {
                method: "hold".to_string(),
                timeout
            })
        );
        assert!(
            waited >= timeout && waited < CLIENT_TIMEOUT,
            "waited {waited:?}"
        );
        assert_eq!(
            started.recv_timeout(DEFAULT_LIMIT),
            Ok(1),
            "the slow call reached its handler"
        );
        assert_eq!(
            client.call("echo", json!(["while it runs"]), CLIENT_TIMEOUT),
            Ok(json!(["while it runs"]))
        );
        release.send(()).unwrap();
        assert_eq!(
            client.call("echo", json!(["after"]), CLIENT_TIMEOUT),
            Ok(json!(["after"]))
        );
    });
    shutdown(server);
}

// Catches: rpc-pending-not-failed-on-disconnect (callers left to wait for
// their whole time-out when the connection is gone),
// rpc-call-after-disconnect-waits (a call made after the end waits too).
#[test]
fn a_dropped_connection_fails_every_pending_call_at_once() {
    let (addr, server) = fake_server(|mut stream| {
        for _ in 0..3 {
            next_request(&mut stream);
        }
        // Hang up with three calls waiting.
    });
    let client = Arc::new(
        within(DEFAULT_LIMIT, "connect", move || {
            RpcClient::connect(addr, CLIENT_TIMEOUT)
        })
        .expect("connect to the fake server"),
    );
    let long = Duration::from_secs(60);
    let (results_tx, results) = mpsc::channel();
    let callers: Vec<_> = (0..3)
        .map(|k| {
            let client = Arc::clone(&client);
            let results_tx = results_tx.clone();
            thread::spawn(move || {
                let _ = results_tx.send(client.call("wait", json!([k]), long));
            })
        })
        .collect();
    for _ in 0..3 {
        let outcome = results
            .recv_timeout(CLIENT_TIMEOUT)
            .expect("every pending call fails as soon as the connection drops");
        assert!(
            matches!(outcome, Err(CallError::Disconnected { .. })),
            "{outcome:?}"
        );
    }
    for caller in callers {
        join(caller, "a caller");
    }
    join(server, "the fake server");
    let after = within(CLIENT_TIMEOUT, "a call after the end", move || {
        client.call("again", Value::Null, long)
    });
    assert!(
        matches!(after, Err(CallError::Disconnected { .. })),
        "{after:?}"
    );
}

// Catches: rpc-notify-sends-id (a notification with an id, even null, is
// a request: the server answers it).
#[test]
fn notify_sends_a_request_without_an_id() {
    let (addr, server) = fake_server(|mut stream| {
        let note = next_request(&mut stream);
        let call = next_request(&mut stream);
        send_json(
            &mut stream,
            &json!({"jsonrpc": "2.0", "result": "ok", "id": call["id"]}),
        );
        let _ = read_frame(&mut stream);
        note
    });
    let client = within(DEFAULT_LIMIT, "connect", move || {
        RpcClient::connect(addr, CLIENT_TIMEOUT)
    })
    .expect("connect to the fake server");
    within(DEFAULT_LIMIT, "a notification, then a call", move || {
        client
            .notify("record", json!(["heard"]))
            .expect("notify sends");
        assert_eq!(
            client.call("x", Value::Null, CLIENT_TIMEOUT),
            Ok(json!("ok"))
        );
    });
    let note = join(server, "the fake server");
    assert_eq!(
        note,
        json!({"jsonrpc": "2.0", "method": "record", "params": ["heard"]}),
        "a notification has no id member at all"
    );

    // And a real server runs it.
    let (registry, recorded) = demo_recording();
    let server = start(registry);
    let client = connect(&server);
    client.notify("record", json!({"n": 1})).expect("notify");
    assert_eq!(recorded.recv_timeout(DEFAULT_LIMIT), Ok(json!({"n": 1})));
    within(DEFAULT_LIMIT, "drop the client", move || drop(client));
    shutdown(server);
}

// Catches: rpc-connect-retries-refused (a refused connection tried again
// until the time-out: a server that is down makes every caller wait).
#[test]
fn connecting_to_a_closed_port_is_refused_at_once() {
    let closed = closed_port();
    let addr = closed.addr();
    let begun = Instant::now();
    let result = within(DEFAULT_LIMIT, "connect", move || {
        RpcClient::connect(addr, CLIENT_TIMEOUT).map(drop)
    });
    let waited = begun.elapsed();
    assert_eq!(
        result.map_err(|e| e.kind()),
        Err(io::ErrorKind::ConnectionRefused)
    );
    assert!(
        waited < CLIENT_TIMEOUT / 2,
        "a refusal is an answer: {waited:?} to report it"
    );
}

fn http_limits() -> Limits {
    Limits {
        max_head: 8 * 1024,
        max_body: 64 * 1024,
        timeout: Duration::from_secs(5),
    }
}

fn post(addr: SocketAddr, target: &str, body: &str) -> crate::RawResponse {
    let request = format!(
        "POST {target} HTTP/1.1\r\nHost: rpc\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let raw = within(DEFAULT_LIMIT, "an HTTP exchange", move || {
        exchange(addr, request.as_bytes())
    });
    parse_raw(&raw)
}

// Catches: rpc-http-notification-answered (an HTTP notification answered
// with a JSON body), rpc-notification-answered and
// rpc-parse-error-unanswered (as an HTTP client sees them), and routes or
// methods not checked.
#[test]
fn json_rpc_over_http_is_post_rpc() {
    let server = start_rpc_http(loopback(), demo(), http_limits()).expect("start");
    let addr = server.local_addr();
    let ok = post(
        addr,
        "/rpc",
        r#"{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1}"#,
    );
    assert_eq!(ok.status(), 200, "{ok:?}");
    assert!(
        ok.header("Content-Type")
            .is_some_and(|t| t.starts_with("application/json")),
        "{ok:?}"
    );
    assert_result(&to_json(&ok.body), json!(1), json!(3));

    let bad = post(addr, "/rpc", "{not json");
    assert_eq!(bad.status(), 200, "{bad:?}");
    assert_error(&to_json(&bad.body), Value::Null, PARSE_ERROR);

    let note = post(addr, "/rpc", r#"{"jsonrpc":"2.0","method":"echo"}"#);
    assert_eq!(note.status(), 200, "{note:?}");
    assert!(note.body.is_empty(), "a notification gets an empty body");

    assert_eq!(post(addr, "/elsewhere", "{}").status(), 404);
    let get = parse_raw(&within(DEFAULT_LIMIT, "a GET", move || {
        exchange(addr, b"GET /rpc HTTP/1.1\r\nHost: rpc\r\n\r\n")
    }));
    assert_eq!(get.status(), 405);
    assert_eq!(get.header("Allow"), Some("POST"));
    shutdown(server);
}

const PYTHON_CLIENT: &str = r#"
import json, sys, urllib.request
# No proxy, whatever the environment says: the server is on loopback.
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
def post(payload):
    request = urllib.request.Request(
        sys.argv[1], data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    with opener.open(request, timeout=5) as response:
        body = response.read()
        return [response.status, json.loads(body) if body else None]
print(json.dumps([
    post({"jsonrpc": "2.0", "method": "add", "params": [20, 22], "id": 1}),
    post({"jsonrpc": "2.0", "method": "nope", "id": "q"}),
    post([{"jsonrpc": "2.0", "method": "echo", "params": {"x": "é"}, "id": 2},
          {"jsonrpc": "2.0", "method": "echo", "params": [0]}]),
]))
"#;

// A server only our own client can talk to: Python's urllib (a client
// nobody here wrote) posts requests and a batch. (Skipped where python3 is
// not installed, so it claims no wrong solution.)
#[test]
fn python_urllib_posts_json_rpc() {
    if !real_peer("python3") {
        return;
    }
    let server = start_rpc_http(loopback(), demo(), http_limits()).expect("start");
    let url = format!("http://{}/rpc", server.local_addr());
    let mut python = Command::new("python3");
    python.args(["-c", PYTHON_CLIENT, &url]);
    let (ok, stdout, stderr) = run_peer(python);
    assert!(ok, "python3 failed: {stderr}");
    let seen = to_json(stdout.as_bytes());
    assert_eq!(seen[0][0], 200, "{seen}");
    assert_result(&seen[0][1], json!(1), json!(42));
    assert_error(&seen[1][1], json!("q"), METHOD_NOT_FOUND);
    let batch = seen[2][1].as_array().expect("a batch's answer is an array");
    assert_eq!(
        batch.len(),
        1,
        "the notification in the batch is not answered: {seen}"
    );
    assert_result(&batch[0], json!(2), json!({"x": "é"}));
    shutdown(server);
}

fn allowed(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

fn run(params: Value, names: &[&str], limit: Duration) -> Result<Value, RpcError> {
    let names = allowed(names);
    within(DEFAULT_LIMIT, "run_command", move || {
        run_command(&params, &names, limit)
    })
}

// Catches: rpc-run-status-as-bool (the exit status reduced to success or
// failure: `false`'s 1 and `grep`'s 2, "an error", look alike), and
// stderr lost or mixed into stdout.
#[test]
fn run_returns_the_exit_status_and_the_output() {
    let names = ["printf", "false", "grep"];
    let limit = Duration::from_secs(5);
    let printed = run(
        json!({"program": "printf", "args": ["%s|%s", "a b", "c"]}),
        &names,
        limit,
    );
    assert_eq!(
        printed,
        Ok(json!({"status": 0, "stdout": "a b|c", "stderr": ""}))
    );
    let failed = run(json!({"program": "false"}), &names, limit).expect("false runs");
    assert_eq!(failed["status"], 1, "{failed}");
    // POSIX grep: 1 is "no line matched", 2 and above "an error".
    let missing = run(
        json!({"program": "grep", "args": ["x", "/no/such/file/for/rpc"]}),
        &names,
        limit,
    )
    .expect("grep runs");
    assert_eq!(missing["status"], 2, "{missing}");
    assert_eq!(missing["stdout"], "", "{missing}");
    assert!(
        missing["stderr"]
            .as_str()
            .is_some_and(|e| e.contains("/no/such/file/for/rpc")),
        "grep's complaint is in stderr: {missing}"
    );
}

// Catches: rpc-run-output-unbounded (a program's whole output kept and
// sent, however large: one `run` can fill the server's memory).
#[test]
fn run_keeps_at_most_max_output_bytes_of_each_stream() {
    let width = format!("%{}s", 3 * MAX_OUTPUT);
    let printed = run(
        json!({"program": "printf", "args": [width, "x"]}),
        &["printf"],
        Duration::from_secs(5),
    )
    .expect("printf runs");
    assert_eq!(
        printed["status"], 0,
        "a program whose output is cut still ends"
    );
    let stdout = printed["stdout"].as_str().expect("stdout is text");
    assert_eq!(
        stdout.len(),
        MAX_OUTPUT,
        "stdout is cut at MAX_OUTPUT bytes"
    );
    assert!(
        stdout.bytes().all(|b| b == b' '),
        "the first bytes are kept"
    );
}

// Catches: rpc-run-through-shell (the program and its arguments handed to
// `sh -c`: quotes, `$`, `;` and backquotes are then the shell's).
#[test]
fn run_never_goes_through_a_shell() {
    let tricky = "$HOME; echo pwned `id` * \"q\" 'q'";
    let printed = run(
        json!({"program": "printf", "args": ["%s", tricky]}),
        &["printf"],
        Duration::from_secs(5),
    )
    .expect("printf runs");
    assert_eq!(printed["stdout"], tricky, "{printed}");
}

// Catches: rpc-allow-list-substring (a name accepted because it is part of
// an allowed one: `sh` is in `sha256sum`), rpc-allow-list-prefix (a name
// accepted because it starts with an allowed one: `/usr/bin/env-evil`).
#[test]
fn only_programs_in_the_allow_list_run_by_exact_name() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("pwned");
    let script = format!("touch {}", marker.display());
    let names = ["sha256sum", "printf", "/usr/bin/env"];
    let limit = Duration::from_secs(5);
    for program in [
        "sh",
        "/bin/sh",
        "bash",
        "sha",
        "print",
        "printf ",
        "PRINTF",
        "env",
        "/usr/bin/env-evil",
        "/bin/sh-evil",
        "shx",
        "/tmp/printf",
    ] {
        let refused = run(
            json!({"program": program, "args": ["-c", script]}),
            &names,
            limit,
        );
        match refused {
            Err(e) => assert_eq!(e.code, NOT_ALLOWED, "{program:?}: {e}"),
            Ok(ran) => panic!("{program:?} is not in {names:?}, and ran: {ran}"),
        }
        assert!(!marker.exists(), "{program:?} ran a shell command");
    }
    let ran = run(json!({"program": "printf", "args": ["ok"]}), &names, limit);
    assert_eq!(ran.map(|r| r["stdout"].clone()), Ok(json!("ok")));
    let cannot = run(
        json!({"program": "no-such-program-rpc"}),
        &["no-such-program-rpc"],
        limit,
    );
    assert_eq!(cannot.map_err(|e| e.code), Err(CANNOT_START));
}

// Catches: rpc-run-not-killed (the time limit reported, the program left
// running), and a run without a time limit.
#[test]
fn a_program_over_the_time_limit_is_killed() {
    let marker = unique_marker();
    let arg = format!("30.{marker}");
    let limit = Duration::from_millis(300);
    let begun = Instant::now();
    let outcome = run(
        json!({"program": "sleep", "args": [arg]}),
        &["sleep"],
        limit,
    );
    let waited = begun.elapsed();
    assert_eq!(outcome.map_err(|e| e.code), Err(RUN_TIMED_OUT));
    assert!(
        waited >= limit && waited < Duration::from_secs(5),
        "waited {waited:?}"
    );
    wait_for(
        Duration::from_secs(2),
        "the program killed at the time limit",
        || !process_running(&format!("sleep 30.{marker}")),
    );
}

// Catches: rpc-run-skips-bad-args (an argument that is not a string
// skipped, and the program run without it).
#[test]
fn run_refuses_params_it_cannot_use() {
    for params in [
        json!([1]),
        json!({}),
        json!({"program": 5}),
        json!({"program": "printf", "args": "x"}),
        json!({"program": "printf", "args": [1]}),
    ] {
        let outcome = run(params.clone(), &["printf"], Duration::from_secs(5));
        assert_eq!(outcome.map_err(|e| e.code), Err(INVALID_PARAMS), "{params}");
    }
}

// The allow-list over the wire: the remote command service as a client
// sees it. (`only_programs_in_the_allow_list_run_by_exact_name` holds the
// allow-list's wrong solutions to account.)
#[test]
fn the_command_service_runs_allowed_programs_over_the_wire() {
    let server = start(command_service(&["printf"], Duration::from_secs(5)));
    let client = connect(&server);
    within(DEFAULT_LIMIT, "remote commands", move || {
        assert_eq!(
            client.call(
                "run",
                json!({"program": "printf", "args": ["%s-%s", "x", "y"]}),
                CLIENT_TIMEOUT
            ),
            Ok(json!({"status": 0, "stdout": "x-y", "stderr": ""}))
        );
        match client.call(
            "run",
            json!({"program": "sh", "args": ["-c", "echo pwned"]}),
            CLIENT_TIMEOUT,
        ) {
            Err(CallError::Rpc(e)) => assert_eq!(e.code, NOT_ALLOWED, "{e}"),
            other => panic!("sh is not allowed: {other:?}"),
        }
    });
    shutdown(server);
}
