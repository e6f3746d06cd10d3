//! Exercise 4: Python's `os` and `shutil`, the Rust way.

use std::fs;
use std::os::unix::fs::symlink;
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use files::fs_ops::{
    Kind, Usage, copy_tree, disk_usage, kind, listing, mode, remove_any, same_file, set_mode,
};
use testkit::{DEFAULT_LIMIT, within};

use crate::{names_in, write_file};

// Catches: fs-kind-follows-links, fs-kind-special-as-file: `metadata`
// (which follows links) instead of `symlink_metadata`: a link to a file
// would say "file"; and a FIFO or a socket taken for a file.
#[test]
fn kind_tells_files_folders_and_links_apart_without_following() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), "nginx.conf", "worker_processes 4;\n");
    fs::create_dir(dir.path().join("sites")).unwrap();
    let link = dir.path().join("current.conf");
    symlink("nginx.conf", &link).unwrap();
    let dangling = dir.path().join("dangling");
    symlink("no/such/target", &dangling).unwrap();

    assert_eq!(kind(&file).unwrap(), Kind::File);
    assert_eq!(kind(&dir.path().join("sites")).unwrap(), Kind::Dir);
    assert_eq!(
        kind(&link).unwrap(),
        Kind::Symlink(PathBuf::from("nginx.conf"))
    );
    assert_eq!(
        kind(&dangling).unwrap(),
        Kind::Symlink(PathBuf::from("no/such/target")),
        "a link to nothing is still a link"
    );
    assert!(kind(&dir.path().join("missing")).is_err());

    let fifo = dir.path().join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success(), "mkfifo {fifo:?}");
    assert_eq!(kind(&fifo).unwrap(), Kind::Other, "a FIFO is not a file");
    let socket = dir.path().join("socket");
    let _listener = UnixListener::bind(&socket).unwrap();
    assert_eq!(
        kind(&socket).unwrap(),
        Kind::Other,
        "a socket is not a file"
    );
}

// Catches: fs-same-file-by-content, fs-same-file-by-path,
// fs-same-file-without-following:
// comparing paths or contents to decide whether two names are one file (a
// copy has the same content, a hard link is the same file); and
// `symlink_metadata` here, where a link is followed to its file, as
// Python's `os.path.samefile` does.
#[test]
fn a_hard_link_is_the_same_file_and_a_copy_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let original = write_file(dir.path(), "app.log", "one\n");
    let hard = dir.path().join("app.log.hard");
    fs::hard_link(&original, &hard).unwrap();
    let copy = dir.path().join("app.log.copy");
    fs::copy(&original, &copy).unwrap();
    assert!(same_file(&original, &hard).unwrap());
    assert!(!same_file(&original, &copy).unwrap());
    assert_eq!(
        kind(&hard).unwrap(),
        Kind::File,
        "a hard link is just a file"
    );
    fs::write(&hard, "two\n").unwrap();
    assert_eq!(fs::read_to_string(&original).unwrap(), "two\n");
    let link = dir.path().join("current.log");
    symlink("app.log", &link).unwrap();
    assert!(
        same_file(&link, &original).unwrap(),
        "a symlink is followed to its file"
    );
}

// Catches: fs-mode-with-type-bits, fs-set-mode-adds-bits: `mode()`
// returned with the file-type bits (0o100644), or `set_mode` that adds
// bits instead of setting them.
#[test]
fn modes_read_and_set_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let key = write_file(dir.path(), "id_ed25519", "secret");
    set_mode(&key, 0o600).unwrap();
    assert_eq!(mode(&key).unwrap(), 0o600);
    set_mode(&key, 0o400).unwrap();
    assert_eq!(mode(&key).unwrap(), 0o400, "read-only for the owner");
    let script = write_file(dir.path(), "deploy.sh", "#!/bin/sh\n");
    set_mode(&script, 0o755).unwrap();
    assert_eq!(mode(&script).unwrap(), 0o755);
}

// Catches: fs-listing-unsorted, fs-listing-ignores-case. The names differ
// in byte order and in case-insensitive order both ways (`B.txt` before
// `a.txt` by bytes, after it without case; `_notes` after `Zone` by bytes,
// before it lowercased), and they are created in an order that is neither
// sorted nor reversed. Should `read_dir` happen to list them sorted on
// some file system, the test adds names until it does not, so that an
// unsorted listing fails everywhere.
#[test]
fn listing_is_sorted_by_bytes_and_shows_every_kind() {
    let dir = tempfile::tempdir().unwrap();
    let mut expected = vec![
        "B.txt", "Zone", "_notes", "a.txt", "c-link", "logs", "m.txt", "zz",
    ];
    for name in ["m.txt", "a.txt", "_notes", "zz", "B.txt", "Zone"] {
        write_file(dir.path(), name, "");
    }
    fs::create_dir(dir.path().join("logs")).unwrap();
    symlink("B.txt", dir.path().join("c-link")).unwrap();
    let extra = ["0", "Y", "k", "~", "9", "b"];
    for name in extra {
        if raw_order(dir.path()) != sorted(raw_order(dir.path())) {
            break;
        }
        write_file(dir.path(), name, "");
        expected.push(name);
    }
    assert_ne!(
        raw_order(dir.path()),
        sorted(raw_order(dir.path())),
        "read_dir lists these names sorted: the test cannot tell"
    );
    expected.sort();
    assert_eq!(listing(dir.path()).unwrap(), expected);
}

/// The names in `dir` in the order `read_dir` gives them.
fn raw_order(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

fn sorted(mut names: Vec<String>) -> Vec<String> {
    names.sort();
    names
}

// Catches: fs-copy-follows-links, fs-copy-forgets-permissions,
// fs-copy-skips-empty-folders, fs-copy-into-existing: a copy that follows
// symbolic links (copying what they point to, or failing on a dangling
// one), forgets permissions, makes folders only for the files it copies,
// or copies into a folder that exists.
#[test]
fn copy_tree_copies_folders_files_modes_and_links_as_links() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("etc");
    write_file(&src, "app/app.toml", "port = 8080\n");
    let key = write_file(&src, "app/key.pem", "KEY");
    set_mode(&key, 0o600).unwrap();
    write_file(&src, "motd", "hello\n");
    symlink("app/app.toml", src.join("current")).unwrap();
    symlink("/no/such/file", src.join("dangling")).unwrap();
    fs::create_dir_all(src.join("empty/too")).unwrap();

    let dest = dir.path().join("copy/of/etc");
    let bytes = copy_tree(&src, &dest).unwrap();
    assert_eq!(bytes, ("port = 8080\n".len() + 3 + 6) as u64);
    assert_eq!(
        fs::read_to_string(dest.join("app/app.toml")).unwrap(),
        "port = 8080\n"
    );
    assert_eq!(mode(&dest.join("app/key.pem")).unwrap(), 0o600);
    assert_eq!(
        kind(&dest.join("current")).unwrap(),
        Kind::Symlink(PathBuf::from("app/app.toml"))
    );
    assert_eq!(
        kind(&dest.join("dangling")).unwrap(),
        Kind::Symlink(PathBuf::from("/no/such/file"))
    );
    assert_eq!(kind(&dest.join("empty/too")).unwrap(), Kind::Dir);
    assert!(
        copy_tree(&src, &dest).is_err(),
        "an existing destination is refused"
    );
    let empty = dir.path().join("empty-dest");
    fs::create_dir(&empty).unwrap();
    assert!(
        copy_tree(&src, &empty).is_err(),
        "an existing destination is refused, even an empty folder"
    );
    assert!(names_in(&empty).is_empty(), "nothing is copied into it");
}

// Catches: fs-du-follows-links, fs-du-counts-hard-links-twice,
// fs-du-counts-root: a walk that
// follows symbolic links (it never ends on a cycle: `within` reports
// that), and one that counts a hard-linked file twice.
#[test]
fn disk_usage_survives_a_symlink_cycle_and_counts_hard_links_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("data");
    write_file(&root, "a.bin", vec![0u8; 1000]);
    write_file(&root, "sub/b.bin", vec![0u8; 500]);
    fs::hard_link(root.join("a.bin"), root.join("sub/a-again.bin")).unwrap();
    symlink("..", root.join("sub/up")).unwrap();
    symlink(&root, root.join("loop")).unwrap();
    let usage = within(DEFAULT_LIMIT, "disk_usage", move || disk_usage(&root)).unwrap();
    assert_eq!(
        usage,
        Usage {
            files: 2,
            dirs: 1,
            symlinks: 2,
            bytes: 1500,
        }
    );
}

// Catches: fs-remove-walks-into-link, fs-remove-follows-dangling-link: a
// hand-written recursive delete that asks `fs::metadata` (which follows
// the link), sees a folder, and deletes the files of the folder the link
// points to; a removal that asks `fs::metadata` first, which fails on a
// dangling link (the link is there, what it points to is not); and
// `fs::remove_dir` on the link, which fails.
#[test]
fn remove_any_removes_a_link_never_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let precious = dir.path().join("precious");
    write_file(&precious, "data.txt", "keep me");
    let link = dir.path().join("shortcut");
    symlink(&precious, &link).unwrap();

    remove_any(&link).unwrap();
    assert!(fs::symlink_metadata(&link).is_err(), "the link is gone");
    assert_eq!(
        fs::read_to_string(precious.join("data.txt")).unwrap(),
        "keep me"
    );

    let dangling = dir.path().join("dangling");
    symlink("no/such/target", &dangling).unwrap();
    remove_any(&dangling).unwrap();
    assert!(
        fs::symlink_metadata(&dangling).is_err(),
        "a dangling link is removed"
    );

    let file = write_file(dir.path(), "old.log", "x");
    remove_any(&file).unwrap();
    assert!(!file.exists());

    write_file(&precious, "deep/er/file", "x");
    remove_any(&precious).unwrap();
    assert!(!precious.exists(), "a folder goes with everything in it");
    assert!(remove_any(&precious).is_err(), "nothing left to remove");
}
