//! `kata verify`: the maintainers' proof of the course's contract. For every
//! lesson and every test: it passes on the reference solution and fails on the
//! stub, as a test failure at a `todo!` (not a compile error, not a time-out).
//! Also: the course's files are where they should be, seals are current, the
//! stubs have the solutions' public API, every hint names an exercise and has
//! its Spanish text (and
//! every test prefix of a hint a test of it), every
//! lesson has a book chapter and every chapter a lesson, and every book
//! include points at a file and anchor that exist.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::time::Duration;

use anstream::println;

use crate::cmd::check::exercise_of;
use crate::course::{Course, Lesson};
use crate::error::Result;
use crate::libtest::Outcome;
use crate::runner::{self, Build, Selection, Variant};
use crate::seal;
use crate::ui::{self, BAD, BOLD, DIM, OK, paint};

/// Book pages that belong to no lesson.
const GENERAL_PAGES: &[&str] = &["SUMMARY.md", "introduction.md", "before-you-start.md"];

/// The pages of a lesson besides its overview `<id>.md` and one page per
/// exercise `<id>-<exercise>.md`: `<id>-<part>.md`. A long Concepts part
/// goes on in `<id>-concepts-<topic>.md`.
const LESSON_PARTS: &[&str] = &[
    "concepts",
    "python",
    "performance",
    "production",
    "solutions",
    "gallery",
];

/// A page longer than this is split (issue 14: a page you can find your
/// way in, and an exercise one click from `kata check`'s verdict).
const MAX_PAGE_LINES: usize = 500;

/// Whether `stem` (a page's file name without `.md`) is one of a lesson's
/// pages: its overview, one of [`LESSON_PARTS`], or an exercise's page.
fn is_lesson_page(course: &Course, stem: &str) -> bool {
    course.lessons.iter().any(|lesson| {
        let Some(part) = stem.strip_prefix(lesson.id.as_str()) else {
            return false;
        };
        let Some(part) = part.strip_prefix('-') else {
            return part.is_empty();
        };
        LESSON_PARTS.contains(&part)
            || part.starts_with("concepts-")
            || lesson.exercise(part).is_some()
    })
}

/// One line of the verdict table.
#[derive(Debug)]
struct Row {
    subject: String,
    problem: Option<String>,
}

#[derive(Debug, Default)]
struct Table {
    rows: Vec<Row>,
}

impl Table {
    fn add(&mut self, subject: impl Into<String>, problems: Vec<String>) {
        self.rows.push(Row {
            subject: subject.into(),
            problem: (!problems.is_empty()).then(|| problems.join("; ")),
        });
    }
}

pub fn verify(course: &Course, timeout: Duration) -> Result<bool> {
    let mut table = Table::default();
    course_checks(course, &mut table)?;
    for lesson in &course.lessons {
        lesson_checks(course, lesson, &mut table)?;
        let stub = run_each(course, lesson, Variant::Learner, timeout)?;
        let solution = run_each(course, lesson, Variant::Solution, timeout)?;
        test_rows(lesson, &stub, &solution, &mut table);
        hint_test_rows(lesson, &stub, &solution, &mut table);
    }

    let width = table
        .rows
        .iter()
        .map(|r| r.subject.len())
        .max()
        .unwrap_or(0);
    for row in &table.rows {
        match &row.problem {
            None => println!("{} {}", paint(OK, "✓"), row.subject),
            Some(problem) => println!(
                "{} {:<width$}  {}",
                paint(BAD, "✗"),
                paint(BOLD, &row.subject),
                problem
            ),
        }
    }
    let failed = table.rows.iter().filter(|r| r.problem.is_some()).count();
    let passed = table.rows.len() - failed;
    println!();
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        println!(
            "{}",
            paint(
                DIM,
                "A stale seal is fixed with `cargo kata seal` once the change is intended."
            )
        );
    }
    Ok(failed == 0)
}

/// How one test ended in its own process.
#[derive(Debug)]
enum Verdict {
    Ended(Outcome),
    /// Timed out or crashed: why.
    Abnormal(String),
}

/// A lesson built against one variant, each test run in a process of its
/// own, so that a hang or a crash is pinned on the test that caused it.
enum Each {
    DidNotCompile(String),
    Ran(BTreeMap<String, Verdict>),
}

fn run_each(course: &Course, lesson: &Lesson, variant: Variant, limit: Duration) -> Result<Each> {
    let exe = match runner::build(course, lesson, variant)? {
        Build::Failed { errors } => {
            return Ok(Each::DidNotCompile(
                errors.first().map(|e| first_line(e)).unwrap_or_default(),
            ));
        }
        Build::Ready(exe) => exe,
    };
    let dir = course.lesson_dir(lesson);
    let names = runner::list_tests(&dir, &exe)?;
    let label = match variant {
        Variant::Learner => format!("{}: stubs", lesson.id),
        Variant::Solution => format!("{}: solutions", lesson.id),
    };
    let bar = ui::bar(names.len() as u64, &label);
    let mut verdicts = BTreeMap::new();
    for name in names {
        bar.set_message(name.clone());
        let one = [name];
        let run = runner::run_tests(&dir, &exe, Selection::Exact(&one), limit)?;
        let [name] = one;
        let verdict = match (run.abnormal_end(), run.run.results.first()) {
            (Some(why), _) => Verdict::Abnormal(why),
            (None, Some(result)) => Verdict::Ended(result.outcome.clone()),
            (None, None) => Verdict::Abnormal("it printed no result".into()),
        };
        verdicts.insert(name, verdict);
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(Each::Ran(verdicts))
}

/// Each test of a lesson: fails at a `todo!` on the stub, passes on the solution.
fn test_rows(lesson: &Lesson, stub: &Each, solution: &Each, table: &mut Table) {
    let (stub, solution) = match (stub, solution) {
        (Each::Ran(s), Each::Ran(o)) => (s, o),
        _ => {
            for (each, what) in [(stub, "the stubs"), (solution, "the solutions")] {
                if let Each::DidNotCompile(first) = each {
                    table.add(
                        format!("{}: tests compile against {what}", lesson.id),
                        vec![format!("they do not: {first}")],
                    );
                }
            }
            return;
        }
    };
    let mut names: BTreeSet<&String> = stub.keys().collect();
    names.extend(solution.keys());
    if names.is_empty() {
        table.add(
            format!("{}: has tests", lesson.id),
            vec!["no tests found".into()],
        );
    }
    for name in names {
        let mut problems = Vec::new();
        match stub.get(name) {
            Some(Verdict::Ended(Outcome::Failed(f))) if f.is_todo() => {}
            Some(Verdict::Ended(Outcome::Failed(f))) => problems.push(format!(
                "on the stub it fails, but not at a todo!: {}",
                first_line(&f.message)
            )),
            Some(Verdict::Ended(Outcome::Passed)) => problems.push("passes on the stub".into()),
            Some(Verdict::Ended(Outcome::Ignored)) => problems.push("ignored on the stub".into()),
            Some(Verdict::Abnormal(why)) => problems.push(format!("on the stub: {why}")),
            None => problems.push("does not exist when built against the stubs".into()),
        }
        match solution.get(name) {
            Some(Verdict::Ended(Outcome::Passed)) => {}
            Some(Verdict::Ended(Outcome::Failed(f))) => {
                problems.push(format!("fails on the solution: {}", first_line(&f.message)))
            }
            Some(Verdict::Ended(Outcome::Ignored)) => {
                problems.push("ignored on the solution".into())
            }
            Some(Verdict::Abnormal(why)) => problems.push(format!("on the solution: {why}")),
            None => problems.push("does not exist when built against the solutions".into()),
        }
        table.add(format!("{}  {name}", lesson.id), problems);
    }
}

/// Every `tests` prefix in hints.toml matches a test of its exercise, so
/// that `kata hint` can aim the hint at a failure.
fn hint_test_rows(lesson: &Lesson, stub: &Each, solution: &Each, table: &mut Table) {
    let mut names: BTreeSet<&String> = BTreeSet::new();
    for each in [stub, solution] {
        if let Each::Ran(verdicts) = each {
            names.extend(verdicts.keys());
        }
    }
    if names.is_empty() {
        // It did not compile or has no tests: another row says so.
        return;
    }
    let mut problems = Vec::new();
    for (exercise, hints) in &lesson.hints {
        for (index, hint) in hints.iter().enumerate() {
            for prefix in &hint.tests {
                let matched: Vec<&&String> = names
                    .iter()
                    .filter(|n| n.starts_with(prefix.as_str()))
                    .collect();
                let which = format!("hint {} of `{exercise}`", index + 1);
                if matched.is_empty() {
                    problems.push(format!("{which}: tests `{prefix}` matches no test"));
                } else if !matched.iter().any(|n| exercise_of(n) == exercise) {
                    problems.push(format!(
                        "{which}: tests `{prefix}` matches no test of `{exercise}`"
                    ));
                }
            }
        }
    }
    table.add(format!("{}: hints' tests exist", lesson.id), problems);
}

fn first_line(text: &str) -> String {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .to_string()
}

/// The lesson's files, hints, seal, public API and book chapter.
fn lesson_checks(course: &Course, lesson: &Lesson, table: &mut Table) -> Result<()> {
    let id = &lesson.id;
    let dir = course.lesson_dir(lesson);

    let mut problems = Vec::new();
    let lib = fs::read_to_string(dir.join("src/lib.rs")).unwrap_or_default();
    let lib_compact: String = lib.split_whitespace().collect();
    let tests_root =
        fs::read_to_string(dir.join(format!("tests/{id}/main.rs"))).unwrap_or_default();
    if tests_root.is_empty() {
        problems.push(format!("no test binary tests/{id}/main.rs"));
    }
    for exercise in &lesson.exercises {
        let e = &exercise.id;
        for path in [
            course.stub_path(lesson, exercise),
            course.solution_path(lesson, exercise),
            course.test_path(lesson, exercise),
        ] {
            if !path.is_file() {
                problems.push(format!("{} is missing", course.display_path(&path)));
            }
        }
        // Compared without white space: rustfmt wraps a long attribute.
        let declared = format!("path=\"../../../solutions/{id}/{e}.rs\")]pubmod{e};");
        if !lib_compact.contains(&declared) {
            problems.push(format!(
                "src/lib.rs does not declare `pub mod {e};` with the solution path attribute"
            ));
        }
        if !tests_root.contains(&format!("mod {e};")) {
            problems.push(format!("tests/{id}/main.rs does not declare `mod {e};`"));
        }
    }
    table.add(format!("{id}: files in place"), problems);

    let mut problems = Vec::new();
    for key in lesson.hints.keys() {
        if lesson.exercise(key).is_none() {
            problems.push(format!(
                "hints.toml names `{key}`, which is not an exercise"
            ));
        }
    }
    for exercise in &lesson.exercises {
        if lesson.hints.get(&exercise.id).is_none_or(Vec::is_empty) {
            problems.push(format!("no hints for `{}`", exercise.id));
        }
    }
    table.add(format!("{id}: hints name exercises"), problems);

    // `kata hint` in Spanish shows each hint's `es` text (harness/src/lang.rs).
    let mut problems = Vec::new();
    for (exercise, hints) in &lesson.hints {
        for (index, hint) in hints.iter().enumerate() {
            if hint.es.as_deref().is_none_or(|es| es.trim().is_empty()) {
                problems.push(format!(
                    "hint {} of `{exercise}` has no Spanish text (`es`)",
                    index + 1
                ));
            }
        }
    }
    table.add(format!("{id}: hints in Spanish"), problems);

    // `kata list` in Spanish shows `title_es` (lesson.toml).
    let mut problems = Vec::new();
    if lesson
        .title_es
        .as_deref()
        .is_none_or(|t| t.trim().is_empty())
    {
        problems.push("lesson.toml has no `title_es`".to_string());
    }
    if lesson
        .summary_es
        .as_deref()
        .is_none_or(|t| t.trim().is_empty())
    {
        problems.push("lesson.toml has no `summary_es`".to_string());
    }
    for exercise in &lesson.exercises {
        if exercise
            .title_es
            .as_deref()
            .is_none_or(|t| t.trim().is_empty())
        {
            problems.push(format!("exercise `{}` has no `title_es`", exercise.id));
        }
    }
    table.add(format!("{id}: titles in Spanish"), problems);

    let problems = match &lesson.seal {
        None => vec!["no seal.toml: run `cargo kata seal`".to_string()],
        Some(sealed) => {
            let now = seal::compute(course, lesson)?;
            let mut p = Vec::new();
            if now.tests != sealed.tests {
                p.push("the tests changed since the seal".to_string());
            }
            if now.stubs != sealed.stubs {
                p.push("the stubs changed since the seal".to_string());
            }
            p
        }
    };
    table.add(format!("{id}: seal is current"), problems);

    let mut problems = Vec::new();
    for exercise in &lesson.exercises {
        let stub = public_api(&course.stub_path(lesson, exercise));
        let solution = public_api(&course.solution_path(lesson, exercise));
        let only_stub: Vec<_> = stub.difference(&solution).collect();
        let only_solution: Vec<_> = solution.difference(&stub).collect();
        if let Some(line) = only_solution.first() {
            problems.push(format!("{}: stub lacks `{line}`", exercise.id));
        }
        if let Some(line) = only_stub.first() {
            problems.push(format!("{}: solution lacks `{line}`", exercise.id));
        }
    }
    table.add(
        format!("{id}: stubs have the solutions' public API"),
        problems,
    );

    let summary = fs::read_to_string(course.root.join("book/src/SUMMARY.md")).unwrap_or_default();
    let mut problems = Vec::new();
    let mut pages = vec![
        format!("{id}.md"),
        format!("{id}-concepts.md"),
        format!("{id}-python.md"),
    ];
    // Every exercise has a page of its own: `kata check` points at it.
    pages.extend(
        lesson
            .exercises
            .iter()
            .map(|e| crate::book_page::exercise_source(id, &e.id)),
    );
    pages.push(format!("{id}-solutions.md"));
    for page in pages {
        if !course.root.join("book/src").join(&page).is_file() {
            problems.push(format!("book/src/{page} is missing"));
        } else if !summary.contains(&format!("]({page})")) {
            problems.push(format!("book/src/SUMMARY.md does not link {page}"));
        }
    }
    table.add(format!("{id}: book chapter"), problems);
    Ok(())
}

/// Course-wide checks: lesson folders, book pages, book includes.
fn course_checks(course: &Course, table: &mut Table) -> Result<()> {
    let ids: BTreeSet<&str> = course.lessons.iter().map(|l| l.id.as_str()).collect();

    let mut problems = Vec::new();
    for folder in ["lessons", "solutions"] {
        for name in dir_names(&course.root.join(folder)) {
            if !ids.contains(name.as_str()) {
                problems.push(format!(
                    "{folder}/{name} is not a lesson listed in [workspace.metadata.kata]"
                ));
            }
        }
    }
    table.add("course: every lesson folder is listed", problems);

    let book_src = course.root.join("book/src");
    let summary = fs::read_to_string(book_src.join("SUMMARY.md")).unwrap_or_default();
    let mut problems = Vec::new();
    let mut includes = Vec::new();
    for page in md_files(&book_src) {
        let name = page
            .strip_prefix(&book_src)
            .expect("below book/src")
            .to_string_lossy()
            .into_owned();
        let stem = name.trim_end_matches(".md");
        if !GENERAL_PAGES.contains(&name.as_str()) && !is_lesson_page(course, stem) {
            problems.push(format!("book/src/{name} belongs to no lesson"));
        } else if name != "SUMMARY.md" && !summary.contains(&format!("]({name})")) {
            problems.push(format!("book/src/SUMMARY.md does not link {name}"));
        }
        let text = fs::read_to_string(&page).unwrap_or_default();
        let lines = text.lines().count();
        if lines > MAX_PAGE_LINES {
            problems.push(format!(
                "book/src/{name} has {lines} lines: split it (at most {MAX_PAGE_LINES})"
            ));
        }
        includes.extend(include_problems(course, &page, &text));
    }
    table.add("book: every chapter has a lesson", problems);
    table.add("book: every include resolves", includes);
    Ok(())
}

/// Problems with the `{{#include path:anchor}}` directives of one page, and
/// with the book builder's own (`gallery`, `gallery-page`, `snapshot`,
/// `bench-figures`).
pub fn include_problems(course: &Course, page: &Path, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let base = page.parent().expect("a page is in a folder");
    let mut rest = text;
    while let Some(start) = rest.find("{{#") {
        let after = &rest[start + 3..];
        let Some(end) = after.find("}}") else { break };
        let directive = &after[..end];
        rest = &after[end..];
        let page_name = course.display_path(page);
        // The book builder's own directives (harness/book-builder/src/directives.rs).
        if let Some(arg) = directive.strip_prefix("gallery ") {
            let (lesson, exercise) = arg.trim().split_once('/').unwrap_or((arg.trim(), ""));
            let known = course
                .lessons
                .iter()
                .any(|l| l.id == lesson && l.exercise(exercise).is_some());
            if !known {
                problems.push(format!(
                    "{page_name}: {{{{#gallery {}}}}} names no exercise",
                    arg.trim()
                ));
            }
            continue;
        }
        if let Some(arg) = directive.strip_prefix("gallery-page ") {
            if !course.lessons.iter().any(|l| l.id == arg.trim()) {
                problems.push(format!(
                    "{page_name}: {{{{#gallery-page {}}}}} names no lesson",
                    arg.trim()
                ));
            }
            continue;
        }
        if let Some(file) = directive
            .strip_prefix("snapshot ")
            .or_else(|| directive.strip_prefix("bench-figures "))
        {
            if !base.join(file.trim()).is_file() {
                problems.push(format!("{page_name}: {} does not exist", file.trim()));
            }
            continue;
        }
        let Some(arg) = directive
            .strip_prefix("include ")
            .or_else(|| directive.strip_prefix("rustdoc_include "))
        else {
            continue;
        };
        let arg = arg.trim();
        let (file, selector) = match arg.split_once(':') {
            Some((f, s)) => (f, Some(s)),
            None => (arg, None),
        };
        let path = base.join(file);
        let Ok(target) = fs::read_to_string(&path) else {
            problems.push(format!("{page_name}: {file} does not exist"));
            continue;
        };
        let anchor =
            selector.filter(|s| !s.is_empty() && !s.starts_with(|c: char| c.is_ascii_digit()));
        if let Some(anchor) = anchor
            && !target.contains(&format!("ANCHOR: {anchor}"))
        {
            problems.push(format!("{page_name}: no anchor `{anchor}` in {file}"));
        }
    }
    problems
}

/// Lines that make a file's public API, normalised: `pub` items, and the
/// `impl` headers of the file's public types and of foreign types (a
/// private helper type's `impl` is the file's own business).
fn public_api(path: &Path) -> BTreeSet<String> {
    let text = fs::read_to_string(path).unwrap_or_default();
    let private_types: BTreeSet<&str> = text
        .lines()
        .filter_map(|line| {
            let rest = line
                .strip_prefix("struct ")
                .or_else(|| line.strip_prefix("enum "))?;
            Some(type_name(rest))
        })
        .collect();
    let mut api = BTreeSet::new();
    for line in text.lines() {
        let line = line.trim();
        let is_impl = line.starts_with("impl");
        if !line.starts_with("pub ") && !is_impl {
            continue;
        }
        if is_impl && private_types.contains(impl_self_type(line)) {
            continue;
        }
        let head = line.split('{').next().unwrap_or(line).trim_end();
        let head = head.trim_end_matches(';').trim_end();
        // `mut` on a parameter is the body's business, not the API's.
        let head = head.replace("(mut ", "(").replace(", mut ", ", ");
        api.insert(head);
    }
    api
}

/// The name at the start of `text`: `State<T> {` gives `State`.
fn type_name(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The type an `impl` header is for: `impl<T> fmt::Debug for State<T> {`
/// and `impl<T> State<T> {` both give `State`.
fn impl_self_type(header: &str) -> &str {
    let rest = header.strip_prefix("impl").unwrap_or(header);
    // Skip the impl's own generics, which may nest (`impl<T: Into<U>>`).
    let mut depth = 0;
    let mut after_generics = rest;
    if rest.starts_with('<') {
        for (i, c) in rest.char_indices() {
            match c {
                '<' => depth += 1,
                '>' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                after_generics = &rest[i + 1..];
                break;
            }
        }
    }
    let target = match after_generics.find(" for ") {
        Some(at) => &after_generics[at + 5..],
        None => after_generics,
    };
    let target = target.trim_start();
    // The last path segment: `std::fmt::Debug` -> `Debug`.
    let name = type_name(target);
    match target[name.len()..].strip_prefix("::") {
        Some(_) => impl_self_type_path(target),
        None => name,
    }
}

fn impl_self_type_path(path: &str) -> &str {
    let end = path
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(path.len());
    path[..end].rsplit("::").next().unwrap_or("")
}

fn dir_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn md_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut pages: Vec<_> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    pages.sort();
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impl_self_type_finds_the_type_an_impl_is_for() {
        assert_eq!(impl_self_type("impl<T> State<T> {"), "State");
        assert_eq!(impl_self_type("impl<T> fmt::Debug for State<T> {"), "State");
        assert_eq!(impl_self_type("impl Pattern {"), "Pattern");
        assert_eq!(
            impl_self_type("impl<T: Into<U>, U> Iterator for Iter<'_, T> {"),
            "Iter"
        );
        assert_eq!(
            impl_self_type("impl Error for crate::run::RunError {}"),
            "RunError"
        );
    }

    #[test]
    fn private_types_impls_are_not_api() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x.rs");
        fs::write(
            &file,
            "struct Inner;\nimpl Inner {\n}\npub struct Outer;\nimpl Outer {\n    pub fn go(mut self) {}\n}\n",
        )
        .unwrap();
        let api = public_api(&file);
        assert!(api.contains("impl Outer"), "{api:?}");
        assert!(api.contains("pub fn go(self)"), "{api:?}");
        assert!(!api.iter().any(|l| l.contains("Inner")), "{api:?}");
    }
}
