//! `kata check <lesson>[/<exercise>]`: build, run the tests, print a compact
//! verdict, record progress.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::PathBuf;
use std::time::Duration;

use anstream::println;
use rust_i18n::t;

use crate::book_page;
use crate::course::{Course, Exercise, Lesson, Target};
use crate::diagnostics;
use crate::error::Result;
use crate::lang::{self, Lang};
use crate::libtest::{Failure, Outcome};
use crate::progress::{self, CheckRecord, Store};
use crate::runner::{self, Build, Selection, TestRun, Variant, Warning};
use crate::seal;
use crate::ui::{self, BAD, BOLD, CODE, DIM, OK, WARN, paint};

/// How many lines of a failure message or compile error a verdict shows.
const MESSAGE_LINES: usize = 12;
/// How many characters of each such line.
const MESSAGE_WIDTH: usize = 200;
/// At most this many failing tests are run again for a lost message.
const MAX_RERUNS: usize = 5;

/// A lesson's tests, built and run (or not, if they did not compile).
#[derive(Debug)]
pub enum LessonRun {
    DidNotCompile(Vec<String>),
    Ran(TestRun),
}

/// Builds `lesson` against `variant` and runs the tests starting with `prefix`;
/// also gives the compiler's warnings.
pub fn run_lesson(
    course: &Course,
    lesson: &Lesson,
    variant: Variant,
    prefix: Option<&str>,
    timeout: Duration,
) -> Result<(LessonRun, Vec<Warning>)> {
    let selection = match prefix {
        Some(p) => Selection::Prefix(p),
        None => Selection::All,
    };
    let built = runner::build_with_warnings(course, lesson, variant)?;
    let run = match built.build {
        Build::Failed { errors } => LessonRun::DidNotCompile(errors),
        Build::Ready(exe) => LessonRun::Ran(runner::run_tests(
            &course.lesson_dir(lesson),
            &exe,
            selection,
            timeout,
        )?),
    };
    Ok((run, built.warnings))
}

/// The exercise a test belongs to: the first segment of its path.
pub fn exercise_of(test: &str) -> &str {
    test.split("::").next().unwrap_or(test)
}

/// How `kata check` runs and reports.
#[derive(Debug, Clone, Copy)]
pub struct CheckOptions {
    /// Against the reference solution instead of the learner's code.
    pub solution: bool,
    /// Time limit of one run of the test binary.
    pub timeout: Duration,
    /// Show every failing test's message, not only the most telling one.
    pub all_failures: bool,
    /// Run the selected tests this many times (at least 1).
    pub repeat: usize,
}

impl CheckOptions {
    pub fn new(timeout: Duration) -> CheckOptions {
        CheckOptions {
            solution: false,
            timeout,
            all_failures: false,
            repeat: 1,
        }
    }
}

/// Runs `kata check` and returns whether every selected test passed (in
/// every run, with `--repeat`).
pub fn check(course: &Course, target: Target<'_>, options: &CheckOptions) -> Result<bool> {
    let lesson = target.lesson;
    let solution = options.solution;
    let variant = if solution {
        Variant::Solution
    } else {
        Variant::Learner
    };
    let changed_tests = seal::changed_tests(course, lesson)?;
    if !changed_tests.is_empty() && !solution {
        let paths: Vec<String> = changed_tests
            .iter()
            .map(|p| format!("lessons/{}/{p}", lesson.id))
            .collect();
        println!(
            "{} {}",
            paint(WARN, t!("warning.prefix")),
            t!(
                "check.tests_changed",
                lesson = lesson.id,
                files = changed_tests.join(", "),
                paths = paths.join(" ")
            )
        );
    }
    let prefix = target.exercise.map(|e| format!("{}::", e.id));
    let (outcome, warnings) =
        run_lesson(course, lesson, variant, prefix.as_deref(), options.timeout)?;
    // The learner's own warnings: none of the reference solution's.
    let warnings = match variant {
        Variant::Learner => learner_warnings(course, target, warnings),
        Variant::Solution => Vec::new(),
    };

    let heading = match variant {
        Variant::Learner => target.label(),
        Variant::Solution => t!("check.heading_solution", target = target.label()).into_owned(),
    };

    let passed = match outcome {
        LessonRun::DidNotCompile(errors) => {
            diagnostics::print_build_failure(target, &heading, &errors, variant);
            if !solution {
                record(
                    course,
                    target,
                    &BTreeMap::new(),
                    &[],
                    changed_tests.is_empty(),
                );
            }
            false
        }
        LessonRun::Ran(first) => {
            let exe = first.exe.clone();
            let mut runs = vec![first];
            for _ in 1..options.repeat.max(1) {
                // A run that timed out would only time out again: stop there.
                if runs.last().is_some_and(|r| r.process.timed_out()) {
                    break;
                }
                runs.push(runner::run_tests(
                    &course.lesson_dir(lesson),
                    &exe,
                    selection(prefix.as_deref()),
                    options.timeout,
                )?);
            }
            let mut verdict = Verdict::new(course, lesson, &runs, options.repeat.max(1));
            verdict.recover_messages(course, lesson, &exe, options)?;
            verdict.print(course, target, &heading, variant, options, &warnings);
            let tally = verdict.tally();
            if !solution {
                record(
                    course,
                    target,
                    &tally,
                    &verdict.failing(),
                    changed_tests.is_empty(),
                );
            }
            verdict.all_passed()
        }
    };
    Ok(passed)
}

fn selection(prefix: Option<&str>) -> Selection<'_> {
    match prefix {
        Some(p) => Selection::Prefix(p),
        None => Selection::All,
    }
}

/// Passed and total tests of one exercise.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tally {
    pub passed: usize,
    pub total: usize,
}

/// Where a test is defined: the first `fn NAME` of its exercise's test file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestSource {
    pub file: PathBuf,
    pub line: usize,
}

/// Where each of `names` is defined in the lesson's test files, as far as a
/// plain reading of `tests/<lesson>/<exercise>.rs` tells.
pub fn test_sources(
    course: &Course,
    lesson: &Lesson,
    names: &[String],
) -> HashMap<String, TestSource> {
    let mut files: HashMap<&str, Option<String>> = HashMap::new();
    let mut found = HashMap::new();
    for name in names {
        let exercise = exercise_of(name);
        let Some(exercise) = lesson.exercise(exercise) else {
            continue;
        };
        let file = course.test_path(lesson, exercise);
        let text = files
            .entry(exercise.id.as_str())
            .or_insert_with(|| fs::read_to_string(&file).ok());
        let Some(text) = text else { continue };
        let short = name.rsplit("::").next().unwrap_or(name);
        let line = text.lines().position(|l| {
            l.split_once("fn ").is_some_and(|(before, after)| {
                (before.is_empty() || before.ends_with(' '))
                    && after.strip_prefix(short).is_some_and(|rest| {
                        rest.trim_start().starts_with('(') || rest.trim_start().starts_with('<')
                    })
            })
        });
        if let Some(line) = line {
            found.insert(
                name.clone(),
                TestSource {
                    file,
                    line: line + 1,
                },
            );
        }
    }
    found
}

/// `names` in course order: exercises as lesson.toml lists them, then tests
/// as their file defines them; anything not found comes last, by name.
pub fn course_order(course: &Course, lesson: &Lesson, names: &[String]) -> Vec<String> {
    let sources = test_sources(course, lesson, names);
    let mut ordered = names.to_vec();
    ordered.sort_by_key(|name| {
        let exercise = lesson
            .exercises
            .iter()
            .position(|e| e.id == exercise_of(name))
            .unwrap_or(usize::MAX);
        let line = sources.get(name).map_or(usize::MAX, |s| s.line);
        (exercise, line, name.clone())
    });
    ordered
}

/// What became of one test over all runs.
#[derive(Debug, Clone, Default)]
struct TestVerdict {
    name: String,
    /// The runs (1-based) in which it failed, and the first failure's message.
    failed_in: Vec<usize>,
    failure: Option<Failure>,
    /// The run (1-based) it was running when that run ended early.
    unfinished_in: Option<usize>,
    /// It did not run in some run (an earlier test ended the run).
    missing: bool,
    ignored: bool,
}

impl TestVerdict {
    fn passed(&self) -> bool {
        self.failed_in.is_empty() && self.unfinished_in.is_none() && !self.missing && !self.ignored
    }
}

/// The verdict of one `kata check`, over every run, in course order.
#[derive(Debug)]
struct Verdict {
    tests: Vec<TestVerdict>,
    sources: HashMap<String, TestSource>,
    /// Why a run ended early, with its number.
    abnormal: Vec<(usize, String)>,
    /// The run that timed out, if one did.
    timed_out: bool,
    truncated: bool,
    verdicts_from_stdout: bool,
    runs: usize,
    planned_runs: usize,
}

impl Verdict {
    fn new(course: &Course, lesson: &Lesson, runs: &[TestRun], planned_runs: usize) -> Verdict {
        let selected = runs.first().map(|r| r.selected.clone()).unwrap_or_default();
        let order = course_order(course, lesson, &selected);
        let sources = test_sources(course, lesson, &selected);
        let mut tests: Vec<TestVerdict> = order
            .iter()
            .map(|name| TestVerdict {
                name: name.clone(),
                ..TestVerdict::default()
            })
            .collect();
        let mut abnormal = Vec::new();
        for (index, run) in runs.iter().enumerate() {
            let number = index + 1;
            for test in &mut tests {
                let result = run.run.results.iter().find(|r| r.name == test.name);
                match result.map(|r| &r.outcome) {
                    Some(Outcome::Passed) => {}
                    Some(Outcome::Ignored) => test.ignored = true,
                    Some(Outcome::Failed(failure)) => {
                        test.failed_in.push(number);
                        if test.failure.as_ref().is_none_or(|f| f.message.is_empty()) {
                            test.failure = Some(failure.clone());
                        }
                    }
                    None if run.run.unfinished.as_ref() == Some(&test.name) => {
                        test.unfinished_in.get_or_insert(number);
                    }
                    None => test.missing = true,
                }
            }
            if let Some(mut why) = run.abnormal_end() {
                // Name the file and line of the test that was running.
                if let Some(test) = &run.run.unfinished
                    && let Some(source) = sources.get(test)
                {
                    let during = t!("run.while_running", test = test).into_owned();
                    let at = format!(
                        "{during} ({}:{})",
                        course.display_path(&source.file),
                        source.line
                    );
                    why = why.replacen(&during, &at, 1);
                }
                abnormal.push((number, why));
            }
        }
        Verdict {
            tests,
            sources,
            abnormal,
            timed_out: runs.iter().any(|r| r.process.timed_out()),
            truncated: runs.iter().any(|r| r.process.truncated),
            verdicts_from_stdout: runs.iter().any(|r| r.verdicts_from_stdout),
            runs: runs.len(),
            planned_runs,
        }
    }

    fn all_passed(&self) -> bool {
        self.abnormal.is_empty()
            && self.runs == self.planned_runs
            && self.tests.iter().all(|t| t.passed() || t.ignored)
    }

    /// The tests that failed or did not finish, in course order.
    fn failing(&self) -> Vec<String> {
        self.tests
            .iter()
            .filter(|t| !t.failed_in.is_empty() || t.unfinished_in.is_some())
            .map(|t| t.name.clone())
            .collect()
    }

    fn tally(&self) -> BTreeMap<String, Tally> {
        let mut tally: BTreeMap<String, Tally> = BTreeMap::new();
        for test in &self.tests {
            let entry = tally
                .entry(exercise_of(&test.name).to_string())
                .or_default();
            entry.total += 1;
            if test.passed() && self.runs == self.planned_runs {
                entry.passed += 1;
            }
        }
        tally
    }

    /// The failures whose messages are shown: the most telling one, or all.
    fn shown_failures(&self, all: bool) -> Vec<&TestVerdict> {
        let failing: Vec<&TestVerdict> = self
            .tests
            .iter()
            .filter(|t| !t.failed_in.is_empty())
            .collect();
        if all {
            return failing;
        }
        // The most telling failure: a test stopped at a `todo!` names the part
        // still to write; otherwise the first failure in course order, where
        // the simpler tests come first.
        let todo = failing
            .iter()
            .find(|t| t.failure.as_ref().is_some_and(Failure::is_todo));
        todo.or(failing.first()).copied().into_iter().collect()
    }

    /// A failure whose message was lost (a run cut short before libtest
    /// printed it, or output so long that its end was dropped) is run again
    /// on its own to get it back: only those that will be shown, a few at most.
    fn recover_messages(
        &mut self,
        course: &Course,
        lesson: &Lesson,
        exe: &std::path::Path,
        options: &CheckOptions,
    ) -> Result<()> {
        let lost: Vec<String> = self
            .shown_failures(options.all_failures)
            .into_iter()
            .filter(|t| t.failure.as_ref().is_none_or(|f| f.message.is_empty()))
            .map(|t| t.name.clone())
            .take(MAX_RERUNS)
            .collect();
        for name in lost {
            let one = [name];
            let again = runner::run_tests(
                &course.lesson_dir(lesson),
                exe,
                Selection::Exact(&one),
                options.timeout,
            )?;
            let [name] = one;
            let found = again.run.results.into_iter().find_map(|r| match r.outcome {
                Outcome::Failed(f) if r.name == name && !f.message.is_empty() => Some(f),
                _ => None,
            });
            if let (Some(found), Some(test)) =
                (found, self.tests.iter_mut().find(|t| t.name == name))
            {
                test.failure = Some(found);
            }
        }
        Ok(())
    }

    fn print(
        &self,
        course: &Course,
        target: Target<'_>,
        heading: &str,
        variant: Variant,
        options: &CheckOptions,
        warnings: &[Warning],
    ) {
        let tally = self.tally();
        let passed: usize = tally.values().map(|t| t.passed).sum();
        let total: usize = tally.values().map(|t| t.total).sum();
        let all_good = self.all_passed();
        let mark = if all_good {
            paint(OK, "✓")
        } else {
            paint(BAD, "✗")
        };
        let heading = paint(BOLD, heading);
        if self.planned_runs > 1 {
            let runs = self.planned_runs;
            println!(
                "{mark} {}",
                t!(
                    "check.verdict_runs",
                    heading = heading,
                    passed = passed,
                    total = total,
                    runs = runs
                )
            );
        } else {
            println!(
                "{mark} {}",
                t!(
                    "check.verdict",
                    heading = heading,
                    passed = passed,
                    total = total
                )
            );
        }
        if total == 0 {
            println!("  {}", t!("check.no_tests_matched"));
        }

        let of_runs = |list: &[usize]| {
            if self.planned_runs == 1 {
                String::new()
            } else {
                let runs: Vec<String> = list.iter().map(usize::to_string).collect();
                let (runs, of) = (runs.join(", "), self.planned_runs);
                if list.len() == 1 {
                    format!(" {}", t!("check.failed_in_run", run = runs, of = of))
                } else {
                    format!(" {}", t!("check.failed_in_runs", runs = runs, of = of))
                }
            }
        };
        if target.exercise.is_some() {
            for test in &self.tests {
                let name = &test.name;
                let line = if !test.failed_in.is_empty() {
                    format!("  {} {name}{}", paint(BAD, "✗"), of_runs(&test.failed_in))
                } else if let Some(run) = test.unfinished_in {
                    let why = if self.planned_runs > 1 {
                        t!("check.did_not_finish_in_run", run = run)
                    } else {
                        t!("check.did_not_finish")
                    };
                    format!("  {} {name} ({why})", paint(BAD, "✗"))
                } else if test.missing {
                    format!("  {} {name} ({})", paint(DIM, "?"), t!("check.did_not_run"))
                } else if test.ignored {
                    format!("  {} {name} ({})", paint(DIM, "-"), t!("check.ignored"))
                } else {
                    format!("  {} {name}", paint(OK, "✓"))
                };
                println!("{line}");
            }
        } else {
            // Exercises in course order, then any group of tests that is
            // not an exercise (a test at the binary's root).
            let known = target.lesson.exercises.iter().map(|e| e.id.as_str());
            let others = tally
                .keys()
                .map(String::as_str)
                .filter(|id| target.lesson.exercise(id).is_none());
            for id in known.chain(others) {
                let Some(t) = tally.get(id) else {
                    continue;
                };
                let mark = if t.passed == t.total {
                    paint(OK, "✓")
                } else {
                    paint(BAD, "✗")
                };
                println!("  {mark} {id:<14} {}/{}", t.passed, t.total);
            }
        }

        for (run, why) in &self.abnormal {
            let which = if self.planned_runs > 1 {
                format!("{}: ", t!("check.run_number", run = run))
            } else {
                String::new()
            };
            println!("{} {which}{why}", paint(BAD, "✗"));
        }
        if !self.abnormal.is_empty() {
            let not_run = self
                .tests
                .iter()
                .filter(|t| t.unfinished_in.is_some() || t.missing)
                .count();
            if not_run > 0 {
                println!("  {}", t!("check.not_run", count = not_run));
            }
            if self.timed_out {
                println!("  {}", t!("check.timed_out_hint"));
            }
        }
        if self.runs < self.planned_runs {
            println!(
                "  {}",
                t!(
                    "check.stopped_after_run",
                    run = self.runs,
                    of = self.planned_runs
                )
            );
        }
        if self.truncated {
            println!(
                "{}",
                paint(DIM, format!("({})", t!("check.output_truncated")))
            );
        }
        if self.verdicts_from_stdout {
            println!(
                "{}",
                paint(DIM, format!("({})", t!("check.verdicts_from_stdout")))
            );
        }

        let shown = self.shown_failures(options.all_failures);
        let failing = self
            .tests
            .iter()
            .filter(|t| !t.failed_in.is_empty())
            .count();
        for (index, test) in shown.iter().enumerate() {
            let title = if options.all_failures {
                t!("check.failure_n_of", n = index + 1, of = failing)
            } else if failing > 1 {
                t!("check.most_telling_failure")
            } else {
                t!("check.failure")
            };
            self.print_failure(course, target.lesson, &title, test);
        }
        if failing > shown.len() {
            println!(
                "{}",
                paint(DIM, t!("check.more_failing", count = failing - shown.len()))
            );
        }

        print_warnings(target.lesson, warnings, all_good);

        // Where to go next: a hang is where to look first; then the failure shown.
        let focus = self
            .tests
            .iter()
            .find(|t| t.unfinished_in.is_some())
            .or(shown.first().copied())
            .and_then(|t| target.lesson.exercise(exercise_of(&t.name)));
        if let Some(exercise) = focus {
            let file = match variant {
                Variant::Learner => course.stub_path(target.lesson, exercise),
                Variant::Solution => course.solution_path(target.lesson, exercise),
            };
            println!(
                "{}",
                t!(
                    "check.edit_or_hint",
                    file = paint(CODE, course.display_path(&file)),
                    command = paint(
                        CODE,
                        format!("cargo kata hint {}/{}", target.lesson.id, exercise.id)
                    )
                )
            );
            if let Some(line) = book_page_line(course, target.lesson, exercise) {
                println!("{line}");
            }
        } else if all_good && variant == Variant::Learner {
            println!(
                "{}",
                t!(
                    "check.well_done",
                    command = paint(CODE, format!("cargo kata diff {}", target.label()))
                )
            );
        }
    }

    fn print_failure(&self, course: &Course, lesson: &Lesson, title: &str, test: &TestVerdict) {
        let runs = if self.planned_runs > 1 {
            let first = test.failed_in.first().copied().unwrap_or(1);
            format!(" ({})", t!("check.run_number", run = first))
        } else {
            String::new()
        };
        println!("{title}, {}{runs}:", paint(BOLD, &test.name));
        let failure = test.failure.clone().unwrap_or_default();
        let message = if failure.message.is_empty() {
            format!("({})", t!("check.no_message"))
        } else {
            ui::printable(&failure.message)
        };
        for line in clip(&message, MESSAGE_LINES).lines() {
            println!("  {line}");
        }
        // Where to look: the panic's location if it is in the learner's code
        // or the test itself; a panic raised in a helper (a time-out of
        // testkit's `within`) points at the test that called it.
        let source = self.sources.get(&test.name);
        let test_at = source.map(|s| format!("{}:{}", course.display_path(&s.file), s.line));
        let own = |location: &str| {
            let file = location.split(':').next().unwrap_or(location);
            file.starts_with(&format!("lessons/{}/src/", lesson.id))
                || file.starts_with(&format!("solutions/{}/", lesson.id))
                || source.is_some_and(|s| course.display_path(&s.file) == file)
        };
        match (&failure.location, test_at) {
            (Some(location), _) if own(location) => {
                println!(
                    "  {}",
                    paint(DIM, t!("check.at", location = ui::printable(location)))
                );
            }
            (Some(location), Some(test_at)) => println!(
                "  {}",
                paint(
                    DIM,
                    t!(
                        "check.at_raised_in",
                        test = test_at,
                        location = ui::printable(location)
                    )
                )
            ),
            (Some(location), None) => {
                println!(
                    "  {}",
                    paint(DIM, t!("check.at", location = ui::printable(location)))
                );
            }
            (None, Some(test_at)) => {
                println!("  {}", paint(DIM, t!("check.test_at", test = test_at)))
            }
            (None, None) => {}
        }
    }
}

/// How many of the learner's warnings a verdict shows.
const MAX_WARNINGS: usize = 3;

/// The warnings in the learner's files of the lesson (`lessons/<id>/src/`),
/// those of the checked exercise's file first.
fn learner_warnings(course: &Course, target: Target<'_>, warnings: Vec<Warning>) -> Vec<Warning> {
    let dir = format!("lessons/{}/src/", target.lesson.id);
    let own = target
        .exercise
        .map(|e| course.display_path(&course.stub_path(target.lesson, e)));
    let mut mine: Vec<Warning> = warnings
        .into_iter()
        .filter_map(|mut w| {
            let file = course.display_path(std::path::Path::new(w.file.as_deref()?));
            w.file = Some(file);
            w.file
                .as_deref()
                .is_some_and(|f| f.starts_with(&dir))
                .then_some(w)
        })
        .collect();
    mine.sort_by_key(|w| w.file != own);
    mine
}

/// The learner's warnings, after the verdict and apart from it, each shortened
/// as later compile errors are; at most [`MAX_WARNINGS`], with a count of the rest.
fn print_warnings(lesson: &Lesson, warnings: &[Warning], all_passed: bool) {
    if warnings.is_empty() {
        return;
    }
    let heading = if all_passed {
        t!("check.warnings")
    } else {
        t!("check.warnings_may_point_at_the_bug")
    };
    println!("{}", paint(WARN, heading));
    for warning in warnings.iter().take(MAX_WARNINGS) {
        for line in diagnostics::shorten(&warning.rendered).lines() {
            println!("  {line}");
        }
    }
    if warnings.len() > MAX_WARNINGS {
        let id = &lesson.id;
        println!(
            "{}",
            paint(
                DIM,
                format!(
                    "  {}",
                    t!(
                        "check.more_warnings",
                        count = warnings.len() - MAX_WARNINGS,
                        command = format!("cargo test -p {id} --test {id} --no-run")
                    )
                )
            )
        );
    }
}

/// Where the exercise's page of the book is, if the book has one:
/// `Its page in the book: target/book/threads-pool.html (…)` (`target/book/es/…` in Spanish).
pub fn book_page_line(course: &Course, lesson: &Lesson, exercise: &Exercise) -> Option<String> {
    let source = course
        .root
        .join("book/src")
        .join(book_page::exercise_source(&lesson.id, &exercise.id));
    if !source.is_file() {
        return None;
    }
    // The Spanish edition is built beside the English one, in target/book/es.
    let book = match lang::current() {
        Lang::En => "target/book".to_string(),
        other => format!("target/book/{}", other.code()),
    };
    let page = course
        .root
        .join(book)
        .join(book_page::exercise_page(&lesson.id, &exercise.id));
    Some(
        t!(
            "check.book_page",
            page = paint(CODE, course.display_path(&page)),
            command = paint(CODE, "cargo kata book --open")
        )
        .into_owned(),
    )
}

/// Records the check in the progress file. Never fails the check: a progress
/// file that cannot be written is a warning.
fn record(
    course: &Course,
    target: Target<'_>,
    tally: &BTreeMap<String, Tally>,
    failing: &[String],
    as_sealed: bool,
) {
    let mut store = Store::open(course);
    if let Some(warning) = &store.warning {
        println!("{} {warning}", paint(WARN, t!("warning.prefix")));
    }
    for exercise in target.exercises() {
        let Ok(bytes) = fs::read(course.stub_path(target.lesson, exercise)) else {
            continue;
        };
        let t = tally.get(&exercise.id).copied().unwrap_or_default();
        store.entry(target.lesson, exercise).last_check = Some(CheckRecord {
            passed: t.passed,
            total: t.total,
            file_sha256: seal::sha256_hex(&bytes),
            checked_at: progress::now(),
            as_sealed,
            failing: failing
                .iter()
                .filter(|name| exercise_of(name) == exercise.id)
                .cloned()
                .collect(),
        });
    }
    if let Err(e) = store.save() {
        println!(
            "{} {}",
            paint(WARN, t!("warning.prefix")),
            t!("check.progress_not_recorded", error = e)
        );
    }
}

/// The first `max` lines of `text`, each cut at [`MESSAGE_WIDTH`] characters,
/// with a note of how much was left out.
fn clip(text: &str, max: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = lines.iter().take(max).map(|l| clip_width(l)).collect();
    if lines.len() > max {
        out.push(format!(
            "… ({})",
            t!("check.more_lines", count = lines.len() - max)
        ));
    }
    out.join("\n")
}

fn clip_width(line: &str) -> String {
    let count = line.chars().count();
    if count <= MESSAGE_WIDTH {
        return line.to_string();
    }
    let kept: String = line.chars().take(MESSAGE_WIDTH).collect();
    format!(
        "{kept}… ({})",
        t!("check.more_characters", count = count - MESSAGE_WIDTH)
    )
}
