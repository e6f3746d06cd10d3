//! Exercise 6: dated `.tar.gz` backups, a restore that a hostile archive
//! cannot escape, and pruning.
//!
//! The course's backup script: compress a folder into
//! `backup-YYYY-MM-DD.tar.gz`, keep the last few, ship them off-site. Three
//! things make it trustworthy:
//!
//! **Never overwrite a backup.** Two backups on one day get
//! `backup-2026-11-25.tar.gz`, then `backup-2026-11-25-1.tar.gz`, `-2`…
//! Do not check `exists()` and then create: another run could create the
//! file in between. Claim the name with
//! `OpenOptions::new().write(true).create_new(true)`, which fails with
//! `AlreadyExists` if the file is there; then try the next number.
//!
//! **Write a standard archive.** `tar::Builder::new(GzEncoder::new(file,
//! Compression::default()))` (crates `tar` and `flate2`);
//! `builder.follow_symlinks(false)` stores links as links;
//! `append_path_with_name(path_on_disk, name_in_archive)` adds a file,
//! folder or link, with names relative to `src` (walk the folder yourself,
//! in sorted order). Finish with `builder.into_inner()?.finish()?` and
//! `sync_all()` the file. The tests list and extract it with the system's
//! `tar`.
//!
//! **Back up only what restores.** A backup that `restore` refuses is
//! worse than none: you find out on the day you need it. So check each
//! entry *before* you add it, with the same check `restore` makes (share
//! the code), and refuse with [`BackupError::Unsupported`], naming the
//! file: a symbolic link that `restore` would refuse (an absolute one such
//! as `/etc/localtime -> /usr/share/zoneinfo/UTC`, or one that climbs out
//! of the folder), and anything that is not a file, folder or link: a FIFO,
//! a socket, a device (`std::os::unix::fs::FileTypeExt`; never open a
//! FIFO: reading it waits for a writer forever). If anything fails after
//! the archive file is created, remove it: a half-written archive must not
//! pass for a backup.
//!
//! **Restore nothing you have not checked.** An archive is data from
//! outside: an entry named `../../home/you/.bashrc` or `/etc/cron.d/x`, or
//! a symlink `up -> ..` followed by an entry `up/evil.sh`, writes outside
//! the destination if you trust it ("tar slip"). So read the archive
//! twice: first go through `tar::Archive::entries()` and check every
//! entry (`entry.path()`, `entry.header().entry_type()`,
//! `entry.link_name()`), refusing the whole archive at the first bad one
//! with [`BackupError::UnsafeEntry`]; then open it again and `unpack` it.
//! A refused archive writes nothing at all. Refuse:
//!
//! - a path that is absolute, or has a `..` component (`Path::components`:
//!   `Component::RootDir`, `Component::ParentDir`);
//! - a path or a symlink target that leads outside the destination **once
//!   the links before it are followed**. Names alone are not enough: after
//!   `d/x -> ..` (which stays inside: it is the destination itself), the
//!   link `d/x/y -> ..` is really `y -> ..` in the destination, and leads
//!   out. So keep a map of the links the entries checked so far make (and
//!   those `dest` holds already, `fs::symlink_metadata`), and follow each
//!   new path through it part by part, as the kernel will: a link's target
//!   is taken from the link's own folder, a `..` goes up from where the
//!   links led, and more than 40 links on one path is a loop. When every
//!   entry has passed, check every link once more: a later entry can
//!   change where an earlier link leads (`l -> a/../x`, then `a -> .`);
//! - a hard link whose target is not a file that an earlier entry made;
//! - anything but files, folders and links: FIFOs and devices (the `tar`
//!   crate would write them as regular files). PAX header entries
//!   (`is_pax_global_extensions`, `is_pax_local_extensions`) are metadata
//!   and fine.
//!
//! `./` at the start of names (what `tar -C dir -czf x.tar.gz .` writes) is
//! `Component::CurDir`: harmless.
//!
//! **Prune by date, not by name.** Sorted as strings, `-10` comes before
//! `-2`, and `backup-2026-01-02-1` before `backup-2026-01-02`. Parse each
//! name into `(Date, number)` and sort those; leave files that are not
//! backups alone.
//!
//! Run the tests with `cargo kata check files/backup`.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// A calendar date, for backup names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// The date, if it exists (leap years included).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }
}

/// `YYYY-MM-DD`, zero-padded: names sort by date within a year's range.
impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Why a backup, restore or prune failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupError {
    Io {
        kind: io::ErrorKind,
        message: String,
    },
    /// What was to be backed up is not a folder.
    NotADirectory(PathBuf),
    /// A file in the folder to back up that a backup cannot hold: a FIFO,
    /// socket or device, or a symbolic link that [`restore`] would refuse
    /// (absolute, or leading outside the folder). No archive is left.
    Unsupported { path: PathBuf, reason: String },
    /// An archive entry that would write outside the destination (or is a
    /// device file): the whole archive is refused, nothing is written.
    UnsafeEntry { entry: String, reason: String },
}

impl fmt::Display for BackupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackupError::Io { message, .. } => write!(f, "{message}"),
            BackupError::NotADirectory(path) => write!(f, "{} is not a folder", path.display()),
            BackupError::Unsupported { path, reason } => {
                write!(f, "cannot back up {}: it {reason}", path.display())
            }
            BackupError::UnsafeEntry { entry, reason } => {
                write!(f, "refusing the archive: entry {entry:?} {reason}")
            }
        }
    }
}

impl std::error::Error for BackupError {}

impl From<io::Error> for BackupError {
    fn from(error: io::Error) -> Self {
        BackupError::Io {
            kind: error.kind(),
            message: error.to_string(),
        }
    }
}

/// The file name of the `n`-th backup of `date`: `backup-2026-11-25.tar.gz`
/// for `n` = 0, then `backup-2026-11-25-1.tar.gz`, `-2`…
pub fn backup_name(date: Date, n: u32) -> String {
    todo!("the name of backup number {n} of {date}")
}

/// The date and number of a backup file name, if it is one: exactly what
/// `backup_name` writes (four, two and two digits, a real date, a number
/// from 1 after a `-`), and nothing else.
pub fn parse_backup_name(name: &str) -> Option<(Date, u32)> {
    todo!("read the date and number from {name:?}, if it is a backup's name")
}

/// Archives the folder `src` (its content, paths relative to it) into a new
/// `backup-<date>[-n].tar.gz` in `dest_dir` (created if missing), never
/// overwriting a backup that exists. Symbolic links are stored as links.
/// Returns the archive's path. `src` not a folder:
/// [`BackupError::NotADirectory`].
///
/// Only what [`restore`] accepts is written: a FIFO, socket or device, or a
/// link that [`restore`] would refuse, is [`BackupError::Unsupported`]. A
/// backup that fails removes its half-written archive.
pub fn backup(src: &Path, dest_dir: &Path, date: Date) -> Result<PathBuf, BackupError> {
    todo!("archive {src:?} into a new backup of {date} in {dest_dir:?}")
}

/// Extracts `archive` into `dest` (created if missing) and returns how many
/// entries it holds, after checking every entry: a path that is absolute
/// or has a `..`, a path or link that leads outside `dest` (through the
/// links that earlier entries make, or that `dest` already holds), or a
/// device or FIFO refuses the whole archive with
/// [`BackupError::UnsafeEntry`], before anything is written.
pub fn restore(archive: &Path, dest: &Path) -> Result<usize, BackupError> {
    todo!("check every entry of {archive:?}, then extract it into {dest:?}")
}

/// The backups in `dest_dir` (files named by [`backup_name`]), oldest
/// first: by date, then by number. Other files are left out.
pub fn list_backups(dest_dir: &Path) -> Result<Vec<PathBuf>, BackupError> {
    todo!("the backups in {dest_dir:?}, oldest first by date and number")
}

/// Deletes all but the newest `keep` backups in `dest_dir`, and returns the
/// paths it deleted, oldest first.
pub fn prune(dest_dir: &Path, keep: usize) -> Result<Vec<PathBuf>, BackupError> {
    todo!("delete all but the newest {keep} backups in {dest_dir:?}")
}
