// traits/display: `?` converts an error only through a `From` impl.
use std::num::ParseIntError;
use std::str::FromStr;

#[derive(Debug)]
enum ParseServiceError {
    MissingColon,
    BadPort(String),
}

struct Service {
    name: String,
    port: u16,
}

impl FromStr for Service {
    type Err = ParseServiceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (name, port) = s.split_once(':').ok_or(ParseServiceError::MissingColon)?;
        let port: u16 = port.parse()?;
        Ok(Service { name: name.to_string(), port })
    }
}

fn main() {
    let _ = ParseServiceError::BadPort(String::new());
    let _: Result<u16, ParseIntError> = "80".parse();
    let service: Service = "ssh:22".parse().unwrap();
    println!("{} {}", service.name, service.port);
}
