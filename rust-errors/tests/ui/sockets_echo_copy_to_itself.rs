// sockets/echo: reading from and writing to one stream at once.
use std::io;
use std::net::TcpStream;

fn echo_connection(mut stream: TcpStream) -> io::Result<u64> {
    io::copy(&mut stream, &mut stream)
}

fn main() {
    if let Ok(stream) = TcpStream::connect("127.0.0.1:7") {
        println!("{:?}", echo_connection(stream));
    }
}
