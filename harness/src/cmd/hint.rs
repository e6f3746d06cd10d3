//! `kata hint <lesson>/<exercise> [PART]`: one more hint at each call, aimed
//! at where the learner is stuck. The hints are data in
//! `lessons/<id>/hints.toml`; a hint may say what it is about (`about`, a
//! function) and which tests it helps with (`tests`, name prefixes). The next
//! hint is the first unseen one aimed at the first failing test of the last
//! `kata check` (in course order), else the next unseen one in file order;
//! or, when the learner names a part (`drop`), the next unseen one about it.

use anstream::println;
use rust_i18n::t;

use crate::cmd::check::book_page_line;
use crate::course::{Course, Hint, Target};
use crate::error::{Error, Result};
use crate::lang;
use crate::progress::Store;
use crate::ui::{BOLD, CODE, DIM, WARN, paint};

/// Why a hint was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// It is aimed at this test, which failed in the last check.
    Failing(String),
    /// It is about the part the learner named.
    Part,
    /// The next unseen one in file order.
    Next,
}

/// The hint to show next (its index in `hints`), or `None` when every hint
/// that could be chosen was seen. `seen` are indexes, `failing` the failing
/// tests of the last check in course order.
pub fn choose(
    hints: &[Hint],
    seen: &[usize],
    part: Option<&str>,
    failing: &[String],
) -> Option<(usize, Why)> {
    let unseen = |i: &usize| !seen.contains(i);
    if let Some(part) = part {
        return (0..hints.len())
            .filter(unseen)
            .find(|&i| hints[i].is_about(part))
            .map(|i| (i, Why::Part));
    }
    for test in failing {
        if let Some(i) = (0..hints.len())
            .filter(unseen)
            .find(|&i| hints[i].aims_at(test))
        {
            return Some((i, Why::Failing(test.clone())));
        }
    }
    (0..hints.len()).find(unseen).map(|i| (i, Why::Next))
}

/// A hint's text in kata's language (its `es` text in Spanish, when it has one).
fn text(hint: &Hint) -> &str {
    hint.text_in(lang::current().code())
}

/// `Hint 2 of 5 (about Drop for ThreadPool):`, or with the tests it is
/// aimed at when it names no part.
fn label(hints: &[Hint], index: usize) -> String {
    let hint = &hints[index];
    let what = match &hint.about {
        Some(about) => format!(" ({})", t!("hint.about", about = about)),
        None if !hint.tests.is_empty() => {
            format!(" ({})", t!("hint.for_tests", tests = hint.tests.join(", ")))
        }
        None => String::new(),
    };
    let n = t!("hint.n_of", n = index + 1, of = hints.len());
    format!("{n}{what}:")
}

pub fn hint(course: &Course, target: Target<'_>, part: Option<&str>, again: bool) -> Result<()> {
    let Some(exercise) = target.exercise else {
        let ids: Vec<&str> = target
            .lesson
            .exercises
            .iter()
            .map(|e| e.id.as_str())
            .collect();
        let example = format!(
            "cargo kata hint {}/{}",
            target.lesson.id,
            ids.first().copied().unwrap_or("…")
        );
        return Err(Error::Usage(
            t!(
                "hint.per_exercise",
                example = example,
                exercises = ids.join(", ")
            )
            .into_owned(),
        ));
    };
    let hints = target
        .lesson
        .hints
        .get(&exercise.id)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let book = book_page_line(course, target.lesson, exercise);
    if hints.is_empty() {
        println!("{}", t!("hint.none_yet", target = target.label()));
        if let Some(book) = book {
            println!("{book}");
        }
        return Ok(());
    }
    let part = part.map(str::trim).filter(|p| !p.is_empty());
    if let Some(part) = part
        && !hints.iter().any(|h| h.is_about(part))
    {
        let mut parts: Vec<&str> = Vec::new();
        for about in hints.iter().filter_map(|h| h.about.as_deref()) {
            if !parts.contains(&about) {
                parts.push(about);
            }
        }
        let known = if parts.is_empty() {
            t!("hint.no_parts")
        } else {
            t!("hint.parts", parts = parts.join(", "))
        };
        return Err(Error::Usage(
            t!(
                "hint.unknown_part",
                target = target.label(),
                part = part,
                known = known
            )
            .into_owned(),
        ));
    }

    let mut store = Store::open(course);
    if let Some(warning) = &store.warning {
        println!("{} {warning}", paint(WARN, t!("warning.prefix")));
    }
    let entry = store.entry(target.lesson, exercise);
    let failing = entry
        .last_check
        .as_ref()
        .map(|c| c.failing.clone())
        .unwrap_or_default();
    let mut seen: Vec<usize> = entry
        .seen_hints()
        .into_iter()
        .filter(|&i| i < hints.len())
        .collect();
    // `--again` reveals nothing new, unless nothing (about the part) was seen yet.
    let seen_any = seen
        .iter()
        .any(|&i| part.is_none_or(|p| hints[i].is_about(p)));
    let chosen = if again && seen_any {
        None
    } else {
        choose(hints, &seen, part, &failing)
    };
    // A progress file that cannot be written must not hide the hint.
    let unsaved = match &chosen {
        Some((index, _)) => {
            entry.see_hint(*index);
            store.save().err()
        }
        None => None,
    };

    println!(
        "{}",
        paint(
            BOLD,
            format!(
                "{}: {}",
                target.label(),
                exercise.title_in(crate::lang::current().code())
            )
        )
    );
    // The hints seen before, in file order (of the part named, if one was);
    // the one shown now (or, with nothing new, the last seen) comes last.
    let current = chosen.as_ref().map(|(i, _)| *i).or_else(|| {
        seen.iter()
            .rev()
            .copied()
            .find(|&i| part.is_none_or(|p| hints[i].is_about(p)))
    });
    seen.sort_unstable();
    for &i in &seen {
        if Some(i) != current && part.is_none_or(|p| hints[i].is_about(p)) {
            println!(
                "{}",
                paint(DIM, format!("{} {}", label(hints, i), text(&hints[i])))
            );
        }
    }
    if let Some((_, Why::Failing(test))) = &chosen {
        println!("{}", t!("hint.aimed_at", test = paint(CODE, test)));
    }
    if let Some(i) = current {
        println!("{} {}", paint(BOLD, label(hints, i)), text(&hints[i]));
    }
    if let Some(e) = unsaved {
        println!(
            "{} {}",
            paint(WARN, t!("warning.prefix")),
            t!("hint.not_recorded", error = e)
        );
    }
    if let Some(book) = book {
        println!("{book}");
    }
    let seen_now = store
        .get(target.lesson, exercise)
        .map(|p| p.seen_hints())
        .unwrap_or_default();
    let unseen: Vec<usize> = (0..hints.len()).filter(|i| !seen_now.contains(i)).collect();
    let left_for_part = unseen
        .iter()
        .filter(|&&i| part.is_none_or(|p| hints[i].is_about(p)))
        .count();
    match part {
        Some(part) if left_for_part == 0 && !unseen.is_empty() => println!(
            "{}",
            t!(
                "hint.last_about_part",
                part = part,
                command = paint(CODE, format!("cargo kata hint {}", target.label()))
            )
        ),
        _ if unseen.is_empty() => println!(
            "{}",
            t!(
                "hint.last",
                command = paint(CODE, format!("cargo kata diff {}", target.label()))
            )
        ),
        _ => println!("{}", paint(DIM, t!("hint.again"))),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hints() -> Vec<Hint> {
        let aimed = |text: &str, about: &str, test: &str| Hint {
            text: text.into(),
            about: Some(about.into()),
            tests: vec![test.into()],
            es: None,
        };
        vec![
            aimed("new", "Pool::new", "pool::new_"),
            aimed("drop 1", "impl Drop for Pool", "pool::drop_"),
            Hint {
                text: "plain".into(),
                ..Hint::default()
            },
            aimed("drop 2", "impl Drop for Pool", "pool::drop_"),
        ]
    }

    // Catches: hints given in file order whatever fails, a seen hint given
    // again, or a named part ignored.
    #[test]
    fn the_hint_is_aimed_at_the_first_failing_test_then_file_order() {
        let hints = hints();
        let failing = vec!["pool::drop_joins".to_string()];
        assert_eq!(
            choose(&hints, &[], None, &failing),
            Some((1, Why::Failing("pool::drop_joins".into())))
        );
        assert_eq!(
            choose(&hints, &[1], None, &failing),
            Some((3, Why::Failing("pool::drop_joins".into())))
        );
        // Every hint for it seen: the next in file order.
        assert_eq!(
            choose(&hints, &[1, 3], None, &failing),
            Some((0, Why::Next))
        );
        assert_eq!(choose(&hints, &[0, 1, 3], None, &[]), Some((2, Why::Next)));
        assert_eq!(choose(&hints, &[0, 1, 2, 3], None, &failing), None);
        // A part named: only hints about it, whatever fails.
        assert_eq!(choose(&hints, &[], Some("DROP"), &[]), Some((1, Why::Part)));
        assert_eq!(choose(&hints, &[1, 3], Some("drop"), &[]), None);
        assert_eq!(
            choose(&hints, &[], Some("pool::new"), &failing),
            Some((0, Why::Part))
        );
    }
}
