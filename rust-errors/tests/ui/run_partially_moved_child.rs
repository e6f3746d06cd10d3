// processes/run: the child's stdin taken by moving the field out.
use std::io::Write;
use std::process::{Command, Stdio};

fn main() {
    let child = Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.unwrap();
    stdin.write_all(b"hello\n").unwrap();
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    println!("{:?}", output.stdout);
}
