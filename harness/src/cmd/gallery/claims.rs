//! The claims of the tests' `// Catches:` comments, against `gallery.toml`.
//!
//! A test claims a wrong solution when a `//` comment block attached to it
//! names the wrong solution's id after `Catches:`. The block is attached to
//! the test it precedes (attributes and doc comments may come between) or,
//! written inside a test's body, to that test. Every claim must be an entry's
//! `caught_by`, and every `caught_by` must be claimed in a comment: then the
//! gallery, which requires every named test to fail, proves each comment.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use crate::course::{Course, Lesson};
use crate::error::{Error, Result};

use super::Wrong;

/// `exercise::test` → the ids its comments claim, for one test file's text.
/// `exercise` is the file's stem; `ids` the lesson's gallery ids.
pub fn claims_in(exercise: &str, text: &str, ids: &BTreeSet<&str>) -> Vec<(String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut claims = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(at) = comment(lines[i]).and_then(|c| c.find("Catches:")) else {
            i += 1;
            continue;
        };
        // The block: this line from `Catches:` on, and the comment lines
        // that follow it.
        let mut block = comment(lines[i]).unwrap_or_default()[at..].to_string();
        let mut end = i + 1;
        while let Some(more) = lines.get(end).and_then(|l| comment(l)) {
            block.push(' ');
            block.push_str(more);
            end += 1;
        }
        if let Some(test) = attached_test(&lines, i, end) {
            for id in kebab_words(&block).filter(|w| ids.contains(w)) {
                claims.push((format!("{exercise}::{test}"), id.to_string()));
            }
        }
        i = end;
    }
    claims
}

/// The text of a `//` comment line (not a `///` or `//!` doc comment).
fn comment(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix("//")?;
    (!rest.starts_with('/') && !rest.starts_with('!')).then_some(rest)
}

/// The test a comment block (lines `start..end`) belongs to: the `fn` right
/// after it, past attributes and doc comments; else, for a block inside a
/// body, the `fn` that encloses it (less indented, above it).
fn attached_test(lines: &[&str], start: usize, end: usize) -> Option<String> {
    let mut next = end;
    while lines.get(next).is_some_and(|l| {
        let l = l.trim_start();
        l.starts_with("#[") || l.starts_with("///")
    }) {
        next += 1;
    }
    if let Some(name) = lines.get(next).and_then(|l| fn_name(l)) {
        return Some(name);
    }
    let indent = |l: &str| l.len() - l.trim_start().len();
    let depth = indent(lines[start]);
    lines[..start]
        .iter()
        .rev()
        .filter(|l| indent(l) < depth)
        .find_map(|l| fn_name(l))
}

fn fn_name(line: &str) -> Option<String> {
    let rest = line.trim_start();
    let rest = rest.strip_prefix("pub ").unwrap_or(rest);
    let rest = rest.strip_prefix("fn ")?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// Words made of lower-case letters and digits, maybe joined by hyphens.
fn kebab_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
        .map(|w| w.trim_matches('-'))
        .filter(|w| !w.is_empty())
}

/// What the comments of `lesson`'s tests claim, and what `wrongs` name, that
/// the other does not say: `(id, what)` per disagreement, none when they agree.
pub fn disagreements(
    course: &Course,
    lesson: &Lesson,
    wrongs: &[Wrong],
) -> Result<Vec<(String, String)>> {
    let ids: BTreeSet<&str> = wrongs.iter().map(|w| w.id.as_str()).collect();
    let mut claimed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let tests = course.lesson_dir(lesson).join("tests");
    for file in rust_files(&tests)? {
        let text = fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?;
        let exercise = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        for (test, id) in claims_in(exercise, &text, &ids) {
            claimed.entry(id).or_default().insert(test);
        }
    }
    let mut lines = Vec::new();
    for wrong in wrongs {
        let named: BTreeSet<String> = wrong.caught_by.iter().cloned().collect();
        let comments = claimed.remove(&wrong.id).unwrap_or_default();
        let unclaimed: Vec<&String> = named.difference(&comments).collect();
        let unnamed: Vec<&String> = comments.difference(&named).collect();
        if !unclaimed.is_empty() {
            lines.push((
                wrong.id.clone(),
                format!(
                    "caught_by names {}, whose comments do not say `Catches: {}`",
                    join(&unclaimed),
                    wrong.id
                ),
            ));
        }
        if !unnamed.is_empty() {
            lines.push((
                wrong.id.clone(),
                format!(
                    "the comments of {} claim it, but caught_by does not name them",
                    join(&unnamed)
                ),
            ));
        }
    }
    Ok(lines)
}

fn join(names: &[&String]) -> String {
    names
        .iter()
        .map(|n| n.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn rust_files(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let mut files = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(files),
        Err(e) => return Err(Error::io(dir, e)),
    };
    for entry in entries {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        if path.is_dir() {
            files.extend(rust_files(&path)?);
        } else if path.extension().is_some_and(|x| x == "rs") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> BTreeSet<&'static str> {
        ["pool-lifo", "pool-no-join", "pool-drop-early"]
            .into_iter()
            .collect()
    }

    // Catches: a claim given to the wrong test (the next one, or the helper
    // above), an id cut at a line break, a doc comment read as a claim, a
    // word that is not an id read as one.
    #[test]
    fn a_comment_claims_for_the_test_it_is_attached_to() {
        let text = "\
/// Doc: Catches: pool-lifo (a doc comment claims nothing).
fn helper() {}

// Catches: pool-lifo (jobs taken
// newest first), pool-no-join and a not-an-id.
#[test]
#[should_panic]
fn takes_in_order() {
    helper();
}

#[test]
fn drops() {
    // Catches: pool-drop-early.
    let x = 1;
}

proptest! {
    // Catches: pool-no-join.
    #[test]
    fn joins(n in 0..3) {}
}

// Catches: pool-lifo, but not attached to a test that follows
";
        let mut got = claims_in("pool", text, &ids());
        got.sort();
        let want = [
            ("pool::drops", "pool-drop-early"),
            ("pool::joins", "pool-no-join"),
            ("pool::takes_in_order", "pool-lifo"),
            ("pool::takes_in_order", "pool-no-join"),
        ];
        let got: Vec<(&str, &str)> = got.iter().map(|(t, i)| (t.as_str(), i.as_str())).collect();
        assert_eq!(got, want);
    }
}
