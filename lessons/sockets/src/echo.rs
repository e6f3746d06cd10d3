//! Exercise 2: a TCP echo server with a clean shutdown.
//!
//! Python's `socketserver.ThreadingTCPServer` in a few dozen lines: a
//! thread that accepts, a thread per connection, and — what Python's
//! version makes hard — a `shutdown` after which **nothing** of the server
//! is left: no thread, no open connection, no listening port. Exercise 6
//! runs its HTTP server on this same `TcpServer`.
//!
//! `TcpServer::start(addr, name, handler)`:
//!
//! - `TcpListener::bind(addr)`; with port 0 the system picks a free port,
//!   and `local_addr()` says which (tests run in parallel this way).
//! - An accept thread loops on `listener.incoming()`. Each connection goes
//!   to `handler` on a **thread of its own**: a handler blocked on a slow
//!   client must not stop the others from being served.
//! - Every thread of the server is named `name:<port>` with
//!   `thread::Builder::new().name(..)`: `top -H`, `gdb`, panic messages and
//!   the tests see them. (Linux keeps 15 bytes of a name: keep `name` short.)
//!
//! `shutdown(self)`, in this order:
//!
//! 1. Set a shared `stopping` flag (`AtomicBool`).
//! 2. Wake the accept thread: it is blocked in `accept`, which returns only
//!    for a connection, so **connect to the server yourself**. The loop
//!    checks the flag after each `accept` and ends, dropping the listener
//!    (the port is free again).
//! 3. Join the accept thread. From now on no connection can be added.
//! 4. Close every open connection: the server keeps a `try_clone` of each
//!    stream, and `stream.shutdown(Shutdown::Both)` makes the blocked
//!    `read` of its thread return 0 (the handler then sees "the client
//!    left") and the client sees the end of the connection.
//! 5. Join every connection thread.
//!
//! So the accept loop records, for each connection, a clone of its stream
//! and the `JoinHandle` of its thread (in `Connections`, behind one
//! `Mutex`). A connection's thread forgets its clone when the handler
//! returns, or the connection would stay open; and the accept loop joins
//! the threads that have finished (`JoinHandle::is_finished`) so the list
//! does not grow for ever.
//!
//! `echo_connection` is the echo handler: `read` into a buffer, write back
//! **what that read gave** (`write_all(&buf[..n])`), until a read returns
//! 0. Never wait for "the whole message": TCP has no messages, and the
//! client may be waiting for its first byte back.
//!
//! `echo(addr, message, timeout)` is the client: connect (with
//! `connect_timeout`), set read and write time-outs (a silent server must
//! not hang it), send the message, `shutdown(Shutdown::Write)` ("that is
//! all": the server reads 0), and read until the server closes. **Write
//! and read at the same time** (a scoped thread writes, this one reads):
//! the server echoes while we send, and once the echo fills our receive
//! buffer the server stops reading until we read. Write everything first,
//! and a large message deadlocks. `&TcpStream` implements `Read` and
//! `Write`, so two threads can share one stream without `try_clone`.
//!
//! Run the tests with `cargo kata check sockets/echo`.

use std::collections::HashMap;
use std::io;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
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

impl TcpServer {
    /// Binds `addr` (port 0: the system picks a free port), and starts the
    /// accept thread. Every thread of the server is named `name:<port>`.
    /// Each connection is given to `handler` on a thread of its own.
    /// Keep the signature: share `handler` through an `Arc`, not the `H: Clone` rustc suggests.
    pub fn start<H>(addr: impl ToSocketAddrs, name: &str, handler: H) -> io::Result<TcpServer>
    where
        H: Fn(TcpStream) + Send + Sync + 'static,
    {
        todo!(
            "bind the {}, start an accept thread named {name}:<port> that gives each connection to {} on a thread of its own, and keep them in {:?}",
            std::any::type_name_of_val(&addr),
            std::any::type_name_of_val(&handler),
            Connections::default()
        )
    }

    /// The address the server listens on, with the port the system chose.
    pub fn local_addr(&self) -> SocketAddr {
        todo!("the address of the listener, {}", self.addr)
    }

    /// Stops accepting, closes every connection and joins every thread.
    ///
    /// Take what you need out of `connections` under the lock (shut the
    /// streams down, `std::mem::take` the threads), and **let the lock go
    /// before joining**: a connection thread that ends takes the same lock
    /// to remove itself, so joining it while you hold the lock waits for
    /// ever (a deadlock, reported as a time-out).
    pub fn shutdown(self) {
        let connections = self.connections.lock().unwrap();
        let (open, next_id, threads) = (
            connections.open.len(),
            connections.next_id,
            connections.threads.len(),
        );
        drop(connections); // never join under this lock
        todo!(
            "set {:?}, wake and join {:?}, shut down the {open} open streams (next id {next_id}) and join their {threads} threads, with the connections lock released",
            self.stopping,
            self.acceptor
        )
    }
}

/// The echo handler: writes back every byte it reads, as soon as it reads
/// it, until the client closes its side (a `read` of 0) or an error.
pub fn echo_connection(stream: TcpStream) {
    todo!("read from {stream:?} and write back what each read gave, until a read gives 0")
}

/// An echo server on `addr`: [`echo_connection`] for every connection,
/// threads named `echo:<port>`.
pub fn start_echo(addr: impl ToSocketAddrs) -> io::Result<TcpServer> {
    todo!(
        "TcpServer::start on the {} with the name \"echo\" and echo_connection",
        std::any::type_name_of_val(&addr)
    )
}

/// Sends `message` to the echo server at `addr`, closes the sending side,
/// and returns everything the server sent back until it closed. Each step
/// (connect, every read and write) waits at most `timeout`.
pub fn echo(addr: SocketAddr, message: &[u8], timeout: Duration) -> io::Result<Vec<u8>> {
    todo!(
        "connect to {addr} within {timeout:?}, send {} bytes while reading the reply, and return it",
        message.len()
    )
}
