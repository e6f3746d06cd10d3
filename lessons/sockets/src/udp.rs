//! Exercise 4: UDP request–reply with retries.
//!
//! UDP sends **datagrams**: one `send` is one message, delivered whole or
//! not at all, maybe out of order, maybe twice, with no connection and no
//! acknowledgement. DNS, NTP, syslog and StatsD metrics use it: small
//! messages, where a lost one is cheaper to send again than a TCP
//! connection is to open. In Python: `sock.sendto(data, addr)` and
//! `data, addr = sock.recvfrom(65535)`.
//!
//! **The server** (`UdpServer::start(addr, handler)`): bind a `UdpSocket`,
//! and on a thread named `udp:<port>` loop: `recv_from` one datagram,
//! give **its bytes** (`&buf[..n]`, not the whole buffer) to the handler,
//! and `send_to` the reply (if any) to the address it came from. The
//! buffer must hold the largest datagram ([`MAX_DATAGRAM`]): a datagram
//! larger than the buffer is cut to fit, and the kernel says nothing. An
//! empty datagram is a message too. `shutdown` sets a flag and wakes the
//! thread the only way `recv_from` can be woken: send it a datagram (from
//! a socket of its own, on loopback), then join the thread.
//!
//! **The client** (`request(server, message, max_reply, retry)`):
//!
//! - Bind a socket (on loopback if the server is there, port 0) and
//!   `connect` it to the server. On UDP, `connect` sends nothing: it makes
//!   the kernel drop datagrams from any other address (a stray or spoofed
//!   packet is not the reply), lets you use `send`/`recv`, and reports a
//!   port where nothing listens as `ConnectionRefused`.
//! - `set_read_timeout(retry.timeout)`: without it, one lost datagram hangs
//!   the client for ever. Send, wait for the reply; on a time-out
//!   (`WouldBlock` or `TimedOut`) send again, `retry.attempts` times in all
//!   (at least one), then give up with `TimedOut { attempts }`. Retries
//!   are safe only for requests that may be handled twice (idempotent).
//! - A reply larger than `max_reply` must be **reported**, not silently cut:
//!   receive into a buffer of `max_reply + 1` bytes; if the datagram fills
//!   it, it was too large (`ReplyTooLarge`).
//!
//! Run the tests with `cargo kata check sockets/udp`.

use std::error::Error;
use std::fmt;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::thread::JoinHandle;
use std::time::Duration;

/// The largest payload of a UDP datagram over IPv4 (65535 minus the IP and
/// UDP headers). The server's buffer holds that much.
pub const MAX_DATAGRAM: usize = 65_507;

/// How long the client waits for each reply, and how many requests it
/// sends in all before giving up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    pub timeout: Duration,
    pub attempts: u32,
}

/// What can go wrong with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UdpError {
    /// No reply after `attempts` requests.
    TimedOut { attempts: u32 },
    /// A reply larger than `max` bytes came: the kernel would have cut it.
    ReplyTooLarge { max: usize },
    /// The socket failed (a refused port shows here).
    Io {
        kind: io::ErrorKind,
        message: String,
    },
}

impl fmt::Display for UdpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UdpError::TimedOut { attempts } => {
                write!(f, "no reply after {attempts} attempts")
            }
            UdpError::ReplyTooLarge { max } => {
                write!(f, "a reply larger than {max} bytes")
            }
            UdpError::Io { message, .. } => write!(f, "{message}"),
        }
    }
}

impl Error for UdpError {}

impl From<io::Error> for UdpError {
    fn from(error: io::Error) -> UdpError {
        UdpError::Io {
            kind: error.kind(),
            message: error.to_string(),
        }
    }
}

/// A running UDP server: one thread, named `udp:<port>`.
#[derive(Debug)]
pub struct UdpServer {
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl UdpServer {
    /// Binds `addr` and answers each datagram with what `handler` returns
    /// for its bytes (`None`: no reply), to the address it came from.
    pub fn start<H>(addr: impl ToSocketAddrs, handler: H) -> io::Result<UdpServer>
    where
        H: FnMut(&[u8]) -> Option<Vec<u8>> + Send + 'static,
    {
        todo!(
            "bind the {} and answer each datagram with {} on a thread named udp:<port>",
            std::any::type_name_of_val(&addr),
            std::any::type_name_of_val(&handler)
        )
    }

    pub fn local_addr(&self) -> SocketAddr {
        todo!("the address the socket is bound to, {}", self.addr)
    }

    /// Stops the server and joins its thread.
    pub fn shutdown(self) {
        todo!(
            "set {:?}, wake the server with a datagram, and join {:?}",
            self.stopping,
            self.thread
        )
    }
}

/// Sends `message` to `server` and returns its reply, of at most
/// `max_reply` bytes. Waits `retry.timeout` for each reply and sends again
/// if none came, `retry.attempts` times in all (at least once).
pub fn request(
    server: SocketAddr,
    message: &[u8],
    max_reply: usize,
    retry: Retry,
) -> Result<Vec<u8>, UdpError> {
    todo!(
        "send {} bytes to {server} and wait for a reply of at most {max_reply} bytes, {retry:?}",
        message.len()
    )
}
