//! Exercise 4: UDP request–reply with retries.
//!
//! Reference solution. The server is one thread around `recv_from` and
//! `send_to`, with a buffer big enough for any datagram; `shutdown` sets a
//! flag and sends the server an empty datagram to wake it. The client
//! `connect`s its socket to the server, so the kernel drops datagrams from
//! anyone else (and reports a closed port as "connection refused"); it
//! waits `timeout` per attempt and sends again, `attempts` times in all.
//! Its buffer is one byte larger than the largest reply it accepts: a
//! datagram that fills it was too large, and the kernel cut it.

use std::error::Error;
use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
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

// ANCHOR: server
impl UdpServer {
    /// Binds `addr` and answers each datagram with what `handler` returns
    /// for its bytes (`None`: no reply), to the address it came from.
    pub fn start<H>(addr: impl ToSocketAddrs, mut handler: H) -> io::Result<UdpServer>
    where
        H: FnMut(&[u8]) -> Option<Vec<u8>> + Send + 'static,
    {
        let socket = UdpSocket::bind(addr)?;
        let addr = socket.local_addr()?;
        let stopping = Arc::new(AtomicBool::new(false));
        let thread = thread::Builder::new()
            .name(format!("udp:{}", addr.port()))
            .spawn({
                let stopping = Arc::clone(&stopping);
                move || {
                    let mut buf = vec![0u8; MAX_DATAGRAM + 1];
                    loop {
                        let received = socket.recv_from(&mut buf);
                        if stopping.load(Ordering::SeqCst) {
                            break;
                        }
                        // An error is about one datagram: go on.
                        let Ok((n, from)) = received else { continue };
                        // One `recv_from` is one datagram, whole: the
                        // boundaries the sender chose, and only its bytes.
                        if let Some(reply) = handler(&buf[..n]) {
                            let _ = socket.send_to(&reply, from);
                        }
                    }
                }
            })?;
        Ok(UdpServer {
            addr,
            stopping,
            thread,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops the server and joins its thread.
    pub fn shutdown(self) {
        self.stopping.store(true, Ordering::SeqCst);
        // `recv_from` returns only for a datagram: send one.
        let target = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => {
                SocketAddr::new(Ipv4Addr::LOCALHOST.into(), self.addr.port())
            }
            IpAddr::V6(ip) if ip.is_unspecified() => {
                SocketAddr::new(Ipv6Addr::LOCALHOST.into(), self.addr.port())
            }
            _ => self.addr,
        };
        if let Ok(waker) = UdpSocket::bind(SocketAddr::new(target.ip(), 0)) {
            let _ = waker.send_to(&[], target);
        }
        let _ = self.thread.join();
    }
}
// ANCHOR_END: server

// ANCHOR: request
/// Sends `message` to `server` and returns its reply, of at most
/// `max_reply` bytes. Waits `retry.timeout` for each reply and sends again
/// if none came, `retry.attempts` times in all (at least once).
pub fn request(
    server: SocketAddr,
    message: &[u8],
    max_reply: usize,
    retry: Retry,
) -> Result<Vec<u8>, UdpError> {
    let local_ip = match server.ip() {
        ip if ip.is_loopback() => ip,
        IpAddr::V4(_) => Ipv4Addr::UNSPECIFIED.into(),
        IpAddr::V6(_) => Ipv6Addr::UNSPECIFIED.into(),
    };
    let socket = UdpSocket::bind(SocketAddr::new(local_ip, 0))?;
    // Only the server's datagrams reach this socket from now on.
    socket.connect(server)?;
    socket.set_read_timeout(Some(retry.timeout.max(Duration::from_millis(1))))?;
    // One byte more than the largest reply we accept: a datagram that
    // fills the buffer was cut by the kernel, which says nothing.
    let mut buf = vec![0u8; max_reply + 1];
    let attempts = retry.attempts.max(1);
    for _ in 0..attempts {
        socket.send(message)?;
        let received = loop {
            match socket.recv(&mut buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        match received {
            Ok(n) if n > max_reply => return Err(UdpError::ReplyTooLarge { max: max_reply }),
            Ok(n) => return Ok(buf[..n].to_vec()),
            // The time-out: try again.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Err(UdpError::TimedOut { attempts })
}
// ANCHOR_END: request
