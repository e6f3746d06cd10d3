//! `kata check <lesson>[/<exercise>]`: build, run the tests, print a compact
//! verdict, record progress.

use std::collections::BTreeMap;
use std::fs;
use std::time::Duration;

use anstream::println;

use crate::course::{Course, Lesson, Target};
use crate::error::Result;
use crate::libtest::{Failure, Outcome};
use crate::progress::{self, CheckRecord, Store};
use crate::runner::{self, Build, Selection, TestRun, Variant};
use crate::seal;
use crate::ui::{BAD, BOLD, CODE, DIM, OK, WARN, paint};

/// How many lines of a failure message or compile error a verdict shows.
const MESSAGE_LINES: usize = 12;

/// A lesson's tests, built and run (or not, if they did not compile).
#[derive(Debug)]
pub enum LessonRun {
    DidNotCompile(Vec<String>),
    Ran(TestRun),
}

/// Builds `lesson` against `variant` and runs the tests starting with `prefix`.
pub fn run_lesson(
    course: &Course,
    lesson: &Lesson,
    variant: Variant,
    prefix: Option<&str>,
    timeout: Duration,
) -> Result<LessonRun> {
    let selection = match prefix {
        Some(p) => Selection::Prefix(p),
        None => Selection::All,
    };
    match runner::build(course, lesson, variant)? {
        Build::Failed { errors } => Ok(LessonRun::DidNotCompile(errors)),
        Build::Ready(exe) => Ok(LessonRun::Ran(runner::run_tests(
            &course.lesson_dir(lesson),
            &exe,
            selection,
            timeout,
        )?)),
    }
}

/// The exercise a test belongs to: the first segment of its path.
pub fn exercise_of(test: &str) -> &str {
    test.split("::").next().unwrap_or(test)
}

/// Runs `kata check` and returns whether every selected test passed.
pub fn check(
    course: &Course,
    target: Target<'_>,
    solution: bool,
    timeout: Duration,
) -> Result<bool> {
    let lesson = target.lesson;
    let variant = if solution {
        Variant::Solution
    } else {
        Variant::Learner
    };
    let changed_tests = seal::changed_tests(course, lesson)?;
    if !changed_tests.is_empty() && !solution {
        println!(
            "{} the tests of lesson {} differ from the course's ({}). Exercises they cover are not \
             counted as done; `git checkout -- lessons/{}/tests` restores them.",
            paint(WARN, "warning:"),
            lesson.id,
            changed_tests.join(", "),
            lesson.id
        );
    }
    let prefix = target.exercise.map(|e| format!("{}::", e.id));
    let outcome = run_lesson(course, lesson, variant, prefix.as_deref(), timeout)?;

    let heading = match variant {
        Variant::Learner => target.label(),
        Variant::Solution => format!("{} (reference solution)", target.label()),
    };

    let mut store = Store::open(course);
    if let Some(warning) = &store.warning {
        println!("{} {warning}", paint(WARN, "warning:"));
    }

    let passed = match outcome {
        LessonRun::DidNotCompile(errors) => {
            println!("{} {heading} does not compile", paint(BAD, "✗"));
            for error in errors.iter().take(2) {
                println!("{}", clip(error.trim_end(), MESSAGE_LINES * 2));
            }
            if errors.len() > 2 {
                println!(
                    "{}",
                    paint(DIM, format!("… and {} more errors", errors.len() - 2))
                );
            }
            println!("Fix the first error, then check again.");
            if !solution {
                record(&mut store, course, target, &BTreeMap::new())?;
            }
            false
        }
        LessonRun::Ran(mut run) => {
            recover_lost_messages(course, lesson, &mut run, timeout)?;
            let tally = tally(&run);
            print_verdict(course, target, &heading, &run, &tally, variant);
            if !solution {
                record(&mut store, course, target, &tally)?;
            }
            run.abnormal_end().is_none() && tally.values().all(|t| t.passed == t.total)
        }
    };
    Ok(passed)
}

/// A run cut short by a time-out or a crash loses the messages of the tests
/// that failed before it (libtest prints them at the end). Runs those tests
/// again, on their own and quickly, to get their messages back.
fn recover_lost_messages(
    course: &Course,
    lesson: &Lesson,
    run: &mut TestRun,
    limit: Duration,
) -> Result<()> {
    if run.abnormal_end().is_none() {
        return Ok(());
    }
    let lost: Vec<String> = run
        .run
        .results
        .iter()
        .filter(|r| matches!(&r.outcome, Outcome::Failed(f) if f.message.is_empty()))
        .map(|r| r.name.clone())
        .collect();
    if lost.is_empty() {
        return Ok(());
    }
    let again = runner::run_tests(
        &course.lesson_dir(lesson),
        &run.exe,
        Selection::Exact(&lost),
        limit,
    )?;
    for found in again.run.results {
        if let (Outcome::Failed(failure), Some(result)) = (
            &found.outcome,
            run.run.results.iter_mut().find(|r| r.name == found.name),
        ) && !failure.message.is_empty()
        {
            result.outcome = found.outcome.clone();
        }
    }
    Ok(())
}

/// Passed and total tests of one exercise.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tally {
    pub passed: usize,
    pub total: usize,
}

fn tally(run: &TestRun) -> BTreeMap<String, Tally> {
    let mut tally: BTreeMap<String, Tally> = BTreeMap::new();
    for name in &run.selected {
        let entry = tally.entry(exercise_of(name).to_string()).or_default();
        entry.total += 1;
        let passed = run
            .run
            .results
            .iter()
            .any(|r| &r.name == name && r.outcome == Outcome::Passed);
        if passed {
            entry.passed += 1;
        }
    }
    tally
}

fn record(
    store: &mut Store,
    course: &Course,
    target: Target<'_>,
    tally: &BTreeMap<String, Tally>,
) -> Result<()> {
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
        });
    }
    store.save()
}

fn print_verdict(
    course: &Course,
    target: Target<'_>,
    heading: &str,
    run: &TestRun,
    tally: &BTreeMap<String, Tally>,
    variant: Variant,
) {
    let passed: usize = tally.values().map(|t| t.passed).sum();
    let total: usize = tally.values().map(|t| t.total).sum();
    let all_good = passed == total && run.abnormal_end().is_none();
    let mark = if all_good {
        paint(OK, "✓")
    } else {
        paint(BAD, "✗")
    };
    println!(
        "{mark} {}: {passed}/{total} tests pass",
        paint(BOLD, heading)
    );
    if total == 0 {
        println!("  no tests matched: is the exercise named in lesson.toml and in tests/?");
    }

    if target.exercise.is_some() {
        for name in &run.selected {
            let result = run.run.results.iter().find(|r| &r.name == name);
            let line = match result.map(|r| &r.outcome) {
                Some(Outcome::Passed) => format!("  {} {name}", paint(OK, "✓")),
                Some(Outcome::Failed(_)) => format!("  {} {name}", paint(BAD, "✗")),
                Some(Outcome::Ignored) => format!("  {} {name} (ignored)", paint(DIM, "-")),
                None if run.run.unfinished.as_ref() == Some(name) => {
                    format!("  {} {name} (did not finish)", paint(BAD, "✗"))
                }
                None => format!("  {} {name} (did not run)", paint(DIM, "?")),
            };
            println!("{line}");
        }
    } else {
        for (exercise, t) in tally {
            let mark = if t.passed == t.total {
                paint(OK, "✓")
            } else {
                paint(BAD, "✗")
            };
            println!("  {mark} {exercise:<14} {}/{}", t.passed, t.total);
        }
    }

    if let Some(why) = run.abnormal_end() {
        println!("{} {why}", paint(BAD, "✗"));
        let not_run = run.not_run().len();
        if not_run > 0 {
            println!("  {not_run} test(s) did not finish or did not run");
        }
        if run.process.timed_out() {
            println!(
                "  an endless loop or a deadlock? everything it started was stopped; \
                 `--timeout SECS` changes the limit"
            );
        }
    }
    if run.process.truncated {
        println!(
            "{}",
            paint(DIM, "(the test output was long; only its start was kept)")
        );
    }

    let first_failure = run.run.results.iter().find_map(|r| match &r.outcome {
        Outcome::Failed(f) => Some((r.name.as_str(), f)),
        _ => None,
    });
    if let Some((name, failure)) = first_failure {
        print_failure(name, failure);
    }

    // Where to go next.
    // A hang is where to look first; then the first failure.
    let focus = run
        .run
        .unfinished
        .as_deref()
        .or(first_failure.map(|(name, _)| name))
        .and_then(|name| target.lesson.exercise(exercise_of(name)));
    if let Some(exercise) = focus {
        let file = match variant {
            Variant::Learner => course.stub_path(target.lesson, exercise),
            Variant::Solution => course.solution_path(target.lesson, exercise),
        };
        println!(
            "Edit {}; stuck? {}",
            paint(CODE, course.display_path(&file)),
            paint(
                CODE,
                format!("cargo kata hint {}/{}", target.lesson.id, exercise.id)
            )
        );
    } else if all_good && variant == Variant::Learner {
        println!(
            "Well done. Compare with the reference: {}",
            paint(CODE, format!("cargo kata diff {}", target.label()))
        );
    }
}

fn print_failure(name: &str, failure: &Failure) {
    println!("First failure, {}:", paint(BOLD, name));
    let message = if failure.message.is_empty() {
        "(no message: the run was cut short before the test binary printed it)"
    } else {
        failure.message.as_str()
    };
    for line in clip(message, MESSAGE_LINES).lines() {
        println!("  {line}");
    }
    if let Some(location) = &failure.location {
        println!("  {}", paint(DIM, format!("at {location}")));
    }
}

/// The first `max` lines of `text`, with a note of how many were left out.
fn clip(text: &str, max: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= max {
        return text.to_string();
    }
    format!(
        "{}\n… ({} more lines)",
        lines[..max].join("\n"),
        lines.len() - max
    )
}
