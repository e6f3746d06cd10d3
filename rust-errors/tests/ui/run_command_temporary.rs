// processes/run: the builder's `&mut Command` kept, the `Command` not.
use std::process::Command;

fn main() {
    let command = Command::new("git").arg("status");
    let output = command.output().unwrap();
    println!("{}", output.status);
}
