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

// Catches: backup-parse-accepts-a-sign: a number read with `parse` alone,
// which takes `+1`.
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

// Catches: backup-overwrites-same-day: a second backup on the same day
// that overwrites the first.
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
    Dir(&'a str),
    Fifo(&'a str),
    CharDevice(&'a str),
    BlockDevice(&'a str),
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
            Entry::Dir(name) => (name, &[], tar::EntryType::Directory, None),
            Entry::Fifo(name) => (name, &[], tar::EntryType::Fifo, None),
            Entry::CharDevice(name) => (name, &[], tar::EntryType::Char, None),
            Entry::BlockDevice(name) => (name, &[], tar::EntryType::Block, None),
        };
        header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        if let Some(target) = link {
            header.as_old_mut().linkname[..target.len()].copy_from_slice(target.as_bytes());
        }
        header.set_entry_type(kind);
        if matches!(entry, Entry::CharDevice(_) | Entry::BlockDevice(_)) {
            // /dev/null and /dev/sda.
            header
                .set_device_major(if matches!(entry, Entry::CharDevice(_)) {
                    1
                } else {
                    8
                })
                .unwrap();
            header
                .set_device_minor(if matches!(entry, Entry::CharDevice(_)) {
                    3
                } else {
                    0
                })
                .unwrap();
        }
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

// Catches: backup-restore-trusts-paths, backup-restore-creates-dest-first:
// a restore that trusts entry
// paths: `../x` is written next to the destination ("tar slip"), or
// skipped without a word by the `tar` crate.
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

// Catches: backup-restore-trusts-paths.
#[test]
fn restore_refuses_an_absolute_path() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("t");
    fs::create_dir(&root).unwrap();
    let absolute = format!("{}/evil.sh", root.display());
    assert_refused(&[Entry::File(&absolute, b"x")], &absolute, &root);
}

// Catches: backup-restore-ignores-link-targets,
// backup-restore-creates-dest-first: checking entry paths but
// not link targets: a symlink to `..` makes the next entry's path,
// harmless on its face, land outside.
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

// A hard link to a file outside the destination is refused, like a
// symbolic one.
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

// Catches: backup-sorts-names-as-strings: sorting backup names as
// strings: `-10` comes before `-2`, and `backup-2026-01-02-1` before
// `backup-2026-01-02`.
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
    assert_eq!(
        removed,
        [
            dest.join("backup-2025-12-31.tar.gz"),
            dest.join("backup-2026-01-02.tar.gz"),
            dest.join("backup-2026-01-02-1.tar.gz"),
            dest.join("backup-2026-01-02-2.tar.gz"),
        ],
        "what prune removed, oldest first"
    );
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

/// What GNU tar sees in `archive` (`tar -tzvf`): one `"<type> <name>"` per
/// entry, the type being the first letter of the mode column (`-` a file,
/// `d` a folder, `l` a symlink, `h` a hard link, `p` a FIFO, `c` and `b`
/// devices) and the name as it prints it (`up -> ..` for a link). The
/// tests use it to pin what an archive really holds. `None`, with a
/// message, when the system's `tar` is not GNU tar (macOS's bsdtar prints
/// other columns).
fn gnu_tar_lists(archive: &Path) -> Option<Vec<String>> {
    let version = Command::new("tar").arg("--version").output().unwrap();
    if !String::from_utf8_lossy(&version.stdout).contains("GNU tar") {
        eprintln!("skipped the listing by GNU tar: the system's tar is another one");
        return None;
    }
    let listed = Command::new("tar")
        .arg("-tzvf")
        .arg(archive)
        .output()
        .unwrap();
    assert!(listed.status.success(), "tar -tzvf failed: {listed:?}");
    let entries = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .map(|line| {
            // mode, owner/group, size (or major,minor), date, time, name.
            let fields: Vec<&str> = line.split_whitespace().collect();
            let kind = fields[0].chars().next().unwrap();
            format!("{kind} {}", fields[5..].join(" "))
        })
        .collect();
    Some(entries)
}

// Catches: backup-restore-checks-names-only. Each link looks inside by its
// name: `d/x -> ..` is the destination itself, so `d/x/y -> ..` is the
// folder above it, and `d/x/y/outside/evil` lands beside the destination.
// A check that counts depth on names lets all three through (and the `tar`
// crate stops the write only after `y -> ..` is written, with an `Io`
// error). Followed through the links that earlier entries make, the second
// link already leads out.
#[test]
fn restore_follows_the_links_that_earlier_entries_make() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("t");
    fs::create_dir(&root).unwrap();
    let chain = [
        Entry::Symlink("d/x", ".."),
        Entry::Symlink("d/x/y", ".."),
        Entry::File("d/x/y/outside/evil", b"rm -rf ~"),
    ];
    hostile_archive(&root.join("hostile.tar.gz"), &chain);
    if let Some(listed) = gnu_tar_lists(&root.join("hostile.tar.gz")) {
        assert_eq!(
            listed,
            ["l d/x -> ..", "l d/x/y -> ..", "- d/x/y/outside/evil"],
            "the archive holds what the test means"
        );
    }
    assert_refused(&chain, "d/x/y", &root);
    // The same links, then a link through them and a file over that link.
    assert_refused(
        &[
            Entry::Symlink("d/x", ".."),
            Entry::Symlink("d/x/y", ".."),
            Entry::Symlink("s", "d/x/y/outside/victim"),
            Entry::File("s", b"owned"),
        ],
        "d/x/y",
        &root,
    );
}

// Catches: backup-restore-targets-by-name. The link `l` holds `d/x/../out`,
// which by its names is `d/out`, inside; but `d/x` is a link to `..`, so
// the `..` after it climbs from the destination itself.
#[test]
fn restore_follows_earlier_links_in_a_link_target_too() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("t");
    fs::create_dir(&root).unwrap();
    assert_refused(
        &[
            Entry::Symlink("d/x", ".."),
            Entry::Symlink("l", "d/x/../../victim"),
        ],
        "l",
        &root,
    );
}

// Catches: backup-restore-no-second-look. When `l -> a/../victim` is
// checked, `a` does not exist and `l` stays inside; the next entry,
// `a -> .`, makes the same `l` lead beside the destination. (Python 3.11's
// `tarfile` with `filter="data"` extracts this archive, link and all.)
#[test]
fn a_later_link_cannot_turn_an_earlier_one_outwards() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("t");
    fs::create_dir(&root).unwrap();
    assert_refused(
        &[Entry::Symlink("l", "a/../victim"), Entry::Symlink("a", ".")],
        "l",
        &root,
    );
}

// Catches: backup-restore-folder-hides-link. A folder entry where a link
// is does not replace the link (the `tar` crate keeps it, and fails on the
// folder at the very end): `l` is still the link `a/../victim`, which
// `a -> .` turns outwards. A check that records a folder there and forgets
// the link misses it.
#[test]
fn a_folder_entry_does_not_hide_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("t");
    fs::create_dir(&root).unwrap();
    assert_refused(
        &[
            Entry::Symlink("l", "a/../victim"),
            Entry::Dir("l"),
            Entry::Symlink("a", "."),
        ],
        "l",
        &root,
    );
}

// Catches: backup-restore-ignores-existing-links,
// backup-restore-file-over-link. Restoring into a folder that holds a link
// `logs -> <outside>` already: `logs/x` would be written through it; and a
// file `s` where `s -> <outside>/victim` is.
#[test]
fn restore_does_not_write_through_a_link_the_destination_holds() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside");
    fs::create_dir(&outside).unwrap();
    let dest = dir.path().join("dest");
    fs::create_dir(&dest).unwrap();
    symlink(&outside, dest.join("logs")).unwrap();
    let archive = dir.path().join("hostile.tar.gz");
    hostile_archive(
        &archive,
        &[Entry::File("ok.txt", b"fine"), Entry::File("logs/x", b"x")],
    );
    match restore(&archive, &dest) {
        Err(BackupError::UnsafeEntry { entry, .. }) => assert_eq!(entry, "logs/x"),
        other => panic!("expected UnsafeEntry for \"logs/x\", got {other:?}"),
    }
    assert!(names_in(&outside).is_empty(), "written through the link");
    assert_eq!(
        names_in(&dest),
        ["logs"],
        "a refused archive writes nothing"
    );

    // A file whose own name is such a link: a tool that opens it for
    // writing (Python's `tarfile` does) writes where the link leads.
    symlink(outside.join("victim"), dest.join("s")).unwrap();
    hostile_archive(
        &archive,
        &[Entry::File("ok.txt", b"fine"), Entry::File("s", b"x")],
    );
    match restore(&archive, &dest) {
        Err(BackupError::UnsafeEntry { entry, .. }) => assert_eq!(entry, "s"),
        other => panic!("expected UnsafeEntry for \"s\", got {other:?}"),
    }
    assert!(names_in(&outside).is_empty(), "written through the link");
    assert_eq!(
        names_in(&dest),
        ["logs", "s"],
        "a refused archive writes nothing"
    );
}

// Catches: backup-restore-accepts-special-files. The `tar` crate writes a
// FIFO or device entry as an empty regular file; a restore must refuse
// them (GNU tar lists them as `p`, `c` and `b`).
#[test]
fn restore_refuses_fifo_and_device_entries() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("t");
    fs::create_dir(&root).unwrap();
    let specials = [
        Entry::File("ok.txt", b"fine"),
        Entry::Fifo("run/ctl"),
        Entry::CharDevice("dev/null"),
        Entry::BlockDevice("dev/sda"),
    ];
    hostile_archive(&root.join("hostile.tar.gz"), &specials);
    if let Some(listed) = gnu_tar_lists(&root.join("hostile.tar.gz")) {
        assert_eq!(listed, ["- ok.txt", "p run/ctl", "c dev/null", "b dev/sda"]);
    }
    assert_refused(&specials[..2], "run/ctl", &root);
    assert_refused(
        &[
            Entry::File("ok.txt", b"fine"),
            Entry::CharDevice("dev/null"),
        ],
        "dev/null",
        &root,
    );
    assert_refused(&[Entry::BlockDevice("dev/sda")], "dev/sda", &root);
}

/// Runs `backup` within the time limit: a backup that opens a FIFO to read
/// it would wait for a writer forever.
fn backup_within(src: &Path, dest: &Path) -> Result<PathBuf, BackupError> {
    let (src, dest) = (src.to_path_buf(), dest.to_path_buf());
    testkit::within(testkit::DEFAULT_LIMIT, "backup", move || {
        backup(&src, &dest, date(2026, 11, 25))
    })
}

/// Checks that `backup` of `src` fails with `Unsupported` for `bad` (a
/// message that names it) and leaves nothing in `dest`.
fn assert_unsupported(src: &Path, bad: &Path, dest: &Path) {
    match backup_within(src, dest) {
        Err(error @ BackupError::Unsupported { .. }) => {
            let BackupError::Unsupported { path, reason } = &error else {
                unreachable!()
            };
            assert_eq!(path, bad, "the error names the file");
            assert!(!reason.is_empty());
            assert!(
                error.to_string().contains(&bad.display().to_string()),
                "the message names the file: {error}"
            );
        }
        other => panic!("expected Unsupported for {bad:?}, got {other:?}"),
    }
    assert!(
        !dest.exists() || names_in(dest).is_empty(),
        "a failed backup leaves its archive: {:?}",
        names_in(dest)
    );
}

// Catches: backup-keeps-partial-archive, backup-special-files-to-tar. A
// FIFO (named pipe) or a socket in the tree: the backup fails with an
// error that names it, after `a.txt` and `b/` are in the archive already,
// and removes that half-written archive. (The `tar` crate alone stores a
// FIFO under its absolute path on disk, and refuses a socket with an
// `Io` error.)
#[test]
fn a_backup_refuses_special_files_and_leaves_no_archive() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("etc");
    write_file(&src, "a.txt", "first\n");
    write_file(&src, "b/c.txt", "second\n");
    let fifo = src.join("zz-fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success(), "mkfifo {fifo:?}");
    assert_unsupported(&src, &fifo, &dir.path().join("backups"));

    fs::remove_file(&fifo).unwrap();
    let socket = src.join("zz-socket");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    assert_unsupported(&src, &socket, &dir.path().join("backups"));
}

// Catches: backup-stores-outward-links, backup-checks-link-names-only,
// backup-keeps-partial-archive. A link that `restore` would refuse makes a backup that can never be
// restored: an absolute link (the real `/etc/localtime ->
// /usr/share/zoneinfo/…`), one that climbs out of the folder, and one
// that climbs out through another link (`nginx/top -> ..` is the folder
// itself). The backup refuses it, names it, and leaves no archive.
#[test]
fn a_backup_refuses_links_that_restore_would_refuse() {
    for (name, target) in [
        ("localtime", "/usr/share/zoneinfo/UTC"),
        ("nginx/up", "../.."),
        ("z-through", "nginx/top/../x"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let src = sample_tree(dir.path());
        symlink("..", src.join("nginx/top")).unwrap();
        let link = src.join(name);
        symlink(target, &link).unwrap();
        assert_unsupported(&src, &link, &dir.path().join("backups"));
    }
}

// Backup and restore agree: links that stay inside, however they get
// there, are backed up and restored as links. GNU tar lists the backup
// (names sorted, a folder before its content, links as links); Python's
// `tarfile`, with its strict `data` filter, extracts it too, when python3
// is there.
#[test]
fn every_backup_restores_links_and_all() {
    let dir = tempfile::tempdir().unwrap();
    let src = sample_tree(dir.path());
    fs::create_dir_all(src.join("a/b")).unwrap();
    symlink("../../hosts", src.join("a/b/link")).unwrap();
    symlink("..", src.join("nginx/top")).unwrap();
    symlink(".", src.join("self")).unwrap();
    symlink("gone/file", src.join("zz-dangling")).unwrap();
    let archive = backup_within(&src, &dir.path().join("backups")).unwrap();
    if let Some(listed) = gnu_tar_lists(&archive) {
        assert_eq!(
            listed,
            [
                "d a",
                "d a/b",
                "l a/b/link -> ../../hosts",
                "l current.conf -> nginx/nginx.conf",
                "- hosts",
                "d nginx",
                "- nginx/nginx.conf",
                "l nginx/top -> ..",
                "l self -> .",
                "l zz-dangling -> gone/file",
            ]
        );
    }
    let out = dir.path().join("restored");
    assert_eq!(restore(&archive, &out).unwrap(), 10);
    assert_eq!(
        fs::read_to_string(out.join("a/b/link")).unwrap(),
        "10.0.0.5 web-1\n"
    );
    assert_eq!(
        fs::read_link(out.join("nginx/top")).unwrap(),
        Path::new("..")
    );
    assert_eq!(
        fs::read_link(out.join("zz-dangling")).unwrap(),
        Path::new("gone/file")
    );

    let by_python = dir.path().join("by-python");
    let script = "import sys, tarfile\n\
if not hasattr(tarfile, 'data_filter'): sys.exit(77)\n\
tarfile.open(sys.argv[1]).extractall(sys.argv[2], filter='data')\n";
    match Command::new("python3")
        .args(["-c", script])
        .arg(&archive)
        .arg(&by_python)
        .output()
    {
        Err(e) => eprintln!("skipped the check with Python's tarfile: no python3 ({e})"),
        Ok(run) if run.status.code() == Some(77) => {
            eprintln!("skipped the check with Python's tarfile: it has no data filter")
        }
        Ok(run) => {
            assert!(
                run.status.success(),
                "Python's tarfile refused a backup: {run:?}"
            );
            assert_eq!(
                fs::read_link(by_python.join("nginx/top")).unwrap(),
                Path::new("..")
            );
        }
    }
}
