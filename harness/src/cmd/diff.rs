//! `kata diff <lesson>[/<exercise>]`: the learner's file against the reference
//! solution, as a coloured unified diff with a one-line summary per file.

use std::fs;

use anstream::println;
use rust_i18n::t;
use similar::{ChangeTag, TextDiff};

use crate::course::{Course, Target};
use crate::error::{Error, Result};
use crate::ui::{BAD, BOLD, CODE, DIM, OK, paint};

/// Lines of context around each change.
const CONTEXT: usize = 3;

pub fn diff(course: &Course, target: Target<'_>, stat_only: bool) -> Result<()> {
    for exercise in target.exercises() {
        let mine_path = course.stub_path(target.lesson, exercise);
        let theirs_path = course.solution_path(target.lesson, exercise);
        let mine = fs::read_to_string(&mine_path).map_err(|e| Error::io(&mine_path, e))?;
        let theirs = fs::read_to_string(&theirs_path).map_err(|e| Error::io(&theirs_path, e))?;
        let (mine_name, theirs_name) = (
            course.display_path(&mine_path),
            course.display_path(&theirs_path),
        );
        let diff = TextDiff::from_lines(&mine, &theirs);
        let (mut removed, mut added) = (0, 0);
        for change in diff.iter_all_changes() {
            match change.tag() {
                ChangeTag::Delete => removed += 1,
                ChangeTag::Insert => added += 1,
                ChangeTag::Equal => {}
            }
        }
        let summary = if removed + added == 0 {
            paint(OK, t!("diff.identical"))
        } else {
            t!(
                "diff.summary",
                removed = paint(BAD, format!("-{removed}")),
                added = paint(OK, format!("+{added}"))
            )
            .into_owned()
        };
        println!(
            "{} {}: {summary}",
            paint(BOLD, "==>"),
            t!("diff.files", mine = mine_name, theirs = theirs_name)
        );
        if stat_only || removed + added == 0 {
            continue;
        }
        println!(
            "{}",
            paint(BAD, format!("--- {mine_name} ({})", t!("diff.yours")))
        );
        println!(
            "{}",
            paint(OK, format!("+++ {theirs_name} ({})", t!("diff.reference")))
        );
        for hunk in diff.unified_diff().context_radius(CONTEXT).iter_hunks() {
            println!("{}", paint(CODE, hunk.header()));
            for change in hunk.iter_changes() {
                let text = change.value().trim_end_matches('\n');
                match change.tag() {
                    ChangeTag::Delete => println!("{}", paint(BAD, format!("-{text}"))),
                    ChangeTag::Insert => println!("{}", paint(OK, format!("+{text}"))),
                    ChangeTag::Equal => println!("{}", paint(DIM, format!(" {text}"))),
                }
            }
        }
    }
    Ok(())
}
