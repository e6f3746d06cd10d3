// processes/streaming: `on_line` is an `FnMut`, called without `mut`.
#[derive(Debug)]
pub enum Line {
    Stdout(String),
}

pub fn stream(lines: Vec<String>, on_line: impl FnMut(Line)) {
    for line in lines {
        on_line(Line::Stdout(line));
    }
}

fn main() {
    let mut seen = Vec::new();
    stream(vec!["a".to_string()], |line| seen.push(line));
    println!("{seen:?}");
}
