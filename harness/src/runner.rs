//! Building a lesson's test binary with cargo and running it under a time
//! limit. The build and the run are separate steps on purpose: a cold build
//! may take minutes and is not the learner's fault, while `--timeout` bounds
//! only the learner's code.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use rust_i18n::t;

use crate::course::{Course, Lesson};
use crate::error::{Error, Result};
use crate::libtest::{self, Outcome, Run};
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

/// A compiler warning of a lesson's build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// rustc's rendered text (ANSI colours kept).
    pub rendered: String,
    /// The file of its primary location, as rustc names it
    /// (`lessons/threads/src/bounded.rs`).
    pub file: Option<String>,
}

/// A build and the compiler's warnings. Cargo replays the warnings of a
/// crate it did not need to compile again from its cache, so a build with
/// nothing changed gives the same warnings as the build before.
#[derive(Debug)]
pub struct Built {
    pub build: Build,
    pub warnings: Vec<Warning>,
}

/// `cargo test -p LESSON --test LESSON --no-run`, reading cargo's JSON messages
/// for the test binary's path and the compiler's errors.
pub fn build(course: &Course, lesson: &Lesson, variant: Variant) -> Result<Build> {
    build_with_warnings(course, lesson, variant).map(|built| built.build)
}

/// [`build`], keeping the compiler's warnings too (each once).
pub fn build_with_warnings(course: &Course, lesson: &Lesson, variant: Variant) -> Result<Built> {
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
        Variant::Learner => t!("run.building", lesson = lesson.id).into_owned(),
        Variant::Solution => t!("run.building_solution", lesson = lesson.id).into_owned(),
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
        return Err(Error::Other(
            t!(
                "run.build_timed_out",
                lesson = lesson.id,
                minutes = BUILD_LIMIT.as_secs() / 60
            )
            .into_owned(),
        ));
    }
    let mut executable = None;
    let mut errors = Vec::new();
    let mut warnings: Vec<Warning> = Vec::new();
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
            Some("compiler-message") if message["message"]["level"] == "warning" => {
                let Some(rendered) = message["message"]["rendered"].as_str() else {
                    continue;
                };
                let file = message["message"]["spans"]
                    .as_array()
                    .and_then(|spans| spans.iter().find(|s| s["is_primary"] == true))
                    .and_then(|span| span["file_name"].as_str())
                    .map(str::to_string);
                if !warnings.iter().any(|w| w.rendered == rendered) {
                    warnings.push(Warning {
                        rendered: rendered.to_string(),
                        file,
                    });
                }
            }
            _ => {}
        }
    }
    let build = match (finished.status.map(|s| s.success()), executable) {
        (Some(true), Some(path)) => Build::Ready(path),
        (Some(true), None) => {
            return Err(Error::Course(
                t!("run.no_test_target", lesson = lesson.id).into_owned(),
            ));
        }
        _ if errors.is_empty() => {
            // Not a compile error: cargo itself failed. Say what it said.
            return Err(Error::Other(format!(
                "{}\n{}",
                t!("run.cargo_failed", lesson = lesson.id),
                finished.stderr.trim()
            )));
        }
        _ => Build::Failed { errors },
    };
    Ok(Built { build, warnings })
}

/// The result of running (part of) a lesson's test binary.
#[derive(Debug)]
pub struct TestRun {
    /// The test binary.
    pub exe: PathBuf,
    /// The tests selected to run, from `--list`, in the order libtest runs
    /// them (by name).
    pub selected: Vec<String>,
    /// The verdicts (from libtest's `--logfile`) and the test that was
    /// running when the binary ended early, if it did.
    pub run: Run,
    pub process: Finished,
    pub limit: Duration,
    /// The verdicts had to be read from stdout (a libtest without
    /// `--logfile`), where learner code can garble them.
    pub verdicts_from_stdout: bool,
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

    /// The tests that failed, in the order they ran.
    pub fn failed(&self) -> Vec<&str> {
        self.run
            .results
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Failed(_)))
            .map(|r| r.name.as_str())
            .collect()
    }

    /// Why the run ended abnormally, if it did: a time-out, a crash, or an
    /// exit before every test had reported (learner code calling
    /// `std::process::exit`).
    pub fn abnormal_end(&self) -> Option<String> {
        let during = self
            .run
            .unfinished
            .as_ref()
            .map(|test| format!(" {}", t!("run.while_running", test = test)))
            .unwrap_or_default();
        if self.process.timed_out() {
            let secs = self.limit.as_secs_f64().round();
            return Some(format!("{}{during}", t!("run.timed_out", secs = secs)));
        }
        if let Some(signal) = self.process.signal_description() {
            return Some(format!("{}{during}", t!("run.killed", signal = signal)));
        }
        let code = self.process.status.and_then(|s| s.code());
        let incomplete = !self.not_run().is_empty();
        match code {
            Some(code) if incomplete => Some(format!(
                "{}{during}, {}",
                t!("run.exited", code = code),
                t!("run.exited_early")
            )),
            Some(0 | 101) | None => None,
            Some(code) => Some(format!(
                "{} ({})",
                t!("run.exited", code = code),
                t!("run.libtest_codes")
            )),
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
            "{}: {}",
            t!("run.list_failed", exe = exe.display()),
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

    let log_dir = private_dir()?;
    let log = log_dir.path.join("verdicts.log");
    let mut command = test_command(lesson_dir, exe);
    command.arg("--logfile").arg(&log);
    add_selection(&mut command, selection);
    let spinner = ui::spinner(&t!("run.running_tests", count = selected.len()));
    let finished = process::run_bounded(command, Bounds::new(limit));
    spinner.finish_and_clear();
    let mut finished = finished?;

    let mut verdicts_from_stdout = false;
    let mut run = match fs::read_to_string(&log) {
        Ok(text) => Run {
            results: libtest::parse_log(&text, &selected),
            unfinished: None,
        },
        Err(_) if finished.stderr.contains("logfile") && !finished.timed_out() => {
            // A libtest that no longer knows `--logfile`: read the verdicts
            // from stdout, as older kata did.
            let mut command = test_command(lesson_dir, exe);
            add_selection(&mut command, selection);
            finished = process::run_bounded(command, Bounds::new(limit))?;
            verdicts_from_stdout = true;
            libtest::parse_run(&finished.stdout)
        }
        // No log at all: the binary ended before its first test.
        Err(_) => Run::default(),
    };
    let failed: Vec<String> = run
        .results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Failed(_)))
        .map(|r| r.name.clone())
        .collect();
    let mut messages = libtest::parse_failures(&finished.stdout, failed.iter().map(String::as_str));
    for result in &mut run.results {
        if let (Outcome::Failed(failure), Some(found)) =
            (&mut result.outcome, messages.remove(&result.name))
            && failure.message.is_empty()
        {
            *failure = found;
        }
    }
    // Tests run one at a time in `selected`'s order: in a run cut short, the
    // first one without a verdict is the one that was running.
    if !verdicts_from_stdout
        && (finished.status.is_none_or(|s| !s.success()) || run.results.len() < selected.len())
    {
        run.unfinished = selected
            .iter()
            .find(|name| !run.results.iter().any(|r| &r.name == *name))
            .cloned();
    }
    Ok(TestRun {
        exe: exe.to_path_buf(),
        selected,
        run,
        process: finished,
        limit,
        verdicts_from_stdout,
    })
}

fn add_selection(command: &mut Command, selection: Selection<'_>) {
    match selection {
        Selection::All => {}
        Selection::Prefix(p) => {
            command.arg(p);
        }
        Selection::Exact(names) => {
            command.args(names).arg("--exact");
        }
    }
    // One test at a time (verdicts in course order, a hang named for sure),
    // but for a few tests named exactly (the gallery's `caught_by`): those
    // run side by side, so that two that each wait out a bound on a wrong
    // solution take the time of one. Every test is named, so one that is
    // still running when the binary is stopped is one that hung.
    let threads = match selection {
        Selection::Exact(names) => names.len().max(1),
        _ => 1,
    };
    command
        .arg(format!("--test-threads={threads}"))
        .args(["--color", "never"]);
}

/// A folder only this user can read, removed when dropped: where the test
/// binary writes its verdicts.
struct PrivateDir {
    path: PathBuf,
}

impl Drop for PrivateDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

fn private_dir() -> Result<PrivateDir> {
    use std::os::unix::fs::DirBuilderExt;
    let base = std::env::temp_dir();
    for attempt in 0..100u32 {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = base.join(format!("kata-{}-{nanos:x}-{attempt}", std::process::id()));
        match fs::DirBuilder::new().mode(0o700).create(&path) {
            Ok(()) => return Ok(PrivateDir { path }),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io(&path, e)),
        }
    }
    Err(Error::Other(
        t!("run.no_private_folder", dir = base.display()).into_owned(),
    ))
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
