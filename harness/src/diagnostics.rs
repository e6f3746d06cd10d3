//! How `kata check` shows the compiler's errors. For a learner the most
//! useful text on the screen is rustc's first error with its `help:` and
//! `note:` blocks and the code they suggest, so that error is shown whole.
//! Later errors are cut to their headline and location. Very long lines (a
//! 1 MB string literal in a code excerpt) are cut in width, but never a line
//! of suggested code: a learner copies those.
//!
//! When rustc suggests changing a signature that the stub gives (`T: Clone`,
//! `+ Send`), a note says that the given signatures are the exercise's
//! contract: the fix is in the body.

use anstream::{print, println};
use rust_i18n::t;

use crate::course::Target;
use crate::runner::Variant;
use crate::ui::{BAD, CODE, DIM, WARN, paint};

/// Prints `kata check`'s verdict for a lesson that does not compile.
pub fn print_build_failure(target: Target<'_>, heading: &str, errors: &[String], variant: Variant) {
    let lesson = &target.lesson.id;
    println!(
        "{} {}",
        paint(BAD, "✗"),
        t!("build.does_not_compile", heading = heading)
    );
    let shown = show_errors(errors, &format!("lessons/{lesson}/src/"));
    print!("{}", shown.text);
    if shown.suggests_signature_change && variant == Variant::Learner {
        // The exercise whose file the error is in, else the one checked.
        let exercise = first_location(errors)
            .and_then(|loc| {
                let file = loc.split(':').next()?;
                let stem = std::path::Path::new(file)
                    .file_stem()?
                    .to_str()?
                    .to_string();
                target.lesson.exercise(&stem).map(|e| e.id.clone())
            })
            .or_else(|| target.exercise.map(|e| e.id.clone()));
        println!(
            "{} {}",
            paint(WARN, t!("build.note_from_kata")),
            t!("build.keep_the_signature")
        );
        if let Some(exercise) = exercise {
            println!(
                "  {}",
                paint(CODE, format!("cargo kata hint {lesson}/{exercise}"))
            );
        }
    }
    if errors.len() > 1 {
        let features = match variant {
            Variant::Learner => String::new(),
            Variant::Solution => format!(" --features {lesson}/solution"),
        };
        println!(
            "{}",
            paint(
                DIM,
                t!(
                    "build.more_errors",
                    count = errors.len() - 1,
                    command = format!("cargo test -p {lesson} --test {lesson} --no-run{features}")
                )
            )
        );
    }
    println!("{}", t!("build.fix_the_first_error"));
}

/// `path:line:col` of the first error's primary location.
fn first_location(errors: &[String]) -> Option<String> {
    errors.first()?.lines().map(strip_ansi).find_map(|plain| {
        plain
            .trim_start()
            .strip_prefix("--> ")
            .map(|loc| loc.trim().to_string())
    })
}

/// Visible characters a line may have before it is cut.
pub const MAX_WIDTH: usize = 240;
/// Lines shown of each error after the first.
const LATER_ERROR_LINES: usize = 3;

/// What the learner sees of a failed build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// The rendered text, ANSI colours kept.
    pub text: String,
    /// rustc suggested a change to a signature in a learner's file.
    pub suggests_signature_change: bool,
}

/// Renders the compiler's errors (`rendered` texts from cargo's JSON, in
/// order) for the learner. `learner_dir` is the path prefix of the files the
/// learner edits, as rustc prints them (`lessons/traits/src/`).
pub fn show_errors(errors: &[String], learner_dir: &str) -> Shown {
    let mut text = String::new();
    let mut suggests_signature_change = false;
    for (i, error) in errors.iter().enumerate() {
        let error = error.trim_end();
        if i == 0 {
            for line in error.lines() {
                text.push_str(&clip_width(line, MAX_WIDTH));
                text.push('\n');
            }
            suggests_signature_change = in_file(error, learner_dir) && suggests_signature(error);
        } else {
            text.push_str(&shorten(error));
        }
    }
    Shown {
        text,
        suggests_signature_change,
    }
}

/// A diagnostic as a later error is shown: its headline and location, each
/// line cut in width, and how many lines were left out (`kata check` shows
/// warnings so too).
pub fn shorten(diagnostic: &str) -> String {
    let mut text = String::new();
    let lines: Vec<&str> = diagnostic.trim_end().lines().collect();
    let kept = lines.len().min(LATER_ERROR_LINES);
    for line in &lines[..kept] {
        text.push_str(&clip_width(line, MAX_WIDTH));
        text.push('\n');
    }
    if lines.len() > kept {
        let more = t!("check.more_lines", count = lines.len() - kept);
        text.push_str(&format!("   … ({more})\n"));
    }
    text
}

/// Whether the error's primary location (`--> path:line:col`) is under `dir`.
fn in_file(error: &str, dir: &str) -> bool {
    error.lines().map(strip_ansi).any(|plain| {
        plain
            .trim_start()
            .strip_prefix("--> ")
            .is_some_and(|loc| loc.starts_with(dir))
    })
}

/// Whether a `help:` block of the error suggests code that changes a
/// function signature, an `impl` header or a `where` clause.
fn suggests_signature(error: &str) -> bool {
    let plain: Vec<String> = error.lines().map(strip_ansi).collect();
    let mut in_help = false;
    for (i, line) in plain.iter().enumerate() {
        if line.starts_with("help:") {
            in_help = true;
            continue;
        }
        if !in_help {
            continue;
        }
        let Some((gutter, code)) = code_line(line) else {
            // A new block (note:, error, blank) ends the suggestion.
            if !line.trim_start().starts_with('|') {
                in_help = false;
            }
            continue;
        };
        let changed = matches!(gutter, '~' | '+')
            || plain
                .get(i + 1)
                .is_some_and(|next| marker_line(next).is_some_and(|m| m.contains('+')));
        let header = code.contains("fn ") || code.contains("impl") || code.contains("where");
        if changed && header {
            return true;
        }
    }
    false
}

/// `15 | code` / `8 ~ code` / `12 + code`: the gutter character and the code.
fn code_line(line: &str) -> Option<(char, &str)> {
    let rest = line.trim_start();
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return None;
    }
    let rest = rest[digits..].trim_start();
    let gutter = rest.chars().next()?;
    matches!(gutter, '|' | '~' | '+' | '-').then(|| (gutter, rest[1..].trim_start()))
}

/// `   |      +++++`: the markers under a suggested line.
fn marker_line(line: &str) -> Option<&str> {
    line.trim_start().strip_prefix('|').map(str::trim)
}

/// Cuts `line` to `max` visible characters (ANSI escapes do not count),
/// saying how many were left out. Suggested code (`NN ~ …`, `NN + …`) is
/// never cut.
pub fn clip_width(line: &str, max: usize) -> String {
    let plain = strip_ansi(line);
    let visible = plain.chars().count();
    if visible <= max || code_line(&plain).is_some_and(|(g, _)| matches!(g, '~' | '+')) {
        return line.to_string();
    }
    let mut out = String::new();
    let mut shown = 0;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            out.push(c);
            for c in chars.by_ref() {
                out.push(c);
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
            continue;
        }
        if shown == max {
            break;
        }
        out.push(c);
        shown += 1;
    }
    if out.contains('\u{1b}') {
        out.push_str("\u{1b}[0m");
    }
    out.push_str(&format!(
        "… ({})",
        t!("check.more_characters", count = visible - max)
    ));
    out
}

/// Removes ANSI escape sequences.
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // As rustc 1.95 renders them (colours left out).
    const MOVED_IN_LOOP: &str = "\
error[E0382]: use of moved value: `tx`
  --> lessons/threads/src/bounded.rs:8:23
   |
 6 |     let (tx, rx) = mpsc::channel();
   |          -- move occurs because `tx` has type `Sender<u32>`, which does not implement the `Copy` trait
 7 |     for job in jobs {
   |     --------------- inside of this loop
 8 |         thread::spawn(move || {
   |                       ^^^^^^^ value moved into closure here, in previous iteration of loop
 9 |             tx.send(job * 2).unwrap();
   |             -- use occurs due to use in closure
   |
help: consider cloning the value before moving it into the closure
   |
 8 ~         let value = tx.clone();
 9 ~         thread::spawn(move || {
10 ~             value.send(job * 2).unwrap();
   |
";

    const ADD_A_BOUND: &str = "\
error[E0599]: no method named `clone` found for type parameter `T` in the current scope
  --> lessons/threads/src/bounded.rs:16:8
   |
15 | pub fn dup<T>(x: T) -> (T, T) {
   |            - method `clone` not found for this type parameter
16 |     (x.clone(), x)
   |        ^^^^^ method not found in `T`
   |
   = help: items from traits can only be used if the type parameter is bounded by the trait
help: the following trait defines an item `clone`, perhaps you need to restrict type parameter `T` with it:
   |
15 | pub fn dup<T: Clone>(x: T) -> (T, T) {
   |             +++++++
";

    #[test]
    fn the_first_error_is_shown_whole_with_its_suggestion() {
        let shown = show_errors(
            &[MOVED_IN_LOOP.to_string(), ADD_A_BOUND.to_string()],
            "lessons/threads/src/",
        );
        assert!(
            shown
                .text
                .contains("10 ~             value.send(job * 2).unwrap();"),
            "{}",
            shown.text
        );
        assert!(!shown.suggests_signature_change);
        // The second error: its headline and location, then a count.
        assert!(shown.text.contains("error[E0599]"), "{}", shown.text);
        assert!(!shown.text.contains("T: Clone"), "{}", shown.text);
        assert!(shown.text.contains("more lines)"), "{}", shown.text);
    }

    #[test]
    fn a_suggested_bound_on_a_given_signature_is_noticed() {
        let shown = show_errors(&[ADD_A_BOUND.to_string()], "lessons/threads/src/");
        assert!(shown.suggests_signature_change);
        // Not in the learner's files (a test, a dependency): no note.
        let elsewhere = show_errors(&[ADD_A_BOUND.to_string()], "lessons/traits/src/");
        assert!(!elsewhere.suggests_signature_change);
    }

    #[test]
    fn long_lines_are_cut_in_width_but_suggested_code_is_not() {
        let literal = format!("12 |     let s = \"{}\";", "a".repeat(1_000_000));
        let cut = clip_width(&literal, MAX_WIDTH);
        assert!(cut.len() < 400, "{}", cut.len());
        assert!(cut.ends_with("more characters)"), "{cut}");
        let suggestion = format!("12 ~     let s = \"{}\";", "a".repeat(500));
        assert_eq!(clip_width(&suggestion, MAX_WIDTH), suggestion);
    }

    #[test]
    fn colours_do_not_count_towards_the_width() {
        let coloured = format!("\u{1b}[1m\u{1b}[94m{}\u{1b}[0m", "x".repeat(MAX_WIDTH));
        assert_eq!(clip_width(&coloured, MAX_WIDTH), coloured);
        let cut = clip_width(&format!("\u{1b}[1m{}", "y".repeat(300)), MAX_WIDTH);
        assert!(cut.ends_with("… (60 more characters)"), "{cut}");
        assert_eq!(
            strip_ansi(&cut).chars().filter(|c| *c == 'y').count(),
            MAX_WIDTH
        );
    }
}
