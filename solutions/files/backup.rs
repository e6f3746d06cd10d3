//! Exercise 6: dated `.tar.gz` backups, a restore that a hostile archive
//! cannot escape, and pruning.
//!
//! Reference solution. `backup` claims its file name with `create_new`, so
//! two backups on one day never overwrite each other, even when they run
//! at once. `restore` reads the archive twice: first it checks every
//! entry's path and link target and refuses the whole archive at the
//! first one that could land outside `dest`; only then does it unpack.
//! So a refused archive writes nothing at all. `prune` orders backups by
//! the date and number in their names, not by the names as strings.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Component, Path, PathBuf};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

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
    /// An archive entry that would write outside the destination (or is a
    /// device file): the whole archive is refused, nothing is written.
    UnsafeEntry { entry: String, reason: String },
}

impl fmt::Display for BackupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackupError::Io { message, .. } => write!(f, "{message}"),
            BackupError::NotADirectory(path) => write!(f, "{} is not a folder", path.display()),
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

// ANCHOR: names
/// The file name of the `n`-th backup of `date`: `backup-2026-11-25.tar.gz`
/// for `n` = 0, then `backup-2026-11-25-1.tar.gz`, `-2`…
pub fn backup_name(date: Date, n: u32) -> String {
    if n == 0 {
        format!("backup-{date}.tar.gz")
    } else {
        format!("backup-{date}-{n}.tar.gz")
    }
}

/// The date and number of a backup file name, if it is one.
pub fn parse_backup_name(name: &str) -> Option<(Date, u32)> {
    let stem = name.strip_prefix("backup-")?.strip_suffix(".tar.gz")?;
    let number = |s: &str| -> Option<u32> {
        // Digits only: `parse` alone would take `+1`.
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let mut parts = stem.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    let date = Date::new(
        u16::try_from(number(year)?).ok()?,
        u8::try_from(number(month)?).ok()?,
        u8::try_from(number(day)?).ok()?,
    )?;
    let n = match parts.next() {
        None => 0,
        // `-0` is not a name `backup_name` writes.
        Some(n) => number(n).filter(|&n| n > 0)?,
    };
    match parts.next() {
        None => Some((date, n)),
        Some(_) => None,
    }
}
// ANCHOR_END: names

// ANCHOR: backup
/// Archives the folder `src` (its content, paths relative to it) into a new
/// `backup-<date>[-n].tar.gz` in `dest_dir` (created if missing), never
/// overwriting a backup that exists. Symbolic links are stored as links.
/// Returns the archive's path.
pub fn backup(src: &Path, dest_dir: &Path, date: Date) -> Result<PathBuf, BackupError> {
    if !fs::metadata(src).map(|m| m.is_dir()).unwrap_or(false) {
        return Err(BackupError::NotADirectory(src.to_path_buf()));
    }
    fs::create_dir_all(dest_dir)?;
    // Claim a name: `create_new` fails if the file exists, so two backups
    // of the same day can never write into one file.
    let mut n = 0;
    let (path, file) = loop {
        let path = dest_dir.join(backup_name(date, n));
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => break (path, file),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => n += 1,
            Err(e) => return Err(e.into()),
        }
    };
    let written = (|| -> io::Result<()> {
        let mut builder = tar::Builder::new(GzEncoder::new(file, Compression::default()));
        builder.follow_symlinks(false);
        append_folder(&mut builder, src, Path::new(""))?;
        builder.into_inner()?.finish()?.sync_all()
    })();
    if let Err(e) = written {
        // No half-written archive that `prune` or a person could mistake
        // for a backup.
        let _ = fs::remove_file(&path);
        return Err(e.into());
    }
    Ok(path)
}

/// Adds everything in `folder` to the archive under `prefix`, in name
/// order, so that the same tree always gives the same list of entries.
fn append_folder<W: io::Write>(
    builder: &mut tar::Builder<W>,
    folder: &Path,
    prefix: &Path,
) -> io::Result<()> {
    let mut entries: Vec<fs::DirEntry> = fs::read_dir(folder)?.collect::<io::Result<_>>()?;
    entries.sort_by_key(fs::DirEntry::file_name);
    for entry in entries {
        let name = prefix.join(entry.file_name());
        builder.append_path_with_name(entry.path(), &name)?;
        if entry.file_type()?.is_dir() {
            append_folder(builder, &entry.path(), &name)?;
        }
    }
    Ok(())
}
// ANCHOR_END: backup

// ANCHOR: restore
/// Extracts `archive` into `dest` (created if missing) and returns how many
/// entries it holds, after checking every entry: a path that is absolute
/// or has a `..`, a link whose target would be outside `dest`, or a device
/// file refuses the whole archive with [`BackupError::UnsafeEntry`], before
/// anything is written.
pub fn restore(archive: &Path, dest: &Path) -> Result<usize, BackupError> {
    let mut count = 0;
    let mut reader = tar::Archive::new(GzDecoder::new(File::open(archive)?));
    for entry in reader.entries()? {
        let entry = entry?;
        check_entry(&entry)?;
        count += 1;
    }
    fs::create_dir_all(dest)?;
    let mut reader = tar::Archive::new(GzDecoder::new(File::open(archive)?));
    reader.set_preserve_permissions(true);
    reader.unpack(dest)?;
    Ok(count)
}

/// Refuses an entry that could write outside the destination.
fn check_entry<R: io::Read>(entry: &tar::Entry<'_, R>) -> Result<(), BackupError> {
    let path = entry.path()?.into_owned();
    let shown = path.display().to_string();
    let unsafe_entry = |reason: &str| BackupError::UnsafeEntry {
        entry: shown.clone(),
        reason: reason.to_string(),
    };
    // How deep below `dest` the entry's folder is, if its path is safe.
    let depth = inside_depth(&path).ok_or_else(|| unsafe_entry("leaves the destination"))?;
    let kind = entry.header().entry_type();
    if kind.is_symlink() || kind.is_hard_link() {
        let target = entry
            .link_name()?
            .ok_or_else(|| unsafe_entry("is a link without a target"))?
            .into_owned();
        let stays_inside = if kind.is_symlink() {
            // A symlink's target is relative to the folder the link is in.
            let folder_depth = depth.saturating_sub(1);
            relative_depth(folder_depth, &target).is_some()
        } else {
            // A hard link's target is a path inside the archive.
            inside_depth(&target).is_some()
        };
        if !stays_inside {
            return Err(unsafe_entry(&format!(
                "links to {}, outside the destination",
                target.display()
            )));
        }
    } else if kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
        // Metadata for the entries around it, not a file of its own.
    } else if !(kind.is_file() || kind.is_dir() || kind.is_contiguous()) {
        return Err(unsafe_entry("is a device, FIFO or other special file"));
    }
    Ok(())
}

/// The depth of a relative path with no `..` (its number of named parts),
/// or `None` for an absolute path or one with `..`.
fn inside_depth(path: &Path) -> Option<usize> {
    relative_depth(0, path).filter(|_| !path.components().any(|c| c == Component::ParentDir))
}

/// Where `path` leads from a folder `start` levels below the root, as a
/// depth: `None` if it is absolute or climbs above the root on the way.
fn relative_depth(start: usize, path: &Path) -> Option<usize> {
    let mut depth = start;
    for component in path.components() {
        match component {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => depth = depth.checked_sub(1)?,
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(depth)
}
// ANCHOR_END: restore

// ANCHOR: prune
/// The backups in `dest_dir` (files named by [`backup_name`]), oldest
/// first: by date, then by number. Other files are left out.
pub fn list_backups(dest_dir: &Path) -> Result<Vec<PathBuf>, BackupError> {
    let mut backups = Vec::new();
    for entry in fs::read_dir(dest_dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if let Some(order) = name.to_str().and_then(parse_backup_name) {
            backups.push((order, entry.path()));
        }
    }
    backups.sort();
    Ok(backups.into_iter().map(|(_, path)| path).collect())
}

/// Deletes all but the newest `keep` backups in `dest_dir`, and returns the
/// paths it deleted, oldest first.
pub fn prune(dest_dir: &Path, keep: usize) -> Result<Vec<PathBuf>, BackupError> {
    let backups = list_backups(dest_dir)?;
    let excess = backups.len().saturating_sub(keep);
    let doomed: Vec<PathBuf> = backups.into_iter().take(excess).collect();
    for path in &doomed {
        fs::remove_file(path)?;
    }
    Ok(doomed)
}
// ANCHOR_END: prune
