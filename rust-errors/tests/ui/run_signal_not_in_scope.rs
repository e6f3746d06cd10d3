// processes/run: `signal()` comes from a Unix-only trait, not imported.
use std::process::Command;

fn main() {
    let status = Command::new("true").status().unwrap();
    if status.code().is_none() {
        println!("killed by signal {:?}", status.signal());
    }
}
