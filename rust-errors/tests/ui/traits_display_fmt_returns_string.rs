// traits/display: `fmt` writes into the formatter; it does not return text.
use std::fmt;

enum Protocol {
    Tcp,
    Udp,
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Protocol::Tcp => "tcp".to_string(),
            Protocol::Udp => "udp".to_string(),
        }
    }
}

fn main() {
    println!("{}", Protocol::Tcp);
}
