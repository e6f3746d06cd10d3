//! Exercise 4: Python's `os` and `shutil`, the Rust way.
//!
//! | Python | Rust |
//! |---|---|
//! | `os.path.exists`, `isfile`, `isdir` | `fs::metadata(p)`, then `.is_file()`, `.is_dir()` |
//! | `os.path.islink`, `os.lstat` | `fs::symlink_metadata(p)` (does not follow a link) |
//! | `os.readlink` | `fs::read_link` |
//! | `os.link`, `os.symlink` | `fs::hard_link`, `std::os::unix::fs::symlink` |
//! | `os.chmod(p, 0o400)` | `fs::set_permissions(p, Permissions::from_mode(0o400))` |
//! | `os.listdir` | `fs::read_dir` (in no particular order: sort it) |
//! | `os.makedirs(p, exist_ok=True)` | `fs::create_dir_all` |
//! | `shutil.copy2`, `shutil.copytree` | `fs::copy` (a file, with its permissions), and a loop |
//! | `os.remove`, `shutil.rmtree` | `fs::remove_file`, `fs::remove_dir_all` |
//!
//! The one idea to carry away: **a symbolic link is followed unless you
//! ask not to.** `fs::metadata` (`stat`) describes what the link points to;
//! `fs::symlink_metadata` (`lstat`) describes the link itself. A
//! `DirEntry`'s `file_type()` does not follow links either. Follow a link
//! by accident and `du` loops forever on `a/loop -> ..`, `copytree` copies
//! a whole disk, and `rm -r` of a link deletes what it points to.
//!
//! A **hard link** is not a link at all: it is a second name for the same
//! file (the same inode). Two names are one file when their `dev()` and
//! `ino()` match (`std::os::unix::fs::MetadataExt`). `du` counts such a
//! file once.
//!
//! Permissions: `metadata.permissions().mode()` also holds the file type
//! bits (`0o100644` for a regular file); mask with `& 0o7777`
//! (`std::os::unix::fs::PermissionsExt`).
//!
//! Run the tests with `cargo kata check files/fs_ops`.

use std::io;
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

/// What is at `path`, without following it if it is a symbolic link.
pub fn kind(path: &Path) -> io::Result<Kind> {
    todo!("tell what is at {path:?} with symlink_metadata, without following a link")
}

/// Whether `a` and `b` are the same file: hard links to one inode (same
/// device, same inode number). Symbolic links are followed here, as
/// Python's `os.path.samefile` does.
pub fn same_file(a: &Path, b: &Path) -> io::Result<bool> {
    todo!("compare the device and inode numbers of {a:?} and {b:?}")
}

/// The permission bits of `path` (`0o644`…), without the file type bits.
pub fn mode(path: &Path) -> io::Result<u32> {
    todo!("the permission bits of {path:?}, masked with 0o7777")
}

/// Sets the permission bits of `path` to exactly `mode`: `chmod`.
pub fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    todo!("chmod {path:?} to {mode:#o}")
}

/// The names in `dir`, sorted (byte order), without `.` and `..`: what
/// `sorted(os.listdir(dir))` gives. A name that is not UTF-8 is shown with
/// `U+FFFD` in place of its bad bytes.
pub fn listing(dir: &Path) -> io::Result<Vec<String>> {
    todo!("the sorted names in {dir:?}")
}

/// Copies the folder `from` to `to` (created with its parents), with
/// everything in it: files with their permissions, folders, and symbolic
/// links as links (holding the same path, never what they point to).
/// Returns the bytes of file content copied. `to` must not exist yet
/// (`io::ErrorKind::AlreadyExists` if it does).
pub fn copy_tree(from: &Path, to: &Path) -> io::Result<u64> {
    todo!("copy the folder {from:?} to {to:?}, links as links")
}

/// Sums what is under `dir`, like `du`: never follows a symbolic link (so
/// a cycle of links is harmless), and counts a file with several hard links
/// once (keep the `(dev, ino)` pairs seen in a `HashSet`). A `Vec` of
/// folders still to read, instead of recursion, keeps it simple.
pub fn disk_usage(dir: &Path) -> io::Result<Usage> {
    todo!("walk {dir:?} without following links, counting hard-linked files once")
}

/// Removes whatever is at `path`: a file, a symbolic link (never what it
/// points to), or a folder with everything in it. Like `rm -r`, and
/// unlike `shutil.rmtree`, which refuses a symlink to a folder.
pub fn remove_any(path: &Path) -> io::Result<()> {
    todo!("remove {path:?}, a link itself and never what it points to")
}
