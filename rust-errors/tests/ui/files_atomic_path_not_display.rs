// files/atomic: a `Path` is not text, so `{}` does not take it.
use std::path::{Path, PathBuf};

fn temporary_beside(path: &Path) -> PathBuf {
    PathBuf::from(format!("{}.tmp", path))
}

fn main() {
    println!("{:?}", temporary_beside(Path::new("/etc/hosts")));
}
