// sockets/udp: a time-out is an `io::Error`; its kind says which.
use std::io;
use std::net::UdpSocket;

fn receive(socket: &UdpSocket, buf: &mut [u8]) -> io::Result<Option<usize>> {
    match socket.recv(buf) {
        Ok(n) => Ok(Some(n)),
        Err(e) if e == io::ErrorKind::WouldBlock => Ok(None),
        Err(e) => Err(e),
    }
}

fn main() {
    if let Ok(socket) = UdpSocket::bind("127.0.0.1:0") {
        let mut buf = [0; 512];
        println!("{:?}", receive(&socket, &mut buf));
    }
}
