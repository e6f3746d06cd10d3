//! `kata gallery [<lesson>[/<id>]] [--times N]`: the maintainers' proof that the tests catch the
//! mistakes they claim to catch. Each lesson's `gallery/<id>/gallery.toml`
//! lists wrong solutions; each is a small diff against the reference solution
//! (`gallery/<id>/<wrong>.diff`). For every one, this command applies the diff
//! to a copy of the course, builds the lesson against it and runs the
//! exercise's tests: the wrong solution must fail every test that its entry
//! names (a named test that passes is a claim that does not hold), and the
//! tests' `// Catches:` comments must claim exactly what the entries name
//! ([`claims`]). The learner never sees any of it: stubs, `kata check`
//! and `kata list` do not read `gallery/`.
//!
//! The copy lives in `target/kata-gallery/course` with a target folder of its
//! own (`target/kata-gallery/target`): sharing the course's target folder
//! would let two checkouts of the same packages overwrite each other's
//! builds. Files are copied only when their content changed, so a second run
//! rebuilds only what the diffs touch.
//!
//! `--times N` runs each wrong solution's tests N times on one build: it is
//! caught only if it is caught every time, so a catch that depends on how
//! threads happen to be scheduled shows up as one.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anstream::println;
use serde::Deserialize;

use crate::course::{Course, Lesson};
use crate::error::{Error, Result};
use crate::libtest::Outcome;
use crate::runner::{self, Build, Selection, Variant};
use crate::ui::{BAD, BOLD, DIM, OK, paint};

pub mod claims;

/// What a lesson's `gallery.toml` holds.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GalleryFile {
    #[serde(default)]
    wrong: Vec<Wrong>,
}

/// One wrong solution.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wrong {
    /// Names the mistake; the diff is `<id>.diff` beside `gallery.toml`.
    pub id: String,
    /// The exercise whose tests run against it.
    pub exercise: String,
    /// The mistake in a sentence, as the book lists it.
    pub mistake: String,
    /// Tests of the exercise, each of which must fail.
    pub caught_by: Vec<String>,
}

/// The gallery folder of `lesson`.
pub fn gallery_dir(course: &Course, lesson: &Lesson) -> PathBuf {
    course.root.join("gallery").join(&lesson.id)
}

/// The wrong solutions of `lesson` (none when it has no gallery yet).
pub fn load(course: &Course, lesson: &Lesson) -> Result<Vec<Wrong>> {
    let path = gallery_dir(course, lesson).join("gallery.toml");
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(&path, e)),
    };
    let file: GalleryFile = toml::from_str(&text)
        .map_err(|e| Error::Course(format!("{}: {e}", course.display_path(&path))))?;
    Ok(file.wrong)
}

/// How one wrong solution fared.
#[derive(Debug)]
enum Verdict {
    /// Every named test failed (their names; a test that hung says so).
    Caught(Vec<String>),
    /// Some named tests failed (`by`), others passed (`not_by`): the
    /// comments of the latter claim a catch that does not hold.
    Partly {
        by: Vec<String>,
        not_by: Vec<String>,
    },
    /// Every test passed: the claim is false.
    NotCaught,
    /// Tests failed, but none of those named.
    CaughtByOthers(Vec<String>),
    /// The entry itself is broken: no diff, a diff that does not apply,
    /// a wrong solution that does not compile, an unknown test.
    Broken(String),
    /// Caught in the first `caught` runs of `of`, then not (`then`): a
    /// catch that depends on luck.
    Sometimes {
        caught: u32,
        of: u32,
        then: Box<Verdict>,
    },
}

/// Which wrong solutions to judge: every lesson's, one lesson's, or one.
#[derive(Debug, Clone, Copy, Default)]
pub struct Only<'a> {
    pub lesson: Option<&'a Lesson>,
    /// The id of one wrong solution of `lesson`.
    pub wrong: Option<&'a str>,
}

/// Test runs of wrong solutions that go on while the next one builds. Most
/// of a lesson's gallery time is tests waiting out their bounds on a wrong
/// solution that hangs (10–20 s each, with the CPU idle), so several can
/// wait at once. (Once, runs and builds at once got a build's `cargo` killed:
/// the orphan sweep read the running children outside the registry's lock;
/// it now holds the lock, and sweeps only when no other run goes on.)
const RUNNERS: usize = 3;

/// Time spent building wrong solutions and running their tests (summed over
/// the runners, so the two can add up to more than the lesson's time), in
/// milliseconds: the summary line shows where a lesson's time goes.
static BUILD_MS: AtomicU64 = AtomicU64::new(0);
static RUN_MS: AtomicU64 = AtomicU64::new(0);

fn add_time(counter: &AtomicU64, since: Instant) {
    counter.fetch_add(since.elapsed().as_millis() as u64, Ordering::Relaxed);
}

pub fn gallery(course: &Course, only: Only, timeout: Duration, times: u32) -> Result<bool> {
    if std::env::var_os("CARGO_TARGET_DIR").is_some() {
        return Err(Error::Other(
            "unset CARGO_TARGET_DIR: the gallery builds a copy of the course and needs a \
             target folder of its own (target/kata-gallery/target)"
                .into(),
        ));
    }
    let lessons: Vec<&Lesson> = match only.lesson {
        Some(lesson) => vec![lesson],
        None => course.lessons.iter().collect(),
    };
    let mut plan = Vec::new();
    for lesson in &lessons {
        let mut wrongs = load(course, lesson)?;
        if let Some(id) = only.wrong {
            wrongs.retain(|w| w.id == id);
            if wrongs.is_empty() {
                return Err(Error::Usage(format!(
                    "no wrong solution {id} in {}",
                    course.display_path(&gallery_dir(course, lesson).join("gallery.toml"))
                )));
            }
        }
        if !wrongs.is_empty() {
            plan.push((*lesson, wrongs));
        }
    }
    if plan.is_empty() {
        println!("no wrong solutions in gallery/ for these lessons");
        return Ok(only.lesson.is_none());
    }

    let work = course.root.join("target").join("kata-gallery");
    // One gallery at a time per checkout: two would patch the same copy.
    let _lock = lock(&work)?;
    let copy_root = work.join("course");
    mirror(&course.root, &copy_root)?;
    fs::create_dir_all(copy_root.join(".cargo")).map_err(|e| Error::io(&copy_root, e))?;
    write_if_changed(
        &copy_root.join(".cargo/config.toml"),
        format!(
            "# Written by `kata gallery`: this copy builds into a folder of its own,\n\
             # without debug info, which halves the time of a build (most of the\n\
             # gallery's time); panics still say where they happened.\n\
             [build]\ntarget-dir = {:?}\n\n[profile.dev]\ndebug = 0\n",
            work.join("target").display().to_string()
        )
        .as_bytes(),
    )?;
    let copy = Course::load(&copy_root)?;
    let runs = work.join("runs");

    // (lesson, caught) per row, and each lesson's time.
    let mut rows: Vec<(String, bool)> = Vec::new();
    let mut took: BTreeMap<String, (Duration, u64, u64)> = BTreeMap::new();
    for (lesson, wrongs) in &plan {
        let copy_lesson = copy
            .lesson(&lesson.id)
            .expect("the copy has the same lessons");
        let dir = gallery_dir(course, lesson);
        let listed = listed_tests(&copy, copy_lesson)?;
        let started = Instant::now();
        BUILD_MS.store(0, Ordering::Relaxed);
        RUN_MS.store(0, Ordering::Relaxed);
        // Claims in comments that the entries do not make, or the reverse.
        for (id, what) in claims::disagreements(course, lesson, wrongs)? {
            println!(
                "{} {:<58} {what}",
                paint(BAD, "✗"),
                format!("{}/{id}", lesson.id)
            );
            rows.push((lesson.id.clone(), false));
        }
        let verdicts = judge_all(
            course,
            &copy,
            copy_lesson,
            &dir,
            wrongs,
            listed.as_ref(),
            &runs,
            timeout,
            times,
        )?;
        for verdict in &verdicts {
            rows.push((lesson.id.clone(), matches!(verdict, Verdict::Caught(_))));
        }
        // Diffs on disk without an entry are claims nobody checks.
        let strays = match only.wrong {
            Some(_) => Vec::new(),
            None => stray_diffs(&dir, wrongs)?,
        };
        for stray in strays {
            let verdict =
                Verdict::Broken(format!("{stray} has no [[wrong]] entry in gallery.toml"));
            let wrong = Wrong {
                id: stray.trim_end_matches(".diff").to_string(),
                exercise: "-".into(),
                mistake: String::new(),
                caught_by: Vec::new(),
            };
            print_row(&lesson.id, &wrong, &verdict);
            rows.push((lesson.id.clone(), false));
        }
        took.insert(
            lesson.id.clone(),
            (
                started.elapsed(),
                BUILD_MS.load(Ordering::Relaxed) / 1000,
                RUN_MS.load(Ordering::Relaxed) / 1000,
            ),
        );
        restore(course, &copy, lesson)?;
    }

    let failed = rows.iter().filter(|(_, caught)| !caught).count();
    let passed = rows.len() - failed;
    let summary: Vec<String> = plan
        .iter()
        .map(|(lesson, _)| {
            let n = rows.iter().filter(|(l, _)| *l == lesson.id).count();
            let (took, builds, runs) = took.get(&lesson.id).copied().unwrap_or_default();
            format!(
                "{} {n} in {:.0} s (builds {builds} s, test runs {runs} s)",
                lesson.id,
                took.as_secs_f64()
            )
        })
        .collect();
    println!("{}", paint(DIM, summary.join(", ")));
    if times > 1 {
        println!("gallery: {passed} passed, {failed} failed (each one's tests run {times} times)");
    } else {
        println!("gallery: {passed} passed, {failed} failed");
    }
    Ok(failed == 0)
}

/// An exclusive lock on `work/lock`, held until the value is dropped (or
/// the process ends). Waits, saying so, while another gallery holds it.
fn lock(work: &Path) -> Result<nix::fcntl::Flock<fs::File>> {
    use nix::errno::Errno;
    use nix::fcntl::{Flock, FlockArg};
    fs::create_dir_all(work).map_err(|e| Error::io(work, e))?;
    let path = work.join("lock");
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    let failed = |e: Errno| Error::Other(format!("cannot lock {}: {e}", path.display()));
    match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
        Ok(lock) => Ok(lock),
        Err((file, Errno::EWOULDBLOCK)) => {
            println!("another `kata gallery` is running in this checkout: waiting for it to end");
            Flock::lock(file, FlockArg::LockExclusive).map_err(|(_, e)| failed(e))
        }
        Err((_, e)) => Err(failed(e)),
    }
}

/// Judges every wrong solution of a lesson, in order, printing each row as
/// soon as it and the rows before it are known. Builds are one at a time
/// (one copy of the course); the test runs of up to [`RUNNERS`] built wrong
/// solutions can go on meanwhile, each on a copy of its test binary. A lesson
/// with binaries of its own (`src/bin`) runs them from the build folder,
/// which the next build rewrites: its wrong solutions run one at a time.
#[allow(clippy::too_many_arguments)]
fn judge_all(
    course: &Course,
    copy: &Course,
    lesson: &Lesson,
    dir: &Path,
    wrongs: &[Wrong],
    listed: Option<&Vec<String>>,
    runs: &Path,
    timeout: Duration,
    times: u32,
) -> Result<Vec<Verdict>> {
    use std::sync::mpsc;
    let overlap = !copy.lesson_dir(lesson).join("src/bin").is_dir();
    let runners = if overlap { RUNNERS } else { 0 };
    let mut verdicts: Vec<Option<Verdict>> = (0..wrongs.len()).map(|_| None).collect();
    let mut printed = 0;
    let mut settle = |verdicts: &mut Vec<Option<Verdict>>, i: usize, verdict: Verdict| {
        verdicts[i] = Some(verdict);
        while let Some(Some(verdict)) = verdicts.get(printed) {
            print_row(&lesson.id, &wrongs[printed], verdict);
            printed += 1;
        }
    };
    // A rendezvous channel: a built wrong solution waits for a free runner,
    // so builds never run far ahead of the runs.
    let (jobs_tx, jobs_rx) = mpsc::sync_channel::<(usize, PathBuf, String)>(0);
    let jobs_rx = std::sync::Mutex::new(jobs_rx);
    let (done_tx, done_rx) = mpsc::channel::<(usize, Verdict)>();
    std::thread::scope(|scope| -> Result<()> {
        for _ in 0..runners {
            let (jobs_rx, done_tx) = (&jobs_rx, done_tx.clone());
            scope.spawn(move || {
                loop {
                    let job = jobs_rx.lock().expect("job queue").recv();
                    let Ok((i, exe, prefix)) = job else { break };
                    let verdict =
                        run_and_judge(copy, lesson, &wrongs[i], &exe, &prefix, timeout, times);
                    if done_tx.send((i, verdict)).is_err() {
                        break;
                    }
                }
            });
        }
        let mut seen = BTreeSet::new();
        for (i, wrong) in wrongs.iter().enumerate() {
            while let Ok((j, verdict)) = done_rx.try_recv() {
                settle(&mut verdicts, j, verdict);
            }
            if !seen.insert(wrong.id.clone()) {
                let why = format!("a second entry with the id {}", wrong.id);
                settle(&mut verdicts, i, Verdict::Broken(why));
                continue;
            }
            match prepare(course, copy, lesson, dir, wrong, listed, runs)? {
                Prepared::Judged(verdict) => settle(&mut verdicts, i, verdict),
                Prepared::Ready { exe, prefix } if runners > 0 => {
                    jobs_tx
                        .send((i, exe, prefix))
                        .expect("the runners live until the channel closes");
                }
                Prepared::Ready { exe, prefix } => {
                    let verdict = run_and_judge(copy, lesson, wrong, &exe, &prefix, timeout, times);
                    settle(&mut verdicts, i, verdict);
                }
            }
        }
        drop(jobs_tx);
        drop(done_tx);
        for (j, verdict) in done_rx {
            settle(&mut verdicts, j, verdict);
        }
        Ok(())
    })?;
    Ok(verdicts
        .into_iter()
        .map(|v| v.expect("every wrong solution is judged"))
        .collect())
}

fn print_row(lesson: &str, wrong: &Wrong, verdict: &Verdict) {
    let subject = format!("{lesson}/{}", wrong.id);
    println!("{}", row(&subject, wrong, verdict));
}

fn row(subject: &str, wrong: &Wrong, verdict: &Verdict) -> String {
    let mark = match verdict {
        Verdict::Caught(_) => paint(OK, "✓"),
        _ => paint(BAD, "✗"),
    };
    format!("{mark} {subject:<58} {}", describe(wrong, verdict))
}

/// The verdict in words, after the row's mark and subject.
fn describe(wrong: &Wrong, verdict: &Verdict) -> String {
    match verdict {
        Verdict::Caught(by) => format!("caught by {}", by.join(", ")),
        Verdict::NotCaught => format!(
            "{}: every test of {} passes",
            paint(BOLD, "NOT CAUGHT"),
            wrong.exercise
        ),
        Verdict::CaughtByOthers(by) => format!(
            "{}: failed {}, but gallery.toml names {}",
            paint(BOLD, "NOT CAUGHT by the named tests"),
            by.join(", "),
            wrong.caught_by.join(", ")
        ),
        Verdict::Partly { by, not_by } => format!(
            "caught by {}, but {} by {}, which gallery.toml names",
            by.join(", "),
            paint(BOLD, "NOT CAUGHT"),
            not_by.join(", ")
        ),
        Verdict::Broken(why) => why.clone(),
        Verdict::Sometimes { caught, of, then } => format!(
            "{} in {caught} run(s) of {of}, then {}",
            paint(BOLD, "caught only"),
            describe(wrong, then)
        ),
    }
}

/// The tests of the lesson's binary as shipped, to check that `caught_by`
/// names real tests. `None` when the reference solution does not build.
fn listed_tests(copy: &Course, lesson: &Lesson) -> Result<Option<Vec<String>>> {
    match runner::build(copy, lesson, Variant::Solution)? {
        Build::Ready(exe) => Ok(Some(runner::list_tests(&copy.lesson_dir(lesson), &exe)?)),
        Build::Failed { .. } => Ok(None),
    }
}

/// A wrong solution built and ready to run, or already judged.
enum Prepared {
    /// Its test binary, copied where the next build cannot touch it.
    Ready {
        exe: PathBuf,
        prefix: String,
    },
    Judged(Verdict),
}

/// Applies the wrong solution to the copy and builds it.
fn prepare(
    course: &Course,
    copy: &Course,
    lesson: &Lesson,
    dir: &Path,
    wrong: &Wrong,
    listed: Option<&Vec<String>>,
    runs: &Path,
) -> Result<Prepared> {
    let broken = |why: String| Ok(Prepared::Judged(Verdict::Broken(why)));
    let Some(exercise) = lesson.exercise(&wrong.exercise) else {
        return broken(format!(
            "no exercise {} in lesson {}",
            wrong.exercise, lesson.id
        ));
    };
    if wrong.caught_by.is_empty() {
        return broken("caught_by names no test".into());
    }
    let prefix = format!("{}::", exercise.id);
    if let Some(listed) = listed {
        let unknown: Vec<&str> = wrong
            .caught_by
            .iter()
            .filter(|t| !listed.contains(t) || !t.starts_with(&prefix))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            return broken(format!(
                "caught_by names tests that are not tests of {}: {}",
                exercise.id,
                unknown.join(", ")
            ));
        }
    }
    let diff_path = dir.join(format!("{}.diff", wrong.id));
    let diff = match fs::read_to_string(&diff_path) {
        Ok(diff) => diff,
        Err(e) => {
            return broken(format!(
                "cannot read {}: {e}",
                course.display_path(&diff_path)
            ));
        }
    };
    restore(course, copy, lesson)?;
    if let Err(why) = apply(&copy.root, &diff) {
        return broken(format!("the diff does not apply: {why}"));
    }
    let building = Instant::now();
    let built = runner::build(copy, lesson, Variant::Solution);
    add_time(&BUILD_MS, building);
    let exe = match built? {
        Build::Ready(exe) => exe,
        Build::Failed { errors } => {
            let first = errors.first().map(|e| first_line(e)).unwrap_or_default();
            return broken(format!("the wrong solution does not compile: {first}"));
        }
    };
    // The next wrong solution's build replaces the binary: run a copy.
    fs::create_dir_all(runs).map_err(|e| Error::io(runs, e))?;
    let own = runs.join(format!("{}-{}", lesson.id, wrong.id));
    fs::copy(&exe, &own).map_err(|e| Error::io(&own, e))?;
    Ok(Prepared::Ready { exe: own, prefix })
}

/// Runs the tests an entry names on its prepared wrong solution `times`
/// times, and judges it: caught only if every run caught it.
fn run_and_judge(
    copy: &Course,
    lesson: &Lesson,
    wrong: &Wrong,
    exe: &Path,
    _prefix: &str,
    timeout: Duration,
    times: u32,
) -> Verdict {
    let mut verdict = Verdict::NotCaught;
    for run in 0..times {
        verdict = run_once(copy, lesson, wrong, exe, timeout);
        if !matches!(verdict, Verdict::Caught(_)) {
            if run > 0 {
                verdict = Verdict::Sometimes {
                    caught: run,
                    of: times,
                    then: Box::new(verdict),
                };
            }
            break;
        }
    }
    let _ = fs::remove_file(exe);
    verdict
}

/// One run of the tests an entry names, judged.
fn run_once(
    copy: &Course,
    lesson: &Lesson,
    wrong: &Wrong,
    exe: &Path,
    timeout: Duration,
) -> Verdict {
    let running = Instant::now();
    let run = runner::run_tests(
        &copy.lesson_dir(lesson),
        exe,
        // Only the tests the entry names: the claim is theirs, and the
        // exercise's other tests may wait out time-outs on a wrong solution.
        Selection::Exact(&wrong.caught_by),
        timeout,
    );
    add_time(&RUN_MS, running);
    let run = match run {
        Ok(run) => run,
        Err(e) => return Verdict::Broken(format!("its tests could not run: {e}")),
    };
    let mut failed: Vec<String> = run
        .run
        .results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Failed(_)))
        .map(|r| r.name.clone())
        .collect();
    if let Some(hung) = &run.run.unfinished {
        // A test that hung or crashed the binary: it catches the mistake
        // only because the verdict names it; say so.
        failed.push(format!("{hung} (did not finish)"));
    }
    let named: Vec<String> = failed
        .iter()
        .filter(|f| {
            wrong
                .caught_by
                .iter()
                .any(|c| f.as_str() == c || f.strip_suffix(" (did not finish)") == Some(c))
        })
        .cloned()
        .collect();
    let passed_named: Vec<String> = run
        .run
        .results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Passed) && wrong.caught_by.contains(&r.name))
        .map(|r| r.name.clone())
        .collect();
    if !named.is_empty() && !passed_named.is_empty() {
        Verdict::Partly {
            by: named,
            not_by: passed_named,
        }
    } else if !named.is_empty() {
        Verdict::Caught(named)
    } else if failed.is_empty() && run.abnormal_end().is_none() {
        Verdict::NotCaught
    } else if failed.is_empty() {
        Verdict::Broken(format!(
            "the run ended abnormally: {}",
            run.abnormal_end().unwrap_or_default()
        ))
    } else {
        Verdict::CaughtByOthers(failed)
    }
}

fn first_line(text: &str) -> String {
    let plain = crate::diagnostics::strip_ansi(text);
    plain.lines().next().unwrap_or("").to_string()
}

/// Applies a unified diff (one file or several, as `git diff` prints them)
/// to the files under `root`. Strict: a hunk whose context does not match
/// is an error, never a fuzzy guess.
pub fn apply(root: &Path, diff: &str) -> std::result::Result<(), String> {
    let sections = split_files(diff);
    if sections.is_empty() {
        return Err("no file in the diff".into());
    }
    for section in sections {
        let path = target_path(&section).ok_or("a file section names no `+++ b/` path")?;
        if path.split('/').any(|part| part == ".." || part.is_empty()) {
            return Err(format!("the diff names a path outside the course: {path}"));
        }
        let file = root.join(&path);
        let original = fs::read_to_string(&file).map_err(|e| format!("cannot read {path}: {e}"))?;
        let patch = diffy::Patch::from_str(&section).map_err(|e| format!("{path}: {e}"))?;
        let patched = diffy::apply(&original, &patch)
            .map_err(|e| format!("{path} does not match the diff's context ({e})"))?;
        fs::write(&file, patched).map_err(|e| format!("cannot write {path}: {e}"))?;
    }
    Ok(())
}

/// The per-file sections of a diff, each starting at its `--- ` line.
fn split_files(diff: &str) -> Vec<String> {
    let mut sections: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    let mut lines = diff.split_inclusive('\n').peekable();
    while let Some(line) = lines.next() {
        let starts_file =
            line.starts_with("--- ") && lines.peek().is_some_and(|next| next.starts_with("+++ "));
        if starts_file {
            if let Some(done) = current.take() {
                sections.push(done);
            }
            current = Some(line.to_string());
        } else if line.starts_with("diff --git ") {
            if let Some(done) = current.take() {
                sections.push(done);
            }
        } else if let Some(section) = current.as_mut() {
            section.push_str(line);
        }
    }
    sections.extend(current);
    sections
}

/// `+++ b/solutions/x/y.rs` -> `solutions/x/y.rs`.
fn target_path(section: &str) -> Option<String> {
    let line = section.lines().find(|l| l.starts_with("+++ "))?;
    let path = line["+++ ".len()..].split('\t').next()?.trim();
    Some(path.strip_prefix("b/").unwrap_or(path).to_string())
}

/// `.diff` files in the gallery folder with no entry in `gallery.toml`.
fn stray_diffs(dir: &Path, wrongs: &[Wrong]) -> Result<Vec<String>> {
    let mut stray = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(_) => return Ok(stray),
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(id) = name.strip_suffix(".diff")
            && !wrongs.iter().any(|w| w.id == id)
        {
            stray.push(name);
        }
    }
    stray.sort();
    Ok(stray)
}

/// Puts the reference solutions of `lesson` back into the copy.
fn restore(course: &Course, copy: &Course, lesson: &Lesson) -> Result<()> {
    let from = course.root.join("solutions").join(&lesson.id);
    let to = copy.root.join("solutions").join(&lesson.id);
    mirror(&from, &to)
}

/// Folders of the course that a copy does not need.
const NOT_COPIED: &[&str] = &["target", ".git", ".kata", ".cargo", "gallery", "book"];

/// Makes `to` a copy of `from`, writing only files whose content differs
/// (so cargo sees unchanged files as unchanged) and removing files that
/// `from` no longer has.
fn mirror(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to).map_err(|e| Error::io(to, e))?;
    let mut present = BTreeSet::new();
    for entry in fs::read_dir(from).map_err(|e| Error::io(from, e))? {
        let entry = entry.map_err(|e| Error::io(from, e))?;
        let name = entry.file_name();
        if NOT_COPIED.iter().any(|n| name == *n) {
            continue;
        }
        present.insert(name.clone());
        let source = entry.path();
        let dest = to.join(&name);
        let kind = entry.file_type().map_err(|e| Error::io(&source, e))?;
        if kind.is_dir() {
            mirror(&source, &dest)?;
        } else if kind.is_file() {
            let bytes = fs::read(&source).map_err(|e| Error::io(&source, e))?;
            write_if_changed(&dest, &bytes)?;
        }
    }
    for entry in fs::read_dir(to).map_err(|e| Error::io(to, e))? {
        let entry = entry.map_err(|e| Error::io(to, e))?;
        let name = entry.file_name();
        // The copy's own cargo configuration is not the course's.
        if present.contains(&name) || name == ".cargo" {
            continue;
        }
        let path = entry.path();
        let removed = if path.is_dir() {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
        removed.map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}

fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<()> {
    if fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    fs::write(path, bytes).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_catch_that_holds_only_sometimes_is_a_failed_row_that_says_so() {
        let wrong = Wrong {
            id: "racy".into(),
            exercise: "pool".into(),
            mistake: "x".into(),
            caught_by: vec!["pool::t".into()],
        };
        let verdict = Verdict::Sometimes {
            caught: 2,
            of: 6,
            then: Box::new(Verdict::NotCaught),
        };
        let line = crate::diagnostics::strip_ansi(&row("l/racy", &wrong, &verdict));
        assert!(line.starts_with("✗ l/racy "), "{line}");
        assert!(
            line.ends_with(
                "caught only in 2 run(s) of 6, then NOT CAUGHT: every test of pool passes"
            ),
            "{line}"
        );
        let partly = Verdict::Partly {
            by: vec!["pool::t".into()],
            not_by: vec!["pool::u".into()],
        };
        let line = crate::diagnostics::strip_ansi(&row("l/racy", &wrong, &partly));
        assert!(
            line.starts_with("✗ l/racy ")
                && line.ends_with(
                    "caught by pool::t, but NOT CAUGHT by pool::u, which gallery.toml names"
                ),
            "{line}"
        );
        let caught = Verdict::Caught(vec!["pool::t".into()]);
        let line = crate::diagnostics::strip_ansi(&row("l/racy", &wrong, &caught));
        assert!(
            line.starts_with("✓ l/racy ") && line.ends_with("caught by pool::t"),
            "{line}"
        );
    }

    const TWO_FILES: &str = "\
diff --git a/solutions/a/x.rs b/solutions/a/x.rs
index 1111111..2222222 100644
--- a/solutions/a/x.rs
+++ b/solutions/a/x.rs
@@ -1,3 +1,3 @@
 fn one() {}
-fn two() {}
+fn two() { panic!() }
 fn three() {}
diff --git a/solutions/a/y.rs b/solutions/a/y.rs
index 3333333..4444444 100644
--- a/solutions/a/y.rs
+++ b/solutions/a/y.rs
@@ -1,2 +1,2 @@
-let a = 1;
+let a = 2;
 let b = 1;
";

    #[test]
    fn applies_every_file_of_a_git_diff() {
        let dir = tempfile::tempdir().unwrap();
        let sol = dir.path().join("solutions/a");
        fs::create_dir_all(&sol).unwrap();
        fs::write(
            sol.join("x.rs"),
            "fn one() {}\nfn two() {}\nfn three() {}\n",
        )
        .unwrap();
        fs::write(sol.join("y.rs"), "let a = 1;\nlet b = 1;\n").unwrap();
        apply(dir.path(), TWO_FILES).unwrap();
        assert_eq!(
            fs::read_to_string(sol.join("x.rs")).unwrap(),
            "fn one() {}\nfn two() { panic!() }\nfn three() {}\n"
        );
        assert_eq!(
            fs::read_to_string(sol.join("y.rs")).unwrap(),
            "let a = 2;\nlet b = 1;\n"
        );
    }

    #[test]
    fn refuses_a_diff_whose_context_does_not_match() {
        let dir = tempfile::tempdir().unwrap();
        let sol = dir.path().join("solutions/a");
        fs::create_dir_all(&sol).unwrap();
        fs::write(
            sol.join("x.rs"),
            "fn one() {}\nfn TWO() {}\nfn three() {}\n",
        )
        .unwrap();
        fs::write(sol.join("y.rs"), "let a = 1;\nlet b = 1;\n").unwrap();
        let err = apply(dir.path(), TWO_FILES).unwrap_err();
        assert!(err.contains("solutions/a/x.rs"), "{err}");
    }

    #[test]
    fn refuses_paths_outside_the_course() {
        let dir = tempfile::tempdir().unwrap();
        let diff = "--- a/../x.rs\n+++ b/../x.rs\n@@ -1 +1 @@\n-a\n+b\n";
        let err = apply(dir.path(), diff).unwrap_err();
        assert!(err.contains("outside the course"), "{err}");
    }

    #[test]
    fn strips_colour_from_compiler_errors() {
        assert_eq!(
            first_line("\u{1b}[1m\u{1b}[38;5;9merror[E0308]\u{1b}[0m: mismatched\nmore"),
            "error[E0308]: mismatched"
        );
    }
}
