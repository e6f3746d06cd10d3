//! Exercise 5: a write that is all or nothing.
//!
//! `open(path, "w")` truncates the file at once, then writes. A reader in
//! between sees an empty or half-written file; a crash (or a full disk)
//! in between leaves it that way. A deploy tool that rewrites
//! `/etc/hosts` or a state file must never do that. The standard recipe:
//!
//! 1. Create a **temporary file in the same folder** as the target, with a
//!    name no one else uses (hidden, with the process id and a counter,
//!    opened with `OpenOptions::new().write(true).create_new(true)`, which
//!    fails rather than reuse a file: two writers of the same file at once,
//!    even in one process, each get their own; and with
//!    `OpenOptionsExt::mode(0o600)`, so that nobody else can open it before
//!    its mode is set). Same folder, because `rename` is
//!    atomic only within one file system: from `/tmp` to `/etc` it fails
//!    with `EXDEV` or, done as copy-and-delete by some tools, is no longer
//!    atomic.
//! 2. Give it the target's permissions (`set_permissions`) *before*
//!    writing: a secret at `0o600` must never be readable, even briefly.
//!    No target yet: `0o644` (set it: the umask may have taken bits away).
//! 3. Write, `flush`, and `sync_all`: the bytes are on the disk before any
//!    name points at them.
//! 4. `fs::rename(temp, path)`: readers see the old file or the new one,
//!    never a mix. POSIX promises it.
//! 5. Sync the folder (`File::open(folder)?.sync_all()`), so that the
//!    rename itself survives a power cut.
//!
//! If any step fails, remove the temporary file and return the error: the
//! target is untouched. The tests make `write` fail half-way, look at the
//! folder while `write` runs, and read the file in a loop while it is
//! replaced 200 times.
//!
//! Python: `tempfile.NamedTemporaryFile(dir=os.path.dirname(path),
//! delete=False)`, `f.flush()`, `os.fsync(f.fileno())`, `os.replace(tmp,
//! path)`.
//!
//! Run the tests with `cargo kata check files/atomic`.

use std::fs::File;
use std::io;
use std::path::Path;

/// Replaces the file at `path` with what `write` writes, atomically: a
/// reader sees the old content or the new, never a mix, and if `write` (or
/// anything else) fails, the old content stays and no temporary file is
/// left. The file keeps its permissions; a new file gets `0o644`.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    todo!(
        "write a temporary file beside {path:?} with {}, sync it, and rename it over the target",
        std::any::type_name_of_val(&write)
    )
}

/// Replaces the file at `path` with `bytes`, atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    todo!(
        "replace {path:?} with {} bytes, through write_atomic_with",
        bytes.len()
    )
}
