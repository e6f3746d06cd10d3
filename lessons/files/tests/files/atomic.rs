//! Exercise 5: a write that is all or nothing.

use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use files::atomic::{write_atomic, write_atomic_with};
use testkit::{DEFAULT_LIMIT, within};

use crate::{names_in, write_file};

// Catches: atomic-new-file-private: a new file gets `0o644` (whatever the
// umask), not the `0o600` of a temporary file.
#[test]
fn it_creates_and_replaces_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.json");
    write_atomic(&path, b"{\"v\": 1}\n").unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"{\"v\": 1}\n");
    let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o644, "a new file gets 0o644, got {mode:o}");
    write_atomic(&path, b"{\"v\": 2}\n").unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"{\"v\": 2}\n");
    assert_eq!(
        names_in(dir.path()),
        ["config.json"],
        "no temporary file left"
    );
}

// Catches: atomic-writes-in-place, atomic-leaves-temp-file: writing in
// place (a failure leaves half a file), and a failure that leaves its
// temporary file behind.
#[test]
fn a_writer_that_fails_after_k_bytes_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "hosts", "10.0.0.5 web-1\n10.0.0.9 db-1\n");
    let error = write_atomic_with(&path, |file| {
        file.write_all(b"10.0.0.7 web-")?;
        Err(io::Error::other("disk full, after 13 bytes"))
    })
    .unwrap_err();
    assert!(error.to_string().contains("disk full"), "{error}");
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "10.0.0.5 web-1\n10.0.0.9 db-1\n"
    );
    assert_eq!(
        names_in(dir.path()),
        ["hosts"],
        "the temporary file was left behind"
    );
}

// Catches: atomic-temp-in-tmp: a temporary file in `/tmp` (or anywhere
// else than the target's folder): `rename` across file systems is not
// atomic, or fails with EXDEV. While the writer runs, its file must be
// beside the target.
#[test]
fn the_temporary_file_is_in_the_same_folder() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "state.json", "old");
    let folder = dir.path().to_path_buf();
    let mut seen = Vec::new();
    write_atomic_with(&path, |file| {
        seen = names_in(&folder);
        file.write_all(b"new")
    })
    .unwrap();
    assert_eq!(seen.len(), 2, "files in the folder while writing: {seen:?}");
    assert!(seen.contains(&"state.json".to_string()), "{seen:?}");
    assert_eq!(fs::read_to_string(&path).unwrap(), "new");
}

// Catches: atomic-default-mode: a replacement created with the default
// mode, so that a secret written as 0o600 becomes readable by everyone.
#[test]
fn the_file_keeps_its_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "token", "old-secret");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    write_atomic(&path, b"new-secret").unwrap();
    let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

// Catches: atomic-writes-in-place, atomic-truncate-then-restore: while
// `write` runs, the target still holds all of its old content: whoever
// reads it then (here, `write` itself) sees no empty or half-new file.
// Deterministic, unlike the reader race below.
#[test]
fn the_target_holds_its_old_content_until_the_rename() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "hosts", "10.0.0.5 web-1\n");
    let target = path.clone();
    write_atomic_with(&path, |file| {
        file.write_all(b"10.0.0.7 web-2\n")?;
        assert_eq!(
            fs::read_to_string(&target).unwrap(),
            "10.0.0.5 web-1\n",
            "the target changed before the rename"
        );
        Ok(())
    })
    .unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), "10.0.0.7 web-2\n");
}

// Catches: atomic-mode-after-rename, atomic-mode-after-writing,
// atomic-default-mode: the temporary file has the target's mode before the first byte of the secret
// is written into it; a mode set after the write, or after the rename,
// leaves the secret readable by everyone for a while.
#[test]
fn the_new_content_is_never_readable_by_others() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "token", "old-secret");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    write_atomic_with(&path, |file| {
        let mode = file.metadata()?.permissions().mode() & 0o7777;
        assert_eq!(
            mode, 0o600,
            "the secret is about to be written into a {mode:o} file"
        );
        file.write_all(b"new-secret")
    })
    .unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), "new-secret");
}

// Catches: atomic-fixed-temp-name: two writers of one file at once, each
// with its own temporary file. Made deterministic by nesting: while the
// first writer is half-way through, a second one replaces the file. With
// one fixed temporary name opened with create and truncate, the second
// writer empties the first one's file and renames it away, the first
// writer's rest lands in the target, and its rename fails. Both must
// succeed, the last rename wins whole, and no temporary file is left.
#[test]
fn two_writers_at_once_do_not_share_a_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "state.json", "old");
    let first = vec![b'A'; 4096];
    let second = vec![b'B'; 4096];
    let inner = path.clone();
    let second_for_inner = second.clone();
    write_atomic_with(&path, |file| {
        file.write_all(&first[..2048])?;
        write_atomic(&inner, &second_for_inner).expect("the second writer succeeds");
        assert_eq!(fs::read(&inner).unwrap(), second_for_inner);
        file.write_all(&first[2048..])
    })
    .expect("the first writer succeeds");
    assert_eq!(
        fs::read(&path).unwrap(),
        first,
        "the last rename wins, whole"
    );
    assert_eq!(
        names_in(dir.path()),
        ["state.json"],
        "no temporary file left"
    );
}

// A reader running while the file is replaced sees all of the old content
// or all of the new, never an empty file or a mix. Here the reader checks
// every read it makes while the writer replaces a 64 KiB file 200 times.
// (A file written in place fails this only when the reader's timing lands,
// so no catch is claimed here: the_target_holds_its_old_content_until_the_rename
// catches that mistake every time.)
#[test]
fn a_reader_sees_the_whole_old_or_the_whole_new_content() {
    let dir = tempfile::tempdir().unwrap();
    let size = 64 * 1024;
    let path = write_file(dir.path(), "big.dat", vec![b'A'; size]);
    let done = Arc::new(AtomicBool::new(false));
    // Stops the reader however this test ends, a failure included.
    let _stop = StopOnDrop(Arc::clone(&done));
    let reader = {
        let (path, done) = (path.clone(), Arc::clone(&done));
        thread::spawn(move || {
            let mut reads = 0u64;
            while !done.load(Ordering::SeqCst) {
                let bytes = fs::read(&path).expect("the file always exists");
                let whole = bytes.len() == size
                    && (bytes.iter().all(|&b| b == b'A') || bytes.iter().all(|&b| b == b'B'));
                assert!(
                    whole,
                    "read {} bytes that are neither all old nor all new",
                    bytes.len()
                );
                reads += 1;
            }
            reads
        })
    };
    let writer_path = path.clone();
    let written = within(DEFAULT_LIMIT * 3, "200 atomic writes", move || {
        for round in 0..200 {
            let fill = if round % 2 == 0 { b'B' } else { b'A' };
            write_atomic(&writer_path, &vec![fill; size])?;
        }
        Ok::<(), std::io::Error>(())
    });
    done.store(true, Ordering::SeqCst);
    let reads = within(DEFAULT_LIMIT, "the reader", move || reader.join())
        .expect("the reader saw only whole contents");
    written.unwrap();
    assert!(reads > 0);
}

/// Sets its flag when dropped.
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}
