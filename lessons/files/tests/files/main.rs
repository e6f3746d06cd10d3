//! The one test binary of lesson `files`: a module per exercise.
//! These tests are the lesson's spec; they run unchanged against the stubs in
//! `src/` and against the reference solutions (`--features solution`).
//!
//! Every test works in a `tempfile` folder of its own: nothing outside it is
//! read or written (but for the system's `tar`, run on such a folder).

mod atomic;
mod backup;
mod fs_ops;
mod json;
mod text;
mod yaml;

use std::path::{Path, PathBuf};

/// Writes `content` to `dir/name` (creating the folders on the way) and
/// returns the path.
pub fn write_file(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, content).unwrap();
    path
}

/// The names in `dir`, sorted: what a test expects to find there.
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
