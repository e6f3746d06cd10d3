//! # Lesson `sockets`: TCP, UDP, framing and HTTP by hand
//!
//! What Python's `socket`, `socketserver`, `requests` and Flask do
//! underneath: names that become addresses, a TCP server with a thread per
//! connection and a shutdown that leaves nothing behind, messages framed on
//! a stream that has none, UDP request–reply with time-outs and retries,
//! an HTTP client and an HTTP server written on a bare `TcpStream`, and
//! remote procedure calls (JSON-RPC) with a remote command service on top.
//!
//! Work through the exercises in order; each module is one exercise and
//! `cargo kata check sockets/<exercise>` runs its tests. The HTTP server
//! (exercise 6) runs on the TCP server of exercise 2, and the HTTP client
//! (exercise 5) resolves names with exercise 1. The RPC server (exercise
//! 7) sends exercise 3's frames on exercise 2's server, and speaks HTTP
//! with exercise 6's request parser. Every test binds
//! `127.0.0.1` (or `[::1]`) with port 0: nothing leaves the machine. The
//! book chapter (`cargo kata book --open`) explains the ideas behind each
//! one.

#[cfg_attr(feature = "solution", path = "../../../solutions/sockets/resolve.rs")]
pub mod resolve;

#[cfg_attr(feature = "solution", path = "../../../solutions/sockets/echo.rs")]
pub mod echo;

#[cfg_attr(feature = "solution", path = "../../../solutions/sockets/framing.rs")]
pub mod framing;

#[cfg_attr(feature = "solution", path = "../../../solutions/sockets/udp.rs")]
pub mod udp;

#[cfg_attr(
    feature = "solution",
    path = "../../../solutions/sockets/http_client.rs"
)]
pub mod http_client;

#[cfg_attr(
    feature = "solution",
    path = "../../../solutions/sockets/http_server.rs"
)]
pub mod http_server;

#[cfg_attr(feature = "solution", path = "../../../solutions/sockets/rpc.rs")]
pub mod rpc;
