//! Seals: what a lesson looked like as shipped. `kata seal` writes
//! `lessons/<id>/seal.toml`; `kata verify` checks it is current; `kata check`
//! uses it to notice a learner's change to any file that decides what is
//! tested (`Cargo.toml`, `src/lib.rs`, `tests/**`: all under `[tests]`),
//! `kata list` to tell "not started", and `kata reset` to find the stub in git.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::course::{Course, Lesson, Seal};
use crate::error::{Error, Result};

/// sha256 of `bytes`, as hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The id git gives a file with these contents (`git hash-object`).
pub fn git_blob_id(bytes: &[u8]) -> String {
    let mut hasher = Sha1::new();
    hasher.update(format!("blob {}\0", bytes.len()).as_bytes());
    hasher.update(bytes);
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The files of a lesson, besides `tests/**`, that decide what is tested:
/// the manifest (features such as `default = ["solution"]`, dependencies)
/// and the crate root (which files the modules come from).
pub const DECIDING_FILES: &[&str] = &["Cargo.toml", "src/lib.rs"];

/// The seal of `lesson` as its files are now.
pub fn compute(course: &Course, lesson: &Lesson) -> Result<Seal> {
    let dir = course.lesson_dir(lesson);
    let mut tests = BTreeMap::new();
    let mut deciding: Vec<PathBuf> = DECIDING_FILES
        .iter()
        .map(|f| dir.join(f))
        .filter(|p| p.is_file())
        .collect();
    deciding.extend(files_below(&dir.join("tests"))?);
    for path in deciding {
        let bytes = fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let relative = path
            .strip_prefix(&dir)
            .expect("below the lesson")
            .to_string_lossy()
            .into_owned();
        tests.insert(relative, sha256_hex(&bytes));
    }
    let mut stubs = BTreeMap::new();
    for exercise in &lesson.exercises {
        let path = course.stub_path(lesson, exercise);
        let bytes = fs::read(&path).map_err(|e| Error::io(&path, e))?;
        stubs.insert(exercise.id.clone(), git_blob_id(&bytes));
    }
    Ok(Seal { tests, stubs })
}

/// Writes `lessons/<id>/seal.toml`.
pub fn write(course: &Course, lesson: &Lesson, seal: &Seal) -> Result<PathBuf> {
    let path = course.lesson_dir(lesson).join("seal.toml");
    let body = toml::to_string(seal).map_err(|e| Error::Other(e.to_string()))?;
    let text = format!(
        "# Written by `cargo kata seal`: the lesson's tests and stubs as shipped.\n\
         # Do not edit by hand; `cargo kata verify` checks that it is current.\n\n{body}"
    );
    fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
    Ok(path)
}

/// Files that decide what is tested (relative to the lesson folder) whose
/// contents differ from the seal, including added and removed ones. Empty
/// when nothing changed.
pub fn changed_tests(course: &Course, lesson: &Lesson) -> Result<Vec<String>> {
    let Some(sealed) = &lesson.seal else {
        return Ok(Vec::new());
    };
    let now = compute(course, lesson)?;
    let mut changed: Vec<String> = sealed
        .tests
        .iter()
        .filter(|(path, digest)| now.tests.get(*path) != Some(digest))
        .map(|(path, _)| path.clone())
        .collect();
    changed.extend(
        now.tests
            .keys()
            .filter(|path| !sealed.tests.contains_key(*path))
            .cloned(),
    );
    Ok(changed)
}

/// Whether the edited files touch `exercise`: its own test module, or any
/// file shared by all exercises (the manifest, the crate root, the test
/// binary's root, helpers).
pub fn touches_exercise(lesson: &Lesson, exercise_id: &str, changed: &[String]) -> bool {
    let own = format!("tests/{}/{exercise_id}.rs", lesson.id);
    changed.iter().any(|path| {
        *path == own
            || !lesson
                .exercises
                .iter()
                .any(|e| *path == format!("tests/{}/{}.rs", lesson.id, e.id))
    })
}

fn files_below(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(&dir, e))?;
            let kind = entry.file_type().map_err(|e| Error::io(&entry.path(), e))?;
            if kind.is_dir() {
                pending.push(entry.path());
            } else if kind.is_file() {
                // Snapshots that insta has not had reviewed are not part of the lesson.
                let name = entry.file_name();
                let name = name.to_string_lossy();
                if !name.ends_with(".snap.new") && !name.ends_with(".pending-snap") {
                    files.push(entry.path());
                }
            }
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_ids_match_git() {
        // `printf 'hello\n' | git hash-object --stdin`
        assert_eq!(
            git_blob_id(b"hello\n"),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
    }
}
