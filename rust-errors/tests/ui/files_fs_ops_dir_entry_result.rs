// files/fs_ops: each entry of `read_dir` is an `io::Result` of its own.
use std::fs;
use std::io;
use std::path::Path;

fn listing(dir: &Path) -> io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    Ok(names)
}

fn main() {
    println!("{:?}", listing(Path::new(".")));
}
