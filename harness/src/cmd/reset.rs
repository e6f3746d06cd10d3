//! `kata reset <lesson>[/<exercise>]` and `kata reset --all`: put the stubs
//! back. The stub's contents come from git (the blob id is in the lesson's
//! seal), so a learner who committed their work can still reset. The file
//! being replaced is copied to `.kata/backup/` first: nothing is lost.

use std::fs;
use std::io::{BufRead, IsTerminal, Write};
use std::process::Command;

use anstream::println;

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
                Error::Other(format!(
                    "cannot reset {}/{}: lesson {} has no seal.toml to say what its stub is",
                    lesson.id, exercise.id, lesson.id
                ))
            })?;
        if seal::git_blob_id(&current) == *blob {
            continue; // already the stub
        }
        let stub = stub_from_git(course, blob).map_err(|why| {
            Error::Other(format!(
                "cannot reset {}: {why}. Restore it from a fresh copy of the course instead.",
                course.display_path(&path)
            ))
        })?;
        plan.push((*lesson, *exercise, path, current, stub));
    }
    if plan.is_empty() {
        println!(
            "{} already as shipped; nothing to reset.",
            if scope.len() == 1 {
                "The stub is"
            } else {
                "Every stub is"
            }
        );
        return Ok(true);
    }
    println!("This puts back the stub of:");
    for (_, _, path, _, _) in &plan {
        println!("  {}", course.display_path(path));
    }
    if !yes && !confirm()? {
        println!("Nothing was changed.");
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
            "{} reset {} (your version is kept in {})",
            paint(OK, "✓"),
            course.display_path(&path),
            paint(CODE, course.display_path(&backup))
        );
    }
    if let Err(e) = store.save() {
        println!(
            "{} the progress of the reset exercises could not be cleared: {e}",
            paint(WARN, "warning:")
        );
    }
    Ok(true)
}

/// Asks on the terminal; refuses when there is nobody to ask.
fn confirm() -> Result<bool> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(Error::Usage(
            "reset overwrites files: confirm with --yes when not running on a terminal".into(),
        ));
    }
    print!("Replace your version with the stub? [y/N] ");
    std::io::stdout().flush().ok();
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer).ok();
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

fn stub_from_git(course: &Course, blob: &str) -> std::result::Result<Vec<u8>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(&course.root)
        .args(["cat-file", "blob", blob])
        .output()
        .map_err(|e| format!("git is not available ({e})"))?;
    if output.status.success() && seal::git_blob_id(&output.stdout) == blob {
        Ok(output.stdout)
    } else {
        Err("the stub is not in this folder's git history (not a git checkout?)".into())
    }
}
