// processes/streaming: `on_line` called from the reader thread.
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::thread;

#[derive(Debug)]
pub enum Line {
    Stdout(String),
}

pub fn stream(program: &str, mut on_line: impl FnMut(Line)) {
    let mut child = Command::new(program).stdout(Stdio::piped()).spawn().unwrap();
    let out = child.stdout.take().unwrap();
    let reader = thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            on_line(Line::Stdout(line.unwrap()));
        }
    });
    reader.join().unwrap();
    child.wait().unwrap();
}

fn main() {
    stream("date", |line| println!("{line:?}"));
}
