//! The book's own directives, expanded after mdBook's `{{#include}}`:
//!
//! - `{{#gallery <lesson>/<exercise>}}`: the mistakes of that exercise's
//!   wrong solutions in `gallery/<lesson>/gallery.toml`, as a list whose items
//!   link to their diffs on the lesson's gallery page. No gallery (yet), or no
//!   wrong solution of that exercise: nothing.
//! - `{{#gallery-page <lesson>}}`: every wrong solution of the lesson, with
//!   the tests that catch it and its diff.
//! - `{{#snapshot <path>}}`: an insta snapshot (path relative to the page)
//!   without its `---` header, so a listing starts with the program's first
//!   line whatever the header holds.
//! - `{{#bench-figures <path>}}`: a benchmark results file without what the
//!   chapter already says (its introduction, "How to reproduce"), its `###`
//!   headings as bold lines (so they do not crowd the sidebar), and its
//!   numbers with thousands separators.
//!
//! And on every page: `// ANCHOR: name` and `// ANCHOR_END: name` lines are
//! removed from code blocks (a whole-file include keeps them otherwise).

use std::fs;
use std::path::{Path, PathBuf};

use mdbook_preprocessor::errors::{Error, Result};
use serde::Deserialize;

/// One wrong solution of `gallery/<lesson>/gallery.toml`.
#[derive(Debug, Deserialize)]
pub struct Wrong {
    pub id: String,
    pub exercise: String,
    pub mistake: String,
    pub caught_by: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct GalleryFile {
    #[serde(default)]
    wrong: Vec<Wrong>,
}

/// The wrong solutions of a lesson; none when it has no gallery yet.
pub fn gallery(course_root: &Path, lesson: &str) -> Result<Vec<Wrong>> {
    let path = course_root
        .join("gallery")
        .join(lesson)
        .join("gallery.toml");
    let Ok(text) = fs::read_to_string(&path) else {
        return Ok(Vec::new());
    };
    let file: GalleryFile =
        toml::from_str(&text).map_err(|e| Error::msg(format!("{}: {e}", path.display())))?;
    Ok(file.wrong)
}

/// Expands every directive of one page. `page_dir` is the folder of the
/// page's source, for the paths of `snapshot` and `bench-figures`.
pub fn expand(course_root: &Path, page_dir: &Path, text: &str) -> Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{#") {
        let after = &rest[start + 3..];
        let Some(end) = after.find("}}") else { break };
        let directive = after[..end].trim();
        let (name, arg) = directive.split_once(' ').unwrap_or((directive, ""));
        let arg = arg.trim();
        let expansion = match name {
            "gallery" => {
                let (lesson, exercise) = arg.split_once('/').ok_or_else(|| {
                    Error::msg(format!("{{{{#gallery {arg}}}}}: want <lesson>/<exercise>"))
                })?;
                Some(gallery_list(
                    lesson,
                    exercise,
                    &gallery(course_root, lesson)?,
                ))
            }
            "gallery-page" => Some(gallery_page(course_root, arg, &gallery(course_root, arg)?)),
            "snapshot" => Some(strip_snapshot_header(&read(page_dir, arg)?).to_string()),
            "bench-figures" => Some(bench_figures(&read(page_dir, arg)?)),
            _ => None,
        };
        match expansion {
            Some(expansion) => {
                out.push_str(&rest[..start]);
                out.push_str(expansion.trim_end_matches('\n'));
            }
            // Not ours: leave it as it was.
            None => out.push_str(&rest[..start + 3 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(strip_anchor_lines(&out))
}

fn read(page_dir: &Path, file: &str) -> Result<String> {
    let path: PathBuf = page_dir.join(file);
    fs::read_to_string(&path).map_err(|e| Error::msg(format!("{}: {e}", path.display())))
}

/// The bullet list of one exercise's wrong solutions, or nothing.
pub fn gallery_list(lesson: &str, exercise: &str, wrong: &[Wrong]) -> String {
    let mine: Vec<&Wrong> = wrong.iter().filter(|w| w.exercise == exercise).collect();
    if mine.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "**Wrong solutions the tests catch.** Each is a real diff against the \
         reference solution, kept in the lesson's [gallery]({lesson}-gallery.md) \
         and run by `cargo kata gallery {lesson}`:\n\n"
    );
    for w in mine {
        out.push_str(&format!(
            "- [{}]({lesson}-gallery.md#{}): caught by {}\n",
            w.mistake.trim(),
            w.id,
            tests(&w.caught_by)
        ));
    }
    out
}

/// The lesson's gallery page: each wrong solution, grouped by exercise in
/// the order of the gallery file, with its diff.
pub fn gallery_page(course_root: &Path, lesson: &str, wrong: &[Wrong]) -> String {
    let mut out = String::new();
    let mut exercises: Vec<&str> = Vec::new();
    for w in wrong {
        if !exercises.contains(&w.exercise.as_str()) {
            exercises.push(&w.exercise);
        }
    }
    for exercise in exercises {
        out.push_str(&format!("## `{exercise}`\n\n"));
        // A link only to a page that exists (an exercise's page may still
        // be being written).
        let page = format!("{lesson}-{exercise}.md");
        if course_root.join("book/src").join(&page).is_file() {
            out.push_str(&format!("The exercise: [{lesson}/{exercise}]({page}).\n\n"));
        }
        for w in wrong.iter().filter(|w| w.exercise == exercise) {
            let path = course_root
                .join("gallery")
                .join(lesson)
                .join(format!("{}.diff", w.id));
            let diff = fs::read_to_string(&path)
                .unwrap_or_else(|_| format!("(gallery/{lesson}/{}.diff is missing)", w.id));
            out.push_str(&format!(
                "### {} {{#{}}}\n\nCaught by {}.\n\n```diff\n{}\n```\n\n",
                w.mistake.trim(),
                w.id,
                tests(&w.caught_by),
                diff.trim_end()
            ));
        }
    }
    out
}

fn tests(names: &[String]) -> String {
    let names: Vec<String> = names.iter().map(|t| format!("`{t}`")).collect();
    match names.as_slice() {
        [] => "the exercise's tests".to_string(),
        [one] => one.clone(),
        // Every test an entry names catches it (the gallery checks each).
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// An insta snapshot without its header: everything up to the second `---`
/// line, when the text starts with one.
pub fn strip_snapshot_header(text: &str) -> &str {
    let Some(body) = text.strip_prefix("---\n") else {
        return text;
    };
    match body.find("\n---\n") {
        Some(end) => &body[end + 5..],
        None => text,
    }
}

/// A benchmark results file as the book shows it: from its first `###`
/// section on, without "How to reproduce" (the page says how, once), each
/// `### Title` turned into a bold line, no sentence that gives the
/// `cargo bench` command again, and numbers such as `10 000` written
/// `10,000`.
pub fn bench_figures(text: &str) -> String {
    // (line, whether it stands alone: a former heading)
    let mut kept: Vec<(String, bool)> = Vec::new();
    let mut keep = false;
    for line in text.lines() {
        if let Some(title) = line.strip_prefix("### ") {
            keep = !title.trim().eq_ignore_ascii_case("how to reproduce");
            if keep {
                kept.push((format!("**{}**", thousands(title.trim())), true));
            }
            continue;
        }
        if keep {
            kept.push((thousands(line), false));
        }
    }
    // Paragraphs of prose become one line each, so that a sentence can be
    // dropped whole; tables, lists and code blocks stay as they are.
    let mut out = String::new();
    let mut paragraph: Vec<String> = Vec::new();
    let mut in_code = false;
    let flush = |paragraph: &mut Vec<String>, out: &mut String| {
        if !paragraph.is_empty() {
            let text = paragraph.join(" ");
            let sentences: Vec<&str> = text
                .split_inclusive(". ")
                .filter(|s| !s.contains("`cargo bench"))
                .collect();
            let joined = sentences.concat();
            if !joined.trim().is_empty() {
                out.push_str(joined.trim_end());
                out.push('\n');
            }
            paragraph.clear();
        }
    };
    for (line, alone) in kept {
        if line.trim_start().starts_with("```") {
            flush(&mut paragraph, &mut out);
            in_code = !in_code;
            out.push_str(&line);
            out.push('\n');
        } else if in_code
            || line.trim().is_empty()
            || line.starts_with('|')
            || line.starts_with("- ")
            || alone
        {
            flush(&mut paragraph, &mut out);
            out.push_str(&line);
            out.push('\n');
        } else {
            paragraph.push(line);
        }
    }
    flush(&mut paragraph, &mut out);
    out
}

/// `10 000` -> `10,000`: a space between a digit and a group of exactly three
/// digits becomes a comma (a plain space lets a narrow screen break the
/// number in two).
pub fn thousands(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    for (i, &c) in chars.iter().enumerate() {
        let is_separator = (c == ' ' || c == '\u{2009}' || c == '\u{202f}')
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.len() >= i + 4
            && chars[i + 1..i + 4].iter().all(char::is_ascii_digit)
            && !chars.get(i + 4).is_some_and(char::is_ascii_digit)
            // not the second half of a decimal number like `2.27 123`
            && !preceded_by_decimal(&chars[..i]);
        out.push(if is_separator { ',' } else { c });
    }
    out
}

fn preceded_by_decimal(before: &[char]) -> bool {
    let digits = before
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .count();
    let rest = &before[..before.len() - digits];
    rest.last() == Some(&'.')
}

/// Removes `// ANCHOR: x` and `// ANCHOR_END: x` lines inside code blocks.
pub fn strip_anchor_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_code = !in_code;
        }
        let anchor = trimmed.starts_with("// ANCHOR: ") || trimmed.starts_with("// ANCHOR_END: ");
        if in_code && anchor {
            continue;
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrong(id: &str, exercise: &str, caught_by: &[&str]) -> Wrong {
        Wrong {
            id: id.into(),
            exercise: exercise.into(),
            mistake: format!("the mistake {id}"),
            caught_by: caught_by.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn a_gallery_list_links_each_mistake_of_its_exercise_to_its_diff() {
        let all = [
            wrong("a", "pool", &["pool::x"]),
            wrong("b", "race", &["race::y"]),
            wrong("c", "pool", &["pool::x", "pool::z"]),
        ];
        let list = gallery_list("threads", "pool", &all);
        assert!(
            list.contains("- [the mistake a](threads-gallery.md#a): caught by `pool::x`\n"),
            "{list}"
        );
        assert!(list.contains("caught by `pool::x` and `pool::z`"), "{list}");
        assert!(!list.contains("mistake b"), "{list}");
        assert_eq!(gallery_list("threads", "bounded", &all), "");
    }

    #[test]
    fn a_missing_gallery_expands_to_nothing() {
        let dir = tempfile_dir();
        let text = "before\n\n{{#gallery nope/x}}\n\nafter\n";
        assert_eq!(expand(&dir, &dir, text).unwrap(), "before\n\n\n\nafter\n");
        assert_eq!(expand(&dir, &dir, "{{#gallery-page nope}}").unwrap(), "");
    }

    #[test]
    fn other_directives_are_left_alone() {
        let dir = tempfile_dir();
        let text = "{{#include x.rs:a}} and {{#title T}}";
        assert_eq!(expand(&dir, &dir, text).unwrap(), text);
    }

    #[test]
    fn a_snapshot_loses_its_header_and_keeps_its_first_line() {
        let snap = "---\nsource: x.rs\nexpression: y\n---\n1. traits\n   · server\n";
        assert_eq!(strip_snapshot_header(snap), "1. traits\n   · server\n");
        assert_eq!(strip_snapshot_header("no header\n"), "no header\n");
    }

    #[test]
    fn bench_figures_keep_the_figures_and_drop_how_to_reproduce() {
        let text = "Intro the chapter has.\n\n### How to reproduce\n\n```sh\ncargo bench\n```\n\n\
                    ### 10 000 jobs\n\n| a | [2.27 **2.38** 2.48] ms |\n\nAbout 1 100 µs.\n";
        let shown = bench_figures(text);
        assert!(!shown.contains("Intro"), "{shown}");
        assert!(!shown.contains("cargo bench"), "{shown}");
        assert!(!shown.contains("###"), "{shown}");
        assert!(shown.contains("**10,000 jobs**"), "{shown}");
        assert!(shown.contains("[2.27 **2.38** 2.48] ms"), "{shown}");
        assert!(shown.contains("About 1,100 µs."), "{shown}");
        let text = "### What was measured\n\nOne thing. Reproduce with\n`cargo bench -p b`. \
                    The rest\n**stays**.\n";
        assert_eq!(
            bench_figures(text),
            "**What was measured**\n\nOne thing. The rest **stays**.\n"
        );
    }

    #[test]
    fn thousands_separators_only_between_a_digit_and_three_digits() {
        assert_eq!(
            thousands("10 000 jobs, 200 000 bytes"),
            "10,000 jobs, 200,000 bytes"
        );
        assert_eq!(
            thousands("20 × 20 ms, 3 %, 2 cores"),
            "20 × 20 ms, 3 %, 2 cores"
        );
        assert_eq!(thousands("1 2345"), "1 2345");
        assert_eq!(thousands("[412.2 413.0]"), "[412.2 413.0]");
        assert_eq!(thousands("0.25 100"), "0.25 100");
    }

    #[test]
    fn anchor_lines_go_from_code_blocks_only() {
        let text =
            "// ANCHOR: prose\n```rust\n// ANCHOR: a\nfn a() {}\n    // ANCHOR_END: a\n```\n";
        assert_eq!(
            strip_anchor_lines(text),
            "// ANCHOR: prose\n```rust\nfn a() {}\n```\n"
        );
    }

    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kata-book-test-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        dir
    }
}
