//! Building a lesson's test binary with cargo and running it under a time
//! limit. The build and the run are separate steps on purpose: a cold build
//! may take minutes and is not the learner's fault, while `--timeout` bounds
//! only the learner's code.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::course::{Course, Lesson};
use crate::error::{Error, Result};
use crate::libtest::{self, Run};
use crate::process::{self, Bounds, Finished};
use crate::ui;

/// The default `--timeout`, in seconds, for running a lesson's tests.
pub const DEFAULT_TIMEOUT_SECS: u64 = 60;
/// A build that takes longer than this is stuck, not slow.
const BUILD_LIMIT: Duration = Duration::from_secs(30 * 60);
/// Listing tests runs no learner code and must be quick.
const LIST_LIMIT: Duration = Duration::from_secs(30);

/// Which code the lesson's tests are built against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// The learner's files in `lessons/<id>/src`.
    Learner,
    /// The reference solutions in `solutions/<id>` (`--features solution`).
    Solution,
}

/// The outcome of building a lesson's test binary.
#[derive(Debug)]
pub enum Build {
    Ready(PathBuf),
    /// The lesson does not compile: the compiler's rendered errors.
    Failed {
        errors: Vec<String>,
    },
}

/// `cargo test -p LESSON --test LESSON --no-run`, reading cargo's JSON messages
/// for the test binary's path and the compiler's errors.
pub fn build(course: &Course, lesson: &Lesson, variant: Variant) -> Result<Build> {
    let mut command = Command::new(cargo());
    command
        .arg("test")
        .arg("--manifest-path")
        .arg(course.root.join("Cargo.toml"))
        .args(["-p", &lesson.id, "--test", &lesson.id, "--no-run"])
        .arg("--message-format=json-diagnostic-rendered-ansi");
    if variant == Variant::Solution {
        command.args(["--features", &format!("{}/solution", lesson.id)]);
    }
    command.current_dir(&course.root);

    let what = match variant {
        Variant::Learner => format!("building {}", lesson.id),
        Variant::Solution => format!("building {} (solution)", lesson.id),
    };
    let spinner = ui::spinner(&what);
    let progress = spinner.clone();
    let mut bounds = Bounds::new(BUILD_LIMIT);
    bounds.on_stderr_line = Some(Box::new(move |line: &str| {
        let line = line.trim();
        if line.starts_with("Compiling") || line.starts_with("Checking") {
            progress.set_message(line.to_string());
        }
    }));
    let finished = process::run_bounded(command, bounds)?;
    spinner.finish_and_clear();

    if finished.timed_out() {
        return Err(Error::Other(format!(
            "cargo did not finish building {} within {} minutes",
            lesson.id,
            BUILD_LIMIT.as_secs() / 60
        )));
    }
    let mut executable = None;
    let mut errors = Vec::new();
    for line in finished.stdout.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        match message["reason"].as_str() {
            Some("compiler-artifact") => {
                let is_our_test = message["target"]["name"] == lesson.id.as_str()
                    && message["target"]["kind"][0] == "test";
                if let (true, Some(path)) = (is_our_test, message["executable"].as_str()) {
                    executable = Some(PathBuf::from(path));
                }
            }
            Some("compiler-message") if message["message"]["level"] == "error" => {
                if let Some(rendered) = message["message"]["rendered"].as_str() {
                    errors.push(rendered.to_string());
                }
            }
            _ => {}
        }
    }
    match (finished.status.map(|s| s.success()), executable) {
        (Some(true), Some(path)) => Ok(Build::Ready(path)),
        (Some(true), None) => Err(Error::Course(format!(
            "lesson {} has no test target named {0} (tests/{0}/main.rs)",
            lesson.id
        ))),
        _ if errors.is_empty() => {
            // Not a compile error: cargo itself failed. Say what it said.
            Err(Error::Other(format!(
                "cargo could not build lesson {}:\n{}",
                lesson.id,
                finished.stderr.trim()
            )))
        }
        _ => Ok(Build::Failed { errors }),
    }
}

/// The result of running (part of) a lesson's test binary.
#[derive(Debug)]
pub struct TestRun {
    /// The test binary.
    pub exe: PathBuf,
    /// The tests selected to run, from `--list`.
    pub selected: Vec<String>,
    pub run: Run,
    pub process: Finished,
    pub limit: Duration,
}

impl TestRun {
    /// Tests that were selected but never reported a result.
    pub fn not_run(&self) -> Vec<&str> {
        self.selected
            .iter()
            .filter(|name| !self.run.results.iter().any(|r| &r.name == *name))
            .map(String::as_str)
            .collect()
    }

    /// Why the run ended abnormally, if it did: a time-out or a crash.
    pub fn abnormal_end(&self) -> Option<String> {
        let during = self
            .run
            .unfinished
            .as_ref()
            .map(|t| format!(" while running {t}"))
            .unwrap_or_default();
        if self.process.timed_out() {
            Some(format!(
                "timed out after {} s{during}",
                self.limit.as_secs_f64().round()
            ))
        } else {
            self.process
                .signal_description()
                .map(|s| format!("the test binary was {s}{during}"))
        }
    }
}

/// Which tests of a binary to run.
#[derive(Debug, Clone, Copy)]
pub enum Selection<'a> {
    All,
    /// Tests whose names start with this (`server::` for one exercise).
    Prefix(&'a str),
    /// Exactly these tests.
    Exact(&'a [String]),
}

/// The names of the tests in `exe` (`TESTBIN --list`), which runs no test.
pub fn list_tests(lesson_dir: &Path, exe: &Path) -> Result<Vec<String>> {
    let mut list = test_command(lesson_dir, exe);
    list.args(["--list", "--format", "terse"]);
    let listed = process::run_bounded(list, Bounds::new(LIST_LIMIT))?;
    if !listed.status.is_some_and(|s| s.success()) {
        return Err(Error::Other(format!(
            "{} --list failed: {}",
            exe.display(),
            listed.stderr.trim()
        )));
    }
    Ok(libtest::parse_list(&listed.stdout))
}

/// Runs the selected tests of `exe`, one at a time, killing the binary and
/// all it started after `limit`.
pub fn run_tests(
    lesson_dir: &Path,
    exe: &Path,
    selection: Selection<'_>,
    limit: Duration,
) -> Result<TestRun> {
    let selected: Vec<String> = list_tests(lesson_dir, exe)?
        .into_iter()
        .filter(|name| match selection {
            Selection::All => true,
            Selection::Prefix(p) => name.starts_with(p),
            Selection::Exact(names) => names.contains(name),
        })
        .collect();

    let mut command = test_command(lesson_dir, exe);
    match selection {
        Selection::All => {}
        Selection::Prefix(p) => {
            command.arg(p);
        }
        Selection::Exact(names) => {
            command.args(names).arg("--exact");
        }
    }
    command.args(["--test-threads=1", "--color", "never"]);
    let spinner = ui::spinner(&format!("running {} tests", selected.len()));
    let finished = process::run_bounded(command, Bounds::new(limit));
    spinner.finish_and_clear();
    let finished = finished?;
    let run = libtest::parse_run(&finished.stdout);
    Ok(TestRun {
        exe: exe.to_path_buf(),
        selected,
        run,
        process: finished,
        limit,
    })
}

fn test_command(lesson_dir: &Path, exe: &Path) -> Command {
    let mut command = Command::new(exe);
    command
        .current_dir(lesson_dir)
        .env("CARGO_MANIFEST_DIR", lesson_dir)
        .env("RUST_BACKTRACE", "0");
    command
}

/// The cargo that runs us (cargo sets `CARGO`), else the one on PATH.
pub fn cargo() -> PathBuf {
    std::env::var_os("CARGO")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("cargo"))
}
