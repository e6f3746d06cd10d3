//! `kata watch [<lesson>[/<exercise>]]`: checks again on every save of a
//! lesson file. Saves are debounced (an editor writing several files counts
//! once); a file that does not compile is just another verdict; Ctrl-C kills
//! whatever check is running, with everything it started.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use anstream::println;
use notify_debouncer_mini::new_debouncer;
use notify_debouncer_mini::notify::RecursiveMode;

use crate::cmd::check::{CheckOptions, check};
use crate::course::{Course, Target};
use crate::error::{Error, Result};
use crate::ui::{CODE, DIM, paint};

/// Saves closer together than this count as one.
const DEBOUNCE: Duration = Duration::from_millis(300);

pub fn watch(course: &Course, target: Option<Target<'_>>, timeout: Duration) -> Result<()> {
    let lessons: Vec<_> = match target {
        Some(t) => vec![t.lesson],
        None => course.lessons.iter().collect(),
    };
    let (tx, rx) = mpsc::channel();
    let mut debouncer = new_debouncer(DEBOUNCE, tx)
        .map_err(|e| Error::Other(format!("cannot watch files: {e}")))?;
    for lesson in &lessons {
        let src = course.lesson_dir(lesson).join("src");
        debouncer
            .watcher()
            .watch(&src, RecursiveMode::Recursive)
            .map_err(|e| Error::Other(format!("cannot watch {}: {e}", src.display())))?;
    }

    // A first verdict straight away, then one per save.
    let first = target.unwrap_or_else(|| Target {
        lesson: lessons[0],
        exercise: None,
    });
    run_once(course, first, timeout)?;
    loop {
        let Ok(events) = rx.recv() else {
            return Err(Error::Other("the file watcher stopped".into()));
        };
        let Ok(events) = events else { continue };
        let mut changed: BTreeSet<&Path> = BTreeSet::new();
        for event in &events {
            if event.path.extension().is_some_and(|x| x == "rs") {
                changed.insert(event.path.as_path());
            }
        }
        let Some(path) = changed.first() else {
            continue;
        };
        // Which lesson the file is in; an exercise file narrows the check
        // unless the watch was for a whole lesson's other exercise.
        let Some(lesson) = lessons
            .iter()
            .find(|l| path.starts_with(course.lesson_dir(l)))
        else {
            continue;
        };
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let exercise = match target.and_then(|t| t.exercise) {
            Some(fixed) => Some(fixed),
            None => lesson.exercise(stem),
        };
        run_once(course, Target { lesson, exercise }, timeout)?;
    }
}

fn run_once(course: &Course, target: Target<'_>, timeout: Duration) -> Result<()> {
    if std::io::stdout().is_terminal() {
        print!("\x1b[2J\x1b[H"); // clear the screen for a fresh verdict
    }
    match check(course, target, &CheckOptions::new(timeout)) {
        Ok(_) => {}
        Err(Error::Other(message)) | Err(Error::Course(message)) => {
            println!("error: {message}");
        }
        Err(other) => return Err(other),
    }
    println!(
        "{}",
        paint(
            DIM,
            format!(
                "watching {} for saves; Ctrl-C to stop",
                paint(CODE, target.lesson.id.as_str())
            )
        )
    );
    Ok(())
}
