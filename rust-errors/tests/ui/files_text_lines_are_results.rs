// files/text: `BufRead::lines` yields `io::Result<String>`, not `String`.
use std::io::{self, BufRead};

fn level_of(line: &str) -> Option<&str> {
    line.split_whitespace().nth(1)
}

fn count_errors(reader: impl BufRead) -> io::Result<usize> {
    let mut errors = 0;
    for line in reader.lines() {
        if level_of(&line) == Some("ERROR") {
            errors += 1;
        }
    }
    Ok(errors)
}

fn main() {
    println!("{:?}", count_errors(io::Cursor::new("t ERROR x\n")));
}
