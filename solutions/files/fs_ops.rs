//! Exercise 4: Python's `os` and `shutil`, the Rust way.
//!
//! Reference solution. Everything that must not follow a symbolic link
//! asks `symlink_metadata` (`lstat`) instead of `metadata` (`stat`), and
//! walks with `read_dir`, whose entries say their own type without
//! following links. That is what keeps `disk_usage` out of a symlink cycle
//! and `remove_any` from deleting what a link points to.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// What is at a path, without following a symbolic link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    /// A symbolic link, and the path it holds (which may not exist).
    Symlink(PathBuf),
    /// A socket, a FIFO, a device…
    Other,
}

/// What `disk_usage` found under a folder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Regular files, each hard-linked file counted once.
    pub files: u64,
    /// Folders below the root (the root itself is not counted).
    pub dirs: u64,
    /// Symbolic links, never followed.
    pub symlinks: u64,
    /// The sizes of the files (each hard-linked file once), in bytes.
    pub bytes: u64,
}

// ANCHOR: kind
/// What is at `path`, without following it if it is a symbolic link.
pub fn kind(path: &Path) -> io::Result<Kind> {
    let meta = fs::symlink_metadata(path)?;
    let file_type = meta.file_type();
    Ok(if file_type.is_symlink() {
        Kind::Symlink(fs::read_link(path)?)
    } else if file_type.is_dir() {
        Kind::Dir
    } else if file_type.is_file() {
        Kind::File
    } else {
        Kind::Other
    })
}

/// Whether `a` and `b` are the same file: hard links to one inode (same
/// device, same inode number). Symbolic links are followed here, as
/// Python's `os.path.samefile` does.
pub fn same_file(a: &Path, b: &Path) -> io::Result<bool> {
    let (a, b) = (fs::metadata(a)?, fs::metadata(b)?);
    Ok(a.dev() == b.dev() && a.ino() == b.ino())
}
// ANCHOR_END: kind

// ANCHOR: mode
/// The permission bits of `path` (`0o644`…), without the file type bits.
pub fn mode(path: &Path) -> io::Result<u32> {
    Ok(fs::metadata(path)?.permissions().mode() & 0o7777)
}

/// Sets the permission bits of `path` to exactly `mode`: `chmod`.
pub fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}
// ANCHOR_END: mode

/// The names in `dir`, sorted (byte order), without `.` and `..`: what
/// `sorted(os.listdir(dir))` gives. A name that is not UTF-8 is shown with
/// `U+FFFD` in place of its bad bytes.
pub fn listing(dir: &Path) -> io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        names.push(entry?.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}

// ANCHOR: copy_tree
/// Copies the folder `from` to `to` (created with its parents), with
/// everything in it: files with their permissions, folders, and symbolic
/// links as links (holding the same path, never what they point to).
/// Returns the bytes of file content copied. `to` must not exist yet.
pub fn copy_tree(from: &Path, to: &Path) -> io::Result<u64> {
    if fs::symlink_metadata(to).is_ok() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} already exists", to.display()),
        ));
    }
    fs::create_dir_all(to)?;
    let mut bytes = 0;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let source = entry.path();
        let target = to.join(entry.file_name());
        let file_type = entry.file_type()?;
        if file_type.is_symlink() {
            std::os::unix::fs::symlink(fs::read_link(&source)?, &target)?;
        } else if file_type.is_dir() {
            bytes += copy_tree(&source, &target)?;
        } else {
            // `fs::copy` copies the permission bits too.
            bytes += fs::copy(&source, &target)?;
        }
    }
    Ok(bytes)
}
// ANCHOR_END: copy_tree

// ANCHOR: disk_usage
/// Sums what is under `dir`, like `du`: never follows a symbolic link (so
/// a cycle of links is harmless), and counts a file with several hard links
/// once.
pub fn disk_usage(dir: &Path) -> io::Result<Usage> {
    let mut usage = Usage::default();
    let mut seen: HashSet<(u64, u64)> = HashSet::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(folder) = todo.pop() {
        for entry in fs::read_dir(&folder)? {
            let entry = entry?;
            // `DirEntry::file_type` does not follow links.
            let file_type = entry.file_type()?;
            if file_type.is_symlink() {
                usage.symlinks += 1;
            } else if file_type.is_dir() {
                usage.dirs += 1;
                todo.push(entry.path());
            } else if file_type.is_file() {
                let meta = entry.metadata()?;
                if seen.insert((meta.dev(), meta.ino())) {
                    usage.files += 1;
                    usage.bytes += meta.len();
                }
            }
        }
    }
    Ok(usage)
}
// ANCHOR_END: disk_usage

// ANCHOR: remove_any
/// Removes whatever is at `path`: a file, a symbolic link (never what it
/// points to), or a folder with everything in it. Like `rm -r`, and
/// unlike `shutil.rmtree`, which refuses a symlink to a folder.
pub fn remove_any(path: &Path) -> io::Result<()> {
    if fs::symlink_metadata(path)?.is_dir() {
        // `remove_dir_all` does not follow links inside the folder either.
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    }
}
// ANCHOR_END: remove_any
