// fleet/report: `write!` into a `String` needs `std::fmt::Write`.
fn prometheus(up: &[(&str, bool)]) -> String {
    let mut out = String::new();
    for (server, is_up) in up {
        writeln!(out, "fleet_up{{server=\"{server}\"}} {}", u8::from(*is_up)).unwrap();
    }
    out
}

fn main() {
    print!("{}", prometheus(&[("web-1", true)]));
}
