// sockets/http_client: `write!` into a stream needs the `Write` trait.
use std::net::TcpStream;

fn send_get(stream: &mut TcpStream, host: &str, path: &str) -> std::io::Result<()> {
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
}

fn main() {
    if let Ok(mut stream) = TcpStream::connect("127.0.0.1:80") {
        println!("{:?}", send_get(&mut stream, "localhost", "/"));
    }
}
