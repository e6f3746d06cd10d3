//! `kata reset <lesson>[/<exercise>]` and `kata reset --all`: put the stubs
//! back. The stub's contents come from git (the blob id is in the lesson's
//! seal), so a learner who committed their work can still reset. The file
//! being replaced is copied to `.kata/backup/` first: nothing is lost.

use std::fs;
use std::io::{BufRead, IsTerminal, Write};
use std::process::Command;

use anstream::println;
use rust_i18n::t;

use crate::course::{Course, Exercise, Lesson};
use crate::error::{Error, Result};
use crate::progress::{self, Store};
use crate::seal;
use crate::ui::{CODE, OK, WARN, paint};

pub fn reset(course: &Course, scope: &[(&Lesson, &Exercise)], yes: bool) -> Result<bool> {
    // Find every stub first, so that nothing is touched unless all can be restored.
    let mut plan = Vec::new();
    for (lesson, exercise) in scope {
        let path = course.stub_path(lesson, exercise);
        let current = fs::read(&path).unwrap_or_default();
        let blob = lesson
            .seal
            .as_ref()
            .and_then(|s| s.stubs.get(&exercise.id))
            .ok_or_else(|| {
                Error::Other(
                    t!("reset.no_seal", lesson = lesson.id, exercise = exercise.id).into_owned(),
                )
            })?;
        if seal::git_blob_id(&current) == *blob {
            continue; // already the stub
        }
        let stub = stub_from_git(course, blob).map_err(|why| {
            Error::Other(
                t!(
                    "reset.cannot_reset",
                    path = course.display_path(&path),
                    why = why
                )
                .into_owned(),
            )
        })?;
        plan.push((*lesson, *exercise, path, current, stub));
    }
    if plan.is_empty() {
        if scope.len() == 1 {
            println!("{}", t!("reset.nothing_one"));
        } else {
            println!("{}", t!("reset.nothing_all"));
        }
        return Ok(true);
    }
    println!("{}", t!("reset.plan"));
    for (_, _, path, _, _) in &plan {
        println!("  {}", course.display_path(path));
    }
    if !yes && !confirm()? {
        println!("{}", t!("reset.nothing_changed"));
        return Ok(false);
    }
    let backups = course.state_dir().join("backup");
    let mut store = Store::open(course);
    for (lesson, exercise, path, current, stub) in plan {
        let backup = backups.join(format!(
            "{}-{}-{}.rs",
            lesson.id,
            exercise.id,
            progress::now()
        ));
        fs::create_dir_all(&backups).map_err(|e| Error::io(&backups, e))?;
        fs::write(&backup, &current).map_err(|e| Error::io(&backup, e))?;
        fs::write(&path, &stub).map_err(|e| Error::io(&path, e))?;
        *store.entry(lesson, exercise) = Default::default();
        println!(
            "{} {}",
            paint(OK, "✓"),
            t!(
                "reset.done",
                path = course.display_path(&path),
                backup = paint(CODE, course.display_path(&backup))
            )
        );
    }
    if let Err(e) = store.save() {
        println!(
            "{} {}",
            paint(WARN, t!("warning.prefix")),
            t!("reset.progress_not_cleared", error = e)
        );
    }
    Ok(true)
}

/// Asks on the terminal; refuses when there is nobody to ask.
fn confirm() -> Result<bool> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(Error::Usage(t!("reset.needs_yes").into_owned()));
    }
    print!("{} ", t!("reset.confirm"));
    std::io::stdout().flush().ok();
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer).ok();
    let answer = answer.trim().to_lowercase();
    Ok(matches!(answer.as_str(), "y" | "yes" | "s" | "si" | "sí"))
}

fn stub_from_git(course: &Course, blob: &str) -> std::result::Result<Vec<u8>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(&course.root)
        .args(["cat-file", "blob", blob])
        .output()
        .map_err(|e| t!("reset.no_git", error = e).into_owned())?;
    if output.status.success() && seal::git_blob_id(&output.stdout) == blob {
        Ok(output.stdout)
    } else {
        Err(t!("reset.not_in_git").into_owned())
    }
}
