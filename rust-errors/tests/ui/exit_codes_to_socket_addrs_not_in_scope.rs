// processes/exit_codes: `to_socket_addrs()` comes from a trait.
use std::net::TcpStream;
use std::time::Duration;

fn is_up(address: &str, timeout: Duration) -> bool {
    let Ok(addrs) = address.to_socket_addrs() else {
        return false;
    };
    addrs.into_iter().any(|addr| TcpStream::connect_timeout(&addr, timeout).is_ok())
}

fn main() {
    println!("{}", is_up("127.0.0.1:9", Duration::from_millis(100)));
}
