// traits/server: a closure given to `iter().any` gets a reference.
struct Service {
    ports: Vec<u16>,
}

fn port_taken(services: &[Service], port: u16) -> bool {
    services.iter().any(|s| s.ports.iter().any(|p| p == port))
}

fn main() {
    let web = Service { ports: vec![80, 443] };
    println!("{}", port_taken(&[web], 80));
}
