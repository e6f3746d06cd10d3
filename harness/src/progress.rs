//! The learner's progress: `.kata/progress.json` in the course root (or in
//! `$KATA_STATE_DIR`), keyed by
//! stable `lesson/exercise` ids so it survives lessons being added or removed.
//! Written atomically, under a lock, merged with what other `kata` processes
//! wrote meanwhile; a corrupt or outdated file (or a folder in its place) is
//! set aside (never deleted) and rebuilt with a warning.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rust_i18n::t;
use serde::{Deserialize, Serialize};

use crate::course::{Course, Exercise, Lesson};
use crate::error::{Error, Result};
use crate::seal;

const VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    pub version: u32,
    /// "lesson/exercise" -> what we know of it.
    pub exercises: BTreeMap<String, ExerciseProgress>,
}

impl Default for Progress {
    fn default() -> Self {
        Progress {
            version: VERSION,
            exercises: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ExerciseProgress {
    /// The last `kata check` that covered this exercise (never a `--solution` run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_check: Option<CheckRecord>,
    /// How many hints `kata hint` has shown. Files written before hints
    /// could be aimed at a test have only this: the first so many hints were
    /// seen.
    #[serde(default)]
    pub hints_shown: usize,
    /// The hints seen (indexes in hints.toml's list of the exercise), in the
    /// order they were shown.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hints_seen: Vec<usize>,
}

impl ExerciseProgress {
    /// The hints seen, in the order they were shown (from an older file:
    /// the first `hints_shown`, in file order).
    pub fn seen_hints(&self) -> Vec<usize> {
        if self.hints_seen.is_empty() {
            (0..self.hints_shown).collect()
        } else {
            self.hints_seen.clone()
        }
    }

    /// Records that hint `index` was shown.
    pub fn see_hint(&mut self, index: usize) {
        let mut seen = self.seen_hints();
        if !seen.contains(&index) {
            seen.push(index);
        }
        self.hints_shown = seen.len();
        self.hints_seen = seen;
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CheckRecord {
    pub passed: usize,
    pub total: usize,
    /// sha256 of the learner's file when it was checked.
    pub file_sha256: String,
    /// Unix time of the check.
    pub checked_at: u64,
    /// The files that decide what is tested were as sealed when it was
    /// checked (records older than this field count as sealed).
    #[serde(default = "yes")]
    pub as_sealed: bool,
    /// The tests that failed or did not finish, in course order (what
    /// `kata hint` aims at). Empty when it did not compile, and in records
    /// older than this field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failing: Vec<String>,
}

fn yes() -> bool {
    true
}

impl CheckRecord {
    pub fn all_passed(&self) -> bool {
        self.total > 0 && self.passed == self.total && self.as_sealed
    }
}

/// Where an exercise stands, as `kata list` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Every test passed on the file as it is now.
    Done,
    /// The last check of the file as it is now had failures.
    Failing,
    /// The file is edited but has not been checked since.
    Edited,
    /// The file is still the stub.
    NotStarted,
}

impl State {
    /// The state as `kata list` shows it, in kata's language.
    pub fn label(self) -> String {
        match self {
            State::Done => t!("state.done"),
            State::Failing => t!("state.failing"),
            State::Edited => t!("state.edited"),
            State::NotStarted => t!("state.not_started"),
        }
        .into_owned()
    }
}

/// The progress file of a course, loaded, with any warning about it.
///
/// Several `kata` may run at once in one course (a `watch` and a `check`, a
/// script checking every exercise in parallel): [`Store::save`] takes a lock
/// (creates `progress.lock` next to the file), reads the file again and writes back
/// only the fields this process changed, so no record is lost.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    pub progress: Progress,
    /// The progress as read, to tell which fields this process changed.
    read: Progress,
    /// The file exists but could not be read (no permission): never
    /// overwrite it.
    read_only: bool,
    /// Set when the file could not be used as it was.
    pub warning: Option<String>,
}

/// What reading the progress file gave.
enum Loaded {
    Fine(Progress),
    Missing,
    /// Unusable content (bad bytes, bad JSON, another version, a folder):
    /// why, to be set aside.
    Unusable(String),
    /// It could not be read at all (permissions): the error.
    Unreadable(std::io::Error),
}

fn load(path: &Path) -> Loaded {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Loaded::Missing,
        Err(e) if e.kind() == std::io::ErrorKind::IsADirectory || path.is_dir() => {
            return Loaded::Unusable(t!("progress.is_a_folder").into_owned());
        }
        Err(e) => return Loaded::Unreadable(e),
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return Loaded::Unusable(t!("progress.not_text").into_owned());
    };
    match serde_json::from_str::<Progress>(&text) {
        Ok(p) if p.version == VERSION => Loaded::Fine(p),
        Ok(p) => Loaded::Unusable(
            t!(
                "progress.other_version",
                version = p.version,
                expected = VERSION
            )
            .into_owned(),
        ),
        Err(e) => Loaded::Unusable(t!("progress.not_valid", error = e).into_owned()),
    }
}

/// How long to wait for another `kata` to finish writing the progress file
/// before writing without the lock.
const LOCK_WAIT: Duration = Duration::from_secs(10);
/// A lock file older than this was left by a `kata` that died while saving
/// (a save takes milliseconds): it is removed.
const LOCK_STALE: Duration = Duration::from_secs(5);

/// The lock on the progress file: `progress.lock`, created exclusively
/// (`O_EXCL`, which works on every file system and every supported Rust),
/// removed when dropped.
#[derive(Debug)]
struct Lock(PathBuf);

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

/// Takes the lock in `dir`; `None` when it cannot be had in time (then the
/// caller goes on without it: a lock must never keep a learner from
/// checking).
fn lock(dir: &Path) -> Option<Lock> {
    fs::create_dir_all(dir).ok()?;
    let path = dir.join("progress.lock");
    let deadline = Instant::now() + LOCK_WAIT;
    loop {
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                let _ = writeln!(file, "{}", std::process::id());
                return Some(Lock(path));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let stale = fs::metadata(&path)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age > LOCK_STALE);
                if stale {
                    let _ = fs::remove_file(&path);
                    continue;
                }
                if Instant::now() > deadline {
                    return None;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(_) => return None,
        }
    }
}

impl Store {
    /// Loads the progress file. One that cannot be used is set aside (renamed
    /// to `progress.json.bad-…`, never deleted) with a warning, and progress
    /// starts afresh; one that cannot be read at all is left alone and not
    /// written over.
    pub fn open(course: &Course) -> Store {
        let path = course.state_dir().join("progress.json");
        let mut read_only = false;
        let (progress, warning) = match load(&path) {
            Loaded::Fine(p) => (p, None),
            Loaded::Missing => (Progress::default(), None),
            Loaded::Unreadable(e) => {
                read_only = true;
                (
                    Progress::default(),
                    Some(t!("progress.unreadable", path = path.display(), error = e).into_owned()),
                )
            }
            Loaded::Unusable(why) => {
                let _lock = path.parent().and_then(lock);
                // Another kata may have set it aside and written a good one
                // meanwhile.
                match load(&path) {
                    Loaded::Fine(p) => (p, None),
                    _ => {
                        let warning = match set_aside(&path) {
                            Ok(kept) => t!(
                                "progress.set_aside",
                                path = path.display(),
                                why = why,
                                kept = kept.display()
                            )
                            .into_owned(),
                            Err(e) => {
                                read_only = true;
                                t!(
                                    "progress.not_set_aside",
                                    path = path.display(),
                                    why = why,
                                    error = e
                                )
                                .into_owned()
                            }
                        };
                        (Progress::default(), Some(warning))
                    }
                }
            }
        };
        Store {
            path,
            read: progress.clone(),
            progress,
            read_only,
            warning,
        }
    }

    pub fn entry(&mut self, lesson: &Lesson, exercise: &Exercise) -> &mut ExerciseProgress {
        self.progress
            .exercises
            .entry(key(lesson, exercise))
            .or_default()
    }

    pub fn get(&self, lesson: &Lesson, exercise: &Exercise) -> Option<&ExerciseProgress> {
        self.progress.exercises.get(&key(lesson, exercise))
    }

    /// Records this process's changes: under the lock, reads the file again,
    /// applies the fields changed since [`Store::open`] to it, and writes it
    /// atomically (a temporary file in the same folder, synced, renamed over
    /// the old one).
    pub fn save(&self) -> Result<()> {
        if self.read_only {
            return Err(Error::Other(
                t!("progress.read_only", path = self.path.display()).into_owned(),
            ));
        }
        let dir = self.path.parent().expect("the file is in .kata/");
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let _lock = lock(dir);
        let mut merged = match load(&self.path) {
            Loaded::Fine(p) => p,
            Loaded::Missing => Progress::default(),
            Loaded::Unusable(_) => {
                // Spoilt since we read it: keep it, start from ours.
                set_aside(&self.path).map_err(|e| Error::io(&self.path, e))?;
                Progress::default()
            }
            Loaded::Unreadable(e) => return Err(Error::io(&self.path, e)),
        };
        for (key, ours) in &self.progress.exercises {
            let before = self.read.exercises.get(key).cloned().unwrap_or_default();
            let entry = merged.exercises.entry(key.clone()).or_default();
            if ours.last_check != before.last_check {
                entry.last_check = ours.last_check.clone();
            }
            if ours.hints_shown != before.hints_shown || ours.hints_seen != before.hints_seen {
                entry.hints_shown = ours.hints_shown;
                entry.hints_seen = ours.hints_seen.clone();
            }
        }
        let temp = dir.join(format!("progress.json.tmp-{}", std::process::id()));
        let text = serde_json::to_string_pretty(&merged).expect("serialisable") + "\n";
        let write = || -> std::io::Result<()> {
            let mut file = fs::File::create(&temp)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            fs::rename(&temp, &self.path)
        };
        write().map_err(|e| {
            let _ = fs::remove_file(&temp);
            Error::io(&self.path, e)
        })
    }

    /// Where `exercise` stands now.
    pub fn state(&self, course: &Course, lesson: &Lesson, exercise: &Exercise) -> State {
        let Ok(bytes) = fs::read(course.stub_path(lesson, exercise)) else {
            return State::Edited;
        };
        let record = self
            .get(lesson, exercise)
            .and_then(|p| p.last_check.as_ref());
        if let Some(record) = record
            && record.file_sha256 == seal::sha256_hex(&bytes)
        {
            let tests_intact = seal::changed_tests(course, lesson)
                .map(|changed| !seal::touches_exercise(lesson, &exercise.id, &changed))
                .unwrap_or(false);
            return if record.all_passed() && tests_intact {
                State::Done
            } else {
                State::Failing
            };
        }
        let stub = lesson.seal.as_ref().and_then(|s| s.stubs.get(&exercise.id));
        if stub.is_some_and(|id| *id == seal::git_blob_id(&bytes)) {
            State::NotStarted
        } else {
            State::Edited
        }
    }
}

pub fn key(lesson: &Lesson, exercise: &Exercise) -> String {
    format!("{}/{}", lesson.id, exercise.id)
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Renames a progress file (or folder) that cannot be used to
/// `progress.json.bad-<time>[-<n>]`, so that nothing the learner had is lost.
/// Returns where it went.
fn set_aside(path: &Path) -> std::io::Result<PathBuf> {
    let stamp = now();
    for n in 0..1000 {
        let suffix = if n == 0 {
            format!("json.bad-{stamp}")
        } else {
            format!("json.bad-{stamp}-{n}")
        };
        let aside = path.with_extension(suffix);
        if aside.exists() {
            continue;
        }
        return fs::rename(path, &aside).map(|()| aside);
    }
    Err(std::io::Error::other("too many set-aside progress files"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course(root: &Path) -> (Course, Lesson) {
        let exercise = |id: &str| Exercise {
            id: id.into(),
            title: id.into(),
            title_es: None,
        };
        let lesson = Lesson {
            id: "l".into(),
            title: "L".into(),
            summary: String::new(),
            title_es: None,
            summary_es: None,
            exercises: vec![exercise("a"), exercise("b")],
            hints: BTreeMap::new(),
            seal: None,
        };
        let course = Course {
            root: root.to_path_buf(),
            lessons: vec![lesson.clone()],
        };
        (course, lesson)
    }

    // Catches: a save that writes back the whole file as read, losing what
    // another kata recorded between its open and its save.
    #[test]
    fn saves_of_two_stores_opened_together_are_merged() {
        let dir = tempfile::tempdir().unwrap();
        let (course, lesson) = course(dir.path());
        let mut first = Store::open(&course);
        let mut second = Store::open(&course);
        first.entry(&lesson, &lesson.exercises[0]).last_check = Some(CheckRecord {
            passed: 1,
            total: 1,
            file_sha256: "x".into(),
            checked_at: 1,
            as_sealed: true,
            failing: Vec::new(),
        });
        second.entry(&lesson, &lesson.exercises[1]).hints_shown = 2;
        // The second one also touched "a" without changing it.
        second.entry(&lesson, &lesson.exercises[0]);
        first.save().unwrap();
        second.save().unwrap();
        let now = Store::open(&course);
        let a = now.get(&lesson, &lesson.exercises[0]).unwrap();
        assert_eq!(a.last_check.as_ref().map(|r| r.passed), Some(1));
        assert_eq!(
            now.get(&lesson, &lesson.exercises[1]).unwrap().hints_shown,
            2
        );
    }

    // Catches: a progress file written before hints were aimed at tests (a
    // count of hints, no failing tests) refused or its hints forgotten.
    #[test]
    fn an_older_file_is_read_with_its_hints_seen() {
        let dir = tempfile::tempdir().unwrap();
        let (course, lesson) = course(dir.path());
        let state = dir.path().join(".kata");
        fs::create_dir_all(&state).unwrap();
        fs::write(
            state.join("progress.json"),
            r#"{"version": 1, "exercises": {"l/a": {"hints_shown": 2, "last_check":
                {"passed": 0, "total": 3, "file_sha256": "x", "checked_at": 1}}}}"#,
        )
        .unwrap();
        let mut store = Store::open(&course);
        assert_eq!(store.warning, None);
        let a = store.entry(&lesson, &lesson.exercises[0]);
        assert_eq!(a.seen_hints(), vec![0, 1]);
        assert!(a.last_check.as_ref().unwrap().failing.is_empty());
        a.see_hint(4);
        a.see_hint(1);
        assert_eq!(a.seen_hints(), vec![0, 1, 4]);
        store.save().unwrap();
        let again = Store::open(&course);
        let a = again.get(&lesson, &lesson.exercises[0]).unwrap();
        assert_eq!((a.hints_shown, a.seen_hints()), (3, vec![0, 1, 4]));
    }

    // Catches: a lock left by a kata killed while saving blocking every
    // later save.
    #[test]
    fn a_stale_lock_does_not_block_a_save() {
        let dir = tempfile::tempdir().unwrap();
        let (course, lesson) = course(dir.path());
        let state = dir.path().join(".kata");
        fs::create_dir_all(&state).unwrap();
        let left = fs::File::create(state.join("progress.lock")).unwrap();
        left.set_modified(SystemTime::now() - Duration::from_secs(60))
            .unwrap();
        let mut store = Store::open(&course);
        store.entry(&lesson, &lesson.exercises[0]).hints_shown = 1;
        let started = Instant::now();
        store.save().unwrap();
        assert!(started.elapsed() < LOCK_WAIT / 2, "waited for a stale lock");
        assert!(!state.join("progress.lock").exists());
    }
}
