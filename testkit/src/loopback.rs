//! Loopback sockets: connected pairs, a port where nothing listens, and
//! whether IPv6 loopback exists. Nothing leaves the machine.

/// A loopback address where nothing listens: a port bound, then let go.
/// Connecting to it is refused at once (nothing leaves the machine).
pub fn closed_port() -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("the listener's address")
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
    fn a_closed_port_refuses_connections() {
        assert!(std::net::TcpStream::connect(closed_port()).is_err());
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
