//! Loopback sockets: connected pairs, a port where nothing listens, and
//! whether IPv6 loopback exists. Nothing leaves the machine.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::{AsRawFd, OwnedFd};

/// A loopback port where nothing listens, and where nothing can start to
/// while this value lives: a TCP socket bound to a free port that never
/// listens. A connection to it is refused at once (RST). Keep it in a
/// named variable for as long as the port must refuse: a port bound and
/// let go may be handed to the next socket that binds port 0, another
/// test's listener among them, and a "refused" test would then connect.
#[derive(Debug)]
pub struct ClosedPort {
    _socket: OwnedFd,
    addr: SocketAddr,
}

impl ClosedPort {
    /// The address that refuses connections (127.0.0.1 or `[::1]`).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }
}

/// A port of 127.0.0.1 where nothing listens, kept so while the returned
/// [`ClosedPort`] lives.
pub fn closed_port() -> ClosedPort {
    use nix::sys::socket::{AddressFamily, SockaddrIn, bind, getsockname};
    let socket = tcp_socket(AddressFamily::Inet);
    bind(socket.as_raw_fd(), &SockaddrIn::new(127, 0, 0, 1, 0)).expect("bind 127.0.0.1:0");
    let local: SockaddrIn = getsockname(socket.as_raw_fd()).expect("the bound address");
    ClosedPort {
        _socket: socket,
        addr: SocketAddr::from((Ipv4Addr::LOCALHOST, local.port())),
    }
}

/// A port of `[::1]` where nothing listens, kept so while the returned
/// [`ClosedPort`] lives; `None` where this machine has no IPv6 loopback.
pub fn closed_port_v6() -> Option<ClosedPort> {
    use nix::sys::socket::{AddressFamily, SockaddrIn6, bind, getsockname};
    let socket = tcp_socket(AddressFamily::Inet6);
    let any_port = SockaddrIn6::from(std::net::SocketAddrV6::new(Ipv6Addr::LOCALHOST, 0, 0, 0));
    bind(socket.as_raw_fd(), &any_port).ok()?;
    let local: SockaddrIn6 = getsockname(socket.as_raw_fd()).expect("the bound address");
    Some(ClosedPort {
        _socket: socket,
        addr: SocketAddr::from((Ipv6Addr::LOCALHOST, local.port())),
    })
}

fn tcp_socket(family: nix::sys::socket::AddressFamily) -> OwnedFd {
    use nix::sys::socket::{SockFlag, SockType, socket};
    socket(family, SockType::Stream, SockFlag::empty(), None).expect("a TCP socket")
}

/// Two ends of one TCP connection over `127.0.0.1`, port chosen by the
/// system: `(client, server)`. Nothing leaves the machine.
pub fn loopback_pair() -> (std::net::TcpStream, std::net::TcpStream) {
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").expect("bind a listener on 127.0.0.1:0");
    let addr = listener.local_addr().expect("the listener's address");
    let client = std::net::TcpStream::connect(addr).expect("connect over loopback");
    let (server, _) = listener.accept().expect("accept over loopback");
    (client, server)
}

/// Whether this machine has IPv6 loopback (`[::1]`): some containers and
/// CI machines have IPv6 turned off. A test of IPv6 returns early when not.
pub fn ipv6_loopback_available() -> bool {
    std::net::TcpListener::bind("[::1]:0").is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_port_refuses_connections_and_stays_taken() {
        let closed = closed_port();
        assert!(closed.addr().ip().is_loopback());
        let refused = std::net::TcpStream::connect(closed.addr()).unwrap_err();
        assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
        // While it lives, nobody else can listen there.
        assert!(std::net::TcpListener::bind(closed.addr()).is_err());
        let port = closed.port();
        drop(closed);
        // Let go, the port is free again (what the guard is for).
        assert!(std::net::TcpListener::bind(("127.0.0.1", port)).is_ok());
    }

    #[test]
    fn a_closed_v6_port_refuses_connections_where_there_is_ipv6() {
        let Some(closed) = closed_port_v6() else {
            assert!(!ipv6_loopback_available());
            return;
        };
        assert!(closed.addr().is_ipv6());
        let refused = std::net::TcpStream::connect(closed.addr()).unwrap_err();
        assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
        assert!(std::net::TcpListener::bind(closed.addr()).is_err());
    }

    #[test]
    fn loopback_pair_is_connected_both_ways() {
        use std::io::{Read, Write};
        let (mut client, mut server) = loopback_pair();
        client.write_all(b"ping").unwrap();
        let mut buf = [0u8; 4];
        server.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"ping");
        server.write_all(b"pong").unwrap();
        client.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"pong");
        assert!(client.peer_addr().unwrap().ip().is_loopback());
    }
}
