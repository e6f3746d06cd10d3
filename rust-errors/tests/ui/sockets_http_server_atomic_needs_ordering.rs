// sockets/http_server: an atomic counter, shared by every connection's thread.
use std::sync::atomic::AtomicU64;

struct Shortener {
    next: AtomicU64,
}

impl Shortener {
    fn next_code(&self) -> String {
        let n = self.next.fetch_add(1);
        format!("{n:x}")
    }
}

fn main() {
    let shortener = Shortener { next: AtomicU64::new(1) };
    println!("{}", shortener.next_code());
}
