//! The learner's progress: `.kata/progress.json` in the course root (or in
//! `$KATA_STATE_DIR`), keyed by
//! stable `lesson/exercise` ids so it survives lessons being added or removed.
//! Written atomically; a corrupt or outdated file is set aside (never deleted)
//! and rebuilt with a warning.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

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
    /// How many hints `kata hint` has shown.
    #[serde(default)]
    pub hints_shown: usize,
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
    pub fn label(self) -> &'static str {
        match self {
            State::Done => "done",
            State::Failing => "failing",
            State::Edited => "edited, not checked",
            State::NotStarted => "not started",
        }
    }
}

/// The progress file of a course, loaded, with any warning about it.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    pub progress: Progress,
    /// Set when the file could not be used as it was.
    pub warning: Option<String>,
}

impl Store {
    pub fn open(course: &Course) -> Store {
        let path = course.state_dir().join("progress.json");
        let (progress, warning) = match fs::read_to_string(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Progress::default(), None),
            Err(e) => (
                Progress::default(),
                Some(format!(
                    "cannot read {}: {e}; starting afresh",
                    path.display()
                )),
            ),
            Ok(text) => match serde_json::from_str::<Progress>(&text) {
                Ok(p) if p.version == VERSION => (p, None),
                outcome => {
                    let why = match outcome {
                        Ok(p) => format!("it is of version {}, not {VERSION}", p.version),
                        Err(e) => format!("it is not valid ({e})"),
                    };
                    let kept = set_aside(&path);
                    (
                        Progress::default(),
                        Some(format!(
                            "the progress file {} could not be used: {why}. It was kept as {} and \
                             progress starts afresh (`cargo kata check` records it again).",
                            path.display(),
                            kept
                        )),
                    )
                }
            },
        };
        Store {
            path,
            progress,
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

    /// Writes the file atomically: a temporary file in the same folder,
    /// synced, then renamed over the old one.
    pub fn save(&self) -> Result<()> {
        let dir = self.path.parent().expect("the file is in .kata/");
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let temp = dir.join(format!("progress.json.tmp-{}", std::process::id()));
        let text = serde_json::to_string_pretty(&self.progress).expect("serialisable") + "\n";
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

/// Renames a progress file that cannot be read to `progress.json.bad-<time>`,
/// so that nothing the learner had is lost. Returns where it went.
fn set_aside(path: &Path) -> String {
    let aside = path.with_extension(format!("json.bad-{}", now()));
    match fs::rename(path, &aside) {
        Ok(()) => aside.display().to_string(),
        Err(_) => path.display().to_string(),
    }
}
