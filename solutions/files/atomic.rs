//! Exercise 5: a write that is all or nothing.
//!
//! Reference solution. The new content goes to a temporary file in the
//! target's own folder (`rename` is atomic only within one file system),
//! created with `create_new` so that it never clobbers anything, given the
//! target's permissions before any byte is written, flushed to the disk
//! (`sync_all`), and renamed over the target. The folder is synced last,
//! so that the rename itself survives a power cut. Any error removes the
//! temporary file and leaves the target as it was.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The temporary file's name for `target`: hidden, in the same folder,
/// with the process id and a counter so that two writers never collide.
fn temp_path(target: &Path, attempt: u32) -> io::Result<PathBuf> {
    let name = target.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} names no file", target.display()),
        )
    })?;
    let temp_name = format!(
        ".{}.tmp-{}-{attempt}",
        name.to_string_lossy(),
        std::process::id()
    );
    Ok(target.with_file_name(temp_name))
}

// ANCHOR: write_atomic_with
/// Replaces the file at `path` with what `write` writes, atomically: a
/// reader sees the old content or the new, never a mix, and if `write` (or
/// anything else) fails, the old content stays and no temporary file is
/// left. The file keeps its permissions; a new file gets `0o644`.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let mode = match fs::metadata(path) {
        Ok(meta) => meta.permissions().mode() & 0o7777,
        Err(e) if e.kind() == io::ErrorKind::NotFound => 0o644,
        Err(e) => return Err(e),
    };
    // A fresh name: `create_new` fails rather than reuse an existing file.
    // Private from the start (`0o600`), so that nobody can open it before
    // it gets its mode and keep reading what is written later.
    let mut attempt = 0;
    let (temp, mut file) = loop {
        let temp = temp_path(path, attempt)?;
        let opened = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temp);
        match opened {
            Ok(file) => break (temp, file),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(e),
        }
    };
    let result = (|| {
        file.set_permissions(fs::Permissions::from_mode(mode))?;
        write(&mut file)?;
        file.flush()?;
        // The bytes are on the disk before the name points at them.
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)?;
        // The rename is on the disk too: sync the folder that holds it.
        let folder = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        File::open(folder)?.sync_all()
    })();
    if result.is_err() {
        // Gone already if the rename happened; nothing else to undo.
        let _ = fs::remove_file(&temp);
    }
    result
}
// ANCHOR_END: write_atomic_with

/// Replaces the file at `path` with `bytes`, atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, |file| file.write_all(bytes))
}
