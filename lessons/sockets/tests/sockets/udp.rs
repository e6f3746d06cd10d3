//! Exercise 4: UDP request–reply with retries.
//!
//! Most tests talk to a fake peer: a `UdpSocket` of the test's own, which
//! answers, ignores or counts exactly as the test needs.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use sockets::udp::{Retry, UdpError, UdpServer, request};
use testkit::{DEFAULT_LIMIT, ipv6_loopback_available, threads_named, within};

use crate::{CLIENT_TIMEOUT, assert_no_thread_named, join};

fn retry(timeout_ms: u64, attempts: u32) -> Retry {
    Retry {
        timeout: Duration::from_millis(timeout_ms),
        attempts,
    }
}

/// Enough for a loaded machine, in tests where the reply comes.
fn patient() -> Retry {
    Retry {
        timeout: CLIENT_TIMEOUT,
        attempts: 1,
    }
}

fn echo_server() -> UdpServer {
    UdpServer::start("127.0.0.1:0", |bytes: &[u8]| Some(bytes.to_vec()))
        .expect("start a UDP server on 127.0.0.1:0")
}

fn shutdown(server: UdpServer) {
    within(DEFAULT_LIMIT, "shutdown", move || server.shutdown());
}

fn ask(
    server: SocketAddr,
    message: &[u8],
    max_reply: usize,
    retry: Retry,
) -> Result<Vec<u8>, UdpError> {
    let message = message.to_vec();
    within(DEFAULT_LIMIT, "request", move || {
        request(server, &message, max_reply, retry)
    })
}

/// A socket of the test's own, on loopback, with a read time-out.
fn fake_peer() -> (UdpSocket, SocketAddr) {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    socket.set_read_timeout(Some(CLIENT_TIMEOUT)).unwrap();
    let addr = socket.local_addr().unwrap();
    (socket, addr)
}

/// The next `n` datagrams that reach `socket` (each waited for at most
/// its read time-out), then a check that no other one is waiting.
fn receive_exactly(socket: &UdpSocket, n: usize) -> Vec<Vec<u8>> {
    let mut datagrams = Vec::new();
    let mut buf = [0u8; 2048];
    for i in 0..n {
        match socket.recv_from(&mut buf) {
            Ok((len, _)) => datagrams.push(buf[..len].to_vec()),
            Err(e) => panic!("datagram {} of {n} never came: {e}", i + 1),
        }
    }
    socket.set_nonblocking(true).unwrap();
    match socket.recv_from(&mut buf) {
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => datagrams,
        Ok((len, _)) => panic!("more than {n} datagrams: another of {len} bytes"),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn a_request_gets_the_reply_of_the_handler() {
    let server = UdpServer::start("127.0.0.1:0", |bytes: &[u8]| {
        Some(bytes.to_ascii_uppercase())
    })
    .expect("start a UDP server");
    let addr = server.local_addr();
    assert!(addr.ip().is_loopback() && addr.port() != 0, "{addr}");
    assert_eq!(ask(addr, b"ping", 100, patient()), Ok(b"PING".to_vec()));
    assert_eq!(ask(addr, b"again", 100, patient()), Ok(b"AGAIN".to_vec()));
    shutdown(server);
}

// Wrong solutions caught: the handler given the whole buffer (`&buf`)
// instead of the datagram's bytes (`&buf[..n]`); a server buffer too small
// for a big datagram (the kernel cuts it without a word); an empty datagram
// taken for "no datagram".
// Catches: udp-whole-buffer-to-handler, udp-small-server-buffer,
// udp-empty-datagram-ignored.
#[test]
fn the_server_sees_each_datagram_whole_and_only_its_bytes() {
    let server = UdpServer::start("127.0.0.1:0", |bytes: &[u8]| {
        Some(format!("{} bytes, last {:?}", bytes.len(), bytes.last()).into_bytes())
    })
    .expect("start a UDP server");
    let addr = server.local_addr();
    let reply =
        |message: &[u8]| String::from_utf8(ask(addr, message, 100, patient()).unwrap()).unwrap();
    assert_eq!(reply(b"abc"), "3 bytes, last Some(99)");
    assert_eq!(reply(b""), "0 bytes, last None");
    let mut big = vec![0u8; 8000];
    big[7999] = 7;
    assert_eq!(reply(&big), "8000 bytes, last Some(7)");
    shutdown(server);
}

// Each datagram is one message, never merged with the next or split,
// unlike TCP: the server answers each one, the empty one too. (A server
// that merges what has arrived, as a stream reader would, is caught only
// when the datagrams happen to arrive together: not claimed here.)
// Catches: udp-empty-datagram-ignored.
#[test]
fn message_boundaries_are_kept() {
    let server = echo_server();
    let (client, _) = fake_peer();
    client.connect(server.local_addr()).unwrap();
    let sent: Vec<&[u8]> = vec![b"one", b"two", b"three", b"", b"five"];
    for message in &sent {
        client.send(message).unwrap();
    }
    let mut got = Vec::new();
    let mut buf = [0u8; 100];
    for _ in 0..sent.len() {
        let n = client.recv(&mut buf).expect("every datagram is echoed");
        got.push(buf[..n].to_vec());
    }
    // UDP does not promise the order; the boundaries are what counts.
    got.sort();
    let mut expected: Vec<Vec<u8>> = sent.iter().map(|m| m.to_vec()).collect();
    expected.sort();
    assert_eq!(got, expected);
    shutdown(server);
}

// Wrong solution caught: a reply larger than the client's buffer silently
// cut to fit: `recv` fills the buffer, and the kernel throws the rest of
// the datagram away without a word.
// Catches: udp-reply-cut-to-fit.
#[test]
fn a_reply_larger_than_max_reply_is_reported_not_cut() {
    let server = UdpServer::start("127.0.0.1:0", |_: &[u8]| Some(vec![b'r'; 2000]))
        .expect("start a UDP server");
    let addr = server.local_addr();
    assert_eq!(
        ask(addr, b"big?", 1024, patient()),
        Err(UdpError::ReplyTooLarge { max: 1024 })
    );
    assert_eq!(
        ask(addr, b"big?", 1999, patient()),
        Err(UdpError::ReplyTooLarge { max: 1999 })
    );
    assert_eq!(ask(addr, b"big?", 2000, patient()), Ok(vec![b'r'; 2000]));
    shutdown(server);
}

// Wrong solutions caught: no time-out (a request to a server that never
// answers waits for ever), no retries, more requests than attempts, and a
// time-out that is not waited for.
// Catches: udp-no-retries, udp-one-attempt-too-many, udp-no-timeout.
#[test]
fn a_silent_server_times_out_after_every_attempt() {
    let (silent, addr) = fake_peer();
    let started = Instant::now();
    let result = ask(addr, b"anyone?", 100, retry(100, 3));
    let waited = started.elapsed();
    assert_eq!(result, Err(UdpError::TimedOut { attempts: 3 }));
    assert!(
        waited >= Duration::from_millis(300),
        "3 attempts of 100 ms took only {waited:?}"
    );
    let requests = receive_exactly(&silent, 3);
    assert!(requests.iter().all(|r| r == b"anyone?"));
}

// Wrong solution caught: giving up at the first lost datagram. UDP may lose
// any of them; the client must send again.
// Catches: udp-no-retries.
#[test]
fn a_lost_request_is_sent_again() {
    let (peer, addr) = fake_peer();
    let server = std::thread::spawn(move || {
        let mut buf = [0u8; 100];
        let (_, _) = peer.recv_from(&mut buf).expect("a first request");
        // Lost: no reply. The second one is answered.
        let (n, from) = peer.recv_from(&mut buf).expect("a second request");
        assert_eq!(&buf[..n], b"ping");
        peer.send_to(b"pong", from).unwrap();
    });
    // The reply to the second request may come during the third attempt:
    // two seconds for the fake server to answer, however busy the machine.
    assert_eq!(
        ask(addr, b"ping", 100, retry(1000, 3)),
        Ok(b"pong".to_vec())
    );
    join(server, "the fake server");
}

// Catches: udp-retries-every-error (every error taken for a lost datagram:
// a closed port, which the kernel reports at once as "connection refused",
// becomes a time-out after all the attempts, and the operator looks for a
// slow server instead of a stopped one).
#[test]
fn a_refused_request_is_an_error_at_once_not_a_time_out() {
    let closed = {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.local_addr().unwrap()
    };
    let started = Instant::now();
    let result = ask(closed, b"anyone?", 100, retry(2000, 3));
    let waited = started.elapsed();
    match result {
        Err(UdpError::Io { kind, .. }) => assert_eq!(kind, io::ErrorKind::ConnectionRefused),
        other => panic!("expected a refused request, got {other:?} after {waited:?}"),
    }
    assert!(
        waited < Duration::from_secs(2),
        "a refused request took {waited:?}, as long as a time-out"
    );
}

// Wrong solution caught: a client that takes any datagram that reaches its
// socket for the reply, even one from another address (`connect` the
// socket to the server, or check where each datagram came from).
// Catches: udp-any-sender.
#[test]
fn a_datagram_from_another_address_is_not_the_reply() {
    let (peer, addr) = fake_peer();
    let server = std::thread::spawn(move || {
        let mut buf = [0u8; 100];
        let (_, client) = peer.recv_from(&mut buf).expect("a request");
        let (stranger, _) = fake_peer();
        stranger.send_to(b"spoofed", client).unwrap();
        peer.send_to(b"genuine", client).unwrap();
    });
    assert_eq!(ask(addr, b"hi", 100, patient()), Ok(b"genuine".to_vec()));
    join(server, "the fake server");
}

// Wrong solution caught: a `shutdown` that leaves the server's thread
// blocked in `recv_from` for ever, and its port bound.
// Catches: udp-shutdown-without-wake.
#[test]
fn shutdown_joins_the_thread_and_frees_the_port() {
    let server = echo_server();
    let addr = server.local_addr();
    let name = format!("udp:{}", addr.port());
    assert_eq!(ask(addr, b"up?", 100, patient()), Ok(b"up?".to_vec()));
    if let Some(count) = threads_named(&name) {
        assert_eq!(count, 1, "one thread, named {name}");
    }
    shutdown(server);
    assert_no_thread_named(&name);
    UdpSocket::bind(addr).unwrap_or_else(|e| panic!("{addr} is still taken after shutdown: {e}"));
}

#[test]
fn it_works_over_ipv6_loopback_too() {
    let server = UdpServer::start("[::1]:0", |bytes: &[u8]| Some(bytes.to_vec()));
    if !ipv6_loopback_available() {
        return; // no IPv6 here: whatever start said is fine
    }
    let server = server.expect("start a UDP server on [::1]:0");
    let addr = server.local_addr();
    assert!(addr.is_ipv6(), "{addr}");
    assert_eq!(ask(addr, b"v6", 100, patient()), Ok(b"v6".to_vec()));
    shutdown(server);
}
