// processes/run: the stdin writer thread borrows from the caller's options.
use std::io::Write;
use std::process::{ChildStdin, Command, Stdio};
use std::thread;

pub struct RunOptions {
    pub stdin: Option<Vec<u8>>,
}

fn feed(mut pipe: ChildStdin, options: &RunOptions) -> thread::JoinHandle<()> {
    let data = options.stdin.as_deref().unwrap_or_default();
    thread::spawn(move || {
        let _ = pipe.write_all(data);
    })
}

fn main() {
    let options = RunOptions { stdin: Some(b"hello\n".to_vec()) };
    let mut child = Command::new("cat").stdin(Stdio::piped()).spawn().unwrap();
    feed(child.stdin.take().unwrap(), &options).join().unwrap();
    child.wait().unwrap();
}
