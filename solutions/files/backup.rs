//! Exercise 6: dated `.tar.gz` backups, a restore that a hostile archive
//! cannot escape, and pruning.
//!
//! Reference solution. `backup` claims its file name with `create_new`, so
//! two backups on one day never overwrite each other, even when they run
//! at once. `restore` reads the archive twice: first it checks every
//! entry's path and link target, following them through the links that
//! earlier entries make, and refuses the whole archive at the first one
//! that could land outside `dest`; only then does it unpack. So a refused
//! archive writes nothing at all. `backup` runs the same check on what it
//! archives, so that every backup it writes restores, and removes its
//! archive when it fails. `prune` orders backups by the date and number in
//! their names, not by the names as strings.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::FileTypeExt;
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
///
/// Only what [`restore`] accepts is written: a FIFO, socket or device, or a
/// link that [`restore`] would refuse, is [`BackupError::Unsupported`]. A
/// backup that fails removes its half-written archive.
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
    let written = (|| -> Result<(), BackupError> {
        let mut builder = tar::Builder::new(GzEncoder::new(file, Compression::default()));
        builder.follow_symlinks(false);
        // The same check as `restore`'s, so that every backup restores.
        let mut layout = Layout::new(None);
        append_folder(&mut builder, &mut layout, src, Path::new(""))?;
        layout
            .check_links_again()
            .map_err(|(entry, reason)| BackupError::Unsupported {
                path: src.join(entry),
                reason: format!("{reason}: a restore would refuse it"),
            })?;
        builder.into_inner()?.finish()?.sync_all()?;
        Ok(())
    })();
    if let Err(e) = written {
        // No half-written archive that `prune` or a person could mistake
        // for a backup.
        let _ = fs::remove_file(&path);
        return Err(e);
    }
    Ok(path)
}

/// Adds everything in `folder` to the archive under `prefix`, in name
/// order, so that the same tree always gives the same list of entries.
/// Each entry is checked as `restore` will check it before it is added.
fn append_folder<W: io::Write>(
    builder: &mut tar::Builder<W>,
    layout: &mut Layout<'_>,
    folder: &Path,
    prefix: &Path,
) -> Result<(), BackupError> {
    let mut entries: Vec<fs::DirEntry> = fs::read_dir(folder)?.collect::<io::Result<_>>()?;
    entries.sort_by_key(fs::DirEntry::file_name);
    for entry in entries {
        let name = prefix.join(entry.file_name());
        let on_disk = entry.path();
        let unsupported = |reason: String| BackupError::Unsupported {
            path: on_disk.clone(),
            reason,
        };
        // `DirEntry::file_type` does not follow links.
        let file_type = entry.file_type()?;
        let target;
        let kind = if file_type.is_dir() {
            Kind::Folder
        } else if file_type.is_file() {
            Kind::File
        } else if file_type.is_symlink() {
            target = fs::read_link(&on_disk)?;
            Kind::Symlink(&target)
        } else {
            // Never opened: reading a FIFO would wait for a writer forever.
            return Err(unsupported(special_file(&file_type).to_string()));
        };
        layout
            .admit(&name.display().to_string(), &name, kind)
            .map_err(|reason| unsupported(format!("{reason}: a restore would refuse it")))?;
        builder.append_path_with_name(&on_disk, &name)?;
        if file_type.is_dir() {
            append_folder(builder, layout, &on_disk, &name)?;
        }
    }
    Ok(())
}

/// What a file that is not a file, folder or link is, for an error.
fn special_file(file_type: &fs::FileType) -> &'static str {
    if file_type.is_fifo() {
        "is a FIFO (named pipe): only files, folders and links are backed up"
    } else if file_type.is_socket() {
        "is a socket: only files, folders and links are backed up"
    } else if file_type.is_char_device() || file_type.is_block_device() {
        "is a device: only files, folders and links are backed up"
    } else {
        "is not a file, folder or link: only those are backed up"
    }
}
// ANCHOR_END: backup

// ANCHOR: restore
/// Extracts `archive` into `dest` (created if missing) and returns how many
/// entries it holds, after checking every entry: a path that is absolute
/// or has a `..`, a path or link that leads outside `dest` (through the
/// links that earlier entries make, or that `dest` already holds), or a
/// device or FIFO refuses the whole archive with
/// [`BackupError::UnsafeEntry`], before anything is written.
pub fn restore(archive: &Path, dest: &Path) -> Result<usize, BackupError> {
    let mut count = 0;
    let mut layout = Layout::new(Some(dest));
    let mut reader = tar::Archive::new(GzDecoder::new(File::open(archive)?));
    for entry in reader.entries()? {
        let entry = entry?;
        let path = entry.path()?.into_owned();
        let shown = path.display().to_string();
        let refuse = |reason: String| BackupError::UnsafeEntry {
            entry: shown.clone(),
            reason,
        };
        let link = entry.link_name()?.filter(|l| !l.as_os_str().is_empty());
        let header_kind = entry.header().entry_type();
        let kind = if header_kind.is_dir() {
            Kind::Folder
        } else if header_kind.is_file()
            || header_kind.is_contiguous()
            || header_kind.is_gnu_sparse()
        {
            Kind::File
        } else if header_kind.is_symlink() || header_kind.is_hard_link() {
            let target = link
                .as_deref()
                .ok_or_else(|| refuse("is a link without a target".to_string()))?;
            if header_kind.is_symlink() {
                Kind::Symlink(target)
            } else {
                Kind::HardLink(target)
            }
        } else if header_kind.is_pax_global_extensions() || header_kind.is_pax_local_extensions() {
            // Metadata for the entries around it, not a file of its own.
            count += 1;
            continue;
        } else {
            // The `tar` crate would write a FIFO or a device as a file.
            return Err(refuse(
                "is a device, FIFO or other special file".to_string(),
            ));
        };
        layout.admit(&shown, &path, kind).map_err(refuse)?;
        count += 1;
    }
    layout
        .check_links_again()
        .map_err(|(entry, reason)| BackupError::UnsafeEntry { entry, reason })?;
    fs::create_dir_all(dest)?;
    let mut reader = tar::Archive::new(GzDecoder::new(File::open(archive)?));
    reader.set_preserve_permissions(true);
    reader.unpack(dest)?;
    Ok(count)
}

/// What an entry is, as far as the check is concerned.
enum Kind<'a> {
    Folder,
    File,
    /// A symbolic link and the path it holds.
    Symlink(&'a Path),
    /// A hard link and the archive path of the file it links to.
    HardLink(&'a Path),
}

/// What an entry checked so far has put at a place.
#[derive(Clone)]
enum Made {
    Folder,
    File,
    /// A symbolic link: the path it holds, the entry that made it, and the
    /// folder it is in (what its path is taken from).
    Link {
        target: PathBuf,
        entry: String,
        folder: Vec<OsString>,
    },
}

/// Why a path leads outside the folder, as the kernel would follow it.
enum Outside {
    Absolute,
    Above,
    TooManyLinks,
}

/// As many links as the kernel follows in one path before it gives up
/// with `ELOOP`.
const MAX_LINKS: u32 = 40;

/// A place below the destination: its real names, every link resolved.
type Place = Vec<OsString>;

/// The tree the entries checked so far make below the destination, by real
/// place (links resolved). Each new entry is followed through it the way
/// the kernel will follow it once the earlier entries are written: an
/// entry `d/x/y` after a link `d/x -> ..` is really `y`, in the destination
/// itself. Checking names alone (`d/x/y` looks two folders deep) is what
/// the tar slip through a chain of links gets past.
struct Layout<'a> {
    /// The folder on disk being restored into, if any: the links it holds
    /// already are followed too.
    disk: Option<&'a Path>,
    made: HashMap<Place, Made>,
    /// Where each symbolic link was made, in archive order.
    links: Vec<Place>,
}

impl<'a> Layout<'a> {
    fn new(disk: Option<&'a Path>) -> Self {
        Layout {
            disk,
            made: HashMap::new(),
            links: Vec::new(),
        }
    }

    /// The path the symbolic link at `place` holds, if one is there.
    fn link_at(&self, place: &[OsString]) -> Option<PathBuf> {
        match self.made.get(place) {
            Some(Made::Link { target, .. }) => Some(target.clone()),
            Some(_) => None,
            None => {
                let on_disk = self.disk?.join(place.iter().collect::<PathBuf>());
                let meta = fs::symlink_metadata(&on_disk).ok()?;
                if meta.file_type().is_symlink() {
                    fs::read_link(&on_disk).ok()
                } else {
                    None
                }
            }
        }
    }

    /// Where `path`, taken from the folder `from`, really leads: every link
    /// on the way followed (the last part only if `follow_last`), every
    /// `..` taken from where the links led. `links` counts down the links
    /// that may still be followed.
    fn resolve(
        &self,
        from: &[OsString],
        path: &Path,
        follow_last: bool,
        links: &mut u32,
    ) -> Result<Place, Outside> {
        let mut place = from.to_vec();
        let parts: Vec<Component> = path.components().collect();
        for (i, part) in parts.iter().enumerate() {
            match part {
                Component::Prefix(_) | Component::RootDir => return Err(Outside::Absolute),
                Component::CurDir => {}
                Component::ParentDir => {
                    place.pop().ok_or(Outside::Above)?;
                }
                Component::Normal(name) => {
                    place.push(name.to_os_string());
                    if i + 1 == parts.len() && !follow_last {
                        continue;
                    }
                    if let Some(target) = self.link_at(&place) {
                        *links = links.checked_sub(1).ok_or(Outside::TooManyLinks)?;
                        place.pop();
                        place = self.resolve(&place, &target, true, links)?;
                    }
                }
            }
        }
        Ok(place)
    }

    /// Checks one entry (`entry` is its name, for errors) and records what
    /// it makes. The error is the reason to refuse it.
    fn admit(&mut self, entry: &str, path: &Path, kind: Kind<'_>) -> Result<(), String> {
        let names = plain_names(path).ok_or("leaves the destination")?;
        let Some((name, parents)) = names.split_last() else {
            // `.` or `./`: the destination itself.
            return match kind {
                Kind::Folder => Ok(()),
                _ => Err("names no file".to_string()),
            };
        };
        let mut links = MAX_LINKS;
        let through_links = |outside: Outside| match outside {
            Outside::TooManyLinks => "goes through too many links".to_string(),
            _ => "leads outside the destination through a link".to_string(),
        };
        let folder = self
            .resolve(&[], &parents.iter().collect::<PathBuf>(), true, &mut links)
            .map_err(through_links)?;
        let mut place = folder.clone();
        place.push(name.clone());
        match kind {
            Kind::Folder | Kind::File => {
                // A link already there: a tool that follows it writes
                // where it leads.
                let link_there = self.link_at(&place).is_some();
                if link_there {
                    self.resolve(&folder, Path::new(name), true, &mut links)
                        .map_err(through_links)?;
                }
                // A file replaces a link (the `tar` crate removes it
                // first); a folder does not, and the link stays.
                match kind {
                    Kind::File => {
                        self.made.insert(place, Made::File);
                    }
                    _ if !link_there => {
                        self.made.insert(place, Made::Folder);
                    }
                    _ => {}
                }
            }
            Kind::Symlink(target) => {
                // A link is taken from its own folder, wherever that is.
                self.made.remove(&place);
                self.check_link(&folder, target)?;
                self.links.push(place.clone());
                self.made.insert(
                    place,
                    Made::Link {
                        target: target.to_path_buf(),
                        entry: entry.to_string(),
                        folder,
                    },
                );
            }
            Kind::HardLink(target) => {
                // A hard link's target is a path in the archive.
                let outside = || format!("links to {}, outside the destination", target.display());
                plain_names(target).ok_or_else(outside)?;
                let source = self
                    .resolve(&[], target, false, &mut links)
                    .map_err(|_| outside())?;
                match self.made.get(&source).cloned() {
                    Some(Made::File) => {
                        self.made.insert(place, Made::File);
                    }
                    // A hard link to a symlink is that symlink again, now
                    // taken from this entry's folder.
                    Some(Made::Link { target, .. }) => {
                        return self.admit(entry, path, Kind::Symlink(&target));
                    }
                    _ => {
                        return Err(format!(
                            "links to {}, which no earlier entry of the archive makes",
                            target.display()
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Refuses a symbolic link in `folder` whose `target` leads outside.
    fn check_link(&self, folder: &[OsString], target: &Path) -> Result<(), String> {
        let mut links = MAX_LINKS;
        match self.resolve(folder, target, true, &mut links) {
            Ok(_) => Ok(()),
            Err(Outside::TooManyLinks) => Err(format!(
                "links to {}, through too many links",
                target.display()
            )),
            Err(_) => Err(format!(
                "links to {}, outside the destination",
                target.display()
            )),
        }
    }

    /// Checks every link once more, against the whole tree: a later entry
    /// can change where an earlier link leads (`l -> a/../x`, then
    /// `a -> .`). The error names the link's entry, and why.
    fn check_links_again(&self) -> Result<(), (String, String)> {
        for place in &self.links {
            if let Some(Made::Link {
                target,
                entry,
                folder,
            }) = self.made.get(place)
            {
                self.check_link(folder, target)
                    .map_err(|reason| (entry.clone(), reason))?;
            }
        }
        Ok(())
    }
}

/// The names of a relative path without `..` (`.` parts dropped), or
/// `None` for an absolute path or one with `..`.
fn plain_names(path: &Path) -> Option<Vec<OsString>> {
    path.components()
        .filter(|c| *c != Component::CurDir)
        .map(|c| match c {
            Component::Normal(name) => Some(name.to_os_string()),
            _ => None,
        })
        .collect()
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
