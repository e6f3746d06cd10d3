// sockets/echo: one handler, a thread per connection.
use std::net::{TcpListener, TcpStream};
use std::thread;

fn serve<H>(listener: TcpListener, handler: H)
where
    H: Fn(TcpStream) + Send + Sync + 'static,
{
    for stream in listener.incoming().flatten() {
        thread::spawn(move || handler(stream));
    }
}

fn main() {
    if let Ok(listener) = TcpListener::bind("127.0.0.1:0") {
        serve(listener, |_stream| {});
    }
}
