// processes/run: `from_utf8_lossy` gives a `Cow`, the struct wants a `String`.
pub struct Output {
    pub stdout: String,
}

fn main() {
    let bytes = b"caf\xe9 ok".to_vec();
    let output = Output { stdout: String::from_utf8_lossy(&bytes) };
    println!("{}", output.stdout);
}
