//! Exercise 6: dated `.tar.gz` backups, a safe restore, and pruning.

use std::fs::{self, File};
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;

use files::backup::{
    BackupError, Date, backup, backup_name, list_backups, parse_backup_name, prune, restore,
};

use crate::{names_in, write_file};

fn date(year: u16, month: u8, day: u8) -> Date {
    Date::new(year, month, day).expect("a real date")
}

/// A small `/etc` to back up: two files, a folder, a link.
fn sample_tree(root: &Path) -> PathBuf {
    let src = root.join("etc");
    write_file(&src, "hosts", "10.0.0.5 web-1\n");
    write_file(&src, "nginx/nginx.conf", "worker_processes 4;\n");
    symlink("nginx/nginx.conf", src.join("current.conf")).unwrap();
    src
}

#[test]
fn names_carry_the_date_and_a_number() {
    assert_eq!(
        backup_name(date(2026, 11, 5), 0),
        "backup-2026-11-05.tar.gz"
    );
    assert_eq!(
        backup_name(date(2026, 11, 5), 2),
        "backup-2026-11-05-2.tar.gz"
    );
    assert_eq!(
        parse_backup_name("backup-2026-11-05-12.tar.gz"),
        Some((date(2026, 11, 5), 12))
    );
    assert_eq!(
        parse_backup_name("backup-2024-02-29.tar.gz"),
        Some((date(2024, 2, 29), 0))
    );
    for not_a_backup in [
        "backup-2026-02-30.tar.gz",
        "backup-2026-1-05.tar.gz",
        "backup-2026-11-05-0.tar.gz",
        "backup-2026-11-05-+1.tar.gz",
        "backup-2026-11-05.tar",
        "backup-2026-11-05-1-2.tar.gz",
        "notes.txt",
    ] {
        assert_eq!(parse_backup_name(not_a_backup), None, "{not_a_backup}");
    }
}

#[test]
fn a_backup_restores_to_the_same_tree() {
    let dir = tempfile::tempdir().unwrap();
    let src = sample_tree(dir.path());
    let archive = backup(&src, &dir.path().join("backups"), date(2026, 11, 25)).unwrap();
    assert_eq!(archive, dir.path().join("backups/backup-2026-11-25.tar.gz"));

    let out = dir.path().join("restored");
    assert_eq!(
        restore(&archive, &out).unwrap(),
        4,
        "hosts, nginx/, nginx.conf, the link"
    );
    assert_eq!(
        fs::read_to_string(out.join("hosts")).unwrap(),
        "10.0.0.5 web-1\n"
    );
    assert_eq!(
        fs::read_to_string(out.join("nginx/nginx.conf")).unwrap(),
        "worker_processes 4;\n"
    );
    assert_eq!(
        fs::read_link(out.join("current.conf")).unwrap(),
        Path::new("nginx/nginx.conf"),
        "a link is backed up as a link"
    );
}

// Wrong solution caught: a second backup on the same day that overwrites
// the first.
#[test]
fn a_backup_never_overwrites_another() {
    let dir = tempfile::tempdir().unwrap();
    let src = sample_tree(dir.path());
    let dest = dir.path().join("backups");
    let day = date(2026, 11, 25);
    let first = backup(&src, &dest, day).unwrap();
    let before = fs::read(&first).unwrap();
    let second = backup(&src, &dest, day).unwrap();
    let third = backup(&src, &dest, day).unwrap();
    assert_eq!(second, dest.join("backup-2026-11-25-1.tar.gz"));
    assert_eq!(third, dest.join("backup-2026-11-25-2.tar.gz"));
    assert_eq!(
        fs::read(&first).unwrap(),
        before,
        "the first backup is untouched"
    );
}

#[test]
fn backing_up_something_that_is_not_a_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), "single.txt", "x");
    assert_eq!(
        backup(&file, &dir.path().join("b"), date(2026, 1, 1)),
        Err(BackupError::NotADirectory(file.clone()))
    );
    assert!(!dir.path().join("b").exists() || names_in(&dir.path().join("b")).is_empty());
}

// The system's `tar` reads what `backup` writes: the archive is a standard
// `.tar.gz`, not a private format.
#[test]
fn the_systems_tar_lists_and_extracts_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let src = sample_tree(dir.path());
    let archive = backup(&src, &dir.path().join("backups"), date(2026, 11, 25)).unwrap();
    let listed = Command::new("tar")
        .arg("-tzf")
        .arg(&archive)
        .output()
        .unwrap();
    assert!(listed.status.success(), "tar -tzf failed: {listed:?}");
    let mut names: Vec<String> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .map(|l| l.trim_end_matches('/').to_string())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["current.conf", "hosts", "nginx", "nginx/nginx.conf"]
    );
    let out = dir.path().join("by-tar");
    fs::create_dir(&out).unwrap();
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        fs::read_to_string(out.join("hosts")).unwrap(),
        "10.0.0.5 web-1\n"
    );
}

// ...and `restore` reads what the system's `tar` writes, `./` prefixes and
// all.
#[test]
fn restore_reads_an_archive_made_by_the_systems_tar() {
    let dir = tempfile::tempdir().unwrap();
    let src = sample_tree(dir.path());
    let archive = dir.path().join("by-tar.tar.gz");
    let status = Command::new("tar")
        .arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(&src)
        .arg(".")
        .status()
        .unwrap();
    assert!(status.success());
    let out = dir.path().join("restored");
    restore(&archive, &out).unwrap();
    assert_eq!(
        fs::read_to_string(out.join("nginx/nginx.conf")).unwrap(),
        "worker_processes 4;\n"
    );
    assert_eq!(
        fs::read_link(out.join("current.conf")).unwrap(),
        Path::new("nginx/nginx.conf")
    );
}

/// One entry of a hand-made (possibly hostile) archive.
enum Entry<'a> {
    File(&'a str, &'a [u8]),
    Symlink(&'a str, &'a str),
    HardLink(&'a str, &'a str),
}

/// Writes a `.tar.gz` with exactly these entries, paths as given: the
/// `tar` crate's own path checks are bypassed by writing the header's name
/// field directly, as an attacker's tool would.
fn hostile_archive(path: &Path, entries: &[Entry<'_>]) {
    let gz = flate2::write::GzEncoder::new(File::create(path).unwrap(), Default::default());
    let mut builder = tar::Builder::new(gz);
    for entry in entries {
        let mut header = tar::Header::new_gnu();
        let (name, data, kind, link): (&str, &[u8], tar::EntryType, Option<&str>) = match entry {
            Entry::File(name, data) => (name, data, tar::EntryType::Regular, None),
            Entry::Symlink(name, target) => (name, &[], tar::EntryType::Symlink, Some(target)),
            Entry::HardLink(name, target) => (name, &[], tar::EntryType::Link, Some(target)),
        };
        header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        if let Some(target) = link {
            header.as_old_mut().linkname[..target.len()].copy_from_slice(target.as_bytes());
        }
        header.set_entry_type(kind);
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append(&header, data).unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap();
}

/// Restores `entries` into `<tmp>/dest` and checks that it is refused with
/// `UnsafeEntry` for `bad_entry`, and that nothing was written: not in the
/// temporary folder outside `dest`, and not even in `dest`.
fn assert_refused(entries: &[Entry<'_>], bad_entry: &str, root: &Path) {
    let archive = root.join("hostile.tar.gz");
    hostile_archive(&archive, entries);
    let dest = root.join("dest");
    match restore(&archive, &dest) {
        Err(BackupError::UnsafeEntry { entry, reason }) => {
            assert_eq!(entry, bad_entry, "the error names the entry");
            assert!(!reason.is_empty());
        }
        other => panic!("expected UnsafeEntry for {bad_entry:?}, got {other:?}"),
    }
    assert_eq!(
        names_in(root),
        ["hostile.tar.gz"],
        "something was written outside"
    );
}

// Wrong solution caught: a restore that trusts entry paths: `../x` is
// written next to the destination ("tar slip").
#[test]
fn restore_refuses_a_path_with_dotdot() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("t");
    fs::create_dir(&root).unwrap();
    assert_refused(
        &[
            Entry::File("ok.txt", b"fine"),
            Entry::File("../evil.sh", b"rm -rf ~"),
        ],
        "../evil.sh",
        &root,
    );
}

#[test]
fn restore_refuses_an_absolute_path() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("t");
    fs::create_dir(&root).unwrap();
    let absolute = format!("{}/evil.sh", root.display());
    assert_refused(&[Entry::File(&absolute, b"x")], &absolute, &root);
}

// Wrong solution caught: checking entry paths but not link targets: a
// symlink to `..` makes the next entry's path, harmless on its face, land
// outside.
#[test]
fn restore_refuses_a_symlink_that_points_outside() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("t");
    fs::create_dir(&root).unwrap();
    assert_refused(
        &[Entry::Symlink("up", ".."), Entry::File("up/evil.sh", b"x")],
        "up",
        &root,
    );
    assert_refused(&[Entry::Symlink("a/b/up", "../../../x")], "a/b/up", &root);
    let absolute = root.display().to_string();
    assert_refused(&[Entry::Symlink("root", &absolute)], "root", &root);
}

#[test]
fn restore_refuses_a_hard_link_to_a_file_outside() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("t");
    fs::create_dir(&root).unwrap();
    assert_refused(&[Entry::HardLink("passwd", "/etc/passwd")], "passwd", &root);
}

#[test]
fn restore_accepts_links_that_stay_inside() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("fine.tar.gz");
    hostile_archive(
        &archive,
        &[
            Entry::File("conf/app.toml", b"port = 1"),
            Entry::Symlink("conf/current", "app.toml"),
            Entry::Symlink("deep/link", "../conf/app.toml"),
            Entry::HardLink("conf/copy.toml", "conf/app.toml"),
        ],
    );
    let out = dir.path().join("out");
    assert_eq!(restore(&archive, &out).unwrap(), 4);
    assert_eq!(
        fs::read_to_string(out.join("deep/link")).unwrap(),
        "port = 1"
    );
    assert_eq!(
        fs::read_to_string(out.join("conf/copy.toml")).unwrap(),
        "port = 1"
    );
}

// Wrong solution caught: sorting backup names as strings: `-10` comes
// before `-2`, and `backup-2026-01-02-1` before `backup-2026-01-02`.
#[test]
fn backups_are_ordered_by_date_then_number_and_prune_keeps_the_newest() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path();
    for name in [
        "backup-2026-01-02-10.tar.gz",
        "backup-2026-01-10.tar.gz",
        "backup-2026-01-02-1.tar.gz",
        "backup-2025-12-31.tar.gz",
        "backup-2026-01-02.tar.gz",
        "backup-2026-01-02-2.tar.gz",
        "backup-2026-13-01.tar.gz",
        "notes.txt",
    ] {
        write_file(dest, name, name);
    }
    let order: Vec<String> = list_backups(dest)
        .unwrap()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        order,
        [
            "backup-2025-12-31.tar.gz",
            "backup-2026-01-02.tar.gz",
            "backup-2026-01-02-1.tar.gz",
            "backup-2026-01-02-2.tar.gz",
            "backup-2026-01-02-10.tar.gz",
            "backup-2026-01-10.tar.gz",
        ]
    );
    let removed = prune(dest, 2).unwrap();
    assert_eq!(removed.len(), 4);
    assert_eq!(removed[0], dest.join("backup-2025-12-31.tar.gz"));
    assert_eq!(
        names_in(dest),
        [
            "backup-2026-01-02-10.tar.gz",
            "backup-2026-01-10.tar.gz",
            "backup-2026-13-01.tar.gz",
            "notes.txt"
        ],
        "the newest two stay, and files that are not backups are never touched"
    );
    assert!(prune(dest, 5).unwrap().is_empty());
}
