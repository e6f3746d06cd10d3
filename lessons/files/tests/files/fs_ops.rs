//! Exercise 4: Python's `os` and `shutil`, the Rust way.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::PathBuf;

use files::fs_ops::{
    Kind, Usage, copy_tree, disk_usage, kind, listing, mode, remove_any, same_file, set_mode,
};
use testkit::{DEFAULT_LIMIT, within};

use crate::write_file;

// Wrong solution caught: `metadata` (which follows links) instead of
// `symlink_metadata`: a link to a file would say "file".
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
}

// Wrong solution caught: comparing paths or contents to decide whether two
// names are one file: a copy has the same content, a hard link is the
// same file.
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
}

// Wrong solution caught: `mode()` returned with the file-type bits
// (0o100644), or `set_mode` that adds bits instead of setting them.
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

#[test]
fn listing_is_sorted_and_shows_every_kind() {
    let dir = tempfile::tempdir().unwrap();
    write_file(dir.path(), "b.txt", "");
    write_file(dir.path(), "A.txt", "");
    write_file(dir.path(), "a.txt", "");
    fs::create_dir(dir.path().join("logs")).unwrap();
    symlink("b.txt", dir.path().join("c-link")).unwrap();
    assert_eq!(
        listing(dir.path()).unwrap(),
        ["A.txt", "a.txt", "b.txt", "c-link", "logs"]
    );
}

// Wrong solution caught: a copy that follows symbolic links (copying what
// they point to, or failing on a dangling one) or forgets permissions.
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
    assert!(
        copy_tree(&src, &dest).is_err(),
        "an existing destination is refused"
    );
}

// Wrong solutions caught: a walk that follows symbolic links (it never
// ends on a cycle: `within` reports that), and one that counts a
// hard-linked file twice.
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

// Wrong solutions caught: a hand-written recursive delete that asks
// `fs::metadata` (which follows the link), sees a folder, and deletes the
// files of the folder the link points to; and `fs::remove_dir` on the
// link, which fails.
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

    let file = write_file(dir.path(), "old.log", "x");
    remove_any(&file).unwrap();
    assert!(!file.exists());

    write_file(&precious, "deep/er/file", "x");
    remove_any(&precious).unwrap();
    assert!(!precious.exists(), "a folder goes with everything in it");
    assert!(remove_any(&precious).is_err(), "nothing left to remove");
}
