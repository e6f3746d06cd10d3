//! The course on disk: which lessons there are, their exercises, hints and
//! seals, and where each file lives. Everything the other commands know about
//! the layout comes from here.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use rust_i18n::t;
use serde::Deserialize;

use crate::error::{Error, Result};

/// A course: the workspace root and its lessons in teaching order.
#[derive(Debug, Clone)]
pub struct Course {
    pub root: PathBuf,
    pub lessons: Vec<Lesson>,
}

/// One lesson: a crate in `lessons/<id>` with its exercises.
#[derive(Debug, Clone)]
pub struct Lesson {
    pub id: String,
    pub title: String,
    pub summary: String,
    /// The title and summary in Spanish (`title_es`, `summary_es`).
    pub title_es: Option<String>,
    pub summary_es: Option<String>,
    pub exercises: Vec<Exercise>,
    /// `hints.toml`: exercise id -> hints, in file order.
    pub hints: BTreeMap<String, Vec<Hint>>,
    /// `seal.toml`, written by `kata seal`; `None` when missing.
    pub seal: Option<Seal>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    pub id: String,
    pub title: String,
    /// The title in Spanish, shown when kata speaks Spanish.
    #[serde(default)]
    pub title_es: Option<String>,
}

impl Exercise {
    /// The title in `language` (`"en"`, `"es"`), English when it has no
    /// translation.
    pub fn title_in(&self, language: &str) -> &str {
        in_language(&self.title, self.title_es.as_deref(), language)
    }
}

fn in_language<'a>(english: &'a str, spanish: Option<&'a str>, language: &str) -> &'a str {
    match (language, spanish) {
        ("es", Some(spanish)) if !spanish.trim().is_empty() => spanish,
        _ => english,
    }
}

/// One hint of `hints.toml`: a plain string, or a table that says what it
/// is about, so that `kata hint` can give the one aimed at a failing test:
///
/// ```toml
/// semaphore = [
///     "A hint for the whole exercise.",
///     { text = "…", about = "Semaphore::acquire_timeout", tests = ["semaphore::timed_acquire_"] },
/// ]
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hint {
    pub text: String,
    /// The function or part the hint is about, as the learner would name it.
    pub about: Option<String>,
    /// Prefixes of the full names of the tests it helps with
    /// (`semaphore::timed_acquire_`).
    pub tests: Vec<String>,
    /// The same hint in Spanish (`es`), shown when kata speaks Spanish.
    pub es: Option<String>,
}

impl Hint {
    /// The hint's text in `language` (`"en"`, `"es"`), English when it has
    /// no translation.
    pub fn text_in(&self, language: &str) -> &str {
        match language {
            "es" => self.es.as_deref().unwrap_or(&self.text),
            _ => &self.text,
        }
    }

    /// Whether the hint is aimed at the test named `test` (a full name).
    pub fn aims_at(&self, test: &str) -> bool {
        self.tests
            .iter()
            .any(|prefix| test.starts_with(prefix.as_str()))
    }

    /// Whether the part a learner named (`drop`, `Pool::new`) is this hint's:
    /// it is in `about` or in one of the test prefixes, in any case.
    pub fn is_about(&self, part: &str) -> bool {
        let part = part.trim().to_lowercase();
        let in_about = |about: &String| about.to_lowercase().contains(&part);
        // A test's full name names the hints whose prefix it starts with.
        let in_tests = |prefix: &String| {
            let prefix = prefix.to_lowercase();
            prefix.contains(&part) || part.starts_with(&prefix)
        };
        !part.is_empty() && (self.about.iter().any(in_about) || self.tests.iter().any(in_tests))
    }
}

/// The table form of a hint (unknown keys are refused).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HintTable {
    text: String,
    #[serde(default)]
    about: Option<String>,
    #[serde(default)]
    tests: Vec<String>,
    #[serde(default)]
    es: Option<String>,
}

impl<'de> Deserialize<'de> for Hint {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        struct HintVisitor;
        impl<'de> serde::de::Visitor<'de> for HintVisitor {
            type Value = Hint;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    r#"a hint: a string, or a table { text = "…", es = "…", about = "…", tests = ["…"] }"#,
                )
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> std::result::Result<Hint, E> {
                Ok(Hint {
                    text: text.to_string(),
                    ..Hint::default()
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> std::result::Result<Hint, A::Error> {
                let table =
                    HintTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(Hint {
                    text: table.text,
                    about: table.about,
                    tests: table.tests,
                    es: table.es,
                })
            }
        }
        deserializer.deserialize_any(HintVisitor)
    }
}

/// What `kata seal` records of a lesson as shipped: the digest of every file
/// that decides what is tested (to notice a learner's change to them) and the
/// git blob id of every stub (to tell "not started" and to restore the stub
/// on `kata reset`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Seal {
    /// Path relative to the lesson folder -> sha256 (hex), for `Cargo.toml`,
    /// `src/lib.rs` and every file under `tests/`.
    pub tests: BTreeMap<String, String>,
    /// Exercise id -> git blob id (hex sha1) of the stub.
    pub stubs: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LessonFile {
    title: String,
    #[serde(default)]
    title_es: Option<String>,
    summary: String,
    #[serde(default)]
    summary_es: Option<String>,
    exercises: Vec<Exercise>,
}

#[derive(Debug, Deserialize)]
struct WorkspaceFile {
    workspace: WorkspaceTable,
}

#[derive(Debug, Deserialize)]
struct WorkspaceTable {
    metadata: MetadataTable,
}

#[derive(Debug, Deserialize)]
struct MetadataTable {
    kata: KataTable,
}

#[derive(Debug, Deserialize)]
struct KataTable {
    lessons: Vec<String>,
}

/// The name of the file, in the root, that marks a course (it must hold
/// `[workspace.metadata.kata]`).
const ROOT_MANIFEST: &str = "Cargo.toml";

impl Course {
    /// Finds the course root: `explicit` if given, else the nearest folder at
    /// or above the current one whose Cargo.toml has `[workspace.metadata.kata]`,
    /// else the workspace this harness was built in.
    pub fn locate(explicit: Option<&Path>) -> Result<PathBuf> {
        if let Some(root) = explicit {
            return if is_course_root(root) {
                Ok(root.canonicalize().map_err(|e| Error::io(root, e))?)
            } else {
                Err(Error::Usage(
                    t!("course.not_a_course", root = root.display()).into_owned(),
                ))
            };
        }
        if let Ok(cwd) = std::env::current_dir()
            && let Some(found) = cwd.ancestors().find(|dir| is_course_root(dir))
        {
            return Ok(found.to_path_buf());
        }
        let built_in = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("the harness lives in a folder of the course")
            .to_path_buf();
        if is_course_root(&built_in) {
            Ok(built_in)
        } else {
            Err(Error::Usage(t!("course.not_found").into_owned()))
        }
    }

    /// Loads the whole course below `root`.
    pub fn load(root: &Path) -> Result<Course> {
        let manifest = root.join(ROOT_MANIFEST);
        let ws: WorkspaceFile = read_toml(&manifest)?;
        let mut lessons = Vec::new();
        for id in ws.workspace.metadata.kata.lessons {
            lessons.push(Lesson::load(root, &id)?);
        }
        Ok(Course {
            root: root.to_path_buf(),
            lessons,
        })
    }

    pub fn lesson(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.id == id)
    }

    /// Resolves `lesson` or `lesson/exercise` as typed by a learner into a
    /// lesson and optionally one of its exercises; a typo gets a usage error
    /// that lists what exists and suggests the closest name.
    pub fn target(&self, spec: &str) -> Result<Target<'_>> {
        let (lesson_id, exercise_id) = match spec.split_once('/') {
            Some((l, e)) => (l, Some(e)),
            None => (spec, None),
        };
        let lesson = self.lesson(lesson_id).ok_or_else(|| {
            let ids: Vec<&str> = self.lessons.iter().map(|l| l.id.as_str()).collect();
            let what = t!("course.unknown_lesson", given = lesson_id);
            Error::Usage(unknown(&what, lesson_id, &ids))
        })?;
        let exercise = match exercise_id {
            None | Some("") => None,
            Some(id) => Some(lesson.exercise(id).ok_or_else(|| {
                let ids: Vec<&str> = lesson.exercises.iter().map(|e| e.id.as_str()).collect();
                let what = t!("course.unknown_exercise", lesson = lesson.id, given = id);
                Error::Usage(unknown(&what, id, &ids))
            })?),
        };
        Ok(Target { lesson, exercise })
    }

    pub fn lesson_dir(&self, lesson: &Lesson) -> PathBuf {
        self.root.join("lessons").join(&lesson.id)
    }

    /// The file the learner edits for `exercise`.
    pub fn stub_path(&self, lesson: &Lesson, exercise: &Exercise) -> PathBuf {
        self.lesson_dir(lesson)
            .join("src")
            .join(format!("{}.rs", exercise.id))
    }

    /// The reference solution that replaces the stub under `--features solution`.
    pub fn solution_path(&self, lesson: &Lesson, exercise: &Exercise) -> PathBuf {
        self.root
            .join("solutions")
            .join(&lesson.id)
            .join(format!("{}.rs", exercise.id))
    }

    /// The exercise's module of the lesson's one test binary.
    pub fn test_path(&self, lesson: &Lesson, exercise: &Exercise) -> PathBuf {
        self.lesson_dir(lesson)
            .join("tests")
            .join(&lesson.id)
            .join(format!("{}.rs", exercise.id))
    }

    /// Where the learner's state lives (progress, backups): `$KATA_STATE_DIR`
    /// if set (an instructor keeping one per learner, the tests), else `.kata/`
    /// in the course root.
    pub fn state_dir(&self) -> PathBuf {
        match std::env::var_os("KATA_STATE_DIR") {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir),
            _ => self.root.join(".kata"),
        }
    }

    /// `path` relative to the course root, for messages.
    pub fn display_path(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

/// A lesson and, if one was named, an exercise of it.
#[derive(Debug, Clone, Copy)]
pub struct Target<'c> {
    pub lesson: &'c Lesson,
    pub exercise: Option<&'c Exercise>,
}

impl<'c> Target<'c> {
    /// The exercises this target covers.
    pub fn exercises(&self) -> Vec<&'c Exercise> {
        match self.exercise {
            Some(e) => vec![e],
            None => self.lesson.exercises.iter().collect(),
        }
    }

    pub fn label(&self) -> String {
        match self.exercise {
            Some(e) => format!("{}/{}", self.lesson.id, e.id),
            None => self.lesson.id.clone(),
        }
    }
}

impl Lesson {
    fn load(root: &Path, id: &str) -> Result<Lesson> {
        let dir = root.join("lessons").join(id);
        let file: LessonFile = read_toml(&dir.join("lesson.toml"))?;
        let hints_path = dir.join("hints.toml");
        let hints = if hints_path.exists() {
            read_toml(&hints_path)?
        } else {
            BTreeMap::new()
        };
        let seal_path = dir.join("seal.toml");
        let seal = if seal_path.exists() {
            Some(read_toml(&seal_path)?)
        } else {
            None
        };
        Ok(Lesson {
            id: id.to_string(),
            title: file.title,
            summary: file.summary,
            title_es: file.title_es,
            summary_es: file.summary_es,
            exercises: file.exercises,
            hints,
            seal,
        })
    }

    pub fn exercise(&self, id: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|e| e.id == id)
    }

    /// The title in `language`, English when it has no translation.
    pub fn title_in(&self, language: &str) -> &str {
        in_language(&self.title, self.title_es.as_deref(), language)
    }

    /// The summary in `language`, English when it has no translation.
    pub fn summary_in(&self, language: &str) -> &str {
        in_language(&self.summary, self.summary_es.as_deref(), language)
    }
}

fn is_course_root(dir: &Path) -> bool {
    fs::read_to_string(dir.join(ROOT_MANIFEST))
        .map(|text| text.contains("[workspace.metadata.kata]"))
        .unwrap_or(false)
}

fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text = fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    toml::from_str(&text).map_err(|e| Error::Course(format!("{}: {e}", path.display())))
}

/// "unknown lesson `thread`; did you mean `threads`? (valid: traits, threads, …)":
/// `what` says what is unknown ("unknown lesson `thread`"), and `given` is
/// compared with the `valid` names for a suggestion.
pub fn unknown(what: &str, given: &str, valid: &[&str]) -> String {
    let mut message = what.to_string();
    let closest = valid
        .iter()
        .map(|v| (strsim::jaro_winkler(given, v), *v))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((_, best)) = closest {
        message.push_str(&format!("; {}", t!("course.did_you_mean", name = best)));
    }
    message.push_str(&format!(
        " ({})",
        t!("course.valid", names = valid.join(", "))
    ));
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    // Catches: a table hint refused, or a plain string no longer accepted,
    // or a misspelt key silently dropped.
    #[test]
    fn a_hint_is_a_string_or_a_table() {
        let hints: BTreeMap<String, Vec<Hint>> = toml::from_str(
            r#"
            pool = [
                "Plain.",
                { text = "Aimed.", about = "ThreadPool::drop", tests = ["pool::drop_"] },
            ]
            "#,
        )
        .unwrap();
        let pool = &hints["pool"];
        assert_eq!(pool[0].text, "Plain.");
        assert_eq!(pool[0].about, None);
        assert_eq!(pool[1].about.as_deref(), Some("ThreadPool::drop"));
        assert!(pool[1].aims_at("pool::drop_joins_every_worker"));
        assert!(!pool[1].aims_at("pool::runs_jobs"));
        assert!(pool[1].is_about("DROP"));
        assert!(pool[1].is_about("drop_"));
        assert!(pool[1].is_about("pool::drop_joins_every_worker"));
        assert!(!pool[0].is_about("drop"));
        let typo = toml::from_str::<BTreeMap<String, Vec<Hint>>>(
            r#"pool = [{ text = "x", test = ["pool::"] }]"#,
        );
        assert!(
            typo.unwrap_err()
                .to_string()
                .contains("unknown field `test`")
        );
    }
}
