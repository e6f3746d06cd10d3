// files/backup: `?` on an `Option` works only in a function returning
// `Option`; in one returning `Result`, say which error a `None` is.
use std::fs;
use std::io;
use std::path::Path;

fn names(dir: &Path) -> io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        let name = entry?.file_name().to_str()?.to_string();
        names.push(name);
    }
    Ok(names)
}

fn main() {
    println!("{:?}", names(Path::new(".")));
}
