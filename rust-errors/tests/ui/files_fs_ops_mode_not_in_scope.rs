// files/fs_ops: Unix permission bits come from a trait that must be imported.
use std::fs;
use std::io;
use std::path::Path;

fn mode(path: &Path) -> io::Result<u32> {
    Ok(fs::metadata(path)?.permissions().mode() & 0o7777)
}

fn main() {
    println!("{:?}", mode(Path::new("/")));
}
