//! The fake fleet: many small HTTP servers on loopback, each with a
//! behaviour a test programs (healthy, slow, hanging, wrong body, an error
//! status, refusing connections, resetting mid-response, or held at a gate
//! the test opens). The fleet counts the connections open at once, so a test
//! can prove that a monitor never has more than N checks in flight **and**
//! that it reaches N.
//!
//! Real sockets, real HTTP/1.1 over TCP on 127.0.0.1, ports chosen by the
//! system; nothing leaves the machine. Every thread a fleet starts ends in
//! [`FakeFleet::shutdown`] (also run on drop).
//!
//! The `fleet` lesson's `fleetmon demo` serves one of these, so it is
//! written to hold 2,000 servers: a listener thread per server with a small
//! stack, a short-lived thread per connection.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// How one fake server answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Behaviour {
    /// `200 OK` with the body `OK <name>` at once.
    Healthy,
    /// `200 OK` like [`Behaviour::Healthy`], after this long.
    Slow(Duration),
    /// Accepts the connection, reads the request and never answers (until
    /// the client gives up or the fleet shuts down).
    Hang,
    /// `200 OK` with a body that is not what a check expects (`maintenance`).
    WrongBody,
    /// This status (e.g. 500) with a short body.
    Status(u16),
    /// Nothing listens: a connection is refused at once.
    Refused,
    /// Sends the first bytes of a response, then resets the connection.
    ResetMidResponse,
    /// Healthy, but only once the test opens the fleet's gate
    /// ([`FakeFleet::open_gate`]); until then the connection stays open.
    Gated,
}

/// What every server of a fleet shares: the counters and the gate.
#[derive(Debug, Default)]
struct Shared {
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    connections: AtomicUsize,
    stopping: AtomicBool,
    gate: Mutex<bool>,
    gate_opened: Condvar,
    /// Connections being served (by connection number), so that shutdown
    /// can end hanging ones; each is removed when its connection ends.
    open: Mutex<HashMap<usize, TcpStream>>,
}

/// A running fake fleet. See the module docs.
#[derive(Debug)]
pub struct FakeFleet {
    servers: Vec<FakeServer>,
    shared: Arc<Shared>,
    listeners: Vec<JoinHandle<()>>,
    connection_threads: Arc<Mutex<Vec<JoinHandle<()>>>>,
    /// The sockets of the [`Behaviour::Refused`] servers: bound, never
    /// listening, so their ports refuse connections and no other socket
    /// can take them while the fleet lives.
    _refusing: Vec<crate::loopback::ClosedPort>,
}

/// One server of the fleet.
#[derive(Debug, Clone)]
pub struct FakeServer {
    /// `web-001`, `web-002`, … in the order the behaviours were given.
    pub name: String,
    /// Where it listens (for [`Behaviour::Refused`], a port where nothing does).
    pub addr: SocketAddr,
    pub behaviour: Behaviour,
}

impl FakeFleet {
    /// Starts one server per behaviour, named `web-001`, `web-002`, ….
    pub fn start(behaviours: &[Behaviour]) -> FakeFleet {
        let shared = Arc::new(Shared::default());
        let connection_threads = Arc::new(Mutex::new(Vec::new()));
        let mut servers = Vec::with_capacity(behaviours.len());
        let mut listeners = Vec::with_capacity(behaviours.len());
        let mut refusing = Vec::new();
        for (i, behaviour) in behaviours.iter().enumerate() {
            let name = format!("web-{:03}", i + 1);
            if *behaviour == Behaviour::Refused {
                let closed = crate::loopback::closed_port();
                let addr = closed.addr();
                refusing.push(closed);
                servers.push(FakeServer {
                    name,
                    addr,
                    behaviour: behaviour.clone(),
                });
                continue;
            }
            let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
            let addr = listener.local_addr().expect("a bound address");
            {
                let shared = Arc::clone(&shared);
                let threads = Arc::clone(&connection_threads);
                let behaviour = behaviour.clone();
                let server_name = name.clone();
                let handle = thread::Builder::new()
                    .name("fake-fleet".into())
                    .stack_size(64 * 1024)
                    .spawn(move || accept_loop(listener, server_name, behaviour, shared, threads))
                    .expect("start a fake server");
                listeners.push(handle);
            }
            servers.push(FakeServer {
                name,
                addr,
                behaviour: behaviour.clone(),
            });
        }
        FakeFleet {
            servers,
            shared,
            listeners,
            connection_threads,
            _refusing: refusing,
        }
    }

    /// `count` servers, every one with `behaviour`.
    pub fn uniform(count: usize, behaviour: Behaviour) -> FakeFleet {
        FakeFleet::start(&vec![behaviour; count])
    }

    pub fn servers(&self) -> &[FakeServer] {
        &self.servers
    }

    /// Requests in flight right now, over the whole fleet: connections
    /// accepted and not yet answered (a connection stops counting just
    /// before its answer is written, so the count never runs ahead of the
    /// client's own).
    pub fn in_flight(&self) -> usize {
        self.shared.in_flight.load(Ordering::SeqCst)
    }

    /// The most requests that were ever in flight at once.
    pub fn max_in_flight(&self) -> usize {
        self.shared.max_in_flight.load(Ordering::SeqCst)
    }

    /// Connections accepted so far, over the whole fleet.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Lets every [`Behaviour::Gated`] server answer, now and from now on.
    pub fn open_gate(&self) {
        *self.shared.gate.lock().expect("gate") = true;
        self.shared.gate_opened.notify_all();
    }

    /// An inventory of the fleet in the `fleet` lesson's YAML format: one
    /// server per fake server, each with one `http` check of `/health`
    /// expecting `200` and the text `OK`.
    pub fn inventory_yaml(&self) -> String {
        let mut yaml = String::from("servers:\n");
        for server in &self.servers {
            yaml.push_str(&format!(
                "  - name: {}\n    address: 127.0.0.1\n    checks:\n      - http: {{ port: {}, path: /health, expect_status: 200, expect_text: OK }}\n",
                server.name,
                server.addr.port()
            ));
        }
        yaml
    }

    /// Stops every server and ends every connection, then joins every
    /// thread the fleet started.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if self.shared.stopping.swap(true, Ordering::SeqCst) {
            return;
        }
        self.open_gate();
        for server in &self.servers {
            if server.behaviour != Behaviour::Refused {
                // Wakes its accept loop, which then sees `stopping`.
                let _ = TcpStream::connect_timeout(&server.addr, Duration::from_secs(1));
            }
        }
        for handle in self.listeners.drain(..) {
            let _ = handle.join();
        }
        for (_, stream) in self.shared.open.lock().expect("open connections").drain() {
            let _ = stream.shutdown(Shutdown::Both);
        }
        let threads: Vec<_> = self
            .connection_threads
            .lock()
            .expect("connection threads")
            .drain(..)
            .collect();
        for handle in threads {
            let _ = handle.join();
        }
    }
}

impl Drop for FakeFleet {
    fn drop(&mut self) {
        self.stop();
    }
}

fn accept_loop(
    listener: TcpListener,
    name: String,
    behaviour: Behaviour,
    shared: Arc<Shared>,
    threads: Arc<Mutex<Vec<JoinHandle<()>>>>,
) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        shared.max_in_flight.fetch_max(now, Ordering::SeqCst);
        let id = shared.connections.fetch_add(1, Ordering::SeqCst);
        if let Ok(copy) = stream.try_clone() {
            shared
                .open
                .lock()
                .expect("open connections")
                .insert(id, copy);
        }
        let shared_for_conn = Arc::clone(&shared);
        let name = name.clone();
        let behaviour = behaviour.clone();
        let handle = thread::Builder::new()
            .name("fake-fleet-conn".into())
            .stack_size(64 * 1024)
            .spawn(move || {
                let mut counted = true;
                serve(stream, &name, &behaviour, &shared_for_conn, &mut counted);
                shared_for_conn
                    .open
                    .lock()
                    .expect("open connections")
                    .remove(&id);
                leave(&shared_for_conn, &mut counted);
            });
        match handle {
            Ok(handle) => {
                let mut threads = threads.lock().expect("connection threads");
                threads.retain(|t| !t.is_finished());
                threads.push(handle);
            }
            Err(_) => {
                shared.open.lock().expect("open connections").remove(&id);
                shared.in_flight.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }
}

/// Reads the request head (up to the blank line), or gives up quietly.
fn read_head(stream: &mut TcpStream) -> bool {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return false,
        }
        if head.len() > 16 * 1024 {
            return false;
        }
    }
    true
}

/// The connection stops counting as in flight: just before its answer is
/// written (a client cannot be done before that, so the fleet never counts
/// more at once than the client has open), or when it ends unanswered.
fn leave(shared: &Shared, counted: &mut bool) {
    if std::mem::take(counted) {
        shared.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

fn serve(
    mut stream: TcpStream,
    name: &str,
    behaviour: &Behaviour,
    shared: &Shared,
    counted: &mut bool,
) {
    if *behaviour == Behaviour::ResetMidResponse {
        leave(shared, counted);
        // Unread request bytes in the socket make the close a reset (RST).
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Le");
        return;
    }
    if !read_head(&mut stream) {
        return;
    }
    let (status, body) = match behaviour {
        Behaviour::Healthy => (200, format!("OK {name}\n")),
        Behaviour::Slow(delay) => {
            // Simulated latency of the server, not a wait on the test's side.
            thread::sleep(*delay);
            (200, format!("OK {name}\n"))
        }
        Behaviour::Hang => {
            // Wait for the client to give up (EOF) or the fleet to stop.
            let mut sink = [0u8; 64];
            while !shared.stopping.load(Ordering::SeqCst) {
                match stream.read(&mut sink) {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
            }
            return;
        }
        Behaviour::WrongBody => (200, "maintenance\n".to_string()),
        Behaviour::Status(code) => (*code, format!("status {code} from {name}\n")),
        Behaviour::Gated => {
            let mut open = shared.gate.lock().expect("gate");
            while !*open {
                open = shared.gate_opened.wait(open).expect("gate");
            }
            drop(open);
            (200, format!("OK {name}\n"))
        }
        Behaviour::Refused | Behaviour::ResetMidResponse => unreachable!("handled above"),
    };
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
    leave(shared, counted);
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
    let _ = stream.shutdown(Shutdown::Write);
    // Let the client read to the end before the socket goes away.
    let mut sink = [0u8; 64];
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DEFAULT_LIMIT, wait_for, within};

    /// A minimal client: one GET, the whole response as text.
    fn get(addr: SocketAddr) -> std::io::Result<String> {
        let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        stream.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")?;
        let mut text = String::new();
        stream.read_to_string(&mut text)?;
        Ok(text)
    }

    #[test]
    fn each_behaviour_answers_as_documented() {
        let fleet = FakeFleet::start(&[
            Behaviour::Healthy,
            Behaviour::WrongBody,
            Behaviour::Status(500),
            Behaviour::Refused,
            Behaviour::ResetMidResponse,
        ]);
        let s = fleet.servers();
        let healthy = get(s[0].addr).unwrap();
        assert!(healthy.starts_with("HTTP/1.1 200 OK\r\n"), "{healthy}");
        assert!(healthy.ends_with("OK web-001\n"), "{healthy}");
        assert!(get(s[1].addr).unwrap().ends_with("maintenance\n"));
        assert!(get(s[2].addr).unwrap().starts_with("HTTP/1.1 500 "));
        let refused = get(s[3].addr).unwrap_err();
        assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
        // A reset: either an error, or a response cut off before its head ends.
        match get(s[4].addr) {
            Err(_) => {}
            Ok(text) => assert!(!text.contains("\r\n\r\n"), "{text}"),
        }
        fleet.shutdown();
    }

    #[test]
    fn gated_servers_hold_until_the_gate_opens_and_are_counted_in_flight() {
        let fleet = FakeFleet::uniform(3, Behaviour::Gated);
        let addrs: Vec<_> = fleet.servers().iter().map(|s| s.addr).collect();
        let clients: Vec<_> = addrs
            .into_iter()
            .map(|addr| thread::spawn(move || get(addr)))
            .collect();
        wait_for(DEFAULT_LIMIT, "three connections in flight", || {
            fleet.in_flight() == 3
        });
        assert_eq!(fleet.max_in_flight(), 3);
        fleet.open_gate();
        for client in clients {
            let text = within(DEFAULT_LIMIT, "a gated answer", || client.join().unwrap()).unwrap();
            assert!(text.contains("200 OK"), "{text}");
        }
        wait_for(DEFAULT_LIMIT, "no connection left", || {
            fleet.in_flight() == 0
        });
        assert_eq!(fleet.connections(), 3);
    }

    #[test]
    fn shutdown_ends_hanging_connections_and_joins_every_thread() {
        let fleet = FakeFleet::uniform(2, Behaviour::Hang);
        let addr = fleet.servers()[0].addr;
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
        wait_for(DEFAULT_LIMIT, "the hanging connection", || {
            fleet.in_flight() == 1
        });
        within(
            DEFAULT_LIMIT,
            "shutdown of a fleet with a hanging connection",
            move || fleet.shutdown(),
        );
        let mut rest = Vec::new();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        // The server side is gone: end of stream (or a reset), never a hang.
        let _ = stream.read_to_end(&mut rest);
        assert!(rest.is_empty());
    }

    #[test]
    fn the_inventory_names_every_server_and_port() {
        let fleet = FakeFleet::uniform(2, Behaviour::Healthy);
        let yaml = fleet.inventory_yaml();
        for server in fleet.servers() {
            assert!(yaml.contains(&format!("name: {}", server.name)), "{yaml}");
            assert!(
                yaml.contains(&format!("port: {}", server.addr.port())),
                "{yaml}"
            );
        }
    }
}
