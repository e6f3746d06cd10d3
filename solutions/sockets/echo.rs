//! Exercise 2: a TCP echo server with a clean shutdown.
//!
//! Reference solution. One thread accepts; each connection gets a thread
//! of its own that runs the handler. The server keeps a clone of every
//! open stream (so it can close it) and the handle of every thread (so it
//! can join it). `shutdown` sets a flag, wakes `accept` with a connection
//! of its own, joins the accept thread (after which no new connection can
//! appear), shuts every open stream down (which ends the blocked reads of
//! their threads) and joins those threads. When it returns, nothing of the
//! server is left.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::ToSocketAddrs;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// A running TCP server: a thread that accepts, and a thread per
/// connection. Stop it with [`TcpServer::shutdown`].
#[derive(Debug)]
pub struct TcpServer {
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    acceptor: JoinHandle<()>,
    connections: Arc<Mutex<Connections>>,
}

/// What the server must be able to close and join.
#[derive(Debug, Default)]
struct Connections {
    next_id: u64,
    /// A clone of each open stream, by connection id.
    open: HashMap<u64, TcpStream>,
    /// The thread of each connection that may still run.
    threads: Vec<JoinHandle<()>>,
}

fn lock(connections: &Mutex<Connections>) -> MutexGuard<'_, Connections> {
    connections
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Forgets a connection's stream clone when its thread ends, even by a
/// panic in the handler, so the connection closes when the handler is done
/// with it.
struct Untrack {
    connections: Arc<Mutex<Connections>>,
    id: u64,
}

impl Drop for Untrack {
    fn drop(&mut self) {
        lock(&self.connections).open.remove(&self.id);
    }
}

// ANCHOR: server
impl TcpServer {
    /// Binds `addr` (port 0: the system picks a free port), and starts the
    /// accept thread. Every thread of the server is named `name:<port>`.
    /// Each connection is given to `handler` on a thread of its own.
    pub fn start<H>(addr: impl ToSocketAddrs, name: &str, handler: H) -> io::Result<TcpServer>
    where
        H: Fn(TcpStream) + Send + Sync + 'static,
    {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let thread_name = format!("{name}:{}", addr.port());
        let stopping = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(Mutex::new(Connections::default()));
        let acceptor = thread::Builder::new().name(thread_name.clone()).spawn({
            let stopping = Arc::clone(&stopping);
            let connections = Arc::clone(&connections);
            move || accept_loop(listener, thread_name, handler, &stopping, connections)
        })?;
        Ok(TcpServer {
            addr,
            stopping,
            acceptor,
            connections,
        })
    }

    /// The address the server listens on, with the port the system chose.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, closes every connection and joins every thread.
    pub fn shutdown(self) {
        self.stopping.store(true, Ordering::SeqCst);
        // `accept` only returns for a connection: make one. (If it fails,
        // the backlog is full, and `accept` returns soon anyway.)
        let _ = TcpStream::connect_timeout(&wake_addr(self.addr), Duration::from_secs(1));
        let _ = self.acceptor.join();
        // The accept thread is gone: no connection can be added any more.
        let (open, threads) = {
            let mut connections = lock(&self.connections);
            (
                std::mem::take(&mut connections.open),
                std::mem::take(&mut connections.threads),
            )
        };
        for stream in open.values() {
            // Ends a blocked `read` (it returns 0) or `write` (an error).
            let _ = stream.shutdown(Shutdown::Both);
        }
        drop(open);
        for thread in threads {
            // A handler that panicked has nothing more to clean up.
            let _ = thread.join();
        }
    }
}

/// The address to connect to in order to reach a listener on `addr`: the
/// same port on loopback if it listens on every address (`0.0.0.0`).
fn wake_addr(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(Ipv4Addr::LOCALHOST.into(), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(Ipv6Addr::LOCALHOST.into(), addr.port())
        }
        _ => addr,
    }
}

fn accept_loop<H>(
    listener: TcpListener,
    thread_name: String,
    handler: H,
    stopping: &AtomicBool,
    connections: Arc<Mutex<Connections>>,
) where
    H: Fn(TcpStream) + Send + Sync + 'static,
{
    let handler = Arc::new(handler);
    for stream in listener.incoming() {
        if stopping.load(Ordering::SeqCst) {
            break; // the listener is dropped here: new connections are refused
        }
        let stream = match stream {
            Ok(stream) => stream,
            Err(_) => {
                // A peer that gave up before we accepted, or no file
                // descriptor left: not a reason to stop serving. Pause a
                // little so that a lasting error does not spin.
                thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        let Ok(clone) = stream.try_clone() else {
            continue; // a connection we could not close later: refuse it
        };
        let mut tracked = lock(&connections);
        // Join the threads of connections that have ended (instant), so
        // the list does not grow with every connection ever served.
        let (ended, running): (Vec<_>, Vec<_>) =
            tracked.threads.drain(..).partition(|t| t.is_finished());
        tracked.threads = running;
        for thread in ended {
            let _ = thread.join();
        }
        let id = tracked.next_id;
        tracked.next_id += 1;
        tracked.open.insert(id, clone);
        let untrack = Untrack {
            connections: Arc::clone(&connections),
            id,
        };
        let handler = Arc::clone(&handler);
        let spawned = thread::Builder::new()
            .name(thread_name.clone())
            .spawn(move || {
                let _untrack = untrack;
                handler(stream);
            });
        match spawned {
            Ok(thread) => tracked.threads.push(thread),
            // No thread: the closure, and the stream with it, is dropped.
            Err(_) => {
                tracked.open.remove(&id);
            }
        }
    }
}
// ANCHOR_END: server

// ANCHOR: echo_connection
/// The echo handler: writes back every byte it reads, as soon as it reads
/// it, until the client closes its side (a `read` of 0) or an error.
pub fn echo_connection(mut stream: TcpStream) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) => return, // the client has closed its side
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return,
        };
        // Whatever one `read` gave: a piece of a message, or several.
        if stream.write_all(&buf[..n]).is_err() {
            return;
        }
    }
}

/// An echo server on `addr`: [`echo_connection`] for every connection,
/// threads named `echo:<port>`.
pub fn start_echo(addr: impl ToSocketAddrs) -> io::Result<TcpServer> {
    TcpServer::start(addr, "echo", echo_connection)
}
// ANCHOR_END: echo_connection

// ANCHOR: client
/// Sends `message` to the echo server at `addr`, closes the sending side,
/// and returns everything the server sent back until it closed. Each step
/// (connect, every read and write) waits at most `timeout`.
pub fn echo(addr: SocketAddr, message: &[u8], timeout: Duration) -> io::Result<Vec<u8>> {
    let stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    // Write and read at the same time: a server that echoes a big message
    // fills our receive buffer while we are still sending, and stops
    // reading until we read. Writing everything first would deadlock.
    thread::scope(|scope| {
        let writer = scope.spawn(|| -> io::Result<()> {
            (&stream).write_all(message)?;
            // "That is all": the server reads 0 and closes in turn.
            stream.shutdown(Shutdown::Write)
        });
        let mut reply = Vec::new();
        let read = (&stream).read_to_end(&mut reply);
        if read.is_err() {
            // Unblock the writer if it still waits on a silent server.
            let _ = stream.shutdown(Shutdown::Both);
        }
        let wrote = writer.join().expect("the writer thread does not panic");
        read?;
        wrote?;
        Ok(reply)
    })
}
// ANCHOR_END: client
