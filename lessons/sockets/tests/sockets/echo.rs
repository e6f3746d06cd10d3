//! Exercise 2: a TCP echo server with a clean shutdown.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use sockets::echo::{TcpServer, echo, start_echo};
use testkit::asleep::{Probe, watch};
use testkit::{DEFAULT_LIMIT, ipv6_loopback_available, threads_named, wait_for, within};

use crate::{CLIENT_TIMEOUT, assert_closed_by_server, assert_no_thread_named, closed_port, join};

fn start() -> TcpServer {
    start_echo("127.0.0.1:0").expect("start an echo server on 127.0.0.1:0")
}

fn shutdown(server: TcpServer) {
    within(DEFAULT_LIMIT, "shutdown", move || server.shutdown());
}

/// A client connected to `server`, with a read time-out, that has made one
/// round trip: so the server has accepted it and its thread runs.
fn connected(server: &TcpServer) -> TcpStream {
    let mut client = TcpStream::connect(server.local_addr()).expect("connect");
    client.set_read_timeout(Some(CLIENT_TIMEOUT)).unwrap();
    client.write_all(b"?").unwrap();
    let mut byte = [0u8; 1];
    client
        .read_exact(&mut byte)
        .expect("the server echoes one byte");
    client
}

#[test]
fn the_server_listens_on_loopback_on_a_port_the_system_chose() {
    let server = start();
    let addr = server.local_addr();
    assert!(addr.ip().is_loopback(), "{addr}");
    assert_ne!(
        addr.port(),
        0,
        "local_addr must give the port that was chosen"
    );
    shutdown(server);
}

// Wrong solution caught: a handler or client that goes through `String`
// (bytes are not text: 0xff and 0xc3 alone are not UTF-8), or that stops
// at a zero byte or a newline.
// Catches: echo-through-string, echo-stops-at-a-zero-byte.
#[test]
fn echoes_any_bytes_exactly() {
    let server = start();
    let addr = server.local_addr();
    let message: Vec<u8> = (0..=255u8).chain([0, 0xff, b'\n', 0xc3, b'\r']).collect();
    let sent = message.clone();
    let reply = within(DEFAULT_LIMIT, "echo", move || {
        echo(addr, &sent, CLIENT_TIMEOUT)
    })
    .expect("the echo succeeds");
    assert_eq!(reply, message);
    let empty = within(DEFAULT_LIMIT, "echo", move || {
        echo(addr, b"", CLIENT_TIMEOUT)
    })
    .expect("an empty echo succeeds");
    assert!(empty.is_empty());
    shutdown(server);
}

// Wrong solution caught: an echo that waits for the whole message (reads
// to the end, or up to a newline, or until its buffer is full) before it
// writes anything back. The client turns Nagle's algorithm off, writes one
// byte at a time, and waits for each byte to come back before it sends the
// next.
// Catches: echo-waits-for-the-whole-message.
#[test]
fn each_byte_comes_back_before_the_next_is_sent() {
    let server = start();
    let mut client = TcpStream::connect(server.local_addr()).expect("connect");
    client.set_nodelay(true).unwrap();
    client.set_read_timeout(Some(CLIENT_TIMEOUT)).unwrap();
    within(DEFAULT_LIMIT, "byte by byte", move || {
        for &byte in b"one byte at a time, no newline" {
            client.write_all(&[byte]).unwrap();
            let mut back = [0u8; 1];
            if let Err(e) = client.read_exact(&mut back) {
                panic!("{:?} did not come back: {e}", byte as char);
            }
            assert_eq!(back[0], byte);
        }
    });
    shutdown(server);
}

// Wrong solutions caught: a client that writes the whole message before it
// reads any of the reply (the server echoes as it reads; once the reply
// fills the client's receive buffer, the server stops reading, the
// client's write blocks: a deadlock, here a time-out), and a client that
// returns what its first `read` gave.
// Catches: echo-client-writes-then-reads, echo-client-first-read-only.
#[test]
fn a_message_larger_than_the_socket_buffers_comes_back_whole() {
    let server = start();
    let addr = server.local_addr();
    let message: Vec<u8> = (0..32 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let message = Arc::new(message);
    let sent = Arc::clone(&message);
    let reply = within(DEFAULT_LIMIT * 2, "echo of 32 MiB", move || {
        echo(addr, &sent, CLIENT_TIMEOUT)
    })
    .expect("the echo of 32 MiB succeeds");
    assert_eq!(reply.len(), message.len(), "the reply has the wrong length");
    assert!(reply == *message, "the reply differs from the message");
    shutdown(server);
}

// Wrong solution caught: a server that serves its connections one after
// the other on the accept thread: a client that connects and says nothing
// blocks everyone else.
// Catches: echo-serial-server.
#[test]
fn an_idle_connection_does_not_block_the_others() {
    let server = start();
    let addr = server.local_addr();
    let idle = TcpStream::connect(addr).expect("connect");
    let reply = within(DEFAULT_LIMIT, "echo beside an idle client", move || {
        echo(addr, b"still served", CLIENT_TIMEOUT)
    })
    .expect("the echo succeeds");
    assert_eq!(reply, b"still served");
    drop(idle);
    shutdown(server);
}

// Sixteen clients at once, each with its own bytes. (A buffer shared by
// every connection, copied in and out under a lock, mixes replies up only
// when two connections pass through it in the same instant: this test
// catches that now and then, not every run, so it claims nothing.)
#[test]
fn many_clients_at_once_each_get_their_own_bytes_back() {
    let server = start();
    let addr = server.local_addr();
    let clients = 16;
    let barrier = Arc::new(Barrier::new(clients));
    let handles: Vec<_> = (0..clients)
        .map(|id| {
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || {
                let message = format!("client {id} says hello\n").repeat(1000);
                barrier.wait();
                let reply = echo(addr, message.as_bytes(), CLIENT_TIMEOUT)
                    .unwrap_or_else(|e| panic!("client {id}: {e}"));
                assert!(reply == message.as_bytes(), "client {id} got other bytes");
            })
        })
        .collect();
    for handle in handles {
        join(handle, "a client");
    }
    shutdown(server);
}

// Wrong solutions caught: threads that are not named `echo:<port>`, a
// server that does not start a thread per connection, and a connection
// thread that outlives its client. (Linux only: elsewhere threads cannot
// be counted by name.)
// Catches: echo-misnamed-threads.
#[test]
fn a_named_thread_per_connection_which_ends_with_its_client() {
    let server = start();
    let name = format!("echo:{}", server.local_addr().port());
    if threads_named(&name).is_none() {
        return shutdown(server);
    }
    let first = connected(&server);
    let second = connected(&server);
    assert_eq!(
        threads_named(&name),
        Some(3),
        "the accept thread and one thread per connection, each named {name}"
    );
    drop(first);
    wait_for(
        DEFAULT_LIMIT,
        "the thread of a client that left ending",
        || threads_named(&name) == Some(2),
    );
    drop(second);
    wait_for(
        DEFAULT_LIMIT,
        "the thread of a client that left ending",
        || threads_named(&name) == Some(1),
    );
    shutdown(server);
    assert_no_thread_named(&name);
}

// Wrong solutions caught: a `shutdown` that only stops accepting, leaving
// the connection threads blocked in `read` for ever (and their clients
// connected); a `shutdown` that does not join its threads; a listener left
// open.
// Catches: echo-shutdown-only-stops-accepting, echo-listener-left-open,
// echo-shutdown-joins-before-closing.
#[test]
fn shutdown_closes_connections_joins_every_thread_and_frees_the_port() {
    let server = start();
    let addr = server.local_addr();
    let name = format!("echo:{}", addr.port());
    let mut first = connected(&server);
    let mut second = connected(&server);
    let started = Instant::now();
    shutdown(server);
    assert!(
        started.elapsed() < CLIENT_TIMEOUT,
        "shutdown waited for the clients instead of closing their connections"
    );
    assert_closed_by_server(&mut first, "an idle client after shutdown");
    assert_closed_by_server(&mut second, "an idle client after shutdown");
    assert_no_thread_named(&name);
    TcpListener::bind(addr).unwrap_or_else(|e| panic!("{addr} is still taken after shutdown: {e}"));
}

// Catches: echo-shutdown-does-not-join (a `shutdown` that closes every
// connection but returns without joining their threads: a handler still
// finishing its work outlives the server).
//
// Every time, not only when the test is slower than the handler: once its
// client is gone, the handler "cleans up" until the thread that called
// `shutdown` is asleep in the kernel (waiting in a `join`, as a correct
// `shutdown` does at that point) or has returned from `shutdown` (a wrong
// one), and it counts as finished only in the first case. Nothing else puts
// that thread to sleep once the streams are closed.
#[test]
fn shutdown_returns_only_once_every_handler_has_returned() {
    let finished = Arc::new(AtomicBool::new(false));
    let returned = Arc::new(AtomicBool::new(false));
    let stopper: Arc<Mutex<Option<Probe>>> = Arc::default();
    let server = TcpServer::start("127.0.0.1:0", "slow", {
        let (finished, returned, stopper) = (
            Arc::clone(&finished),
            Arc::clone(&returned),
            Arc::clone(&stopper),
        );
        move |mut stream: TcpStream| {
            let _ = stream.write_all(b"hi");
            let mut buf = [0u8; 64];
            while matches!(stream.read(&mut buf), Ok(n) if n > 0) {}
            // Cleaning up after the client (flushing a log, say), until
            // `shutdown` waits for us or has returned without waiting.
            let deadline = Instant::now() + DEFAULT_LIMIT;
            while !returned.load(Ordering::SeqCst) && Instant::now() < deadline {
                let probe = *stopper.lock().unwrap_or_else(PoisonError::into_inner);
                if probe.is_some_and(|p| p.is_asleep()) && !returned.load(Ordering::SeqCst) {
                    finished.store(true, Ordering::SeqCst);
                    return;
                }
                thread::sleep(Duration::from_millis(1));
            }
        }
    })
    .expect("start a server");
    let mut client = TcpStream::connect(server.local_addr()).expect("connect");
    client.set_read_timeout(Some(CLIENT_TIMEOUT)).unwrap();
    let mut hi = [0u8; 2];
    client
        .read_exact(&mut hi)
        .expect("the handler runs and greets");
    let stopping = watch("shutdown", {
        let (finished, returned, stopper) = (
            Arc::clone(&finished),
            Arc::clone(&returned),
            Arc::clone(&stopper),
        );
        move || {
            *stopper.lock().unwrap_or_else(PoisonError::into_inner) = Some(Probe::current());
            server.shutdown();
            let handler_done = finished.load(Ordering::SeqCst);
            returned.store(true, Ordering::SeqCst);
            handler_done
        }
    });
    assert!(
        stopping.join_within(DEFAULT_LIMIT),
        "shutdown returned while a handler was still running"
    );
    drop(client);
}

// Wrong solution caught: a server that keeps its copy of each stream after
// the handler is done with it: the client never sees the end of the
// connection, and the server runs out of file descriptors.
// Catches: echo-keeps-stream-clone.
#[test]
fn a_connection_closes_when_its_handler_returns() {
    let server = TcpServer::start("127.0.0.1:0", "bye", |mut stream: TcpStream| {
        let _ = stream.write_all(b"bye");
    })
    .expect("start a server");
    let mut client = TcpStream::connect(server.local_addr()).expect("connect");
    client.set_read_timeout(Some(CLIENT_TIMEOUT)).unwrap();
    let mut got = Vec::new();
    client
        .read_to_end(&mut got)
        .expect("the connection ends once the handler returns");
    assert_eq!(got, b"bye");
    shutdown(server);
}

// Wrong solution caught: a client without time-outs: a server that
// accepts and never answers hangs it (and whoever waits for it) for ever.
// Catches: echo-client-no-timeouts.
#[test]
fn the_client_gives_up_on_a_silent_server_after_its_timeout() {
    // The kernel completes the connection; nobody ever reads or answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap();
    let timeout = Duration::from_millis(300);
    let (result, waited) = within(DEFAULT_LIMIT, "echo to a silent server", move || {
        let start = Instant::now();
        (echo(addr, b"anyone there?", timeout), start.elapsed())
    });
    let error = result.expect_err("a silent server cannot echo");
    assert!(
        matches!(
            error.kind(),
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
        ),
        "expected a time-out, got {error}"
    );
    assert!(
        waited >= timeout,
        "gave up after {waited:?}, before the time-out"
    );
    drop(silent);
}

#[test]
fn the_client_reports_a_refused_connection() {
    let closed = closed_port();
    let addr = closed.addr();
    let result = within(DEFAULT_LIMIT, "echo to a closed port", move || {
        echo(addr, b"hello", CLIENT_TIMEOUT)
    });
    let error = result.expect_err("nothing listens there");
    assert_eq!(error.kind(), io::ErrorKind::ConnectionRefused, "{error}");
}

#[test]
fn the_server_also_listens_on_ipv6_loopback() {
    let server = start_echo("[::1]:0");
    if !ipv6_loopback_available() {
        return; // no IPv6 here: whatever start_echo said is fine
    }
    let server = server.expect("start an echo server on [::1]:0");
    let addr = server.local_addr();
    assert!(addr.is_ipv6() && addr.ip().is_loopback(), "{addr}");
    let reply = within(DEFAULT_LIMIT, "echo over IPv6", move || {
        echo(addr, b"hello over IPv6", CLIENT_TIMEOUT)
    })
    .expect("the echo succeeds");
    assert_eq!(reply, b"hello over IPv6");
    shutdown(server);
}
