// processes/timeout: `process_group` comes from a Unix-only trait.
use std::process::Command;

fn main() {
    let child = Command::new("sleep").arg("1").process_group(0).spawn().unwrap();
    println!("group {}", child.id());
}
