//! `kata hint <lesson>/<exercise>`: one more hint at each call; the hints are
//! data in `lessons/<id>/hints.toml`.

use anstream::println;

use crate::course::{Course, Target};
use crate::error::{Error, Result};
use crate::progress::Store;
use crate::ui::{BOLD, CODE, DIM, WARN, paint};

pub fn hint(course: &Course, target: Target<'_>, again: bool) -> Result<()> {
    let Some(exercise) = target.exercise else {
        let ids: Vec<&str> = target
            .lesson
            .exercises
            .iter()
            .map(|e| e.id.as_str())
            .collect();
        return Err(Error::Usage(format!(
            "hints are per exercise: name one, e.g. `cargo kata hint {}/{}` (exercises: {})",
            target.lesson.id,
            ids.first().copied().unwrap_or("…"),
            ids.join(", ")
        )));
    };
    let hints = target
        .lesson
        .hints
        .get(&exercise.id)
        .map(Vec::as_slice)
        .unwrap_or_default();
    if hints.is_empty() {
        println!("No hints for {} yet.", target.label());
        return Ok(());
    }
    let mut store = Store::open(course);
    if let Some(warning) = &store.warning {
        println!("{} {warning}", paint(WARN, "warning:"));
    }
    let entry = store.entry(target.lesson, exercise);
    let shown = if again {
        entry.hints_shown.clamp(1, hints.len())
    } else {
        (entry.hints_shown + 1).min(hints.len())
    };
    entry.hints_shown = shown;
    // A progress file that cannot be written must not hide the hint.
    let unsaved = store.save().err();

    println!(
        "{}",
        paint(BOLD, format!("{}: {}", target.label(), exercise.title))
    );
    for (index, text) in hints.iter().enumerate().take(shown) {
        let label = format!("Hint {} of {}:", index + 1, hints.len());
        if index + 1 == shown {
            println!("{} {text}", paint(BOLD, label));
        } else {
            println!("{}", paint(DIM, format!("{label} {text}")));
        }
    }
    if let Some(e) = unsaved {
        println!(
            "{} which hints you saw could not be recorded: {e}",
            paint(WARN, "warning:")
        );
    }
    if shown == hints.len() {
        println!(
            "That was the last hint. The reference solution: {}",
            paint(CODE, format!("cargo kata diff {}", target.label()))
        );
    } else {
        println!(
            "{}",
            paint(DIM, "Run the same command again for the next hint.")
        );
    }
    Ok(())
}
