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

#[test]
fn it_creates_and_replaces_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.json");
    write_atomic(&path, b"{\"v\": 1}\n").unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"{\"v\": 1}\n");
    write_atomic(&path, b"{\"v\": 2}\n").unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"{\"v\": 2}\n");
    assert_eq!(
        names_in(dir.path()),
        ["config.json"],
        "no temporary file left"
    );
}

// Wrong solutions caught: writing in place (a failure leaves half a file),
// and a failure that leaves its temporary file behind.
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

// Wrong solution caught: a temporary file in `/tmp` (or anywhere else than
// the target's folder): `rename` across file systems is not atomic, or
// fails with EXDEV. While the writer runs, its file must be beside the
// target.
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

// Wrong solution caught: a replacement created with the default mode, so
// that a secret written as 0o600 becomes readable by everyone.
#[test]
fn the_file_keeps_its_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "token", "old-secret");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    write_atomic(&path, b"new-secret").unwrap();
    let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

// Wrong solution caught: truncating and rewriting the file in place. A
// reader running at the same time then sees an empty file or a mix of old
// and new. Here the reader checks every read it makes while the writer
// replaces a 64 KiB file 200 times.
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
