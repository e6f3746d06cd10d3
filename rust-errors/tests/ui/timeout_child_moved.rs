// processes/timeout: the waiter thread owns the child; its pid is asked after.
use std::process::Command;
use std::sync::mpsc;
use std::thread;

fn main() {
    let mut child = Command::new("sleep").arg("1").spawn().unwrap();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(child.wait());
    });
    let group = child.id();
    println!("group {group}: {:?}", rx.recv().unwrap());
}
